//! PostgreSQL feed-watching state: per feed URL, the validators for conditional GET and the failure count.

use ::postgres::Row;

use super::Conn;
use crate::{FeedState, StoreError, parse_ts, ts_text};

const SELECT: &str = "SELECT url, etag, last_modified, last_polled, failures, last_error FROM feeds";

fn decode(r: &Row) -> Result<FeedState, StoreError> {
    let url: String = r.try_get(0)?;
    let failures: i64 = r.try_get(4)?;
    let last_polled = parse_ts(&format!("last poll of feed {url}"), r.try_get(3)?)?;
    Ok(FeedState {
        etag: r.try_get(1)?,
        last_modified: r.try_get(2)?,
        last_polled,
        failures: u32::try_from(failures).unwrap_or(u32::MAX),
        last_error: r.try_get(5)?,
        url,
    })
}

impl Conn {
    pub(crate) fn put_feed_state(&self, f: &FeedState) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO feeds (url, etag, last_modified, last_polled, failures, last_error) VALUES ($1, $2, $3, \
             $4, $5, $6) ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, \
             last_polled = excluded.last_polled, failures = excluded.failures, last_error = excluded.last_error",
            &[
                &f.url,
                &f.etag,
                &f.last_modified,
                &ts_text(f.last_polled.as_ref()),
                &i64::from(f.failures),
                &f.last_error,
            ],
        )?;
        Ok(())
    }

    pub(crate) fn feed_state(&self, url: &str) -> Result<Option<FeedState>, StoreError> {
        self.query_opt(&format!("{SELECT} WHERE url = $1"), &[&url])?.map(|r| decode(&r)).transpose()
    }

    pub(crate) fn feed_states(&self) -> Result<Vec<FeedState>, StoreError> {
        self.query(&format!("{SELECT} ORDER BY url"), &[])?.iter().map(decode).collect()
    }
}
