//! The JSON API: reads of stories, events, articles and search over the store, and `POST /api/articles`
//! (a JSON record, an HTML page or `{"url": ...}` to fetch), which needs the bearer token.
//!
//! Response bodies are the contract objects (`shared/docs/output-contract.md`), one at a time or in a list
//! under a named key; errors are [`ApiError`]s. Reads are rendered once per store generation and served
//! from memory with an ETag, compressed when the client accepts it (see [`crate::cache`]); the story list
//! is paged with a cursor.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use synoptic_extract::{Input, ReadOptions};
use synoptic_ingest::FetchOutcome;
use synoptic_model::Article;
use synoptic_store::StoryCursor;

use crate::cache;
use crate::error::ApiError;
use crate::state::AppState;

/// The OpenAPI description, kept as a committed file next to the crate's manifest.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Most search hits returned.
const MAX_LIMIT: usize = 100;

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// Stories per page of the list when the request does not say.
pub const DEFAULT_PAGE: usize = 50;

/// Most stories per page.
pub const MAX_PAGE: usize = 500;

#[derive(Debug, Deserialize)]
pub struct ListParams {
    pub limit: Option<usize>,
    /// Where the page starts: the `next` of the previous page.
    pub cursor: Option<String>,
}

/// The request's path and query: the key of its cached response.
pub fn cache_key(uri: &OriginalUri) -> String {
    uri.0.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| uri.0.path().to_string())
}

/// Parse a story-list cursor given by a client.
pub fn parse_cursor(cursor: Option<&str>) -> Result<Option<StoryCursor>, ApiError> {
    match cursor.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(c) => c.parse().map(Some).map_err(|e: String| ApiError::bad_request(e)),
    }
}

/// The story list, newest first, one page at a time: `limit` stories (default [`DEFAULT_PAGE`], at most
/// [`MAX_PAGE`]) from `cursor` on; `next` is the cursor of the following page (`null` on the last), and
/// `total` the number of stories.
pub async fn stories(
    State(state): State<AppState>,
    Query(p): Query<ListParams>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> Response {
    let limit = p.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
    let reader = state.clone();
    state
        .cached(&headers, &cache_key(&uri), || async move {
            let cursor = parse_cursor(p.cursor.as_deref())?;
            let (page, total) = reader.read(move |db| Ok((db.stories_page(cursor, limit)?, db.story_count()?))).await?;
            cache::json(&json!({ "total": total, "stories": page.stories, "next": page.next.map(|c| c.to_string()) }))
        })
        .await
}

/// The contract document of one story: the story, its events and their articles.
pub async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> Response {
    cached_by_id(state, &uri, &headers, "story", id, |db, id| db.document_for_story(id)).await
}

pub async fn event(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> Response {
    cached_by_id(state, &uri, &headers, "event", id, |db, id| db.event(id)).await
}

/// One stored thing looked up by `id` and answered as JSON, rendered once per store generation; `404`
/// naming `what` when there is none.
async fn cached_by_id<T, F>(
    state: AppState,
    uri: &OriginalUri,
    headers: &HeaderMap,
    what: &'static str,
    id: String,
    fetch: F,
) -> Response
where
    T: Serialize + Send + 'static,
    F: FnOnce(&synoptic_store::Db, &str) -> Result<Option<T>, synoptic_store::StoreError> + Send + 'static,
{
    let reader = state.clone();
    state
        .cached(headers, &cache_key(uri), || async move {
            let lookup = id.clone();
            match reader.read(move |db| fetch(db, &lookup)).await? {
                Some(found) => cache::json(&found),
                None => Err(ApiError::not_found(format!("no {what} with id {id:?}"))),
            }
        })
        .await
}

/// The contract Article with its `annotations` (entity, quote and figure spans) added.
pub async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> Response {
    let reader = state.clone();
    state
        .cached(&headers, &cache_key(&uri), || async move {
            let lookup = id.clone();
            let stored = reader.read(move |db| db.article(&lookup)).await?;
            let Some(stored) = stored else { return Err(ApiError::not_found(format!("no article with id {id:?}"))) };
            let mut v = serde_json::to_value(&stored.article).map_err(|e| ApiError::internal(e.to_string()))?;
            if let Value::Object(m) = &mut v {
                let ann = serde_json::to_value(&stored.annotations).map_err(|e| ApiError::internal(e.to_string()))?;
                m.insert("annotations".into(), ann);
            }
            cache::json(&v)
        })
        .await
}

#[derive(Debug, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    pub limit: Option<usize>,
}

/// Full-text search (bounded work whatever the words: see `Db::search`).
pub async fn search(
    State(state): State<AppState>,
    Query(p): Query<SearchParams>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> Response {
    let limit = p.limit.unwrap_or(20).clamp(1, MAX_LIMIT);
    let reader = state.clone();
    state
        .cached(&headers, &cache_key(&uri), || async move {
            let q = p.q.clone();
            let hits = reader.read(move |db| db.search(&q, limit)).await?;
            cache::json(&json!({ "query": p.q, "hits": hits }))
        })
        .await
}

/// What `POST /api/articles` did.
#[derive(Debug, Serialize)]
pub struct PostReport {
    /// Articles read from the body (or the fetched page).
    pub given: usize,
    pub ingested: usize,
    pub duplicates: usize,
    /// Every article read, stored now or before, with its event.
    pub articles: Vec<PostedArticle>,
    /// Parts of the input that could not be read.
    pub problems: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct PostedArticle {
    pub id: String,
    pub title: Option<String>,
    pub event: Option<String>,
    pub story: Option<String>,
}

/// Check `Authorization: Bearer <token>` against the configured token.
pub fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = state.token() else {
        return Err(ApiError::forbidden("writes are disabled: the server has no token configured"));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    match given {
        None => Err(ApiError::unauthorized("missing bearer token: send `Authorization: Bearer <token>`")),
        Some(t) if constant_time_eq(t.as_bytes(), expected.as_bytes()) => Ok(()),
        Some(_) => Err(ApiError::unauthorized("wrong bearer token")),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Read the body under the limit: a declared or actual size past it is a 413.
async fn body_bytes(state: &AppState, headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    let limit = state.limits().body_limit;
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    if declared.is_some_and(|n: usize| n > limit) {
        return Err(ApiError::too_large(limit));
    }
    axum::body::to_bytes(body, limit).await.map_err(|_| ApiError::too_large(limit))
}

/// The request body, classified.
enum Posted {
    Url(String),
    Bytes { bytes: Vec<u8>, content_type: Option<String> },
}

fn classify(bytes: Bytes, content_type: Option<&str>) -> Result<Posted, ApiError> {
    let ct = content_type.map(|c| c.to_ascii_lowercase());
    let is_json = ct.as_deref().is_some_and(|c| c.contains("json"))
        || (ct.is_none() && bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'));
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("empty body: send a JSON record, an HTML page or {\"url\": ...}"));
    }
    if is_json {
        let v: Value =
            serde_json::from_slice(&bytes).map_err(|e| ApiError::bad_request(format!("invalid JSON: {e}")))?;
        if let Value::Object(m) = &v
            && !m.contains_key("text")
            && !m.contains_key("html")
        {
            return match m.get("url") {
                Some(Value::String(u)) if synoptic_ingest::fetch::is_url(u) => Ok(Posted::Url(u.clone())),
                Some(_) => Err(ApiError::bad_request("`url` must be an http(s) URL")),
                None => Err(ApiError::bad_request("a record needs `text` or `html` (or send {\"url\": ...})")),
            };
        }
        // One record per line for the reader, whatever the layout sent.
        let line = serde_json::to_vec(&v).map_err(|e| ApiError::internal(e.to_string()))?;
        return Ok(Posted::Bytes { bytes: line, content_type: Some("application/json".into()) });
    }
    Ok(Posted::Bytes { bytes: bytes.to_vec(), content_type: content_type.map(str::to_string) })
}

/// `POST /api/articles`: authorize, read the body (or fetch the URL), ingest, answer once committed.
pub async fn post_article(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let bytes = body_bytes(&state, &headers, body).await?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
    let posted = classify(bytes, content_type.as_deref())?;
    let limit = state.limits().body_limit;
    let fetcher = state.fetcher().clone();
    let outcome = tokio::task::spawn_blocking(move || -> Result<synoptic_extract::ReadOutcome, ApiError> {
        let opts = ReadOptions { max_bytes: limit.max(ReadOptions::default().max_bytes) };
        match posted {
            Posted::Url(url) => match fetcher.get(&url, None) {
                Ok(FetchOutcome::Fetched(f)) => {
                    let input = Input {
                        source: &url,
                        bytes: &f.bytes,
                        content_type: f.content_type.as_deref(),
                        url: Some(&f.url),
                    };
                    Ok(synoptic_extract::read(&input, &opts))
                }
                Ok(FetchOutcome::NotModified) => Err(ApiError::fetch_failed(format!("{url}: not modified"))),
                Err(e) => Err(ApiError::fetch_failed(format!("{url}: {e}"))),
            },
            Posted::Bytes { bytes, content_type } => {
                let input = Input { source: "api", bytes: &bytes, content_type: content_type.as_deref(), url: None };
                Ok(synoptic_extract::read(&input, &opts))
            }
        }
    })
    .await
    .map_err(|e| ApiError::internal(format!("reader task failed: {e}")))??;

    let problems: Vec<String> = outcome.problems.iter().map(ToString::to_string).collect();
    if outcome.articles.is_empty() {
        let why = if problems.is_empty() { "no article found in the body".to_string() } else { problems.join("; ") };
        return Err(ApiError::unsupported(why));
    }
    let articles: Vec<Article> = outcome.articles;
    if let Some(publisher) = state.publisher().cloned() {
        return publish_posted(publisher, articles, problems).await;
    }
    let report = state
        .write(move |store, ingester| {
            let ids: Vec<(String, Option<String>)> = articles.iter().map(|a| (a.id.clone(), a.title.clone())).collect();
            let ingest_error = |e: synoptic_ingest::IngestError| ApiError::internal(format!("ingest: {e}"));
            let mut report = ingester.ingest(store, articles, &mut |_| {}).map_err(ingest_error)?;
            ingester.refresh(store, &mut report).map_err(ingest_error)?;
            let mut posted = Vec::with_capacity(ids.len());
            for (id, title) in ids {
                let stored = store.article(&id)?;
                let event = stored.and_then(|s| s.article.event);
                let story = match &event {
                    Some(e) => store.event(e)?.map(|e| e.story),
                    None => None,
                };
                posted.push(PostedArticle { id, title, event, story });
            }
            Ok(PostReport {
                given: report.given,
                ingested: report.ingested,
                duplicates: report.duplicates,
                articles: posted,
                problems,
            })
        })
        .await?;
    let status = if report.ingested > 0 { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(report)).into_response())
}

/// What `POST /api/articles` did when the server publishes to a stream: the articles are accepted (202) once
/// the stream acknowledged them; a `consume` process stores them.
#[derive(Debug, Serialize)]
pub struct PublishReport {
    pub given: usize,
    pub published: usize,
    /// Where they went ("topic news at 127.0.0.1:9092").
    pub destination: String,
    pub articles: Vec<PostedArticle>,
    pub problems: Vec<String>,
}

async fn publish_posted(
    publisher: synoptic_ingest::SharedPublisher,
    articles: Vec<Article>,
    problems: Vec<String>,
) -> Result<Response, ApiError> {
    let report = tokio::task::spawn_blocking(move || -> Result<PublishReport, ApiError> {
        let published = publisher.publish(&articles).map_err(ApiError::internal)?;
        let posted = articles
            .iter()
            .map(|a| PostedArticle { id: a.id.clone(), title: a.title.clone(), event: None, story: None })
            .collect();
        Ok(PublishReport {
            given: articles.len(),
            published,
            destination: publisher.destination(),
            articles: posted,
            problems,
        })
    })
    .await
    .map_err(|e| ApiError::internal(format!("publisher task failed: {e}")))??;
    Ok((StatusCode::ACCEPTED, Json(report)).into_response())
}

pub async fn api_not_found() -> ApiError {
    ApiError::not_found("no such API route; see /api/openapi.json")
}
