//! Shared server state: the store directory, a small pool of reader connections, the one writer, the
//! token and the limits. Store calls are blocking, so every one runs on tokio's blocking pool.
//!
//! Readers and the writer are separate connections on the same WAL database: pages and API reads are
//! served from a consistent snapshot while an ingest commits, and never wait for it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use synoptic_ingest::{Fetcher, IngestOptions};
use synoptic_store::{Db, Store, StoreError};

use crate::error::ApiError;

/// Connections kept open for readers; more are opened when all are busy and dropped after use.
const READER_POOL: usize = 8;

/// How a server behaves, apart from its address.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request body accepted; larger ones get 413.
    pub body_limit: usize,
    /// Longest a request may take before it is answered with a time-out error.
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { body_limit: 2 * 1024 * 1024, request_timeout: Duration::from_secs(30) }
    }
}

/// Everything the handlers share; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store_dir: PathBuf,
    readers: Mutex<Vec<Store>>,
    writer: Mutex<Store>,
    token: Option<String>,
    limits: Limits,
    ingest: IngestOptions,
    fetcher: Fetcher,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("store_dir", &self.inner.store_dir)
            .field("token", &self.inner.token.as_ref().map(|_| "<set>"))
            .field("limits", &self.inner.limits)
            .finish()
    }
}

impl AppState {
    /// Open the store in `store_dir` (created when missing) for serving.
    pub fn open(store_dir: &Path, token: Option<String>, limits: Limits) -> Result<AppState, StoreError> {
        let writer = Store::open(store_dir)?;
        let token = token.filter(|t| !t.trim().is_empty());
        Ok(AppState {
            inner: Arc::new(Inner {
                store_dir: store_dir.to_path_buf(),
                readers: Mutex::new(Vec::new()),
                writer: Mutex::new(writer),
                token,
                limits,
                ingest: IngestOptions::default(),
                fetcher: Fetcher::default(),
            }),
        })
    }

    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    pub fn token(&self) -> Option<&str> {
        self.inner.token.as_deref()
    }

    pub fn fetcher(&self) -> &Fetcher {
        &self.inner.fetcher
    }

    /// Run `f` on one consistent snapshot of the store, on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Db) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = self.inner.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let pooled = inner.readers.lock().ok().and_then(|mut pool| pool.pop());
            let mut store = match pooled {
                Some(s) => s,
                None => Store::open(&inner.store_dir)?,
            };
            let out = store.read(|tx| f(tx));
            if let Ok(mut pool) = inner.readers.lock()
                && pool.len() < READER_POOL
            {
                pool.push(store);
            }
            out
        })
        .await;
        match joined {
            Ok(out) => out.map_err(ApiError::from),
            Err(e) => Err(ApiError::internal(format!("reader task failed: {e}"))),
        }
    }

    /// Run `f` with the one writer connection, on the blocking pool. Writes inside are acknowledged (this
    /// returns) only after they committed.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store, &IngestOptions) -> Result<T, ApiError> + Send + 'static,
    {
        let inner = self.inner.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let mut guard = inner.writer.lock().map_err(|_| ApiError::internal("the writer failed earlier"))?;
            f(&mut guard, &inner.ingest)
        })
        .await;
        match joined {
            Ok(out) => out,
            Err(e) => Err(ApiError::internal(format!("writer task failed: {e}"))),
        }
    }
}
