//! `synoptic eval extract` (shingle precision/recall/F1 against gold bodies) and `synoptic eval cluster`
//! (B-cubed and pairwise scores of events and stories against gold labels).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use serde::Deserialize;
use synoptic_analyze::eval::{ClusterScores, score};
use synoptic_extract::eval::{PageScore, aggregate, load_gold, score_page};
use synoptic_ingest::{IngestOptions, ingest_articles};
use synoptic_model::{Article, Document};
use synoptic_store::Store;

use crate::cli::{EvalClusterArgs, EvalCommand, EvalExtractArgs};
use crate::reading::read_inputs;
use crate::ui::{self, Ui};

pub fn run(cmd: EvalCommand, store_dir: &dyn Fn() -> anyhow::Result<PathBuf>, ui: Ui) -> anyhow::Result<u8> {
    match cmd {
        EvalCommand::Extract(args) => extract(&args, ui),
        EvalCommand::Cluster(args) => {
            let dir = if args.input.is_empty() { Some(store_dir()?) } else { None };
            cluster(&args, dir.as_deref(), ui)
        }
    }
}

fn extract(args: &EvalExtractArgs, ui: Ui) -> anyhow::Result<u8> {
    let json = std::fs::read_to_string(&args.gold).with_context(|| format!("{}", args.gold.display()))?;
    let gold = load_gold(&json).with_context(|| format!("{}", args.gold.display()))?;
    let mut pages: Vec<PageScore> = Vec::with_capacity(gold.len());
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
    }
    let elapsed = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let s = aggregate(&pages);
    writeln!(out, "pages      {}", s.pages)?;
    writeln!(out, "precision  {:.4}", s.precision)?;
    writeln!(out, "recall     {:.4}", s.recall)?;
    writeln!(out, "F1         {:.4}", s.f1)?;
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
            let mut store = Store::open_in_memory()?;
            ingest_articles(&mut store, articles, &IngestOptions::default())?;
            store.document()?
        }
    };

    let story_of: HashMap<&str, &str> = doc.events.iter().map(|e| (e.id.as_str(), e.story.as_str())).collect();
    let mut unmatched = 0usize;
    let (mut pred_events, mut pred_stories, mut gold_events, mut gold_stories) = (vec![], vec![], vec![], vec![]);
    for (i, g) in gold.iter().enumerate() {
        let item = format!("g{i}");
        gold_events.push((item.clone(), g.event.clone()));
        if let Some(s) = &g.story {
            gold_stories.push((item.clone(), s.clone()));
        }
        let Some(a) = find(&doc.articles, g) else {
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

/// The article a gold line names: by id, else by source (exactly, or as a path suffix either way).
fn find<'a>(articles: &'a [Article], g: &GoldLine) -> Option<&'a Article> {
    if let Some(id) = &g.id
        && let Some(a) = articles.iter().find(|a| &a.id == id)
    {
        return Some(a);
    }
    let source = g.source.as_deref()?;
    articles.iter().find(|a| a.source == source).or_else(|| {
        articles
            .iter()
            .find(|a| a.source.ends_with(&format!("/{source}")) || source.ends_with(&format!("/{}", a.source)))
    })
}
