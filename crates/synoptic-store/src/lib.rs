//! The store: SQLite (WAL, FTS5) or PostgreSQL, schema versions and migrations. All SQL of Synoptic lives here.
//!
//! One interface, [`Store`], over one database file `synoptic.db` in a store directory, or over a PostgreSQL
//! database (a `postgres://` URL in place of the directory). The design keeps
//! the backend out of the API (no driver type is public): `Db` dispatches each method to the backend's
//! module (`sqlite`, `postgres`).
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

mod codec;
mod copy;
mod error;
pub mod lease;
mod lists;
mod postgres;
mod query;
mod rows;
mod sqlite;

use serde::{Deserialize, Serialize};
use std::ops::Deref;
use std::path::Path;

use synoptic_model::{Annotations, Article, Document, Event, SCHEMA_VERSION, Story, Timestamp};

pub use copy::{COPY_ARTICLES_KEY, COPY_FROM_KEY, CopyOptions, CopyProgress, CopyReport};
pub use error::{BackendError, StoreError};
pub use lease::{WRITER_EPOCH, WRITER_LOCK_FILE};
pub use lists::{StoryCursor, StoryPage, UNDATED};
/// The PostgreSQL schema's versions (numbered apart from SQLite's [`schema`]).
pub use postgres::schema as postgres_schema;
pub use sqlite::schema;
pub use sqlite::search::{SEARCH_CANDIDATES, fts_query};

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
    /// The writer lease, while this handle holds it (see [`lease`]).
    lease: Option<lease::WriterLock>,
}

/// The read and write methods, shared by [`Store`] (each write commits on its own) and [`Tx`] (writes
/// commit together when the transaction closure returns `Ok`).
#[derive(Debug)]
pub struct Db {
    backend: Backend,
    /// The writer epoch this handle took with the lease (see [`lease`]).
    writer: std::cell::Cell<Option<u64>>,
}

/// The database behind a [`Db`]; each backend's SQL lives in its own module.
#[derive(Debug)]
enum Backend {
    Sqlite(sqlite::Conn),
    Postgres(Box<postgres::Conn>),
}

/// Run `$body` with `$c` bound to whichever backend `$db` holds (both have the same method names).
macro_rules! on {
    ($db:expr, $c:ident => $body:expr) => {
        match &$db.backend {
            Backend::Sqlite($c) => $body,
            Backend::Postgres($c) => $body,
        }
    };
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

/// True when `location` names a PostgreSQL database (`postgres://...` or `postgresql://...`) rather than a
/// store directory.
pub fn is_postgres_url(location: &str) -> bool {
    let lower = location.get(..13).unwrap_or(location).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// A store location fit for messages: a PostgreSQL URL without its password, a directory as it is.
pub fn display_location(location: &Path) -> String {
    let text = location.to_string_lossy();
    if is_postgres_url(&text) { postgres::redact(&text) } else { location.display().to_string() }
}

/// Rolls a transaction back when dropped before it finished (an error or a panic in the closure).
struct Finish<'a> {
    db: &'a Db,
    read: bool,
    done: bool,
}

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        if !self.done {
            // Best effort: the error (or panic) that got here matters more than a failed roll-back.
            let _ = if self.read { self.db.end_read() } else { self.db.rollback() };
        }
    }
}

impl Store {
    /// Open the store at `location`: a directory (created when missing) holding `synoptic.db` (SQLite, WAL
    /// mode), or a PostgreSQL URL (`postgres://user@host:port/db`, see [`is_postgres_url`]); either way
    /// migrated to the current schema, and refused untouched when it is newer or another program's.
    pub fn open(location: &Path) -> Result<Store, StoreError> {
        if let Some(url) = location.to_str().filter(|s| is_postgres_url(s)) {
            return Store::open_postgres(url);
        }
        let dir = location;
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
        let path = dir.join(DB_FILE);
        if path.is_dir() {
            return Err(StoreError::Unreadable { path, reason: "it is a directory".into() });
        }
        Ok(Store::on(Backend::Sqlite(sqlite::Conn::open(path)?)))
    }

    /// Open a store in a PostgreSQL database (`postgres://user[:password]@host[:port]/database`), creating
    /// and migrating its schema as needed. The database must exist; the store's tables live in its
    /// default schema, which must hold nothing else.
    pub fn open_postgres(url: &str) -> Result<Store, StoreError> {
        Ok(Store::on(Backend::Postgres(Box::new(postgres::Conn::open(url)?))))
    }

    fn on(backend: Backend) -> Store {
        Store { db: Db { backend, writer: std::cell::Cell::new(None) }, lease: None }
    }

    /// A fresh store in memory (tests, one-shot runs).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Ok(Store::on(Backend::Sqlite(sqlite::Conn::open_in_memory()?)))
    }

    /// Run `f` in one write transaction: everything it writes commits together when it returns `Ok`,
    /// and nothing when it returns `Err` (or panics). When this returns `Ok`, the writes are durable.
    pub fn transaction<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let db = &self.db;
        on!(db, c => c.begin_write())?;
        let mut guard = Finish { db, read: false, done: false };
        let out = f(&Tx { db }).and_then(|out| on!(db, c => c.before_commit()).map(|()| out))?;
        guard.done = true;
        if let Err(e) = on!(db, c => c.commit()) {
            let _ = db.rollback();
            return Err(e);
        }
        Ok(out)
    }

    /// Close the handle, reporting any error (dropping a `Store` closes it too, silently). For SQLite, when
    /// it is the last handle, the write-ahead log is folded into the database file.
    pub fn close(self) -> Result<(), StoreError> {
        match self.db.backend {
            Backend::Sqlite(c) => c.close(),
            Backend::Postgres(c) => (*c).close(),
        }
    }

    /// Run `f` on one consistent snapshot of the store: every read inside sees the same state, whatever
    /// other handles commit meanwhile. Writes inside fail (the snapshot is read-only).
    pub fn read<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let db = &self.db;
        on!(db, c => c.begin_read())?;
        let mut guard = Finish { db, read: true, done: false };
        let out = f(&Tx { db });
        guard.done = true;
        let end = db.end_read();
        let out = out?;
        end?;
        Ok(out)
    }
}

impl Db {
    fn rollback(&self) -> Result<(), StoreError> {
        on!(self, c => c.rollback())
    }

    fn end_read(&self) -> Result<(), StoreError> {
        on!(self, c => c.end_read())
    }

    /// The database file, or `None` for a store in memory or in PostgreSQL.
    pub fn path(&self) -> Option<&Path> {
        match &self.backend {
            Backend::Sqlite(c) => c.path(),
            Backend::Postgres(_) => None,
        }
    }

    /// The backend's name: `"sqlite"` or `"postgres"`.
    pub fn backend_name(&self) -> &'static str {
        match &self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// The schema version of the database (each backend numbers its own schema versions).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        on!(self, c => c.schema_version())
    }

    /// The schema as the database reports it (one line per table, index and trigger), for diagnostics.
    pub fn schema_dump(&self) -> Result<Vec<String>, StoreError> {
        on!(self, c => c.schema_dump())
    }

    /// Tidy up after a large ingest: merge the full-text index (faster searches), refresh the query
    /// planner's statistics, and for SQLite fold the write-ahead log into the database file.
    pub fn optimize(&self) -> Result<(), StoreError> {
        on!(self, c => c.optimize())
    }

    /// A full check of the database; [`StoreError::Corrupt`] when it finds damage.
    pub fn check_integrity(&self) -> Result<(), StoreError> {
        on!(self, c => c.check_integrity())
    }

    // ---- articles ----

    /// Store an article with its annotations. Returns `false` (and changes nothing) when an article with
    /// the same id is already stored.
    pub fn insert_article(&self, a: &Article, ann: &Annotations) -> Result<bool, StoreError> {
        Ok(self.insert_articles(&[NewArticle::new(a, ann)])?.first().copied().unwrap_or(false))
    }

    /// Store several articles with their placements and explanations (see [`NewArticle`]), in order; for
    /// each, `true` when it was added and `false` (nothing changed) when its id was already stored. Call it
    /// inside [`Store::transaction`] so that the batch commits as one.
    pub fn insert_articles(&self, batch: &[NewArticle<'_>]) -> Result<Vec<bool>, StoreError> {
        on!(self, c => c.insert_articles(batch))
    }

    /// Keep `bytes` as the explanation of an article's placement; `false` (nothing stored) when the
    /// article is not in the store.
    pub fn set_explanation(&self, article: &str, bytes: &[u8]) -> Result<bool, StoreError> {
        on!(self, c => c.set_explanation(article, bytes))
    }

    /// The explanation of an article's placement, when one was stored.
    pub fn explanation(&self, article: &str) -> Result<Option<Vec<u8>>, StoreError> {
        on!(self, c => c.explanation(article))
    }

    pub fn contains_article(&self, id: &str) -> Result<bool, StoreError> {
        on!(self, c => c.contains_article(id))
    }

    /// One article with its annotations, placement and ingest order.
    /// For each of `ids`, whether an article with that id is stored (one query on PostgreSQL).
    pub fn contains_articles(&self, ids: &[String]) -> Result<Vec<bool>, StoreError> {
        on!(self, c => c.contains_articles(ids))
    }

    pub fn article(&self, id: &str) -> Result<Option<StoredArticle>, StoreError> {
        on!(self, c => c.article(id))
    }

    /// The stored articles among `ids`, in the order given (unknown ids are skipped).
    pub fn articles_by_ids(&self, ids: &[String]) -> Result<Vec<StoredArticle>, StoreError> {
        on!(self, c => c.articles_by_ids(ids))
    }

    /// Every article, in ingest order (without annotations: see [`Db::articles_after`]).
    pub fn articles(&self) -> Result<Vec<Article>, StoreError> {
        on!(self, c => c.articles())
    }

    /// Up to `limit` articles with `seq` greater than `after`, in ingest order: page through the store,
    /// or pick up what arrived since a known point.
    pub fn articles_after(&self, after: u64, limit: usize) -> Result<Vec<StoredArticle>, StoreError> {
        on!(self, c => c.articles_after(after, limit))
    }

    pub fn article_count(&self) -> Result<usize, StoreError> {
        on!(self, c => c.article_count())
    }

    /// Record where an article belongs: its origin when it is a copy, and its event.
    pub fn set_placement(&self, article: &str, copy_of: Option<&str>, event: &str) -> Result<(), StoreError> {
        on!(self, c => c.set_placement(article, copy_of, event))
    }

    /// Replace an article's annotations (after re-annotating).
    pub fn set_annotations(&self, article: &str, ann: &Annotations) -> Result<(), StoreError> {
        on!(self, c => c.set_annotations(article, ann))
    }

    // ---- events and stories ----

    /// Store a computed event whole (inserted, or replacing the event with the same id).
    pub fn put_event(&self, e: &Event) -> Result<(), StoreError> {
        on!(self, c => c.put_event(e))
    }

    /// The events stored under `ids`, in that order (`None` for an unknown id; one query on PostgreSQL).
    pub fn events_by_ids(&self, ids: &[String]) -> Result<Vec<Option<Event>>, StoreError> {
        on!(self, c => c.events_by_ids(ids))
    }

    /// [`Db::event_members`] of each of `events`, in that order (one query on PostgreSQL).
    pub fn members_of(&self, events: &[String]) -> Result<Vec<Vec<StoredArticle>>, StoreError> {
        on!(self, c => c.members_of(events))
    }

    /// [`Db::put_event`] for each of `events`, in order (one statement on PostgreSQL; for an id given twice
    /// the last one stays).
    pub fn put_events(&self, events: &[Event]) -> Result<(), StoreError> {
        on!(self, c => c.put_events(events))
    }

    pub fn event(&self, id: &str) -> Result<Option<Event>, StoreError> {
        on!(self, c => c.event(id))
    }

    /// Every event, in time order (`first_seen`, undated last, then in the order first stored).
    pub fn events(&self) -> Result<Vec<Event>, StoreError> {
        on!(self, c => c.events())
    }

    /// Every story whole, in the order first stored.
    pub fn all_stories(&self) -> Result<Vec<Story>, StoreError> {
        on!(self, c => c.all_stories())
    }

    /// Every event id, in the order the events were first stored (page through them with [`Db::event`]).
    pub fn event_ids(&self) -> Result<Vec<String>, StoreError> {
        on!(self, c => c.event_ids())
    }

    /// Every event as a list line, newest first (by last seen; undated last).
    pub fn event_summaries(&self) -> Result<Vec<EventSummary>, StoreError> {
        on!(self, c => c.event_summaries())
    }

    /// The first `limit` lines of [`Db::event_summaries`], read from an index (the feed's entries).
    pub fn recent_events(&self, limit: usize) -> Result<Vec<EventSummary>, StoreError> {
        on!(self, c => c.recent_events(limit))
    }

    /// The articles placed in an event (by [`Db::set_placement`]), in ingest order.
    pub fn event_members(&self, id: &str) -> Result<Vec<StoredArticle>, StoreError> {
        on!(self, c => c.event_members(id))
    }

    /// Remove an event (after a merge); its articles keep their placement until placed again.
    pub fn delete_event(&self, id: &str) -> Result<bool, StoreError> {
        on!(self, c => c.delete_event(id))
    }

    /// Store a story whole (inserted, or replacing the story with the same id).
    pub fn put_story(&self, s: &Story) -> Result<(), StoreError> {
        on!(self, c => c.put_story(s))
    }

    /// The stories stored under `ids`, in that order (`None` for an unknown id; one query on PostgreSQL).
    pub fn stories_by_ids(&self, ids: &[String]) -> Result<Vec<Option<Story>>, StoreError> {
        on!(self, c => c.stories_by_ids(ids))
    }

    /// [`Db::put_story`] for each of `stories`, in order (three statements on PostgreSQL, however many
    /// stories; for an id given twice the last one stays).
    pub fn put_stories(&self, stories: &[Story]) -> Result<(), StoreError> {
        on!(self, c => c.put_stories(stories))
    }

    pub fn story(&self, id: &str) -> Result<Option<Story>, StoreError> {
        on!(self, c => c.story(id))
    }

    /// The story list, newest first (by last seen, in whole seconds; undated stories last; then newest
    /// stored first). Each line counts the stored events that link to the story and belong to it.
    pub fn stories(&self) -> Result<Vec<StorySummary>, StoreError> {
        on!(self, c => c.stories())
    }

    /// One page of [`Db::stories`]: up to `limit` stories after `after` (from the top when `None`), and
    /// the cursor of the next page (`None` on the last). A page reads one index range, so it costs the
    /// same on a store of any size. Walking the pages of an unchanging store lists every story exactly
    /// once, in the order of [`Db::stories`].
    pub fn stories_page(&self, after: Option<StoryCursor>, limit: usize) -> Result<StoryPage, StoreError> {
        on!(self, c => c.stories_page(after, limit))
    }

    /// How many stories are stored.
    pub fn story_count(&self) -> Result<usize, StoreError> {
        on!(self, c => c.story_count())
    }

    pub fn delete_story(&self, id: &str) -> Result<bool, StoreError> {
        on!(self, c => c.delete_story(id))
    }

    /// Forget every event, story, placement and engine state (articles and annotations stay): the start
    /// of a full re-clustering.
    pub fn reset_analysis(&self) -> Result<(), StoreError> {
        on!(self, c => c.reset_analysis())
    }

    // ---- engine state ----

    /// Keep an opaque blob under `key` (the engine's index of copies and events).
    pub fn put_state(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        on!(self, c => c.put_state(key, bytes))
    }

    /// [`Db::put_state`] for each entry, in order, as one unit (one statement on PostgreSQL for the entries
    /// that are not explanations; for a key given twice the last value stays).
    pub fn put_states(&self, entries: &[(String, Vec<u8>)]) -> Result<(), StoreError> {
        on!(self, c => c.put_states(entries))
    }

    /// [`Db::delete_state`] for each of `keys` (one statement on PostgreSQL for the keys that are not
    /// explanations).
    pub fn delete_states(&self, keys: &[String]) -> Result<(), StoreError> {
        on!(self, c => c.delete_states(keys))
    }

    pub fn state(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        on!(self, c => c.state(key))
    }

    /// Keys of stored state starting with `prefix`, in order: state too big for one blob can be kept
    /// in parts (`index/0001`, `index/0002`, ...) and only the changed parts rewritten.
    pub fn state_keys(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        on!(self, c => c.state_keys(prefix))
    }

    pub fn delete_state(&self, key: &str) -> Result<bool, StoreError> {
        on!(self, c => c.delete_state(key))
    }

    // ---- search ----

    /// Full-text search over titles and texts, best first. `query` is user input: words are matched
    /// whole (all of them), `"a phrase"` as a phrase, `word*` as a prefix; any other syntax is taken as
    /// text, never as an error. An empty query finds nothing. The backends split words slightly
    /// differently (`F-16`), and rank on their own scales.
    ///
    /// The work is bounded whatever the words: see [`Db::search_within`], with [`SEARCH_CANDIDATES`]
    /// (SQLite) or 1,000 (PostgreSQL, whose ranking reads each candidate's whole `tsvector`).
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        on!(self, c => c.search(query, limit))
    }

    /// [`Db::search`] with its bound given. SQLite: when every word (or phrase) of the query is in at most
    /// `candidates` articles, all matches are ranked by relevance (BM25, whose cost grows with the number
    /// of articles holding each word); when one is in more, the newest `limit` matches are returned,
    /// newest first, with `rank` 0. PostgreSQL: the newest `candidates` matches are ranked. Either way the
    /// work is at most a few times `candidates` index entries.
    pub fn search_within(&self, query: &str, limit: usize, candidates: usize) -> Result<Vec<SearchHit>, StoreError> {
        on!(self, c => c.search_within(query, limit, candidates))
    }

    // ---- changes ----

    /// A number that changes whenever another handle, in this process or another, commits a change to
    /// the store (compare values read from the same handle only; it may also change when nothing did).
    /// Cheap: servers call it per request to know when cached pages are stale. Call it outside
    /// [`Store::read`] and [`Store::transaction`].
    pub fn data_version(&self) -> Result<u64, StoreError> {
        on!(self, c => c.data_version())
    }

    // ---- documents ----

    /// The contract document of the whole store.
    pub fn document(&self) -> Result<Document, StoreError> {
        let stories = on!(self, c => c.all_stories())?;
        Ok(Document { schema: SCHEMA_VERSION, articles: self.articles()?, events: self.events()?, stories })
    }

    /// The document cut to one story: the story, its events and their articles.
    pub fn document_for_story(&self, id: &str) -> Result<Option<Document>, StoreError> {
        let Some(s) = self.story(id)? else { return Ok(None) };
        let mut events = Vec::new();
        for e in &s.events {
            events.extend(self.event(e)?);
        }
        let articles = self.articles_of(&events)?;
        Ok(Some(Document { schema: SCHEMA_VERSION, articles, events, stories: vec![s] }))
    }

    /// The document cut to one event: the event, its story and its articles.
    pub fn document_for_event(&self, id: &str) -> Result<Option<Document>, StoreError> {
        let Some(e) = self.event(id)? else { return Ok(None) };
        let stories = self.story(&e.story)?.into_iter().collect();
        let events = vec![e];
        let articles = self.articles_of(&events)?;
        Ok(Some(Document { schema: SCHEMA_VERSION, articles, events, stories }))
    }

    /// The articles of `events`, each once, in event order then each event's article order.
    fn articles_of(&self, events: &[Event]) -> Result<Vec<Article>, StoreError> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for e in events {
            let ids: Vec<String> = e.articles.iter().filter(|id| seen.insert(id.as_str())).cloned().collect();
            out.extend(self.articles_by_ids(&ids)?.into_iter().map(|s| s.article));
        }
        Ok(out)
    }

    // ---- feeds ----

    pub fn put_feed_state(&self, f: &FeedState) -> Result<(), StoreError> {
        on!(self, c => c.put_feed_state(f))
    }

    pub fn feed_state(&self, url: &str) -> Result<Option<FeedState>, StoreError> {
        on!(self, c => c.feed_state(url))
    }

    /// Every watched feed's state, by URL.
    pub fn feed_states(&self) -> Result<Vec<FeedState>, StoreError> {
        on!(self, c => c.feed_states())
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
