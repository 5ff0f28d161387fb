//! SQLite schema versions and the migrations between them.
//!
//! The version lives in the database header (`PRAGMA user_version`), next to an application id that marks
//! the file as a Synoptic store. Opening a store runs every step from its version to [`CURRENT`], each in
//! its own transaction, so a crash mid-migration leaves the previous version intact. A store from a newer
//! version is refused, never touched.
//!
//! - v1: articles (with annotations and placement), events, stories, engine state.
//! - v2: full-text search (FTS5 over title and text, kept in step by triggers, built from existing rows),
//!   feed-watching state, per-event summary columns (last seen, outlets) and the story → events link
//!   table, both filled in from the stored JSON.
//! - v3: compact storage. Annotations as a binary record instead of JSON, event and story bodies deflated
//!   (both still read in their old form), and each article's placement explanation in an `explain` column
//!   of its row instead of an `explain/<id>` state row; existing rows are converted. New articles enter the
//!   full-text index in one statement per batch, written by the store before commit, instead of by an
//!   insert trigger (one statement, and one index segment, per article); the index may gather 32 MB of a
//!   batch in memory before writing a segment (FTS5's `hashsize`, 1 MB by default).
//! - v4: paged lists. Each story row carries its list line (events, articles, origins, outlets, first and
//!   last seen) and a sort key `recent`, indexed with `seq` (`stories_recent`), computed for existing
//!   stories; events get an index in list order (`events_recent`). See `lists`.
//! - v5: the `state` table becomes an ordinary rowid table (it was `WITHOUT ROWID`). Its values include the
//!   engine snapshot (tens of MB); in a `WITHOUT ROWID` b-tree the whole row is the key, so every lookup of any
//!   other key that compared against the snapshot's cell read all of it from its overflow pages, a cost that
//!   grew with the store (a refresh of 10k articles spent 18 s of its 28 s there; 1.4 s after). Now the key
//!   index holds keys only and a value is read when its row is.

use rusqlite::{Connection, TransactionBehavior, params};
use std::path::Path;

use crate::StoreError;

/// The schema version this build writes.
pub const CURRENT: u32 = 5;

/// `PRAGMA application_id` of a Synoptic store: "Syno" in ASCII.
pub const APPLICATION_ID: i64 = 0x5379_6E6F;

/// Schema v1, exactly as version 1 wrote it (`tests/fixtures/v1.sql` repeats it; a test keeps them equal).
pub(crate) const V1: &str = "
CREATE TABLE articles (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    source       TEXT NOT NULL,
    title        TEXT,
    text         TEXT NOT NULL,
    url          TEXT,
    outlet       TEXT,
    author       TEXT,
    published    TEXT,
    published_ts INTEGER,
    language     TEXT,
    credits      TEXT NOT NULL,
    extra        TEXT NOT NULL,
    annotations  TEXT NOT NULL,
    copy_of      TEXT,
    event        TEXT
);
CREATE INDEX articles_event ON articles(event);
CREATE TABLE events (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    story         TEXT NOT NULL,
    title         TEXT NOT NULL,
    first_seen    TEXT,
    first_seen_ts INTEGER,
    articles      INTEGER NOT NULL,
    origins       INTEGER NOT NULL,
    body          TEXT NOT NULL
);
CREATE INDEX events_story ON events(story);
CREATE TABLE stories (
    seq   INTEGER PRIMARY KEY AUTOINCREMENT,
    id    TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body  TEXT NOT NULL
);
CREATE TABLE state (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;
";

/// Schema v2 additions; the data-dependent part of the step is in [`migrate_v2`].
pub(crate) const V2: &str = "
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
CREATE TABLE feeds (
    url           TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    last_polled   TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT
) WITHOUT ROWID;
ALTER TABLE events ADD COLUMN last_seen TEXT;
ALTER TABLE events ADD COLUMN last_seen_ts INTEGER;
ALTER TABLE events ADD COLUMN outlets TEXT NOT NULL DEFAULT '[]';
CREATE TABLE story_events (
    story TEXT NOT NULL,
    pos   INTEGER NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (story, pos)
) WITHOUT ROWID;
CREATE INDEX story_events_event ON story_events(event);
";

/// Schema v3 additions; converting the stored rows is in [`migrate_v3`].
pub(crate) const V3: &str = "
ALTER TABLE articles ADD COLUMN explain BLOB;
DROP TRIGGER articles_fts_insert;
INSERT INTO articles_fts(articles_fts, rank) VALUES ('hashsize', 33554432);
";

/// Settings every connection gets. WAL lets readers read while one writer writes; `synchronous=NORMAL`
/// in WAL mode means a committed transaction survives the process being killed (the WAL is written
/// before commit returns) — only a power cut or OS crash may lose the last commits, never corrupt the file.
pub(crate) fn configure(conn: &Connection, on_disk: bool) -> Result<(), StoreError> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.set_prepared_statement_cache_capacity(64);
    if on_disk {
        let mode: String = conn.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::invalid("journal mode", format!("expected wal, the database gave {mode}")));
        }
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", -16_000)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

/// The schema version stored in the database.
pub(crate) fn version(conn: &Connection) -> Result<u32, StoreError> {
    let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    u32::try_from(v).map_err(|_| StoreError::invalid("schema version", v.to_string()))
}

/// Refuse a file that is not ours or is newer before changing anything in it (not even its journal mode).
pub(crate) fn precheck(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let found = version(conn)?;
    let app: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if app == APPLICATION_ID && found > CURRENT {
        return Err(StoreError::TooNew { path: path.to_path_buf(), found, supported: CURRENT });
    }
    if app != APPLICATION_ID {
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if app != 0 || found != 0 || tables != 0 {
            return Err(StoreError::Foreign { path: path.to_path_buf() });
        }
    }
    Ok(())
}

/// Bring the database to [`CURRENT`], refusing files that are not ours or are newer.
pub(crate) fn migrate(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    // The common case takes no lock, so opening a reader never waits for a writer.
    precheck(conn, path)?;
    let app: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if app == APPLICATION_ID && version(conn)? == CURRENT {
        return Ok(());
    }
    loop {
        let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        // Checked again inside the transaction: another process may have migrated meanwhile.
        precheck(&tx, path)?;
        let found = version(&tx)?;
        if found == CURRENT {
            return Ok(());
        }
        match found {
            0 => {
                tx.execute_batch(V1)?;
                tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            }
            1 => migrate_v2(&tx)?,
            2 => migrate_v3(&tx)?,
            3 => super::lists::migrate_v4(&tx)?,
            4 => migrate_v5(&tx)?,
            _ => return Err(StoreError::invalid("schema version", found.to_string())),
        }
        tx.pragma_update(None, "user_version", found + 1)?;
        tx.commit()?;
    }
}

/// v1 → v2: full-text index, feed state, event summary columns and story links, filled from existing rows.
fn migrate_v2(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(V2)?;
    let events: Vec<(String, String)> = {
        let mut st = conn.prepare("SELECT id, body FROM events")?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?
    };
    for (id, body) in events {
        let event: synoptic_model::Event =
            serde_json::from_str(&body).map_err(|e| StoreError::json(format!("event {id}"), e))?;
        let summary = super::analysis::event_reach(conn, &event.articles, event.first_seen)?;
        conn.execute(
            "UPDATE events SET last_seen = ?2, last_seen_ts = ?3, outlets = ?4 WHERE id = ?1",
            params![id, summary.last_seen_text(), summary.last_seen_ts(), summary.outlets_json()?],
        )?;
    }
    let stories: Vec<(String, String)> = {
        let mut st = conn.prepare("SELECT id, body FROM stories")?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?
    };
    for (id, body) in stories {
        let story: synoptic_model::Story =
            serde_json::from_str(&body).map_err(|e| StoreError::json(format!("story {id}"), e))?;
        super::analysis::link_story(conn, &story)?;
    }
    Ok(())
}

/// v2 → v3: the explanation column, and every stored row rewritten in its compact form.
fn migrate_v3(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(V3)?;
    super::articles::compact_all(conn)?;
    super::analysis::compact_bodies(conn)?;
    // Explanations move from the engine state into their article's row (those of unknown articles stay).
    conn.execute_batch(
        "UPDATE articles SET explain = (SELECT value FROM state WHERE key = 'explain/' || articles.id) \
         WHERE EXISTS (SELECT 1 FROM state WHERE key = 'explain/' || articles.id); \
         DELETE FROM state WHERE substr(key, 1, 8) = 'explain/' \
         AND EXISTS (SELECT 1 FROM articles WHERE id = substr(key, 9));",
    )?;
    Ok(())
}

/// v4 → v5: `state` rebuilt as a rowid table, its rows copied as they are.
fn migrate_v5(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE state_v5 (key TEXT PRIMARY KEY, value BLOB NOT NULL); \
         INSERT INTO state_v5 (key, value) SELECT key, value FROM state ORDER BY key; \
         DROP TABLE state; \
         ALTER TABLE state_v5 RENAME TO state;",
    )?;
    Ok(())
}

/// The schema as SQLite reports it, one statement per line, for comparing stores.
pub(crate) fn dump(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut st = conn.prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name")?;
    let rows = st.query_map([], |r| {
        let (t, n, s): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        Ok(format!("{t} {n}: {}", s.split_whitespace().collect::<Vec<_>>().join(" ")))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
