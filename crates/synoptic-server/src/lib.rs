//! HTTP API, server-rendered web pages and the Atom feed of stories, over the store.
//!
//! [`router`] builds the whole application over an [`AppState`] (tests drive it with
//! `tower::ServiceExt::oneshot`, no socket); [`serve`] opens the store, listens and shuts down gracefully
//! on ctrl-c or SIGTERM.
//!
//! - **Reads** run on pooled reader connections (at most 8 at once), each on one snapshot, on the blocking
//!   pool: readers are served while an ingest writes (WAL). The story list, story, event, article and
//!   search responses (API and pages) are rendered once per store generation and served from memory
//!   ([`cache`]): a commit by any process makes the next request render again, once per URL.
//! - **Lists are paged** with a cursor (`/api/stories?cursor=...&limit=N`, `next` in the response; the
//!   home page links to the next page), so a request costs the same on a store of any size.
//! - **HTTP caching and compression**: cached responses carry a strong `ETag` (`If-None-Match` gets 304)
//!   and are sent gzip- or Brotli-compressed when the client accepts it (compressed once per render); other
//!   responses are compressed on the fly.
//! - **Writes** (`POST /api/articles`) need `Authorization: Bearer <token>`; with no token configured they
//!   are refused. One writer connection runs the whole ingest pipeline; a write is answered (acknowledged)
//!   only after its transaction committed, and shutdown waits for requests in flight, so no acknowledged
//!   write is lost.
//! - **Limits**: request bodies are capped (413), every request has a time-out (503 `timeout`).
//! - **Pages** are plain HTML with inline CSS and no scripts; every piece of text goes through
//!   [`html::escape`]. A `Content-Security-Policy` forbidding scripts backs that up.

pub mod api;
pub mod atom;
pub mod cache;
pub mod error;
pub mod html;
pub mod pages;
pub mod state;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;

pub use error::{ApiError, ServerError};
pub use state::{AppState, Limits};

/// Where and how to serve.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub addr: SocketAddr,
    pub store_dir: PathBuf,
    /// Bearer token for writes; `None` refuses every write.
    pub token: Option<String>,
    /// Largest request body, in bytes.
    pub body_limit: usize,
    pub request_timeout: Duration,
    /// Publish posted articles to this stream instead of ingesting them (a `consume` process ingests).
    pub publish: Option<synoptic_ingest::SharedPublisher>,
}

impl ServeConfig {
    /// The defaults (127.0.0.1:7878, 2 MiB bodies, 30 s per request) over `store_dir`.
    pub fn new(store_dir: PathBuf) -> ServeConfig {
        let limits = Limits::default();
        ServeConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 7878)),
            store_dir,
            token: None,
            body_limit: limits.body_limit,
            request_timeout: limits.request_timeout,
            publish: None,
        }
    }
}

/// The whole application: API, pages and feed.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/stories", get(api::stories))
        .route("/stories/{id}", get(api::story))
        .route("/events/{id}", get(api::event))
        .route("/articles", axum::routing::post(api::post_article))
        .route("/articles/{id}", get(api::article))
        .route("/search", get(api::search))
        .route("/openapi.json", get(api::openapi))
        .fallback(api::api_not_found);
    Router::new()
        .route("/", get(pages::index))
        .route("/stories/{id}", get(pages::story))
        .route("/events/{id}", get(pages::event))
        .route("/articles/{id}", get(pages::article))
        .route("/search", get(pages::search))
        .route("/feed.atom", get(atom::feed))
        .nest("/api", api)
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), limits))
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .with_state(state)
}

/// Time-out for every request, and headers every response carries.
async fn limits(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let timeout = state.limits().request_timeout;
    let mut res = match tokio::time::timeout(timeout, next.run(req)).await {
        Ok(res) => res,
        Err(_) => ApiError::timeout().into_response(),
    };
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'"),
    );
    res
}

/// Open the store and serve until ctrl-c or SIGTERM; requests in flight finish first.
pub async fn serve(cfg: ServeConfig) -> Result<(), ServerError> {
    let listener = tokio::net::TcpListener::bind(cfg.addr)
        .await
        .map_err(|source| ServerError::Bind { addr: cfg.addr.to_string(), source })?;
    let limits = Limits { body_limit: cfg.body_limit, request_timeout: cfg.request_timeout };
    // Opened on a blocking thread: a PostgreSQL connection must not be made on a thread running async tasks.
    let (dir, token, publish) = (cfg.store_dir.clone(), cfg.token.clone(), cfg.publish.clone());
    let state = tokio::task::spawn_blocking(move || AppState::open_publishing(&dir, token, limits, publish))
        .await
        .map_err(|e| ServerError::Io(std::io::Error::other(e)))??;
    serve_on(listener, state, shutdown_signal()).await
}

/// Serve on a bound listener until `shutdown` completes (tests bind 127.0.0.1:0 and pass their own signal).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await?;
    Ok(())
}

/// Completes on ctrl-c or (on Unix) SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
