//! Store safety through the binary: a `kill -9` after a committed batch leaves a store that opens and holds
//! every reported article, and the next run completes the rest; ingesting the same inputs twice adds
//! nothing (a property over generated inputs).

mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::{article_count, run, scratch, stderr, stdout, synoptic};
use proptest::prelude::*;

/// Distinct article ids the readers give for `path` (what a complete ingest must hold).
fn distinct_ids(store: &std::path::Path, path: &std::path::Path) -> usize {
    let out = run(synoptic(store).arg("extract").arg(path));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ids: HashSet<String> = stdout(&out)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["id"].as_str().map(str::to_string))
        .collect();
    ids.len()
}

#[test]
fn kill_9_after_a_committed_batch_loses_nothing_reported() {
    let dir = scratch("crash");
    let store = dir.join("store");
    let input = dir.join("stream.jsonl");
    let out = run(synoptic(&store).args(["synth", "--articles", "400", "--words", "60", "--seed", "7"]));
    assert_eq!(out.status.code(), Some(0));
    std::fs::write(&input, &out.stdout).unwrap();
    let total = distinct_ids(&store, &input);
    assert!(total > 300, "{total} distinct articles");

    let mut child = synoptic(&store)
        .args(["ingest", "--progress-lines", "--batch-size", "25"])
        .arg(&input)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait on the pipe for the first committed batch, then kill the process outright.
    let mut reported = 0usize;
    {
        let stderr = child.stderr.take().unwrap();
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap();
            if let Some(n) = line.strip_prefix("ingested ").and_then(|n| n.trim().parse::<usize>().ok()) {
                reported = n;
                child.kill().unwrap(); // SIGKILL on Unix
                break;
            }
        }
    }
    let status = child.wait().unwrap();
    assert!(reported > 0, "a batch was reported");
    assert!(!status.success(), "the ingest was killed before it finished");

    // The store opens and holds at least every reported article.
    let after_kill = article_count(&store);
    assert!(after_kill >= reported, "{after_kill} stored < {reported} reported");
    assert!(after_kill < total, "the kill came before the end ({after_kill} of {total})");

    // The next run adds exactly the rest.
    let out = run(synoptic(&store).arg("ingest").arg(&input));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(article_count(&store), total);
    let text = stdout(&out);
    assert!(text.contains(&format!("ingested {} new", total - after_kill)), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

const WORDS: &[&str] = &[
    "council", "harbour", "minister", "river", "budget", "school", "election", "court", "bridge", "market", "festival",
    "museum", "railway", "hospital", "farmers", "storm", "vote", "strike", "tax", "airport",
];

fn record(title: &[usize], body: &[Vec<usize>]) -> String {
    let words = |ix: &[usize]| ix.iter().map(|&i| WORDS[i % WORDS.len()]).collect::<Vec<_>>().join(" ");
    let sentences: Vec<String> = body
        .iter()
        .map(|s| {
            let mut w = words(s);
            if let Some(first) = w.get(..1) {
                w = first.to_uppercase() + w.get(1..).unwrap_or("");
            }
            format!("{w} in the town of Orlen on Monday, officials said.")
        })
        .collect();
    serde_json::json!({"title": words(title), "text": sentences.join(" ")}).to_string()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn ingesting_twice_adds_nothing(
        records in prop::collection::vec(
            (prop::collection::vec(0usize..20, 2..6), prop::collection::vec(prop::collection::vec(0usize..20, 4..12), 2..5)),
            1..5,
        )
    ) {
        let dir = scratch("idem");
        let store = dir.join("store");
        let input = dir.join("in.jsonl");
        let lines: Vec<String> = records.iter().map(|(t, b)| record(t, b)).collect();
        std::fs::write(&input, lines.join("\n")).unwrap();
        let first = run(synoptic(&store).arg("ingest").arg(&input));
        prop_assert!(first.status.code().is_some_and(|c| c <= 1), "{}", stderr(&first));
        let count = article_count(&store);
        let second = run(synoptic(&store).arg("ingest").arg(&input));
        prop_assert_eq!(first.status.code(), second.status.code());
        prop_assert_eq!(article_count(&store), count);
        prop_assert!(stdout(&second).starts_with("ingested 0 new"), "{}", stdout(&second));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
