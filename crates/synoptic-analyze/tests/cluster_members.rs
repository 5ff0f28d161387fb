//! The member blend: an article that shares only generic actor words with a several-member event scores lower
//! against it than the bare centroid would give, while one of the event's own follow-ups still joins it.

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

fn check(probe: &str, expect_lower: bool) {
    let centroid_only = place_all(EngineConfig { w_member: 0.0, ..EngineConfig::default() }, probe);
    let blended = place_all(EngineConfig::default(), probe);
    let first = &blended.0[0].event;
    assert!(blended.0.iter().all(|p| &p.event == first), "members form one event: {:?}", blended.0);
    let (c, b) = (centroid_only.1.explanation.score, blended.1.explanation.score);
    println!("{probe:.40}: centroid-only {c:.3}, blended {b:.3}");
    if expect_lower {
        assert!(b < c, "blend lowers a generic-only match: {b} vs {c}");
    } else {
        assert_eq!(&blended.1.event, first, "a follow-up still joins: {:?}", blended.1.explanation);
    }
}

#[test]
fn generic_overlap_scores_lower_and_follow_ups_join() {
    check("They discussed a new hospital wing, teacher salaries and a railway bridge over the river.", true);
    check("Grain cargo vessels left the harbour under escort, insurance brokers said.", false);
}
