//! PostgreSQL schema versions and the migrations between them.
//!
//! The version lives in the table `synoptic_meta` (`application` = `synoptic`, `version`), beside the
//! store's tables in the connection's current schema. Opening a store checks, before changing anything,
//! that the schema is empty or holds a Synoptic store no newer than [`CURRENT`]; then runs every step from
//! its version to [`CURRENT`], each in its own transaction under an advisory lock, so two processes opening
//! one database at once migrate it once, and a failed step leaves the previous version intact.
//!
//! - v1: everything SQLite's v3 stores, in one step: articles (annotations as the compact binary record,
//!   placement, explanation), events and stories (deflated bodies, list columns), the story → events link,
//!   engine state, feed state; full-text search on a generated `tsvector` column (title weighted above
//!   text) with a GIN index, under the text-search configuration `synoptic_text`: `simple` with `unaccent`,
//!   so accents fold as FTS5's `remove_diacritics` folds them.
//! - v2: paged lists (SQLite's v4). Each story row carries its list line (events, articles, origins, outlets,
//!   first and last seen) and a sort key `recent`, indexed with `seq` (`stories_recent`), computed for
//!   existing stories; events get an index in list order (`events_recent`). See `lists`.

use super::Conn;
use crate::StoreError;

/// The PostgreSQL schema version this build writes.
pub const CURRENT: u32 = 2;

/// The `application` value of a Synoptic store in `synoptic_meta`.
pub const APPLICATION: &str = "synoptic";

/// The advisory lock held while a schema is created or migrated ("Syno", then 1).
const MIGRATION_LOCK: i64 = 0x5379_6E6F_0000_0001;

/// Schema v1.
const V1: &str = "
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION synoptic_text (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION synoptic_text ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
CREATE TABLE synoptic_meta (
    key   TEXT COLLATE \"C\" PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE articles (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    source       TEXT NOT NULL,
    title        TEXT,
    text         TEXT NOT NULL,
    url          TEXT,
    outlet       TEXT,
    author       TEXT,
    published    TEXT,
    published_ts BIGINT,
    language     TEXT,
    credits      TEXT NOT NULL,
    extra        TEXT NOT NULL,
    annotations  BYTEA NOT NULL,
    copy_of      TEXT,
    event        TEXT,
    explain      BYTEA,
    search       TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('synoptic_text'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('synoptic_text'::regconfig, text), 'B')
    ) STORED
);
CREATE INDEX articles_event ON articles (event);
CREATE INDEX articles_search ON articles USING gin (search);
CREATE TABLE events (
    seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    story         TEXT NOT NULL,
    title         TEXT NOT NULL,
    first_seen    TEXT,
    first_seen_ts BIGINT,
    articles      BIGINT NOT NULL,
    origins       BIGINT NOT NULL,
    body          BYTEA NOT NULL,
    last_seen     TEXT,
    last_seen_ts  BIGINT,
    outlets       TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX events_story ON events (story);
CREATE TABLE stories (
    seq   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id    TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body  BYTEA NOT NULL
);
CREATE TABLE story_events (
    story TEXT NOT NULL,
    pos   BIGINT NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (story, pos)
);
CREATE INDEX story_events_event ON story_events (event);
CREATE TABLE state (
    key   TEXT COLLATE \"C\" PRIMARY KEY,
    value BYTEA NOT NULL
);
CREATE TABLE feeds (
    url           TEXT COLLATE \"C\" PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    last_polled   TEXT,
    failures      BIGINT NOT NULL DEFAULT 0,
    last_error    TEXT
);
";

/// What the current schema of the database holds.
enum Found {
    /// No tables at all: a store can be created.
    Empty,
    /// A Synoptic store of this version.
    Store(u32),
}

/// Refuse a database that is not ours or is newer before changing anything in it.
fn precheck(c: &Conn) -> Result<Found, StoreError> {
    let has_meta: bool = c.query_one("SELECT to_regclass('synoptic_meta') IS NOT NULL", &[])?.get(0);
    if !has_meta {
        let tables: i64 = c
            .query_one(
                "SELECT count(*) FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace \
                 WHERE n.nspname = current_schema() AND k.relkind IN ('r', 'v', 'm', 'p', 'f')",
                &[],
            )?
            .get(0);
        return if tables == 0 { Ok(Found::Empty) } else { Err(StoreError::Foreign { path: c.location() }) };
    }
    let application: Option<String> =
        c.query_opt("SELECT value FROM synoptic_meta WHERE key = 'application'", &[])?.map(|r| r.get(0));
    if application.as_deref() != Some(APPLICATION) {
        return Err(StoreError::Foreign { path: c.location() });
    }
    let found = version(c)?;
    if found > CURRENT {
        return Err(StoreError::TooNew { path: c.location(), found, supported: CURRENT });
    }
    Ok(Found::Store(found))
}

/// The schema version stored in the database (0 when there is no store yet).
pub(crate) fn version(c: &Conn) -> Result<u32, StoreError> {
    let v: Option<String> =
        c.query_opt("SELECT value FROM synoptic_meta WHERE key = 'version'", &[])?.map(|r| r.get(0));
    let Some(v) = v else { return Ok(0) };
    v.parse().map_err(|_| StoreError::invalid("schema version", v))
}

/// Bring the database to [`CURRENT`], refusing databases that are not ours or are newer.
pub(crate) fn migrate(c: &Conn) -> Result<(), StoreError> {
    // The common case takes no lock.
    if let Found::Store(CURRENT) = precheck(c)? {
        return Ok(());
    }
    loop {
        let step = c.atomically(|| {
            c.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
            // Checked again under the lock: another process may have migrated meanwhile.
            let found = match precheck(c)? {
                Found::Empty => 0,
                Found::Store(v) => v,
            };
            if found == CURRENT {
                return Ok(true);
            }
            match found {
                0 => {
                    c.batch(V1)?;
                    c.execute("INSERT INTO synoptic_meta (key, value) VALUES ('application', $1)", &[&APPLICATION])?;
                    c.execute("INSERT INTO synoptic_meta (key, value) VALUES ('version', '0')", &[])?;
                }
                1 => c.migrate_v2()?,
                _ => return Err(StoreError::invalid("schema version", found.to_string())),
            }
            c.execute("UPDATE synoptic_meta SET value = $1 WHERE key = 'version'", &[&(found + 1).to_string()])?;
            Ok(false)
        })?;
        if step {
            return Ok(());
        }
    }
}

/// The schema as PostgreSQL reports it (tables with their columns, indexes), one line each.
pub(crate) fn dump(c: &Conn) -> Result<Vec<String>, StoreError> {
    let rows = c.query(
        "SELECT 'table ' || table_name || ': ' || string_agg(column_name || ' ' || data_type, ', ' \
         ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = current_schema() \
         GROUP BY table_name \
         UNION ALL SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes \
         WHERE schemaname = current_schema() ORDER BY 1",
        &[],
    )?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}
