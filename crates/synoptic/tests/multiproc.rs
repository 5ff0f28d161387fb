//! Several `synoptic` processes on one store, on SQLite and on PostgreSQL: a standby ingest takes over from
//! a writer killed with `kill -9` mid-stream and the result equals an uninterrupted run; `refresh --follow`
//! workers share the pending synopses without building one twice; `serve` processes see what another
//! process ingested; PostgreSQL restarted in the middle of an ingest gives a clear error, and the next run
//! resumes and loses nothing.
//!
//! PostgreSQL: `SYNOPTIC_TEST_POSTGRES` names a server (an administrator's URL); each test creates its own
//! database there. Without it the PostgreSQL half is skipped loudly, and fails under `CI=true`. The restart
//! test starts a cluster of its own (Debian's server binaries, run as the `postgres` user).
//!
//! Waits poll the store or the servers with a bounded deadline; nothing sleeps for timing.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};

use common::{export, run, scratch, stderr, stdout, synoptic};

/// The environment variable naming a PostgreSQL server for the tests.
const POSTGRES_ENV: &str = "SYNOPTIC_TEST_POSTGRES";

/// Where a test's store lives: a directory (SQLite) or a database of its own on a PostgreSQL server,
/// dropped with the value.
struct Location {
    /// The `--store` argument.
    store: PathBuf,
    /// For PostgreSQL: the administrator's URL and the database to drop.
    pg: Option<(String, String)>,
}

impl Drop for Location {
    fn drop(&mut self) {
        if let Some((admin, db)) = &self.pg {
            let _ = psql(admin, &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
        }
    }
}

/// Run one statement with `psql`; `Err` with its message when it fails.
fn psql(url: &str, sql: &str) -> Result<(), String> {
    let out = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .output()
        .map_err(|e| format!("psql: {e}"))?;
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
}

/// A fresh database named after `tag` on the server at `admin` (a URL ending in a database name).
fn pg_database(admin: &str, tag: &str) -> Location {
    // Tests run in parallel and several use the same tags: a counter keeps their databases apart.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let db = format!("synoptic_mp{}_{n}_{tag}", std::process::id());
    psql(admin, &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).unwrap();
    psql(admin, &format!("CREATE DATABASE {db}")).unwrap();
    let base = admin.split('?').next().unwrap_or(admin);
    let url = format!("{}/{db}", &base[..base.rfind('/').expect("a database in the URL")]);
    Location { store: url.into(), pg: Some((admin.to_string(), db)) }
}

/// Under CI a skipped PostgreSQL half is a failure; elsewhere it is said loudly.
fn skip_postgres(test: &str, why: &str) {
    assert!(
        std::env::var("CI").map(|v| v != "true").unwrap_or(true),
        "{why} under CI=true: the PostgreSQL half of {test} cannot be skipped"
    );
    eprintln!("SKIPPED (PostgreSQL half of {test}): {why}");
}

/// The test server's URL, or `None` (said loudly; a failure under CI) when none is configured.
fn postgres_server(test: &str) -> Option<String> {
    let url = std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty());
    if url.is_none() {
        skip_postgres(test, &format!("{POSTGRES_ENV} is not set (postgres://USER@HOST:PORT/DB)"));
    }
    url
}

/// Run `check` on SQLite (stores under `dir`) and, when a server is configured, on PostgreSQL. `check`
/// gets a maker of fresh stores.
fn on_each_backend(test: &str, dir: &Path, check: impl Fn(&dyn Fn(&str) -> Location)) {
    check(&|name| Location { store: dir.join(format!("sqlite-{name}")), pg: None });
    if let Some(admin) = postgres_server(test) {
        check(&|name| pg_database(&admin, name));
    }
}

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
    on_each_backend("standby", &dir, |make| standby_takes_over(make, &input));
    let _ = std::fs::remove_dir_all(&dir);
}

const INGEST: [&str; 6] = ["ingest", "--progress-lines", "--batch-size", "20", "--threads", "2"];

fn standby_takes_over(make: &dyn Fn(&str) -> Location, input: &Path) {
    // The uninterrupted run.
    let reference = make("reference");
    let out = run(synoptic(&reference.store).args(INGEST).arg(input));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // The writer commits a batch, is stopped in the middle of the stream, a standby starts and waits for
    // the lease, and the writer is killed outright.
    let at = make("store");
    let store = &at.store;
    let spawn = || synoptic(store).args(INGEST).arg(input).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let mut writer = spawn().unwrap();
    let (first, writer_rest) = read_until(writer.stderr.take().unwrap(), |l| l.starts_with("ingested "));
    signal(&writer, "-STOP");
    let mut standby = spawn().unwrap();
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
    let already = already_stored(&said);
    assert!(already >= reported, "the killed writer's {reported} reported articles were kept ({already})");
    assert!(!said.starts_with("ingested 0 new"), "the kill came mid-stream: {said}");

    assert_same_store(store, &reference.store);
}

/// From an ingest's summary line, how many of its articles were already stored.
fn already_stored(summary: &str) -> usize {
    summary
        .split("new articles (")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("ingest summary: {summary}"))
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
    on_each_backend("workers", &dir, |make| workers_share(make, &input));
    let _ = std::fs::remove_dir_all(&dir);
}

fn workers_share(make: &dyn Fn(&str) -> Location, input: &Path) {
    let reference = make("reference");
    let out = run(synoptic(&reference.store).args(["ingest", "--threads", "2"]).arg(input));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let at = make("store");
    let store = &at.store;
    let out = run(synoptic(store).args(["ingest", "--no-synopses", "--threads", "2"]).arg(input));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let todo = pending(store);
    assert!(todo > 20, "{todo} pending events");

    let worker = || {
        synoptic(store)
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
    wait_until("the workers to build every pending synopsis", || pending(store) == 0);
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

    assert_same_store(store, &reference.store);
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
    on_each_backend("servers", &dir, |make| servers_see(make, &dir));
    let _ = std::fs::remove_dir_all(&dir);
}

fn servers_see(make: &dyn Fn(&str) -> Location, dir: &Path) {
    let at = make("store");
    let store = &at.store;
    let first = dir.join("first.txt");
    std::fs::write(&first, common::text_article("Harbour bridge reopens", &["The bridge reopened on Monday."]))
        .unwrap();
    let out = run(synoptic(store).arg("ingest").arg(&first));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let ports = [free_port(), free_port()];
    let mut servers: Vec<Child> = ports
        .iter()
        .map(|p| {
            synoptic(store)
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

    // Another process ingests; both servers show the new article's story in the list, and it in search.
    let second = dir.join("second.txt");
    std::fs::write(
        &second,
        common::text_article("Museum wins national award", &["The city museum won the national award on Tuesday."]),
    )
    .unwrap();
    let out = run(synoptic(store).arg("ingest").arg(&second));
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
}

/// A throwaway PostgreSQL cluster of this test's own (Debian's server binaries, as the `postgres` user),
/// stopped and removed when dropped.
struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    /// `None` when the server binaries or the `postgres` user are missing (said by the caller).
    fn start(tag: &str) -> Option<Cluster> {
        let mut bins: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|b| b.join("pg_ctl").is_file())
            .collect();
        bins.sort_by_key(|b| b.parent().and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok()).unwrap_or(0));
        let bin = bins.pop()?;
        let dir = std::env::temp_dir().join(format!("synoptic-pg-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).ok()?;
        as_postgres(Command::new("chown").args(["-R", "postgres:"]).arg(&dir)).ok()?;
        let cluster = Cluster { bin, dir, port: free_port() };
        let data = cluster.dir.join("data");
        let out = as_postgres(
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(cluster.bin.join("initdb"))
                .arg("-D")
                .arg(&data)
                .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"]),
        );
        out.ok()?;
        cluster.ctl("start").ok()?;
        Some(cluster)
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// `pg_ctl start`, `stop` (fast: sessions are ended) or `restart`, waiting until it is done.
    fn ctl(&self, what: &str) -> Result<(), String> {
        let opts = format!("-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off", self.port, self.dir.display());
        as_postgres(
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(self.bin.join("pg_ctl"))
                .arg("-D")
                .arg(self.dir.join("data"))
                .arg("-l")
                .arg(self.dir.join("log"))
                .args(["-w", "-m", "fast", "-o", &opts, what]),
        )
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.ctl("stop");
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn as_postgres(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| e.to_string())?;
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
}

#[test]
fn postgres_restarted_mid_ingest_gives_a_clear_error_and_the_next_run_loses_nothing() {
    const TEST: &str = "the PostgreSQL restart test";
    if std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty()).is_none() {
        // Runs where the PostgreSQL tests run (it needs the same server binaries).
        skip_postgres(TEST, &format!("{POSTGRES_ENV} is not set"));
        return;
    }
    let Some(cluster) = Cluster::start("restart") else {
        skip_postgres(TEST, "no PostgreSQL server binaries in /usr/lib/postgresql or no `postgres` user");
        return;
    };
    let dir = scratch("pg-restart");
    let input = stream(&dir, 500);
    let reference = pg_database(&cluster.url(), "reference");
    let out = run(synoptic(&reference.store).args(INGEST).arg(&input));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // The server restarts (its sessions ended) while an ingest is between two batches.
    let at = pg_database(&cluster.url(), "store");
    let mut ingest =
        synoptic(&at.store).args(INGEST).arg(&input).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let (first, rest) = read_until(ingest.stderr.take().unwrap(), |l| l.starts_with("ingested "));
    signal(&ingest, "-STOP");
    cluster.ctl("restart").unwrap();
    signal(&ingest, "-CONT");
    let status = ingest.wait().unwrap();
    let log = rest.join().unwrap();
    assert_eq!(status.code(), Some(1), "the ingest fails with an error, not a crash: {log}");
    let error = log.lines().last().unwrap_or_default();
    assert!(
        error.contains("connection") || error.contains("terminat") || error.contains("closed"),
        "a clear error naming the lost connection: {log}"
    );
    let reported: usize = first.trim_start_matches("ingested ").parse().unwrap();

    // The next run resumes: everything reported is kept, and the result equals an uninterrupted run.
    let out = run(synoptic(&at.store).args(INGEST).arg(&input));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let already = already_stored(&stdout(&out));
    assert!(already >= reported, "{already} kept of {reported} reported");
    assert_same_store(&at.store, &reference.store);
    drop((at, reference));
    drop(cluster);
    let _ = std::fs::remove_dir_all(&dir);
}
