//! Regression check for optimisation work: print the full annotations (JSON, one line per article) of every
//! text given — `.txt` files, directories of them, JSON Lines article files (first `--limit` records) and the
//! extraction benchmark's `ground-truth.json` — so the output before and after a change can be diffed.
//!
//! `cargo run --release -p synoptic-analyze --example annotate_golden -- [--limit N] PATH... > out.jsonl`

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use synoptic_analyze::annotate::annotate;
use synoptic_model::Article;

fn main() {
    let mut limit = 2000usize;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--limit" {
            limit = args.next().and_then(|n| n.parse().ok()).unwrap_or(limit);
        } else {
            paths.push(PathBuf::from(a));
        }
    }
    let mut articles = Vec::new();
    for p in &paths {
        collect(p, limit, &mut articles);
    }
    let out = std::io::stdout();
    let mut out = out.lock();
    for a in &articles {
        let ann = annotate(a);
        let line = serde_json::json!({ "id": a.id, "annotations": ann });
        if writeln!(out, "{line}").is_err() {
            return;
        }
    }
    eprintln!("{} articles", articles.len());
}

fn collect(p: &Path, limit: usize, out: &mut Vec<Article>) {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(p).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
        entries.sort();
        for e in entries.iter().filter(|e| e.extension().is_some_and(|x| x == "txt")) {
            collect(e, limit, out);
        }
    } else if p.extension().is_some_and(|x| x == "jsonl") {
        let Ok(f) = std::fs::File::open(p) else { return };
        let lines = std::io::BufReader::new(f).lines().map_while(Result::ok).take(limit);
        out.extend(lines.filter_map(|l| serde_json::from_str::<Article>(&l).ok()));
    } else if p.extension().is_some_and(|x| x == "json") {
        let Ok(raw) = std::fs::read_to_string(p) else { return };
        let Ok(serde_json::Value::Object(pages)) = serde_json::from_str::<serde_json::Value>(&raw) else { return };
        let mut ids: Vec<&String> = pages.keys().collect();
        ids.sort();
        for id in ids {
            if let Some(body) = pages[id].get("articleBody").and_then(|b| b.as_str()) {
                out.push(Article::new(id.clone(), None, body));
            }
        }
    } else if let Ok(t) = std::fs::read_to_string(p) {
        let mut a = Article::new(p.display().to_string(), None, t);
        a.published = chrono::DateTime::parse_from_rfc3339("2024-03-14T09:30:00+00:00").ok();
        out.push(a);
    }
}
