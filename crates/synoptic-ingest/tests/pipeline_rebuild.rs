//! Event synopses are rebuilt outside the per-article path: complete when `ingest_articles` returns, no
//! pending markers left; events a stopped run left pending stay marked until the next refresh rebuilds them.

use synoptic_ingest::pipeline::PENDING_PREFIX;
use synoptic_ingest::{IngestOptions, Ingester, ingest_articles};
use synoptic_model::Article;
use synoptic_store::Store;

fn article(source: &str, title: &str, body: &str, published: &str) -> Article {
    let mut a = Article::new(source, Some(title.to_string()), body);
    a.published = chrono::DateTime::parse_from_rfc3339(published).ok();
    a
}

fn corpus() -> Vec<Article> {
    let bridge = "Engineers closed the old river bridge in Karsholm on Tuesday after inspectors found cracks in two of its supports, the city transport office said.\n\nBuses will use the ring road until repairs are finished, which the office expects to take six weeks.";
    vec![
        article("x", "River bridge closed", bridge, "2026-05-05T08:00:00Z"),
        article(
            "y",
            "Karsholm bridge shut for repairs",
            &format!("{bridge}\n\nMore to follow."),
            "2026-05-05T09:00:00Z",
        ),
        article(
            "z",
            "Bridge closure",
            &format!("{bridge}\n\nDrivers were asked to plan ahead."),
            "2026-05-05T10:00:00Z",
        ),
    ]
}

#[test]
fn every_batch_commits_and_events_are_complete_when_the_run_returns() {
    let mut store = Store::open_in_memory().unwrap();
    let opts = IngestOptions { batch_size: 1, ..IngestOptions::default() };
    let report = ingest_articles(&mut store, corpus(), &opts).unwrap();
    assert_eq!(report.ingested, 3);
    for id in &report.ingested_ids {
        let stored = store.article(id).unwrap().unwrap();
        let event = store.event(stored.article.event.as_deref().unwrap()).unwrap().expect("event stored");
        assert!(event.articles.contains(id), "{} lists {id}", event.id);
    }
    assert!(store.state_keys(PENDING_PREFIX).unwrap().is_empty(), "no pending markers after a full run");
}

#[test]
fn events_left_pending_by_a_stopped_run_are_rebuilt_by_the_next_refresh() {
    let mut store = Store::open_in_memory().unwrap();
    let report = ingest_articles(&mut store, corpus(), &IngestOptions::default()).unwrap();
    let first = store.article(&report.ingested_ids[0]).unwrap().unwrap().article;
    let event_id = first.event.clone().unwrap();
    let event = store.event(&event_id).unwrap().unwrap();
    // As a run stopped after its batch committed: the marker is there, the synopsis is not.
    store.delete_event(&event_id).unwrap();
    store.put_state(&format!("{PENDING_PREFIX}{event_id}"), format!("{}\n", event.story).as_bytes()).unwrap();
    let ingester = Ingester::open(&mut store, IngestOptions::default()).unwrap();
    assert!(store.event(&event_id).unwrap().is_none(), "opening leaves synopses to the refresh");
    assert_eq!(store.state_keys(PENDING_PREFIX).unwrap().len(), 1);
    let mut report = synoptic_ingest::IngestReport::default();
    ingester.refresh(&mut store, &mut report).unwrap();
    assert_eq!(report.events_touched, 1);
    let rebuilt = store.event(&event_id).unwrap().expect("rebuilt by the refresh");
    assert_eq!(rebuilt.articles, event.articles);
    assert!(store.state_keys(PENDING_PREFIX).unwrap().is_empty());
}
