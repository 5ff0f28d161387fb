//! The store's required properties: stable ids, versions and migration, WAL readers, crash safety,
//! transactions, damaged files, and search that never fails on user input.

mod common;

use common::{Scratch, article};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use synoptic_model::{Annotations, Article, Event, Story};
use synoptic_store::{CopyOptions, NewArticle, Store, StoreError, schema};
use synoptic_testkit::PgDb;

#[test]
fn same_article_twice_is_stored_once() {
    let store = Store::open_in_memory().unwrap();
    let a = article(1);
    assert!(store.insert_article(&a, &Annotations::default()).unwrap());
    assert!(!store.insert_article(&a, &Annotations::default()).unwrap());
    // The same content from another input, with curly quotes and other spacing, has the same id.
    let mut again = Article::new("elsewhere.html", a.title.clone(), a.text.replace("\n\n", "\n\n\n"));
    again.outlet = Some("Another outlet".into());
    assert_eq!(again.id, a.id);
    assert!(!store.insert_article(&again, &Annotations::default()).unwrap());
    assert_eq!(store.article_count().unwrap(), 1);
    let stored = store.article(&a.id).unwrap().unwrap();
    assert_eq!(stored.article, a, "the first copy is kept unchanged");
    assert_eq!(stored.seq, 1);
}

#[test]
fn open_creates_a_current_store_in_wal_mode() {
    let dir = Scratch::new("open");
    let store = Store::open(&dir.path().join("nested/store")).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::CURRENT);
    assert!(dir.path().join("nested/store/synoptic.db").is_file());
    let conn = rusqlite::Connection::open(dir.path().join("nested/store/synoptic.db")).unwrap();
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    // The state table (which holds the engine snapshot, tens of MB) keeps values out of its key b-tree: in
    // a `WITHOUT ROWID` table every lookup of another key would read the snapshot's overflow pages.
    let state: String = conn
        .query_row("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'state'", [], |r| r.get(0))
        .unwrap();
    assert!(!state.to_ascii_uppercase().contains("WITHOUT ROWID"), "{state}");
    let key_index: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'state'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(key_index, 1, "the key has its own index");
    drop(store);
    // Reopening does nothing to a current store.
    let store = Store::open(&dir.path().join("nested/store")).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::CURRENT);
}

/// A store written by schema v1 (built from the committed script) opens as the current version, with
/// every row intact and the v2 additions filled in from the old data.
#[test]
fn v1_store_migrates_with_data_intact() {
    let dir = Scratch::new("v1");
    let script = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v1.sql")).unwrap();
    {
        let conn = rusqlite::Connection::open(dir.db()).unwrap();
        conn.execute_batch(&script).unwrap();
        let v: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v, 1);
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::CURRENT);

    // Articles, with annotations, placement, credits and extra fields.
    assert_eq!(store.article_count().unwrap(), 4);
    let a = store.article("a1b2c3d4e5f60001").unwrap().unwrap();
    assert_eq!(a.article.title.as_deref(), Some("Harbour bridge reopens after repairs"));
    assert_eq!(a.article.credits, ["Associated Press"]);
    assert_eq!(a.article.event.as_deref(), Some("ev-bridge"));
    assert!(a.article.extra.modified.is_some());
    assert_eq!(a.annotations.entities.len(), 1);
    let copy = store.article("a1b2c3d4e5f60002").unwrap().unwrap();
    assert_eq!(copy.article.copy_of.as_deref(), Some("a1b2c3d4e5f60001"));
    assert_eq!(store.event_members("ev-bridge").unwrap().len(), 2);

    // Events, stories and state.
    let e = store.event("ev-bridge").unwrap().unwrap();
    assert_eq!(e.summary.len(), 1);
    assert_eq!(store.story("st-transport").unwrap().unwrap().events, ["ev-bridge", "ev-tram"]);
    assert_eq!(store.state("engine").unwrap().unwrap(), [0, 1, 2, 3]);

    // v2: search covers the old articles; the story list has the outlets and times backfilled.
    let hits = store.search("bridge", 10).unwrap();
    assert_eq!(hits.len(), 2, "{hits:?}");
    let list = store.stories().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].events, 2);
    assert_eq!(list[0].articles, 3);
    assert_eq!(list[0].origins, 2);
    assert_eq!(list[0].outlets, ["Northport Gazette", "Coastal Wire", "Valmont Herald"]);
    assert_eq!(list[0].last_seen.map(|t| t.to_rfc3339()).as_deref(), Some("2024-04-11T18:00:00+02:00"));
    assert_eq!(list[0].first_seen.map(|t| t.to_rfc3339()).as_deref(), Some("2024-03-04T09:00:00+01:00"));
    assert!(store.feed_states().unwrap().is_empty());

    // New writes work, and the migrated schema is exactly a fresh store's.
    assert!(store.insert_article(&article(9), &Annotations::default()).unwrap());
    assert_eq!(store.article("a1b2c3d4e5f60001").unwrap().unwrap().seq, 1);
    assert_eq!(store.articles_after(4, 10).unwrap()[0].seq, 5);
    let fresh = Store::open_in_memory().unwrap();
    assert_eq!(store.schema_dump().unwrap(), fresh.schema_dump().unwrap());
    store.check_integrity().unwrap();
}

/// A store as schema v2 left it (JSON annotations and bodies, explanations as state rows) opens as v3 and
/// answers every query as before, with its rows now in their compact forms.
#[test]
fn v2_store_migrates_to_compact_storage() {
    assert_eq!(schema::CURRENT, 5);
    let dir = Scratch::new("v2");
    let fixture = |name: &str| std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR")));
    type Rows = Vec<(String, String)>;
    let (annotations, events, stories): (Rows, Rows, Rows) = {
        let conn = rusqlite::Connection::open(dir.db()).unwrap();
        conn.execute_batch(&fixture("v1.sql").unwrap()).unwrap();
        conn.execute_batch(&fixture("v2.sql").unwrap()).unwrap();
        let v: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v, 2);
        let rows = |sql: &str| -> Rows {
            let mut st = conn.prepare(sql).unwrap();
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
        };
        (
            rows("SELECT id, annotations FROM articles ORDER BY seq"),
            rows("SELECT id, body FROM events"),
            rows("SELECT id, body FROM stories"),
        )
    };
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::CURRENT);

    // The same annotations, events and stories as the JSON that v2 stored.
    assert_eq!(annotations.len(), 5);
    for (id, json) in &annotations {
        let want: Annotations = serde_json::from_str(json).unwrap();
        assert_eq!(store.article(id).unwrap().unwrap().annotations, want, "article {id}");
    }
    let ferry = store.article("a1b2c3d4e5f60005").unwrap().unwrap();
    assert_eq!(ferry.annotations.figures[1].alternate.as_ref().map(|f| f.text.as_str()), Some("$2.6 million"));
    assert_eq!(ferry.annotations.quotes[0].speaker.as_deref(), Some("Ada Lind"));
    for (id, json) in &events {
        let want: Event = serde_json::from_str(json).unwrap();
        assert_eq!(store.event(id).unwrap().unwrap(), want, "event {id}");
    }
    assert_eq!(store.events().unwrap().len(), 2);
    for (id, json) in &stories {
        let want: Story = serde_json::from_str(json).unwrap();
        assert_eq!(store.story(id).unwrap().unwrap(), want, "story {id}");
    }
    assert_eq!(store.event_members("ev-tram").unwrap().len(), 2);
    let list = store.stories().unwrap();
    assert_eq!(list[0].outlets, ["Northport Gazette", "Coastal Wire", "Valmont Herald"]);
    assert_eq!(store.search("ferry fares", 10).unwrap().len(), 1);
    assert_eq!(store.search("\"harbour bridge\"", 10).unwrap().len(), 2);
    let doc = store.document_for_story("st-transport").unwrap().unwrap();
    assert_eq!((doc.events.len(), doc.articles.len()), (2, 3));

    // Explanations moved into their articles' rows and are read under the same keys; that of an unknown
    // article stays a state row, other state is untouched.
    let ferry_why = br#"{"score":0.4,"reason":"score reaches threshold"}"#;
    assert_eq!(store.state("explain/a1b2c3d4e5f60005").unwrap().as_deref(), Some(&ferry_why[..]));
    assert_eq!(store.explanation("a1b2c3d4e5f60005").unwrap().as_deref(), Some(&ferry_why[..]));
    assert_eq!(store.explanation("a1b2c3d4e5f60002").unwrap(), None);
    assert_eq!(store.state_keys("explain/").unwrap(), ["explain/0000000000000000"]);
    assert_eq!(store.state("pending/ev-tram").unwrap().unwrap(), b"st-transport\nNorthport transport");
    assert_eq!(store.state("engine").unwrap().unwrap(), [0, 1, 2, 3]);
    assert!(store.delete_state("explain/a1b2c3d4e5f60005").unwrap());
    assert_eq!(store.state("explain/a1b2c3d4e5f60005").unwrap(), None);
    assert!(!store.delete_state("explain/a1b2c3d4e5f60005").unwrap());

    // Stored in the compact forms; the schema is exactly a fresh store's.
    {
        let conn = rusqlite::Connection::open(dir.db()).unwrap();
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(count("SELECT count(*) FROM articles WHERE typeof(annotations) <> 'blob'"), 0);
        assert_eq!(count("SELECT count(*) FROM events WHERE typeof(body) <> 'blob'"), 0);
        assert_eq!(count("SELECT count(*) FROM stories WHERE typeof(body) <> 'blob'"), 0);
        assert_eq!(count("SELECT count(*) FROM articles WHERE explain IS NOT NULL"), 1);
    }
    let fresh = Store::open_in_memory().unwrap();
    assert_eq!(store.schema_dump().unwrap(), fresh.schema_dump().unwrap());
    store.check_integrity().unwrap();
}

/// Articles stored in one batch call with placement and explanation read back like articles stored one
/// write at a time; explanations follow the article (state keys, reset).
#[test]
fn batch_insert_stores_placement_and_explanation() {
    let mut store = Store::open_in_memory().unwrap();
    let (a, b, c) = (article(1), article(2), article(3));
    let ann = Annotations::default();
    let batch = [
        NewArticle { event: Some("ev-1"), explanation: Some(b"why a"), ..NewArticle::new(&a, &ann) },
        NewArticle { copy_of: Some(&a.id), event: Some("ev-1"), ..NewArticle::new(&b, &ann) },
        NewArticle { event: Some("ev-1"), explanation: Some(b"why again"), ..NewArticle::new(&a, &ann) },
    ];
    let added = store.transaction(|tx| tx.insert_articles(&batch)).unwrap();
    assert_eq!(added, [true, true, false]);
    let members = store.event_members("ev-1").unwrap();
    assert_eq!(members.iter().map(|m| m.article.id.as_str()).collect::<Vec<_>>(), [a.id.as_str(), b.id.as_str()]);
    assert_eq!(members[1].article.copy_of.as_deref(), Some(a.id.as_str()));
    assert_eq!(store.explanation(&a.id).unwrap().as_deref(), Some(&b"why a"[..]));
    assert_eq!(store.state(&format!("explain/{}", a.id)).unwrap().as_deref(), Some(&b"why a"[..]));

    // The one-call-per-write way gives the same rows.
    assert!(store.insert_article(&c, &ann).unwrap());
    store.set_placement(&c.id, None, "ev-1").unwrap();
    store.put_state(&format!("explain/{}", c.id), b"why c").unwrap();
    assert_eq!(store.explanation(&c.id).unwrap().as_deref(), Some(&b"why c"[..]));
    assert!(store.state_keys("explain/").unwrap().is_empty(), "kept with the article, not as state");
    // An explanation for an article not (yet) stored is kept as state.
    store.put_state("explain/elsewhere", b"why not").unwrap();
    assert_eq!(store.state("explain/elsewhere").unwrap().as_deref(), Some(&b"why not"[..]));

    store.reset_analysis().unwrap();
    assert_eq!(store.explanation(&a.id).unwrap(), None);
    assert_eq!(store.state("explain/elsewhere").unwrap(), None);
    assert!(store.article(&a.id).unwrap().is_some());
}

#[test]
fn newer_store_is_refused_untouched() {
    let dir = Scratch::new("newer");
    drop(Store::open(dir.path()).unwrap());
    {
        let conn = rusqlite::Connection::open(dir.db()).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let err = Store::open(dir.path()).expect_err("a newer store must be refused");
    assert!(matches!(err, StoreError::TooNew { found: 99, supported: schema::CURRENT, .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("synoptic.db") && msg.contains("99"), "{msg}");
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let v: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v, 99, "the newer store is left as it was");
}

#[test]
fn another_programs_database_is_refused() {
    let dir = Scratch::new("foreign");
    {
        let conn = rusqlite::Connection::open(dir.db()).unwrap();
        conn.execute_batch("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT);").unwrap();
    }
    let err = Store::open(dir.path()).expect_err("a foreign database must be refused");
    assert!(matches!(&err, StoreError::Foreign { path } if path.ends_with("synoptic.db")), "{err:?}");
}

#[test]
fn garbage_file_is_a_typed_error_naming_the_path() {
    let dir = Scratch::new("garbage");
    let junk: Vec<u8> = (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(dir.db(), junk).unwrap();
    let err = Store::open(dir.path()).expect_err("garbage must not open");
    assert!(matches!(&err, StoreError::Corrupt { path, .. } if path == &dir.db()), "{err:?}");
    assert!(err.to_string().contains(&dir.db().display().to_string()));
}

#[test]
fn a_directory_in_place_of_the_file_is_a_typed_error() {
    let dir = Scratch::new("dirdb");
    std::fs::create_dir_all(dir.db()).unwrap();
    let err = Store::open(dir.path()).expect_err("must not open");
    assert!(matches!(&err, StoreError::Unreadable { path, .. } if path == &dir.db()), "{err:?}");
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    let err = Store::open(&file).expect_err("must not open");
    assert!(matches!(&err, StoreError::Io { path, .. } if path == &file), "{err:?}");
}

/// Damage inside a real store is found by a read or by the integrity check, as `Corrupt` naming the
/// file: never a panic, never a silent success.
#[test]
fn damaged_store_reports_corruption() {
    for (name, damage) in [("truncated", Damage::Truncate), ("scribbled", Damage::Scribble)] {
        let dir = Scratch::new(name);
        {
            let mut store = Store::open(dir.path()).unwrap();
            store
                .transaction(|tx| {
                    for n in 0..3000 {
                        tx.insert_article(&article(n), &Annotations::default())?;
                    }
                    Ok(())
                })
                .unwrap();
        }
        let len = std::fs::metadata(dir.db()).unwrap().len();
        assert!(len > 100_000, "the store is big enough to damage: {len}");
        match damage {
            Damage::Truncate => {
                let f = std::fs::OpenOptions::new().write(true).open(dir.db()).unwrap();
                f.set_len(len / 3).unwrap();
            }
            Damage::Scribble => {
                let mut bytes = std::fs::read(dir.db()).unwrap();
                let mid = bytes.len() / 2;
                for (i, b) in bytes[mid..mid + 30_000].iter_mut().enumerate() {
                    *b = (i * 37 % 251) as u8;
                }
                std::fs::write(dir.db(), bytes).unwrap();
            }
        }
        let found = match Store::open(dir.path()) {
            Err(e) => Some(e),
            Ok(store) => store
                .articles()
                .err()
                .or_else(|| store.search("ferry", 5).err())
                .or_else(|| store.check_integrity().err()),
        };
        let err = found.unwrap_or_else(|| panic!("{name}: damage went unnoticed"));
        assert!(matches!(&err, StoreError::Corrupt { path, .. } if path == &dir.db()), "{name}: {err:?}");
    }
}

enum Damage {
    Truncate,
    Scribble,
}

/// Two handles on one directory: a reader's snapshot is not blocked by a writer's commit (WAL), sees
/// the old state until it ends, and the new state afterwards.
#[test]
fn readers_read_while_a_writer_writes() {
    let dir = Scratch::new("wal");
    let mut writer = Store::open(dir.path()).unwrap();
    let mut reader = Store::open(dir.path()).unwrap();
    writer.insert_article(&article(0), &Annotations::default()).unwrap();

    reader
        .read(|snapshot| {
            assert_eq!(snapshot.article_count()?, 1);
            // The writer commits while the reader holds its snapshot open.
            writer.transaction(|tx| {
                for n in 1..=50 {
                    tx.insert_article(&article(n), &Annotations::default())?;
                }
                // Uncommitted writes are invisible to the reader.
                Ok(())
            })?;
            assert_eq!(snapshot.article_count()?, 1, "a snapshot does not change under the reader");
            Ok(())
        })
        .unwrap();
    assert_eq!(reader.article_count().unwrap(), 51);

    // A snapshot is read-only; the handle writes again afterwards.
    let write_in_snapshot = reader.read(|snapshot| snapshot.insert_article(&article(200), &Annotations::default()));
    assert!(write_in_snapshot.is_err());
    assert!(reader.insert_article(&article(201), &Annotations::default()).unwrap());
    assert_eq!(writer.article_count().unwrap(), 52);

    // And a reader can read in the middle of an open write transaction.
    writer
        .transaction(|tx| {
            tx.insert_article(&article(100), &Annotations::default())?;
            assert_eq!(reader.article_count()?, 52);
            assert!(!reader.contains_article(&article(100).id)?);
            assert!(reader.contains_article(&article(201).id)?);
            Ok(())
        })
        .unwrap();
    assert!(reader.contains_article(&article(100).id).unwrap());
}

/// The full-text index holds exactly the stored articles however they were inserted: one at a time
/// outside a transaction, singly or in batches inside one (searchable before commit), and not those of a
/// transaction that failed.
#[test]
fn search_index_follows_every_way_of_inserting() {
    let dir = Scratch::new("fts");
    let mut store = Store::open(dir.path()).unwrap();
    let ann = Annotations::default();
    let hits = |store: &Store, n: usize| -> usize { store.search(&format!("\"item {n}\""), 10).unwrap().len() };
    assert!(store.insert_article(&article(1), &ann).unwrap());
    assert_eq!(hits(&store, 1), 1);
    store
        .transaction(|tx| {
            assert!(tx.insert_article(&article(2), &ann)?);
            let (a3, a4) = (article(3), article(4));
            let added = tx.insert_articles(&[NewArticle::new(&a3, &ann), NewArticle::new(&a4, &ann)])?;
            assert_eq!(added, [true, true]);
            assert_eq!(tx.search("\"item 3\"", 10)?.len(), 1, "searchable inside the transaction");
            assert!(tx.insert_article(&article(5), &ann)?);
            Ok(())
        })
        .unwrap();
    let failed: Result<(), StoreError> = store.transaction(|tx| {
        tx.insert_article(&article(6), &ann)?;
        Err(StoreError::Invalid { what: "test".into(), reason: "abort".into() })
    });
    assert!(failed.is_err());
    store.transaction(|tx| tx.insert_article(&article(7), &ann).map(|_| ())).unwrap();
    for (n, want) in [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 0), (7, 1)] {
        assert_eq!(hits(&store, n), want, "article {n}");
    }
    assert_eq!(store.search("valley", 20).unwrap().len(), 6);
    // The index agrees with the stored texts (FTS5's own check is part of the integrity check).
    store.check_integrity().unwrap();
    store.close().unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(hits(&store, 7), 1);
}

#[test]
fn failed_transaction_writes_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    let result: Result<(), StoreError> = store.transaction(|tx| {
        for n in 0..10 {
            tx.insert_article(&article(n), &Annotations::default())?;
        }
        tx.put_event(&Event { id: "e".into(), story: "s".into(), ..Event::default() })?;
        Err(StoreError::Invalid { what: "test".into(), reason: "abort".into() })
    });
    assert!(result.is_err());
    assert_eq!(store.article_count().unwrap(), 0);
    assert!(store.event("e").unwrap().is_none());
    let n = store
        .transaction(|tx| {
            let mut added = 0;
            for n in 0..10 {
                added += usize::from(tx.insert_article(&article(n % 5), &Annotations::default())?);
            }
            Ok(added)
        })
        .unwrap();
    assert_eq!(n, 5);
    assert_eq!(store.article_count().unwrap(), 5);
}

#[test]
fn story_list_is_newest_first_and_follows_updates() {
    let store = Store::open_in_memory().unwrap();
    let mut ids = Vec::new();
    for (n, date) in [(1, "2024-01-01T00:00:00Z"), (2, "2024-02-01T00:00:00Z"), (3, "2024-03-01T00:00:00Z")] {
        let mut a = article(n);
        a.published = chrono::DateTime::parse_from_rfc3339(date).ok();
        store.insert_article(&a, &Annotations::default()).unwrap();
        ids.push(a.id);
    }
    for (e, s, members) in [("e1", "old", &ids[0..1]), ("e2", "new", &ids[1..2]), ("e3", "undated", &[][..])] {
        let event = Event { id: e.into(), story: s.into(), articles: members.to_vec(), ..Event::default() };
        store.put_event(&event).unwrap();
        store.put_story(&Story { id: s.into(), title: s.into(), events: vec![e.into()] }).unwrap();
    }
    let order = |store: &Store| store.stories().unwrap().into_iter().map(|s| s.id).collect::<Vec<_>>();
    assert_eq!(order(&store), ["new", "old", "undated"]);
    // The old story gains the newest article: it moves to the top.
    let grown = Event {
        id: "e1".into(),
        story: "old".into(),
        articles: vec![ids[0].clone(), ids[2].clone()],
        ..Event::default()
    };
    store.put_event(&grown).unwrap();
    assert_eq!(order(&store), ["old", "new", "undated"]);
    assert_eq!(store.stories().unwrap()[0].articles, 2);
    assert!(store.delete_story("new").unwrap());
    assert_eq!(order(&store), ["old", "undated"]);
}

/// Whatever a user types, search answers (possibly with nothing) and never errors.
#[test]
fn search_never_fails_on_user_input() {
    let store = Store::open_in_memory().unwrap();
    let mut a =
        Article::new("x", Some("F-16 jets: \"delivery\" (delayed)".into()), "Price: $5* per unit — NEAR the OR gate.");
    a.outlet = Some("Test".into());
    store.insert_article(&a, &Annotations::default()).unwrap();
    let nasty = [
        "",
        " ",
        "\"",
        "\"\"",
        "\"unbalanced phrase",
        "(",
        ")",
        "(()",
        "a)",
        "*",
        "**",
        "-",
        "--x",
        "-jets",
        ":",
        "title:",
        "title:jets",
        "text : jets",
        "NEAR(",
        "NEAR(a b, 2)",
        "AND",
        "OR",
        "NOT",
        "jets AND",
        "OR jets",
        "jets NOT",
        "^jets",
        "+jets",
        "{title text}: jets",
        "jets\0",
        "\u{301}",
        "\u{301}\u{302}*",
        "'",
        "''",
        "`",
        "\\",
        "F-16",
        "f-16*",
        "$5*",
        "—",
        "…",
        "'jets'",
        "jets\"delivery",
        "\"jets\"*",
        "\"a\" \"b\" \"",
        "%",
        "_",
        "[jets]",
        ";DROP TABLE articles;--",
        "🙂",
        "ünïcödé*",
        "日本",
    ];
    for q in nasty {
        let hits = store.search(q, 10);
        assert!(hits.is_ok(), "query {q:?} failed: {hits:?}");
    }
    // Generated queries over the FTS5 syntax characters.
    let alphabet: Vec<char> = "\"*-:()^+{},. aAjetsORNEAR\u{301}".chars().collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..2000 {
        let len = (state % 12) as usize;
        let mut q = String::new();
        for _ in 0..len {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            q.push(alphabet[(state >> 33) as usize % alphabet.len()]);
        }
        state = state.wrapping_add(1);
        let hits = store.search(&q, 5);
        assert!(hits.is_ok(), "query {q:?} failed: {hits:?}");
    }
    assert_eq!(store.search("F-16", 5).unwrap().len(), 1);
    assert_eq!(store.search("-jets", 5).unwrap().len(), 1, "a leading minus is text, not negation");
    assert_eq!(store.search("title:jets", 5).unwrap().len(), 0, "no column filters: title:jets is one word pair");
    assert_eq!(store.search("jet*", 5).unwrap().len(), 1);
    assert_eq!(store.search("jet", 5).unwrap().len(), 0, "words match whole");
}

/// Crash safety: a writer process is killed (`kill -9`) in the middle of ingesting; every article whose
/// transaction had returned is in the store, the store opens clean, and it accepts the rest.
#[test]
fn committed_articles_survive_kill_9() {
    let dir = Scratch::new("kill9");
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args(["crash_writer_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env("SYNOPTIC_STORE_CRASH_DIR", dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut reported = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(ids) = line.strip_prefix("committed ") {
            reported.extend(ids.split(' ').map(str::to_string));
            if reported.len() >= 400 {
                break;
            }
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix: no destructors, no clean close.
    let _ = child.wait();
    assert!(reported.len() >= 400, "the writer reported {} articles", reported.len());

    let mut store = Store::open(dir.path()).unwrap();
    store.check_integrity().unwrap();
    for id in &reported {
        assert!(store.contains_article(id).unwrap(), "reported article {id} was lost");
    }
    let before = store.article_count().unwrap();
    assert!(before >= reported.len());
    let added = store
        .transaction(|tx| {
            let mut added = 0;
            for n in 0..2000 {
                added += usize::from(tx.insert_article(&article(n), &Annotations::default())?);
            }
            Ok(added)
        })
        .unwrap();
    assert_eq!(store.article_count().unwrap(), before + added);
    assert_eq!(store.article_count().unwrap(), 2000.max(before));
}

/// The writer of [`committed_articles_survive_kill_9`], run as a child process.
#[test]
#[ignore = "child process of committed_articles_survive_kill_9"]
fn crash_writer_child() {
    let Some(dir) = std::env::var_os("SYNOPTIC_STORE_CRASH_DIR") else {
        println!("skipped: crash_writer_child runs only as the child of committed_articles_survive_kill_9");
        return;
    };
    let mut store = Store::open(std::path::Path::new(&dir)).unwrap();
    let mut out = std::io::stdout();
    for batch in 0..1_000_000usize {
        let ids = store
            .transaction(|tx| {
                let mut ids = Vec::new();
                for n in batch * 10..batch * 10 + 10 {
                    let a = article(n);
                    tx.insert_article(&a, &Annotations::default())?;
                    ids.push(a.id);
                }
                Ok(ids)
            })
            .unwrap();
        // Reported only after the commit returned.
        writeln!(out, "committed {}", ids.join(" ")).unwrap();
        out.flush().unwrap();
    }
}

/// Two writers on one directory (two handles, two threads) take turns: every article of both lands.
#[test]
fn two_writers_take_turns() {
    let dir = Scratch::new("writers");
    drop(Store::open(dir.path()).unwrap());
    let workers: Vec<_> = (0..2)
        .map(|w| {
            let path = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                for batch in 0..20 {
                    store
                        .transaction(|tx| {
                            for n in 0..25 {
                                tx.insert_article(&article(w * 10_000 + batch * 25 + n), &Annotations::default())?;
                            }
                            Ok(())
                        })
                        .unwrap();
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    assert_eq!(Store::open(dir.path()).unwrap().article_count().unwrap(), 1000);
}

/// A store handle can move to another thread (a server keeps one per worker or behind a lock).
#[test]
fn store_is_send() {
    fn send<T: Send>() {}
    send::<Store>();
    send::<StoreError>();
}

/// A migration that meets damaged data fails as a whole: the error names what is damaged, and the store
/// stays at its old version, untouched, for the user to repair or restore.
#[test]
fn failed_migration_leaves_the_old_version() {
    let dir = Scratch::new("v1-damaged");
    let script = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v1.sql")).unwrap();
    {
        let conn = rusqlite::Connection::open(dir.db()).unwrap();
        conn.execute_batch(&script).unwrap();
        conn.execute("UPDATE events SET body = '{\"id\": \"ev-tram\", broken' WHERE id = 'ev-tram'", []).unwrap();
    }
    let err = Store::open(dir.path()).expect_err("damaged data must stop the migration");
    assert!(matches!(&err, StoreError::Json { what, .. } if what.contains("ev-tram")), "{err:?}");
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let v: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v, 1);
    let fts: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'articles_fts'", [], |r| r.get(0)).unwrap();
    assert_eq!(fts, 0, "no part of v2 was left behind");
}

/// Opening another handle (a server reader) does not wait for a writer in the middle of a transaction.
#[test]
fn opening_a_reader_does_not_wait_for_the_writer() {
    let dir = Scratch::new("open-during-write");
    let mut writer = Store::open(dir.path()).unwrap();
    writer
        .transaction(|tx| {
            tx.insert_article(&article(1), &Annotations::default())?;
            let reader = Store::open(dir.path())?;
            assert_eq!(reader.schema_version()?, schema::CURRENT);
            assert_eq!(reader.article_count()?, 0);
            Ok(())
        })
        .unwrap();
    assert_eq!(Store::open(dir.path()).unwrap().article_count().unwrap(), 1);
}

#[test]
fn optimize_and_close_keep_everything() {
    let dir = Scratch::new("optimize");
    let mut store = Store::open(dir.path()).unwrap();
    for batch in 0..5 {
        store
            .transaction(|tx| {
                for n in 0..100 {
                    tx.insert_article(&article(batch * 100 + n), &Annotations::default())?;
                }
                Ok(())
            })
            .unwrap();
    }
    let before = store.search("ferry timetable", 1000).unwrap().len();
    store.optimize().unwrap();
    assert_eq!(store.search("ferry timetable", 1000).unwrap().len(), before);
    assert_eq!(before, 500);
    store.close().unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.article_count().unwrap(), 500);
    store.check_integrity().unwrap();
    Store::open_in_memory().unwrap().optimize().unwrap();
}

/// Stories with `n` events each dated as given (`None`: undated), stored through events and stories.
fn story_fixture(store: &Store, dates: &[Option<&str>]) -> Vec<String> {
    let mut ids = Vec::new();
    for (n, date) in dates.iter().enumerate() {
        let mut a = article(100 + n);
        a.published = date.and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok());
        store.insert_article(&a, &Annotations::default()).unwrap();
        let (e, s) = (format!("e{n}"), format!("s{n}"));
        let members = if date.is_some() { vec![a.id.clone()] } else { vec![] };
        store.put_event(&Event { id: e.clone(), story: s.clone(), articles: members, ..Event::default() }).unwrap();
        store.put_story(&Story { id: s.clone(), title: s.clone(), events: vec![e] }).unwrap();
        ids.push(s);
    }
    ids
}

/// Walking the story list page by page lists every story exactly once, in the order of the whole list,
/// whatever the page size (ties in time broken by storage order, undated stories last).
#[test]
fn story_pages_cover_the_list_once_in_order() {
    story_pages(&Store::open_in_memory().unwrap());
}

#[test]
fn story_pages_cover_the_list_once_in_order_postgres() {
    let Some(db) = PgDb::new("story-pages") else { return };
    story_pages(&Store::open(db.path()).unwrap());
}

fn story_pages(store: &Store) {
    let day = |d: u32| Some(format!("2024-03-{d:02}T10:00:00Z"));
    let dates: Vec<Option<String>> =
        vec![day(3), day(1), None, day(3), day(7), None, day(2), day(3), day(9), None, day(1), day(5)];
    let dates: Vec<Option<&str>> = dates.iter().map(|d| d.as_deref()).collect();
    story_fixture(store, &dates);
    let whole: Vec<String> = store.stories().unwrap().into_iter().map(|s| s.id).collect();
    assert_eq!(whole.len(), dates.len());
    assert_eq!(&whole[..2], ["s8", "s4"], "newest first");
    assert_eq!(&whole[whole.len() - 3..], ["s9", "s5", "s2"], "undated last, newest stored first");
    assert_eq!(store.story_count().unwrap(), dates.len());
    for size in [1, 2, 5, 12, 50] {
        let mut walked = Vec::new();
        let mut cursor = None;
        loop {
            let page = store.stories_page(cursor, size).unwrap();
            assert!(page.stories.len() <= size);
            walked.extend(page.stories.into_iter().map(|s| s.id));
            // A cursor survives its text form, as the API hands it out.
            match page.next {
                Some(next) => cursor = Some(next.to_string().parse().unwrap()),
                None => break,
            }
        }
        assert_eq!(walked, whole, "page size {size}");
    }
    assert!(store.stories_page(None, 0).unwrap().stories.is_empty());
}

/// Inside a transaction the list lines follow the writes before commit; a rolled-back write leaves them.
#[test]
fn story_lines_follow_writes_in_transactions() {
    story_lines_in_transactions(Store::open_in_memory().unwrap());
}

#[test]
fn story_lines_follow_writes_in_transactions_postgres() {
    let Some(db) = PgDb::new("story-lines") else { return };
    story_lines_in_transactions(Store::open(db.path()).unwrap());
}

fn story_lines_in_transactions(mut store: Store) {
    story_fixture(&store, &[Some("2024-01-01T00:00:00Z"), Some("2024-02-01T00:00:00Z")]);
    let first = |store: &Store| store.stories_page(None, 1).unwrap().stories[0].id.clone();
    assert_eq!(first(&store), "s1");
    let mut a = article(500);
    a.published = chrono::DateTime::parse_from_rfc3339("2024-06-01T00:00:00Z").ok();
    let failed: Result<(), StoreError> = store.transaction(|tx| {
        tx.insert_article(&a, &Annotations::default())?;
        let grown = Event { id: "e0".into(), story: "s0".into(), articles: vec![a.id.clone()], ..Event::default() };
        tx.put_event(&grown)?;
        assert_eq!(tx.stories_page(None, 1)?.stories[0].id, "s0", "seen inside the transaction");
        Err(StoreError::Invalid { what: "test".into(), reason: "roll back".into() })
    });
    assert!(failed.is_err());
    assert_eq!(first(&store), "s1");
    store
        .transaction(|tx| {
            tx.insert_article(&a, &Annotations::default())?;
            tx.put_event(&Event {
                id: "e0".into(),
                story: "s0".into(),
                articles: vec![a.id.clone()],
                ..Event::default()
            })
        })
        .unwrap();
    assert_eq!(first(&store), "s0");
    // An event that moves to another story leaves the first one's line.
    store
        .put_event(&Event { id: "e0".into(), story: "s1".into(), articles: vec![a.id.clone()], ..Event::default() })
        .unwrap();
    let lines = store.stories().unwrap();
    let s0 = lines.iter().find(|s| s.id == "s0").unwrap();
    assert_eq!((s0.events, s0.articles), (0, 0));
}

/// The data version changes when another handle commits, and only then.
#[test]
fn data_version_follows_other_handles_commits() {
    let dir = Scratch::new("data-version");
    data_version_follows(dir.path(), true);
}

/// PostgreSQL's version may also move when another database of the cluster commits (tests run in
/// parallel), so only "changes after a commit" is checked there.
#[test]
fn data_version_follows_other_handles_commits_postgres() {
    let Some(db) = PgDb::new("data-version") else { return };
    data_version_follows(db.path(), false);
}

fn data_version_follows(location: &std::path::Path, quiet: bool) {
    let reader = Store::open(location).unwrap();
    let mut writer = Store::open(location).unwrap();
    let v0 = reader.data_version().unwrap();
    if quiet {
        assert_eq!(reader.data_version().unwrap(), v0);
    }
    writer.insert_article(&article(1), &Annotations::default()).unwrap();
    let v1 = reader.data_version().unwrap();
    assert_ne!(v1, v0);
    if quiet {
        assert_eq!(reader.data_version().unwrap(), v1);
    }
    // A transaction's writes move it once committed, not before.
    let before = reader.data_version().unwrap();
    writer
        .transaction(|tx| {
            tx.insert_article(&article(2), &Annotations::default())?;
            if quiet {
                assert_eq!(reader.data_version()?, before, "moved before commit");
            }
            Ok(())
        })
        .unwrap();
    assert_ne!(reader.data_version().unwrap(), before);
}

/// A word in more articles than the bound is not ranked over every match: the newest matches come back,
/// newest first; a query whose words are all rarer is ranked by relevance.
#[test]
fn search_work_is_bounded_for_common_words() {
    let mut store = Store::open_in_memory().unwrap();
    let mut seqs = Vec::new();
    store
        .transaction(|tx| {
            for n in 0..30 {
                let mut a = article(n);
                if n % 10 == 3 {
                    a.text.push_str(" A rare quayside word.");
                }
                tx.insert_article(&a, &Annotations::default())?;
                seqs.push(a.id);
            }
            Ok(())
        })
        .unwrap();
    // "council" is in all 30 articles: past a bound of 10, the 5 newest come back, newest first.
    let hits = store.search_within("council", 5, 10).unwrap();
    let ids: Vec<&str> = hits.iter().map(|h| h.article.as_str()).collect();
    let newest: Vec<&str> = seqs.iter().rev().take(5).map(String::as_str).collect();
    assert_eq!(ids, newest);
    assert!(hits.iter().all(|h| h.rank == 0.0 && h.snippet.contains("[council]")), "{hits:?}");
    // Under the bound the same query is ranked by relevance.
    let ranked = store.search_within("council", 5, 100).unwrap();
    assert_eq!(ranked.len(), 5);
    assert!(ranked.iter().all(|h| h.rank > 0.0), "{ranked:?}");
    // A rare word together with the common one: the common word alone decides.
    let both = store.search_within("council quayside", 5, 10).unwrap();
    assert_eq!(both.len(), 3);
    assert!(both.iter().all(|h| h.rank == 0.0));
    let rare = store.search_within("quayside", 5, 10).unwrap();
    assert_eq!(rare.len(), 3);
    assert!(rare.iter().all(|h| h.rank > 0.0));
    // The default bound is what `search` uses.
    assert_eq!(store.search("quayside", 5).unwrap(), rare);
    assert_eq!(synoptic_store::SEARCH_CANDIDATES, 2000);
}

/// PostgreSQL ranks at most the newest `candidates` matches: a word in every article comes back ranked,
/// from the newest `candidates` only.
#[test]
fn search_work_is_bounded_for_common_words_postgres() {
    let Some(db) = PgDb::new("search-bound") else { return };
    let mut store = Store::open(db.path()).unwrap();
    let mut ids = Vec::new();
    store
        .transaction(|tx| {
            for n in 0..30 {
                let a = article(n);
                tx.insert_article(&a, &Annotations::default())?;
                ids.push(a.id);
            }
            Ok(())
        })
        .unwrap();
    let newest: Vec<&str> = ids.iter().rev().take(10).map(String::as_str).collect();
    let hits = store.search_within("council", 5, 10).unwrap();
    assert_eq!(hits.len(), 5);
    assert!(hits.iter().all(|h| newest.contains(&h.article.as_str()) && h.snippet.contains("[council]")), "{hits:?}");
    assert_eq!(store.search_within("council", 50, 10).unwrap().len(), 10);
}

/// A store copy rewrites state entries that hold an article `seq` to the target's numbering (PostgreSQL
/// draws a number for a duplicate, so its seqs have gaps that a copy into SQLite closes), resumes, and
/// refuses a target holding other articles.
#[test]
fn copy_translates_seq_state_and_refuses_foreign_targets() {
    let Some(db) = PgDb::new("copy_translates_seq_state") else { return };
    let mut pg = Store::open(db.path()).unwrap();
    let (a, b, c) = (article(1), article(2), article(3));
    let ann = Annotations::default();
    assert!(pg.insert_article(&a, &ann).unwrap());
    assert!(!pg.insert_article(&a, &ann).unwrap());
    assert!(pg.insert_article(&b, &ann).unwrap());
    assert!(pg.insert_article(&c, &ann).unwrap());
    let b_seq = pg.article(&b.id).unwrap().unwrap().seq;
    assert!(b_seq > 2, "PostgreSQL drew a number for the duplicate (seq {b_seq})");
    pg.put_state("engine.seq", b_seq.to_string().as_bytes()).unwrap();
    pg.put_state("engine", b"snapshot").unwrap();
    pg.put_state("pending/e1", b"work").unwrap();
    let merged = Event { id: "e-merged".into(), story: "s1".into(), title: "Merged".into(), ..Event::default() };
    pg.put_event(&merged).unwrap();

    let scratch = Scratch::new("copy-translates");
    let mut target = Store::open(scratch.path()).unwrap();
    let opts = CopyOptions { source: "pg source", seq_keys: &["engine.seq"], batch: 2 };
    assert!(
        matches!(pg.copy_into(&mut target, &opts, &mut |_| {}), Err(StoreError::LeaseLost { .. })),
        "a copy writes as the target's writer"
    );
    target.acquire_writer(None, &mut || {}).unwrap();
    let mut stages = Vec::new();
    let report = pg.copy_into(&mut target, &opts, &mut |p| stages.push((p.stage, p.done, p.total))).unwrap();
    assert_eq!((report.articles, report.added, report.state, report.events), (3, 3, 3, 1));
    assert_eq!(stages.first(), Some(&("articles", 2, 3)));
    let copied_b = target.article(&b.id).unwrap().unwrap().seq;
    assert_eq!(copied_b, 2, "seqs are the target's own");
    assert_eq!(target.state("engine.seq").unwrap().as_deref(), Some(&b"2"[..]));
    assert_eq!(target.state("engine").unwrap().as_deref(), Some(&b"snapshot"[..]));
    assert_eq!(target.articles().unwrap(), pg.articles().unwrap());

    // Run again after the source moved on: what the source no longer has goes from the copy too.
    pg.delete_state("pending/e1").unwrap();
    pg.delete_event("e-merged").unwrap();
    let again = pg.copy_into(&mut target, &opts, &mut |_| {}).unwrap();
    assert_eq!((again.articles, again.resumed_after), (0, 3));
    assert_eq!(target.state("pending/e1").unwrap(), None, "a marker deleted in the source is deleted in the copy");
    assert_eq!(target.event("e-merged").unwrap(), None, "an event deleted in the source is deleted in the copy");
    assert_eq!(target.state("engine.seq").unwrap().as_deref(), Some(&b"2"[..]));

    // Another source into the filled store is refused before anything is written.
    let other = Scratch::new("copy-other-source");
    let mut other_store = Store::open(other.path()).unwrap();
    other_store.insert_article(&article(9), &ann).unwrap();
    let other_opts = CopyOptions { source: "another", ..opts.clone() };
    let refused = other_store.copy_into(&mut target, &other_opts, &mut |_| {});
    assert!(matches!(refused, Err(StoreError::CopyTargetNotEmpty { articles: 3, .. })), "{refused:?}");
    assert_eq!(target.article_count().unwrap(), 3);
}
