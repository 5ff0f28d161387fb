//! The synopsis on the bundled sample corpus (`examples/corpus`), events built from its gold labels
//! (`examples/corpus.gold.jsonl`): what comparison must find there, checked independently where it can be.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

use synoptic_analyze::EventMember;
use synoptic_analyze::compare::{SynopsisOptions, build_event};
use synoptic_model::{Annotations, Article, Event};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Corpus {
    articles: Vec<Article>,
    annotations: Vec<Annotations>,
    /// Gold event label → indices of its articles.
    events: BTreeMap<String, Vec<usize>>,
    /// Index of each article's origin (itself, or the article it copies).
    origin: Vec<usize>,
}

fn load() -> Option<Corpus> {
    let gold_path = root().join("examples/corpus.gold.jsonl");
    let gold = std::fs::read_to_string(&gold_path).ok()?;
    let mut articles = Vec::new();
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(root().join("examples/corpus")).ok()?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    for path in files {
        let name = format!("examples/corpus/{}", path.file_name()?.to_string_lossy());
        let bytes = std::fs::read(&path).ok()?;
        let input = synoptic_extract::Input { source: &name, bytes: &bytes, content_type: None, url: None };
        articles.extend(synoptic_extract::read(&input, &synoptic_extract::ReadOptions::default()).articles);
    }
    let by_source: HashMap<String, usize> = articles.iter().enumerate().map(|(i, a)| (a.source.clone(), i)).collect();
    let mut events: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut origin: Vec<usize> = (0..articles.len()).collect();
    for line in gold.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).ok()?;
        let Some(&i) = v["source"].as_str().and_then(|s| by_source.get(s)) else {
            panic!("gold source not read: {line}; read: {:?}", by_source.keys().collect::<Vec<_>>());
        };
        events.entry(v["event"].as_str()?.to_string()).or_default().push(i);
        if let Some(&o) = v["copy_of"].as_str().and_then(|s| by_source.get(s)) {
            origin[i] = o;
        }
    }
    let annotations = articles.iter().map(synoptic_analyze::annotate::annotate).collect();
    Some(Corpus { articles, annotations, events, origin })
}

fn build(c: &Corpus, label: &str) -> Event {
    let members: Vec<EventMember<'_>> = c.events[label]
        .iter()
        .map(|&i| EventMember {
            article: &c.articles[i],
            annotations: &c.annotations[i],
            origin: &c.articles[c.origin[i]].id,
        })
        .collect();
    build_event(label, "story", &members, &SynopsisOptions::default())
}

/// Share of a sentence's content terms that the best-matching sentence of `article` carries (with
/// `both_ways`, or the share of that sentence's terms the summary sentence carries, whichever is larger).
fn carried(sentence: &str, article: &Article, both_ways: bool) -> f64 {
    let want: HashSet<String> = synoptic_analyze::tokens::content_terms(sentence).into_iter().collect();
    if want.is_empty() {
        return 0.0;
    }
    synoptic_analyze::annotate::sentences(&article.text)
        .iter()
        .map(|s| {
            let have: HashSet<String> =
                synoptic_analyze::tokens::content_terms(s.slice(&article.text)).into_iter().collect();
            let shared = want.intersection(&have).count() as f64;
            if both_ways {
                (shared / want.len() as f64).max(shared / have.len().max(1) as f64)
            } else {
                shared / want.len() as f64
            }
        })
        .fold(0.0, f64::max)
}

#[test]
fn corpus_synopsis() {
    let Some(c) = load() else {
        println!("skipped: examples/corpus or its gold labels absent");
        return;
    };
    let by_id: HashMap<&str, usize> = c.articles.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    let origin_of = |id: &str| by_id.get(id).map(|&i| c.origin[i]);
    let mut quote_events = 0;
    for label in c.events.keys() {
        let ev = build(&c, label);
        if std::env::var_os("SHOW").is_some() {
            println!("{}", serde_json::to_string_pretty(&ev).unwrap_or_default());
        }
        let origins: HashSet<usize> = c.events[label].iter().map(|&i| c.origin[i]).collect();
        assert_eq!(ev.origins, origins.len(), "{label}: copies count once");
        assert!(!ev.title.is_empty(), "{label}: title");
        assert!(!ev.summary.is_empty() && ev.summary.len() <= 5, "{label}: summary of 1..=5 sentences");
        for s in &ev.summary {
            for &i in &c.events[label] {
                let a = &c.articles[i];
                let cited = s.articles.contains(&a.id);
                let got = carried(&s.text, a, cited);
                if cited {
                    assert!(got >= 0.4, "{label}: {} cited but carries {got:.2} of {:?}", a.source, s.text);
                } else {
                    // Not citing an article that shares the words is right when it does not state the
                    // sentence's figures ("its 12 percent tariff" does not say "from 12 to 4 percent").
                    let numbers = s
                        .text
                        .split(|c: char| !c.is_ascii_digit())
                        .filter(|n| !n.is_empty())
                        .all(|n| a.text.contains(n));
                    assert!(
                        got < 0.7 || !numbers,
                        "{label}: {} not cited but carries {got:.2} of {:?}",
                        a.source,
                        s.text
                    );
                }
            }
        }
        for a in &ev.agreements {
            let o: HashSet<usize> = a.articles.iter().filter_map(|id| origin_of(id)).collect();
            assert!(o.len() >= 2, "{label}: agreement from one origin: {a:?}");
        }
        for s in &ev.single_source {
            assert!(ev.articles.contains(&s.article), "{label}: single-source article outside the event");
        }
        for d in &ev.disagreements {
            assert!(d.claims.len() >= 2, "{label}: a disagreement has two sides: {d:?}");
            assert_ne!(d.kind, "name", "{label}: spelling variants are not disagreements: {d:?}");
        }
        if ev.disagreements.iter().any(|d| d.kind == "quote") {
            quote_events += 1;
        }
        if label == "flood-aid" {
            let money = ev.disagreements.iter().any(|d| {
                d.kind == "figure"
                    && d.claims.iter().any(|c| c.text.contains("40 million euros"))
                    && d.claims.iter().any(|c| c.text.contains("$40 million") || c.text.contains("37 million euros"))
            });
            assert!(money, "flood-aid: the 40 million euros / $40 million conflict: {:#?}", ev.disagreements);
            let value = ev.disagreements.iter().any(|d| {
                d.kind == "figure"
                    && d.claims.iter().any(|c| c.text.contains("40 million euros"))
                    && d.claims.iter().any(|c| c.text.contains("37 million euros"))
            });
            assert!(
                value,
                "flood-aid: 37 million euros ($40 million) against 40 million euros: {:#?}",
                ev.disagreements
            );
        }
    }
    assert!(quote_events >= 2, "quotes worded two ways are found in at least two events");
}
