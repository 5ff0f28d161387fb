//! The PostgreSQL store end to end through the command line: `--store postgres://...` ingests the bundled
//! corpus and the seeds into the same articles, events and stories as SQLite (the exported documents are
//! equal), and every reading command works on it.
//!
//! Needs a PostgreSQL server named by `SYNOPTIC_TEST_POSTGRES` (`.ci/run` starts one); skipped loudly
//! without it, and failing under `CI=true`.

mod common;

use common::{export, run, scratch, shared, stderr, stdout, synoptic};
use serde_json::Value;
use std::path::{Path, PathBuf};
use synoptic_testkit::PgDb;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus")
}

/// What must be identical across backends: article ids in order, and each event's and story's members.
fn grouping(doc: &Value) -> Value {
    let ids = |v: &Value| v.as_array().into_iter().flatten().map(|x| x["id"].clone()).collect::<Vec<_>>();
    let events: Vec<Value> = doc["events"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| serde_json::json!({ "id": e["id"], "story": e["story"], "articles": e["articles"] }))
        .collect();
    let stories: Vec<Value> = doc["stories"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| serde_json::json!({ "id": s["id"], "events": s["events"] }))
        .collect();
    serde_json::json!({ "articles": ids(&doc["articles"]), "events": events, "stories": stories })
}

/// Ingest `input` into SQLite and into PostgreSQL; the exported documents must agree.
fn check_same_as_sqlite(name: &str, input: &Path) {
    let Some(db) = PgDb::new(name) else { return };
    let dir = scratch(&format!("pg-{name}"));
    let out = run(synoptic(&dir).arg("ingest").arg(input));
    assert_eq!(out.status.code(), Some(0), "SQLite ingest: {}", stderr(&out));
    let out = run(synoptic(db.path()).arg("ingest").arg(input));
    assert_eq!(out.status.code(), Some(0), "PostgreSQL ingest: {}", stderr(&out));
    let (lite, pg) = (export(&dir), export(db.path()));
    assert!(!lite["events"].as_array().is_none_or(Vec::is_empty), "{name}: no events at all");
    assert_eq!(grouping(&lite), grouping(&pg), "{name}: ids and grouping differ between SQLite and PostgreSQL");
    // Beyond ids and grouping, the whole document (texts, synopses) is the same.
    assert_eq!(lite, pg, "{name}: the exported documents differ");
    // Ingesting again adds nothing, on PostgreSQL as on SQLite.
    let out = run(synoptic(db.path()).arg("ingest").arg(input));
    assert_eq!(out.status.code(), Some(0), "second PostgreSQL ingest: {}", stderr(&out));
    assert_eq!(export(db.path()), pg, "{name}: a second ingest changed the store");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn corpus_on_postgres_equals_sqlite() {
    check_same_as_sqlite("corpus", &corpus());
}

#[test]
fn seeds_on_postgres_equal_sqlite() {
    let Some(seeds) = shared().map(|s| s.join("seeds")).filter(|s| s.is_dir()) else {
        eprintln!("SKIPPED: ../shared/seeds absent");
        return;
    };
    check_same_as_sqlite("seeds", &seeds);
}

#[test]
fn every_reading_command_works_on_postgres() {
    let Some(db) = PgDb::new("commands") else { return };
    let out = run(synoptic(db.path()).args(["ingest", "--no-synopses"]).arg(corpus()));
    assert_eq!(out.status.code(), Some(0), "ingest: {}", stderr(&out));
    let out = run(synoptic(db.path()).arg("refresh"));
    assert_eq!(out.status.code(), Some(0), "refresh: {}", stderr(&out));
    let doc = export(db.path());
    let story = doc["stories"][0]["id"].as_str().expect("a story").to_string();
    let event = doc["events"][0]["id"].as_str().expect("an event").to_string();
    let article = doc["articles"][0]["id"].as_str().expect("an article").to_string();
    let out = run(synoptic(db.path()).arg("stories"));
    assert_eq!(out.status.code(), Some(0), "stories: {}", stderr(&out));
    assert!(!stdout(&out).trim().is_empty(), "stories printed nothing");
    for id in [&story, &event, &article] {
        let out = run(synoptic(db.path()).args(["show", id, "--format", "json"]));
        assert_eq!(out.status.code(), Some(0), "show {id}: {}", stderr(&out));
    }
    // A word from the first article's title finds that article.
    let title = doc["articles"][0]["title"].as_str().unwrap_or_default();
    let word = title.split_whitespace().max_by_key(|w| w.len()).expect("a title word");
    let word: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
    let out = run(synoptic(db.path()).args(["search", &word, "--limit", "50"]));
    assert_eq!(out.status.code(), Some(0), "search: {}", stderr(&out));
    assert!(stdout(&out).contains(&article), "search {word:?} did not find {article}: {}", stdout(&out));
    let gold = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus.gold.jsonl");
    let out = run(synoptic(db.path()).args(["eval", "cluster", "--gold"]).arg(&gold));
    assert_eq!(out.status.code(), Some(0), "eval cluster: {}", stderr(&out));
    let out = run(synoptic(db.path()).arg("recluster"));
    assert_eq!(out.status.code(), Some(0), "recluster: {}", stderr(&out));
}

#[test]
fn an_unreachable_server_is_a_clear_error() {
    // A port nothing listens on (the test server's port is in use by the server, so take a free one).
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap();
    let url = format!("postgres://synoptic:secret@127.0.0.1:{port}/nothing");
    let out = run(synoptic(Path::new(&url)).arg("stories"));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(&format!("127.0.0.1:{port}")), "the error names the server: {err}");
    assert!(!err.contains("secret"), "the password is not printed: {err}");
}

/// `store copy` moves a SQLite store to PostgreSQL and back with everything in it: the exported documents are
/// equal, a second copy adds nothing, a copy into a store of other articles is refused, and the engine state
/// comes along (ingesting more into the copy gives what ingesting it into the original gives).
#[test]
fn store_copy_to_postgres_and_back_keeps_everything() {
    let Some(db) = PgDb::new("store-copy") else { return };
    let seeds = shared().map(|s| s.join("seeds")).filter(|s| s.is_dir());
    let dir = scratch("copy-src");
    let back = scratch("copy-back");
    let out = run(synoptic(&dir).arg("ingest").arg(corpus()));
    assert_eq!(out.status.code(), Some(0), "ingest: {}", stderr(&out));
    let original = export(&dir);
    let copy = |from: &Path, to: &Path| run(synoptic(from).args(["store", "copy", "--to"]).arg(to));
    let out = copy(&dir, db.path());
    assert_eq!(out.status.code(), Some(0), "copy to PostgreSQL: {}", stderr(&out));
    assert_eq!(export(db.path()), original, "the PostgreSQL copy exports a different document");
    let out = copy(&dir, db.path());
    assert_eq!(out.status.code(), Some(0), "second copy: {}", stderr(&out));
    assert!(stderr(&out).contains("copied 0 articles"), "a second copy adds nothing: {}", stderr(&out));
    let out = copy(db.path(), &back);
    assert_eq!(out.status.code(), Some(0), "copy back to SQLite: {}", stderr(&out));
    assert_eq!(export(&back), original, "the copy back exports a different document");
    // Another store's articles are not mixed in.
    let foreign = scratch("copy-foreign");
    let out = run(synoptic(&foreign).arg("ingest").arg(corpus()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = copy(&dir, &foreign);
    assert_eq!(out.status.code(), Some(1), "a copy into a store of other origin is refused: {}", stderr(&out));
    assert!(stderr(&out).contains("already holds"), "{}", stderr(&out));
    // The engine came along: more articles go into the copy as they go into the original.
    if let Some(seeds) = seeds {
        for store in [dir.as_path(), db.path()] {
            let out = run(synoptic(store).arg("ingest").arg(&seeds));
            assert_eq!(out.status.code(), Some(0), "ingest after the copy: {}", stderr(&out));
        }
        assert_eq!(grouping(&export(db.path())), grouping(&export(&dir)), "ingest after a copy groups differently");
    }
    for d in [dir, back, foreign] {
        let _ = std::fs::remove_dir_all(d);
    }
}
