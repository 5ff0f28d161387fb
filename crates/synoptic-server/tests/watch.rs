//! Feed watching (`synoptic_ingest::watch`) against a loopback server serving changing feeds: first fetch,
//! conditional GET answered with 304, new items appearing, back-off after errors, per-host spacing. The
//! test drives the watcher's steps with made-up instants: nothing sleeps.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::TempStore;
use synoptic_ingest::watch::{PollOutcome, WatchConfig, Watcher, feeds_from_args};
use synoptic_store::Store;

/// What the loopback site serves per path: (status, etag, body).
#[derive(Default)]
struct Site {
    feeds: HashMap<String, (u16, String, String)>,
    /// Each request: path and its If-None-Match header.
    log: Vec<(String, Option<String>)>,
}

fn serve(site: Arc<Mutex<Site>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut first = String::new();
            if reader.read_line(&mut first).is_err() {
                continue;
            }
            let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
            let mut inm = None;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = line.split_once(':')
                    && k.eq_ignore_ascii_case("if-none-match")
                {
                    inm = Some(v.trim().to_string());
                }
            }
            let mut site = site.lock().unwrap();
            site.log.push((path.clone(), inm.clone()));
            let (status, etag, body) = site.feeds.get(&path).cloned().unwrap_or((404, String::new(), String::new()));
            let response = if status == 200 && inm.as_deref() == Some(etag.as_str()) {
                format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n")
            } else {
                format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/rss+xml\r\nETag: {etag}\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{body}",
                    body.len()
                )
            };
            let _ = conn.write_all(response.as_bytes());
        }
    });
    format!("http://{addr}")
}

fn item(n: usize) -> String {
    let topics = ["bridge repairs", "school budget", "river cleanup", "tram timetable"];
    let topic = topics[n % topics.len()];
    format!(
        "<item><title>Council approves {topic} plan number {n}</title><link>https://local.example/{n}</link>\
         <pubDate>Mon, 0{d} Mar 2025 10:00:00 GMT</pubDate><description>The town council approved the {topic} \
         plan number {n} on Monday after a long debate about costs and timing. Members said work would start \
         within weeks and that residents would be kept informed about the {topic} schedule.</description></item>",
        d = 1 + n % 8
    )
}

fn rss(items: &[usize]) -> String {
    let body: String = items.iter().map(|n| item(*n)).collect();
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Town News</title>{body}</channel></rss>")
}

fn set(site: &Arc<Mutex<Site>>, path: &str, status: u16, etag: &str, body: String) {
    site.lock().unwrap().feeds.insert(path.to_string(), (status, etag.to_string(), body));
}

fn fetched(outcome: &PollOutcome) -> (usize, usize) {
    match outcome {
        PollOutcome::Fetched { items, ingested, .. } => (*items, *ingested),
        other => panic!("expected a fetch, got {other:?}"),
    }
}

#[test]
fn polls_conditionally_ingests_new_items_and_backs_off() {
    let site = Arc::new(Mutex::new(Site::default()));
    let base = serve(site.clone());
    let url = format!("{base}/feed.xml");
    set(&site, "/feed.xml", 200, "\"v1\"", rss(&[1, 2]));

    let dir = TempStore::new("watch");
    let mut store = Store::open(&dir.dir).unwrap();
    let interval = Duration::from_secs(600);
    let cfg = WatchConfig { host_spacing: Duration::from_secs(5), ..WatchConfig::new(vec![url.clone()], interval) };
    let t0 = Instant::now();
    let mut w = Watcher::new(cfg.clone(), &store, t0).unwrap();

    // First poll: everything is new.
    let r = w.poll_due(&mut store, t0).unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(fetched(&r[0].outcome), (2, 2));
    assert_eq!(store.article_count().unwrap(), 2);
    assert_eq!(store.feed_state(&url).unwrap().unwrap().etag.as_deref(), Some("\"v1\""));

    // Not due again before the interval.
    assert!(w.poll_due(&mut store, t0 + Duration::from_secs(1)).unwrap().is_empty());
    assert_eq!(w.next_due(), Some(t0 + interval));

    // Unchanged: a conditional GET answered 304.
    let r = w.poll_due(&mut store, t0 + interval).unwrap();
    assert_eq!(r[0].outcome, PollOutcome::NotModified);
    assert_eq!(site.lock().unwrap().log.last().unwrap().1.as_deref(), Some("\"v1\""));

    // A new item appears.
    set(&site, "/feed.xml", 200, "\"v2\"", rss(&[1, 2, 3]));
    let r = w.poll_due(&mut store, t0 + interval * 2).unwrap();
    assert_eq!(fetched(&r[0].outcome), (3, 1));
    assert_eq!(store.article_count().unwrap(), 3);

    // Errors back off exponentially and are remembered.
    set(&site, "/feed.xml", 500, "", String::new());
    let t3 = t0 + interval * 3;
    let r = w.poll_due(&mut store, t3).unwrap();
    assert!(matches!(r[0].outcome, PollOutcome::Failed { failures: 1, .. }), "{:?}", r[0].outcome);
    assert_eq!(r[0].next_due, t3 + interval * 2);
    assert!(w.poll_due(&mut store, t3 + interval).unwrap().is_empty(), "polled during back-off");
    let r = w.poll_due(&mut store, t3 + interval * 2).unwrap();
    assert!(matches!(r[0].outcome, PollOutcome::Failed { failures: 2, .. }));
    assert_eq!(r[0].next_due, t3 + interval * 2 + interval * 4);
    let state = store.feed_state(&url).unwrap().unwrap();
    assert_eq!(state.failures, 2);
    assert!(state.last_error.unwrap().contains("500"));

    // A restarted watcher keeps backing off; a success resets the count.
    let later = Instant::now();
    let mut w2 = Watcher::new(cfg, &store, later).unwrap();
    assert_eq!(w2.next_due(), Some(later + interval * 4));
    set(&site, "/feed.xml", 200, "\"v3\"", rss(&[1, 2, 3, 4]));
    let r = w2.poll_due(&mut store, later + interval * 4).unwrap();
    assert_eq!(fetched(&r[0].outcome), (4, 1));
    assert_eq!(store.feed_state(&url).unwrap().unwrap().failures, 0);
}

#[test]
fn feeds_on_one_host_are_spaced() {
    let site = Arc::new(Mutex::new(Site::default()));
    let base = serve(site.clone());
    set(&site, "/a.xml", 200, "\"a\"", rss(&[10]));
    set(&site, "/b.xml", 200, "\"b\"", rss(&[11]));
    let feeds = vec![format!("{base}/a.xml"), format!("{base}/b.xml")];
    let dir = TempStore::new("watch-spacing");
    let mut store = Store::open(&dir.dir).unwrap();
    let spacing = Duration::from_secs(5);
    let cfg = WatchConfig { host_spacing: spacing, ..WatchConfig::new(feeds.clone(), Duration::from_secs(600)) };
    let t0 = Instant::now();
    let mut w = Watcher::new(cfg, &store, t0).unwrap();
    let r = w.poll_due(&mut store, t0).unwrap();
    assert_eq!(r.len(), 1, "two requests to one host at once");
    assert_eq!(r[0].url, feeds[0]);
    assert_eq!(w.next_due(), Some(t0 + spacing));
    assert!(w.poll_due(&mut store, t0 + spacing / 2).unwrap().is_empty());
    let r = w.poll_due(&mut store, t0 + spacing).unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].url, feeds[1]);
    assert_eq!(site.lock().unwrap().log.len(), 2);
}

#[test]
fn feed_arguments_read_opml_files() {
    let dir = TempStore::new("watch-opml");
    let opml = dir.dir.join("feeds.opml");
    std::fs::write(
        &opml,
        "<opml version=\"2.0\"><body><outline text=\"a\" xmlUrl=\"https://a.example/feed\"/>\
         <outline text=\"b\" xmlUrl=\"https://b.example/rss?x=1&amp;y=2\"/></body></opml>",
    )
    .unwrap();
    let args = vec![opml.display().to_string(), "https://c.example/atom".to_string(), "https://a.example/feed".into()];
    assert_eq!(
        feeds_from_args(&args).unwrap(),
        ["https://a.example/feed", "https://b.example/rss?x=1&y=2", "https://c.example/atom"]
    );
    assert!(feeds_from_args(&[dir.dir.join("missing.opml").display().to_string()]).is_err());
}
