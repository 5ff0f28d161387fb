//! `synoptic brief ../shared/seeds --format json`: five clean articles, boilerplate gone, the AP credit kept
//! as metadata; and the acceptance of the analysis issues end to end: two events, no copies, the figure and
//! quote-wording disagreements, Bucha single-source, summaries citing only supporting articles.

mod common;

use common::{run, scratch, shared, synoptic};

#[test]
fn brief_of_the_seeds_is_clean() {
    let Some(shared) = shared() else {
        println!("skipped: shared/seeds absent");
        return;
    };
    let seeds = shared.join("seeds");
    if !seeds.is_dir() {
        println!("skipped: {} absent", seeds.display());
        return;
    }
    let store = scratch("seeds");
    let out = run(synoptic(&store).arg("brief").arg(&seeds).args(["--format", "json"]));
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("contract JSON");
    assert_eq!(doc["schema"], 1);
    let articles = doc["articles"].as_array().expect("articles");
    assert_eq!(articles.len(), 5);
    for a in articles {
        let text = a["text"].as_str().unwrap_or_default();
        let source = a["source"].as_str().unwrap_or_default();
        for junk in
            ["Photo: AP", "(Fair Use)", "Source link", "For the latest news", "SUPINSKY / AFP", "Written by staff"]
        {
            assert!(!text.contains(junk), "{source}: {junk:?} left in text");
        }
        assert!(!text.contains("contributed to this report"), "{source}: wire credit left in text");
        if let Some(title) = a["title"].as_str() {
            let first = text.split("\n\n").next().unwrap_or_default();
            assert_ne!(first.trim(), title.trim(), "{source}: title repeated as the first paragraph");
        }
        for key in ["id", "source", "title", "text", "url", "outlet", "author", "published", "language", "credits"] {
            assert!(a.get(key).is_some(), "{source}: missing {key}");
        }
    }
    let ap = articles.iter().filter(|a| {
        a["credits"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c.as_str().is_some_and(|c| c.contains("Associated Press"))))
    });
    assert_eq!(ap.count(), 1, "exactly one seed credits the Associated Press");
    check_events(&doc);
    // Nothing stored: brief runs over a temporary store.
    assert!(!store.join("synoptic.db").exists(), "brief must not touch the store");
    let _ = std::fs::remove_dir_all(&store);
}

/// The seed number ("000"…"004") of an article, from its source file name.
fn seed_no(a: &serde_json::Value) -> String {
    let source = a["source"].as_str().unwrap_or_default();
    let name = source.rsplit('/').next().unwrap_or_default();
    name.chars().take(3).collect()
}

fn check_events(doc: &serde_json::Value) {
    let articles = doc["articles"].as_array().expect("articles");
    let events = doc["events"].as_array().expect("events");
    let seeds_of = |event: &serde_json::Value| -> Vec<String> {
        let mut v: Vec<String> = articles.iter().filter(|a| a["event"] == event["id"]).map(seed_no).collect();
        v.sort();
        v
    };
    let mut groups: Vec<Vec<String>> = events.iter().map(seeds_of).collect();
    groups.sort();
    assert_eq!(groups, vec![vec!["000", "001", "002"], vec!["003", "004"]], "two events, not one and not five");
    assert!(articles.iter().all(|a| a["copy_of"].is_null()), "no copies among the seeds (rewrites at most)");
    let id_of = |no: &str| articles.iter().find(|a| seed_no(a) == no).map(|a| a["id"].clone()).unwrap_or_default();
    for event in events {
        let members = seeds_of(event);
        assert_eq!(event["origins"].as_u64(), Some(members.len() as u64), "every seed is its own origin");
        let ids: Vec<&serde_json::Value> =
            articles.iter().filter(|a| a["event"] == event["id"]).map(|a| &a["id"]).collect();
        let summary = event["summary"].as_array().expect("summary");
        assert!(!summary.is_empty(), "a summary for every event");
        for s in summary {
            for cited in s["articles"].as_array().expect("cited") {
                assert!(ids.contains(&cited), "summary cites an article outside its event");
            }
        }
        let dis = event["disagreements"].as_array().expect("disagreements");
        let text_of = |d: &serde_json::Value| d["claims"].to_string();
        if members[0] == "000" {
            let money = dis.iter().find(|d| d["kind"] == "figure" && text_of(d).contains("150 billion"));
            let money = money.expect("the $150 billion / 150 billion euros disagreement");
            assert!(text_of(money).contains('$') && text_of(money).contains("euros"), "both passages: {money}");
            let details = event["single_source"].as_array().expect("single_source");
            let at = details.iter().position(|s| s["text"].as_str().is_some_and(|t| t.contains("Bucha")));
            let bucha = at.map(|i| &details[i]);
            assert_eq!(bucha.map(|b| b["article"].clone()), Some(id_of("001")), "Bucha: one article only");
            // Ranked by how much a detail adds: the one place only this article names is among the first ten.
            let rank = at.map_or(usize::MAX, |i| i + 1);
            println!("Bucha: single-source detail {rank} of {}", details.len());
            assert!(rank <= 10, "Bucha is single-source detail {rank} of {}, not in the first ten", details.len());
        } else {
            let quote = dis.iter().find(|d| {
                d["kind"] == "quote"
                    && text_of(d).contains("imperial deceptions")
                    && text_of(d).contains("imperial delusions")
            });
            assert!(quote.is_some(), "imperial deceptions/delusions shown as a wording disagreement: {dis:?}");
        }
    }
}
