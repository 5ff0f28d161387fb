//! The store commands and `extract` through the binary: extract (files, stdin, a URL on loopback), ingest,
//! stories, search, show (article, event, story, unknown), export.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Stdio;

use common::{export, run, scratch, stderr, stdout, synoptic};

fn inputs() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval-cluster")
}

fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect()
}

#[test]
fn extract_prints_articles_without_placement_keys() {
    let dir = scratch("extract");
    let out = run(synoptic(&dir).arg("extract").arg(inputs()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = json_lines(&stdout(&out));
    assert_eq!(lines.len(), 4);
    for v in &lines {
        for key in ["id", "source", "title", "text", "url", "outlet", "author", "published", "language", "credits"] {
            assert!(v.get(key).is_some(), "{key} in {v}");
        }
        assert!(v.get("event").is_none() && v.get("copy_of").is_none(), "{v}");
    }
    assert!(stderr(&out).contains("read 4 files: 4 articles, 0 skipped"), "{}", stderr(&out));
    // Sorted directory walk: the ferry files come first.
    assert!(lines[0]["source"].as_str().unwrap().ends_with("ferry-1.txt"));

    // Standard input.
    let mut child = synoptic(&dir)
        .args(["--quiet", "extract", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let text = std::fs::read(inputs().join("library-1.txt")).unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines = json_lines(&stdout(&out));
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["source"], "-");
    assert_eq!(lines[0]["title"], "Central library reopens");
    assert!(stderr(&out).is_empty(), "quiet: {}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn extract_reads_a_url_on_loopback() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let page =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval-extract/html/p1.html"))
            .unwrap();
    let server = std::thread::spawn(move || {
        for (i, stream) in listener.incoming().take(2).enumerate() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                line.clear();
            }
            let reply = if i == 0 {
                "HTTP/1.1 302 Found\r\nLocation: /article\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string()
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                    page.len()
                )
            };
            stream.write_all(reply.as_bytes()).unwrap();
        }
    });
    let dir = scratch("url");
    let out = run(synoptic(&dir).arg("extract").arg(format!("{base}/old")));
    server.join().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = json_lines(&stdout(&out));
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["source"], format!("{base}/old"));
    assert_eq!(lines[0]["title"], "Tram line to the university opens");

    // Nothing listening: one line naming the URL, exit 1.
    let out = run(synoptic(&dir).arg("extract").arg(format!("{base}/gone")));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with(&format!("synoptic: {base}/gone: ")), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn store_commands_show_what_ingest_stored() {
    let dir = scratch("store-cmds");
    let store = dir.join("store");
    let out = run(synoptic(&store).args(["ingest", "--stats"]).arg(inputs()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("ingested 4 new articles (0 already stored)"), "{text}");
    for stage in [
        "read",
        "clean/extract",
        "annotate+prepare",
        "copies+cluster",
        "store",
        "synopses",
        "stages (busy)",
        "wall: placed",
        "wall: total",
    ] {
        assert!(text.lines().any(|l| l.starts_with(stage)), "--stats shows {stage}: {text}");
    }

    let doc = export(&store);
    assert_eq!(doc["schema"], 1);
    let articles = doc["articles"].as_array().unwrap();
    let events = doc["events"].as_array().unwrap();
    let stories = doc["stories"].as_array().unwrap();
    assert_eq!(articles.len(), 4);
    assert!(articles.iter().all(|a| a["event"].is_string()), "every article placed");
    assert!(articles.iter().any(|a| a["copy_of"].is_string()), "the near-copies are found");

    let out = run(synoptic(&store).arg("stories"));
    assert_eq!(out.status.code(), Some(0));
    let table = stdout(&out);
    assert_eq!(table.lines().count(), 1 + stories.len(), "{table}");
    assert!(table.lines().next().unwrap().contains("first seen"));

    let out = run(synoptic(&store).args(["search", "ferry", "terminal", "--limit", "5"]));
    assert_eq!(out.status.code(), Some(0));
    let hits = stdout(&out);
    assert!(hits.starts_with("1. Ferry terminal"), "{hits}");
    assert!(!hits.contains("library"), "{hits}");
    assert!(hits.contains('['), "snippets mark the matched words: {hits}");

    // An article: marked text and its placement.
    let ferry = articles.iter().find(|a| a["source"].as_str().unwrap().ends_with("ferry-2.txt")).unwrap();
    let id = ferry["id"].as_str().unwrap();
    let out = run(synoptic(&store).args(["show", id]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(shown.starts_with("Ferry terminal opening delayed, officials say"), "{shown}");
    assert!(shown.contains("Placement"), "{shown}");
    assert!(shown.contains(&format!("event {}", ferry["event"].as_str().unwrap())), "{shown}");
    assert!(shown.contains("copy of"), "{shown}");
    let out = run(synoptic(&store).args(["show", id, "--format", "json"]));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["article"]["id"], id);
    assert!(v["placement"].is_object());

    // An event: its synopsis; a story: its timeline; as JSON, the contract cut to it.
    let event = ferry["event"].as_str().unwrap();
    let out = run(synoptic(&store).args(["show", event, "--format", "json"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let cut: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cut["events"].as_array().unwrap().len(), 1);
    assert_eq!(cut["articles"].as_array().unwrap().len(), 2);
    let out = run(synoptic(&store).args(["show", event, "--format", "markdown"]));
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("Ferry terminal"));
    let story = events.iter().find(|e| e["id"] == event).unwrap()["story"].as_str().unwrap().to_string();
    let out = run(synoptic(&store).args(["show", &story, "--format", "html"]));
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("<html"), "standalone page");

    let out = run(synoptic(&store).args(["show", "nope"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("synoptic: nope: no article, event or story"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `ingest --no-synopses` places and stores only; the synopses are then built by `refresh` or by the first
/// reading command, and come out the same as an ingest that built them itself.
#[test]
fn deferred_synopses_are_built_by_refresh_or_the_first_reader() {
    let dir = scratch("deferred");
    let eager = dir.join("eager");
    let out = run(synoptic(&eager).arg("ingest").arg(inputs()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected = export(&eager);
    assert!(!expected["events"].as_array().unwrap().is_empty());

    // Deferred, then the first reader (export) builds them and says so.
    let lazy = dir.join("lazy");
    let out = run(synoptic(&lazy).args(["ingest", "--no-synopses", "--threads", "2"]).arg(inputs()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(synoptic(&lazy).args(["export"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("rebuilt"), "the reader says it built stale synopses: {}", stderr(&out));
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["events"], expected["events"]);
    assert_eq!(got["stories"], expected["stories"]);
    // Nothing left to do.
    let out = run(synoptic(&lazy).arg("refresh"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("rebuilt 0 event synopses"), "{}", stdout(&out));

    // Deferred, then `refresh`, one thread.
    let later = dir.join("later");
    let out = run(synoptic(&later).args(["ingest", "--no-synopses"]).arg(inputs()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(synoptic(&later).args(["refresh", "--threads", "1"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let n = expected["events"].as_array().unwrap().len();
    assert!(stdout(&out).starts_with(&format!("rebuilt {n} event synopses")), "{}", stdout(&out));
    let got = export(&later);
    assert_eq!(got["events"], expected["events"]);
    let _ = std::fs::remove_dir_all(&dir);
}
