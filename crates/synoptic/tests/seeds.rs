//! `synoptic brief ../shared/seeds --format json`: five clean articles, boilerplate gone, the AP credit kept
//! as metadata.

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
    // Nothing stored: brief runs over a temporary store.
    assert!(!store.join("synoptic.db").exists(), "brief must not touch the store");
    let _ = std::fs::remove_dir_all(&store);
}
