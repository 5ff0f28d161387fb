//! Scale and quality of the online clustering on the synthetic generator's streams.
//!
//! `cargo run --release -p synoptic-analyze --example cluster_scale -- [N ...] [--seed S]
//!  [--threshold X] [--story-threshold Y]`
//! For each N (default 10000 100000): articles/s of the engine alone, peak memory (VmHWM), event and
//! story B-cubed/pairwise scores against the gold, copy precision/recall.

use std::collections::HashMap;
use std::time::Instant;

use synoptic_analyze::cluster::{Engine, EngineConfig, prepare};
use synoptic_analyze::eval::score_rows;
use synoptic_analyze::synth::{SynthConfig, stream};
use synoptic_model::Annotations;

/// CPU time of this thread so far (seconds), from /proc/self/schedstat; the machine may be shared.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|x| x.parse::<f64>().ok()))
        .map_or(0.0, |ns| ns / 1e9)
}

fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Interns labels to small integers so a million rows stay cheap.
#[derive(Default)]
struct Interner(HashMap<String, u32>);

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        let n = self.0.len() as u32;
        *self.0.entry(s.to_string()).or_insert(n)
    }
}

fn main() {
    let mut sizes = Vec::new();
    let mut seed = 1u64;
    let mut dates = true;
    let mut cfg = EngineConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
        match a.as_str() {
            "--seed" => seed = val() as u64,
            "--no-dates" => dates = false,
            "--threshold" => cfg.event_threshold = val(),
            "--story-threshold" => cfg.story_threshold = val(),
            n => match n.parse::<usize>() {
                Ok(n) => sizes.push(n),
                Err(_) => eprintln!("ignored argument {n}"),
            },
        }
    }
    if sizes.is_empty() {
        sizes = vec![10_000, 100_000];
    }
    for n in sizes {
        let synth = SynthConfig { seed, articles: n, ..SynthConfig::default() };
        let mut engine = Engine::new(cfg.clone());
        let (mut ev_pred, mut ev_gold, mut st_pred, mut st_gold) =
            (Interner::default(), Interner::default(), Interner::default(), Interner::default());
        let mut ev_rows: Vec<(u32, u32)> = Vec::with_capacity(n);
        let mut st_rows: Vec<(u32, u32)> = Vec::with_capacity(n);
        let (mut copy_tp, mut copy_pred, mut copy_gold) = (0u64, 0u64, 0u64);
        let (mut engine_time, mut engine_cpu, mut last_cpu) = (0.0, 0.0, 0.0);
        let (mut prepare_cpu, mut place_cpu) = (0.0, 0.0);
        let wall = Instant::now();
        let mut items = stream(&synth).peekable();
        while items.peek().is_some() {
            let mut batch: Vec<_> = items.by_ref().take(1000).collect();
            if !dates {
                batch.iter_mut().for_each(|x| x.article.published = None);
            }
            let (t, c) = (Instant::now(), cpu_seconds());
            let ann = Annotations::default();
            let prepared: Vec<_> = batch.iter().map(|item| prepare(&item.article, &ann, engine.config())).collect();
            let c_mid = cpu_seconds();
            let placed: Vec<_> =
                batch.iter().zip(prepared).map(|(item, p)| engine.add_prepared(&item.article, p)).collect();
            engine_time += t.elapsed().as_secs_f64();
            let c_end = cpu_seconds();
            prepare_cpu += c_mid - c;
            place_cpu += c_end - c_mid;
            engine_cpu += c_end - c;
            let done = ev_rows.len() + batch.len();
            if done.is_multiple_of(100_000) && n > 100_000 {
                let window = engine_cpu - last_cpu;
                last_cpu = engine_cpu;
                println!(
                    "  progress {done}: last 100k in {window:.1} s CPU ({:.0} articles/s), peak memory {} MB, open events {}",
                    100_000.0 / window.max(1e-9),
                    peak_memory_kb().map_or("?".to_string(), |k| (k / 1024).to_string()),
                    engine.stats().open_events
                );
            }
            for (item, p) in batch.iter().zip(placed) {
                ev_rows.push((ev_pred.id(&p.event), ev_gold.id(&item.event)));
                st_rows.push((st_pred.id(&p.story), st_gold.id(&item.story)));
                copy_gold += u64::from(item.copy_of.is_some());
                copy_pred += u64::from(p.copy_of.is_some());
                copy_tp += u64::from(p.copy_of.is_some() && item.copy_of.is_some());
            }
        }
        let wall = wall.elapsed().as_secs_f64();
        let ev = score_rows(ev_rows);
        let st = score_rows(st_rows);
        let stats = engine.stats();
        let (t, c) = (Instant::now(), cpu_seconds());
        let snap = engine.snapshot();
        let save_cpu = cpu_seconds() - c;
        let save_wall = t.elapsed().as_secs_f64();
        let c = cpu_seconds();
        let restored = Engine::from_snapshot(&snap, cfg.clone()).map(|e| e.stats());
        let restore_cpu = cpu_seconds() - c;
        println!(
            "  per article CPU: prepare {:.1} us, add_prepared {:.1} us; snapshot {} bytes, save {:.1} ms CPU ({:.1} ms wall), restore {:.1} ms CPU ({})",
            prepare_cpu / n as f64 * 1e6,
            place_cpu / n as f64 * 1e6,
            snap.len(),
            save_cpu * 1e3,
            save_wall * 1e3,
            restore_cpu * 1e3,
            if restored.as_ref().is_ok_and(|s| *s == stats) { "same stats" } else { "DIFFERENT" },
        );
        println!(
            "n={n} seed={seed} threshold={} story_threshold={}: engine {:.0} articles/s of CPU ({:.1} s CPU, {:.1} s wall; {:.0} articles/s wall), {:.1} s with generation, peak memory {} MB",
            cfg.event_threshold,
            cfg.story_threshold,
            n as f64 / engine_cpu.max(1e-9),
            engine_cpu,
            engine_time,
            n as f64 / engine_time.max(1e-9),
            wall,
            peak_memory_kb().map_or("?".to_string(), |k| (k / 1024).to_string()),
        );
        println!(
            "  events  B3 P {:.3} R {:.3} F1 {:.3} | pairs P {:.3} R {:.3} F1 {:.3} | predicted {} gold {}",
            ev.bcubed_p,
            ev.bcubed_r,
            ev.bcubed_f1,
            ev.pair_p,
            ev.pair_r,
            ev.pair_f1,
            ev_pred.0.len(),
            ev_gold.0.len()
        );
        println!(
            "  stories B3 P {:.3} R {:.3} F1 {:.3} | pairs P {:.3} R {:.3} F1 {:.3} | predicted {} gold {}",
            st.bcubed_p,
            st.bcubed_r,
            st.bcubed_f1,
            st.pair_p,
            st.pair_r,
            st.pair_f1,
            st_pred.0.len(),
            st_gold.0.len()
        );
        println!(
            "  copies  predicted {copy_pred} gold {copy_gold} both {copy_tp}; open: {} articles, {} events, {} stories, {} df terms, {} postings",
            stats.open_articles, stats.open_events, stats.open_stories, stats.df_terms, stats.postings
        );
    }
}
