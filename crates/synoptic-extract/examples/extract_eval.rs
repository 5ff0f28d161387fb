//! Extraction quality on the shared sets, per source and per hash half, for development.
//!
//! `cargo run --release -p synoptic-extract --example extract_eval [-- SET_DIR...]` (default: the shared
//! development set and the 181-page benchmark). Scores the whole reader ([`synoptic_extract::read_html`])
//! like `synoptic eval extract`. Half 0 of each set (by [`synoptic_extract::eval::half`]) is the one to
//! look at while developing; half 1 is the held-out check.
//!
//! Environment: `PAGES=0|1` prints that half's pages, worst first (`PAGES=all`: every page);
//! `DUMP=<id>` prints one page's predicted and gold text.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use synoptic_extract::eval::{PageScore, breakdown, half, load_gold, load_sources, score_page};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    let mut sets: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if sets.is_empty() {
        sets = vec![shared.join("extraction-dev"), shared.join("extraction-benchmark")];
    }
    let pages_half = std::env::var("PAGES").ok();
    let dump = std::env::var("DUMP").ok();
    for dir in &sets {
        run_set(dir, pages_half.as_deref(), dump.as_deref())?;
    }
    Ok(())
}

fn run_set(dir: &Path, pages_half: Option<&str>, dump: Option<&str>) -> Result<(), Box<dyn std::error::Error>> {
    let gold = load_gold(&std::fs::read_to_string(dir.join("ground-truth.json"))?)?;
    let sources =
        std::fs::read_to_string(dir.join("sources.json")).ok().and_then(|j| load_sources(&j).ok()).unwrap_or_default();
    let mut pages: Vec<(String, Vec<u8>)> = Vec::new();
    for id in gold.keys() {
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path)?).read_to_end(&mut bytes)?;
        pages.push((id.clone(), bytes));
    }
    let start = Instant::now();
    let texts: Vec<String> = pages
        .iter()
        .map(|(id, b)| synoptic_extract::read_html(b, id, None).map(|a| a.text).unwrap_or_default())
        .collect();
    let secs = start.elapsed().as_secs_f64();
    let scores: Vec<(&str, PageScore)> =
        pages.iter().zip(&texts).map(|((id, _), t)| (id.as_str(), score_page(t, &gold[id]))).collect();
    println!("== {} ({} pages, {:.0} pages/s on one thread)", dir.display(), pages.len(), pages.len() as f64 / secs);
    for ((source, part), s) in breakdown(scores.iter().copied(), &sources) {
        let part = part.map_or("both".to_string(), |h| format!("half {h}"));
        println!(
            "{source:<12} {part:<7} pages {:>4}  P {:.4}  R {:.4}  F1 {:.4}",
            s.pages, s.precision, s.recall, s.f1
        );
    }
    if let Some(which) = pages_half {
        let f = |s: &PageScore| {
            let (p, r) = (s.precision().unwrap_or(0.0), s.recall().unwrap_or(0.0));
            if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 }
        };
        let mut sorted: Vec<&(&str, PageScore)> =
            scores.iter().filter(|(id, _)| which == "all" || which == half(id).to_string()).collect();
        sorted.sort_by(|a, b| f(&a.1).total_cmp(&f(&b.1)));
        for (id, s) in sorted {
            println!(
                "page {id} f={:.3} p={:.3} r={:.3} tp={} fp={} fn={}",
                f(s),
                s.precision().unwrap_or(0.0),
                s.recall().unwrap_or(0.0),
                s.tp,
                s.fp,
                s.fn_
            );
        }
    }
    if let Some(d) = dump {
        for ((id, _), t) in pages.iter().zip(&texts) {
            if id == d {
                println!("=== {id} predicted ===\n{t}\n=== gold ===\n{}\n=== end ===", gold[id]);
            }
        }
    }
    Ok(())
}
