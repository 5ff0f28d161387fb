//! The side-by-side baselines: a temporary Python virtual environment with trafilatura, readability-lxml
//! and datasketch, timed on the same inputs as Synoptic (`compare.py`, embedded in this binary).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::child::{self, Output};
use super::gold::CopyGold;
use super::report::{Compare, CopyEval, Datasketch, Extraction, ExtractorScore, Ingest, Outcome, Trafilatura};
use super::{Options, progress};

const SCRIPT: &str = include_str!("compare.py");
/// What the venv gets. `lxml_html_clean` is needed by trafilatura's justext fallback on lxml >= 5.2.
/// `readability-lxml` (the second extraction baseline) goes in with a second `pip install`: resolved together
/// with trafilatura's lxml extras, pip 23 fails with an internal error.
const PACKAGES: &[&str] = &["trafilatura", "datasketch", "lxml_html_clean"];
const PACKAGES_AFTER: &[&str] = &["readability-lxml"];
/// The extraction tools and settings run on every shared set (`compare.py extract ... TOOL`).
const EXTRACTORS: &[&str] = &["trafilatura-no-comments", "trafilatura", "readability"];

/// Sets up the environment and runs both baselines. `extraction`/`ingest` are Synoptic's results from the
/// same run, for the ratios (`copies`: `synoptic eval copies` on `stream`); `stream` is the generated JSON
/// Lines file whose gold the copies are scored on.
pub fn compare(
    opts: &Options,
    bin: &Path,
    bench_dir: &Path,
    extraction: Option<&Extraction>,
    ingest: Option<&Ingest>,
    copies: Option<&CopyEval>,
    stream: Option<&Path>,
) -> Result<Compare> {
    let python = venv(opts)?;
    let script = opts.scratch.join("compare.py");
    std::fs::write(&script, SCRIPT).with_context(|| format!("writing {}", script.display()))?;
    let trafilatura = Outcome::from(trafilatura(&python, &script, bench_dir, extraction));
    let datasketch = Outcome::from(datasketch(&python, &script, stream, ingest, copies));
    let mut extractors = Vec::new();
    for set in ["extraction-dev", "extraction-benchmark"] {
        let dir = opts.shared.join("data").join(set);
        extractors.push(Outcome::from(synoptic_scores(bin, &dir, set)));
        for tool in EXTRACTORS {
            extractors.push(Outcome::from(extractor(&python, &script, &dir, set, tool)));
        }
    }
    Ok(Compare { trafilatura, datasketch, extractors })
}

/// Per-source F1 and one-core pages/s of `synoptic eval extract` on one shared set.
fn synoptic_scores(bin: &Path, dir: &Path, set: &str) -> Result<ExtractorScore> {
    if !dir.join("html").is_dir() {
        bail!("skipped: {} absent", dir.display());
    }
    progress(&format!("synoptic eval extract on {set} (one core)"));
    let mut cmd = Command::new("taskset");
    cmd.args(["-c", "0"]).arg(bin).args(["eval", "extract", "--gold"]);
    cmd.arg(dir.join("ground-truth.json")).arg("--html").arg(dir.join("html"));
    let m = child::run(&mut cmd, Output::Capture)?;
    if !m.ran() {
        bail!("synoptic eval extract: {}", m.failure());
    }
    let text = String::from_utf8_lossy(&m.stdout).into_owned();
    let num = |key: &str| super::number_after(&text, key).unwrap_or(0.0);
    let mut by_source = std::collections::BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("source ")) {
        let mut words = line.split_whitespace().skip(1);
        if let (Some(src), Some("both")) = (words.next(), words.next())
            && let Some(f1) = super::number_after(line, "f1")
            && src != "all"
        {
            by_source.insert(src.to_string(), f1);
        }
    }
    let pages = num("pages") as usize;
    let secs = m.wall.as_secs_f64();
    Ok(ExtractorScore {
        set: set.to_string(),
        tool: "synoptic".into(),
        version: String::new(),
        pages,
        f1: num("f1"),
        precision: num("precision"),
        recall: num("recall"),
        by_source,
        // Reading, decompression and scoring included: a lower bound on the extraction rate.
        pages_per_sec: if secs > 0.0 { pages as f64 / secs } else { 0.0 },
    })
}

/// One Python extractor (`compare.py extract DIR GOLD TOOL`) on one shared set, on one core.
fn extractor(python: &Path, script: &Path, dir: &Path, set: &str, tool: &str) -> Result<ExtractorScore> {
    if !dir.join("html").is_dir() {
        bail!("skipped: {} absent", dir.display());
    }
    progress(&format!("{tool} on {set} (one core)"));
    let mut cmd = Command::new("taskset");
    cmd.args(["-c", "0"]).arg(python).arg(script).arg("extract").arg(dir.join("html"));
    cmd.arg(dir.join("ground-truth.json")).arg(tool);
    let v = run_json(&mut cmd, tool)?;
    let pages = v.get("pages").and_then(Value::as_u64).unwrap_or(0) as usize;
    let secs = f(&v, "secs");
    let by_source = v
        .get("by_source")
        .and_then(Value::as_object)
        .map(|m| m.iter().filter(|(k, _)| k.as_str() != "all").map(|(k, s)| (k.clone(), f(s, "f1"))).collect())
        .unwrap_or_default();
    Ok(ExtractorScore {
        set: set.to_string(),
        tool: tool.to_string(),
        version: s(&v, "version"),
        pages,
        f1: f(&v, "f1"),
        precision: f(&v, "precision"),
        recall: f(&v, "recall"),
        by_source,
        pages_per_sec: if secs > 0.0 { pages as f64 / secs } else { 0.0 },
    })
}

/// A virtual environment under the scratch folder with the packages installed; reused when it already
/// imports them (unless `--fresh-venv`). Returns its python.
fn venv(opts: &Options) -> Result<PathBuf> {
    let dir = opts.scratch.join("venv");
    let python = dir.join("bin").join("python");
    let ready = || {
        python.is_file()
            && Command::new(&python)
                .args(["-c", "import trafilatura, datasketch, readability"])
                .output()
                .is_ok_and(|o| o.status.success())
    };
    if !opts.fresh_venv && ready() {
        return Ok(python);
    }
    progress("creating a Python virtual environment (python3 -m venv) and installing trafilatura, datasketch");
    let status = Command::new("python3")
        .args(["-m", "venv", "--clear"])
        .arg(&dir)
        .status()
        .context("running python3 -m venv (is python3 with venv installed?)")?;
    if !status.success() {
        bail!("python3 -m venv failed ({status})");
    }
    for packages in [PACKAGES, PACKAGES_AFTER] {
        let out = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
            .args(packages)
            .output()
            .context("running pip install")?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            bail!("pip install {} failed: {}", packages.join(" "), err.lines().last().unwrap_or(""));
        }
    }
    if !ready() {
        bail!("the virtual environment cannot import trafilatura and datasketch");
    }
    Ok(python)
}

fn run_json(cmd: &mut Command, what: &str) -> Result<Value> {
    let m = child::run(cmd, Output::Capture)?;
    if m.code != Some(0) {
        bail!("{what}: {}", m.failure());
    }
    let text = String::from_utf8_lossy(&m.stdout);
    let line = text.lines().rev().find(|l| l.trim_start().starts_with('{')).context("no JSON in output")?;
    serde_json::from_str(line).with_context(|| format!("{what}: output is not JSON"))
}

fn f(v: &Value, key: &str) -> f64 {
    v.get(key).and_then(Value::as_f64).unwrap_or(0.0)
}

fn s(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("?").to_string()
}

fn trafilatura(python: &Path, script: &Path, bench_dir: &Path, ours: Option<&Extraction>) -> Result<Trafilatura> {
    let html = bench_dir.join("html");
    if !html.is_dir() {
        bail!("skipped: {} absent", html.display());
    }
    progress("trafilatura on the extraction benchmark (one core)");
    let mut cmd = Command::new("taskset");
    cmd.args(["-c", "0"]).arg(python).arg(script).arg("extract").arg(&html).arg(bench_dir.join("ground-truth.json"));
    let v = run_json(&mut cmd, "trafilatura")?;
    let pages = v.get("pages").and_then(Value::as_u64).unwrap_or(0) as usize;
    let secs = f(&v, "secs");
    let cpu_secs = f(&v, "cpu_secs");
    let pages_per_sec = if secs > 0.0 { pages as f64 / secs } else { 0.0 };
    let ratio_wall = ours.map(|e| e.one_core_pages_per_sec / pages_per_sec).filter(|r| r.is_finite());
    let ratio_cpu = ours
        .filter(|e| e.one_core.cpu_secs > 0.0 && e.pages == pages)
        .map(|e| cpu_secs / e.one_core.cpu_secs)
        .filter(|r| r.is_finite());
    Ok(Trafilatura {
        version: s(&v, "version"),
        pages,
        secs,
        cpu_secs,
        pages_per_sec,
        f1: f(&v, "f1"),
        ratio_wall,
        ratio_cpu,
    })
}

fn datasketch(
    python: &Path,
    script: &Path,
    stream: Option<&Path>,
    ours: Option<&Ingest>,
    eval: Option<&CopyEval>,
) -> Result<Datasketch> {
    let stream = stream.context("no generated stream (the first ingest size failed)")?;
    let gold = CopyGold::read(stream)?;
    progress(&format!("datasketch MinHashLSH on {} generated articles", gold.len()));
    let mut cmd = Command::new(python);
    cmd.arg(script).arg("dedup").arg(stream);
    let v = run_json(&mut cmd, "datasketch")?;
    let predicted: Vec<Option<usize>> = v
        .get("predicted")
        .and_then(Value::as_array)
        .context("no predictions")?
        .iter()
        .map(|p| p.as_u64().and_then(|p| usize::try_from(p).ok()))
        .collect();
    let copies = gold.score(&predicted);
    let secs = f(&v, "secs");
    let cpu_secs = f(&v, "cpu_secs");
    let docs = v.get("docs").and_then(Value::as_u64).unwrap_or(0) as usize;
    let articles_per_cpu_sec = if cpu_secs > 0.0 { docs as f64 / cpu_secs } else { 0.0 };
    let ratio_eval_cpu = eval
        .filter(|e| e.articles == docs && articles_per_cpu_sec > 0.0)
        .map(|e| e.articles_per_sec / articles_per_cpu_sec)
        .filter(|r| r.is_finite());
    let stage = ours.and_then(|i| {
        let s = &i.stages;
        s.find("cop").or_else(|| s.find("dedup")).or_else(|| s.find("dup")).map(|st| (st.name.clone(), st.secs))
    });
    let synoptic_copies = ours.and_then(|i| i.copies.as_ref()).and_then(|c| c.ok().copied());
    Ok(Datasketch {
        version: s(&v, "version"),
        docs,
        secs,
        cpu_secs,
        num_perm: v.get("num_perm").and_then(Value::as_u64).unwrap_or(0),
        threshold: f(&v, "threshold"),
        copies,
        ratio_vs_stage: stage.as_ref().filter(|(_, t)| *t > 0.0).map(|(_, t)| secs / t),
        synoptic_stage: stage.as_ref().map(|(n, _)| n.clone()),
        synoptic_stage_secs: stage.map(|(_, t)| t),
        synoptic_copies,
        ratio_vs_whole_ingest: ours.filter(|i| i.wall_secs > 0.0).map(|i| secs / i.wall_secs),
        articles_per_cpu_sec,
        ratio_eval_cpu,
    })
}
