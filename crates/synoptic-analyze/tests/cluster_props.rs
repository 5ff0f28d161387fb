//! Properties of the online engine on synthetic streams: copies count once, determinism (also across a
//! snapshot and restore), re-ingesting the same content changes nothing, memory bounded by the window.

use proptest::prelude::*;
use synoptic_analyze::cluster::{CopyTier, Engine, EngineConfig, Placement, Relabel, prepare};
use synoptic_analyze::synth::{SynthArticle, SynthConfig, stream};
use synoptic_model::{Annotations, Article};

fn small_stream(seed: u64, n: usize) -> Vec<SynthArticle> {
    stream(&SynthConfig { seed, articles: n, words: 150, articles_per_day: 40.0, ..SynthConfig::default() }).collect()
}

fn run(engine: &mut Engine, items: &[Article]) -> Vec<Placement> {
    items.iter().map(|a| engine.add(a, &Annotations::default())).collect()
}

fn origins(ps: &[Placement]) -> usize {
    ps.iter().filter(|p| p.copy_of.is_none()).count()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Adding an exact copy (same body, another headline and source) never adds an origin, and the copy
    /// lands in its origin's event.
    #[test]
    fn copies_count_once(seed in 1u64..1000, pick in 0usize..40) {
        let items: Vec<Article> = small_stream(seed, 40).into_iter().map(|x| x.article).collect();
        let mut engine = Engine::new(EngineConfig::default());
        let before = run(&mut engine, &items);
        let mut copy = items[pick].clone();
        copy.title = Some("A different headline entirely".into());
        copy.source = "elsewhere".into();
        copy.refresh_id();
        let p = engine.add(&copy, &Annotations::default());
        prop_assert!(p.copy_of.is_some());
        prop_assert_eq!(p.tier, CopyTier::Identical);
        // Where the original is now (its event may have merged into an older one since).
        let mut relabel = Relabel::default();
        before.iter().for_each(|b| relabel.note(b));
        prop_assert_eq!(&p.event, &relabel.resolve(&before[pick].event, &before[pick].story).0);
        let origin = before[pick].copy_of.clone().unwrap_or_else(|| items[pick].id.clone());
        prop_assert_eq!(p.copy_of.as_deref(), Some(origin.as_str()));
        let mut after = before.clone();
        after.push(p);
        prop_assert_eq!(origins(&after), origins(&before));
    }

    /// Same input, same output; a snapshot taken half-way and restored continues exactly the same.
    #[test]
    fn deterministic_and_snapshot_safe(seed in 1u64..1000, cut in 1usize..39) {
        let items: Vec<Article> = small_stream(seed, 40).into_iter().map(|x| x.article).collect();
        let a = run(&mut Engine::new(EngineConfig::default()), &items);
        let b = run(&mut Engine::new(EngineConfig::default()), &items);
        prop_assert_eq!(&a, &b);
        let mut first = Engine::new(EngineConfig::default());
        let mut c = run(&mut first, &items[..cut]);
        let restored = Engine::from_snapshot(&first.snapshot(), EngineConfig::default());
        prop_assert!(restored.is_ok());
        let mut restored = restored.unwrap();
        c.extend(run(&mut restored, &items[cut..]));
        prop_assert_eq!(&a, &c);
    }

    /// Ingesting the same content again is a no-op: same event, nothing new, later placements unchanged.
    #[test]
    fn reingest_is_idempotent(seed in 1u64..1000, pick in 0usize..30) {
        let items: Vec<Article> = small_stream(seed, 40).into_iter().map(|x| x.article).collect();
        let plain = run(&mut Engine::new(EngineConfig::default()), &items);
        let mut engine = Engine::new(EngineConfig::default());
        let mut with_repeat = run(&mut engine, &items[..=pick]);
        let again = engine.add(&items[pick], &Annotations::default());
        prop_assert_eq!(&again.event, &with_repeat[pick].event);
        prop_assert!(!again.new_event && !again.new_story);
        with_repeat.extend(run(&mut engine, &items[pick + 1..]));
        prop_assert_eq!(&plain, &with_repeat);
    }
}

#[test]
fn memory_is_bounded_by_the_window() {
    let cfg = EngineConfig { window_articles: 300, ..EngineConfig::default() };
    let mut engine = Engine::new(cfg);
    let items = stream(&SynthConfig { seed: 7, articles: 3000, words: 80, ..SynthConfig::default() });
    for x in items {
        engine.add(&x.article, &Annotations::default());
    }
    let s = engine.stats();
    assert!(s.articles_seen > 2500, "{s:?}");
    assert!(s.open_articles <= 300 + 512, "{s:?}");
    assert!(s.open_events < 800, "{s:?}");
}

#[test]
fn snapshot_rejects_garbage() {
    assert!(Engine::from_snapshot(b"not json", EngineConfig::default()).is_err());
    assert!(Engine::from_snapshot(b"", EngineConfig::default()).is_err());
    assert!(Engine::from_snapshot(b"{\"version\":1}", EngineConfig::default()).is_err());
}

/// Every cut of a real snapshot is an error, and damaged bytes never panic; the whole one restores and
/// snapshots again to the same bytes.
#[test]
fn snapshot_truncated_or_damaged_is_an_error() {
    let items: Vec<Article> = small_stream(5, 60).into_iter().map(|x| x.article).collect();
    let mut engine = Engine::new(EngineConfig::default());
    run(&mut engine, &items);
    let bytes = engine.snapshot();
    let step = (bytes.len() / 150).max(1);
    for cut in (0..bytes.len()).step_by(step).chain([bytes.len() - 1]) {
        assert!(Engine::from_snapshot(&bytes[..cut], EngineConfig::default()).is_err(), "cut at {cut}");
    }
    for at in (0..bytes.len()).step_by(step) {
        let mut bad = bytes.clone();
        bad[at] ^= 0xA5;
        let _ = Engine::from_snapshot(&bad, EngineConfig::default());
    }
    let restored = Engine::from_snapshot(&bytes, EngineConfig::default());
    assert!(restored.is_ok());
    assert_eq!(restored.map(|e| e.snapshot()).unwrap_or_default(), bytes);
}

/// The pure half can run on another thread: prepare there, place here, same placements as `add`.
#[test]
fn prepared_on_worker_threads_places_like_add() {
    let items: Vec<Article> = small_stream(11, 120).into_iter().map(|x| x.article).collect();
    let plain = run(&mut Engine::new(EngineConfig::default()), &items);
    let cfg = EngineConfig::default();
    let worker_items = items.clone();
    let worker_cfg = cfg.clone();
    let prepared = std::thread::spawn(move || {
        worker_items.iter().map(|a| prepare(a, &Annotations::default(), &worker_cfg)).collect::<Vec<_>>()
    })
    .join()
    .unwrap_or_default();
    assert_eq!(prepared.len(), items.len());
    let mut engine = Engine::new(cfg);
    let split: Vec<Placement> = items.iter().zip(prepared).map(|(a, p)| engine.add_prepared(a, p)).collect();
    assert_eq!(plain, split);
}
