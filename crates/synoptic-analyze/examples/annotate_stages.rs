//! Per-stage timing of annotation (sentences, tokens, entities, quotes, figures), for finding hot spots.

use std::path::PathBuf;
use std::time::Instant;

use synoptic_analyze::annotate::{entities, figures, quotes, sentences, tokens};

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/annotate");
    let mut body = String::new();
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(&dir).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    paths.sort();
    for p in paths.iter().filter(|p| p.extension().is_some_and(|x| x == "txt")).take(4) {
        body.push_str(&std::fs::read_to_string(p).unwrap_or_default());
        body.push_str("\n\n");
    }
    let text = body.as_str();
    let n = 2000;
    let mut t = [0f64; 5];
    for _ in 0..n {
        let s0 = Instant::now();
        let sents = sentences::sentences(text);
        let s1 = Instant::now();
        let toks = tokens::tokenize(text, &sents);
        let s2 = Instant::now();
        let ents = entities::find(text, &toks);
        let s3 = Instant::now();
        let raw = quotes::find_marks(text);
        let q = quotes::attribute(text, &toks, &ents, &raw);
        let s4 = Instant::now();
        let f = figures::find(text, &sents, None);
        let s5 = Instant::now();
        std::hint::black_box((q, f));
        for (i, (a, b)) in [(s0, s1), (s1, s2), (s2, s3), (s3, s4), (s4, s5)].iter().enumerate() {
            t[i] += (*b - *a).as_secs_f64();
        }
    }
    for (name, v) in ["sentences", "tokens", "entities", "quotes", "figures"].iter().zip(t) {
        println!("{name:>10}: {:.1} µs/article", v * 1e6 / n as f64);
    }
}
