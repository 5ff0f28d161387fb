//! Serving at scale, through `tower::ServiceExt::oneshot` (no socket): the story list walked by cursor
//! (API and pages), ETags and 304, negotiated compression, and cached responses dropped when another
//! handle on the store commits.

mod common;

use std::io::Read as _;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::TempStore;
use serde_json::Value;
use synoptic_model::{Annotations, Article, Event, Story};
use synoptic_server::{Limits, router};
use synoptic_store::Store;
use tower::ServiceExt;

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: header::HeaderName) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

async fn get_with(app: &axum::Router, uri: &str, headers: &[(header::HeaderName, &str)]) -> Reply {
    let mut req = Request::get(uri);
    for (k, v) in headers {
        req = req.header(k.clone(), *v);
    }
    let res = app.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec();
    Reply { status, headers, body }
}

async fn get(app: &axum::Router, uri: &str) -> Reply {
    get_with(app, uri, &[]).await
}

/// `n` stories of one event and one article each, on days spread so that some share a time, a few
/// undated; written through a store handle of their own, as another process would.
fn stories(dir: &std::path::Path, from: usize, n: usize) {
    let mut store = Store::open(dir).unwrap();
    store
        .transaction(|tx| {
            for i in from..from + n {
                let mut a = Article::new(
                    format!("gen/{i}.txt"),
                    Some(format!("Report {i} on the harbour works")),
                    format!("The harbour board met on day {i}.\n\nIt discussed the pier and item {i}."),
                );
                if i % 9 != 4 {
                    let date = format!("2024-03-{:02}T10:00:00Z", 1 + i % 20);
                    a.published = chrono::DateTime::parse_from_rfc3339(&date).ok();
                }
                tx.insert_article(&a, &Annotations::default())?;
                let (e, s) = (format!("ev{i}"), format!("st{i}"));
                tx.put_event(&Event { id: e.clone(), story: s.clone(), articles: vec![a.id], ..Event::default() })?;
                tx.put_story(&Story { id: s.clone(), title: format!("Story {i}"), events: vec![e] })?;
            }
            Ok(())
        })
        .unwrap();
}

fn ids(page: &Value) -> Vec<String> {
    page["stories"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn cursor_walk_lists_every_story_once_in_order() {
    let store = TempStore::new("serve-walk");
    stories(&store.dir, 0, 57);
    let app = router(store.state(None, Limits::default()));
    let whole = get(&app, "/api/stories?limit=500").await.json();
    assert_eq!(whole["total"], 57);
    assert!(whole["next"].is_null());
    let whole = ids(&whole);
    let expected: Vec<String> = Store::open(&store.dir).unwrap().stories().unwrap().into_iter().map(|s| s.id).collect();
    assert_eq!(whole, expected, "the API lists the store's order");
    assert_eq!(ids(&get(&app, "/api/stories").await.json()).len(), 50, "paged by default");

    for size in [1, 7, 50] {
        let mut walked = Vec::new();
        let mut uri = format!("/api/stories?limit={size}");
        loop {
            let page = get(&app, &uri).await.json();
            assert!(ids(&page).len() <= size);
            walked.extend(ids(&page));
            match page["next"].as_str() {
                Some(next) => uri = format!("/api/stories?limit={size}&cursor={next}"),
                None => break,
            }
        }
        assert_eq!(walked, whole, "page size {size}");
    }

    // The home page walks the same list through its "Older" links.
    let mut walked = 0;
    let mut uri = "/".to_string();
    loop {
        let page = get(&app, &uri).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = String::from_utf8(page.body).unwrap();
        walked += html.matches("<li><h3><a href=\"/stories/").count();
        let Some(at) = html.find("rel=\"next\"") else { break };
        let href = html[..at].rsplit("href=\"").next().unwrap().trim_end_matches("\" ");
        uri = href.replace("&amp;", "&");
    }
    assert_eq!(walked, 57);
}

#[tokio::test]
async fn etags_answer_304_until_the_store_changes() {
    let store = TempStore::new("serve-etag");
    stories(&store.dir, 0, 3);
    let app = router(store.state(None, Limits::default()));
    let event = "ev1";
    for uri in ["/api/stories", "/", "/api/events/ev1", "/events/ev1", "/api/stories/st1", "/search?q=harbour"] {
        let first = get(&app, uri).await;
        assert_eq!(first.status, StatusCode::OK, "{uri}");
        let tag = first.header(header::ETAG).unwrap_or_else(|| panic!("{uri} has no ETag"));
        let again = get_with(&app, uri, &[(header::IF_NONE_MATCH, &tag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{uri}");
        assert!(again.body.is_empty());
        assert_eq!(again.header(header::ETAG).as_deref(), Some(tag.as_str()));
        let other = get_with(&app, uri, &[(header::IF_NONE_MATCH, "\"something-else\"")]).await;
        assert_eq!(other.status, StatusCode::OK, "{uri}");
        assert_eq!(other.body, first.body);
    }
    // Another handle changes the event: the cached response is dropped and the old tag no longer matches.
    let before = get(&app, &format!("/api/events/{event}")).await;
    let tag = before.header(header::ETAG).unwrap();
    let renamed = {
        let db = Store::open(&store.dir).unwrap();
        let mut e = db.event(event).unwrap().unwrap();
        e.title = "A renamed event".into();
        db.put_event(&e).unwrap();
        e
    };
    let after = get_with(&app, &format!("/api/events/{event}"), &[(header::IF_NONE_MATCH, &tag)]).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.json()["title"], renamed.title.as_str());
    assert_ne!(after.header(header::ETAG), Some(tag));
}

#[tokio::test]
async fn cached_pages_follow_commits_of_another_handle() {
    let store = TempStore::new("serve-invalidate");
    stories(&store.dir, 0, 2);
    let app = router(store.state(None, Limits::default()));
    let list = get(&app, "/api/stories").await.json();
    assert_eq!(list["total"], 2);
    let home = String::from_utf8(get(&app, "/").await.body).unwrap();
    assert!(!home.contains("Story 2<"));
    assert!(!get(&app, "/search?q=item").await.body.is_empty());
    // Served from memory while nothing changes: the same bytes.
    assert_eq!(get(&app, "/api/stories").await.json(), list);

    stories(&store.dir, 2, 1);
    let list = get(&app, "/api/stories").await.json();
    assert_eq!(list["total"], 3, "a commit by another handle shows at the next request");
    assert!(ids(&list).contains(&"st2".to_string()));
    let home = String::from_utf8(get(&app, "/").await.body).unwrap();
    assert!(home.contains("Story 2<"), "{home}");
    let hits = get(&app, "/api/search?q=%22day%202%22").await.json();
    assert_eq!(hits["hits"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn responses_are_compressed_as_negotiated() {
    let store = TempStore::new("serve-compress");
    stories(&store.dir, 0, 30);
    let app = router(store.state(None, Limits::default()));
    for uri in ["/api/stories", "/", "/api/openapi.json"] {
        let plain = get(&app, uri).await;
        assert_eq!(plain.status, StatusCode::OK);
        assert_eq!(plain.header(header::CONTENT_ENCODING), None, "{uri}: not asked for");
        let gz = get_with(&app, uri, &[(header::ACCEPT_ENCODING, "gzip")]).await;
        assert_eq!(gz.header(header::CONTENT_ENCODING).as_deref(), Some("gzip"), "{uri}");
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&gz.body[..]).read_to_end(&mut out).unwrap();
        assert_eq!(out, plain.body, "{uri}: gzip round trip");
        assert!(gz.body.len() < plain.body.len());
        let br = get_with(&app, uri, &[(header::ACCEPT_ENCODING, "gzip, deflate, br")]).await;
        assert_eq!(br.header(header::CONTENT_ENCODING).as_deref(), Some("br"), "{uri}");
        let mut out = Vec::new();
        brotli::Decompressor::new(&br.body[..], 4096).read_to_end(&mut out).unwrap();
        assert_eq!(out, plain.body, "{uri}: brotli round trip");
        let refused = get_with(&app, uri, &[(header::ACCEPT_ENCODING, "br;q=0, gzip;q=0")]).await;
        assert_eq!(refused.header(header::CONTENT_ENCODING), None, "{uri}");
        assert_eq!(refused.body, plain.body);
    }
    // Each form of a cached response has its own tag; a tag revalidates the form it was given for.
    let gz = get_with(&app, "/api/stories", &[(header::ACCEPT_ENCODING, "gzip")]).await;
    let plain = get(&app, "/api/stories").await;
    let (gz_tag, plain_tag) = (gz.header(header::ETAG).unwrap(), plain.header(header::ETAG).unwrap());
    assert_ne!(gz_tag, plain_tag);
    assert_eq!(gz.header(header::VARY).as_deref(), Some("accept-encoding"));
    let again =
        get_with(&app, "/api/stories", &[(header::ACCEPT_ENCODING, "gzip"), (header::IF_NONE_MATCH, &gz_tag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let other = get_with(&app, "/api/stories", &[(header::IF_NONE_MATCH, &gz_tag)]).await;
    assert_eq!(other.status, StatusCode::OK, "the gzip tag does not validate the plain form");
}
