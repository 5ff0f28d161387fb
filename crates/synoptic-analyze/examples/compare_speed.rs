//! Speed of `compare::build_event`, alone: on a JSON Lines stream with gold labels, or on synthetic events
//! of chosen sizes.
//!
//! `cargo run --release -p synoptic-analyze --example compare_speed -- FILE.jsonl [--json OUT] [--top K]
//! [--annotations CACHE]`
//! reads a `synoptic synth` stream, groups it by `gold_event` (stream order; a copy's origin is its
//! `gold_copy_of`), annotates every article once, then times `build_event` per event in CPU time of this
//! thread: total over all events, per event, per member, and the K largest events (5 by default).
//! `--json OUT` writes every built event as one JSON line (in first-seen event order), so two builds can be
//! compared byte for byte (`cmp before.jsonl after.jsonl`). `--annotations CACHE` reads the annotations
//! from CACHE (one JSON line per article) when it exists, else writes them there: two builds compared on
//! one cache see the same annotations even when annotation itself has changed in between.
//!
//! `cargo run --release -p synoptic-analyze --example compare_speed -- [N ...]` (no file) cuts events of N
//! articles from the synthetic stream generator instead and prints CPU ms per event and µs per article.

use std::collections::HashMap;
use std::io::{BufRead, Write};

use serde::Deserialize;
use synoptic_analyze::EventMember;
use synoptic_analyze::annotate::annotate;
use synoptic_analyze::compare::{SynopsisOptions, build_event};
use synoptic_analyze::synth::{SynthConfig, stream};
use synoptic_model::{Annotations, Article};

/// CPU time of this thread so far (seconds), from /proc/thread-self/schedstat: the machine is shared.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|x| x.parse::<f64>().ok()))
        .map_or(0.0, |ns| ns / 1e9)
}

/// One line of a `synoptic synth` stream: an Article plus its gold labels.
#[derive(Deserialize)]
struct Line {
    #[serde(flatten)]
    article: Article,
    gold_event: String,
    #[serde(default)]
    gold_copy_of: Option<String>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first() {
        Some(path) if std::path::Path::new(path).is_file() => {
            let value_of = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1));
            let top = value_of("--top").and_then(|v| v.parse().ok()).unwrap_or(5);
            let cache = value_of("--annotations").map(String::as_str);
            if let Err(e) = on_stream(path, value_of("--json").map(String::as_str), cache, top) {
                eprintln!("compare_speed: {e}");
                std::process::exit(2);
            }
        }
        _ => by_size(args.iter().filter_map(|a| a.parse().ok()).collect()),
    }
}

fn on_stream(path: &str, json_out: Option<&str>, cache: Option<&str>, top: usize) -> std::io::Result<()> {
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut lines: Vec<Line> = Vec::new();
    for (n, line) in file.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Line>(&line) {
            Ok(l) => lines.push(l),
            Err(e) => eprintln!("line {}: skipped: {e}", n + 1),
        }
    }
    let start = cpu_seconds();
    let cached: Option<Vec<Annotations>> = match cache {
        Some(p) if std::path::Path::new(p).is_file() => {
            let file = std::io::BufReader::new(std::fs::File::open(p)?);
            let mut list = Vec::new();
            for line in file.lines() {
                list.push(serde_json::from_str(&line?)?);
            }
            (list.len() == lines.len()).then_some(list)
        }
        _ => None,
    };
    let annotations: Vec<Annotations> = match cached {
        Some(list) => list,
        None => {
            let list: Vec<Annotations> = lines.iter().map(|l| annotate(&l.article)).collect();
            if let Some(p) = cache {
                let mut w = std::io::BufWriter::new(std::fs::File::create(p)?);
                for a in &list {
                    serde_json::to_writer(&mut w, a)?;
                    w.write_all(b"\n")?;
                }
                w.flush()?;
            }
            list
        }
    };
    let annotate_s = cpu_seconds() - start;
    let origins: Vec<&str> = lines.iter().map(|l| l.gold_copy_of.as_deref().unwrap_or(l.article.id.as_str())).collect();
    // Events in first-seen order, members in stream order.
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut events: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let e = *index.entry(l.gold_event.as_str()).or_insert_with(|| {
            events.push((l.gold_event.as_str(), Vec::new()));
            events.len() - 1
        });
        events[e].1.push(i);
    }
    let opts = SynopsisOptions::default();
    let mut out = match json_out {
        Some(p) => Some(std::io::BufWriter::new(std::fs::File::create(p)?)),
        None => None,
    };
    let mut timed: Vec<(f64, usize, usize, &str)> = Vec::new(); // (seconds, members, origins, id)
    let mut total = 0.0;
    for (id, idx) in &events {
        let members: Vec<EventMember<'_>> = idx
            .iter()
            .map(|&i| EventMember { article: &lines[i].article, annotations: &annotations[i], origin: origins[i] })
            .collect();
        let start = cpu_seconds();
        let event = build_event(id, "s", &members, &opts);
        let took = cpu_seconds() - start;
        total += took;
        let n_origins = members.iter().map(|m| m.origin).collect::<std::collections::HashSet<_>>().len();
        timed.push((took, members.len(), n_origins, id));
        if let Some(w) = out.as_mut() {
            serde_json::to_writer(&mut *w, &event)?;
            w.write_all(b"\n")?;
        }
    }
    if let Some(mut w) = out {
        w.flush()?;
    }
    let articles: usize = timed.iter().map(|t| t.1).sum();
    println!(
        "{} articles, {} events; annotate (or read) {:.2} ms/article (not counted below)",
        articles,
        events.len(),
        { annotate_s * 1e3 / articles.max(1) as f64 }
    );
    println!(
        "build_event: total {:.1} ms CPU, {:.3} ms/event, {:.3} ms/article",
        total * 1e3,
        total * 1e3 / events.len().max(1) as f64,
        total * 1e3 / articles.max(1) as f64
    );
    timed.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.total_cmp(&a.0)));
    println!("{:>12} {:>8} {:>8} {:>10} {:>12}", "largest", "articles", "origins", "cpu ms", "ms/article");
    for (s, n, o, id) in timed.iter().take(top) {
        println!("{id:>12} {n:>8} {o:>8} {:>10.2} {:>12.3}", s * 1e3, s * 1e3 / (*n).max(1) as f64);
    }
    Ok(())
}

fn by_size(mut sizes: Vec<usize>) {
    if sizes.is_empty() {
        sizes = vec![5, 20, 80, 300];
    }
    let max = sizes.iter().copied().max().unwrap_or(5);
    let cfg = SynthConfig { seed: 7, articles: max * 4, articles_per_event: max as f64, ..SynthConfig::default() };
    let items: Vec<_> = stream(&cfg).collect();
    // Biggest gold events first, so an event of N articles is as close to one real event as possible.
    let mut by_event: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in items.iter().enumerate() {
        by_event.entry(s.event.as_str()).or_default().push(i);
    }
    let mut events: Vec<Vec<usize>> = by_event.into_values().collect();
    events.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    let order: Vec<usize> = events.into_iter().flatten().collect();
    let annotations: Vec<_> = items.iter().map(|s| annotate(&s.article)).collect();
    let origins: Vec<String> = items
        .iter()
        .map(|s| match s.copy_of {
            Some(o) => items.get(o).map_or_else(|| s.article.id.clone(), |x| x.article.id.clone()),
            None => s.article.id.clone(),
        })
        .collect();
    let opts = SynopsisOptions::default();
    println!("{:>8} {:>10} {:>12} {:>14}", "articles", "origins", "cpu ms/event", "cpu us/article");
    for n in sizes {
        let chosen = &order[..n.min(order.len())];
        let members: Vec<EventMember<'_>> = chosen
            .iter()
            .map(|&i| EventMember { article: &items[i].article, annotations: &annotations[i], origin: &origins[i] })
            .collect();
        let reps = if n <= 20 {
            20
        } else if n <= 80 {
            5
        } else {
            2
        };
        let start = cpu_seconds();
        let mut sink = 0usize;
        for _ in 0..reps {
            let e = build_event("e", "s", &members, &opts);
            sink += e.agreements.len() + e.single_source.len() + e.disagreements.len();
        }
        let per_event = (cpu_seconds() - start) / reps as f64;
        let origins = members.iter().map(|m| m.origin).collect::<std::collections::HashSet<_>>().len();
        println!(
            "{:>8} {:>10} {:>12.2} {:>14.1}   (lists {})",
            members.len(),
            origins,
            per_event * 1e3,
            per_event * 1e6 / members.len().max(1) as f64,
            sink / reps
        );
    }
}
