//! The model sees the best recent member beside the centroid: an article that shares only generic actor
//! words with a several-member event does not join it, while one of the event's own follow-ups does.

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

fn check(probe: &str, joins: bool) {
    let (members, p) = place_all(EngineConfig::default(), probe);
    let first = &members[0].event;
    assert!(members.iter().all(|m| &m.event == first), "members form one event: {members:?}");
    println!("{probe:.40}: score {:.3} ({})", p.explanation.score, p.explanation.reason);
    if joins {
        assert_eq!(&p.event, first, "a follow-up joins: {:?}", p.explanation);
    } else {
        assert_ne!(&p.event, first, "generic overlap alone does not join: {:?}", p.explanation);
    }
}

#[test]
fn generic_overlap_stays_apart_and_follow_ups_join() {
    check("They discussed a new hospital wing, teacher salaries and a railway bridge over the river.", false);
    check("Grain cargo vessels left the harbour under escort, insurance brokers said.", true);
}
