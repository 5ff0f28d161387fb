//! Serving figures: `wrk` (Debian's) with 50 connections against a release `synoptic serve` on a store
//! the bench builds (`synth`, `ingest --no-synopses`, `refresh`), for the story list, a story, an event,
//! an article page and a search for a common word, each while a second `ingest` writes to the same store.
//!
//! The store is kept in the scratch folder (`serve-store-N`) and reused by later runs when it is
//! complete (a marker file is written after `refresh`), so only the first run at a size pays for it.
//!
//! PostgreSQL (`SYNOPTIC_BENCH_POSTGRES=postgres://USER@HOST:PORT/DB`, a server where that user may create
//! databases; `psql` on `PATH`): the same store is built in a database `synoptic_bench_serve_N` (reused
//! when `serve-store-pg-N.complete` in the scratch folder names it), served by two `synoptic serve` processes, each measured by its own `wrk` with half the
//! connections at the same time; the figures are the sum of the two rates and the worse of the two p99s.
//! The ingest of the build is timed on either backend (articles/s of `ingest --no-synopses`).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Serialize;
use serde_json::Value;

use super::{Options, progress, secs};

/// Concurrent connections, as in the target.
pub const CONNECTIONS: usize = 50;

/// A word every generated article holds.
pub const COMMON_WORD: &str = "the";

/// Articles the concurrent ingest writes (enough to outlast the runs at any size).
const CONCURRENT_ARTICLES: usize = 50_000;

#[derive(Debug, Clone, Serialize)]
pub struct Serving {
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// Server processes sharing the store (wrk's connections are split between them).
    pub servers: usize,
    pub articles: usize,
    /// `ingest --no-synopses` of the store's stream, articles/s (when the store was built in this run).
    pub ingest_articles_per_sec: Option<f64>,
    /// Time to build the store (0 when an earlier run's store was reused).
    pub build_secs: f64,
    pub connections: usize,
    pub seconds_per_run: u64,
    pub endpoints: Vec<Endpoint>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Endpoint {
    pub name: String,
    pub path: String,
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Responses that were not 2xx/3xx, and socket errors.
    pub errors: u64,
    /// Whether the concurrent ingest was still writing when the run ended.
    pub ingest_running: bool,
    /// The target: ≥ 1,000 requests/s and p99 ≤ 100 ms.
    pub met: bool,
}

/// Where the served store lives.
enum Backend {
    Sqlite,
    /// The database URL.
    Postgres(String),
}

/// The PostgreSQL server the bench may create databases on, from `SYNOPTIC_BENCH_POSTGRES`.
pub fn postgres_url() -> Option<String> {
    std::env::var("SYNOPTIC_BENCH_POSTGRES").ok().filter(|u| !u.trim().is_empty())
}

/// The URL of database `name` on the server of `admin` (its database part replaced).
pub fn database_url(admin: &str, name: &str) -> Result<String> {
    let base = admin.split('?').next().unwrap_or(admin);
    let Some(slash) = base.rfind('/').filter(|&i| i > base.find("://").map_or(0, |j| j + 2)) else {
        bail!("SYNOPTIC_BENCH_POSTGRES={admin}: expected postgres://USER@HOST:PORT/DB")
    };
    Ok(format!("{}/{name}", &base[..slash]))
}

/// An empty database `name` on the server of `admin` (dropped first when it exists), with `psql`.
pub fn fresh_database(admin: &str, name: &str) -> Result<String> {
    for sql in [format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"), format!("CREATE DATABASE {name}")] {
        let out = Command::new("psql")
            .args(["-q", "-v", "ON_ERROR_STOP=1", admin, "-c", &sql])
            .output()
            .context("running psql (Debian: apt-get install -y postgresql-client)")?;
        if !out.status.success() {
            bail!("psql -c {sql:?}: {}", String::from_utf8_lossy(&out.stderr).trim());
        }
    }
    database_url(admin, name)
}

/// Build (or reuse) the SQLite store of `n` articles, serve it, and measure each endpoint with `wrk`.
pub fn measure(bin: &Path, opts: &Options, n: usize, seconds: u64) -> Result<Serving> {
    measure_on(bin, opts, n, seconds, Backend::Sqlite)
}

/// The same on PostgreSQL (`SYNOPTIC_BENCH_POSTGRES`), with two server processes.
pub fn measure_postgres(bin: &Path, opts: &Options, n: usize, seconds: u64) -> Result<Serving> {
    let Some(admin) = postgres_url() else {
        bail!("SYNOPTIC_BENCH_POSTGRES is not set (postgres://USER@HOST:PORT/DB of a server to create databases on)")
    };
    measure_on(bin, opts, n, seconds, Backend::Postgres(admin))
}

fn measure_on(bin: &Path, opts: &Options, n: usize, seconds: u64, backend: Backend) -> Result<Serving> {
    if Command::new("wrk").arg("--version").output().is_err() {
        bail!("wrk is not installed (Debian: apt-get install -y wrk)");
    }
    let (store, done, servers) = match &backend {
        Backend::Sqlite => {
            let dir = opts.scratch.join(format!("serve-store-{n}"));
            let done = dir.join("bench-complete");
            (dir, done, 1)
        }
        Backend::Postgres(admin) => {
            let url = database_url(admin, &format!("synoptic_bench_serve_{n}"))?;
            (PathBuf::from(url), opts.scratch.join(format!("serve-store-pg-{n}.complete")), 2)
        }
    };
    let started = Instant::now();
    let ingest_secs = build_store(bin, opts, n, &store, &done)?;
    let build_secs = if ingest_secs.is_some() { secs(started.elapsed()) } else { 0.0 };

    let mut running = Vec::new();
    let mut addrs = Vec::new();
    for _ in 0..servers {
        let addr = free_addr()?;
        progress(&format!("serve {} on {addr}", store.display()));
        let mut server = Guard(
            Command::new(bin)
                .arg("--quiet")
                .arg("--store")
                .arg(&store)
                .args(["serve", "--addr", &addr.to_string()])
                .env_remove("SYNOPTIC_TOKEN")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .context("starting synoptic serve")?,
        );
        wait_until_up(addr, &mut server.0)?;
        running.push(server);
        addrs.push(addr);
    }
    let paths = pick_paths(addrs[0])?;

    // The concurrent writer: a stream the store has not seen (another seed), ingested while wrk runs.
    let stream = opts.scratch.join(format!("serve-writes-{n}.jsonl"));
    let synth = Command::new(bin)
        .args(["synth", "--articles", &CONCURRENT_ARTICLES.to_string(), "--seed"])
        .arg((opts.seed + 1_000_003).to_string())
        .stdout(std::fs::File::create(&stream).with_context(|| format!("creating {}", stream.display()))?)
        .stderr(Stdio::null())
        .status()
        .context("synoptic synth (concurrent writes)")?;
    if !synth.success() {
        bail!("synoptic synth for the concurrent writes failed ({synth})");
    }
    let mut writer = Guard(
        Command::new(bin)
            .arg("--quiet")
            .arg("--store")
            .arg(&store)
            .args(["ingest", "--no-synopses"])
            .arg(&stream)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting the concurrent ingest")?,
    );

    let mut endpoints = Vec::new();
    let per_server = CONNECTIONS / servers;
    for (name, path) in paths {
        progress(&format!("{servers} × wrk -c{per_server} -d{seconds}s {path}"));
        // One wrk per server process, all at once.
        let mut wrks = Vec::new();
        for addr in &addrs {
            let url = format!("http://{addr}{path}");
            let threads = if servers > 1 { "-t1" } else { "-t2" };
            let child = Command::new("wrk")
                .args([threads, &format!("-c{per_server}"), &format!("-d{seconds}s"), "--latency", "--timeout", "5s"])
                .arg(&url)
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .context("running wrk")?;
            wrks.push(child);
        }
        let mut parts = Vec::new();
        for child in wrks {
            let out = child.wait_with_output().context("running wrk")?;
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            parts.push(parse_wrk(&text).with_context(|| format!("reading wrk's output for {path}:\n{text}"))?);
        }
        let parsed = combine(&parts);
        let ingest_running = matches!(writer.0.try_wait(), Ok(None));
        endpoints.push(Endpoint {
            met: parsed.requests_per_sec >= 1000.0 && parsed.p99_ms <= 100.0 && parsed.errors == 0,
            name: name.to_string(),
            path,
            requests_per_sec: parsed.requests_per_sec,
            p50_ms: parsed.p50_ms,
            p99_ms: parsed.p99_ms,
            errors: parsed.errors,
            ingest_running,
        });
    }
    drop(writer);
    drop(running);
    if !opts.keep {
        let _ = std::fs::remove_file(&stream);
    }
    Ok(Serving {
        backend: match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
        .to_string(),
        servers,
        articles: n,
        ingest_articles_per_sec: ingest_secs.map(|s| n as f64 / s.max(1e-9)),
        build_secs,
        connections: CONNECTIONS,
        seconds_per_run: seconds,
        endpoints,
    })
}

/// Figures of wrk runs made at the same time against different servers: rates add up, the p99 is the
/// worse one (a bound, not a merged percentile), the p50 the mean.
fn combine(parts: &[WrkFigures]) -> WrkFigures {
    let n = parts.len().max(1) as f64;
    WrkFigures {
        requests_per_sec: parts.iter().map(|p| p.requests_per_sec).sum(),
        p50_ms: parts.iter().map(|p| p.p50_ms).sum::<f64>() / n,
        p99_ms: parts.iter().map(|p| p.p99_ms).fold(0.0, f64::max),
        errors: parts.iter().map(|p| p.errors).sum(),
    }
}

/// A child killed (and reaped) when dropped, so no server outlives the bench.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Build the store unless a complete one is there (its marker `done` names the store); the seconds of its
/// `ingest --no-synopses` when it was built now.
fn build_store(bin: &Path, opts: &Options, n: usize, store: &Path, done: &Path) -> Result<Option<f64>> {
    let name = store.to_string_lossy().into_owned();
    if std::fs::read_to_string(done).is_ok_and(|s| s == name) {
        progress(&format!("reusing {name}"));
        return Ok(None);
    }
    if store.is_dir() {
        let _ = std::fs::remove_dir_all(store);
    }
    if let (Some(admin), Some((_, db))) = (postgres_url(), name.rsplit_once('/'))
        && name.starts_with("postgres")
    {
        fresh_database(&admin, db)?;
    }
    let stream: PathBuf = opts.scratch.join(format!("serve-synth-{n}.jsonl"));
    progress(&format!("building the {n}-article store to serve"));
    let status = Command::new(bin)
        .args(["synth", "--articles", &n.to_string(), "--seed", &opts.seed.to_string()])
        .stdout(std::fs::File::create(&stream).with_context(|| format!("creating {}", stream.display()))?)
        .status()
        .context("synoptic synth")?;
    if !status.success() {
        bail!("synoptic synth failed ({status})");
    }
    let mut ingest_secs = 0.0;
    for args in [vec!["ingest", "--no-synopses"], vec!["refresh"]] {
        let mut cmd = Command::new(bin);
        cmd.arg("--quiet").arg("--store").arg(store).args(&args);
        if args[0] == "ingest" {
            cmd.arg(&stream);
        }
        let started = Instant::now();
        let status = cmd.stdin(Stdio::null()).status().with_context(|| format!("synoptic {}", args[0]))?;
        if !status.success() {
            bail!("synoptic {} failed ({status})", args[0]);
        }
        if args[0] == "ingest" {
            ingest_secs = secs(started.elapsed());
        }
    }
    let _ = std::fs::remove_file(&stream);
    std::fs::write(done, name.as_bytes()).with_context(|| format!("writing {}", done.display()))?;
    Ok(Some(ingest_secs))
}

fn free_addr() -> Result<SocketAddr> {
    let l = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(l.local_addr()?)
}

fn wait_until_up(addr: SocketAddr, server: &mut Child) -> Result<()> {
    // The server refreshes stale synopses before listening: allow for it.
    let deadline = Instant::now() + Duration::from_secs(600);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = server.try_wait() {
            bail!("synoptic serve exited ({status})");
        }
        if get(addr, "/api/openapi.json").is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    bail!("synoptic serve did not answer on {addr}")
}

/// One GET over a fresh connection (HTTP/1.0, so the body ends with the connection): status and body.
fn get(addr: SocketAddr, path: &str) -> Result<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    s.set_read_timeout(Some(Duration::from_secs(120)))?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n")?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").context("no end of headers")?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).context("no status")?;
    Ok((status, raw[split + 4..].to_vec()))
}

fn get_json(addr: SocketAddr, path: &str) -> Result<Value> {
    let (status, body) = get(addr, path)?;
    if status != 200 {
        bail!("GET {path}: status {status}");
    }
    serde_json::from_slice(&body).with_context(|| format!("GET {path}: not JSON"))
}

/// The URLs measured: the story list (API), the top story's page, its first event's page, that event's
/// first article's page, and a search for a common word (API).
fn pick_paths(addr: SocketAddr) -> Result<Vec<(&'static str, String)>> {
    let list = get_json(addr, "/api/stories?limit=1")?;
    let story = list["stories"][0]["id"].as_str().context("the store has no story")?.to_string();
    let doc = get_json(addr, &format!("/api/stories/{story}"))?;
    let event = doc["events"][0]["id"].as_str().context("the story has no event")?.to_string();
    let article = doc["events"][0]["articles"][0].as_str().context("the event has no article")?.to_string();
    Ok(vec![
        ("story list (API)", "/api/stories".to_string()),
        ("story page", format!("/stories/{story}")),
        ("event page", format!("/events/{event}")),
        ("article page", format!("/articles/{article}")),
        ("search, common word (API)", format!("/api/search?q={COMMON_WORD}")),
    ])
}

#[derive(Debug, Clone, PartialEq)]
struct WrkFigures {
    requests_per_sec: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

/// `Requests/sec`, the 50 % and 99 % latencies of `--latency`, and errors (non-2xx/3xx, socket errors).
fn parse_wrk(text: &str) -> Result<WrkFigures> {
    let mut f = WrkFigures { requests_per_sec: f64::NAN, p50_ms: f64::NAN, p99_ms: f64::NAN, errors: 0 };
    for line in text.lines().map(str::trim) {
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("Requests/sec:"), Some(v)) => f.requests_per_sec = v.parse().unwrap_or(f64::NAN),
            (Some("50%"), Some(v)) => f.p50_ms = duration_ms(v).unwrap_or(f64::NAN),
            (Some("99%"), Some(v)) => f.p99_ms = duration_ms(v).unwrap_or(f64::NAN),
            (Some("Non-2xx"), _) => f.errors += line.rsplit(' ').next().and_then(|n| n.parse().ok()).unwrap_or(1),
            (Some("Socket"), Some("errors:")) => {
                for part in line.trim_start_matches("Socket errors:").split(',') {
                    f.errors += part.split_whitespace().nth(1).and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
                }
            }
            _ => {}
        }
    }
    if f.requests_per_sec.is_nan() || f.p99_ms.is_nan() {
        bail!("no Requests/sec or 99% line");
    }
    Ok(f)
}

/// wrk's durations: `512.00us`, `1.50ms`, `2.01s`, `1.00m`.
fn duration_ms(v: &str) -> Option<f64> {
    let split = v.find(|c: char| c.is_ascii_alphabetic())?;
    let (num, unit) = v.split_at(split);
    let num: f64 = num.parse().ok()?;
    Some(match unit {
        "us" => num / 1000.0,
        "ms" => num,
        "s" => num * 1000.0,
        "m" => num * 60_000.0,
        "h" => num * 3_600_000.0,
        _ => return None,
    })
}

/// The table section.
pub fn table(s: &Serving) -> String {
    let mut o = format!(
        "\n== serving, {} ({} articles; {} server process(es); wrk {} connections, {} s per URL, while an ingest \
         writes)\n",
        s.backend, s.articles, s.servers, s.connections, s.seconds_per_run
    );
    if s.build_secs > 0.0 {
        o.push_str(&format!("  store built in {:.0} s\n", s.build_secs));
    }
    if let Some(rate) = s.ingest_articles_per_sec {
        o.push_str(&format!("  ingest --no-synopses of the store: {rate:.0} articles/s\n"));
    }
    for e in &s.endpoints {
        o.push_str(&format!(
            "  {:<26} {:>9.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  errors {}  {}{}\n",
            e.name,
            e.requests_per_sec,
            e.p50_ms,
            e.p99_ms,
            e.errors,
            if e.met { "target met" } else { "TARGET MISSED (≥ 1,000/s, p99 ≤ 100 ms)" },
            if e.ingest_running { "" } else { "  (the ingest had finished)" },
        ));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_replace_the_database() {
        assert_eq!(database_url("postgres://u@h:5432/postgres", "x").unwrap(), "postgres://u@h:5432/x");
        assert_eq!(database_url("postgres://u@h/postgres?sslmode=disable", "x").unwrap(), "postgres://u@h/x");
        assert!(database_url("postgres://u@h", "x").is_err());
    }

    #[test]
    fn runs_on_two_servers_add_up() {
        let a = WrkFigures { requests_per_sec: 1000.0, p50_ms: 2.0, p99_ms: 30.0, errors: 1 };
        let b = WrkFigures { requests_per_sec: 500.0, p50_ms: 4.0, p99_ms: 90.0, errors: 0 };
        assert_eq!(combine(&[a, b]), WrkFigures { requests_per_sec: 1500.0, p50_ms: 3.0, p99_ms: 90.0, errors: 1 });
    }

    #[test]
    fn wrk_output_is_read() {
        let text = "Running 10s test @ http://127.0.0.1:7878/api/stories
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.05ms    2.10ms  40.12ms   80.00%
  Latency Distribution
     50%    3.61ms
     75%    4.90ms
     90%    6.51ms
     99%   11.02ms
  123456 requests in 10.00s, 1.23GB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:  12345.60
Transfer/sec:    125.95MB
";
        let f = parse_wrk(text).unwrap();
        assert_eq!(f, WrkFigures { requests_per_sec: 12345.6, p50_ms: 3.61, p99_ms: 11.02, errors: 10 });
        assert!(parse_wrk("nothing").is_err());
        assert_eq!(duration_ms("512.00us"), Some(0.512));
        assert_eq!(duration_ms("2.5s"), Some(2500.0));
        assert_eq!(duration_ms("x"), None);
    }
}
