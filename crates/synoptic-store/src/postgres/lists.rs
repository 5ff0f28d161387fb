//! PostgreSQL: the stored list lines of stories, pages of the story list, the newest events (see
//! `crate::lists`), and the data version servers watch.

use std::hash::{Hash, Hasher};

use super::Conn;
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
        for id in ids {
            self.summarize_story(&id)?;
        }
        Ok(())
    }

    /// Recompute the list line of story `id` from the stored events it links that still belong to it.
    pub(crate) fn summarize_story(&self, id: &str) -> Result<(), StoreError> {
        let rows = self.query(
            "SELECT e.articles, e.origins, e.first_seen, e.last_seen, e.outlets FROM story_events l \
             JOIN events e ON e.id = l.event AND e.story = l.story WHERE l.story = $1 ORDER BY l.pos",
            &[&id],
        )?;
        let events = rows
            .iter()
            .map(|r| -> Result<EventLine, StoreError> {
                Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let l = lists::story_line(id, events)?;
        self.execute(
            "UPDATE stories SET events = $2, articles = $3, origins = $4, outlets = $5, first_seen = $6, \
             last_seen = $7, recent = $8 WHERE id = $1",
            &[&id, &l.events, &l.articles, &l.origins, &l.outlets, &l.first_seen, &l.last_seen, &l.recent],
        )?;
        Ok(())
    }

    /// Run a write that changes the list lines of the stories it returns: outside a transaction the write
    /// and the new lines commit together; inside one, the lines are recomputed before it commits.
    pub(crate) fn write_touching(&self, f: impl FnOnce() -> Result<Vec<String>, StoreError>) -> Result<(), StoreError> {
        if !self.in_tx.get() {
            return self.atomically(|| {
                for id in f()? {
                    self.summarize_story(&id)?;
                }
                Ok(())
            });
        }
        let touched = f()?;
        self.stale_stories.borrow_mut().extend(touched);
        Ok(())
    }

    /// Recompute the list lines of the stories written in the open transaction.
    pub(crate) fn summarize_pending(&self) -> Result<(), StoreError> {
        let stale = std::mem::take(&mut *self.stale_stories.borrow_mut());
        for id in stale {
            self.summarize_story(&id)?;
        }
        Ok(())
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
