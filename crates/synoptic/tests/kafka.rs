//! `produce` and `consume` against a real Kafka-compatible broker (tansu, started by `.ci/run` on loopback;
//! its address in `SYNOPTIC_TEST_KAFKA`). Without one the tests say so loudly and pass, except under CI
//! (`CI=true`), where a missing broker fails.
//!
//! What must hold: a produced stream consumed into a store holds the articles `ingest` gives; a consume
//! stopped mid-topic (cleanly or by `kill -9`) and started again ends with the same store as one
//! uninterrupted run; records delivered again (the topic re-read from its beginning, or produced twice) add
//! nothing.
#![cfg(feature = "kafka")]

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use common::{export, run, scratch, stderr, stdout, synoptic};
use serde_json::Value;

/// The broker's address, or `None` (after saying so) when the test should be skipped.
fn broker(test: &str) -> Option<String> {
    match std::env::var("SYNOPTIC_TEST_KAFKA") {
        Ok(addr) if !addr.trim().is_empty() => Some(addr.trim().to_string()),
        _ => {
            assert!(
                std::env::var("CI").map_or(true, |v| v != "true"),
                "{test}: CI=true but SYNOPTIC_TEST_KAFKA is not set (.ci/run starts tansu and sets it)"
            );
            eprintln!("SKIPPED {test}: no Kafka broker (set SYNOPTIC_TEST_KAFKA=HOST:PORT, e.g. a tansu on loopback)");
            None
        }
    }
}

/// A topic name no other test (or earlier run against the same broker) uses.
fn topic(tag: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("synoptic-test-{tag}-{}-{nanos}", std::process::id())
}

/// A synthetic stream of `n` short articles, written to `dir/stream.jsonl`.
fn stream(dir: &Path, n: usize) -> PathBuf {
    let input = dir.join("stream.jsonl");
    let out = run(synoptic(&dir.join("unused"))
        .args(["synth", "--words", "60", "--seed", "11", "--articles"])
        .arg(n.to_string()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(&input, &out.stdout).unwrap();
    input
}

fn produce(brokers: &str, topic: &str, input: &Path) {
    let out =
        run(synoptic(Path::new("/nonexistent")).args(["produce", "--brokers", brokers, "--topic", topic]).arg(input));
    assert_eq!(out.status.code(), Some(0), "produce failed: {}", stderr(&out));
    assert!(stdout(&out).contains("published"), "{}", stdout(&out));
}

/// `consume --to-end` with `extra` arguments; returns its summary line.
fn consume(store: &Path, brokers: &str, topic: &str, extra: &[&str]) -> String {
    let out = run(synoptic(store).args(["consume", "--brokers", brokers, "--topic", topic, "--to-end"]).args(extra));
    assert_eq!(out.status.code(), Some(0), "consume failed: {}", stderr(&out));
    stdout(&out)
}

/// What a store holds, compared across runs: article ids, and each event as the set of its articles (with
/// its story's events), so grouping is compared and not only counts.
fn shape(doc: &Value) -> (BTreeSet<String>, BTreeSet<Vec<String>>) {
    let ids = doc["articles"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_string()).collect();
    let events = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let mut members: Vec<String> =
                e["articles"].as_array().unwrap().iter().map(|a| a.as_str().unwrap_or_default().to_string()).collect();
            members.sort();
            members
        })
        .collect();
    (ids, events)
}

/// The first place two JSON documents differ (a path and both values, shortened), or `None`.
fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| {
                first_difference(
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                    &format!("{path}.{k}"),
                )
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (p, q))| first_difference(p, q, &format!("{path}[{i}]")))
        }
        _ if a == b => None,
        _ => {
            let short = |v: &Value| v.to_string().chars().take(300).collect::<String>();
            Some(format!("{path}: {} != {}", short(a), short(b)))
        }
    }
}

fn assert_same(a: &Value, b: &Value, what: &str) {
    if let Some(d) = first_difference(a, b, "") {
        panic!("{what}: {d}");
    }
}

/// The whole exported document, its article, event and story lists in id order (the export lists stories
/// in the order they were last rebuilt, which depends on when synopses were built, not on what is stored).
fn whole(store: &Path) -> Value {
    let mut doc = export(store);
    for list in ["articles", "events", "stories"] {
        if let Some(items) = doc[list].as_array_mut() {
            items.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
        }
    }
    doc
}

#[test]
fn produced_stream_consumed_equals_direct_ingest() {
    let Some(brokers) = broker("produced_stream_consumed_equals_direct_ingest") else { return };
    let dir = scratch("kafka-direct");
    let input = stream(&dir, 300);
    let topic = topic("direct");
    produce(&brokers, &topic, &input);

    let via_kafka = dir.join("via-kafka");
    let line = consume(&via_kafka, &brokers, &topic, &[]);
    let direct = dir.join("direct");
    let out = run(synoptic(&direct).arg("ingest").arg(&input));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let (a, b) = (export(&via_kafka), export(&direct));
    let (ids_a, events_a) = shape(&a);
    let (ids_b, events_b) = shape(&b);
    assert!(ids_b.len() > 250, "{} articles ingested directly", ids_b.len());
    assert_eq!(ids_a, ids_b, "the same articles through Kafka as directly");
    assert_eq!(events_a, events_b, "the same events through Kafka as directly");
    assert!(line.contains(&format!("consumed 300 records: {} new articles", ids_b.len())), "{line}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn stopped_mid_topic_resumes_without_loss_or_double_counting() {
    let Some(brokers) = broker("stopped_mid_topic_resumes_without_loss_or_double_counting") else { return };
    let dir = scratch("kafka-resume");
    let input = stream(&dir, 240);
    let topic = topic("resume");
    produce(&brokers, &topic, &input);

    let whole_run = dir.join("whole");
    consume(&whole_run, &brokers, &topic, &["--batch-size", "40"]);

    let parts = dir.join("parts");
    let first = run(synoptic(&parts).args(["consume", "--brokers", &brokers, "--topic", &topic]).args([
        "--batch-size",
        "40",
        "--max-records",
        "120",
    ]));
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(stdout(&first).contains("consumed 120 records"), "{}", stdout(&first));
    let part_count = export(&parts)["articles"].as_array().unwrap().len();
    assert!(part_count > 0 && part_count < 240, "{part_count} articles after the first part");
    let second = consume(&parts, &brokers, &topic, &["--batch-size", "40"]);
    assert!(second.contains("consumed 120 records"), "the second run starts where the first stopped: {second}");

    assert_same(&whole(&parts), &whole(&whole_run), "stopped and resumed differs from one uninterrupted run");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn redelivered_records_add_nothing() {
    let Some(brokers) = broker("redelivered_records_add_nothing") else { return };
    let dir = scratch("kafka-redelivery");
    let input = stream(&dir, 150);
    let topic = topic("redelivery");
    produce(&brokers, &topic, &input);
    let store = dir.join("store");
    let line = consume(&store, &brokers, &topic, &[]);
    assert!(line.contains("consumed 150 records"), "{line}");
    let before = whole(&store);
    let stored = before["articles"].as_array().unwrap().len();
    assert!(stored > 100, "{stored} articles stored");

    // Nothing new on the topic: nothing read.
    let line = consume(&store, &brokers, &topic, &[]);
    assert!(line.contains("consumed 0 records: 0 new articles"), "{line}");
    // The whole topic delivered again (as after a reset of the position): every record read, nothing added.
    let line = consume(&store, &brokers, &topic, &["--from-beginning"]);
    assert!(line.contains("consumed 150 records: 0 new articles (150 already stored)"), "{line}");
    // The same inputs produced a second time (a producer retry, a replayed feed): read, nothing added.
    produce(&brokers, &topic, &input);
    let line = consume(&store, &brokers, &topic, &[]);
    assert!(line.contains("consumed 150 records: 0 new articles (150 already stored)"), "{line}");

    assert_same(&whole(&store), &before, "redelivery changed the store");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn kill_9_between_batches_then_restart_equals_one_run() {
    let Some(brokers) = broker("kill_9_between_batches_then_restart_equals_one_run") else { return };
    let dir = scratch("kafka-kill");
    let input = stream(&dir, 300);
    let topic = topic("kill");
    produce(&brokers, &topic, &input);

    let uninterrupted = dir.join("uninterrupted");
    consume(&uninterrupted, &brokers, &topic, &["--batch-size", "25"]);

    let killed = dir.join("killed");
    let mut child = synoptic(&killed)
        .args(["consume", "--brokers", &brokers, "--topic", &topic, "--to-end", "--progress-lines"])
        .args(["--batch-size", "25"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait on the pipe for the first committed batch, then kill the process outright (SIGKILL).
    let mut reported = 0usize;
    {
        let pipe = child.stderr.take().unwrap();
        for line in BufReader::new(pipe).lines() {
            let line = line.unwrap();
            if let Some(n) = line.strip_prefix("ingested ").and_then(|n| n.trim().parse::<usize>().ok()) {
                reported = n;
                child.kill().unwrap();
                break;
            }
        }
    }
    let status = child.wait().unwrap();
    assert!(reported > 0, "a batch was reported");
    assert!(!status.success(), "the consume was killed before it finished");
    let after_kill = export(&killed)["articles"].as_array().unwrap().len();
    assert!(after_kill >= reported, "{after_kill} stored < {reported} reported");

    let line = consume(&killed, &brokers, &topic, &["--batch-size", "25"]);
    assert!(line.contains(&format!("{} new articles", shape(&whole(&uninterrupted)).0.len() - after_kill)), "{line}");
    assert_same(&whole(&killed), &whole(&uninterrupted), "killed and restarted differs from one uninterrupted run");
    let _ = std::fs::remove_dir_all(&dir);
}
