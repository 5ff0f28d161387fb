//! Data-driven tests, the store conformance suite run on SQLite and on PostgreSQL: each `tests/fixtures/scenarios/NAME.jsonl` is a sequence of store operations; the
//! results of all of them (ids redacted to `@source`) must equal `NAME.expected.json`.
//!
//! The `*_copied_*` variants run each scenario again with a store copy ([`Store::copy_into`]) in place of its
//! first `reopen`: the rest of the scenario runs on the copy (SQLite into PostgreSQL, PostgreSQL into
//! SQLite, SQLite into SQLite) and must give the same results.
//!
//! Refresh the expected files after an intended change with
//! `UPDATE_EXPECT=1 cargo test -p synoptic-store --test scenarios`, then review the diff.

mod common;

use common::Scratch;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use synoptic_model::{Annotations, Article, Event, Story};
use synoptic_store::{CopyOptions, FeedState, NewArticle, Store};
use synoptic_testkit::PgDb;

/// An article of an `insert_many` batch, with where it belongs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchArticle {
    source: String,
    title: Option<String>,
    text: String,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    copy_of: Option<String>,
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    explanation: Option<String>,
}

/// An event of a `put_events` batch.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchEvent {
    id: String,
    story: String,
    title: String,
    articles: Vec<String>,
    origins: usize,
    first_seen: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
enum Op {
    /// `Db::insert_articles` in one transaction: the added flags.
    InsertMany {
        articles: Vec<BatchArticle>,
    },
    ContainsArticles {
        articles: Vec<String>,
    },
    Explanation {
        article: String,
    },
    PutEvents {
        events: Vec<BatchEvent>,
    },
    PutStories {
        stories: Vec<Story>,
    },
    /// `Db::members_of`: the members of each event, in the order asked.
    MembersOf {
        events: Vec<String>,
    },
    /// `Db::events_by_ids` and `Db::stories_by_ids`: (id, title) of each found, null for unknown ids.
    EventsByIds {
        ids: Vec<String>,
    },
    StoriesByIds {
        ids: Vec<String>,
    },
    DeleteStates {
        keys: Vec<String>,
    },
    /// `Db::delete_states_if`: (key, expected value) pairs.
    DeleteStatesIf {
        entries: Vec<(String, String)>,
    },
    /// `Db::put_states`: (key, value) pairs; `explain/SOURCE` names an article's explanation.
    PutStates {
        entries: Vec<(String, String)>,
    },
    Insert {
        source: String,
        title: Option<String>,
        text: String,
        #[serde(default)]
        outlet: Option<String>,
        #[serde(default)]
        published: Option<String>,
        #[serde(default)]
        credits: Vec<String>,
    },
    Count,
    Get {
        article: String,
    },
    Articles,
    After {
        seq: u64,
        limit: usize,
    },
    Place {
        article: String,
        copy_of: Option<String>,
        event: String,
    },
    Event {
        id: String,
        story: String,
        title: String,
        articles: Vec<String>,
        origins: usize,
        first_seen: Option<String>,
    },
    DeleteEvent {
        id: String,
    },
    Story {
        id: String,
        title: String,
        events: Vec<String>,
    },
    Stories,
    EventSummaries,
    Members {
        event: String,
    },
    Search {
        query: String,
        #[serde(default = "ten")]
        limit: usize,
    },
    Document,
    DocumentForEvent {
        id: String,
    },
    DocumentForStory {
        id: String,
    },
    PutState {
        key: String,
        value: String,
    },
    State {
        key: String,
    },
    StateKeys {
        prefix: String,
    },
    DeleteState {
        key: String,
    },
    PutFeed(FeedState),
    Feed {
        url: String,
    },
    Feeds,
    Reset,
    Reopen,
}

fn ten() -> usize {
    10
}

/// Run one scenario on SQLite and compare (or, with `UPDATE_EXPECT=1`, rewrite) its expected results.
fn check(name: &str) {
    let scratch = Scratch::new(&format!("scenario-{name}"));
    run(name, scratch.path(), false, None);
}

/// Run one scenario on PostgreSQL (a database of its own) against the same expected results. The backends
/// split words and rank differently, so searches are compared by the set of articles they find.
fn check_postgres(name: &str) {
    let Some(db) = PgDb::new(&format!("scenario-{name}")) else { return };
    run(name, db.path(), true, None);
}

/// Where a scenario's store lives: a scratch directory or a PostgreSQL database (kept until dropped).
enum Place {
    Dir(Scratch),
    Pg(PgDb),
}

impl Place {
    fn new(name: &str, postgres: bool) -> Option<Place> {
        if postgres { PgDb::new(name).map(Place::Pg) } else { Some(Place::Dir(Scratch::new(name))) }
    }
    fn path(&self) -> &Path {
        match self {
            Place::Dir(s) => s.path(),
            Place::Pg(db) => db.path(),
        }
    }
}

/// Run one scenario with a copy of the store in place of its first `reopen` (see the module doc).
fn check_copied(name: &str, from_pg: bool, to_pg: bool) {
    // Named by direction too: the three directions of one scenario run at once, and two of them would
    // otherwise share (and wipe) one scratch directory.
    let backend = |pg: bool| if pg { "pg" } else { "sqlite" };
    let run_name = format!("copy-{name}-{}-to-{}", backend(from_pg), backend(to_pg));
    let (Some(from), Some(to)) =
        (Place::new(&format!("{run_name}-from"), from_pg), Place::new(&format!("{run_name}-to"), to_pg))
    else {
        return;
    };
    run(name, from.path(), from_pg || to_pg, Some(to.path()));
}

/// A copy numbers articles anew (`seq` gaps close up): results after the copy (line `at`) are compared
/// without their `seq` fields.
fn seqs_after_copy_dropped(results: &mut Value, at: usize) {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                map.remove("seq");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    for entry in results.as_array_mut().into_iter().flatten() {
        if entry["line"].as_u64().is_some_and(|line| line as usize > at) {
            strip(&mut entry["result"]);
        }
    }
}

/// Copy `from` into the store at `to` twice (the second run must find everything done), then open `to`.
fn copy_store(from: &mut Store, to: &Path) -> Store {
    let mut target = Store::open(to).unwrap();
    target.acquire_writer(None, &mut || {}).unwrap();
    let opts = CopyOptions { source: "scenario source", seq_keys: &["engine.seq"], batch: 2 };
    let first = from.copy_into(&mut target, &opts, &mut |_| {}).unwrap();
    assert_eq!(first.articles, from.article_count().unwrap(), "the first copy reads every article");
    assert_eq!(first.added, first.articles, "into an empty store every article is new");
    let again = from.copy_into(&mut target, &opts, &mut |_| {}).unwrap();
    assert_eq!((again.articles, again.added), (0, 0), "a second copy resumes after the last article");
    assert_eq!(again.resumed_after, first.articles);
    drop(target);
    Store::open(to).unwrap()
}

/// A search result reduced to the articles it found, sorted.
fn hit_set(v: &Value) -> Value {
    let mut ids: Vec<String> =
        v.as_array().into_iter().flatten().filter_map(|h| h["article"].as_str().map(str::to_string)).collect();
    ids.sort();
    json!(ids)
}

fn searches_as_sets(results: &mut Value) {
    for entry in results.as_array_mut().into_iter().flatten() {
        if entry["op"]["op"] == "search" {
            entry["result"] = hit_set(&entry["result"]);
        }
    }
}

fn run(name: &str, location: &Path, postgres: bool, mut copy_to: Option<&Path>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scenarios");
    let script = std::fs::read_to_string(dir.join(format!("{name}.jsonl"))).unwrap();
    let copied = copy_to.is_some();
    let mut copied_at: Option<usize> = None;
    let mut store = Store::open(location).unwrap();
    // Articles are named in scenarios by their source; ids are hashes, so results show `@source`.
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let id = |ids: &BTreeMap<String, String>, source: &str| ids.get(source).cloned().unwrap_or(source.to_string());
    let mut results = Vec::new();
    for (n, line) in script.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with("//")) {
        let op: Op = serde_json::from_str(line).unwrap_or_else(|e| panic!("{name}.jsonl line {}: {e}", n + 1));
        let result: Value = match op {
            Op::Insert { source, title, text, outlet, published, credits } => {
                let mut a = Article::new(source.clone(), title, text);
                a.outlet = outlet;
                a.published = published.map(|p| chrono::DateTime::parse_from_rfc3339(&p).unwrap());
                a.credits = credits;
                ids.entry(source).or_insert(a.id.clone());
                json!(store.insert_article(&a, &Annotations::default()).unwrap())
            }
            Op::InsertMany { articles } => {
                let mut built = Vec::new();
                for b in &articles {
                    let mut a = Article::new(b.source.clone(), b.title.clone(), b.text.clone());
                    a.published = b.published.as_ref().map(|p| chrono::DateTime::parse_from_rfc3339(p).unwrap());
                    ids.entry(b.source.clone()).or_insert(a.id.clone());
                    built.push(a);
                }
                let copies: Vec<Option<String>> =
                    articles.iter().map(|b| b.copy_of.as_ref().map(|c| id(&ids, c))).collect();
                let none = Annotations::default();
                let rows: Vec<NewArticle<'_>> = built
                    .iter()
                    .zip(&articles)
                    .zip(&copies)
                    .map(|((a, b), copy_of)| NewArticle {
                        copy_of: copy_of.as_deref(),
                        event: b.event.as_deref(),
                        explanation: b.explanation.as_deref().map(str::as_bytes),
                        ..NewArticle::new(a, &none)
                    })
                    .collect();
                json!(store.transaction(|tx| tx.insert_articles(&rows)).unwrap())
            }
            Op::ContainsArticles { articles } => {
                let asked: Vec<String> = articles.iter().map(|a| id(&ids, a)).collect();
                json!(store.contains_articles(&asked).unwrap())
            }
            Op::Explanation { article } => {
                json!(store.explanation(&id(&ids, &article)).unwrap().map(|b| String::from_utf8_lossy(&b).into_owned()))
            }
            Op::PutEvents { events } => {
                let events: Vec<Event> = events
                    .into_iter()
                    .map(|e| Event {
                        id: e.id,
                        story: e.story,
                        title: e.title,
                        articles: e.articles.iter().map(|a| id(&ids, a)).collect(),
                        origins: e.origins,
                        first_seen: e.first_seen.map(|p| chrono::DateTime::parse_from_rfc3339(&p).unwrap()),
                        ..Event::default()
                    })
                    .collect();
                store.transaction(|tx| tx.put_events(&events)).unwrap();
                Value::Null
            }
            Op::PutStories { stories } => {
                store.put_stories(&stories).unwrap();
                Value::Null
            }
            Op::MembersOf { events } => json!(
                store
                    .members_of(&events)
                    .unwrap()
                    .iter()
                    .map(|m| m.iter().map(|a| a.article.id.clone()).collect::<Vec<_>>())
                    .collect::<Vec<_>>()
            ),
            Op::EventsByIds { ids } => json!(
                store.events_by_ids(&ids).unwrap().into_iter().map(|e| e.map(|e| (e.id, e.title))).collect::<Vec<_>>()
            ),
            Op::StoriesByIds { ids } => json!(
                store
                    .stories_by_ids(&ids)
                    .unwrap()
                    .into_iter()
                    .map(|s| s.map(|s| (s.id, s.events)))
                    .collect::<Vec<_>>()
            ),
            Op::DeleteStates { keys } => {
                let keys: Vec<String> = keys
                    .into_iter()
                    .map(|k| match k.strip_prefix("explain/") {
                        Some(source) => format!("explain/{}", id(&ids, source)),
                        None => k,
                    })
                    .collect();
                store.transaction(|tx| tx.delete_states(&keys)).unwrap();
                Value::Null
            }
            Op::DeleteStatesIf { entries } => {
                let entries: Vec<(String, Vec<u8>)> = entries.into_iter().map(|(k, v)| (k, v.into_bytes())).collect();
                store.transaction(|tx| tx.delete_states_if(&entries)).unwrap();
                Value::Null
            }
            Op::PutStates { entries } => {
                let entries: Vec<(String, Vec<u8>)> = entries
                    .into_iter()
                    .map(|(k, v)| {
                        let k = match k.strip_prefix("explain/") {
                            Some(source) => format!("explain/{}", id(&ids, source)),
                            None => k,
                        };
                        (k, v.into_bytes())
                    })
                    .collect();
                store.transaction(|tx| tx.put_states(&entries)).unwrap();
                Value::Null
            }
            Op::Count => json!(store.article_count().unwrap()),
            Op::Get { article } => json!(store.article(&id(&ids, &article)).unwrap()),
            Op::Articles => json!(store.articles().unwrap()),
            Op::After { seq, limit } => {
                json!(store.articles_after(seq, limit).unwrap().iter().map(|a| a.seq).collect::<Vec<_>>())
            }
            Op::Place { article, copy_of, event } => {
                let copy_of = copy_of.map(|c| id(&ids, &c));
                store.set_placement(&id(&ids, &article), copy_of.as_deref(), &event).unwrap();
                Value::Null
            }
            Op::Event { id: eid, story, title, articles, origins, first_seen } => {
                let e = Event {
                    id: eid,
                    story,
                    title,
                    articles: articles.iter().map(|a| id(&ids, a)).collect(),
                    origins,
                    first_seen: first_seen.map(|p| chrono::DateTime::parse_from_rfc3339(&p).unwrap()),
                    ..Event::default()
                };
                store.put_event(&e).unwrap();
                Value::Null
            }
            Op::DeleteEvent { id } => json!(store.delete_event(&id).unwrap()),
            Op::Story { id, title, events } => {
                store.put_story(&Story { id, title, events }).unwrap();
                Value::Null
            }
            Op::Stories => json!(store.stories().unwrap()),
            Op::EventSummaries => json!(store.event_summaries().unwrap()),
            Op::Members { event } => {
                json!(store.event_members(&event).unwrap().iter().map(|a| a.article.id.clone()).collect::<Vec<_>>())
            }
            Op::Search { query, limit } => {
                let hits = store.search(&query, limit).unwrap();
                let hits: Vec<Value> = hits
                    .into_iter()
                    .map(|h| {
                        let mut v = json!(h);
                        v["rank"] = json!((h.rank * 1000.0).round() / 1000.0);
                        v
                    })
                    .collect();
                json!(hits)
            }
            Op::Document => json!(store.document().unwrap()),
            Op::DocumentForEvent { id } => json!(store.document_for_event(&id).unwrap()),
            Op::DocumentForStory { id } => json!(store.document_for_story(&id).unwrap()),
            Op::PutState { key, value } => {
                store.put_state(&key, value.as_bytes()).unwrap();
                Value::Null
            }
            Op::State { key } => json!(store.state(&key).unwrap().map(|b| String::from_utf8_lossy(&b).into_owned())),
            Op::StateKeys { prefix } => json!(store.state_keys(&prefix).unwrap()),
            Op::DeleteState { key } => json!(store.delete_state(&key).unwrap()),
            Op::PutFeed(f) => {
                store.put_feed_state(&f).unwrap();
                Value::Null
            }
            Op::Feed { url } => json!(store.feed_state(&url).unwrap()),
            Op::Feeds => json!(store.feed_states().unwrap()),
            Op::Reset => {
                store.reset_analysis().unwrap();
                Value::Null
            }
            Op::Reopen => {
                store = match copy_to.take() {
                    Some(to) => {
                        copied_at = Some(n + 1);
                        copy_store(&mut store, to)
                    }
                    None => {
                        drop(store);
                        Store::open(location).unwrap()
                    }
                };
                Value::Null
            }
        };
        results.push(json!({ "line": n + 1, "op": serde_json::from_str::<Value>(line).unwrap(), "result": result }));
    }
    let mut actual = serde_json::to_string_pretty(&results).unwrap();
    for (source, id) in &ids {
        actual = actual.replace(id.as_str(), &format!("@{source}"));
    }
    actual.push('\n');
    let expected_path = dir.join(format!("{name}.expected.json"));
    if postgres || copied {
        let expected = std::fs::read_to_string(&expected_path).unwrap();
        let mut expected: Value = serde_json::from_str(&expected).unwrap();
        let mut actual: Value = serde_json::from_str(&actual).unwrap();
        if postgres {
            searches_as_sets(&mut expected);
            searches_as_sets(&mut actual);
        }
        if copied {
            let at = copied_at.expect("the scenario reopens its store, where the copy goes");
            seqs_after_copy_dropped(&mut expected, at);
            seqs_after_copy_dropped(&mut actual, at);
        }
        let (expected, actual) = (expected.as_array().unwrap(), actual.as_array().unwrap());
        let how = if copied { "on a copy" } else { "on PostgreSQL" };
        assert_eq!(expected.len(), actual.len(), "{name}: number of results {how}");
        for (e, a) in expected.iter().zip(actual) {
            assert_eq!(e, a, "{name} {how}, line {}", e["line"]);
        }
        return;
    }
    if std::env::var_os("UPDATE_EXPECT").is_some() && !copied {
        std::fs::write(&expected_path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path)
        .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_EXPECT=1", expected_path.display()));
    if expected != actual {
        let first = expected.lines().zip(actual.lines()).position(|(e, a)| e != a).unwrap_or(0);
        panic!(
            "{name}: results differ from {} at line {}:\n  expected: {}\n  actual:   {}\n(UPDATE_EXPECT=1 to refresh)",
            expected_path.display(),
            first + 1,
            expected.lines().nth(first).unwrap_or(""),
            actual.lines().nth(first).unwrap_or("")
        );
    }
}

#[test]
fn ingest() {
    check("ingest");
}

#[test]
fn events_and_stories() {
    check("events");
}

#[test]
fn search() {
    check("search");
}

#[test]
fn state_and_feeds() {
    check("state");
}

#[test]
fn batches() {
    check("batches");
}

#[test]
fn batches_postgres() {
    check_postgres("batches");
}

#[test]
fn ingest_postgres() {
    check_postgres("ingest");
}

#[test]
fn events_and_stories_postgres() {
    check_postgres("events");
}

#[test]
fn search_postgres() {
    check_postgres("search");
}

#[test]
fn state_and_feeds_postgres() {
    check_postgres("state");
}

#[test]
fn ingest_copied_sqlite_to_sqlite() {
    check_copied("ingest", false, false);
}

#[test]
fn events_and_stories_copied_sqlite_to_sqlite() {
    check_copied("events", false, false);
}

#[test]
fn state_and_feeds_copied_sqlite_to_sqlite() {
    check_copied("state", false, false);
}

#[test]
fn ingest_copied_sqlite_to_postgres() {
    check_copied("ingest", false, true);
}

#[test]
fn events_and_stories_copied_sqlite_to_postgres() {
    check_copied("events", false, true);
}

#[test]
fn state_and_feeds_copied_sqlite_to_postgres() {
    check_copied("state", false, true);
}

#[test]
fn ingest_copied_postgres_to_sqlite() {
    check_copied("ingest", true, false);
}

#[test]
fn events_and_stories_copied_postgres_to_sqlite() {
    check_copied("events", true, false);
}

#[test]
fn state_and_feeds_copied_postgres_to_sqlite() {
    check_copied("state", true, false);
}
