//! Several `synoptic` processes on one store: a standby ingest takes over from a writer killed with
//! `kill -9` mid-stream and the result equals an uninterrupted run; `refresh --follow` workers share the
//! pending synopses without building one twice; `serve` processes see what another process ingested.
//!
//! Waits poll the store or the servers with a bounded deadline; nothing sleeps for timing.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStderr, Stdio};
use std::time::{Duration, Instant};

use common::{export, run, scratch, stderr, synoptic};

/// Longest any wait in these tests may take before it fails.
const DEADLINE: Duration = Duration::from_secs(120);

/// Poll `cond` until it holds; fail naming `what` after [`DEADLINE`].
fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let started = Instant::now();
    while !cond() {
        assert!(started.elapsed() < DEADLINE, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A generated stream of `n` articles in `dir`.
fn stream(dir: &Path, n: usize) -> std::path::PathBuf {
    let input = dir.join("stream.jsonl");
    let out = run(synoptic(&dir.join("unused")).args(["synth", "--articles", &n.to_string(), "--words", "60"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(&input, &out.stdout).unwrap();
    input
}

/// Read `child`'s stderr line by line until `want` matches one; returns that line (the rest is drained on
/// a thread so the child never blocks on a full pipe).
fn read_until(err: ChildStderr, mut want: impl FnMut(&str) -> bool) -> (String, std::thread::JoinHandle<String>) {
    let mut lines = BufReader::new(err);
    let mut line = String::new();
    loop {
        line.clear();
        let n = lines.read_line(&mut line).unwrap();
        assert!(n > 0, "the process ended before printing what was awaited");
        if want(line.trim_end()) {
            break;
        }
    }
    let rest = std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = lines.read_to_string(&mut rest);
        rest
    });
    (line.trim_end().to_string(), rest)
}

fn signal(child: &Child, sig: &str) {
    let status = std::process::Command::new("kill").arg(sig).arg(child.id().to_string()).status().unwrap();
    assert!(status.success(), "kill {sig}");
}

/// What must be equal between two runs: every article with its placement (in ingest order), every event
/// and every story, whole. Events and stories are compared by id: the export lists them partly in the order
/// they were first stored, which is the order synopsis workers happened to finish in.
fn grouping(doc: &serde_json::Value) -> serde_json::Value {
    let by_id = |v: &serde_json::Value| {
        let mut items = v.as_array().cloned().unwrap_or_default();
        items.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
        serde_json::Value::Array(items)
    };
    serde_json::json!({
        "articles": doc["articles"],
        "events": by_id(&doc["events"]),
        "stories": by_id(&doc["stories"]),
    })
}

fn assert_same_store(got: &Path, want: &Path) {
    let (got, want) = (grouping(&export(got)), grouping(&export(want)));
    assert_eq!(got["articles"].as_array().map(Vec::len), want["articles"].as_array().map(Vec::len));
    assert_eq!(got["events"].as_array().map(Vec::len), want["events"].as_array().map(Vec::len));
    assert_eq!(got["stories"].as_array().map(Vec::len), want["stories"].as_array().map(Vec::len));
    assert!(got == want, "the stores differ");
}

#[test]
fn standby_takes_over_from_a_killed_writer_and_matches_an_uninterrupted_run() {
    let dir = scratch("standby");
    let input = stream(&dir, 500);
    let ingest = ["ingest", "--progress-lines", "--batch-size", "20", "--threads", "2"];

    // The uninterrupted run.
    let reference = dir.join("reference");
    let out = run(synoptic(&reference).args(ingest).arg(&input));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // The writer commits a batch, is stopped in the middle of the stream, a standby starts and waits for
    // the lease, and the writer is killed outright.
    let store = dir.join("store");
    let mut writer =
        synoptic(&store).args(ingest).arg(&input).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let (first, writer_rest) = read_until(writer.stderr.take().unwrap(), |l| l.starts_with("ingested "));
    signal(&writer, "-STOP");
    let mut standby =
        synoptic(&store).args(ingest).arg(&input).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (_, standby_rest) = read_until(standby.stderr.take().unwrap(), |l| l.contains("waiting to take over"));
    writer.kill().unwrap(); // SIGKILL
    assert!(!writer.wait().unwrap().success());
    drop(writer_rest);
    let reported: usize = first.trim_start_matches("ingested ").parse().unwrap();

    // The standby finishes the stream.
    let status = standby.wait().unwrap();
    let mut said = String::new();
    standby.stdout.take().unwrap().read_to_string(&mut said).unwrap();
    let log = standby_rest.join().unwrap();
    assert_eq!(status.code(), Some(0), "standby failed: {log}");
    let already: usize = said
        .split("new articles (")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("standby summary: {said}"));
    assert!(already >= reported, "the killed writer's {reported} reported articles were kept ({already})");
    assert!(said.starts_with("ingested ") && !said.starts_with("ingested 0 new"), "the kill came mid-stream: {said}");

    assert_same_store(&store, &reference);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Pending event markers in a store (what synopsis workers still have to build).
fn pending(store: &Path) -> usize {
    let store = synoptic_store::Store::open(store).unwrap();
    synoptic_ingest::synopses::pending(&store).unwrap().len()
}

#[test]
fn synopsis_workers_share_the_pending_events_and_build_each_once() {
    let dir = scratch("workers");
    let input = stream(&dir, 300);
    let reference = dir.join("reference");
    let out = run(synoptic(&reference).args(["ingest", "--threads", "2"]).arg(&input));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let store = dir.join("store");
    let out = run(synoptic(&store).args(["ingest", "--no-synopses", "--threads", "2"]).arg(&input));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let todo = pending(&store);
    assert!(todo > 20, "{todo} pending events");

    let worker = || {
        synoptic(&store)
            .args(["refresh", "--follow", "--progress-lines", "--threads", "1", "--claim", "4", "--poll-ms", "20"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut workers = [worker(), worker()];
    let logs: Vec<_> = workers
        .iter_mut()
        .map(|w| {
            let err = w.stderr.take().unwrap();
            std::thread::spawn(move || {
                let mut s = String::new();
                let _ = BufReader::new(err).read_to_string(&mut s);
                s
            })
        })
        .collect();
    wait_until("the workers to build every pending synopsis", || pending(&store) == 0);
    for w in &mut workers {
        signal(w, "-TERM");
        assert_eq!(w.wait().unwrap().code(), Some(0), "a worker stops cleanly on SIGTERM");
    }
    let built: Vec<Vec<String>> = logs
        .into_iter()
        .map(|l| l.join().unwrap().lines().filter_map(|l| l.strip_prefix("built ")).map(str::to_string).collect())
        .collect();
    let all: Vec<&String> = built.iter().flatten().collect();
    let distinct: BTreeSet<&String> = all.iter().copied().collect();
    assert_eq!(all.len(), distinct.len(), "no event was built twice");
    assert_eq!(all.len(), todo, "every pending event was built");

    assert_same_store(&store, &reference);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A GET on a local server: status and body, or `None` when nothing answers yet.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").ok()?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).ok()?;
    let status = raw.split(' ').nth(1)?.parse().ok()?;
    let body = raw.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Some((status, body))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn servers_see_what_another_process_ingested() {
    let dir = scratch("servers");
    let store = dir.join("store");
    let first = dir.join("first.txt");
    std::fs::write(&first, common::text_article("Harbour bridge reopens", &["The bridge reopened on Monday."]))
        .unwrap();
    let out = run(synoptic(&store).arg("ingest").arg(&first));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let ports = [free_port(), free_port()];
    let mut servers: Vec<Child> = ports
        .iter()
        .map(|p| {
            synoptic(&store)
                .args(["serve", "--addr", &format!("127.0.0.1:{p}")])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for &p in &ports {
        wait_until("the servers to answer", || get(p, "/api/stories").is_some_and(|(s, _)| s == 200));
        let (_, body) = get(p, "/api/stories").unwrap();
        assert!(body.contains("Harbour bridge reopens"), "{body}");
    }

    // Another process ingests; both servers show the new article, its story in the list, and it in search.
    let second = dir.join("second.txt");
    std::fs::write(
        &second,
        common::text_article("Museum wins national award", &["The city museum won the national award on Tuesday."]),
    )
    .unwrap();
    let out = run(synoptic(&store).arg("ingest").arg(&second));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for &p in &ports {
        wait_until("the new story in the list", || {
            get(p, "/api/stories").is_some_and(|(_, b)| b.contains("Museum wins national award"))
        });
        let (status, body) = get(p, "/api/search?q=museum").unwrap();
        assert_eq!(status, 200);
        assert!(body.contains("Museum wins national award"), "{body}");
    }
    for s in &mut servers {
        signal(s, "-TERM");
        assert_eq!(s.wait().unwrap().code(), Some(0));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
