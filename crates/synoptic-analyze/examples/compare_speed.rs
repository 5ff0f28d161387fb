//! Speed of `compare::build_event` by event size: µs per article for events of 5, 20, 80 and 300 articles.
//!
//! `cargo run --release -p synoptic-analyze --example compare_speed -- [N ...]`
//! Events are cut from the synthetic stream (articles of one gold event, in stream order, topped up with the
//! next events' articles when the event is smaller than N), annotated once; only `build_event` is timed.

use std::collections::HashMap;

use synoptic_analyze::EventMember;
use synoptic_analyze::annotate::annotate;
use synoptic_analyze::compare::{SynopsisOptions, build_event};
use synoptic_analyze::synth::{SynthConfig, stream};

/// CPU time of this thread so far (seconds), from /proc/thread-self/schedstat: the machine is shared.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|x| x.parse::<f64>().ok()))
        .map_or(0.0, |ns| ns / 1e9)
}

fn main() {
    let mut sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
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
