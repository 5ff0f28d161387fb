//! The benchmark report: what was measured (serialised as JSON for comparison across commits) and the
//! table printed at the end.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::gold::CopyScores;
use super::stats::Stages;

/// A measurement that either worked or says why not (the harness runs before every piece has landed).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Outcome<T> {
    Ok(T),
    Err { error: String },
}

impl<T> Outcome<T> {
    pub fn from(result: anyhow::Result<T>) -> Outcome<T> {
        match result {
            Ok(v) => Outcome::Ok(v),
            Err(e) => Outcome::Err { error: format!("{e:#}") },
        }
    }

    pub fn ok(&self) -> Option<&T> {
        match self {
            Outcome::Ok(v) => Some(v),
            Outcome::Err { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: u32,
    pub started: String,
    pub finished: String,
    pub commit: Option<String>,
    pub machine: Machine,
    pub config: Config,
    pub extraction: Outcome<Extraction>,
    pub ingest: Vec<Outcome<Ingest>>,
    pub brief: Vec<Outcome<Brief>>,
    /// Copy detection alone (`synoptic eval copies`) on the first stream.
    pub copies: Option<Outcome<CopyEval>>,
    pub compare: Option<Outcome<Compare>>,
    /// `wrk` against `synoptic serve` (see `serve.rs`): SQLite, then PostgreSQL with two servers.
    pub serving: Vec<Outcome<super::serve::Serving>>,
    /// Ingest with Kafka in front, at each size up to 100k (see `kafka.rs`).
    pub kafka: Vec<Outcome<super::kafka::Kafka>>,
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub cpus: usize,
    pub mem_total_bytes: Option<u64>,
    /// `/proc/loadavg` at the start: a busy machine makes wall times worse than CPU times.
    pub load_at_start: Option<String>,
    pub load_at_end: Option<String>,
    pub kernel: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub quick: bool,
    pub sizes: Vec<usize>,
    pub seed: u64,
    pub words: Option<usize>,
    pub runs: usize,
    pub binary: String,
}

/// Times of repeated runs of one command.
#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    pub runs_secs: Vec<f64>,
    pub best_secs: f64,
    pub median_secs: f64,
    /// CPU time (user + system) of the best run.
    pub cpu_secs: f64,
    pub peak_rss_bytes: u64,
    pub exit_code: Option<i32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quality {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Extraction {
    pub pages: usize,
    /// Articles printed by `synoptic extract` (one JSON line each).
    pub articles_out: u64,
    pub one_core: Timing,
    pub one_core_pages_per_sec: f64,
    /// Pages per CPU-second of the best one-core run: steadier than wall time on a busy machine.
    pub one_core_pages_per_cpu_sec: f64,
    pub all_cores: Timing,
    pub all_cores_pages_per_sec: f64,
    pub quality: Outcome<Quality>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ingest {
    pub articles: usize,
    pub input_bytes: u64,
    pub generate_secs: f64,
    pub wall_secs: f64,
    pub cpu_secs: f64,
    pub articles_per_sec: f64,
    /// Articles per CPU-second (all threads): what the pipeline costs, whatever else runs on the machine.
    pub articles_per_cpu_sec: f64,
    pub peak_rss_bytes: u64,
    pub store_bytes: u64,
    pub exit_code: Option<i32>,
    /// False when the binary refused `--stats` and the run was repeated without it.
    pub stats_flag: bool,
    pub stages: Stages,
    pub slowest_stage: Option<String>,
    /// Copy detection against the generator's gold (measured at the first size only).
    pub copies: Option<Outcome<CopyScores>>,
    /// The synopses the ingest left stale, built afterwards by `synoptic refresh` (a separate process, timed
    /// on its own; absent when the binary has no `--no-synopses`, in which case the ingest built them).
    pub synopses: Option<Outcome<Synopses>>,
}

/// `synoptic refresh` after `ingest --no-synopses`: comparing the sources of every touched event.
#[derive(Debug, Clone, Serialize)]
pub struct Synopses {
    pub events: Option<usize>,
    pub wall_secs: f64,
    pub cpu_secs: f64,
    pub peak_rss_bytes: u64,
    /// Articles of the stream over ingest wall + refresh wall: the rate with synopses up to date.
    pub articles_per_sec_with_synopses: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    pub input: String,
    pub runs_ms: Vec<f64>,
    pub first_ms: f64,
    pub median_ms: f64,
    pub min_ms: f64,
    /// CPU time (user + system) of the fastest run: the latency on an idle machine, near enough.
    pub cpu_ms: f64,
    pub peak_rss_bytes: u64,
    pub articles: Option<usize>,
    pub events: Option<usize>,
    pub stories: Option<usize>,
}

/// What `synoptic eval copies --json` reports: detection alone (signatures, LSH candidates, tiers) in
/// stream order, timed in CPU seconds without the reading.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CopyEval {
    pub articles: usize,
    pub gold_copies: usize,
    pub predicted_copies: usize,
    pub recall: f64,
    pub precision: f64,
    pub cpu_secs: f64,
    pub articles_per_sec: f64,
    #[serde(default)]
    pub signature_ns_per_article: f64,
    #[serde(default)]
    pub match_ns_per_article: f64,
    #[serde(default)]
    pub candidates_per_article: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Compare {
    pub trafilatura: Outcome<Trafilatura>,
    pub datasketch: Outcome<Datasketch>,
    /// Extraction F1 per shared set and source: Synoptic, trafilatura (comments off, default) and
    /// readability-lxml, each with its one-core pages/s.
    pub extractors: Vec<Outcome<ExtractorScore>>,
}

/// One extractor on one shared set.
#[derive(Debug, Clone, Serialize)]
pub struct ExtractorScore {
    pub set: String,
    pub tool: String,
    pub version: String,
    pub pages: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// F1 per source of the set (`sources.json`); empty for a single-source set.
    pub by_source: std::collections::BTreeMap<String, f64>,
    pub pages_per_sec: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Trafilatura {
    pub version: String,
    pub pages: usize,
    pub secs: f64,
    pub cpu_secs: f64,
    pub pages_per_sec: f64,
    pub f1: f64,
    /// Synoptic one-core pages/s divided by trafilatura's (wall time, and CPU time).
    pub ratio_wall: Option<f64>,
    pub ratio_cpu: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Datasketch {
    pub version: String,
    pub docs: usize,
    pub secs: f64,
    pub cpu_secs: f64,
    pub num_perm: u64,
    pub threshold: f64,
    pub copies: CopyScores,
    /// Synoptic's copy-detection stage, when `--stats` reports one.
    pub synoptic_stage: Option<String>,
    pub synoptic_stage_secs: Option<f64>,
    pub synoptic_copies: Option<CopyScores>,
    /// datasketch time / Synoptic copy-stage time.
    pub ratio_vs_stage: Option<f64>,
    /// datasketch time / Synoptic's whole ingest (clean, copies, events, annotation, store): a lower bound.
    pub ratio_vs_whole_ingest: Option<f64>,
    /// Documents per CPU-second of datasketch's detection (reading excluded, as for `synoptic eval copies`).
    pub articles_per_cpu_sec: f64,
    /// `synoptic eval copies` articles per CPU-second / datasketch's, on the same stream in the same run.
    pub ratio_eval_cpu: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub name: String,
    pub goal: String,
    pub measured: Option<f64>,
    pub unit: String,
    pub pass: Option<bool>,
}

impl Target {
    pub fn at_least(name: &str, goal: f64, measured: Option<f64>, unit: &str) -> Target {
        Target {
            name: name.into(),
            goal: format!(">= {}", num(goal)),
            measured,
            unit: unit.into(),
            pass: measured.map(|m| m >= goal),
        }
    }

    pub fn at_most(name: &str, goal: f64, measured: Option<f64>, unit: &str) -> Target {
        Target {
            name: name.into(),
            goal: format!("<= {}", num(goal)),
            measured,
            unit: unit.into(),
            pass: measured.map(|m| m <= goal),
        }
    }
}

fn num(x: f64) -> String {
    if x.abs() >= 100.0 || x.fract() == 0.0 { format!("{x:.0}") } else { format!("{x:.3}") }
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn opt(x: Option<f64>, digits: usize) -> String {
    x.map_or_else(|| "-".to_string(), |v| format!("{v:.digits$}"))
}

/// The report as a plain-text table.
pub fn table(r: &Report) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "synoptic bench  {}  commit {}", r.started, r.commit.as_deref().unwrap_or("?"));
    let _ = writeln!(
        w,
        "machine: {} cpus, {} RAM, load at start {}, at end {}",
        r.machine.cpus,
        r.machine.mem_total_bytes.map_or("?".into(), mib),
        r.machine.load_at_start.as_deref().unwrap_or("?"),
        r.machine.load_at_end.as_deref().unwrap_or("?")
    );
    let _ = writeln!(w, "\n== extraction (shared/data/extraction-benchmark)");
    match &r.extraction {
        Outcome::Ok(e) => {
            let _ = writeln!(
                w,
                "  pages {}  articles out {}  one core: {:.1} pages per CPU-second",
                e.pages, e.articles_out, e.one_core_pages_per_cpu_sec
            );
            for (label, t, pps) in [
                ("one core ", &e.one_core, e.one_core_pages_per_sec),
                ("all cores", &e.all_cores, e.all_cores_pages_per_sec),
            ] {
                let _ = writeln!(
                    w,
                    "  {label}  {pps:>8.1} pages/s   best {:.3}s  median {:.3}s  cpu {:.3}s  peak {}",
                    t.best_secs,
                    t.median_secs,
                    t.cpu_secs,
                    mib(t.peak_rss_bytes)
                );
            }
            match &e.quality {
                Outcome::Ok(q) => {
                    let _ = writeln!(w, "  quality    P {:.4}  R {:.4}  F1 {:.4}", q.precision, q.recall, q.f1);
                }
                Outcome::Err { error } => {
                    let _ = writeln!(w, "  quality    not measured: {error}");
                }
            }
        }
        Outcome::Err { error } => {
            let _ = writeln!(w, "  not measured: {error}");
        }
    }
    let _ = writeln!(w, "\n== ingest (JSON Lines from `synoptic synth`, seed {})", r.config.seed);
    let _ = writeln!(
        w,
        "  {:>9}  {:>10}  {:>10}  {:>9}  {:>9}  {:>10}  {:>10}  {:>10}  slowest stage",
        "articles", "art/s", "art/cpu-s", "wall s", "cpu s", "peak RSS", "input", "store"
    );
    for outcome in &r.ingest {
        match outcome {
            Outcome::Ok(i) => {
                let _ = writeln!(
                    w,
                    "  {:>9}  {:>10.0}  {:>10.0}  {:>9.2}  {:>9.2}  {:>10}  {:>10}  {:>10}  {}",
                    i.articles,
                    i.articles_per_sec,
                    i.articles_per_cpu_sec,
                    i.wall_secs,
                    i.cpu_secs,
                    mib(i.peak_rss_bytes),
                    mib(i.input_bytes),
                    mib(i.store_bytes),
                    i.slowest_stage.as_deref().unwrap_or("(no --stats timings)")
                );
                if !i.stages.stages.is_empty() {
                    let shares: Vec<String> = i
                        .stages
                        .stages
                        .iter()
                        .map(|s| format!("{} {:.2}s ({:.0}%)", s.name, s.secs, s.share * 100.0))
                        .collect();
                    let _ = writeln!(w, "             stages: {}", shares.join(", "));
                }
                match &i.synopses {
                    Some(Outcome::Ok(sy)) => {
                        let _ = writeln!(
                            w,
                            "             then `refresh`: {} event synopses in {:.2}s wall, {:.2}s CPU, peak {}; \
                             ingest + synopses {:.0} art/s",
                            sy.events.map_or("?".to_string(), |e| e.to_string()),
                            sy.wall_secs,
                            sy.cpu_secs,
                            mib(sy.peak_rss_bytes),
                            sy.articles_per_sec_with_synopses
                        );
                    }
                    Some(Outcome::Err { error }) => {
                        let _ = writeln!(w, "             synopses not measured: {error}");
                    }
                    None => {
                        let _ = writeln!(w, "             (synopses built inside the ingest)");
                    }
                }
                if let Some(c) = &i.copies {
                    match c {
                        Outcome::Ok(c) => {
                            let _ = writeln!(
                                w,
                                "             copies vs gold: recall {:.3}  precision {:.3}  ({} gold, {} predicted)",
                                c.recall, c.precision, c.gold_copies, c.predicted_copies
                            );
                        }
                        Outcome::Err { error } => {
                            let _ = writeln!(w, "             copies vs gold: not measured: {error}");
                        }
                    }
                }
            }
            Outcome::Err { error } => {
                let _ = writeln!(w, "  not measured: {error}");
            }
        }
    }
    super::kafka::table(w, &r.kafka);
    let _ = writeln!(w, "\n== brief latency (fresh process each run, --format json)");
    for outcome in &r.brief {
        match outcome {
            Outcome::Ok(b) => {
                let _ = writeln!(
                    w,
                    "  {:<16} first {:>7.1} ms  median {:>7.1} ms  min {:>7.1} ms  cpu {:>6.1} ms  peak {}  ({} articles, {} events, {} stories)",
                    b.input,
                    b.first_ms,
                    b.median_ms,
                    b.min_ms,
                    b.cpu_ms,
                    mib(b.peak_rss_bytes),
                    b.articles.map_or("?".into(), |n| n.to_string()),
                    b.events.map_or("?".into(), |n| n.to_string()),
                    b.stories.map_or("?".into(), |n| n.to_string()),
                );
            }
            Outcome::Err { error } => {
                let _ = writeln!(w, "  not measured: {error}");
            }
        }
    }
    if let Some(copies) = &r.copies {
        let _ = writeln!(w, "\n== copies (detection alone: synoptic eval copies vs datasketch MinHashLSH, CPU time)");
        let ds = r.compare.as_ref().and_then(Outcome::ok).and_then(|c| c.datasketch.ok());
        match copies {
            Outcome::Ok(c) => {
                let theirs = ds.map_or_else(
                    || "datasketch not run".to_string(),
                    |d| {
                        format!(
                            "datasketch {:.0} art/s, recall {:.3}; ratio {}x",
                            d.articles_per_cpu_sec,
                            d.copies.recall,
                            opt(d.ratio_eval_cpu, 1)
                        )
                    },
                );
                let _ = writeln!(
                    w,
                    "  copies: ours {:.0} art/s, recall {:.3} (precision {:.3}); {theirs}",
                    c.articles_per_sec, c.recall, c.precision
                );
                let _ = writeln!(
                    w,
                    "  ours per article: signature {:.1} us, candidates+classify {:.1} us, {:.2} candidates; {} articles, {} gold copies",
                    c.signature_ns_per_article / 1e3,
                    c.match_ns_per_article / 1e3,
                    c.candidates_per_article,
                    c.articles,
                    c.gold_copies
                );
            }
            Outcome::Err { error } => {
                let _ = writeln!(w, "  not measured: {error}");
            }
        }
    }
    if let Some(compare) = &r.compare {
        let _ = writeln!(w, "\n== side by side (Python tools in a temporary virtual environment)");
        match compare {
            Outcome::Ok(c) => {
                match &c.trafilatura {
                    Outcome::Ok(t) => {
                        let _ = writeln!(
                            w,
                            "  trafilatura {}: {:.1} pages/s on one core (cpu {:.2}s), F1 {:.4}; synoptic is {}x (wall), {}x (cpu)",
                            t.version,
                            t.pages_per_sec,
                            t.cpu_secs,
                            t.f1,
                            opt(t.ratio_wall, 1),
                            opt(t.ratio_cpu, 1)
                        );
                    }
                    Outcome::Err { error } => {
                        let _ = writeln!(w, "  trafilatura: not measured: {error}");
                    }
                }
                for e in &c.extractors {
                    match e {
                        Outcome::Ok(e) => {
                            let sources: Vec<String> = e.by_source.iter().map(|(k, v)| format!("{k} {v:.3}")).collect();
                            let _ = writeln!(
                                w,
                                "  {:<21} {:<24} F1 {:.4} (P {:.3} R {:.3}) {:>7.1} pages/s  {}",
                                e.set,
                                e.tool,
                                e.f1,
                                e.precision,
                                e.recall,
                                e.pages_per_sec,
                                sources.join(" / ")
                            );
                        }
                        Outcome::Err { error } => {
                            let _ = writeln!(w, "  extractor not measured: {error}");
                        }
                    }
                }
                match &c.datasketch {
                    Outcome::Ok(d) => {
                        let _ = writeln!(
                            w,
                            "  datasketch {} MinHashLSH ({} perms, threshold {}): {} docs in {:.2}s (cpu {:.2}s), copy recall {:.3} precision {:.3}",
                            d.version,
                            d.num_perm,
                            d.threshold,
                            d.docs,
                            d.secs,
                            d.cpu_secs,
                            d.copies.recall,
                            d.copies.precision
                        );
                        let _ = writeln!(
                            w,
                            "  synoptic copies: stage {} {}s, recall {} precision {}; ratio {}x vs stage, {}x vs whole ingest",
                            d.synoptic_stage.as_deref().unwrap_or("?"),
                            opt(d.synoptic_stage_secs, 3),
                            opt(d.synoptic_copies.map(|c| c.recall), 3),
                            opt(d.synoptic_copies.map(|c| c.precision), 3),
                            opt(d.ratio_vs_stage, 1),
                            opt(d.ratio_vs_whole_ingest, 1)
                        );
                    }
                    Outcome::Err { error } => {
                        let _ = writeln!(w, "  datasketch: not measured: {error}");
                    }
                }
            }
            Outcome::Err { error } => {
                let _ = writeln!(w, "  not measured: {error}");
            }
        }
    }
    for serving in &r.serving {
        match serving {
            Outcome::Ok(s) => w.push_str(&super::serve::table(s)),
            Outcome::Err { error } => {
                let _ = writeln!(w, "\n== serving\n  not measured: {error}");
            }
        }
    }
    let _ = writeln!(w, "\n== targets");
    for t in &r.targets {
        let verdict = match t.pass {
            Some(true) => "PASS",
            Some(false) => "MISS",
            None => "n/a ",
        };
        let _ =
            writeln!(w, "  {verdict}  {:<52} goal {:<10} measured {} {}", t.name, t.goal, opt(t.measured, 3), t.unit);
    }
    out
}
