//! PostgreSQL: the stored list lines of stories, pages of the story list, the newest events (see
//! `crate::lists`), and the data version servers watch.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::Conn;
use super::articles::cols;
use crate::lists::{self, EventLine, PageRow, StoredLine, StoryCursor, StoryPage};
use crate::{EventSummary, StoreError, rows};

/// Schema v2 additions: the list line of each story, and the indexes the paged lists read.
pub(crate) const V2: &str = "
ALTER TABLE stories ADD COLUMN events BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN articles BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN origins BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN outlets TEXT NOT NULL DEFAULT '[]',
    ADD COLUMN first_seen TEXT,
    ADD COLUMN last_seen TEXT,
    ADD COLUMN recent BIGINT NOT NULL DEFAULT 0;
CREATE INDEX stories_recent ON stories (recent, seq);
CREATE INDEX events_recent ON events ((last_seen_ts IS NULL), last_seen_ts DESC, seq DESC);
";

impl Conn {
    /// v1 → v2: the columns and indexes, and every story's list line computed.
    pub(crate) fn migrate_v2(&self) -> Result<(), StoreError> {
        self.batch(V2)?;
        let ids: Vec<String> =
            self.query("SELECT id FROM stories", &[])?.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?;
        self.summarize_stories(&ids)
    }

    /// Recompute the list lines of stories `ids` from the stored events each links that still belong to it:
    /// one read and one write for all of them.
    pub(crate) fn summarize_stories(&self, ids: &[String]) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let rows = self.query(
            "SELECT l.story, e.articles, e.origins, e.first_seen, e.last_seen, e.outlets FROM story_events l \
             JOIN events e ON e.id = l.event AND e.story = l.story WHERE l.story = ANY($1) ORDER BY l.story, l.pos",
            &[&ids],
        )?;
        let mut events: HashMap<String, Vec<EventLine>> = HashMap::new();
        for r in &rows {
            let line = (r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?);
            events.entry(r.try_get(0)?).or_default().push(line);
        }
        let n = ids.len();
        let (mut counts, mut articles, mut origins, mut outlets) = (cols(n), cols(n), cols(n), cols(n));
        let (mut first_seen, mut last_seen, mut recent) = (cols(n), cols(n), cols(n));
        for id in ids {
            let l = lists::story_line(id, events.remove(id).unwrap_or_default())?;
            counts.push(l.events);
            articles.push(l.articles);
            origins.push(l.origins);
            outlets.push(l.outlets);
            first_seen.push(l.first_seen);
            last_seen.push(l.last_seen);
            recent.push(l.recent);
        }
        self.execute(
            "UPDATE stories s SET events = t.events, articles = t.articles, origins = t.origins, \
             outlets = t.outlets, first_seen = t.first_seen, last_seen = t.last_seen, recent = t.recent \
             FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], \
             $7::text[], $8::bigint[]) AS t(id, events, articles, origins, outlets, first_seen, last_seen, \
             recent) WHERE s.id = t.id",
            &[&ids, &counts, &articles, &origins, &outlets, &first_seen, &last_seen, &recent],
        )?;
        Ok(())
    }

    /// Run a write that changes the list lines of the stories it returns: outside a transaction the write
    /// and the new lines commit together; inside one, the lines are recomputed before it commits.
    pub(crate) fn write_touching(&self, f: impl FnOnce() -> Result<Vec<String>, StoreError>) -> Result<(), StoreError> {
        if !self.in_tx.get() {
            return self.atomically(|| self.summarize_stories(&f()?));
        }
        let touched = f()?;
        self.stale_stories.borrow_mut().extend(touched);
        Ok(())
    }

    /// Recompute the list lines of the stories written in the open transaction.
    pub(crate) fn summarize_pending(&self) -> Result<(), StoreError> {
        let stale: Vec<String> = std::mem::take(&mut *self.stale_stories.borrow_mut()).into_iter().collect();
        self.summarize_stories(&stale)
    }

    pub(crate) fn stories_page(&self, after: Option<StoryCursor>, limit: usize) -> Result<StoryPage, StoreError> {
        self.summarize_pending()?;
        let from = after.unwrap_or(StoryCursor::TOP);
        let rows = self.query(
            "SELECT id, title, events, articles, origins, outlets, first_seen, last_seen, recent, seq FROM stories \
             WHERE (recent, seq) < ($1, $2) ORDER BY recent DESC, seq DESC LIMIT $3",
            &[&from.recent, &from.seq, &lists::fetch(limit)],
        )?;
        let rows = rows
            .iter()
            .map(|r| -> Result<PageRow, StoreError> {
                Ok(PageRow {
                    id: r.try_get(0)?,
                    title: r.try_get(1)?,
                    line: StoredLine {
                        events: r.try_get(2)?,
                        articles: r.try_get(3)?,
                        origins: r.try_get(4)?,
                        outlets: r.try_get(5)?,
                        first_seen: r.try_get(6)?,
                        last_seen: r.try_get(7)?,
                        recent: r.try_get(8)?,
                    },
                    seq: r.try_get(9)?,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        lists::page(rows, limit)
    }

    pub(crate) fn stories(&self) -> Result<Vec<crate::StorySummary>, StoreError> {
        Ok(self.stories_page(None, usize::MAX - 1)?.stories)
    }

    pub(crate) fn story_count(&self) -> Result<usize, StoreError> {
        let n: i64 = self.query_one("SELECT count(*) FROM stories", &[])?.try_get(0)?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// The `limit` most recently updated events (by last seen; undated last, newest stored first).
    pub(crate) fn recent_events(&self, limit: usize) -> Result<Vec<EventSummary>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.query(
            "SELECT id, story, title, articles, origins, outlets, first_seen, last_seen FROM events \
             ORDER BY (last_seen_ts IS NULL), last_seen_ts DESC, seq DESC LIMIT $1",
            &[&limit],
        )?;
        rows.iter()
            .map(|r| {
                rows::event_summary((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                    r.try_get(4)?,
                    r.try_get(5)?,
                    r.try_get(6)?,
                    r.try_get(7)?,
                ))
            })
            .collect()
    }

    /// Changes whenever a writing transaction ended anywhere in the database cluster since the last call:
    /// the current snapshot (`xmin:xmax:in-progress ids`) moves exactly then. A transaction that ends
    /// leaves the in-progress list or raises `xmax`, so a commit by another handle always changes it;
    /// read-only transactions have no id and never do. One round trip, no table read.
    pub(crate) fn data_version(&self) -> Result<u64, StoreError> {
        let snapshot: String = self.query_one("SELECT pg_current_snapshot()::text", &[])?.try_get(0)?;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        snapshot.hash(&mut h);
        Ok(h.finish())
    }
}
