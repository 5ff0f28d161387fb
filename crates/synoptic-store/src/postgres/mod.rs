//! The PostgreSQL backend: one connection (the synchronous `postgres` client) and every statement the store
//! runs on it. Statements are prepared once per connection and kept.
//!
//! The `postgres` client drives its connection on a small runtime of its own, so it must not be used (or
//! dropped) on a thread that is running asynchronous tasks: callers inside an async server run store calls
//! on blocking threads. A connection dropped on such a thread anyway is closed on a thread of its own.

mod analysis;
mod articles;
mod feeds;
mod lists;
pub mod schema;
mod search;

use ::postgres::types::ToSql;
use ::postgres::{Client, NoTls, Row, Statement};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::time::Duration;

use crate::StoreError;

/// One PostgreSQL connection with its prepared statements.
pub(crate) struct Conn {
    /// `None` only while being dropped.
    client: RefCell<Option<Client>>,
    statements: RefCell<HashMap<String, Statement>>,
    /// A transaction is open (so several statements are made atomic with a savepoint, not BEGIN).
    in_tx: Cell<bool>,
    /// Stories whose list line an event or story write of the open transaction changed: recomputed once
    /// each before commit (and before a list read inside it).
    stale_stories: RefCell<BTreeSet<String>>,
    /// The URL without its password, for messages.
    location: String,
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("postgres::Conn").field("location", &self.location).field("in_tx", &self.in_tx.get()).finish()
    }
}

/// The URL with any password replaced by `***`.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (authority, tail) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{scheme}://{name}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

impl Conn {
    /// Connect to the database at `url` and bring its schema to the current version.
    pub(crate) fn open(url: &str) -> Result<Conn, StoreError> {
        let location = redact(url);
        let unreadable = |reason: String| StoreError::Unreadable { path: PathBuf::from(&location), reason };
        let mut config: ::postgres::Config = url.parse().map_err(|e| unreadable(format!("{e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("synoptic");
        }
        let client = config.connect(NoTls).map_err(|e| unreadable(StoreError::from(e).to_string()))?;
        let conn = Conn {
            client: RefCell::new(Some(client)),
            statements: RefCell::new(HashMap::new()),
            in_tx: Cell::new(false),
            stale_stories: RefCell::new(BTreeSet::new()),
            location,
        };
        // Statements are read as written: no session settings of the user change how text is compared.
        conn.batch("SET client_min_messages = warning")?;
        schema::migrate(&conn)?;
        Ok(conn)
    }

    /// The location as errors name it.
    pub(crate) fn location(&self) -> PathBuf {
        PathBuf::from(&self.location)
    }

    fn with<T>(&self, f: impl FnOnce(&mut Client) -> Result<T, ::postgres::Error>) -> Result<T, StoreError> {
        let mut guard = self.client.borrow_mut();
        let client = guard.as_mut().ok_or_else(|| StoreError::invalid("connection", "closed"))?;
        Ok(f(client)?)
    }

    fn statement(&self, client: &mut Client, sql: &str) -> Result<Statement, ::postgres::Error> {
        if let Some(st) = self.statements.borrow().get(sql) {
            return Ok(st.clone());
        }
        let st = client.prepare(sql)?;
        self.statements.borrow_mut().insert(sql.to_string(), st.clone());
        Ok(st)
    }

    pub(crate) fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError> {
        self.with(|c| {
            let st = self.statement(c, sql)?;
            c.query(&st, params)
        })
    }

    /// [`Conn::query`] planned for these parameters every time (never from a cached generic plan): for
    /// statements whose best plan depends on the values (how common a searched word is).
    pub(crate) fn query_planned_each_time(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        self.with(|c| c.query(sql, params))
    }

    pub(crate) fn query_opt(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Option<Row>, StoreError> {
        self.with(|c| {
            let st = self.statement(c, sql)?;
            c.query_opt(&st, params)
        })
    }

    pub(crate) fn query_one(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Row, StoreError> {
        self.with(|c| {
            let st = self.statement(c, sql)?;
            c.query_one(&st, params)
        })
    }

    pub(crate) fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, StoreError> {
        self.with(|c| {
            let st = self.statement(c, sql)?;
            c.execute(&st, params)
        })
    }

    /// Run statements without parameters (not prepared).
    pub(crate) fn batch(&self, sql: &str) -> Result<(), StoreError> {
        self.with(|c| c.batch_execute(sql))
    }

    /// Run several statements as one unit, inside or outside a transaction.
    pub(crate) fn atomically<T>(&self, f: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
        if self.in_tx.get() {
            self.batch("SAVEPOINT synoptic_write")?;
            return match f() {
                Ok(v) => {
                    self.batch("RELEASE synoptic_write")?;
                    Ok(v)
                }
                Err(e) => {
                    // The original error matters more than a failure to roll back.
                    let _ = self.batch("ROLLBACK TO synoptic_write; RELEASE synoptic_write");
                    Err(e)
                }
            };
        }
        self.begin_write()?;
        match f() {
            Ok(v) => {
                self.commit()?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.rollback();
                Err(e)
            }
        }
    }

    // ---- transactions ----

    pub(crate) fn begin_write(&self) -> Result<(), StoreError> {
        self.stale_stories.borrow_mut().clear();
        self.batch("BEGIN")?;
        self.in_tx.set(true);
        Ok(())
    }

    /// Bring the story list lines up to date: the last step before commit.
    pub(crate) fn before_commit(&self) -> Result<(), StoreError> {
        self.summarize_pending()
    }

    pub(crate) fn commit(&self) -> Result<(), StoreError> {
        self.stale_stories.borrow_mut().clear();
        let out = self.batch("COMMIT");
        self.in_tx.set(false);
        out
    }

    pub(crate) fn rollback(&self) -> Result<(), StoreError> {
        self.stale_stories.borrow_mut().clear();
        if !self.in_tx.get() {
            return Ok(());
        }
        self.in_tx.set(false);
        self.batch("ROLLBACK")
    }

    pub(crate) fn begin_read(&self) -> Result<(), StoreError> {
        self.batch("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        self.in_tx.set(true);
        Ok(())
    }

    pub(crate) fn end_read(&self) -> Result<(), StoreError> {
        self.rollback()
    }

    pub(crate) fn close(self) -> Result<(), StoreError> {
        let client = self.client.borrow_mut().take();
        match client {
            Some(c) => Ok(c.close()?),
            None => Ok(()),
        }
    }

    // ---- the store as a whole ----

    pub(crate) fn schema_version(&self) -> Result<u32, StoreError> {
        schema::version(self)
    }

    pub(crate) fn schema_dump(&self) -> Result<Vec<String>, StoreError> {
        schema::dump(self)
    }

    /// Fold the search index's pending entries into it and refresh the planner's statistics (outside a
    /// transaction only; inside one there is nothing to do).
    pub(crate) fn optimize(&self) -> Result<(), StoreError> {
        if self.in_tx.get() {
            return Ok(());
        }
        self.batch("VACUUM (ANALYZE) articles, events, stories, story_events, state, feeds")
    }

    /// PostgreSQL checks its own pages; this checks that the store's schema is in place and readable.
    pub(crate) fn check_integrity(&self) -> Result<(), StoreError> {
        schema::version(self)?;
        self.query_one("SELECT count(*) FROM articles", &[])?;
        Ok(())
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        let Some(client) = self.client.get_mut().take() else { return };
        if tokio::runtime::Handle::try_current().is_ok() {
            // Closing blocks on the client's own runtime, which panics on a thread that drives async tasks.
            let _ = std::thread::spawn(move || drop(client)).join();
        } else {
            drop(client);
        }
    }
}
