//! Rendered responses kept as bytes, valid for one version of the store.
//!
//! The costly reads (story list, story, event, article, search; pages and API) are rendered once per
//! store version and per URL, then served from memory: a [`Rendered`] body with its ETag, and its gzip and
//! Brotli forms made the first time a client asks for them.
//!
//! - **Versions.** [`crate::AppState::generation`] advances when any process commits to the store (it
//!   polls the store's data version on every request, which costs microseconds). An entry made for an
//!   older generation is never served again.
//! - **No stampede.** Requests for the same URL in the same generation share one render: the first
//!   renders; the others get the previous generation's render while it is younger than
//!   [`STALE_WHILE_RENDERING`] after the change, and wait for the new one after that. A change of generation
//!   costs one render per URL asked for.
//! - **Conditional requests.** Every response carries a strong `ETag` (a hash of the identity body, with
//!   `-gz` or `-br` added for the compressed forms, which are other representations); a request whose
//!   `If-None-Match` names the tag of the form it would get answers `304 Not Modified`, with no body.
//! - **Bounded.** At most [`MAX_ENTRIES`] URLs are kept; past that, older generations go first, then all.

use std::collections::HashMap;
use std::future::Future;
use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Most URLs kept at once.
pub const MAX_ENTRIES: usize = 4096;

/// Bodies shorter than this are sent as they are (compression would not pay for its headers).
const MIN_COMPRESS: usize = 256;

/// One rendered response body, with its validators and compressed forms.
#[derive(Debug)]
pub struct Rendered {
    content_type: &'static str,
    body: Bytes,
    /// The hash of the identity body (the ETag's content without quotes or suffix).
    tag: String,
    gzip: OnceLock<Bytes>,
    br: OnceLock<Bytes>,
}

impl Rendered {
    pub fn new(content_type: &'static str, body: Vec<u8>) -> Rendered {
        let tag = blake3::hash(&body).to_hex()[..32].to_string();
        Rendered { content_type, body: Bytes::from(body), tag, gzip: OnceLock::new(), br: OnceLock::new() }
    }

    /// The ETag of the identity form.
    pub fn etag(&self) -> HeaderValue {
        self.etag_for(None)
    }

    fn etag_for(&self, encoding: Option<Encoding>) -> HeaderValue {
        let suffix = match encoding {
            None => "",
            Some(Encoding::Gzip) => "-gz",
            Some(Encoding::Br) => "-br",
        };
        // Hex digits and a suffix of letters: always a valid header value.
        HeaderValue::from_str(&format!("\"{}{suffix}\"", self.tag)).unwrap_or(HeaderValue::from_static("\"0\""))
    }

    fn gzip(&self) -> &Bytes {
        self.gzip.get_or_init(|| {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
            // Writing to a Vec cannot fail.
            let _ = enc.write_all(&self.body);
            Bytes::from(enc.finish().unwrap_or_default())
        })
    }

    fn br(&self) -> &Bytes {
        self.br.get_or_init(|| {
            let mut out = Vec::new();
            {
                let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                let _ = enc.write_all(&self.body);
            }
            Bytes::from(out)
        })
    }

    /// The response for a request with these headers: 304 when its `If-None-Match` names this body,
    /// else the body in the best encoding the client accepts.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let encoding = preferred_encoding(request, self.body.len());
        let etag = self.etag_for(encoding);
        let mut res = if not_modified(request, &etag) {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::NOT_MODIFIED;
            r
        } else {
            let (encoding, body) = match encoding {
                Some(Encoding::Br) => (Some("br"), self.br().clone()),
                Some(Encoding::Gzip) => (Some("gzip"), self.gzip().clone()),
                None => (None, self.body.clone()),
            };
            let mut r = Response::new(Body::from(body));
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(self.content_type));
            if let Some(e) = encoding {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
            }
            r
        };
        let h = res.headers_mut();
        h.insert(header::ETAG, etag);
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        // Clients may keep the body, but must ask (cheaply, with If-None-Match) before using it again.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        res
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Br,
    Gzip,
}

/// The encoding to send: Brotli over gzip when both are accepted with the same weight; none for short
/// bodies or when the client accepts neither (`q=0` refuses).
fn preferred_encoding(request: &HeaderMap, len: usize) -> Option<Encoding> {
    if len < MIN_COMPRESS {
        return None;
    }
    let mut best: Option<(Encoding, f32)> = None;
    for value in request.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.trim().parse::<f32>().ok()))
                .next()
                .unwrap_or(1.0);
            let enc = match name.as_str() {
                "br" => Encoding::Br,
                "gzip" | "x-gzip" => Encoding::Gzip,
                _ => continue,
            };
            if q <= 0.0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((b, bq)) => q > bq || (q == bq && enc == Encoding::Br && b == Encoding::Gzip),
            };
            if better {
                best = Some((enc, q));
            }
        }
    }
    best.map(|(e, _)| e)
}

/// Whether `If-None-Match` names `etag` (or is `*`); weak and strong forms compare equal, as RFC 9110
/// asks for this header.
fn not_modified(request: &HeaderMap, etag: &HeaderValue) -> bool {
    let Ok(ours) = etag.to_str() else { return false };
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').map(str::trim).any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == ours))
}

/// How long after a change requests may still get the previous render while the new one is being made
/// (by one of them). Past it, they wait for the new render: nothing older than this is served after a commit.
pub const STALE_WHILE_RENDERING: Duration = Duration::from_millis(500);

/// One URL's render for one generation, shared by every request that asks for it meanwhile.
#[derive(Debug)]
struct Slot {
    generation: u64,
    cell: tokio::sync::OnceCell<Arc<Rendered>>,
    /// The render of the generation before, and when this slot replaced it.
    previous: Option<(Arc<Rendered>, Instant)>,
    /// Set by the first request that found the slot unrendered: that one renders, later ones may not wait.
    rendering: std::sync::atomic::AtomicBool,
}

/// The rendered responses, by URL.
#[derive(Debug, Default)]
pub struct PageCache {
    slots: Mutex<HashMap<String, Arc<Slot>>>,
}

impl PageCache {
    /// The rendered response for `key` at `generation`: from memory when it was rendered for this
    /// generation (or a newer one), else rendered once by `render` while other requests for it wait.
    /// A failed render is returned to its caller and not kept.
    pub async fn get_or_render<F, Fut, E>(&self, key: &str, generation: u64, render: F) -> Result<Arc<Rendered>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Rendered, E>>,
    {
        let slot = self.slot(key, generation);
        // While one request renders the new generation, the others get the previous render for a moment
        // instead of queueing behind it.
        if !slot.cell.initialized()
            && let Some((previous, since)) = &slot.previous
            && since.elapsed() < STALE_WHILE_RENDERING
            && slot.rendering.swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            return Ok(previous.clone());
        }
        slot.cell.get_or_try_init(|| async { render().await.map(Arc::new) }).await.cloned()
    }

    fn slot(&self, key: &str, generation: u64) -> Arc<Slot> {
        let fresh = |previous| {
            Arc::new(Slot {
                generation,
                cell: tokio::sync::OnceCell::new(),
                previous,
                rendering: std::sync::atomic::AtomicBool::new(false),
            })
        };
        let Ok(mut slots) = self.slots.lock() else { return fresh(None) };
        if let Some(s) = slots.get(key)
            && s.generation >= generation
        {
            return s.clone();
        }
        if slots.len() >= MAX_ENTRIES && !slots.contains_key(key) {
            slots.retain(|_, s| s.generation >= generation);
            if slots.len() >= MAX_ENTRIES {
                slots.clear();
            }
        }
        let previous = slots.get(key).and_then(|s| s.cell.get().cloned()).map(|r| (r, Instant::now()));
        let slot = fresh(previous);
        slots.insert(key.to_string(), slot.clone());
        slot
    }

    /// How many URLs are kept (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.slots.lock().map(|s| s.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A JSON body as a renderable response.
pub fn json<T: serde::Serialize>(v: &T) -> Result<Rendered, crate::ApiError> {
    let body = serde_json::to_vec(v).map_err(|e| crate::ApiError::internal(e.to_string()))?;
    Ok(Rendered::new("application/json", body))
}

/// An HTML page as a renderable response.
pub fn html(page: String) -> Rendered {
    Rendered::new("text/html; charset=utf-8", page.into_bytes())
}

/// A rendered response or the error that stopped it, as a response.
pub fn reply<E: IntoResponse>(request: &HeaderMap, rendered: Result<Arc<Rendered>, E>) -> Response {
    match rendered {
        Ok(r) => r.respond(request),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn encodings_are_negotiated() {
        let cases: &[(&str, Option<Encoding>)] = &[
            ("", None),
            ("identity", None),
            ("gzip", Some(Encoding::Gzip)),
            ("gzip, deflate, br", Some(Encoding::Br)),
            ("br;q=0.5, gzip", Some(Encoding::Gzip)),
            ("br;q=0, gzip;q=0", None),
            ("GZIP;q=0.3", Some(Encoding::Gzip)),
            ("*", None),
        ];
        for (accept, want) in cases {
            let h = headers(&[(header::ACCEPT_ENCODING, accept)]);
            assert_eq!(preferred_encoding(&h, 10_000), *want, "{accept:?}");
        }
        let h = headers(&[(header::ACCEPT_ENCODING, "gzip")]);
        assert_eq!(preferred_encoding(&h, 10), None, "short bodies are sent as they are");
    }

    #[test]
    fn etags_match_in_every_listed_form() {
        let r = Rendered::new("text/plain", b"hello".to_vec());
        let tag = r.etag().to_str().unwrap().to_string();
        for (inm, hit) in [
            (tag.clone(), true),
            (format!("W/{tag}"), true),
            (format!("\"other\", {tag}"), true),
            ("*".to_string(), true),
            ("\"other\"".to_string(), false),
        ] {
            let h = headers(&[(header::IF_NONE_MATCH, &inm)]);
            assert_eq!(not_modified(&h, &r.etag()), hit, "{inm}");
        }
        assert_eq!(Rendered::new("text/plain", b"hello".to_vec()).etag(), r.etag(), "same body, same tag");
        assert_ne!(Rendered::new("text/plain", b"hello!".to_vec()).etag(), r.etag());
        assert_ne!(r.etag_for(Some(Encoding::Gzip)), r.etag(), "another representation, another tag");
    }

    #[tokio::test]
    async fn one_render_per_generation() {
        let cache = PageCache::default();
        let renders = std::sync::atomic::AtomicUsize::new(0);
        let render = |text: &'static str| {
            renders.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async move { Ok::<_, ()>(Rendered::new("text/plain", text.as_bytes().to_vec())) }
        };
        let a = cache.get_or_render("/x", 1, || render("one")).await.unwrap();
        let b = cache.get_or_render("/x", 1, || render("never")).await.unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        // An older generation asking later gets the newer render; a newer generation renders again.
        let c = cache.get_or_render("/x", 2, || render("two")).await.unwrap();
        assert_eq!(&c.body[..], b"two");
        let d = cache.get_or_render("/x", 1, || render("never")).await.unwrap();
        assert!(Arc::ptr_eq(&c, &d));
        assert_eq!(renders.load(std::sync::atomic::Ordering::SeqCst), 2);
        // A failure is not kept.
        assert!(cache.get_or_render("/y", 2, || async { Err::<Rendered, _>("no") }).await.is_err());
        assert!(cache.get_or_render("/y", 2, || render("y")).await.is_ok());
        assert_eq!(cache.len(), 2);
    }
}
