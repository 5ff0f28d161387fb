//! The extraction benchmarks: F1 of [`synoptic_extract::html::extract`] (and of the whole reader,
//! [`synoptic_extract::read_html`]) on the shared set of 181 real news
//! pages against their gold article bodies, and of the whole reader on the 572-page development set
//! (`shared/data/extraction-dev`), each with a floor that must not regress.
//!
//! Run `cargo test -p synoptic-extract --test extraction_benchmark -- --nocapture` to see the scores;
//! set `SYNOPTIC_BENCH_PAGES=1` to also print every page's precision and recall (worst first), and
//! `SYNOPTIC_BENCH_DUMP=<id prefix>` to print one page's predicted and gold text, `SYNOPTIC_BENCH_META=1` to
//! print every page's metadata.

use std::io::Read;
use std::path::PathBuf;
use synoptic_extract::eval::{PageScore, aggregate, load_gold, score_page};

/// The F1 `html::extract` reaches (0.977 when written); the test fails below it.
const F1_FLOOR: f64 = 0.975;
/// The F1 of the whole reader (`read_html`: decoding, extraction, cleaning), 0.978 when written; a little
/// slack because the cleaning rules are tuned elsewhere, never below the 0.965 target.
const END_TO_END_FLOOR: f64 = 0.970;

fn bench_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/extraction-benchmark")
}

#[test]
fn extraction_f1_on_benchmark() {
    let dir = bench_dir();
    let Ok(gold_json) = std::fs::read_to_string(dir.join("ground-truth.json")) else {
        println!("skipped: extraction benchmark absent at {}", dir.display());
        return;
    };
    let gold = match load_gold(&gold_json) {
        Ok(g) => g,
        Err(e) => panic!("ground truth unreadable: {e}"),
    };
    let mut scores: Vec<(String, PageScore)> = Vec::new();
    let mut end_to_end: Vec<PageScore> = Vec::new();
    for (id, body) in &gold {
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let mut bytes = Vec::new();
        let read = std::fs::File::open(&path).and_then(|f| flate2::read::GzDecoder::new(f).read_to_end(&mut bytes));
        if let Err(e) = read {
            panic!("{}: {e}", path.display());
        }
        // Charset decoding as the readers do it (declared or detected encoding).
        let html = synoptic_extract::decode::to_text(&bytes, None);
        let got = synoptic_extract::html::extract(&html, None);
        let text = got.paragraphs.join("\n\n");
        if std::env::var_os("SYNOPTIC_BENCH_META").is_some() {
            println!(
                "meta {id:.8} title={:?} site={:?} author={:?} published={:?} modified={:?} lang={:?} url={:?}",
                got.title, got.site_name, got.author, got.published, got.modified, got.language, got.canonical_url
            );
        }
        if std::env::var("SYNOPTIC_BENCH_DUMP").is_ok_and(|d| !d.is_empty() && id.starts_with(&d)) {
            println!("=== {id} predicted ===\n{text}\n=== gold ===\n{body}\n=== end ===");
        }
        scores.push((id.clone(), score_page(&text, body)));
        // The whole reader: decoding, extraction and the boilerplate cleaning that follows it.
        let article = synoptic_extract::read_html(&bytes, &format!("{id}.html"), None);
        end_to_end.push(score_page(article.as_ref().map_or("", |a| a.text.as_str()), body));
    }
    if std::env::var_os("SYNOPTIC_BENCH_PAGES").is_some() {
        let f = |s: &PageScore| {
            let (p, r) = (s.precision().unwrap_or(0.0), s.recall().unwrap_or(0.0));
            if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 }
        };
        let mut sorted: Vec<&(String, PageScore)> = scores.iter().collect();
        sorted.sort_by(|a, b| f(&a.1).total_cmp(&f(&b.1)));
        for (id, s) in sorted {
            println!(
                "page {id} p={:.3} r={:.3} tp={} fp={} fn={}",
                s.precision().unwrap_or(0.0),
                s.recall().unwrap_or(0.0),
                s.tp,
                s.fp,
                s.fn_
            );
        }
    }
    let pages: Vec<PageScore> = scores.iter().map(|(_, s)| *s).collect();
    let total = aggregate(&pages);
    println!(
        "extraction benchmark: {} pages, precision {:.4}, recall {:.4}, F1 {:.4}",
        total.pages, total.precision, total.recall, total.f1
    );
    let whole = aggregate(&end_to_end);
    println!(
        "end to end (read_html, with cleaning): precision {:.4}, recall {:.4}, F1 {:.4}",
        whole.precision, whole.recall, whole.f1
    );
    assert_eq!(total.pages, gold.len());
    assert!(total.f1 >= F1_FLOOR, "F1 {:.4} fell below the floor {F1_FLOOR}", total.f1);
    assert!(whole.f1 >= END_TO_END_FLOOR, "end-to-end F1 {:.4} fell below the floor {END_TO_END_FLOOR}", whole.f1);
}

/// F1 of the whole reader on the 572-page development set (`shared/data/extraction-dev`: WCXB, Dragnet
/// and Readability pages): 0.940255 when raised (0.936137 before comment items beside the article, signed
/// threads with dated replies, boilerplate-named lists and compound boilerplate names; 0.933501 before
/// only-child wrappers shared a scoring level, 0.930006 before the relaxed second pass for layout class
/// names, 0.9286 before signed comment threads and colon-introduced link lists, 0.919 before sibling-aware
/// selection). The acceptance is 0.94; a change that costs the development set anything fails here.
const DEV_FLOOR: f64 = 0.9402;

#[test]
fn extraction_f1_on_development_set() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/extraction-dev");
    let Ok(gold_json) = std::fs::read_to_string(dir.join("ground-truth.json")) else {
        eprintln!("SKIPPED: extraction development set absent at {}", dir.display());
        return;
    };
    let gold = load_gold(&gold_json).unwrap_or_else(|e| panic!("ground truth unreadable: {e}"));
    let sources = std::fs::read_to_string(dir.join("sources.json"))
        .ok()
        .and_then(|j| synoptic_extract::eval::load_sources(&j).ok())
        .unwrap_or_default();
    let mut scores: Vec<(&str, PageScore)> = Vec::new();
    for (id, body) in &gold {
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let article = synoptic_extract::read_html(&bytes, &format!("{id}.html"), None);
        scores.push((id, score_page(article.as_ref().map_or("", |a| a.text.as_str()), body)));
    }
    let groups = synoptic_extract::eval::breakdown(scores.iter().copied(), &sources);
    for ((source, part), s) in &groups {
        let part = part.map_or("both".to_string(), |h| format!("half {h}"));
        println!(
            "development set {source:<12} {part:<7} {:>4} pages  P {:.4}  R {:.4}  F1 {:.6}",
            s.pages, s.precision, s.recall, s.f1
        );
    }
    let total = groups.get(&("all".to_string(), None)).copied().unwrap_or_default();
    assert_eq!(total.pages, gold.len());
    assert!(total.f1 >= DEV_FLOOR, "development-set F1 {:.6} fell below the floor {DEV_FLOOR}", total.f1);
    // Every source at or above trafilatura 2.3.1 with comments off on the same pages (the figures,
    // measured by `cargo xtask bench`).
    for (source, trafilatura) in TRAFILATURA_BY_SOURCE {
        let s = groups.get(&(source.to_string(), None)).copied().unwrap_or_default();
        assert!(s.pages > 0, "no {source} pages in the development set");
        assert!(s.f1 >= trafilatura, "{source} F1 {:.6} below trafilatura's {trafilatura}", s.f1);
    }
}

/// trafilatura 2.3.1 (comments off) on the development set, per source.
const TRAFILATURA_BY_SOURCE: [(&str, f64); 3] = [("wcxb", 0.936), ("dragnet", 0.918), ("readability", 0.939)];
