//! SQLite feed-watching state: per feed URL, the validators for conditional GET and the failure count.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::{FeedState, StoreError, parse_ts, ts_text};

pub(crate) fn put(c: &Connection, f: &FeedState) -> Result<(), StoreError> {
    c.prepare_cached(
        "INSERT INTO feeds (url, etag, last_modified, last_polled, failures, last_error) VALUES (?1, ?2, ?3, ?4, ?5, \
         ?6) ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, \
         last_polled = excluded.last_polled, failures = excluded.failures, last_error = excluded.last_error",
    )?
    .execute(params![
        f.url,
        f.etag,
        f.last_modified,
        ts_text(f.last_polled.as_ref()),
        f.failures,
        f.last_error
    ])?;
    Ok(())
}

type Raw = (String, Option<String>, Option<String>, Option<String>, u32, Option<String>);

fn read(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
}

fn decode((url, etag, last_modified, last_polled, failures, last_error): Raw) -> Result<FeedState, StoreError> {
    let last_polled = parse_ts(&format!("last poll of feed {url}"), last_polled)?;
    Ok(FeedState { url, etag, last_modified, last_polled, failures, last_error })
}

const SELECT: &str = "SELECT url, etag, last_modified, last_polled, failures, last_error FROM feeds";

pub(crate) fn get(c: &Connection, url: &str) -> Result<Option<FeedState>, StoreError> {
    let raw = c.prepare_cached(&format!("{SELECT} WHERE url = ?1"))?.query_row([url], read).optional()?;
    raw.map(decode).transpose()
}

pub(crate) fn all(c: &Connection) -> Result<Vec<FeedState>, StoreError> {
    let mut st = c.prepare_cached(&format!("{SELECT} ORDER BY url"))?;
    let raws = st.query_map([], read)?.collect::<Result<Vec<_>, _>>()?;
    raws.into_iter().map(decode).collect()
}
