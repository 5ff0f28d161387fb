//! Annotation speed: articles per second on one core, on ~600-word articles built from the annotation
//! fixtures. Run with `cargo run --release -p synoptic-analyze --example annotate_speed`.

use std::path::PathBuf;
use std::time::Instant;

use synoptic_analyze::annotate::annotate;
use synoptic_model::Article;

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/annotate");
    let mut texts: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|t| t.lines().filter(|l| !l.starts_with("published:")).collect::<Vec<_>>().join("\n"))
        .collect();
    texts.sort();
    if texts.is_empty() {
        eprintln!("skipped: fixtures absent");
        return;
    }
    // Articles of about 600 words: consecutive fixtures joined until the length is reached.
    let mut articles = Vec::new();
    for start in 0..texts.len() {
        let mut body = String::new();
        let mut i = start;
        while body.split_whitespace().count() < 600 {
            body.push_str(&texts[i % texts.len()]);
            body.push_str("\n\n");
            i += 1;
        }
        let mut a = Article::new(format!("bench-{start}"), None, body);
        a.published = chrono::DateTime::parse_from_rfc3339("2024-03-14T09:30:00+00:00").ok();
        articles.push(a);
    }
    let words: usize = articles.iter().map(|a| a.text.split_whitespace().count()).sum();
    // Warm up: the gazetteer tables load once.
    let _ = annotate(&articles[0]);
    let rounds = 200;
    let t = Instant::now();
    let cpu0 = cpu_ns();
    let mut found = 0usize;
    for _ in 0..rounds {
        for a in &articles {
            let ann = annotate(a);
            found += ann.entities.len() + ann.quotes.len() + ann.figures.len();
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let n = rounds * articles.len();
    println!(
        "annotated {n} articles (avg {} words) in {secs:.2}s wall: {:.0} articles/s ({found} annotations)",
        words / articles.len(),
        n as f64 / secs
    );
    // On a shared machine wall time includes waiting for the core; CPU time is what one core costs.
    if let (Some(a), Some(b)) = (cpu0, cpu_ns()) {
        let cpu = (b - a) as f64 / 1e9;
        println!("CPU time of this thread {cpu:.2}s: {:.0} articles/s per core", n as f64 / cpu);
    }
}

/// Time this thread has run on a CPU, in nanoseconds (Linux `/proc/thread-self/schedstat`).
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}
