//! What only the PostgreSQL backend needs checked beyond the shared scenarios (`tests/scenarios.rs`):
//! its schema version, refusing foreign and newer databases untouched, transactions and snapshots.
//!
//! Needs `SYNOPTIC_TEST_POSTGRES` (see `synoptic_testkit::PgDb`); skipped loudly without it, failing under `CI=true`.

mod common;

use common::article;
use synoptic_model::Annotations;
use synoptic_store::{Store, StoreError, postgres_schema};
use synoptic_testkit::PgDb;

#[test]
fn open_creates_a_current_schema_and_reopens() {
    let Some(db) = PgDb::new("pg-open") else { return };
    let store = Store::open(db.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), postgres_schema::CURRENT);
    assert_eq!(store.backend_name(), "postgres");
    assert!(store.insert_article(&article(1), &Annotations::default()).unwrap());
    drop(store);
    let store = Store::open(db.path()).unwrap();
    assert_eq!(store.article_count().unwrap(), 1);
    assert!(store.schema_dump().unwrap().iter().any(|l| l.contains("articles_search")), "the search index exists");
    store.check_integrity().unwrap();
    store.optimize().unwrap();
}

#[test]
fn newer_schema_is_refused_untouched() {
    let Some(db) = PgDb::new("pg-newer") else { return };
    drop(Store::open(db.path()).unwrap());
    let newer = (postgres_schema::CURRENT + 1).to_string();
    db.client().execute("UPDATE synoptic_meta SET value = $1 WHERE key = 'version'", &[&newer]).unwrap();
    let err = Store::open(db.path()).expect_err("a newer store must be refused");
    assert!(matches!(err, StoreError::TooNew { found, .. } if found == postgres_schema::CURRENT + 1), "{err}");
    let row = db.client().query_one("SELECT value FROM synoptic_meta WHERE key = 'version'", &[]).unwrap();
    assert_eq!(row.get::<_, String>(0), newer, "the version was left as it was");
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let Some(db) = PgDb::new("pg-foreign") else { return };
    db.client().batch_execute("CREATE TABLE invoices (n INTEGER)").unwrap();
    let err = Store::open(db.path()).expect_err("a foreign database must be refused");
    assert!(matches!(err, StoreError::Foreign { .. }), "{err}");
    let tables: i64 = db
        .client()
        .query_one("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()", &[])
        .unwrap()
        .get(0);
    assert_eq!(tables, 1, "nothing was created beside the foreign table");
}

#[test]
fn failed_transaction_writes_nothing_and_snapshots_hold() {
    let Some(db) = PgDb::new("pg-tx") else { return };
    let mut writer = Store::open(db.path()).unwrap();
    let mut reader = Store::open(db.path()).unwrap();
    let out: Result<(), StoreError> = writer.transaction(|tx| {
        tx.insert_article(&article(1), &Annotations::default())?;
        tx.put_state("k", b"v")?;
        Err(StoreError::Invalid { what: "test".into(), reason: "roll back".into() })
    });
    assert!(out.is_err());
    assert_eq!(writer.article_count().unwrap(), 0);
    assert_eq!(writer.state("k").unwrap(), None);
    writer
        .transaction(|tx| {
            for n in 0..10 {
                tx.insert_article(&article(n), &Annotations::default())?;
            }
            Ok(())
        })
        .unwrap();
    // A snapshot sees the same count before and after another handle commits.
    let (before, after) = reader
        .read(|tx| {
            let before = tx.article_count()?;
            writer.insert_article(&article(99), &Annotations::default())?;
            Ok((before, tx.article_count()?))
        })
        .unwrap();
    assert_eq!((before, after), (10, 10));
    assert_eq!(reader.article_count().unwrap(), 11);
    assert!(reader.read(|tx| tx.put_state("x", b"y")).is_err(), "a snapshot is read-only");
    // The handle is usable after a failed read.
    assert_eq!(reader.article_count().unwrap(), 11);
}
