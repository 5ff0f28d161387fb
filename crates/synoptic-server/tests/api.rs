//! The JSON API, the pages and the Atom feed through `tower::ServiceExt::oneshot` (no socket): token
//! checks, posting articles, reading them back, errors with stable codes, body cap, OpenAPI, feed shape.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{TOKEN, TempStore, fixture_bytes, ingest_fixtures};
use serde_json::Value;
use synoptic_server::{Limits, router};
use tower::ServiceExt;

struct Reply {
    status: StatusCode,
    content_type: String,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn error_code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or("").to_string()
    }
}

async fn send(app: &axum::Router, req: Request<Body>) -> Reply {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let content_type = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec();
    Reply { status, content_type, body }
}

async fn get(app: &axum::Router, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

fn post(body: Vec<u8>, content_type: &str, token: Option<&str>) -> Request<Body> {
    let mut r = Request::post("/api/articles").header(header::CONTENT_TYPE, content_type);
    if let Some(t) = token {
        r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    r.body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn post_needs_the_token_and_the_article_then_appears_in_stories() {
    let store = TempStore::new("api-post");
    let app = router(store.state(Some(TOKEN), Limits::default()));
    let record = fixture_bytes("harbour-a.json");

    let r = send(&app, post(record.clone(), "application/json", None)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.error_code(), "unauthorized");
    let r = send(&app, post(record.clone(), "application/json", Some("wrong"))).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(get(&app, "/api/stories").await.json()["stories"].as_array().unwrap().is_empty());

    let r = send(&app, post(record.clone(), "application/json", Some(TOKEN))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let report = r.json();
    assert_eq!(report["ingested"], 1);
    let id = report["articles"][0]["id"].as_str().unwrap().to_string();
    let event = report["articles"][0]["event"].as_str().unwrap().to_string();
    let story = report["articles"][0]["story"].as_str().unwrap().to_string();

    let stories = get(&app, "/api/stories").await.json();
    let list = stories["stories"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], story.as_str());
    assert_eq!(list[0]["articles"], 1);
    assert_eq!(list[0]["outlets"][0], "Coastal Herald");

    let a = get(&app, &format!("/api/articles/{id}")).await;
    assert_eq!(a.status, StatusCode::OK);
    let a = a.json();
    assert_eq!(a["id"], id.as_str());
    assert_eq!(a["event"], event.as_str());
    assert!(a["annotations"]["entities"].is_array());

    let e = get(&app, &format!("/api/events/{event}")).await.json();
    assert_eq!(e["id"], event.as_str());
    assert_eq!(e["articles"][0], id.as_str());
    for key in ["agreements", "single_source", "disagreements", "summary", "quotes", "entities", "figures"] {
        assert!(e[key].is_array(), "event lacks {key}");
    }

    let doc = get(&app, &format!("/api/stories/{story}")).await.json();
    assert_eq!(doc["schema"], 1);
    assert_eq!(doc["stories"][0]["id"], story.as_str());

    let hits = get(&app, "/api/search?q=silos").await.json();
    assert_eq!(hits["hits"][0]["article"], id.as_str());

    // The same article again adds nothing.
    let r = send(&app, post(record, "application/json", Some(TOKEN))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["duplicates"], 1);
}

#[tokio::test]
async fn html_pages_can_be_posted() {
    let store = TempStore::new("api-html");
    let app = router(store.state(Some(TOKEN), Limits::default()));
    let html = "<!DOCTYPE html><html><head><title>Ferry service resumes on the northern route</title></head><body>\
                <article><h1>Ferry service resumes on the northern route</h1><p>The ferry operator restarted \
                crossings on the northern route on Friday after three weeks of repairs to the main pier, the \
                company said in a statement.</p><p>Passengers had used a replacement bus service during the \
                closure, which added about an hour to the journey between the two towns.</p><p>The operator \
                said timetables would return to normal from next week.</p></article></body></html>";
    let r = send(&app, post(html.as_bytes().to_vec(), "text/html; charset=utf-8", Some(TOKEN))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["articles"][0]["id"].as_str().unwrap().to_string();
    let a = get(&app, &format!("/api/articles/{id}")).await.json();
    assert!(a["text"].as_str().unwrap().contains("replacement bus service"));
}

#[tokio::test]
async fn writes_are_refused_without_a_configured_token() {
    let store = TempStore::new("api-notoken");
    let app = router(store.state(None, Limits::default()));
    let r = send(&app, post(fixture_bytes("harbour-a.json"), "application/json", Some("anything"))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.error_code(), "writes_disabled");
}

/// Each bad request gets its status and stable code.
#[tokio::test]
async fn errors_are_json_with_stable_codes() {
    let store = TempStore::new("api-errors");
    let app = router(store.state(Some(TOKEN), Limits { body_limit: 1024, ..Limits::default() }));
    let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
        (Request::get("/api/events/nope").body(Body::empty()).unwrap(), StatusCode::NOT_FOUND, "not_found"),
        (Request::get("/api/stories/nope").body(Body::empty()).unwrap(), StatusCode::NOT_FOUND, "not_found"),
        (Request::get("/api/articles/nope").body(Body::empty()).unwrap(), StatusCode::NOT_FOUND, "not_found"),
        (Request::get("/api/no-such-route").body(Body::empty()).unwrap(), StatusCode::NOT_FOUND, "not_found"),
        (post(vec![b'x'; 4096], "text/plain", Some(TOKEN)), StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        (post(b"{not json".to_vec(), "application/json", Some(TOKEN)), StatusCode::BAD_REQUEST, "bad_request"),
        (post(b"{\"title\": \"x\"}".to_vec(), "application/json", Some(TOKEN)), StatusCode::BAD_REQUEST, "bad_request"),
        (
            post(b"{\"url\": \"ftp://x\"}".to_vec(), "application/json", Some(TOKEN)),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (post(b"   ".to_vec(), "text/plain", Some(TOKEN)), StatusCode::BAD_REQUEST, "bad_request"),
        (
            post(vec![0, 1, 2, 3, 0, 0, 0], "application/octet-stream", Some(TOKEN)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable",
        ),
    ];
    for (req, status, code) in cases {
        let what = format!("{} {}", req.method(), req.uri());
        let r = send(&app, req).await;
        assert_eq!(r.status, status, "{what}: {}", r.text());
        assert!(r.content_type.starts_with("application/json"), "{what}");
        assert_eq!(r.error_code(), code, "{what}");
    }
    // A declared length past the cap is refused before the body is read.
    let req = Request::post("/api/articles")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_LENGTH, "999999")
        .body(Body::from("short"))
        .unwrap();
    let r = send(&app, req).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.error_code(), "payload_too_large");
}

#[tokio::test]
async fn openapi_parses_and_lists_every_route() {
    let store = TempStore::new("api-openapi");
    let app = router(store.state(None, Limits::default()));
    let r = get(&app, "/api/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    let routes = [
        ("/api/stories", "get"),
        ("/api/stories/{id}", "get"),
        ("/api/events/{id}", "get"),
        ("/api/articles/{id}", "get"),
        ("/api/articles", "post"),
        ("/api/search", "get"),
        ("/api/openapi.json", "get"),
        ("/feed.atom", "get"),
    ];
    for (path, method) in routes {
        assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "openapi lacks {method} {path}");
    }
    let known: std::collections::BTreeSet<&str> = routes.iter().map(|r| r.0).collect();
    let listed: std::collections::BTreeSet<&str> = paths.keys().map(String::as_str).collect();
    assert_eq!(listed, known, "openapi and the router disagree on the routes");
    // Every documented GET route without parameters answers.
    for (path, method) in routes {
        if method == "get" && !path.contains('{') {
            let r = get(&app, &format!("{path}?q=x")).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
        }
    }
}

#[tokio::test]
async fn atom_feed_has_one_entry_per_event() {
    let store = TempStore::new("api-atom");
    ingest_fixtures(&store.dir, &["harbour-a.json", "harbour-b.json", "markup.json"]);
    let app = router(store.state(None, Limits::default()));
    let events = synoptic_store::Store::open(&store.dir).unwrap().event_summaries().unwrap();
    assert!(!events.is_empty());

    let r = get(&app, "/feed.atom").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.starts_with("application/atom+xml"));
    let feed = parse_atom(&r.text());
    assert_eq!(feed.root, "feed");
    assert_eq!(feed.namespace.as_deref(), Some("http://www.w3.org/2005/Atom"));
    for key in ["id", "title", "updated"] {
        assert!(feed.feed_children.contains(&key.to_string()), "feed lacks <{key}>");
    }
    assert_eq!(feed.entries.len(), events.len(), "one entry per event");
    for (entry, event) in feed.entries.iter().zip(&events) {
        for key in ["id", "title", "updated", "link", "summary"] {
            assert!(entry.children.contains(&key.to_string()), "entry lacks <{key}>");
        }
        assert_eq!(entry.id, format!("urn:synoptic:event:{}", event.id));
        assert!(chrono::DateTime::parse_from_rfc3339(&entry.updated).is_ok(), "{}", entry.updated);
        if event.outlets.len() > 1 {
            assert!(entry.summary.contains("Also reported by:"), "{}", entry.summary);
        }
    }
}

#[derive(Debug, Default)]
struct AtomEntry {
    children: Vec<String>,
    id: String,
    updated: String,
    summary: String,
}

#[derive(Debug, Default)]
struct AtomFeed {
    root: String,
    namespace: Option<String>,
    feed_children: Vec<String>,
    entries: Vec<AtomEntry>,
}

/// Parse an Atom document with quick-xml, keeping the structure the test checks.
fn parse_atom(xml: &str) -> AtomFeed {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut feed = AtomFeed::default();
    let mut path: Vec<String> = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                open(&mut feed, &path, &name, &e);
                path.push(name);
            }
            Event::Empty(e) => {
                let name = e.local_name().as_ref().to_string();
                open(&mut feed, &path, &name, &e);
            }
            Event::End(_) => {
                path.pop();
            }
            Event::Text(t) => {
                let text = t.xml10_content().into_owned();
                if path.len() == 3 && path[1] == "entry" {
                    let entry = feed.entries.last_mut().unwrap();
                    match path[2].as_str() {
                        "id" => entry.id.push_str(&text),
                        "updated" => entry.updated.push_str(&text),
                        "summary" => entry.summary.push_str(&text),
                        _ => {}
                    }
                }
            }
            Event::GeneralRef(r) if path.len() == 3 && path[1] == "entry" && path[2] == "summary" => {
                let entry = feed.entries.last_mut().unwrap();
                entry.summary.push_str(&r.xml10_content());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(path.is_empty(), "unclosed elements: {path:?}");
    feed
}

fn open(feed: &mut AtomFeed, path: &[String], name: &str, e: &quick_xml::events::BytesStart<'_>) {
    match path.len() {
        0 => {
            feed.root = name.to_string();
            feed.namespace = e.attributes().flatten().find(|a| a.key.as_ref() == "xmlns").map(|a| a.value.to_string());
        }
        1 if name == "entry" => feed.entries.push(AtomEntry::default()),
        1 => feed.feed_children.push(name.to_string()),
        2 if path[1] == "entry" => feed.entries.last_mut().unwrap().children.push(name.to_string()),
        _ => {}
    }
}

#[tokio::test]
async fn pages_render_and_escape_article_markup() {
    let store = TempStore::new("api-pages");
    ingest_fixtures(&store.dir, &["harbour-a.json", "harbour-b.json", "markup.json"]);
    let app = router(store.state(None, Limits::default()));
    let index = get(&app, "/").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.content_type.starts_with("text/html"));
    let html = index.text();
    assert!(html.contains("Port Elmsworth"), "{html}");
    assert!(!html.contains("<script"), "a page carries a script");

    let db = synoptic_store::Store::open(&store.dir).unwrap();
    for a in db.articles().unwrap() {
        let page = get(&app, &format!("/articles/{}", a.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(!html.contains("<script") && !html.contains("<img"), "unescaped markup in {}", a.id);
        if a.text.contains("<script>") {
            assert!(html.contains("&lt;script&gt;"));
        }
    }
    for e in db.event_summaries().unwrap() {
        assert_eq!(get(&app, &format!("/events/{}", e.id)).await.status, StatusCode::OK);
        assert_eq!(get(&app, &format!("/stories/{}", e.story)).await.status, StatusCode::OK);
    }
    let search = get(&app, "/search?q=%3Cscript%3E+grain").await;
    assert_eq!(search.status, StatusCode::OK);
    assert!(!search.text().contains("<script>"));
    let all = get(&app, "/api/stories").await.json();
    let total = all["total"].as_u64().unwrap();
    assert!(total >= 2);
    let first = get(&app, "/api/stories?limit=1").await.json();
    let next = first["next"].as_str().expect("a next cursor").to_string();
    let paged = get(&app, &format!("/api/stories?limit=1&cursor={next}")).await.json();
    assert_eq!(paged["total"].as_u64(), Some(total));
    assert_eq!(paged["stories"].as_array().unwrap().len(), 1);
    assert_eq!(paged["stories"][0], all["stories"][1]);
    assert_eq!(get(&app, "/?cursor=0.0").await.status, StatusCode::OK);
    assert_eq!(get(&app, "/?cursor=nonsense").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(get(&app, "/api/stories?cursor=nonsense").await.error_code(), "bad_request");
    let missing = get(&app, "/events/none").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.content_type.starts_with("text/html"));
}

/// Serve one fixed HTML page on loopback for every request; returns its URL.
fn serve_page(html: &'static str) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                line.clear();
            }
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                html.len()
            );
            let _ = conn.write_all(head.as_bytes());
            let _ = conn.write_all(html.as_bytes());
        }
    });
    format!("http://{addr}/news/page.html")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn urls_are_fetched() {
    let page = serve_page(
        "<!DOCTYPE html><html><head><title>Night trains return to the coast line</title></head><body><article>\
         <h1>Night trains return to the coast line</h1><p>The rail operator brought back night trains on the coast \
         line on Sunday, two years after the service was cut for lack of rolling stock.</p><p>Sleeper cars built \
         for the route were delivered in the spring, and tickets for the first month sold out within days.</p>\
         <p>The operator said it would add a second weekly departure if demand held.</p></article></body></html>",
    );
    let store = TempStore::new("api-url");
    let app = router(store.state(Some(TOKEN), Limits::default()));
    let body = serde_json::json!({ "url": page }).to_string().into_bytes();
    let r = send(&app, post(body, "application/json", Some(TOKEN))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["articles"][0]["id"].as_str().unwrap().to_string();
    let a = get(&app, &format!("/api/articles/{id}")).await.json();
    assert_eq!(a["source"], page.as_str());
    assert!(a["text"].as_str().unwrap().contains("Sleeper cars"));

    // A URL that cannot be fetched is a 502 with its reason.
    let dead = format!("http://{}/", std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap());
    let body = serde_json::json!({ "url": dead }).to_string().into_bytes();
    let r = send(&app, post(body, "application/json", Some(TOKEN))).await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY, "{}", r.text());
    assert_eq!(r.error_code(), "fetch_failed");
}
