//! Fixture-driven tests of `read`: every file under `tests/fixtures/read/<format>/` is read and the outcome
//! (articles and problems) compared with `<file>.expected.json` beside it. Refresh the expected files with
//! `UPDATE_EXPECT=1 cargo test -p synoptic-extract --test read` and review the diff.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use synoptic_extract::{Input, ReadOptions, ReadOutcome, read};

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/read").join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| !p.to_string_lossy().ends_with(".expected.json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {dir}");
    files
}

/// The outcome as the expected files write it.
fn summarise(outcome: &ReadOutcome) -> Value {
    let articles: Vec<Value> = outcome
        .articles
        .iter()
        .map(|a| {
            let mut v = serde_json::to_value(a).unwrap_or(Value::Null);
            if let Some(m) = v.as_object_mut() {
                m.remove("copy_of");
                m.remove("event");
            }
            v
        })
        .collect();
    let problems: Vec<String> = outcome.problems.iter().map(ToString::to_string).collect();
    json!({ "articles": articles, "problems": problems })
}

/// Read one fixture and compare with its expected outcome (or write it when `UPDATE_EXPECT` is set).
fn check(path: &Path) {
    let bytes = std::fs::read(path).expect("fixture readable");
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let outcome = read(&Input { source: &name, bytes: &bytes, content_type: None, url: None }, &ReadOptions::default());
    let got = summarise(&outcome);
    let expected_path = PathBuf::from(format!("{}.expected.json", path.display()));
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let text = serde_json::to_string_pretty(&got).expect("serialisable") + "\n";
        std::fs::write(&expected_path, text).expect("expected file writable");
        return;
    }
    let expected: Value = std::fs::read_to_string(&expected_path)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_else(|| panic!("{} missing: run with UPDATE_EXPECT=1", expected_path.display()));
    assert_eq!(got, expected, "{}", path.display());
}

fn check_dir(dir: &str) {
    for f in fixtures(dir) {
        check(&f);
    }
}

#[test]
fn text() {
    check_dir("text");
}

#[test]
fn html() {
    check_dir("html");
}

#[test]
fn json_lines() {
    check_dir("jsonl");
}

#[test]
fn json_array() {
    check_dir("json");
}

#[test]
fn rss2() {
    check_dir("rss2");
}

#[test]
fn rss1() {
    check_dir("rss1");
}

#[test]
fn atom() {
    check_dir("atom");
}

#[test]
fn json_feed() {
    check_dir("jsonfeed");
}

#[test]
fn gzip() {
    check_dir("gzip");
}

#[test]
fn bad_inputs() {
    check_dir("bad");
}

#[test]
fn too_large_and_gzip_bomb() {
    let opts = ReadOptions { max_bytes: 1 << 20 };
    let big = vec![b'a'; (1 << 20) + 1];
    let out = read(&Input { source: "big.txt", bytes: &big, content_type: None, url: None }, &opts);
    assert!(out.articles.is_empty());
    assert_eq!(out.problems.len(), 1);
    assert!(out.problems[0].reason.starts_with("too large"), "{:?}", out.problems);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &vec![b'a'; 4 << 20]).expect("in memory");
    let bomb = gz.finish().expect("in memory");
    let out = read(&Input { source: "bomb.txt.gz", bytes: &bomb, content_type: None, url: None }, &opts);
    assert!(out.problems[0].reason.contains("gzip output exceeds"), "{:?}", out.problems);
}

#[test]
fn content_type_charset_is_used() {
    let bytes = b"Le ministre a annonc\xe9 lundi une r\xe9forme des retraites tr\xe8s attendue.";
    let input = Input { source: "x", bytes, content_type: Some("text/plain; charset=ISO-8859-1"), url: None };
    let out = read(&input, &ReadOptions::default());
    assert_eq!(out.articles[0].text, "Le ministre a annoncé lundi une réforme des retraites très attendue.");
    assert_eq!(out.articles[0].language.as_deref(), Some("fr"));
}

#[test]
fn same_content_same_id_across_formats() {
    let txt = read(
        &Input { source: "a.txt", bytes: b"Title of it\n\nBody text here.", content_type: None, url: None },
        &ReadOptions::default(),
    );
    let jsonl = read(
        &Input {
            source: "b.jsonl",
            bytes: br#"{"title": "Title of it", "text": "Body text here."}"#,
            content_type: None,
            url: None,
        },
        &ReadOptions::default(),
    );
    assert_eq!(txt.articles[0].id, jsonl.articles[0].id);
    assert_eq!(jsonl.articles[0].source, "b.jsonl#1");
}

#[test]
fn clean_article_cleans_records_from_elsewhere() {
    let mut a = synoptic_extract::Article::new(
        "api",
        Some("  Flood warning issued  ".into()),
        "Flood warning issued\n\nThe river rose by a metre overnight.\n\nPhoto: Getty Images\n\nBy Ana Ruiz\n\nReuters contributed to this report.",
    );
    let old_id = a.id.clone();
    synoptic_extract::clean_article(&mut a);
    assert_eq!(a.title.as_deref(), Some("Flood warning issued"));
    assert_eq!(a.text, "The river rose by a metre overnight.");
    assert_eq!(a.author.as_deref(), Some("Ana Ruiz"));
    assert_eq!(a.credits, ["Reuters"]);
    assert_eq!(a.language.as_deref(), Some("en"));
    assert_ne!(a.id, old_id);
    assert_eq!(a.id, synoptic_model::ids::article_id(a.title.as_deref(), &a.text));
}

#[test]
fn read_html_one_page() {
    let page = b"<html><head><meta charset=windows-1252><title>Caf\xe9 rules</title></head><body><article><p>The caf\xe9 owners said the new \x93terrace rules\x94 would cost them dearly this summer, and they asked the council to think again before June.</p></article></body></html>";
    let a = synoptic_extract::read_html(page, "page.html", Some("https://x.example/a")).expect("an article");
    assert!(a.text.contains("café owners said the new \u{201C}terrace rules\u{201D}"), "{}", a.text);
    assert_eq!(a.url.as_deref(), Some("https://x.example/a"));
    assert_eq!(synoptic_extract::read_html(b"<html><body><nav>Home</nav></body></html>", "p", None), None);
}
