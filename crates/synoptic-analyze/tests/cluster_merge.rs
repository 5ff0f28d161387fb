//! Merging of open events (the event–event pass after each join): merges happen when joins are strict,
//! every earlier placement resolved through the merges names where its article is now (the rule the store
//! relabels by), merges keep the engine deterministic across a snapshot, and they mend split events.

use synoptic_analyze::cluster::{Engine, EngineConfig, Placement, Relabel};
use synoptic_analyze::eval::score;
use synoptic_analyze::synth::{SynthArticle, SynthConfig, stream};
use synoptic_model::Annotations;

fn items() -> Vec<SynthArticle> {
    stream(&SynthConfig { seed: 3, articles: 300, words: 150, articles_per_day: 100.0, ..SynthConfig::default() })
        .collect()
}

/// Strict joins (so happenings split) with merging on or off.
fn cfg(merge: f64) -> EngineConfig {
    let mut cfg = EngineConfig { event_threshold: 0.6, ..EngineConfig::default() };
    cfg.model.merge_threshold = merge;
    cfg
}

fn run(engine: &mut Engine, items: &[SynthArticle]) -> Vec<Placement> {
    items.iter().map(|x| engine.add(&x.article, &Annotations::default())).collect()
}

/// Events B-cubed F1 of resolved placements against the generator's gold.
fn events_f1(items: &[SynthArticle], ps: &[Placement]) -> f64 {
    let mut relabel = Relabel::default();
    ps.iter().for_each(|p| relabel.note(p));
    let pred: Vec<(String, String)> =
        items.iter().zip(ps).map(|(x, p)| (x.article.id.clone(), relabel.resolve(&p.event, &p.story).0)).collect();
    let gold: Vec<(String, String)> = items.iter().map(|x| (x.article.id.clone(), x.event.clone())).collect();
    score(&pred, &gold).bcubed_f1
}

#[test]
fn merged_placements_resolve_to_where_the_engine_holds_each_article() {
    let items = items();
    let mut engine = Engine::new(cfg(0.3));
    let ps = run(&mut engine, &items);
    let merges: usize = ps.iter().map(|p| p.merges.len()).sum();
    assert!(merges > 0, "strict joins split happenings; some events merge");
    let mut relabel = Relabel::default();
    for p in &ps {
        for m in &p.merges {
            assert_ne!(m.absorbed, m.into);
            assert!(m.score >= m.threshold, "{m:?}");
            assert_eq!(p.explanation.merged.last(), p.merges.last());
        }
        relabel.note(p);
    }
    for (x, p) in items.iter().zip(&ps) {
        let Some(now) = engine.event_of(&x.article.id) else { continue };
        assert_eq!(relabel.resolve(&p.event, &p.story), now, "{}", x.article.id);
    }
}

#[test]
fn merging_is_deterministic_and_snapshot_safe() {
    let items = items();
    let a = run(&mut Engine::new(cfg(0.3)), &items);
    let b = run(&mut Engine::new(cfg(0.3)), &items);
    assert_eq!(a, b);
    let mut first = Engine::new(cfg(0.3));
    let mut c = run(&mut first, &items[..150]);
    let mut restored = Engine::from_snapshot(&first.snapshot(), cfg(0.3)).expect("snapshot restores");
    c.extend(run(&mut restored, &items[150..]));
    assert_eq!(a, c);
}

#[test]
fn merging_mends_events_split_by_strict_joins() {
    let items = items();
    let off = events_f1(&items, &run(&mut Engine::new(cfg(0.0)), &items));
    let on = events_f1(&items, &run(&mut Engine::new(cfg(0.3)), &items));
    assert!(on > off, "events F1 with merging {on:.3} not above without {off:.3}");
}
