//! Data-driven tests of comparison: each fixture in `tests/fixtures/compare/*.json` is a small event
//! (articles, which are copies of which, what must be found), built with `build_event` and checked by one
//! `check` helper. Plus the story timeline and the order of reports.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::Value;
use synoptic_analyze::EventMember;
use synoptic_analyze::compare::{SynopsisOptions, build_event, story_timeline};
use synoptic_model::{Annotations, Article, Event, Story};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compare")
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

fn build(fixture: &Value) -> Event {
    let articles: Vec<Article> = serde_json::from_value(fixture["articles"].clone()).expect("fixture articles");
    let annotations: Vec<Annotations> = articles.iter().map(synoptic_analyze::annotate::annotate).collect();
    let copies: HashMap<String, String> = serde_json::from_value(fixture["copies"].clone()).unwrap_or_default();
    let members: Vec<EventMember<'_>> = articles
        .iter()
        .zip(&annotations)
        .map(|(a, n)| EventMember { article: a, annotations: n, origin: copies.get(&a.id).map_or(&a.id, |o| o) })
        .collect();
    build_event("e", "s", &members, &SynopsisOptions::default())
}

/// Build the fixture's event and check every expectation it lists.
fn check(name: &str) {
    let path = fixtures().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let fixture: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let ev = build(&fixture);
    let x = &fixture["expect"];
    let dump = serde_json::to_string_pretty(&ev).unwrap_or_default();

    if let Some(n) = x["origins"].as_u64() {
        assert_eq!(ev.origins as u64, n, "{name}: origins\n{dump}");
    }
    if x.get("articles").is_some() {
        assert_eq!(ev.articles, strs(&x["articles"]), "{name}: articles, first seen first");
    }
    for a in x["agreements"].as_array().into_iter().flatten() {
        let want = a["contains"].as_str().unwrap_or_default();
        let found = ev.agreements.iter().find(|g| g.text.contains(want));
        let found = found.unwrap_or_else(|| panic!("{name}: agreement {want:?} missing\n{dump}"));
        assert_eq!(found.articles, strs(&a["articles"]), "{name}: agreement {want:?} articles");
    }
    for s in x["single_source"].as_array().into_iter().flatten() {
        let want = s["contains"].as_str().unwrap_or_default();
        let article = s["article"].as_str().unwrap_or_default();
        assert!(
            ev.single_source.iter().any(|d| d.text.contains(want) && d.article == article),
            "{name}: single-source {want:?} of {article} missing\n{dump}"
        );
        assert!(!ev.agreements.iter().any(|g| g.text.contains(want)), "{name}: {want:?} is not an agreement");
    }
    for d in x["disagreements"].as_array().into_iter().flatten() {
        let kind = d["kind"].as_str().unwrap_or_default();
        let claims: HashMap<String, String> = serde_json::from_value(d["claims"].clone()).unwrap_or_default();
        let found = ev.disagreements.iter().any(|g| {
            (g.kind == kind || (kind == "count" && g.kind == "figure"))
                && claims.iter().all(|(art, want)| g.claims.iter().any(|c| &c.article == art && c.text.contains(want)))
        });
        assert!(found, "{name}: {kind} disagreement {claims:?} missing\n{dump}");
    }
    for kind in strs(&x["never_kinds"]) {
        assert!(!ev.disagreements.iter().any(|d| d.kind == kind), "{name}: no {kind} disagreement\n{dump}");
    }
    for text in strs(&x["no_disagreement_mentions"]) {
        assert!(
            !ev.disagreements.iter().any(|d| d.claims.iter().all(|c| c.text.contains(&text))),
            "{name}: {text:?} is said the same way by all, not a disagreement\n{dump}"
        );
    }
    for s in x["summary_cites"].as_array().into_iter().flatten() {
        let want = s["contains"].as_str().unwrap_or_default();
        let found = ev.summary.iter().find(|g| g.text.contains(want));
        let found = found.unwrap_or_else(|| panic!("{name}: summary sentence {want:?} missing\n{dump}"));
        assert_eq!(found.articles, strs(&s["articles"]), "{name}: summary sentence {want:?} citations");
    }
    if x.get("title_one_of").is_some() {
        assert!(strs(&x["title_one_of"]).contains(&ev.title), "{name}: title {:?}", ev.title);
    }
    // Always: every summary sentence cites at least its own article; agreements have two or more articles.
    assert!(!ev.summary.is_empty() && ev.summary.len() <= 5, "{name}: summary size");
    assert!(ev.summary.iter().all(|s| !s.articles.is_empty()), "{name}: uncited summary sentence");
    assert!(ev.agreements.iter().all(|a| a.articles.len() >= 2), "{name}: agreement with one article");
}

#[test]
fn figures() {
    check("figures");
}

#[test]
fn quotes() {
    check("quotes");
}

#[test]
fn dates() {
    check("dates");
}

#[test]
fn happening_day() {
    check("happening_day");
}

#[test]
fn happening_phases() {
    check("happening_phases");
}

#[test]
fn measures() {
    check("measures");
}

#[test]
fn summary_length_is_configurable_and_empty_events_are_fine() {
    let fixture: Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("figures.json")).unwrap_or_default())
            .unwrap_or(Value::Null);
    let articles: Vec<Article> = serde_json::from_value(fixture["articles"].clone()).unwrap_or_default();
    let none = Annotations::default();
    let members: Vec<EventMember<'_>> =
        articles.iter().map(|a| EventMember { article: a, annotations: &none, origin: &a.id }).collect();
    let ev = build_event("e", "s", &members, &SynopsisOptions { summary_sentences: 2 });
    assert_eq!(ev.summary.len(), 2);
    let ev = build_event("e", "s", &[], &SynopsisOptions::default());
    assert_eq!((ev.origins, ev.articles.len(), ev.summary.len()), (0, 0, 0));
    // Messy input: no text, only punctuation, a lone quote mark, huge numbers.
    let odd = [
        Article::new("x", None, ""),
        Article::new("y", Some("\u{201c}".into()), "\" \u{201c} ... ?! $ 99999999999999999999999 billion \u{20ac}"),
        Article::new("z", None, "(Dateline) \u{2014} \n\n\n. . ."),
    ];
    let members: Vec<EventMember<'_>> =
        odd.iter().map(|a| EventMember { article: a, annotations: &none, origin: &a.id }).collect();
    let ev = build_event("e", "s", &members, &SynopsisOptions::default());
    assert_eq!(ev.articles.len(), 3);
}

#[test]
fn order_of_reports_and_timeline() {
    let t = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
    let mut a = Article::new("a", Some("First report of the fire".into()), "A fire broke out in the old mill.");
    a.published = t("2025-06-02T10:00:00+02:00");
    let mut b = Article::new("b", Some("Mill fire".into()), "A fire broke out in the old mill on the river.");
    b.published = t("2025-06-02T07:30:00+00:00");
    let c = Article::new("c", None, "A fire broke out in the old mill.");
    let none = Annotations::default();
    let members = [
        EventMember { article: &a, annotations: &none, origin: &a.id },
        EventMember { article: &c, annotations: &none, origin: &a.id },
        EventMember { article: &b, annotations: &none, origin: &b.id },
    ];
    let ev = build_event("e1", "s", &members, &SynopsisOptions::default());
    assert_eq!(ev.articles, [b.id.clone(), a.id.clone(), c.id.clone()], "dated first, earliest first");
    assert_eq!(ev.first_seen, b.published);
    let order: Vec<&str> = ev.reports.iter().map(|r| r.article.as_str()).collect();
    assert_eq!(order, [b.id.as_str(), a.id.as_str()], "reports: only dated, earliest first");
    assert_eq!(ev.origins, 2);

    let early = Event {
        id: "e0".into(),
        story: "s".into(),
        title: "Earlier".into(),
        first_seen: t("2025-05-01T00:00:00Z"),
        origins: 3,
        ..Event::default()
    };
    let undated = Event { id: "e2".into(), story: "s".into(), title: "Undated".into(), ..Event::default() };
    let story = Story { id: "s".into(), title: "Fires".into(), events: vec!["e2".into(), "e1".into(), "e0".into()] };
    let line = story_timeline(&story, &[ev.clone(), undated, early]);
    let ids: Vec<&str> = line.iter().map(|l| l.event.as_str()).collect();
    assert_eq!(ids, ["e0", "e1", "e2"]);
    assert_eq!(line[0].origins, 3);
    assert_eq!(line[1].line, ev.title);
    assert!(line[2].date.is_none());
}
