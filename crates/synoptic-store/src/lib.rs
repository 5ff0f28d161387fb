//! The embedded store: SQLite (WAL, FTS5), schema versions and migrations. All SQL of Synoptic lives here.
//!
//! One interface, [`Store`], over one database file `synoptic.db` in a store directory. The design keeps
//! the backend out of the API (no SQLite type is public), so a PostgreSQL backend can follow behind the
//! same methods.
//!
//! - **Handles.** A [`Store`] is one connection. Open several on one directory for one writer plus any
//!   number of readers: the database runs in WAL mode, so readers never wait for the writer.
//! - **Writes.** Every read/write method lives on [`Db`], reachable from a [`Store`] (each write commits
//!   on its own) and from a [`Tx`] inside [`Store::transaction`] (all writes of the closure commit
//!   together, or none do). Batch ingest in transactions: it is much faster, and callers can report an
//!   article as stored only after the transaction that holds it returned.
//! - **Durability.** `synchronous=NORMAL` in WAL mode: once a commit returns, the data survives the
//!   process being killed (`kill -9`); a power cut may lose the last commits but never corrupts the file.
//! - **Ids.** Articles are keyed by their content id ([`synoptic_model::ids::article_id`]): inserting the
//!   same article twice stores it once. Each article also gets `seq`, its ingest order.
//! - **Membership.** [`Db::set_placement`] records an article's event and origin (what
//!   [`Db::event_members`] reads); [`Db::put_event`] stores the computed [`Event`] whole (what documents
//!   and lists use, its `articles` included). The engine keeps the two in step.
//! - **Batches.** [`Db::insert_articles`] stores a batch of articles with their placements and explanations
//!   in one row write each; new articles enter the full-text index in one statement per transaction, just
//!   before it commits (and before any search inside it), so a batch becomes one index segment.
//! - **Compact rows.** Annotations are a binary record that refers to the article text for strings it
//!   repeats; event and story bodies are deflated JSON; explanations live in the article row. See `codec`.
//! - **Versions.** The schema version lives in the file; opening migrates older stores step by step and
//!   refuses newer ones ([`StoreError::TooNew`]). See [`schema`].
//! - **Bad files.** A file that is not a database or is damaged gives [`StoreError::Corrupt`] naming the
//!   path, never a panic.

mod analysis;
mod articles;
mod codec;
mod error;
mod feeds;
mod lists;
pub mod schema;
mod search;

use rusqlite::{Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::ops::Deref;
use std::path::{Path, PathBuf};

use synoptic_model::{Annotations, Article, Document, Event, Story, Timestamp};

pub use error::{BackendError, StoreError};
pub use lists::{StoryCursor, StoryPage, UNDATED};
pub use search::{SEARCH_CANDIDATES, fts_query};

/// State keys `explain/<article id>` (an article's placement explanation) are kept in the article's row
/// since schema v3, not in the state table: [`Db::put_state`], [`Db::state`] and [`Db::delete_state`] route
/// them there when the article is stored. [`Db::set_explanation`] and [`Db::explanation`] say so directly.
pub const EXPLAIN_KEY_PREFIX: &str = "explain/";

/// An article to insert with where it belongs, for [`Db::insert_articles`]: one row write per article
/// instead of an insert, a placement update and an explanation.
#[derive(Debug, Clone, Copy)]
pub struct NewArticle<'a> {
    pub article: &'a Article,
    pub annotations: &'a Annotations,
    /// Its origin when it is a copy (stored instead of `article.copy_of`).
    pub copy_of: Option<&'a str>,
    /// Its event (stored instead of `article.event`).
    pub event: Option<&'a str>,
    /// Why it was placed there (opaque bytes; see [`Db::explanation`]).
    pub explanation: Option<&'a [u8]>,
}

impl<'a> NewArticle<'a> {
    /// An article with its own `copy_of` and `event` and no explanation.
    pub fn new(article: &'a Article, annotations: &'a Annotations) -> NewArticle<'a> {
        NewArticle {
            article,
            annotations,
            copy_of: article.copy_of.as_deref(),
            event: article.event.as_deref(),
            explanation: None,
        }
    }
}

/// File name of the database inside a store directory.
pub const DB_FILE: &str = "synoptic.db";

/// An article as stored: the article (with `copy_of` and `event` filled in), its annotations, and its
/// ingest order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredArticle {
    pub article: Article,
    pub annotations: Annotations,
    /// Ingest order: strictly increasing, never reused (gaps are possible).
    pub seq: u64,
}

/// One line of the story list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StorySummary {
    pub id: String,
    pub title: String,
    /// Number of events listed in the story.
    pub events: usize,
    /// Articles over its events.
    pub articles: usize,
    /// Independent origins over its events.
    pub origins: usize,
    /// Distinct outlets of its articles, first seen first.
    pub outlets: Vec<String>,
    /// Earliest `first_seen` of its events.
    pub first_seen: Option<Timestamp>,
    /// Latest publication time of its articles (or latest `first_seen` when no article is dated).
    pub last_seen: Option<Timestamp>,
}

/// One line of an event list (and one entry of the Atom feed of events).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventSummary {
    pub id: String,
    pub story: String,
    pub title: String,
    pub articles: usize,
    pub origins: usize,
    /// Distinct outlets of its articles, first seen first.
    pub outlets: Vec<String>,
    pub first_seen: Option<Timestamp>,
    /// Latest publication time of its articles (or `first_seen` when no article is dated): when the
    /// event was last updated by a new report.
    pub last_seen: Option<Timestamp>,
}

/// One full-text search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub article: String,
    pub title: Option<String>,
    pub outlet: Option<String>,
    /// A passage of the article with the matched words marked `[like this]`.
    pub snippet: String,
    /// Relevance (BM25, title weighted twice the body): higher is better.
    pub rank: f64,
}

/// What feed watching remembers about one feed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FeedState {
    pub url: String,
    /// The `ETag` of the last successful response, for `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last successful response, for `If-Modified-Since`.
    pub last_modified: Option<String>,
    pub last_polled: Option<Timestamp>,
    /// Consecutive failures (0 after a success), for back-off.
    pub failures: u32,
    pub last_error: Option<String>,
}

/// A handle on a store: one database connection. See the crate documentation.
#[derive(Debug)]
pub struct Store {
    db: Db,
}

/// The read and write methods, shared by [`Store`] (each write commits on its own) and [`Tx`] (writes
/// commit together when the transaction closure returns `Ok`).
#[derive(Debug)]
pub struct Db {
    conn: Connection,
    /// The database file; `None` in memory.
    path: Option<PathBuf>,
    /// The first article inserted in the open transaction and not yet in the full-text index: the index
    /// is brought up to date before commit (and before a search), in one statement.
    unindexed: Cell<Option<i64>>,
    /// Stories whose list line an event or story write of the open transaction changed: recomputed once
    /// each before commit (and before a list read inside it).
    stale_stories: RefCell<BTreeSet<String>>,
}

/// An open transaction; dereferences to [`Db`] for every read and write method.
#[derive(Debug)]
pub struct Tx<'s> {
    db: &'s Db,
}

impl Deref for Store {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.db
    }
}

impl Deref for Tx<'_> {
    type Target = Db;
    fn deref(&self) -> &Db {
        self.db
    }
}

impl Store {
    /// Open the store in `dir` (created when missing) at `dir/synoptic.db`, in WAL mode, migrated to the
    /// current schema.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
        let path = dir.join(DB_FILE);
        if path.is_dir() {
            return Err(StoreError::Unreadable { path, reason: "it is a directory".into() });
        }
        let conn = Connection::open(&path).map_err(|e| StoreError::from(e).at(Some(&path)))?;
        let setup = schema::precheck(&conn, &path)
            .and_then(|()| schema::configure(&conn, true))
            .and_then(|()| schema::migrate(&conn, &path));
        setup.map_err(|e| e.at(Some(&path)))?;
        Ok(Store { db: Db::new(conn, Some(path)) })
    }

    /// A fresh store in memory (tests, one-shot runs).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory()?;
        schema::configure(&conn, false)?;
        schema::migrate(&conn, Path::new(":memory:"))?;
        Ok(Store { db: Db::new(conn, None) })
    }

    /// Run `f` in one write transaction: everything it writes commits together when it returns `Ok`,
    /// and nothing when it returns `Err` (or panics). When this returns `Ok`, the writes are durable.
    pub fn transaction<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let at = self.db.path.clone();
        let tx = rusqlite::Transaction::new_unchecked(&self.db.conn, TransactionBehavior::Immediate)
            .map_err(|e| StoreError::from(e).at(at.as_deref()))?;
        self.db.unindexed.set(None);
        self.db.stale_stories.borrow_mut().clear();
        let out = f(&Tx { db: &self.db })
            .and_then(|out| self.db.index_pending().map(|()| out))
            .and_then(|out| self.db.summarize_pending().map(|()| out));
        // Rolled back (when dropped) or committed below: nothing is pending either way.
        self.db.unindexed.set(None);
        self.db.stale_stories.borrow_mut().clear();
        let out = out?;
        tx.commit().map_err(|e| StoreError::from(e).at(at.as_deref()))?;
        Ok(out)
    }

    /// Close the handle, reporting any error (dropping a `Store` closes it too, silently). When it is the
    /// last handle, the write-ahead log is folded into the database file.
    pub fn close(self) -> Result<(), StoreError> {
        let path = self.db.path;
        self.db.conn.close().map_err(|(_, e)| StoreError::from(e).at(path.as_deref()))
    }

    /// Run `f` on one consistent snapshot of the store: every read inside sees the same state, whatever
    /// other handles commit meanwhile. Writes inside fail (the snapshot is read-only).
    pub fn read<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let at = self.db.path.clone();
        let conn = &self.db.conn;
        conn.pragma_update(None, "query_only", true).map_err(|e| StoreError::from(e).at(at.as_deref()))?;
        let out = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Deferred)
            .map_err(StoreError::from)
            .and_then(|tx| {
                let out = f(&Tx { db: &self.db });
                tx.rollback()?;
                out
            });
        let reset = conn.pragma_update(None, "query_only", false);
        let out = out.map_err(|e| e.at(at.as_deref()))?;
        reset.map_err(|e| StoreError::from(e).at(at.as_deref()))?;
        Ok(out)
    }
}

impl Db {
    fn new(conn: Connection, path: Option<PathBuf>) -> Db {
        Db { conn, path, unindexed: Cell::new(None), stale_stories: RefCell::new(BTreeSet::new()) }
    }

    /// Run a write that changes the list lines of the stories it returns: outside a transaction the write
    /// and the new lines commit together; inside one, the lines are recomputed before it commits.
    fn write_touching(&self, f: impl FnOnce(&Connection) -> Result<Vec<String>, StoreError>) -> Result<(), StoreError> {
        if self.conn.is_autocommit() {
            return self.run(|c| {
                atomically(c, |c| {
                    for id in f(c)? {
                        lists::summarize_story(c, &id)?;
                    }
                    Ok(())
                })
            });
        }
        let touched = self.run(f)?;
        self.stale_stories.borrow_mut().extend(touched);
        Ok(())
    }

    /// Recompute the list lines of the stories written in the open transaction.
    fn summarize_pending(&self) -> Result<(), StoreError> {
        let stale = std::mem::take(&mut *self.stale_stories.borrow_mut());
        for id in stale {
            self.run(|c| lists::summarize_story(c, &id))?;
        }
        Ok(())
    }

    fn run<T>(&self, f: impl FnOnce(&Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        f(&self.conn).map_err(|e| e.at(self.path.as_deref()))
    }

    /// Add the articles inserted since the last call to the full-text index (see [`articles::index_from`]).
    fn index_pending(&self) -> Result<(), StoreError> {
        match self.unindexed.get() {
            Some(seq) => {
                self.run(|c| articles::index_from(c, seq))?;
                self.unindexed.set(None);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Insert articles. Inside a transaction they are indexed before it commits; outside one, the rows and
    /// their index entries commit together here.
    fn insert_all(&self, batch: &[NewArticle<'_>]) -> Result<Vec<bool>, StoreError> {
        if !self.conn.is_autocommit() {
            return self.insert_rows(batch);
        }
        let out =
            self.run(|c| atomically(c, |_| self.insert_rows(batch).and_then(|r| self.index_pending().map(|()| r))));
        self.unindexed.set(None);
        out
    }

    fn insert_rows(&self, batch: &[NewArticle<'_>]) -> Result<Vec<bool>, StoreError> {
        let mut added = Vec::with_capacity(batch.len());
        for new in batch {
            let seq = self.run(|c| articles::insert_placed(c, new))?;
            if let Some(seq) = seq
                && self.unindexed.get().is_none()
            {
                self.unindexed.set(Some(seq));
            }
            added.push(seq.is_some());
        }
        Ok(added)
    }

    /// The database file, or `None` for a store in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        self.run(schema::version)
    }

    /// The schema as the database reports it (one line per table, index and trigger), for diagnostics.
    pub fn schema_dump(&self) -> Result<Vec<String>, StoreError> {
        self.run(schema::dump)
    }

    /// Tidy up after a large ingest: merge the full-text index into one segment (faster searches),
    /// refresh the query planner's statistics and fold the write-ahead log into the database file.
    pub fn optimize(&self) -> Result<(), StoreError> {
        self.run(|c| {
            c.execute_batch("INSERT INTO articles_fts(articles_fts) VALUES ('optimize'); PRAGMA optimize;")?;
            if self.path.is_some() {
                c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            }
            Ok(())
        })
    }

    /// A full check of the file; [`StoreError::Corrupt`] when it finds damage.
    pub fn check_integrity(&self) -> Result<(), StoreError> {
        self.run(|c| {
            let problems = {
                let mut st = c.prepare("PRAGMA integrity_check")?;
                st.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?
            };
            if problems.len() == 1 && problems[0] == "ok" {
                // The full-text index against the article texts it was built from.
                return match c.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)", [])
                {
                    Ok(_) => Ok(()),
                    Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
                        let path = self.path.clone().unwrap_or_else(|| PathBuf::from(":memory:"));
                        Err(StoreError::Corrupt { path, reason: format!("full-text index: {e}") })
                    }
                    Err(e) => Err(e.into()),
                };
            }
            let path = self.path.clone().unwrap_or_else(|| PathBuf::from(":memory:"));
            Err(StoreError::Corrupt { path, reason: problems.join("; ") })
        })
    }

    // ---- articles ----

    /// Store an article with its annotations. Returns `false` (and changes nothing) when an article with
    /// the same id is already stored.
    pub fn insert_article(&self, a: &Article, ann: &Annotations) -> Result<bool, StoreError> {
        Ok(self.insert_all(&[NewArticle::new(a, ann)])?.first().copied().unwrap_or(false))
    }

    /// Store several articles with their placements and explanations (see [`NewArticle`]), in order; for
    /// each, `true` when it was added and `false` (nothing changed) when its id was already stored. Call it
    /// inside [`Store::transaction`] so that the batch commits as one.
    pub fn insert_articles(&self, batch: &[NewArticle<'_>]) -> Result<Vec<bool>, StoreError> {
        self.insert_all(batch)
    }

    /// Keep `bytes` as the explanation of an article's placement; `false` (nothing stored) when the
    /// article is not in the store.
    pub fn set_explanation(&self, article: &str, bytes: &[u8]) -> Result<bool, StoreError> {
        self.run(|c| articles::set_explanation(c, article, Some(bytes)))
    }

    /// The explanation of an article's placement, when one was stored.
    pub fn explanation(&self, article: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.run(|c| Ok(articles::explanation(c, article)?.flatten()))
    }

    pub fn contains_article(&self, id: &str) -> Result<bool, StoreError> {
        self.run(|c| articles::contains(c, id))
    }

    /// One article with its annotations, placement and ingest order.
    pub fn article(&self, id: &str) -> Result<Option<StoredArticle>, StoreError> {
        self.run(|c| articles::get(c, id))
    }

    /// The stored articles among `ids`, in the order given (unknown ids are skipped).
    pub fn articles_by_ids(&self, ids: &[String]) -> Result<Vec<StoredArticle>, StoreError> {
        self.run(|c| articles::by_ids(c, ids))
    }

    /// Every article, in ingest order (without annotations: see [`Db::articles_after`]).
    pub fn articles(&self) -> Result<Vec<Article>, StoreError> {
        self.run(articles::all)
    }

    /// Up to `limit` articles with `seq` greater than `after`, in ingest order: page through the store,
    /// or pick up what arrived since a known point.
    pub fn articles_after(&self, after: u64, limit: usize) -> Result<Vec<StoredArticle>, StoreError> {
        self.run(|c| articles::after(c, after, limit))
    }

    pub fn article_count(&self) -> Result<usize, StoreError> {
        self.run(articles::count)
    }

    /// Record where an article belongs: its origin when it is a copy, and its event.
    pub fn set_placement(&self, article: &str, copy_of: Option<&str>, event: &str) -> Result<(), StoreError> {
        self.run(|c| articles::set_placement(c, article, copy_of, Some(event)))
    }

    /// Replace an article's annotations (after re-annotating).
    pub fn set_annotations(&self, article: &str, ann: &Annotations) -> Result<(), StoreError> {
        self.run(|c| articles::set_annotations(c, article, ann))
    }

    // ---- events and stories ----

    /// Store a computed event whole (inserted, or replacing the event with the same id).
    pub fn put_event(&self, e: &Event) -> Result<(), StoreError> {
        self.write_touching(|c| analysis::put_event(c, e))
    }

    pub fn event(&self, id: &str) -> Result<Option<Event>, StoreError> {
        self.run(|c| analysis::event(c, id))
    }

    /// Every event, in time order (`first_seen`, undated last, then in the order first stored).
    pub fn events(&self) -> Result<Vec<Event>, StoreError> {
        self.run(analysis::events)
    }

    /// Every event as a list line, newest first (by last seen; undated last).
    pub fn event_summaries(&self) -> Result<Vec<EventSummary>, StoreError> {
        self.run(analysis::event_summaries)
    }

    /// The first `limit` lines of [`Db::event_summaries`], read from an index (the feed's entries).
    pub fn recent_events(&self, limit: usize) -> Result<Vec<EventSummary>, StoreError> {
        self.run(|c| lists::recent_events(c, limit))
    }

    /// The articles placed in an event (by [`Db::set_placement`]), in ingest order.
    pub fn event_members(&self, id: &str) -> Result<Vec<StoredArticle>, StoreError> {
        self.run(|c| articles::members(c, id))
    }

    /// Remove an event (after a merge); its articles keep their placement until placed again.
    pub fn delete_event(&self, id: &str) -> Result<bool, StoreError> {
        let mut found = false;
        self.write_touching(|c| {
            let story = analysis::delete_event(c, id)?;
            found = story.is_some();
            Ok(story.into_iter().collect())
        })?;
        Ok(found)
    }

    /// Store a story whole (inserted, or replacing the story with the same id).
    pub fn put_story(&self, s: &Story) -> Result<(), StoreError> {
        self.write_touching(|c| analysis::put_story(c, s).map(|()| vec![s.id.clone()]))
    }

    pub fn story(&self, id: &str) -> Result<Option<Story>, StoreError> {
        self.run(|c| analysis::story(c, id))
    }

    /// The story list, newest first (by last seen, in whole seconds; undated stories last; then newest
    /// stored first). Each line counts the stored events that link to the story and belong to it.
    pub fn stories(&self) -> Result<Vec<StorySummary>, StoreError> {
        self.summarize_pending()?;
        self.run(analysis::stories)
    }

    /// One page of [`Db::stories`]: up to `limit` stories after `after` (from the top when `None`), and
    /// the cursor of the next page (`None` on the last). A page reads one index range, so it costs the
    /// same on a store of any size. Walking the pages of an unchanging store lists every story exactly
    /// once, in the order of [`Db::stories`].
    pub fn stories_page(&self, after: Option<StoryCursor>, limit: usize) -> Result<StoryPage, StoreError> {
        self.summarize_pending()?;
        self.run(|c| lists::stories_page(c, after, limit))
    }

    /// How many stories are stored.
    pub fn story_count(&self) -> Result<usize, StoreError> {
        self.run(lists::story_count)
    }

    pub fn delete_story(&self, id: &str) -> Result<bool, StoreError> {
        self.run(|c| analysis::delete_story(c, id))
    }

    /// Forget every event, story, placement and engine state (articles and annotations stay): the start
    /// of a full re-clustering.
    pub fn reset_analysis(&self) -> Result<(), StoreError> {
        self.run(analysis::reset)
    }

    // ---- engine state ----

    /// Keep an opaque blob under `key` (the engine's index of copies and events).
    pub fn put_state(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.run(|c| analysis::put_state(c, key, bytes))
    }

    pub fn state(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.run(|c| analysis::state(c, key))
    }

    /// Keys of stored state starting with `prefix`, in order: state too big for one blob can be kept
    /// in parts (`index/0001`, `index/0002`, ...) and only the changed parts rewritten.
    pub fn state_keys(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        self.run(|c| analysis::state_keys(c, prefix))
    }

    pub fn delete_state(&self, key: &str) -> Result<bool, StoreError> {
        self.run(|c| analysis::delete_state(c, key))
    }

    // ---- search ----

    /// Full-text search over titles and texts, best first. `query` is user input: words are matched
    /// whole (all of them), `"a phrase"` as a phrase, `word*` as a prefix; any other syntax is taken as
    /// text, never as an error. An empty query finds nothing.
    ///
    /// The work is bounded whatever the words: see [`Db::search_within`], with [`SEARCH_CANDIDATES`].
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        self.search_within(query, limit, SEARCH_CANDIDATES)
    }

    /// [`Db::search`] with its bound given: when every word (or phrase) of the query is in at most
    /// `candidates` articles, all matches are ranked by relevance (BM25, whose cost grows with the number
    /// of articles holding each word); when one is in more, the newest `limit` matches are returned,
    /// newest first, with `rank` 0. Either way the work is at most a few times `candidates` index entries.
    pub fn search_within(&self, query: &str, limit: usize, candidates: usize) -> Result<Vec<SearchHit>, StoreError> {
        self.index_pending()?;
        self.run(|c| search::search(c, query, limit, candidates))
    }

    // ---- changes ----

    /// A number that changes whenever another handle, in this process or another, commits a change to
    /// the store (compare values read from the same handle only). Cheap: servers call it per request to
    /// know when cached pages are stale.
    pub fn data_version(&self) -> Result<u64, StoreError> {
        self.run(|c| {
            let v: i64 = c.query_row("PRAGMA data_version", [], |r| r.get(0))?;
            Ok(v.unsigned_abs())
        })
    }

    // ---- documents ----

    /// The contract document of the whole store.
    pub fn document(&self) -> Result<Document, StoreError> {
        self.run(analysis::document)
    }

    /// The document cut to one story: the story, its events and their articles.
    pub fn document_for_story(&self, id: &str) -> Result<Option<Document>, StoreError> {
        self.run(|c| analysis::document_for_story(c, id))
    }

    /// The document cut to one event: the event, its story and its articles.
    pub fn document_for_event(&self, id: &str) -> Result<Option<Document>, StoreError> {
        self.run(|c| analysis::document_for_event(c, id))
    }

    // ---- feeds ----

    pub fn put_feed_state(&self, f: &FeedState) -> Result<(), StoreError> {
        self.run(|c| feeds::put(c, f))
    }

    pub fn feed_state(&self, url: &str) -> Result<Option<FeedState>, StoreError> {
        self.run(|c| feeds::get(c, url))
    }

    /// Every watched feed's state, by URL.
    pub fn feed_states(&self) -> Result<Vec<FeedState>, StoreError> {
        self.run(feeds::all)
    }
}

/// Parse a stored RFC 3339 timestamp.
pub(crate) fn parse_ts(what: &str, s: Option<String>) -> Result<Option<Timestamp>, StoreError> {
    s.map(|s| chrono::DateTime::parse_from_rfc3339(&s).map_err(|e| StoreError::invalid(what, format!("{s:?}: {e}"))))
        .transpose()
}

/// The stored form of a timestamp: RFC 3339 text (keeping the source's offset) and Unix seconds.
pub(crate) fn ts_text(t: Option<&Timestamp>) -> Option<String> {
    t.map(|t| t.to_rfc3339())
}

pub(crate) fn ts_secs(t: Option<&Timestamp>) -> Option<i64> {
    t.map(|t| t.timestamp())
}

/// Run several statements as one unit, inside or outside a transaction.
pub(crate) fn atomically<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    conn.execute_batch("SAVEPOINT synoptic_write")?;
    match f(conn) {
        Ok(v) => {
            conn.execute_batch("RELEASE synoptic_write")?;
            Ok(v)
        }
        Err(e) => {
            // The original error matters more than a failure to roll back.
            let _ = conn.execute_batch("ROLLBACK TO synoptic_write; RELEASE synoptic_write");
            Err(e)
        }
    }
}
