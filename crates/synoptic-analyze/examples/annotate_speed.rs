//! Annotation speed on one core: articles per CPU-second and µs per article, split by sub-stage (sentences,
//! tokens, entities, quotes, figures) and for the whole `annotate` call.
//!
//! `cargo run --release -p synoptic-analyze --example annotate_speed -- [FILE.jsonl] [--rounds N]`
//! reads articles from a JSON Lines file (e.g. `synoptic synth` output); without a file it builds ~600-word
//! articles from the annotation fixtures. Each stage runs as its own pass over all articles (inputs of later
//! stages computed beforehand), timed by this thread's CPU time, so other load on the machine does not count.

use std::io::BufRead;
use std::path::PathBuf;

use synoptic_analyze::annotate::{annotate, entities, figures, quotes, sentences, tokens};
use synoptic_model::Article;

fn main() {
    let mut file = None;
    let mut rounds = 0usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--rounds" {
            rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
        } else {
            file = Some(PathBuf::from(a));
        }
    }
    let articles = match &file {
        Some(p) => from_jsonl(p),
        None => from_fixtures(),
    };
    if articles.is_empty() {
        eprintln!("skipped: no articles (fixtures or input file absent)");
        return;
    }
    if rounds == 0 {
        rounds = if file.is_some() { 1 } else { 200 };
    }
    let words: usize = articles.iter().map(|a| a.text.split_whitespace().count()).sum();
    println!(
        "{} articles (avg {} words) x {rounds} round(s), {}",
        articles.len(),
        words / articles.len(),
        file.as_ref().map_or("fixtures".to_string(), |p| p.display().to_string())
    );
    // Warm up: the gazetteer tables load once, regexes compile once.
    let t = time(|| {
        std::hint::black_box(synoptic_analyze::annotate::gazetteer::lookup("x"));
    });
    println!("names table load: {:.1} ms CPU", t as f64 / 1e6);
    let cold = cpu_ns();
    let _ = annotate(&articles[0]);
    if let (Some(a), Some(b)) = (cold, cpu_ns()) {
        println!("first call (other tables, regexes): {:.1} ms CPU", (b - a) as f64 / 1e6);
    }
    let n = (rounds * articles.len()) as f64;
    let report = |name: &str, ns: u64| {
        println!("{name:>10}: {:8.1} µs/article", ns as f64 / 1e3 / n);
    };

    let mut sents = Vec::new();
    let t = time(|| {
        for _ in 0..rounds {
            sents = articles.iter().map(|a| sentences::sentences(&a.text)).collect::<Vec<_>>();
        }
    });
    report("sentences", t);
    let mut toks = Vec::new();
    let t = time(|| {
        for _ in 0..rounds {
            toks = articles.iter().zip(&sents).map(|(a, s)| tokens::tokenize(&a.text, s)).collect::<Vec<_>>();
        }
    });
    report("tokens", t);
    let mut ents = Vec::new();
    let t = time(|| {
        for _ in 0..rounds {
            ents = articles.iter().zip(&toks).map(|(a, k)| entities::find(&a.text, k)).collect::<Vec<_>>();
        }
    });
    report("entities", t);
    let mut found = 0usize;
    let t = time(|| {
        for _ in 0..rounds {
            for ((a, k), e) in articles.iter().zip(&toks).zip(&ents) {
                let marks = quotes::find_marks(&a.text);
                found += quotes::attribute(&a.text, k, e, &marks).len();
            }
        }
    });
    report("quotes", t);
    let t = time(|| {
        for _ in 0..rounds {
            for (a, s) in articles.iter().zip(&sents) {
                found += figures::find(&a.text, s, a.published.as_ref()).len();
            }
        }
    });
    report("figures", t);
    drop((sents, toks, ents));
    let t = time(|| {
        for _ in 0..rounds {
            for a in &articles {
                let ann = annotate(a);
                found += ann.entities.len() + ann.quotes.len() + ann.figures.len();
            }
        }
    });
    report("annotate", t);
    println!("annotate: {:.0} articles per CPU-second ({found} annotations counted)", n / (t as f64 / 1e9));
}

/// CPU nanoseconds `f` took on this thread.
fn time(f: impl FnOnce()) -> u64 {
    let a = cpu_ns();
    f();
    match (a, cpu_ns()) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => 0,
    }
}

/// Time this thread has run on a CPU, in nanoseconds (Linux `/proc/thread-self/schedstat`).
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn from_jsonl(path: &PathBuf) -> Vec<Article> {
    let Ok(f) = std::fs::File::open(path) else {
        eprintln!("cannot open {}", path.display());
        return Vec::new();
    };
    std::io::BufReader::new(f).lines().map_while(Result::ok).filter_map(|l| serde_json::from_str(&l).ok()).collect()
}

/// Articles of about 600 words: consecutive fixtures joined until the length is reached.
fn from_fixtures() -> Vec<Article> {
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
    articles
}
