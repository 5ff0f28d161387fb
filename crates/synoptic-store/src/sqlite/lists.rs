//! SQLite: the stored list lines of stories, pages of the story list, and the newest events (see
//! `crate::lists`).

use rusqlite::{Connection, params};

use crate::lists::{self, EventLine, PageRow, StoredLine, StoryCursor, StoryPage};
use crate::{EventSummary, StoreError};

/// Schema v4 additions: the list line of each story, and the indexes the paged lists read.
pub(crate) const V4: &str = "
ALTER TABLE stories ADD COLUMN events INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stories ADD COLUMN articles INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stories ADD COLUMN origins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stories ADD COLUMN outlets TEXT NOT NULL DEFAULT '[]';
ALTER TABLE stories ADD COLUMN first_seen TEXT;
ALTER TABLE stories ADD COLUMN last_seen TEXT;
ALTER TABLE stories ADD COLUMN recent INTEGER NOT NULL DEFAULT 0;
CREATE INDEX stories_recent ON stories(recent, seq);
CREATE INDEX events_recent ON events(last_seen_ts IS NULL, last_seen_ts DESC, seq DESC);
";

/// v3 → v4: the columns and indexes, and every story's list line computed.
pub(crate) fn migrate_v4(c: &Connection) -> Result<(), StoreError> {
    c.execute_batch(V4)?;
    let ids: Vec<String> = {
        let mut st = c.prepare("SELECT id FROM stories")?;
        st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?
    };
    for id in ids {
        summarize_story(c, &id)?;
    }
    Ok(())
}

/// Recompute the list line of story `id` from the stored events it links that still belong to it (in
/// link order, for the outlets). Nothing happens when the story is not stored.
pub(crate) fn summarize_story(c: &Connection, id: &str) -> Result<(), StoreError> {
    let mut st = c.prepare_cached(
        "SELECT e.articles, e.origins, e.first_seen, e.last_seen, e.outlets FROM story_events l \
         JOIN events e ON e.id = l.event AND e.story = l.story WHERE l.story = ?1 ORDER BY l.pos",
    )?;
    let rows = st
        .query_map([id], |r| -> rusqlite::Result<EventLine> {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let l = lists::story_line(id, rows)?;
    c.prepare_cached(
        "UPDATE stories SET events = ?2, articles = ?3, origins = ?4, outlets = ?5, first_seen = ?6, last_seen = ?7, \
         recent = ?8 WHERE id = ?1",
    )?
    .execute(params![id, l.events, l.articles, l.origins, l.outlets, l.first_seen, l.last_seen, l.recent])?;
    Ok(())
}

/// Up to `limit` stories after `after` (from the top when `None`), in list order.
pub(crate) fn stories_page(c: &Connection, after: Option<StoryCursor>, limit: usize) -> Result<StoryPage, StoreError> {
    let from = after.unwrap_or(StoryCursor::TOP);
    let mut st = c.prepare_cached(
        "SELECT id, title, events, articles, origins, outlets, first_seen, last_seen, recent, seq FROM stories \
         WHERE (recent, seq) < (?1, ?2) ORDER BY recent DESC, seq DESC LIMIT ?3",
    )?;
    let rows = st
        .query_map(params![from.recent, from.seq, lists::fetch(limit)], |r| {
            Ok(PageRow {
                id: r.get(0)?,
                title: r.get(1)?,
                line: StoredLine {
                    events: r.get(2)?,
                    articles: r.get(3)?,
                    origins: r.get(4)?,
                    outlets: r.get(5)?,
                    first_seen: r.get(6)?,
                    last_seen: r.get(7)?,
                    recent: r.get(8)?,
                },
                seq: r.get(9)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    lists::page(rows, limit)
}

pub(crate) fn story_count(c: &Connection) -> Result<usize, StoreError> {
    let n: i64 = c.prepare_cached("SELECT count(*) FROM stories")?.query_row([], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// The `limit` most recently updated events (by last seen; undated last, newest stored first).
pub(crate) fn recent_events(c: &Connection, limit: usize) -> Result<Vec<EventSummary>, StoreError> {
    super::analysis::event_summaries_limited(c, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(c: &Connection, sql: &str) -> String {
        let mut st = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = st.query_map([], |r| r.get::<_, String>(3)).unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
    }

    /// A page is one index range, never a scan and sort of every story or event.
    #[test]
    fn pages_read_an_index_range() {
        let c = super::super::Conn::open_in_memory().unwrap();
        let c = &c.conn;
        let stories =
            plan(c, "SELECT id FROM stories WHERE (recent, seq) < (1, 2) ORDER BY recent DESC, seq DESC LIMIT 3");
        assert!(stories.contains("stories_recent"), "{stories}");
        assert!(!stories.contains("TEMP B-TREE"), "{stories}");
        let events =
            plan(c, "SELECT id FROM events ORDER BY last_seen_ts IS NULL, last_seen_ts DESC, seq DESC LIMIT 3");
        assert!(events.contains("events_recent"), "{events}");
        assert!(!events.contains("TEMP B-TREE"), "{events}");
    }
}
