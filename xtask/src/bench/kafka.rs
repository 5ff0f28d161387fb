//! Ingest with Kafka in front: the same generated stream published to a topic (`synoptic produce`) and
//! ingested from it (`synoptic consume --to-end --no-synopses`), beside the direct `ingest --no-synopses`
//! of the same stream in the same run.
//!
//! The broker is tansu (memory storage, loopback), started afresh for each size from `$PATH` or
//! `~/.cargo/bin` and killed afterwards; `SYNOPTIC_BENCH_KAFKA=HOST:PORT` uses a running broker instead.
//! Without either the figure says "not measured" and the rest of the benchmark goes on.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Serialize;

use super::child::{self, Output};
use super::{Ctx, number_after, secs};

/// Largest stream measured through the broker (its memory storage holds the whole topic).
pub const MAX_ARTICLES: usize = 100_000;

/// What going through the broker cost, at one size.
#[derive(Debug, Clone, Serialize)]
pub struct Kafka {
    /// `sqlite` or `postgres` (the store both ingests write to).
    pub backend: String,
    pub articles: usize,
    /// `produce`: read and clean the stream, publish one record per article, wait for every ack.
    pub produce_secs: f64,
    pub produce_articles_per_sec: f64,
    /// `consume --to-end --no-synopses`: the ingest with Kafka in front.
    pub consume_secs: f64,
    pub consume_cpu_secs: f64,
    pub consume_peak_rss_bytes: u64,
    pub consume_articles_per_sec: f64,
    /// Articles the consume stored (the direct ingest's count, when nothing is lost).
    pub stored: Option<usize>,
    /// `ingest --no-synopses` of the same stream in this run, articles/s.
    pub direct_articles_per_sec: Option<f64>,
    /// consume / direct.
    pub ratio: Option<f64>,
}

/// A broker for the measurement: one we started (killed on drop) or one given.
struct Broker {
    addr: String,
    child: Option<Child>,
}

impl Drop for Broker {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn tansu() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join("tansu"))
        .find(|p| p.is_file());
    on_path.or_else(|| {
        let home = std::env::var_os("HOME").map(PathBuf::from)?;
        let p = home.join(".cargo/bin/tansu");
        p.is_file().then_some(p)
    })
}

fn start_broker() -> Result<Broker> {
    if let Ok(addr) = std::env::var("SYNOPTIC_BENCH_KAFKA")
        && !addr.trim().is_empty()
    {
        return Ok(Broker { addr: addr.trim().to_string(), child: None });
    }
    let Some(bin) = tansu() else {
        bail!("no tansu on PATH or in ~/.cargo/bin (cargo install tansu --locked --features dynostore)")
    };
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let url = format!("tcp://127.0.0.1:{port}");
    let child = Command::new(&bin)
        .args(["--storage-engine", "memory://tansu/", "--listener-url", &url, "--advertised-listener-url", &url])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let broker = Broker { addr: format!("127.0.0.1:{port}"), child: Some(child) };
    let sock: SocketAddr = broker.addr.parse()?;
    let started = Instant::now();
    while TcpStream::connect_timeout(&sock, Duration::from_millis(200)).is_err() {
        if started.elapsed() > Duration::from_secs(20) {
            bail!("tansu did not listen on {} within 20 s", broker.addr);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(broker)
}

/// On PostgreSQL (`SYNOPTIC_BENCH_POSTGRES`, see `serve.rs`): the direct `ingest --no-synopses` of `stream`
/// into a fresh database, then the same through the broker into another, in this run.
pub(super) fn measure_postgres(ctx: &Ctx, n: usize, stream: &Path) -> Result<Kafka> {
    let Some(admin) = super::serve::postgres_url() else {
        bail!("SYNOPTIC_BENCH_POSTGRES is not set (postgres://USER@HOST:PORT/DB of a server to create databases on)")
    };
    let direct_db = super::serve::fresh_database(&admin, &format!("synoptic_bench_ingest_{n}"))?;
    let mut cmd = ctx.synoptic(false);
    cmd.arg("--store").arg(&direct_db).args(["ingest", "--no-synopses"]).arg(stream);
    let d = child::run(&mut cmd, Output::Capture)?;
    if d.code != Some(0) {
        bail!("synoptic ingest (PostgreSQL): {}", d.failure());
    }
    let direct = n as f64 / secs(d.wall).max(1e-9);
    let kafka_db = super::serve::fresh_database(&admin, &format!("synoptic_bench_kafka_{n}"))?;
    let out = measure_into(ctx, PathBuf::from(kafka_db), "postgres", n, stream, Some(direct));
    for db in [format!("synoptic_bench_ingest_{n}"), format!("synoptic_bench_kafka_{n}")] {
        let _ = Command::new("psql")
            .args(["-q", &admin, "-c", &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")])
            .output();
    }
    out
}

/// Publish `stream` and consume it into a fresh store; `direct` is the direct ingest's articles/s.
pub(super) fn measure(ctx: &Ctx, scratch: &Path, n: usize, stream: &Path, direct: Option<f64>) -> Result<Kafka> {
    let store = scratch.join(format!("store-kafka-{n}"));
    let _ = std::fs::remove_dir_all(&store);
    let out = measure_into(ctx, store.clone(), "sqlite", n, stream, direct);
    let _ = std::fs::remove_dir_all(&store);
    out
}

fn measure_into(
    ctx: &Ctx,
    store: PathBuf,
    backend: &str,
    n: usize,
    stream: &Path,
    direct: Option<f64>,
) -> Result<Kafka> {
    let broker = start_broker()?;
    let topic = format!("bench-{n}-{}", std::process::id());
    let mut cmd = ctx.synoptic(false);
    cmd.args(["produce", "--brokers", &broker.addr, "--topic", &topic]).arg(stream);
    let p = child::run(&mut cmd, Output::Capture)?;
    if p.code != Some(0) {
        bail!("synoptic produce: {}", p.failure());
    }
    let mut cmd = ctx.synoptic(false);
    cmd.arg("--store").arg(&store);
    cmd.args(["consume", "--brokers", &broker.addr, "--topic", &topic, "--to-end", "--no-synopses"]);
    let c = child::run(&mut cmd, Output::Capture)?;
    if c.code != Some(0) {
        bail!("synoptic consume: {}", c.failure());
    }
    drop(broker);
    let out = String::from_utf8_lossy(&c.stdout);
    let stored = out.split_once("records: ").and_then(|(_, rest)| number_after(rest, "")).map(|x| x as usize);
    let consume_rate = n as f64 / secs(c.wall).max(1e-9);
    Ok(Kafka {
        backend: backend.to_string(),
        articles: n,
        produce_secs: secs(p.wall),
        produce_articles_per_sec: n as f64 / secs(p.wall).max(1e-9),
        consume_secs: secs(c.wall),
        consume_cpu_secs: secs(c.cpu),
        consume_peak_rss_bytes: c.peak_rss,
        consume_articles_per_sec: consume_rate,
        stored,
        direct_articles_per_sec: direct,
        ratio: direct.filter(|d| *d > 0.0).map(|d| consume_rate / d),
    })
}

/// The table section.
pub fn table(w: &mut String, figures: &[super::report::Outcome<Kafka>]) {
    use std::fmt::Write as _;
    if figures.is_empty() {
        return;
    }
    let _ = writeln!(w, "\n== ingest with Kafka in front (tansu, memory storage, loopback; --no-synopses)");
    for f in figures {
        match f {
            super::report::Outcome::Ok(k) => {
                let _ = writeln!(
                    w,
                    "  {:<8} {:>8} articles  produce {:>8.0} art/s ({:.1}s)  consume {:>8.0} art/s ({:.1}s, cpu {:.1}s)  direct {} art/s  ratio {}  stored {}",
                    k.backend,
                    k.articles,
                    k.produce_articles_per_sec,
                    k.produce_secs,
                    k.consume_articles_per_sec,
                    k.consume_secs,
                    k.consume_cpu_secs,
                    k.direct_articles_per_sec.map_or("-".into(), |d| format!("{d:.0}")),
                    k.ratio.map_or("-".into(), |r| format!("{r:.2}")),
                    k.stored.map_or("-".into(), |s| s.to_string()),
                );
            }
            super::report::Outcome::Err { error } => {
                let _ = writeln!(w, "  not measured: {error}");
            }
        }
    }
}
