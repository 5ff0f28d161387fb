//! SQLite: what the analysis computes, stored: events, stories, the story list, engine state, contract documents.
//!
//! Events and stories are stored whole as JSON (they are computed values, replaced on every update), with
//! the columns that lists and lookups need beside them.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{Connection, OptionalExtension, params};
use synoptic_model::{Event, Story, Timestamp};

use super::{articles, atomically};
use crate::rows::{self, Body, EventSummaryRow, Reach, decode_body, encode_body, explained};
use crate::{EventSummary, StoreError, StorySummary, codec, ts_secs, ts_text};

/// The latest publication time and the distinct outlets (first seen first) of `members`.
pub(crate) fn event_reach(
    c: &Connection,
    members: &[String],
    first_seen: Option<Timestamp>,
) -> Result<Reach, StoreError> {
    rows::event_reach(members, first_seen, |id| articles::outlet_and_time(c, id))
}

/// Store an event; returns the stories whose list line it changes (its story, and the one it left).
pub(crate) fn put_event(c: &Connection, e: &Event) -> Result<Vec<String>, StoreError> {
    let before: Option<String> =
        c.prepare_cached("SELECT story FROM events WHERE id = ?1")?.query_row([&e.id], |r| r.get(0)).optional()?;
    let body = encode_body("event", &e.id, e)?;
    let reach = event_reach(c, &e.articles, e.first_seen)?;
    let mut st = c.prepare_cached(
        "INSERT INTO events (id, story, title, first_seen, first_seen_ts, articles, origins, body, last_seen, \
         last_seen_ts, outlets) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT(id) DO UPDATE SET \
         story = excluded.story, title = excluded.title, first_seen = excluded.first_seen, \
         first_seen_ts = excluded.first_seen_ts, articles = excluded.articles, origins = excluded.origins, \
         body = excluded.body, last_seen = excluded.last_seen, last_seen_ts = excluded.last_seen_ts, \
         outlets = excluded.outlets",
    )?;
    st.execute(params![
        e.id,
        e.story,
        e.title,
        ts_text(e.first_seen.as_ref()),
        ts_secs(e.first_seen.as_ref()),
        i64::try_from(e.articles.len()).unwrap_or(i64::MAX),
        i64::try_from(e.origins).unwrap_or(i64::MAX),
        body,
        reach.last_seen_text(),
        reach.last_seen_ts(),
        reach.outlets_json()?,
    ])?;
    let mut touched = vec![e.story.clone()];
    touched.extend(before.filter(|b| *b != e.story));
    Ok(touched)
}

/// A stored body: deflated JSON (a BLOB, schema v3) or JSON text (older rows).
struct SqlBody(Body);

impl FromSql for SqlBody {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<SqlBody> {
        match v {
            ValueRef::Blob(b) => Ok(SqlBody(Body { bytes: b.to_vec(), deflated: true })),
            ValueRef::Text(t) => Ok(SqlBody(Body { bytes: t.to_vec(), deflated: false })),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

pub(crate) fn event(c: &Connection, id: &str) -> Result<Option<Event>, StoreError> {
    let mut st = c.prepare_cached("SELECT body FROM events WHERE id = ?1")?;
    let body: Option<SqlBody> = st.query_row([id], |r| r.get(0)).optional()?;
    body.map(|b| decode_body("event", id, &b.0)).transpose()
}

pub(crate) fn events(c: &Connection) -> Result<Vec<Event>, StoreError> {
    let mut st = c.prepare_cached("SELECT id, body FROM events ORDER BY first_seen_ts IS NULL, first_seen_ts, seq")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, SqlBody>(1)?.0)))?;
    let rows = rows.collect::<Result<Vec<_>, _>>()?;
    rows.iter().map(|(id, body)| decode_body("event", id, body)).collect()
}

/// Every event id, in the order the events were first stored.
pub(crate) fn event_ids(c: &Connection) -> Result<Vec<String>, StoreError> {
    let mut st = c.prepare_cached("SELECT id FROM events ORDER BY seq")?;
    let ids = st.query_map([], |r| r.get(0))?;
    Ok(ids.collect::<Result<_, _>>()?)
}

pub(crate) fn event_summaries(c: &Connection) -> Result<Vec<EventSummary>, StoreError> {
    event_summaries_limited(c, usize::MAX)
}

/// The first `limit` lines of [`event_summaries`] (read from the index `events_recent`).
pub(crate) fn event_summaries_limited(c: &Connection, limit: usize) -> Result<Vec<EventSummary>, StoreError> {
    let mut st = c.prepare_cached(
        "SELECT id, story, title, articles, origins, outlets, first_seen, last_seen FROM events \
         ORDER BY last_seen_ts IS NULL, last_seen_ts DESC, seq DESC LIMIT ?1",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = st.query_map([limit], |r| -> rusqlite::Result<EventSummaryRow> {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
    })?;
    let rows = rows.collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(rows::event_summary).collect()
}

/// Remove an event; returns its story (whose list line changes) when it was stored.
pub(crate) fn delete_event(c: &Connection, id: &str) -> Result<Option<String>, StoreError> {
    let story: Option<String> =
        c.prepare_cached("SELECT story FROM events WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?;
    c.prepare_cached("DELETE FROM events WHERE id = ?1")?.execute([id])?;
    Ok(story)
}

/// Rewrite the story → events links of `s`.
pub(crate) fn link_story(c: &Connection, s: &Story) -> Result<(), StoreError> {
    c.prepare_cached("DELETE FROM story_events WHERE story = ?1")?.execute([&s.id])?;
    let mut st = c.prepare_cached("INSERT OR IGNORE INTO story_events (story, pos, event) VALUES (?1, ?2, ?3)")?;
    for (pos, event) in s.events.iter().enumerate() {
        st.execute(params![s.id, i64::try_from(pos).unwrap_or(i64::MAX), event])?;
    }
    Ok(())
}

pub(crate) fn put_story(c: &Connection, s: &Story) -> Result<(), StoreError> {
    let body = encode_body("story", &s.id, s)?;
    atomically(c, |c| {
        c.prepare_cached(
            "INSERT INTO stories (id, title, body) VALUES (?1, ?2, ?3) ON CONFLICT(id) DO UPDATE SET \
             title = excluded.title, body = excluded.body",
        )?
        .execute(params![s.id, s.title, body])?;
        link_story(c, s)
    })
}

pub(crate) fn story(c: &Connection, id: &str) -> Result<Option<Story>, StoreError> {
    let mut st = c.prepare_cached("SELECT body FROM stories WHERE id = ?1")?;
    let body: Option<SqlBody> = st.query_row([id], |r| r.get(0)).optional()?;
    body.map(|b| decode_body("story", id, &b.0)).transpose()
}

pub(crate) fn all_stories(c: &Connection) -> Result<Vec<Story>, StoreError> {
    let mut st = c.prepare_cached("SELECT id, body FROM stories ORDER BY seq")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, SqlBody>(1)?.0)))?;
    let rows = rows.collect::<Result<Vec<_>, _>>()?;
    rows.iter().map(|(id, body)| decode_body("story", id, body)).collect()
}

pub(crate) fn delete_story(c: &Connection, id: &str) -> Result<bool, StoreError> {
    atomically(c, |c| {
        c.prepare_cached("DELETE FROM story_events WHERE story = ?1")?.execute([id])?;
        Ok(c.prepare_cached("DELETE FROM stories WHERE id = ?1")?.execute([id])? > 0)
    })
}

/// The whole story list, newest first (see `super::lists`).
pub(crate) fn stories(c: &Connection) -> Result<Vec<StorySummary>, StoreError> {
    Ok(super::lists::stories_page(c, None, usize::MAX - 1)?.stories)
}

pub(crate) fn reset(c: &Connection) -> Result<(), StoreError> {
    atomically(c, |c| {
        c.execute_batch(
            "DELETE FROM story_events; DELETE FROM stories; DELETE FROM events; DELETE FROM state; \
             UPDATE articles SET copy_of = NULL, event = NULL, explain = NULL \
             WHERE copy_of IS NOT NULL OR event IS NOT NULL OR explain IS NOT NULL;",
        )?;
        Ok(())
    })
}

pub(crate) fn put_state(c: &Connection, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
    if let Some(id) = explained(key)
        && articles::set_explanation(c, id, Some(bytes))?
    {
        // Kept with the article; a state row left by an older version would now be stale.
        c.prepare_cached("DELETE FROM state WHERE key = ?1")?.execute([key])?;
        return Ok(());
    }
    c.prepare_cached(
        "INSERT INTO state (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, bytes])?;
    Ok(())
}

pub(crate) fn state(c: &Connection, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
    if let Some(id) = explained(key)
        && let Some(Some(bytes)) = articles::explanation(c, id)?
    {
        return Ok(Some(bytes));
    }
    Ok(c.prepare_cached("SELECT value FROM state WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()?)
}

pub(crate) fn state_keys(c: &Connection, prefix: &str) -> Result<Vec<String>, StoreError> {
    // Compared as text, not with LIKE, so `%` and `_` in the prefix mean themselves.
    let mut st = c.prepare_cached("SELECT key FROM state WHERE substr(key, 1, length(?1)) = ?1 ORDER BY key")?;
    let keys = st.query_map([prefix], |r| r.get(0))?;
    Ok(keys.collect::<Result<_, _>>()?)
}

pub(crate) fn delete_state(c: &Connection, key: &str) -> Result<bool, StoreError> {
    let in_row = match explained(key) {
        Some(id) => {
            c.prepare_cached("UPDATE articles SET explain = NULL WHERE id = ?1 AND explain IS NOT NULL")?
                .execute([id])?
                > 0
        }
        None => false,
    };
    Ok(c.prepare_cached("DELETE FROM state WHERE key = ?1")?.execute([key])? > 0 || in_row)
}

/// Rewrite every event and story body stored as JSON text (older versions) deflated.
pub(crate) fn compact_bodies(c: &Connection) -> Result<(), StoreError> {
    for table in ["events", "stories"] {
        let mut read = c.prepare(&format!(
            "SELECT seq, body FROM {table} WHERE seq > ?1 AND typeof(body) = 'text' ORDER BY seq LIMIT 256"
        ))?;
        let mut write = c.prepare(&format!("UPDATE {table} SET body = ?2 WHERE seq = ?1"))?;
        let mut after = i64::MIN;
        loop {
            let page =
                read.query_map([after], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<(i64, String)>, _>>()?;
            let Some(last) = page.last() else { break };
            after = last.0;
            for (seq, body) in page {
                write.execute(params![seq, codec::deflate(body.as_bytes())])?;
            }
        }
    }
    Ok(())
}
