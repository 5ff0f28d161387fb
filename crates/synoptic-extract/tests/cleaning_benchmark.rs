//! News cleaning must not lower extraction quality: the benchmark F1 of the HTML path with cleaning
//! (`page::read`, what users get) against the raw extractor output, on the same decoded pages.
//!
//! `cargo test -p synoptic-extract --test cleaning_benchmark -- --nocapture` prints both; set
//! `SYNOPTIC_CLEAN_DIFF=1` to list, per page whose score changed, the paragraphs cleaning dropped, and
//! `SYNOPTIC_CLEAN_FP=1` to list the paragraphs still kept that are mostly absent from the gold body.

use std::io::Read;
use std::path::PathBuf;

use synoptic_extract::eval::{PageScore, aggregate, load_gold, score_page};
use synoptic_extract::{clean, decode, html, page};

#[test]
fn cleaning_does_not_lower_f1() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/extraction-benchmark");
    let Ok(gold_json) = std::fs::read_to_string(dir.join("ground-truth.json")) else {
        println!("skipped: extraction benchmark absent at {}", dir.display());
        return;
    };
    let gold = load_gold(&gold_json).expect("ground truth readable");
    let show = std::env::var_os("SYNOPTIC_CLEAN_DIFF").is_some();
    let (mut raw_scores, mut clean_scores) = (Vec::new(), Vec::new());
    for (id, body) in &gold {
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let mut bytes = Vec::new();
        std::fs::File::open(&path)
            .and_then(|f| flate2::read::GzDecoder::new(f).read_to_end(&mut bytes))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let text = decode::to_text(&bytes, None);
        let ex = html::extract(&text, None);
        let raw = ex.paragraphs.join("\n\n");
        let cleaned = page::read(&text, id, None).map(|a| a.text).unwrap_or_default();
        let (r, c) = (score_page(&raw, body), score_page(&cleaned, body));
        if show && (r.tp != c.tp || r.fp != c.fp) {
            println!("page {id}: tp {} -> {}, fp {} -> {}", r.tp, c.tp, r.fp, c.fp);
            let out = clean::clean_paragraphs(ex.paragraphs.clone(), ex.title.as_deref());
            let before: Vec<String> = ex.paragraphs.iter().map(|p| clean::tidy(p)).collect();
            for p in out.paragraphs.iter().filter(|p| !before.contains(p)) {
                println!("    rewritten: {}", p.chars().take(140).collect::<String>());
            }
            for (p, why) in out.dropped {
                println!("    dropped ({why}): {}", p.chars().take(140).collect::<String>());
            }
        }
        if std::env::var_os("SYNOPTIC_CLEAN_FP").is_some() {
            print_unmatched(id, &cleaned, body);
        }
        raw_scores.push(r);
        clean_scores.push(c);
    }
    let (raw, cleaned) = (aggregate(&raw_scores), aggregate(&clean_scores));
    let changed = raw_scores
        .iter()
        .zip(&clean_scores)
        .filter(|(a, b): &(&PageScore, &PageScore)| a.tp != b.tp || a.fp != b.fp)
        .count();
    println!(
        "without cleaning: P {:.4} R {:.4} F1 {:.4}\nwith cleaning:    P {:.4} R {:.4} F1 {:.4}\npages changed by cleaning: {changed} of {}",
        raw.precision, raw.recall, raw.f1, cleaned.precision, cleaned.recall, cleaned.f1, raw.pages
    );
    assert!(cleaned.f1 + 1e-9 >= raw.f1, "cleaning lowered F1 from {:.4} to {:.4}", raw.f1, cleaned.f1);
}

/// Paragraphs of `predicted` that mostly do not occur in `gold` (the false positives cleaning could target).
fn print_unmatched(id: &str, predicted: &str, gold: &str) {
    let gold_words: Vec<String> = synoptic_model::text::words(gold).map(str::to_lowercase).collect();
    let gold_shingles: std::collections::HashSet<&[String]> = gold_words.windows(4).collect();
    for p in predicted.split("\n\n") {
        let words: Vec<String> = synoptic_model::text::words(p).map(str::to_lowercase).collect();
        let shingles: Vec<&[String]> = words.windows(4).collect();
        let missing = shingles.iter().filter(|s| !gold_shingles.contains(*s)).count();
        if (shingles.is_empty() && !words.is_empty()) || missing * 2 > shingles.len() {
            println!("fp {}: {}", &id[..8], p.chars().take(160).collect::<String>());
        }
    }
}
