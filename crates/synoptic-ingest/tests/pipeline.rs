//! The ingest pipeline over a store in memory: batches commit and are reported, repeats add nothing,
//! events and stories are built from what was stored, and placements are explained.

use synoptic_ingest::pipeline::{ENGINE_STATE, EXPLAIN_PREFIX};
use synoptic_ingest::{BatchDone, IngestOptions, ingest_articles, ingest_articles_with};
use synoptic_model::Article;
use synoptic_store::Store;

fn article(source: &str, title: &str, body: &str, published: &str) -> Article {
    let mut a = Article::new(source, Some(title.to_string()), body);
    a.published = chrono::DateTime::parse_from_rfc3339(published).ok();
    a
}

fn corpus() -> Vec<Article> {
    let ferry = "The harbour authority of Velmora said on Monday that the new ferry terminal would open in the autumn, two years later than planned, after engineers found the old pier could not carry the cranes.\n\nFerry operators agreed to keep using the temporary berth on the north quay until the terminal is finished, the authority said.";
    let library = "The central library of Dunmere reopened its doors on Wednesday after eight months of repairs following the winter flood, with a new reading room on the upper floor.\n\nLibrarians moved the rare books collection out of the basement for good, and the children's section now has twice the space.";
    vec![
        article("a", "Ferry terminal delayed", ferry, "2026-03-02T08:00:00Z"),
        article("b", "Library reopens", library, "2026-03-04T08:00:00Z"),
        article(
            "c",
            "Ferry terminal opening delayed to autumn",
            &format!("{ferry}\n\nMore details later."),
            "2026-03-02T10:00:00Z",
        ),
        article(
            "d",
            "Dunmere library reopens after flood",
            &format!("{library}\n\nThe mayor attended."),
            "2026-03-04T12:00:00Z",
        ),
        // A repeat within the input.
        article("a-again", "Ferry terminal delayed", ferry, "2026-03-02T08:00:00Z"),
    ]
}

#[test]
fn batches_commit_events_and_stories_follow() {
    let mut store = Store::open_in_memory().unwrap();
    let opts = IngestOptions { batch_size: 2, ..IngestOptions::default() };
    let mut batches: Vec<BatchDone> = Vec::new();
    let report = ingest_articles_with(&mut store, corpus(), &opts, &mut |b| batches.push(b)).unwrap();
    assert_eq!(report.given, 5);
    assert_eq!(report.ingested, 4);
    assert_eq!(report.duplicates, 1);
    assert_eq!(batches.iter().map(|b| b.committed).collect::<Vec<_>>(), [2, 4]);
    assert_eq!(store.article_count().unwrap(), 4);
    // Processing order is by date: the 08:00 ferry article first.
    let first = store.article(&report.ingested_ids[0]).unwrap().unwrap();
    assert_eq!(first.article.source, "a");

    // Every stored article is placed, in an event that lists it, in a story that lists the event.
    let events = store.events().unwrap();
    assert!(!events.is_empty());
    for id in &report.ingested_ids {
        let stored = store.article(id).unwrap().unwrap();
        let event_id = stored.article.event.clone().expect("placed");
        let event = store.event(&event_id).unwrap().expect("event stored");
        assert!(event.articles.contains(id), "{event_id} lists {id}");
        assert!(event.origins >= 1 && event.origins <= event.articles.len());
        let story = store.story(&event.story).unwrap().expect("story stored");
        assert!(story.events.contains(&event_id));
        assert!(!story.title.is_empty());
        let why = store.state(&format!("{EXPLAIN_PREFIX}{id}")).unwrap().expect("explanation stored");
        assert!(serde_json::from_slice::<serde_json::Value>(&why).is_ok());
    }
    assert!(store.state(ENGINE_STATE).unwrap().is_some());
    // Stories list events in time order.
    for s in store.stories().unwrap() {
        let story = store.story(&s.id).unwrap().unwrap();
        let times: Vec<_> = story.events.iter().map(|e| store.event(e).unwrap().unwrap().first_seen).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    }
}

#[test]
fn ingesting_again_adds_nothing_and_later_articles_join_known_events() {
    let mut store = Store::open_in_memory().unwrap();
    let all = corpus();
    let opts = IngestOptions::default();
    let first = ingest_articles(&mut store, all[..2].to_vec(), &opts).unwrap();
    assert_eq!(first.ingested, 2);
    let again = ingest_articles(&mut store, all[..2].to_vec(), &opts).unwrap();
    assert_eq!((again.ingested, again.duplicates), (0, 2));
    // A later run restores the engine: the near-copy of a stored article joins its event.
    let later = ingest_articles(&mut store, vec![all[2].clone()], &opts).unwrap();
    assert_eq!(later.ingested, 1);
    let a = store.article(&all[0].id).unwrap().unwrap().article;
    let c = store.article(&all[2].id).unwrap().unwrap().article;
    assert_eq!(a.event, c.event, "the later copy joins the stored event");
    let event = store.event(a.event.as_deref().unwrap()).unwrap().unwrap();
    assert_eq!(event.articles.len(), 2);
    assert_eq!(store.article_count().unwrap(), 3);
}

#[test]
fn an_unusable_engine_state_is_a_warning_not_a_failure() {
    let mut store = Store::open_in_memory().unwrap();
    store.put_state(ENGINE_STATE, b"not a snapshot").unwrap();
    let report = ingest_articles(&mut store, corpus(), &IngestOptions::default()).unwrap();
    assert_eq!(report.ingested, 4);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
}

#[test]
fn a_run_that_never_saved_its_engine_is_replayed_from_the_store() {
    let mut store = Store::open_in_memory().unwrap();
    let all = corpus();
    let opts = IngestOptions { snapshot_every: usize::MAX, ..IngestOptions::default() };
    // A run killed before it saved the engine: articles committed, no snapshot.
    let mut first = synoptic_ingest::Ingester::open(&mut store, opts.clone()).unwrap();
    let report = first.ingest(&mut store, all[..2].to_vec(), &mut |_| {}).unwrap();
    assert_eq!(report.ingested, 2);
    drop(first);
    assert!(store.state(ENGINE_STATE).unwrap().is_none());
    // The next run replays the stored articles into the engine, so the near-copy joins the stored event.
    let later = ingest_articles(&mut store, vec![all[2].clone()], &opts).unwrap();
    assert_eq!(later.ingested, 1);
    let a = store.article(&all[0].id).unwrap().unwrap().article;
    let c = store.article(&all[2].id).unwrap().unwrap().article;
    assert_eq!(a.event, c.event);
    assert_eq!(c.copy_of.as_deref(), Some(a.id.as_str()), "found as a copy of the replayed article");
    // Finishing saved the snapshot with the sequence number it reflects.
    assert!(store.state(ENGINE_STATE).unwrap().is_some());
    let seq = store.state(synoptic_ingest::pipeline::ENGINE_SEQ).unwrap().unwrap();
    assert_eq!(String::from_utf8(seq).unwrap(), store.article(&all[2].id).unwrap().unwrap().seq.to_string());
}

#[test]
fn a_kept_engine_knows_when_another_writer_added_articles() {
    let dir = std::env::temp_dir().join(format!("synoptic-current-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let all = corpus();
    let opts = IngestOptions::default();
    let mut mine = Store::open(&dir).unwrap();
    let mut kept = synoptic_ingest::Ingester::open(&mut mine, opts.clone()).unwrap();
    kept.ingest(&mut mine, all[..1].to_vec(), &mut |_| {}).unwrap();
    assert!(kept.is_current(&mine).unwrap(), "its own articles keep it current");
    // Another connection (another process, say) adds an article.
    let mut other = Store::open(&dir).unwrap();
    ingest_articles(&mut other, all[1..2].to_vec(), &opts).unwrap();
    assert!(!kept.is_current(&mine).unwrap(), "an article it has not seen makes it stale");
    let reopened = synoptic_ingest::Ingester::open(&mut mine, opts).unwrap();
    assert!(reopened.is_current(&mine).unwrap());
    drop((mine, other));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Events merged by the engine are merged in the store: every stored article's event exists and lists
/// it, no absorbed event is left behind (as an event or in a story), and the moved articles' explanations
/// say which event was merged into which.
#[test]
fn merged_events_are_relabelled_in_the_store() {
    use synoptic_analyze::cluster::{EngineConfig, Explanation};
    use synoptic_analyze::synth::{SynthConfig, stream};
    let articles: Vec<Article> =
        stream(&SynthConfig { seed: 3, articles: 300, words: 150, articles_per_day: 100.0, ..SynthConfig::default() })
            .map(|x| x.article)
            .collect();
    // Strict joins (happenings split) and merging on.
    let mut engine = EngineConfig { event_threshold: 0.6, ..EngineConfig::default() };
    engine.model.merge_threshold = 0.3;
    let opts = IngestOptions { batch_size: 40, engine, ..IngestOptions::default() };
    let mut store = Store::open_in_memory().unwrap();
    let report = ingest_articles(&mut store, articles, &opts).unwrap();
    assert!(report.ingested > 250);
    let mut merged = Vec::new();
    for id in &report.ingested_ids {
        let stored = store.article(id).unwrap().unwrap();
        let event_id = stored.article.event.clone().expect("placed");
        let event = store.event(&event_id).unwrap().unwrap_or_else(|| panic!("{id}: event {event_id} stored"));
        assert!(event.articles.contains(id), "{event_id} lists {id}");
        let why: Explanation = serde_json::from_slice(&store.explanation(id).unwrap().expect("explained")).unwrap();
        merged.extend(why.merged);
    }
    assert!(!merged.is_empty(), "strict joins split happenings; some events merge");
    for m in &merged {
        assert!(store.event(&m.absorbed).unwrap().is_none(), "absorbed {} is gone", m.absorbed);
        assert!(store.event_members(&m.absorbed).unwrap().is_empty());
    }
    for s in store.stories().unwrap() {
        for e in store.story(&s.id).unwrap().unwrap().events {
            assert!(store.event(&e).unwrap().is_some(), "story {} lists a live event, not {e}", s.id);
        }
    }
}
