//! Shared server state: the store directory, a small pool of reader connections, the one writer, the
//! token and the limits. Store calls are blocking, so every one runs on tokio's blocking pool.
//!
//! Readers and the writer are separate connections on the same WAL database: pages and API reads are
//! served from a consistent snapshot while an ingest commits, and never wait for it.
//!
//! Rendered responses are kept in a [`PageCache`] per store generation: one more connection (the
//! watcher) reads the store's data version on each request, and the generation advances when any
//! process has committed since.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use synoptic_ingest::{Fetcher, IngestOptions, Ingester, SharedPublisher};
use synoptic_store::{Db, Store, StoreError};

use crate::cache::{PageCache, Rendered};
use crate::error::ApiError;

/// Reader connections: at most this many reads run at once (others wait their turn, without holding a
/// thread), so every read reuses a pooled connection once the pool is warm.
const READER_POOL: usize = 8;

/// How long a write waits for the writer lease while another process (an `ingest`) holds it.
const LEASE_WAIT: Duration = Duration::from_secs(20);

/// How long a data version read over the network (PostgreSQL) stands for the store's state: requests within
/// this time of the last read share it instead of each making a round trip. A commit is seen at most this
/// much later (well within the one second servers promise).
const VERSION_FRESH: Duration = Duration::from_millis(25);

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
    reader_slots: tokio::sync::Semaphore,
    watch: Mutex<Watch>,
    /// The watcher is SQLite: its version is read on the calling thread.
    watch_in_place: bool,
    /// When the server started: the clock of `checked_ms`.
    started: std::time::Instant,
    /// Milliseconds after `started` of the last version read, and the generation it gave (PostgreSQL only):
    /// read without a lock, so fresh requests neither wait for the watcher nor leave the async worker.
    checked_ms: AtomicU64,
    checked_generation: AtomicU64,
    /// One network version read at a time; the others wait and take its result.
    watch_turn: Mutex<()>,
    pages: PageCache,
    writer: Mutex<Writer>,
    token: Option<String>,
    limits: Limits,
    ingest: IngestOptions,
    fetcher: Fetcher,
    /// When set, `POST /api/articles` publishes to this stream instead of ingesting.
    publish: Option<SharedPublisher>,
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

/// The watcher connection, the data version it last read and the generation it stands for.
struct Watch {
    store: Store,
    version: Option<u64>,
    generation: u64,
}

/// The one writer: its connection and the clustering engine kept between requests.
struct Writer {
    store: Store,
    ingester: Option<Ingester>,
}

impl AppState {
    /// Open the store at `store_dir` (a directory, created when missing, or a PostgreSQL URL) for serving.
    /// Call it from a blocking thread (a PostgreSQL connection cannot be opened on an async worker).
    pub fn open(store_dir: &Path, token: Option<String>, limits: Limits) -> Result<AppState, StoreError> {
        AppState::open_publishing(store_dir, token, limits, None)
    }

    /// [`AppState::open`], with posted articles published to `publish` (when set) instead of ingested.
    pub fn open_publishing(
        store_dir: &Path,
        token: Option<String>,
        limits: Limits,
        publish: Option<SharedPublisher>,
    ) -> Result<AppState, StoreError> {
        let writer = Store::open(store_dir)?;
        let watcher = Store::open(store_dir)?;
        let watch_in_place = watcher.backend_name() == "sqlite";
        let token = token.filter(|t| !t.trim().is_empty());
        Ok(AppState {
            inner: Arc::new(Inner {
                store_dir: store_dir.to_path_buf(),
                readers: Mutex::new(Vec::new()),
                reader_slots: tokio::sync::Semaphore::new(READER_POOL),
                watch: Mutex::new(Watch { store: watcher, version: None, generation: 0 }),
                watch_in_place,
                started: std::time::Instant::now(),
                checked_ms: AtomicU64::new(u64::MAX),
                checked_generation: AtomicU64::new(0),
                watch_turn: Mutex::new(()),
                pages: PageCache::default(),
                writer: Mutex::new(Writer { store: writer, ingester: None }),
                token,
                limits,
                ingest: IngestOptions::default(),
                fetcher: Fetcher::default(),
                publish,
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

    /// Where posted articles are published instead of ingested, if anywhere.
    pub fn publisher(&self) -> Option<&SharedPublisher> {
        self.inner.publish.as_ref()
    }

    /// Run `f` on one consistent snapshot of the store, on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Db) -> Result<T, StoreError> + Send + 'static,
    {
        let inner = self.inner.clone();
        let _slot = self.inner.reader_slots.acquire().await.map_err(|_| ApiError::internal("reader pool closed"))?;
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

    /// The store's generation: it advances whenever any process (this server's writer included) has
    /// committed since the last call. When the version cannot be read, it advances anyway, so nothing
    /// cached is served on a doubt. SQLite's version is a pragma read in place; PostgreSQL's is a round
    /// trip on the blocking pool (its client must not run on an async worker), made at most once per
    /// [`VERSION_FRESH`]: the requests meanwhile share its result.
    pub async fn generation(&self) -> u64 {
        if self.inner.watch_in_place {
            return self.generation_now();
        }
        if let Some(generation) = self.fresh_generation() {
            return generation;
        }
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            // Another request may have read the version while this one waited for the watcher.
            let Ok(_turn) = state.inner.watch_turn.lock() else { return u64::MAX };
            if let Some(generation) = state.fresh_generation() {
                return generation;
            }
            let generation = state.generation_now();
            state.inner.checked_generation.store(generation, Ordering::Release);
            state.inner.checked_ms.store(state.millis(), Ordering::Release);
            generation
        })
        .await
        .unwrap_or(u64::MAX)
    }

    fn millis(&self) -> u64 {
        u64::try_from(self.inner.started.elapsed().as_millis()).unwrap_or(u64::MAX - 1)
    }

    /// The generation of the last network version read, when it is younger than [`VERSION_FRESH`].
    fn fresh_generation(&self) -> Option<u64> {
        let checked = self.inner.checked_ms.load(Ordering::Acquire);
        let generation = self.inner.checked_generation.load(Ordering::Acquire);
        (checked != u64::MAX && self.millis().saturating_sub(checked) < VERSION_FRESH.as_millis() as u64)
            .then_some(generation)
    }

    fn generation_now(&self) -> u64 {
        let Ok(mut w) = self.inner.watch.lock() else { return u64::MAX };
        let version = w.store.data_version().ok();
        if version.is_none() || version != w.version {
            w.version = version;
            w.generation += 1;
        }
        w.generation
    }

    /// The response for `key` (the request's path and query) rendered by `render` for the current
    /// generation of the store, once, and served from memory while the store does not change; `304` when
    /// the request's `If-None-Match` names it. Failures are answered as they are and not kept.
    pub async fn cached<F, Fut, E>(&self, request: &HeaderMap, key: &str, render: F) -> Response
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Rendered, E>>,
        E: IntoResponse,
    {
        let generation = self.generation().await;
        crate::cache::reply(request, self.inner.pages.get_or_render(key, generation, render).await)
    }

    /// The cache of rendered responses.
    pub fn pages(&self) -> &PageCache {
        &self.inner.pages
    }

    /// Run `f` with the one writer connection and the engine, on the blocking pool. Writes inside are
    /// acknowledged (this returns) only after they committed.
    ///
    /// The engine is restored from the store once and kept between requests (restoring it means reading the
    /// whole active window); it is restored again when another process has added articles meanwhile. Its
    /// snapshot is saved every `snapshot_every` articles, and a restart replays what came after.
    ///
    /// Each write holds the store's writer lease while it runs (fenced commits; see `synoptic_store::lease`),
    /// so any number of servers and one `ingest` can write to one store; a write waits up to 20 s for
    /// the lease and is answered `busy` after that.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store, &mut Ingester) -> Result<T, ApiError> + Send + 'static,
    {
        let inner = self.inner.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let mut guard = inner.writer.lock().map_err(|_| ApiError::internal("the writer failed earlier"))?;
            let Writer { store, ingester } = &mut *guard;
            if store.acquire_writer(Some(LEASE_WAIT), &mut || {})?.is_none() {
                return Err(ApiError::new(
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "another process is writing to the store; retry later",
                ));
            }
            let out = write_leased(&inner, store, ingester, f);
            store.release_writer();
            out
        })
        .await;
        match joined {
            Ok(out) => out,
            Err(e) => Err(ApiError::internal(format!("writer task failed: {e}"))),
        }
    }
}

/// The body of [`AppState::write`], with the lease held: restore the engine when it is not current, run `f`.
fn write_leased<T>(
    inner: &Inner,
    store: &mut Store,
    ingester: &mut Option<Ingester>,
    f: impl FnOnce(&mut Store, &mut Ingester) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let current = match ingester {
        Some(engine) => engine.is_current(store)?,
        None => false,
    };
    if !current {
        *ingester = None;
        let opened = Ingester::open(store, inner.ingest.clone())
            .map_err(|e| ApiError::internal(format!("restoring the engine: {e}")))?;
        *ingester = Some(opened);
    }
    match ingester {
        Some(engine) => f(store, engine),
        None => Err(ApiError::internal("the engine could not be restored")),
    }
}
