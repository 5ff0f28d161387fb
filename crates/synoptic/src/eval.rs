//! `synoptic eval extract` (shingle precision/recall/F1 against gold bodies) and `synoptic eval cluster`
//! (B-cubed and pairwise scores of events and stories against gold labels) and `synoptic eval copies`
//! (recall, precision and speed of copy detection alone against a generated stream's gold links).

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use synoptic_analyze::copies::{
    CopyConfig, CopyDetector, CopyGold, CopyGoldBuilder, CopyScores, Signature, classify, signature,
};
use synoptic_analyze::eval::{ClusterScores, score};
use synoptic_extract::eval::{PageScore, aggregate, breakdown, load_gold, load_sources, score_page};
use synoptic_ingest::{IngestOptions, ingest_articles};
use synoptic_model::{Article, Document};
use synoptic_store::Store;

use crate::cli::{EvalClusterArgs, EvalCommand, EvalCopiesArgs, EvalExtractArgs};
use crate::reading::read_inputs;
use crate::ui::{self, Ui};

pub fn run(cmd: EvalCommand, store_dir: &dyn Fn() -> anyhow::Result<PathBuf>, ui: Ui) -> anyhow::Result<u8> {
    match cmd {
        EvalCommand::Extract(args) => extract(&args, ui),
        EvalCommand::Cluster(args) => {
            let dir = if args.input.is_empty() { Some(store_dir()?) } else { None };
            cluster(&args, dir.as_deref(), ui)
        }
        EvalCommand::Copies(args) => copies(&args, ui),
    }
}

fn extract(args: &EvalExtractArgs, ui: Ui) -> anyhow::Result<u8> {
    let json = std::fs::read_to_string(&args.gold).with_context(|| format!("{}", args.gold.display()))?;
    let gold = load_gold(&json).with_context(|| format!("{}", args.gold.display()))?;
    // Per-source breakdown: `sources.json` beside the gold file when there is one, else the id prefixes.
    let sources_path = args.sources.clone().or_else(|| {
        let p = args.gold.with_file_name("sources.json");
        p.is_file().then_some(p)
    });
    let sources = match &sources_path {
        Some(p) => {
            let json = std::fs::read_to_string(p).with_context(|| format!("{}", p.display()))?;
            load_sources(&json).with_context(|| format!("{}", p.display()))?
        }
        None => Default::default(),
    };
    let mut pages: Vec<PageScore> = Vec::with_capacity(gold.len());
    let mut ids: Vec<&str> = Vec::with_capacity(gold.len());
    let mut missing = 0usize;
    let mut out = ui::stdout();
    let bar = ui.progress(gold.len() as u64, "extracting");
    let started = Instant::now();
    for (id, body) in &gold {
        bar.inc(1);
        let Some((path, bytes)) = page_bytes(&args.html, id) else {
            bar.suspend(|| ui.problem(format_args!("{}: no page {id}.html.gz or {id}.html", args.html.display())));
            missing += 1;
            continue;
        };
        let source = path.display().to_string();
        let text = synoptic_extract::read_html(&bytes, &source, None).map(|a| a.text).unwrap_or_default();
        let page = score_page(&text, body);
        if args.pages {
            let f = |x: Option<f64>| x.map(|v| format!("{v:.3}")).unwrap_or_else(|| "-".into());
            writeln!(out, "{id}\tprecision {}\trecall {}", f(page.precision()), f(page.recall()))?;
        }
        pages.push(page);
        ids.push(id);
    }
    let elapsed = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let s = aggregate(&pages);
    writeln!(out, "pages      {}", s.pages)?;
    writeln!(out, "precision  {:.4}", s.precision)?;
    writeln!(out, "recall     {:.4}", s.recall)?;
    writeln!(out, "F1         {:.4}", s.f1)?;
    // One line per source (when there are several) and per hash half of the set: half 1 is the held-out
    // half when rules are developed on half 0.
    let groups = breakdown(ids.iter().copied().zip(pages.iter().copied()), &sources);
    let several = groups.keys().filter(|(src, part)| src != "all" && part.is_none()).count() > 1;
    for ((source, part), g) in &groups {
        if source != "all" && !several {
            continue;
        }
        let part = part.map_or("both".to_string(), |h| format!("half{h}"));
        writeln!(
            out,
            "source {source:<12} {part:<5} pages {:>4}  precision {:.4}  recall {:.4}  F1 {:.4}",
            g.pages, g.precision, g.recall, g.f1
        )?;
    }
    out.flush()?;
    if elapsed > 0.0 {
        ui.note(format_args!(
            "{} pages in {elapsed:.2} s ({:.0} pages/s, reading included)",
            pages.len(),
            pages.len() as f64 / elapsed
        ));
    }
    Ok(u8::from(missing > 0))
}

/// `<dir>/<id>.html.gz`, else `<dir>/<id>.html`.
fn page_bytes(dir: &Path, id: &str) -> Option<(PathBuf, Vec<u8>)> {
    [format!("{id}.html.gz"), format!("{id}.html")].into_iter().find_map(|name| {
        let path = dir.join(name);
        std::fs::read(&path).ok().map(|b| (path, b))
    })
}

/// One gold line.
#[derive(Debug, Deserialize)]
struct GoldLine {
    id: Option<String>,
    source: Option<String>,
    event: String,
    story: Option<String>,
}

fn cluster(args: &EvalClusterArgs, store_dir: Option<&Path>, ui: Ui) -> anyhow::Result<u8> {
    let text = std::fs::read_to_string(&args.gold).with_context(|| format!("{}", args.gold.display()))?;
    let mut gold: Vec<GoldLine> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let g: GoldLine = serde_json::from_str(line)
            .with_context(|| format!("{}: line {}: not a gold record", args.gold.display(), n + 1))?;
        if g.id.is_none() && g.source.is_none() {
            bail!("{}: line {}: needs \"id\" or \"source\"", args.gold.display(), n + 1);
        }
        gold.push(g);
    }

    let mut code = 0;
    let mut declared: HashMap<String, String> = HashMap::new();
    let doc: Document = match store_dir {
        Some(dir) => crate::open_store(dir)?.document()?,
        None => {
            let mut articles: Vec<Article> = Vec::new();
            let summary = read_inputs(&args.input, args.max_bytes, ui, |batch| {
                articles.extend(batch);
                Ok(())
            })?;
            code = summary.exit_code();
            ui.note(summary.line());
            declared = declared_ids(&articles);
            let mut store = Store::open_in_memory()?;
            ingest_articles(&mut store, articles, &IngestOptions::default())?;
            store.document()?
        }
    };

    let story_of: HashMap<&str, &str> = doc.events.iter().map(|e| (e.id.as_str(), e.story.as_str())).collect();
    let by_id: HashMap<&str, &Article> = doc.articles.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut unmatched = 0usize;
    let (mut pred_events, mut pred_stories, mut gold_events, mut gold_stories) = (vec![], vec![], vec![], vec![]);
    for (i, g) in gold.iter().enumerate() {
        let item = format!("g{i}");
        gold_events.push((item.clone(), g.event.clone()));
        if let Some(s) = &g.story {
            gold_stories.push((item.clone(), s.clone()));
        }
        let Some(a) = find(&doc.articles, &by_id, &declared, g) else {
            unmatched += 1;
            continue;
        };
        if let Some(e) = &a.event {
            pred_events.push((item.clone(), e.clone()));
            if let Some(s) = story_of.get(e.as_str()) {
                pred_stories.push((item, s.to_string()));
            }
        }
    }
    let mut out = ui::stdout();
    writeln!(
        out,
        "{:<8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "level", "B3 P", "B3 R", "B3 F1", "pair P", "pair R", "pair F1"
    )?;
    write_scores(&mut out, "events", &score(&pred_events, &gold_events))?;
    if !gold_stories.is_empty() {
        write_scores(&mut out, "stories", &score(&pred_stories, &gold_stories))?;
    }
    writeln!(out, "{} gold articles, {} not found among {} articles", gold.len(), unmatched, doc.articles.len())?;
    out.flush()?;
    if unmatched > 0 {
        ui.problem(format_args!("{}: {unmatched} gold articles not found", args.gold.display()));
        code = 1;
    }
    Ok(code)
}

fn write_scores(out: &mut impl Write, level: &str, s: &ClusterScores) -> std::io::Result<()> {
    writeln!(
        out,
        "{level:<8} {:>9.4} {:>9.4} {:>9.4} {:>9.4} {:>9.4} {:>9.4}",
        s.bcubed_p, s.bcubed_r, s.bcubed_f1, s.pair_p, s.pair_r, s.pair_f1
    )
}

/// The article a gold line names: by id (the stored content id, else the id its input record declared),
/// else by source (exactly, or as a path suffix either way).
fn find<'a>(
    articles: &'a [Article],
    by_id: &HashMap<&str, &'a Article>,
    declared: &HashMap<String, String>,
    g: &GoldLine,
) -> Option<&'a Article> {
    if let Some(id) = &g.id {
        let content = declared.get(id).map_or(id.as_str(), String::as_str);
        if let Some(a) = by_id.get(id.as_str()).or_else(|| by_id.get(content)) {
            return Some(*a);
        }
    }
    let source = g.source.as_deref()?;
    articles.iter().find(|a| a.source == source).or_else(|| {
        articles
            .iter()
            .find(|a| a.source.ends_with(&format!("/{source}")) || source.ends_with(&format!("/{}", a.source)))
    })
}

/// The ids the input records declare themselves (a record's `"id"`), each mapped to the content id the
/// reader gave the article read from it.
///
/// A gold file written beside the records (as `synoptic synth` writes them) names articles by those
/// declared ids, while the reader derives an article's id from its cleaned content: whenever cleaning
/// changed the text (outlet boilerplate dropped), the two differ, and so does the id of a copy that differed
/// from its origin only by boilerplate (ingest then keeps one of them). Records are found by the source the
/// reader names them by (`FILE#N`: the N-th record of a JSON Lines file or JSON array); inputs that are not
/// readable JSON records are skipped.
fn declared_ids(articles: &[Article]) -> HashMap<String, String> {
    let mut files: HashMap<&str, Vec<Option<String>>> = HashMap::new();
    let mut out = HashMap::new();
    for a in articles {
        let Some((file, n)) = a.source.rsplit_once('#') else { continue };
        let Ok(n) = n.parse::<usize>() else { continue };
        let ids = files.entry(file).or_insert_with(|| record_ids(Path::new(file)));
        if let Some(Some(declared)) = n.checked_sub(1).and_then(|i| ids.get(i)) {
            out.entry(declared.clone()).or_insert_with(|| a.id.clone());
        }
    }
    out
}

/// The `"id"` of each record of a JSON Lines file (non-blank lines) or JSON array, in order; empty when the
/// file is not one.
fn record_ids(path: &Path) -> Vec<Option<String>> {
    let Ok(text) = std::fs::read_to_string(path) else { return Vec::new() };
    let id = |v: &serde_json::Value| v.get("id").and_then(serde_json::Value::as_str).map(str::to_string);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.len() > 1 || lines.first().is_some_and(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()) {
        let parsed: Vec<Option<serde_json::Value>> = lines.iter().map(|l| serde_json::from_str(l).ok()).collect();
        if parsed.first().is_some_and(Option::is_some) {
            return parsed.iter().map(|v| v.as_ref().and_then(id)).collect();
        }
    }
    match serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{FEFF}')) {
        Ok(serde_json::Value::Array(items)) => items.iter().map(id).collect(),
        Ok(v) => match v.get("articles").and_then(serde_json::Value::as_array) {
            Some(items) => items.iter().map(id).collect(),
            None => vec![id(&v)],
        },
        Err(_) => Vec::new(),
    }
}

/// What `synoptic eval copies --json` prints.
#[derive(Debug, Serialize)]
struct CopiesReport {
    articles: usize,
    #[serde(flatten)]
    scores: CopyScores,
    /// CPU time of the detection (signatures, candidates, classification), reading excluded.
    cpu_secs: f64,
    wall_secs: f64,
    articles_per_sec: f64,
    signature_ns_per_article: f64,
    match_ns_per_article: f64,
    /// Candidate pairs the LSH index proposed (each classified), per article.
    candidates_per_article: f64,
    /// Whether `cpu_secs` is the thread's CPU time (else wall time stands in for it).
    cpu_measured: bool,
}

fn copies(args: &EvalCopiesArgs, ui: Ui) -> anyhow::Result<u8> {
    let path = &args.input;
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut gold = CopyGoldBuilder::default();
    let mut texts: Vec<String> = Vec::new();
    let mut problems = 0usize;
    for (i, line) in std::io::BufReader::with_capacity(1 << 16, file).lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        let name = format!("{}#{}", path.display(), i + 1);
        let value: serde_json::Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                if !line.trim().is_empty() {
                    ui.problem(format_args!("{name}: invalid JSON: {e}"));
                    problems += 1;
                }
                serde_json::Value::Null
            }
        };
        gold.push(&value);
        let text = match &value {
            serde_json::Value::Object(m) => synoptic_extract::records::record(m, &name).map(|a| a.text),
            _ => Err(String::new()),
        };
        texts.push(text.unwrap_or_default());
    }
    let gold = gold.finish();

    let (cpu0, wall0) = (thread_cpu(), Instant::now());
    let sigs: Vec<Signature> = texts.iter().map(|t| signature(t)).collect();
    let (cpu1, wall1) = (thread_cpu(), Instant::now());
    let mut detector = CopyDetector::new(CopyConfig::default());
    for sig in sigs {
        detector.add(sig);
    }
    let (cpu2, wall2) = (thread_cpu(), Instant::now());
    let cpu_measured = matches!((cpu0, cpu2), (Some(a), Some(b)) if b > a);
    let span = |a: Option<f64>, b: Option<f64>, wa: Instant, wb: Instant| match (a, b) {
        // The scheduler's clock moves in ticks: a run too short to see one falls back to wall time.
        (Some(a), Some(b)) if b > a => b - a,
        _ => (wb - wa).as_secs_f64(),
    };
    let sig_secs = span(cpu0, cpu1, wall0, wall1);
    let match_secs = span(cpu1, cpu2, wall1, wall2);
    let n = texts.len();
    let per = |secs: f64| if n > 0 { secs * 1e9 / n as f64 } else { 0.0 };
    let cpu_secs = sig_secs + match_secs;
    let report = CopiesReport {
        articles: n,
        scores: gold.score(detector.origins()),
        cpu_secs,
        wall_secs: (wall2 - wall0).as_secs_f64(),
        articles_per_sec: if cpu_secs > 0.0 { n as f64 / cpu_secs } else { 0.0 },
        signature_ns_per_article: per(sig_secs),
        match_ns_per_article: per(match_secs),
        candidates_per_article: if n > 0 { detector.compared() as f64 / n as f64 } else { 0.0 },
        cpu_measured,
    };

    let mut out = ui::stdout();
    if args.misses {
        write_misses(&mut out, &gold, &detector)?;
    }
    if args.json {
        writeln!(out, "{}", serde_json::to_string(&report)?)?;
    } else {
        let s = &report.scores;
        writeln!(out, "articles        {}", report.articles)?;
        writeln!(out, "gold copies     {}", s.gold_copies)?;
        writeln!(out, "found copies    {}", s.predicted_copies)?;
        writeln!(out, "recall          {:.4}", s.recall)?;
        writeln!(out, "precision       {:.4}", s.precision)?;
        let clock = if cpu_measured { "CPU" } else { "wall" };
        writeln!(out, "detection       {:.0} articles/s, {:.1} ms {clock}", report.articles_per_sec, cpu_secs * 1e3)?;
        writeln!(out, "  signature     {:.0} ns/article", report.signature_ns_per_article)?;
        writeln!(out, "  match         {:.0} ns/article (LSH candidates + classify)", report.match_ns_per_article)?;
        writeln!(out, "  candidates    {:.2} per article", report.candidates_per_article)?;
    }
    out.flush()?;
    Ok(u8::from(problems > 0))
}

/// One line per missed gold copy (`miss`) and per link outside the gold copy group (`wrong`).
fn write_misses(out: &mut impl Write, gold: &CopyGold, detector: &CopyDetector) -> std::io::Result<()> {
    let predicted = detector.origins();
    for (i, p) in predicted.iter().enumerate() {
        let right = p.is_some_and(|p| gold.root(p) == gold.root(i));
        let (kind, other) = match (gold.origin.get(i).copied().flatten(), *p) {
            (Some(_), _) if !right => ("miss", gold.root(i)),
            (_, Some(p)) if !right => ("wrong", p),
            _ => continue,
        };
        let (Some(a), Some(b)) = (detector.signature(i), detector.signature(other)) else { continue };
        let rel = classify(a, b, detector.config());
        let candidate = detector.index().candidates(a).contains(&(other as u64));
        writeln!(
            out,
            "{kind}\t{i}\t{other}\tjaccard {:.3}\tcontainment {:.3}\tshingles {} {}\tcandidate {candidate}\t{:?}",
            rel.jaccard, rel.containment, a.shingles, b.shingles, rel.tier
        )?;
    }
    Ok(())
}

/// CPU time of the calling thread in seconds (Linux `schedstat`), when the system reports it.
fn thread_cpu() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}
