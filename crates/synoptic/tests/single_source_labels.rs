//! Disagreements the brief flags on the real ECB+ development set (the engine's own grouping), judged by
//! reading: every flag is labelled in `fixtures/brief_disagreement_labels.jsonl` and the precision computed
//! from it. (Single-source precision is measured on the gold events, where a regrouping by the engine does
//! not touch the labels: `synoptic-analyze/tests/compare_ecbplus.rs`.)

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use common::{run, scratch, shared, synoptic};

/// The brief of the ECB+ development set (the engine's own grouping), once per test binary; `None` (with a
/// loud message) when the shared data is absent.
fn brief(what: &str) -> Option<&'static serde_json::Value> {
    static DOC: OnceLock<Option<serde_json::Value>> = OnceLock::new();
    let doc = DOC.get_or_init(|| {
        let input = shared()?.join("data/news-events/ecbplus-dev/articles.jsonl");
        if !input.is_file() {
            return None;
        }
        let store = scratch("single-labels");
        let out = run(synoptic(&store).arg("brief").arg(&input).args(["--format", "json"]));
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        Some(serde_json::from_slice(&out.stdout).expect("contract JSON"))
    });
    if doc.is_none() {
        eprintln!("SKIPPED LOUDLY: ../shared/data/news-events/ecbplus-dev absent, {what} not checked");
    }
    doc.as_ref()
}

/// A stable key of a disagreement flag in the brief: its kind and each claim's article URL with the
/// claim's first eight words (sorted; event ids are not part of it, so a regrouping that keeps the flag
/// keeps its label).
fn flag_key(url: &HashMap<&str, &str>, d: &serde_json::Value) -> String {
    let mut claims: Vec<String> = d["claims"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let article = c["article"].as_str().and_then(|a| url.get(a)).copied().unwrap_or("");
            let words: Vec<&str> = c["text"].as_str().unwrap_or("").split_whitespace().take(8).collect();
            format!("{article} {}", words.join(" "))
        })
        .collect();
    claims.sort();
    claims.dedup();
    format!("{} | {}", d["kind"].as_str().unwrap_or(""), claims.join(" | "))
}

/// Every disagreement the brief flags on ECB+ (its own grouping, errors included) is labelled by reading
/// (`fixtures/brief_disagreement_labels.jsonl`: key, genuine, why); an unknown flag fails the test and is
/// printed as a line to label; precision on the labels is at least 90%.
#[test]
fn brief_disagreements_are_real_on_ecb() {
    let Some(doc) = brief("brief disagreement labels") else { return };
    let url: HashMap<&str, &str> = doc["articles"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| Some((a["id"].as_str()?, a["url"].as_str()?)))
        .collect();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/brief_disagreement_labels.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let labels: HashMap<String, bool> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("label line");
            assert!(v["why"].as_str().is_some_and(|r| !r.trim().is_empty()), "label without a reason: {l}");
            (v["key"].as_str().unwrap_or_default().to_string(), v["genuine"].as_bool().expect("genuine"))
        })
        .collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut unlabelled: Vec<String> = Vec::new();
    let mut by_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for d in doc["events"].as_array().into_iter().flatten().flat_map(|e| e["disagreements"].as_array()).flatten() {
        let k = flag_key(&url, d);
        if !seen.insert(k.clone()) {
            continue;
        }
        match labels.get(&k) {
            None => unlabelled.push(
                serde_json::json!({"key": k, "genuine": null, "why": "", "about": d["about"], "claims": d["claims"]})
                    .to_string(),
            ),
            Some(&g) => {
                let e = by_kind.entry(d["kind"].as_str().unwrap_or("").to_string()).or_default();
                e.0 += 1;
                e.1 += usize::from(g);
            }
        }
    }
    assert!(
        unlabelled.is_empty(),
        "{} brief flags not labelled; read their passages and add them to {}:\n{}",
        unlabelled.len(),
        path.display(),
        unlabelled.join("\n")
    );
    let gone: Vec<&String> = labels.keys().filter(|k| !seen.contains(*k)).collect();
    assert!(gone.is_empty(), "labelled flags no longer flagged (remove them): {gone:?}");
    let flags: usize = by_kind.values().map(|v| v.0).sum();
    let genuine: usize = by_kind.values().map(|v| v.1).sum();
    let precision = genuine as f64 / flags.max(1) as f64;
    println!("brief disagreement flags on ECB+: {flags}, genuine {genuine}, precision {precision:.3}; {by_kind:?}");
    assert!(flags > 0, "no flags in the brief of real events: nothing measured");
    assert!(precision >= 0.9, "brief disagreement precision {precision:.3} < 0.90 on {flags} flags");
}
