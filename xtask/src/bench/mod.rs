//! `cargo xtask bench`: builds the release binary and measures extraction, ingest, `brief` latency and
//! peak memory on this machine, side by side with trafilatura and datasketch; prints a table and writes
//! the same as JSON to `target/bench/<date>.json`.

pub mod child;
pub mod gold;
pub mod kafka;
pub mod python;
pub mod report;
pub mod serve;
pub mod stats;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use child::{Measured, Output};
use report::{Brief, Config, Extraction, Ingest, Machine, Outcome, Quality, Report, Synopses, Target, Timing};

/// What to measure and where things are.
#[derive(Debug, Clone)]
pub struct Options {
    /// Workspace root (where `Cargo.toml` and `examples/` are).
    pub root: PathBuf,
    /// The shared data folder (`../shared` from the root): seeds and the extraction benchmark.
    pub shared: PathBuf,
    /// Scratch space for generated streams, stores and the Python environment.
    pub scratch: PathBuf,
    /// Where the JSON report goes.
    pub out_dir: PathBuf,
    /// Use this binary instead of building one.
    pub binary: Option<PathBuf>,
    pub sizes: Vec<usize>,
    pub seed: u64,
    pub words: Option<usize>,
    pub runs: usize,
    pub quick: bool,
    pub compare: bool,
    /// Measure extraction (and its baselines) only: no ingest, brief or datasketch.
    pub extraction_only: bool,
    pub fresh_venv: bool,
    pub keep: bool,
    /// Articles in the store the serving figures are measured on (`None`: not measured).
    pub serve_size: Option<usize>,
    /// Seconds of `wrk` per URL.
    pub serve_seconds: u64,
}

/// Runs the whole benchmark and returns the report (also printed and written to disk).
pub fn run(opts: &Options) -> Result<Report> {
    let started = now();
    let load_at_start = loadavg();
    std::fs::create_dir_all(&opts.scratch).with_context(|| format!("creating {}", opts.scratch.display()))?;
    let bin = match &opts.binary {
        Some(bin) => bin.clone(),
        None => build(&opts.root)?,
    };
    if !bin.is_file() {
        bail!("no binary at {}", bin.display());
    }
    progress(&format!("binary: {}", bin.display()));
    let store_default = opts.scratch.join("store-default");
    let ctx = Ctx { bin: bin.clone(), root: opts.root.clone(), store_default };

    progress("extraction");
    let bench_dir = opts.shared.join("data/extraction-benchmark");
    let extraction = Outcome::from(measure_extraction(&ctx, &bench_dir, opts.runs));

    let mut ingest = Vec::new();
    let mut streams: Vec<(usize, PathBuf)> = Vec::new();
    let mut kafka_figures = Vec::new();
    for (i, &n) in opts.sizes.iter().enumerate() {
        progress(&format!("ingest {n} articles"));
        let stream = opts.scratch.join(format!("synth-{n}-seed{}-w{}.jsonl", opts.seed, opts.words.unwrap_or(0)));
        let result = measure_ingest(&ctx, opts, n, &stream, i == 0);
        if result.is_ok() {
            streams.push((n, stream.clone()));
        }
        ingest.push(Outcome::from(result));
        // --- Kafka in front (see kafka.rs): begin
        if n <= kafka::MAX_ARTICLES && stream.is_file() {
            progress(&format!("ingest {n} articles with Kafka in front (produce, consume)"));
            let direct = ingest.last().and_then(Outcome::ok).map(|i| i.articles_per_sec);
            kafka_figures.push(Outcome::from(kafka::measure(&ctx, &opts.scratch, n, &stream, direct)));
            progress(&format!("ingest {n} articles on PostgreSQL, direct and with Kafka in front"));
            kafka_figures.push(Outcome::from(kafka::measure_postgres(&ctx, n, &stream)));
        }
        // --- Kafka in front: end
        if !opts.keep && i > 0 {
            let _ = std::fs::remove_file(&stream);
        }
    }

    if !opts.extraction_only {
        progress("brief latency");
    }
    let brief_runs = opts.runs.max(5);
    let brief = if opts.extraction_only {
        Vec::new()
    } else {
        vec![
            Outcome::from(measure_brief(&ctx, &opts.shared.join("seeds"), "shared/seeds", brief_runs)),
            Outcome::from(measure_brief(&ctx, Path::new("examples/corpus"), "examples/corpus", brief_runs)),
        ]
    };

    let mut serving = Vec::new();
    if let Some(n) = opts.serve_size {
        progress(&format!("serving figures on a {n}-article store (SQLite)"));
        serving.push(Outcome::from(serve::measure(&bin, opts, n, opts.serve_seconds)));
        progress(&format!("serving figures on a {n}-article store (PostgreSQL, two servers)"));
        serving.push(Outcome::from(serve::measure_postgres(&bin, opts, n, opts.serve_seconds)));
    }

    // Scored only now, after every timed child: the export is large, and a child's `ru_maxrss` starts from
    // this process's own peak (Linux carries the pre-exec peak over), so xtask must stay small until here.
    if let (Some(&n), Some((_, stream))) = (opts.sizes.first(), streams.first())
        && let Some(Outcome::Ok(first)) = ingest.first_mut()
    {
        progress(&format!("copies of the {n}-article stream against its gold"));
        let store = opts.scratch.join(format!("store-{n}"));
        first.copies = Some(Outcome::from(copy_scores(&ctx, &store, stream)));
        if !opts.keep {
            let _ = std::fs::remove_dir_all(&store);
        }
    }

    let copies = streams.first().map(|(n, stream)| {
        progress(&format!("copy detection alone on the {n}-article stream (synoptic eval copies)"));
        Outcome::from(copy_eval(&ctx, stream))
    });

    let compare = if opts.compare {
        progress("side by side: trafilatura, readability-lxml and datasketch");
        let first_ingest = ingest.first().and_then(Outcome::ok);
        let stream = streams.first().map(|(_, p)| p.as_path());
        let ours = copies.as_ref().and_then(Outcome::ok);
        Some(Outcome::from(python::compare(opts, &bin, &bench_dir, extraction.ok(), first_ingest, ours, stream)))
    } else {
        None
    };
    if !opts.keep {
        for (_, stream) in &streams {
            let _ = std::fs::remove_file(stream);
        }
    }

    let config = Config {
        quick: opts.quick,
        sizes: opts.sizes.clone(),
        seed: opts.seed,
        words: opts.words,
        runs: opts.runs,
        binary: bin.display().to_string(),
    };
    let mut report = Report {
        schema: 1,
        started,
        finished: now(),
        commit: git_commit(&opts.root),
        machine: machine(load_at_start),
        config,
        extraction,
        ingest,
        brief,
        copies,
        compare,
        serving,
        kafka: kafka_figures,
        targets: Vec::new(),
    };
    report.targets = targets(&report);
    Ok(report)
}

struct Ctx {
    bin: PathBuf,
    root: PathBuf,
    store_default: PathBuf,
}

impl Ctx {
    /// `synoptic ARGS`, run from the workspace root, never touching the user's own store.
    fn synoptic(&self, one_core: bool) -> Command {
        let mut cmd = if one_core {
            let mut c = Command::new("taskset");
            c.arg("-c").arg("0").arg(&self.bin);
            c
        } else {
            Command::new(&self.bin)
        };
        cmd.current_dir(&self.root).env("SYNOPTIC_STORE", &self.store_default).env_remove("RUST_LOG");
        cmd
    }
}

fn progress(what: &str) {
    eprintln!("bench: {what}");
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// `cargo build --release -p synoptic`; returns the binary's path.
fn build(root: &Path) -> Result<PathBuf> {
    progress("cargo build --release -p synoptic");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "-p", "synoptic"])
        .current_dir(root)
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build --release -p synoptic failed ({status})");
    }
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() { dir } else { root.join(dir) }
        }
        None => root.join("target"),
    };
    Ok(target.join("release").join("synoptic"))
}

/// Runs `make()` `runs` times; every run must exit 0 or 1.
fn repeat(runs: usize, output: Output, mut make: impl FnMut() -> Command) -> Result<(Timing, Measured)> {
    let mut all: Vec<Measured> = Vec::new();
    for _ in 0..runs.max(1) {
        let m = child::run(&mut make(), output.clone())?;
        if !m.ran() {
            bail!("{}", m.failure());
        }
        all.push(m);
    }
    let runs_secs: Vec<f64> = all.iter().map(|m| secs(m.wall)).collect();
    let best = all.iter().min_by_key(|m| m.wall).cloned().context("no runs")?;
    let timing = Timing {
        best_secs: secs(best.wall),
        median_secs: median(&runs_secs),
        cpu_secs: secs(best.cpu),
        peak_rss_bytes: all.iter().map(|m| m.peak_rss).max().unwrap_or(0),
        exit_code: best.code,
        runs_secs,
    };
    Ok((timing, best))
}

fn measure_extraction(ctx: &Ctx, bench_dir: &Path, runs: usize) -> Result<Extraction> {
    let html = bench_dir.join("html");
    let gold = bench_dir.join("ground-truth.json");
    if !html.is_dir() {
        bail!("skipped: {} absent", html.display());
    }
    let pages = std::fs::read_dir(&html)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".html"))
        .count();
    let (one_core, one) = repeat(runs, Output::Count, || {
        let mut c = ctx.synoptic(true);
        c.arg("extract").arg(&html);
        c
    })?;
    let (all_cores, _) = repeat(runs, Output::Count, || {
        let mut c = ctx.synoptic(false);
        c.arg("extract").arg(&html);
        c
    })?;
    let quality = Outcome::from(extraction_quality(ctx, &gold, &html));
    Ok(Extraction {
        pages,
        articles_out: one.stdout_lines,
        one_core_pages_per_sec: pages as f64 / one_core.best_secs,
        one_core_pages_per_cpu_sec: if one_core.cpu_secs > 0.0 { pages as f64 / one_core.cpu_secs } else { 0.0 },
        all_cores_pages_per_sec: pages as f64 / all_cores.best_secs,
        one_core,
        all_cores,
        quality,
    })
}

/// `synoptic eval extract` and the first numbers after "precision", "recall" and "F1" in its output.
fn extraction_quality(ctx: &Ctx, gold: &Path, html: &Path) -> Result<Quality> {
    let mut cmd = ctx.synoptic(false);
    cmd.args(["eval", "extract", "--gold"]).arg(gold).arg("--html").arg(html);
    let m = child::run(&mut cmd, Output::Capture)?;
    if !m.ran() {
        bail!("synoptic eval extract: {}", m.failure());
    }
    let text = String::from_utf8_lossy(&m.stdout).into_owned();
    let pick = |key: &str| number_after(&text, key).with_context(|| format!("no {key} in eval output: {text:.200}"));
    Ok(Quality { precision: pick("precision")?, recall: pick("recall")?, f1: pick("f1")? })
}

/// The first number after `key` (case-insensitive) in `text`, as in `precision 0.97` or `"f1": 0.96`.
pub fn number_after(text: &str, key: &str) -> Option<f64> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(key) {
        let start = from + pos + key.len();
        let rest = &text[start..];
        let begin = rest.find(|c: char| c.is_ascii_digit())?;
        let gap = &rest[..begin];
        if gap.chars().all(|c| !c.is_alphabetic()) {
            let num: String = rest[begin..].chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
            if let Ok(v) = num.parse() {
                return Some(v);
            }
        }
        from = start;
    }
    None
}

/// Generates and ingests `n` articles. The store of the first size (`keep_store`) is kept for scoring copies.
fn measure_ingest(ctx: &Ctx, opts: &Options, n: usize, stream: &Path, keep_store: bool) -> Result<Ingest> {
    let generate_secs = if stream.is_file() && opts.keep {
        0.0
    } else {
        let mut cmd = ctx.synoptic(false);
        cmd.args(["synth", "--articles", &n.to_string(), "--seed", &opts.seed.to_string()]);
        if let Some(w) = opts.words {
            cmd.args(["--words", &w.to_string()]);
        }
        let m = child::run(&mut cmd, Output::File(stream.to_path_buf()))?;
        if m.code != Some(0) {
            bail!("synoptic synth: {}", m.failure());
        }
        if m.stdout_lines == 0 {
            bail!("synoptic synth printed nothing");
        }
        secs(m.wall)
    };
    let input_bytes = std::fs::metadata(stream).map(|m| m.len()).unwrap_or(0);
    let store = opts.scratch.join(format!("store-{n}"));
    // The ingest itself (clean, copies, events, annotation, store) with `--no-synopses`, then the synopses
    // by `synoptic refresh`, each a process timed on its own. Older binaries without the flag build the
    // synopses inside the ingest.
    let ingest_once = |flags: &[&str]| -> Result<Measured> {
        let _ = std::fs::remove_dir_all(&store);
        let mut cmd = ctx.synoptic(false);
        cmd.arg("--store").arg(&store).arg("ingest").arg(stream).args(flags);
        child::run(&mut cmd, Output::Capture)
    };
    let mut stats_flag = true;
    let mut deferred = true;
    let mut m = ingest_once(&["--stats", "--no-synopses"])?;
    if m.code == Some(2) {
        deferred = false;
        m = ingest_once(&["--stats"])?;
    }
    if m.code == Some(2) {
        stats_flag = false;
        m = ingest_once(&[])?;
    }
    if !m.ran() {
        bail!("synoptic ingest: {}", m.failure());
    }
    let synopses = deferred.then(|| {
        Outcome::from((|| -> Result<Synopses> {
            let mut cmd = ctx.synoptic(false);
            cmd.arg("--store").arg(&store).arg("refresh");
            let r = child::run(&mut cmd, Output::Capture)?;
            if !r.ran() || r.code != Some(0) {
                bail!("synoptic refresh: {}", r.failure());
            }
            let out = String::from_utf8_lossy(&r.stdout);
            let wall = secs(m.wall) + secs(r.wall);
            Ok(Synopses {
                events: number_after(&out, "rebuilt").map(|n| n as usize),
                wall_secs: secs(r.wall),
                cpu_secs: secs(r.cpu),
                peak_rss_bytes: r.peak_rss,
                articles_per_sec_with_synopses: if wall > 0.0 { n as f64 / wall } else { 0.0 },
            })
        })())
    });
    let text = format!("{}\n{}", String::from_utf8_lossy(&m.stdout), m.stderr);
    let stages = stats::parse(&text);
    let store_bytes = dir_size(&store);
    if !opts.keep && !keep_store {
        let _ = std::fs::remove_dir_all(&store);
    }
    Ok(Ingest {
        articles: n,
        input_bytes,
        generate_secs,
        wall_secs: secs(m.wall),
        cpu_secs: secs(m.cpu),
        articles_per_sec: n as f64 / secs(m.wall),
        articles_per_cpu_sec: if m.cpu.is_zero() { 0.0 } else { n as f64 / secs(m.cpu) },
        peak_rss_bytes: m.peak_rss,
        store_bytes,
        exit_code: m.code,
        stats_flag,
        slowest_stage: stages.slowest().map(|s| s.name.clone()),
        stages,
        copies: None,
        synopses,
    })
}

/// Copy recall and precision of what the store holds, against the stream's gold.
fn copy_scores(ctx: &Ctx, store: &Path, stream: &Path) -> Result<gold::CopyScores> {
    let gold = gold::CopyGold::read(stream)?;
    let mut cmd = ctx.synoptic(false);
    cmd.arg("--store").arg(store).args(["export", "--format", "json"]);
    let m = child::run(&mut cmd, Output::Capture)?;
    if !m.ran() {
        bail!("synoptic export: {}", m.failure());
    }
    let doc: Value = serde_json::from_slice(&m.stdout).context("export output is not JSON")?;
    drop(m);
    // What each record's content id is after cleaning: records the store merged into an earlier article.
    let mut cmd = ctx.synoptic(false);
    cmd.arg("extract").arg(stream);
    let m = child::run(&mut cmd, Output::Capture)?;
    let ids = if m.ran() { gold::content_ids(&m.stdout, gold.len()) } else { Vec::new() };
    let predicted = gold::predicted_from_export(&doc, &gold, &ids)?;
    Ok(gold.score(&predicted))
}

/// `synoptic eval copies --json`: copy detection alone, its recall, precision and CPU time.
fn copy_eval(ctx: &Ctx, stream: &Path) -> Result<report::CopyEval> {
    let mut cmd = ctx.synoptic(false);
    cmd.args(["eval", "copies", "--json", "--input"]).arg(stream);
    let m = child::run(&mut cmd, Output::Capture)?;
    if !m.ran() {
        bail!("synoptic eval copies: {}", m.failure());
    }
    let text = String::from_utf8_lossy(&m.stdout);
    let line = text.lines().rev().find(|l| l.trim_start().starts_with('{')).context("no JSON from eval copies")?;
    serde_json::from_str(line).context("synoptic eval copies: output is not the expected JSON")
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            _ => e.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}

fn measure_brief(ctx: &Ctx, input: &Path, label: &str, runs: usize) -> Result<Brief> {
    let full = if input.is_absolute() { input.to_path_buf() } else { ctx.root.join(input) };
    if !full.exists() {
        bail!("skipped: {} absent", full.display());
    }
    let (timing, best) = repeat(runs, Output::Capture, || {
        let mut c = ctx.synoptic(false);
        c.arg("brief").arg(input).args(["--format", "json"]);
        c
    })?;
    let doc: Option<Value> = serde_json::from_slice(&best.stdout).ok();
    let count = |key: &str| doc.as_ref().and_then(|d| d.get(key)).and_then(Value::as_array).map(Vec::len);
    let runs_ms: Vec<f64> = timing.runs_secs.iter().map(|s| s * 1000.0).collect();
    Ok(Brief {
        input: label.to_string(),
        first_ms: runs_ms.first().copied().unwrap_or(0.0),
        median_ms: timing.median_secs * 1000.0,
        min_ms: timing.best_secs * 1000.0,
        cpu_ms: timing.cpu_secs * 1000.0,
        runs_ms,
        peak_rss_bytes: timing.peak_rss_bytes,
        articles: count("articles"),
        events: count("events"),
        stories: count("stories"),
    })
}

fn targets(r: &Report) -> Vec<Target> {
    let mut t = Vec::new();
    let ex = r.extraction.ok();
    t.push(Target::at_least("extraction F1", 0.965, ex.and_then(|e| e.quality.ok()).map(|q| q.f1), ""));
    t.push(Target::at_least("extraction speed, one core", 500.0, ex.map(|e| e.one_core_pages_per_sec), "pages/s"));
    let ingest_at = |n: usize| r.ingest.iter().filter_map(Outcome::ok).find(|i| i.articles == n);
    t.push(Target::at_least(
        "end-to-end ingest at 100k articles",
        2000.0,
        ingest_at(100_000).map(|i| i.articles_per_sec),
        "articles/s",
    ));
    t.push(Target::at_least(
        "ingest, then all synopses, at 100k (not a stated target)",
        2000.0,
        ingest_at(100_000).and_then(|i| i.synopses.as_ref()?.ok().map(|s| s.articles_per_sec_with_synopses)),
        "articles/s",
    ));
    let million = ingest_at(1_000_000);
    t.push(Target::at_most(
        "1M articles: peak memory",
        2048.0,
        million.map(|i| i.peak_rss_bytes as f64 / (1024.0 * 1024.0)),
        "MiB",
    ));
    t.push(Target::at_most(
        "1M articles: time / time at 100k",
        12.0,
        million.zip(ingest_at(100_000)).map(|(m, h)| m.wall_secs / h.wall_secs),
        "x",
    ));
    let seeds = r.brief.iter().filter_map(Outcome::ok).find(|b| b.input == "shared/seeds");
    t.push(Target::at_most("brief on the seeds, cold start (first run)", 200.0, seeds.map(|b| b.first_ms), "ms"));
    t.push(Target::at_most("brief on the seeds (median)", 200.0, seeds.map(|b| b.median_ms), "ms"));
    t.push(Target::at_most("brief on the seeds (CPU time)", 200.0, seeds.map(|b| b.cpu_ms), "ms"));
    if let Some(Outcome::Ok(c)) = &r.compare {
        let traf = c.trafilatura.ok();
        t.push(Target::at_least("extraction vs trafilatura (wall)", 10.0, traf.and_then(|x| x.ratio_wall), "x"));
        let ds = c.datasketch.ok();
        t.push(Target::at_least(
            "near-duplicates vs datasketch (detection, CPU time)",
            10.0,
            ds.and_then(|d| d.ratio_eval_cpu),
            "x",
        ));
        let ours = r.copies.as_ref().and_then(Outcome::ok).map(|c| c.recall);
        let recall_gap = ds.and_then(|d| ours.or(d.synoptic_copies.map(|s| s.recall)).map(|o| o - d.copies.recall));
        t.push(Target::at_least("copy recall minus datasketch's", 0.0, recall_gap, ""));
    }
    t
}

fn git_commit(root: &Path) -> Option<String> {
    let out = Command::new("git").args(["rev-parse", "--short", "HEAD"]).current_dir(root).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn loadavg() -> Option<String> {
    std::fs::read_to_string("/proc/loadavg").ok().map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

fn machine(load_at_start: Option<String>) -> Machine {
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_total_bytes = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map(|kb| kb * 1024);
    Machine {
        cpus: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        mem_total_bytes,
        load_at_start,
        load_at_end: loadavg(),
        kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease").ok().map(|s| s.trim().to_string()),
    }
}

/// Writes the report as pretty JSON to `<out_dir>/<date>.json`; returns the path.
pub fn write(report: &Report, out_dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let stamp = report.started.replace(':', "-");
    let path = out_dir.join(format!("{stamp}.json"));
    let json = serde_json::to_string_pretty(report)?;
    std::fs::write(&path, json + "\n").with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_after_keys() {
        let text = "pages 181\nprecision 0.9712  recall: 0.9650\nF1 = 0.9681\n";
        assert_eq!(number_after(text, "precision"), Some(0.9712));
        assert_eq!(number_after(text, "recall"), Some(0.9650));
        assert_eq!(number_after(text, "f1"), Some(0.9681));
        assert_eq!(number_after(r#"{"f1": 0.5, "precision": 1}"#, "f1"), Some(0.5));
        assert_eq!(number_after("recall unknown", "recall"), None);
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }
}
