//! The model sees the best recent member beside the centroid: an article that shares only generic actor
//! words with a several-member event scores below one of the event's own follow-ups.

use synoptic_analyze::cluster::{Engine, EngineConfig, Placement};
use synoptic_model::{Annotations, Article};

const COMMON: &str = "The foreign minister travelled to the capital on Tuesday and met the prime minister and \
                      the defence chief at the government palace.";

/// Each member of the first event adds its own details to the same actors; then the probe arrives.
const MEMBERS: [&str; 4] = [
    "Talks covered grain shipments through the northern harbour and insurance for cargo vessels.",
    "Officials said grain convoys would resume next week, with cargo vessels escorted past the harbour.",
    "Harbour pilots confirmed the first grain cargo vessels had been cleared for departure.",
    "Exporters welcomed the grain deal, saying cargo insurance costs at the harbour should fall.",
];

fn place_all(cfg: EngineConfig, probe: &str) -> (Vec<Placement>, Placement) {
    let mut engine = Engine::new(cfg);
    let placed = MEMBERS
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let a = Article::new(format!("m{i}"), None, format!("{COMMON} {m}"));
            engine.add(&a, &Annotations::default())
        })
        .collect();
    let p = engine.add(&Article::new("probe", None, format!("{COMMON} {probe}")), &Annotations::default());
    (placed, p)
}

/// The model's probability of the probe against the event (the fixture's shared first sentence makes the
/// probe a rewrite, so it is placed there either way: the score is what is compared).
fn score(probe: &str) -> f64 {
    let (members, p) = place_all(EngineConfig::default(), probe);
    let first = &members[0].event;
    assert!(members.iter().all(|m| &m.event == first), "members form one event: {members:?}");
    println!("{probe:.40}: score {:.3} ({})", p.explanation.score, p.explanation.reason);
    p.explanation.score
}

#[test]
fn generic_overlap_scores_below_a_follow_up() {
    let generic = score("They discussed a new hospital wing, teacher salaries and a railway bridge over the river.");
    let follow = score("Grain cargo vessels left the harbour under escort, insurance brokers said.");
    assert!(generic < follow, "generic {generic:.3} vs follow-up {follow:.3}");
}
