//! The five shared seed articles read as plain text: titles found, captions, promos, "Source link" and the
//! doubled title gone from the body, the wire credit kept as a credit and the staff byline as the author.

use std::path::PathBuf;

use synoptic_extract::{Article, Input, ReadOptions, read};

fn seeds() -> Option<Vec<Article>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("skipped: {} absent", dir.display());
        return None;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let bytes = std::fs::read(&p).expect("readable seed");
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let outcome =
            read(&Input { source: &name, bytes: &bytes, content_type: None, url: None }, &ReadOptions::default());
        assert!(outcome.problems.is_empty(), "{name}: {:?}", outcome.problems);
        assert_eq!(outcome.articles.len(), 1, "{name}");
        out.extend(outcome.articles);
    }
    Some(out)
}

#[test]
fn seeds_are_clean() {
    let Some(articles) = seeds() else { return };
    assert_eq!(articles.len(), 5);
    for a in &articles {
        println!("{}", serde_json::to_string_pretty(a).unwrap_or_default());
    }
    let by = |prefix: &str| articles.iter().find(|a| a.source.starts_with(prefix)).expect("seed present");
    for a in &articles {
        for gone in [
            "Photo: AP",
            "SUPINSKY / AFP",
            "For the latest news",
            "Source link",
            "Written by staff",
            "contributed to this report",
        ] {
            assert!(!a.text.contains(gone), "{}: {gone:?} left in text", a.source);
        }
        assert_eq!(a.language.as_deref(), Some("en"), "{}", a.source);
        assert!(!a.text.contains('\u{A0}'), "{}: no-break space left", a.source);
    }
    // No title line: the first paragraph is a sentence.
    assert_eq!(by("000").title, None);
    assert!(by("000").text.starts_with("(Kyiv) NATO Secretary General"));
    assert_eq!(by("001").title, None);
    assert_eq!(by("001").paragraphs().count(), 14, "single-newline paragraphs");
    assert_eq!(by("001").credits, ["Associated Press"]);
    assert_eq!(by("002").title.as_deref(), Some("NATO Chief Visits Ukraine; War Accelerates"));
    assert!(by("002").author.as_deref().is_some_and(|a| a.eq_ignore_ascii_case("staff")));
    assert_eq!(
        by("003").title.as_deref(),
        Some("Stoltenberg in Kiev says Ukrainian forces are \"gradually\" gaining ground")
    );
    assert!(by("003").text.starts_with("NATO Secretary General Jens Stoltenberg has made a surprise trip"));
    assert!(by("003").credits.is_empty(), "a photo credit is not a wire credit");
    let t4 = by("004").title.clone().expect("doubled title");
    assert!(t4.starts_with("NATO chief visits Kyiv"));
    assert!(!by("004").text.contains(&t4), "doubled title left in text");
    assert!(by("004").text.ends_with("standards of the alliance.\u{201D}"));
}
