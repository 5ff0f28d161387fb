//! Paged lists that stay cheap on a store of millions of articles.
//!
//! - **Story list.** Each story row carries its list line (events, articles, origins, outlets, first and
//!   last seen) and a sort key `recent` (last seen, Unix seconds; [`UNDATED`] when no event is dated).
//!   The line is recomputed from the story's events whenever one of them, or the story, is written, so a
//!   page of the list is one range of the index `stories_recent` whatever the size of the store. Pages are
//!   addressed by a keyset cursor ([`StoryCursor`]): the sort key of the last line shown.
//! - **Recent events.** The newest events by last seen, from the index `events_recent`, for the feed.

use std::fmt;
use std::str::FromStr;

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::{EventSummary, StoreError, StorySummary, parse_ts, ts_text};

/// The sort key of a story with no dated event: after every dated one.
pub const UNDATED: i64 = i64::MIN;

/// Where a page of the story list starts: the sort key of the last story of the previous page. Stories
/// are listed by `recent` (last seen, Unix seconds, [`UNDATED`] last), then newest stored first (`seq`).
///
/// Its text form (`Display`/`FromStr`, `RECENT.SEQ`) is what the API hands out as an opaque cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryCursor {
    pub recent: i64,
    pub seq: i64,
}

impl fmt::Display for StoryCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.recent, self.seq)
    }
}

impl FromStr for StoryCursor {
    type Err = String;
    fn from_str(s: &str) -> Result<StoryCursor, String> {
        let bad = || format!("not a story-list cursor: {s:?}");
        let (recent, seq) = s.split_once('.').ok_or_else(bad)?;
        Ok(StoryCursor { recent: recent.parse().map_err(|_| bad())?, seq: seq.parse().map_err(|_| bad())? })
    }
}

/// One page of the story list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryPage {
    pub stories: Vec<StorySummary>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<StoryCursor>,
}

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
    type Row = (i64, i64, Option<String>, Option<String>, String);
    let rows = st
        .query_map([id], |r| -> rusqlite::Result<Row> { Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)) })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut s = StorySummary {
        id: id.to_string(),
        title: String::new(),
        events: 0,
        articles: 0,
        origins: 0,
        outlets: Vec::new(),
        first_seen: None,
        last_seen: None,
    };
    let what = format!("event times of story {id}");
    for (articles, origins, first_seen, last_seen, outlets) in rows {
        s.events += 1;
        s.articles += usize::try_from(articles).unwrap_or(0);
        s.origins += usize::try_from(origins).unwrap_or(0);
        if let Some(t) = parse_ts(&what, first_seen)?
            && s.first_seen.is_none_or(|f| t < f)
        {
            s.first_seen = Some(t);
        }
        if let Some(t) = parse_ts(&what, last_seen)?
            && s.last_seen.is_none_or(|l| t > l)
        {
            s.last_seen = Some(t);
        }
        let outlets: Vec<String> =
            serde_json::from_str(&outlets).map_err(|e| StoreError::json(format!("outlets of story {id}"), e))?;
        for o in outlets {
            if !s.outlets.contains(&o) {
                s.outlets.push(o);
            }
        }
    }
    let recent = s.last_seen.map_or(UNDATED, |t| t.timestamp());
    let outlets = serde_json::to_string(&s.outlets).map_err(|e| StoreError::json("outlets", e))?;
    c.prepare_cached(
        "UPDATE stories SET events = ?2, articles = ?3, origins = ?4, outlets = ?5, first_seen = ?6, last_seen = ?7, \
         recent = ?8 WHERE id = ?1",
    )?
    .execute(params![
        id,
        i64::try_from(s.events).unwrap_or(i64::MAX),
        i64::try_from(s.articles).unwrap_or(i64::MAX),
        i64::try_from(s.origins).unwrap_or(i64::MAX),
        outlets,
        ts_text(s.first_seen.as_ref()),
        ts_text(s.last_seen.as_ref()),
        recent,
    ])?;
    Ok(())
}

/// Up to `limit` stories after `after` (from the top when `None`), in list order.
pub(crate) fn stories_page(c: &Connection, after: Option<StoryCursor>, limit: usize) -> Result<StoryPage, StoreError> {
    let from = after.unwrap_or(StoryCursor { recent: i64::MAX, seq: i64::MAX });
    // One more than asked tells whether there is a next page.
    let fetch = i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX);
    let mut st = c.prepare_cached(
        "SELECT id, title, events, articles, origins, outlets, first_seen, last_seen, recent, seq FROM stories \
         WHERE (recent, seq) < (?1, ?2) ORDER BY recent DESC, seq DESC LIMIT ?3",
    )?;
    type Row = (String, String, i64, i64, i64, String, Option<String>, Option<String>, i64, i64);
    let rows = st
        .query_map(params![from.recent, from.seq, fetch], |r| -> rusqlite::Result<Row> {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let more = rows.len() > limit;
    let mut stories = Vec::with_capacity(rows.len().min(limit));
    let mut next = None;
    for (id, title, events, articles, origins, outlets, first_seen, last_seen, recent, seq) in
        rows.into_iter().take(limit)
    {
        let what = format!("times of story {id}");
        next = Some(StoryCursor { recent, seq });
        stories.push(StorySummary {
            outlets: serde_json::from_str(&outlets)
                .map_err(|e| StoreError::json(format!("outlets of story {id}"), e))?,
            first_seen: parse_ts(&what, first_seen)?,
            last_seen: parse_ts(&what, last_seen)?,
            events: usize::try_from(events).unwrap_or(0),
            articles: usize::try_from(articles).unwrap_or(0),
            origins: usize::try_from(origins).unwrap_or(0),
            id,
            title,
        });
    }
    Ok(StoryPage { stories, next: if more { next } else { None } })
}

pub(crate) fn story_count(c: &Connection) -> Result<usize, StoreError> {
    let n: i64 = c.prepare_cached("SELECT count(*) FROM stories")?.query_row([], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// The `limit` most recently updated events (by last seen; undated last, newest stored first).
pub(crate) fn recent_events(c: &Connection, limit: usize) -> Result<Vec<EventSummary>, StoreError> {
    crate::analysis::event_summaries_limited(c, limit)
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
        let store = crate::Store::open_in_memory().unwrap();
        let c = &store.db.conn;
        let stories =
            plan(c, "SELECT id FROM stories WHERE (recent, seq) < (1, 2) ORDER BY recent DESC, seq DESC LIMIT 3");
        assert!(stories.contains("stories_recent"), "{stories}");
        assert!(!stories.contains("TEMP B-TREE"), "{stories}");
        let events =
            plan(c, "SELECT id FROM events ORDER BY last_seen_ts IS NULL, last_seen_ts DESC, seq DESC LIMIT 3");
        assert!(events.contains("events_recent"), "{events}");
        assert!(!events.contains("TEMP B-TREE"), "{events}");
    }

    #[test]
    fn cursors_round_trip_as_text() {
        for c in [StoryCursor { recent: UNDATED, seq: 7 }, StoryCursor { recent: 1_700_000_000, seq: i64::MAX }] {
            assert_eq!(c.to_string().parse::<StoryCursor>(), Ok(c));
        }
        for bad in ["", "1", "a.b", "1.2.3", "1.", ".2"] {
            assert!(bad.parse::<StoryCursor>().is_err(), "{bad:?}");
        }
    }
}
