//! Paged lists that stay cheap on a store of millions of articles (types and the backend-neutral parts;
//! each backend's SQL is in its own `lists` module).
//!
//! - **Story list.** Each story row carries its list line (events, articles, origins, outlets, first and
//!   last seen) and a sort key `recent` (last seen, Unix seconds; [`UNDATED`] when no event is dated).
//!   The line is recomputed from the story's events whenever one of them, or the story, is written, so a
//!   page of the list is one range of the index `stories_recent` whatever the size of the store. Pages are
//!   addressed by a keyset cursor ([`StoryCursor`]): the sort key of the last line shown.
//! - **Recent events.** The newest events by last seen, from the index `events_recent`, for the feed.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{StoreError, StorySummary, parse_ts, ts_text};

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

impl StoryCursor {
    /// Before every story: the first page starts here.
    pub(crate) const TOP: StoryCursor = StoryCursor { recent: i64::MAX, seq: i64::MAX };
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

/// One event of a story as its list line needs it: articles, origins, first and last seen, outlets (JSON).
pub(crate) type EventLine = (i64, i64, Option<String>, Option<String>, String);

/// A story's list line as stored: the counts, outlets (JSON), first and last seen (RFC 3339), and `recent`.
pub(crate) struct StoredLine {
    pub events: i64,
    pub articles: i64,
    pub origins: i64,
    pub outlets: String,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub recent: i64,
}

/// The list line of story `id` from its events (in link order, for the outlets).
pub(crate) fn story_line(id: &str, events: Vec<EventLine>) -> Result<StoredLine, StoreError> {
    let (mut n, mut articles, mut origins) = (0usize, 0usize, 0usize);
    let (mut first_seen, mut last_seen) = (None, None);
    let mut outlets: Vec<String> = Vec::new();
    let what = format!("event times of story {id}");
    for (a, o, first, last, outs) in events {
        n += 1;
        articles += usize::try_from(a).unwrap_or(0);
        origins += usize::try_from(o).unwrap_or(0);
        if let Some(t) = parse_ts(&what, first)?
            && first_seen.is_none_or(|f| t < f)
        {
            first_seen = Some(t);
        }
        if let Some(t) = parse_ts(&what, last)?
            && last_seen.is_none_or(|l| t > l)
        {
            last_seen = Some(t);
        }
        let outs: Vec<String> =
            serde_json::from_str(&outs).map_err(|e| StoreError::json(format!("outlets of story {id}"), e))?;
        for o in outs {
            if !outlets.contains(&o) {
                outlets.push(o);
            }
        }
    }
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    Ok(StoredLine {
        events: count(n),
        articles: count(articles),
        origins: count(origins),
        outlets: serde_json::to_string(&outlets).map_err(|e| StoreError::json("outlets", e))?,
        first_seen: ts_text(first_seen.as_ref()),
        last_seen: ts_text(last_seen.as_ref()),
        recent: last_seen.map_or(UNDATED, |t| t.timestamp()),
    })
}

/// One row of a page query: id, title, the stored line, and the sort key (`recent`, `seq`).
pub(crate) struct PageRow {
    pub id: String,
    pub title: String,
    pub line: StoredLine,
    pub seq: i64,
}

/// A page from up to `limit + 1` rows read in list order (one more than asked tells whether there is a
/// next page).
pub(crate) fn page(rows: Vec<PageRow>, limit: usize) -> Result<StoryPage, StoreError> {
    let more = rows.len() > limit;
    let mut stories = Vec::with_capacity(rows.len().min(limit));
    let mut next = None;
    for PageRow { id, title, line, seq } in rows.into_iter().take(limit) {
        let what = format!("times of story {id}");
        next = Some(StoryCursor { recent: line.recent, seq });
        stories.push(StorySummary {
            outlets: serde_json::from_str(&line.outlets)
                .map_err(|e| StoreError::json(format!("outlets of story {id}"), e))?,
            first_seen: parse_ts(&what, line.first_seen)?,
            last_seen: parse_ts(&what, line.last_seen)?,
            events: usize::try_from(line.events).unwrap_or(0),
            articles: usize::try_from(line.articles).unwrap_or(0),
            origins: usize::try_from(line.origins).unwrap_or(0),
            id,
            title,
        });
    }
    Ok(StoryPage { stories, next: if more { next } else { None } })
}

/// The number of rows to fetch for a page of `limit`.
pub(crate) fn fetch(limit: usize) -> i64 {
    i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

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
