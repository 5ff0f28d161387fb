//! The store's error type: every failure names what failed, and database files are named by path.

use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong in the store.
///
/// Backend errors are wrapped in the opaque [`BackendError`], so no SQLite type leaks into the API: a
/// PostgreSQL backend can report through the same variants.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store directory could not be created or read.
    #[error("cannot use store directory {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The database file exists but cannot be opened (permissions, locked, a directory in its place, ...).
    #[error("cannot open store database {path}: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    /// The file is not a database, or the database is damaged.
    #[error("store database {path} is corrupt or not a database: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    /// The file is a database, but not one written by Synoptic.
    #[error("{path} is a database, but not a Synoptic store")]
    Foreign { path: PathBuf },
    /// The database was written by a newer Synoptic; opening it could damage it.
    #[error(
        "store database {path} has schema version {found}, newer than this Synoptic supports ({supported}); \
         upgrade Synoptic or use another --store"
    )]
    TooNew { path: PathBuf, found: u32, supported: u32 },
    /// A stored JSON value could not be read back (damaged row) or a value could not be encoded.
    #[error("stored {what} is not valid: {source}")]
    Json {
        what: String,
        #[source]
        source: serde_json::Error,
    },
    /// A stored value has an unexpected form (a timestamp that does not parse, a negative count, ...).
    #[error("stored {what} is not valid: {reason}")]
    Invalid { what: String, reason: String },
    /// A write that needs the writer lease ([`crate::Store::acquire_writer`]) was attempted without it,
    /// or after another process took it over: the write was refused and nothing of it was committed.
    #[error(
        "this process is no longer the store's writer (its lease has epoch {held:?}, the store's is {current}); \
         nothing was committed"
    )]
    LeaseLost { held: Option<u64>, current: u64 },
    /// A store copy was asked into a store that holds articles and was not filled by a copy from the same
    /// source (so the copy cannot resume there): copy into an empty store.
    #[error(
        "the target store already holds {articles} articles ({origin}): a copy from {from} goes into an empty \
         store, or resumes one it filled"
    )]
    CopyTargetNotEmpty { articles: usize, from: String, origin: String },
    /// Any other failure of the database backend.
    #[error("store database error: {0}")]
    Backend(#[source] BackendError),
}

/// An error of the database backend, kept opaque.
#[derive(Debug)]
pub struct BackendError {
    inner: Inner,
}

#[derive(Debug)]
enum Inner {
    Sqlite(rusqlite::Error),
    Postgres(postgres::Error),
}

impl BackendError {
    fn sqlite_code(&self) -> Option<rusqlite::ErrorCode> {
        match &self.inner {
            Inner::Sqlite(e) => e.sqlite_error_code(),
            Inner::Postgres(_) => None,
        }
    }

    fn pg_state(&self) -> Option<&postgres::error::SqlState> {
        match &self.inner {
            Inner::Postgres(e) => e.code(),
            Inner::Sqlite(_) => None,
        }
    }

    /// True when the database was busy (another writer held the lock past the time-out, or PostgreSQL
    /// gave up on a lock or a serialisation conflict): worth retrying.
    pub fn is_busy(&self) -> bool {
        use postgres::error::SqlState;
        matches!(self.sqlite_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
            || self.pg_state().is_some_and(|s| {
                [SqlState::T_R_SERIALIZATION_FAILURE, SqlState::T_R_DEADLOCK_DETECTED, SqlState::LOCK_NOT_AVAILABLE]
                    .contains(s)
            })
    }

    /// True when the backend reports damaged data.
    pub fn is_corrupt(&self) -> bool {
        use postgres::error::SqlState;
        matches!(self.sqlite_code(), Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase))
            || self.pg_state().is_some_and(|s| [SqlState::DATA_CORRUPTED, SqlState::INDEX_CORRUPTED].contains(s))
    }

    /// True when the connection to the database server is lost (the server stopped or restarted): the
    /// handle must be opened again.
    pub fn is_disconnected(&self) -> bool {
        use postgres::error::SqlState;
        match &self.inner {
            Inner::Postgres(e) => {
                let lost = e.code().is_some_and(|s| {
                    s.code().starts_with("08")
                        || [SqlState::ADMIN_SHUTDOWN, SqlState::CRASH_SHUTDOWN, SqlState::CANNOT_CONNECT_NOW]
                            .contains(s)
                });
                let io = std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>());
                e.is_closed() || lost || io
            }
            Inner::Sqlite(_) => false,
        }
    }

    pub(crate) fn cannot_open(&self) -> bool {
        matches!(
            self.sqlite_code(),
            Some(
                rusqlite::ErrorCode::CannotOpen
                    | rusqlite::ErrorCode::PermissionDenied
                    | rusqlite::ErrorCode::ReadOnly
                    | rusqlite::ErrorCode::SystemIoFailure
            )
        )
    }
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Sqlite(e) => e.fmt(f),
            // The crate's own message for a server error is only "db error"; the server's says what happened.
            Inner::Postgres(e) => match e.as_db_error() {
                Some(db) => write!(f, "{}: {}", db.severity(), db.message()),
                None => e.fmt(f),
            },
        }
    }
}

impl std::error::Error for BackendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.inner {
            Inner::Sqlite(e) => e.source(),
            Inner::Postgres(e) => e.source(),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(inner: rusqlite::Error) -> StoreError {
        StoreError::Backend(BackendError { inner: Inner::Sqlite(inner) })
    }
}

impl From<postgres::Error> for StoreError {
    fn from(inner: postgres::Error) -> StoreError {
        StoreError::Backend(BackendError { inner: Inner::Postgres(inner) })
    }
}

impl StoreError {
    /// True when the error is a busy/locked database (worth retrying later).
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Backend(b) if b.is_busy())
    }

    /// True when the connection to a database server was lost: reopen the store and retry.
    pub fn is_disconnected(&self) -> bool {
        matches!(self, StoreError::Backend(b) if b.is_disconnected())
    }

    /// Attach the database path to backend errors that are about the file itself.
    pub(crate) fn at(self, path: Option<&std::path::Path>) -> StoreError {
        let Some(path) = path else { return self };
        match self {
            StoreError::Backend(b) if b.is_corrupt() => {
                StoreError::Corrupt { path: path.to_path_buf(), reason: b.to_string() }
            }
            StoreError::Backend(b) if b.cannot_open() => {
                StoreError::Unreadable { path: path.to_path_buf(), reason: b.to_string() }
            }
            other => other,
        }
    }

    pub(crate) fn json(what: impl Into<String>, source: serde_json::Error) -> StoreError {
        StoreError::Json { what: what.into(), source }
    }

    pub(crate) fn invalid(what: impl Into<String>, reason: impl Into<String>) -> StoreError {
        StoreError::Invalid { what: what.into(), reason: reason.into() }
    }
}
