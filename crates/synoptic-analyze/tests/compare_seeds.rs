//! Acceptance of the synopsis on the shared seed articles: two events built by hand from the five files.

use std::path::PathBuf;

use synoptic_analyze::EventMember;
use synoptic_analyze::compare::{SynopsisOptions, build_event};
use synoptic_model::{Annotations, Article, Event};

fn seeds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds")
}

/// Read a seed simply: a short first line before a blank line is the title; a repeated title, photo
/// captions and trailing promos (test-side cleaning, standing in for the readers) are dropped.
fn read_seed(path: &std::path::Path) -> Article {
    let raw = std::fs::read_to_string(path).unwrap_or_default();
    let paras: Vec<&str> = raw.split('\n').map(str::trim).filter(|p| !p.is_empty()).collect();
    let first_is_title = raw.split('\n').nth(1).is_some_and(|l| l.trim().is_empty())
        && paras.first().is_some_and(|p| p.len() < 150 && !p.ends_with('.'));
    let title = first_is_title.then(|| paras[0].to_string());
    let body: Vec<&str> = paras
        .iter()
        .skip(usize::from(first_is_title))
        .copied()
        .filter(|p| Some(*p) != title.as_deref())
        .filter(|p| {
            !(p.starts_with("Photo:")
                || p.contains(" / AFP - ")
                || *p == "Source link"
                || p.starts_with("For the latest news")
                || p.starts_with("Written by")
                || p.starts_with("The Associated Press contributed"))
        })
        .collect();
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut a = Article::new(name, title, body.join("\n\n"));
    a.outlet = Some(format!("outlet-{}", &a.source[..3]));
    a
}

fn event(articles: &[Article], annotations: &[Annotations], pick: &[usize], id: &str) -> Event {
    let members: Vec<EventMember<'_>> = pick
        .iter()
        .map(|&i| EventMember { article: &articles[i], annotations: &annotations[i], origin: &articles[i].id })
        .collect();
    build_event(id, "s1", &members, &SynopsisOptions::default())
}

/// Independent check of a citation (with the shared tokenizer, not comparison's own): a cited article has a
/// sentence sharing at least 40% of the terms of the summary sentence or of itself (`both_ways`); an article
/// not cited has no sentence carrying 70% or more of the summary sentence's terms.
fn carried(sentence: &str, article: &Article, both_ways: bool) -> f64 {
    let want: std::collections::HashSet<String> =
        synoptic_analyze::tokens::content_terms(sentence).into_iter().collect();
    if want.is_empty() {
        return 0.0;
    }
    synoptic_analyze::annotate::sentences(&article.text)
        .iter()
        .map(|s| {
            let have: std::collections::HashSet<String> =
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

fn check_summary(ev: &Event, articles: &[Article]) {
    assert!(!ev.summary.is_empty(), "{}: empty summary", ev.id);
    for s in &ev.summary {
        assert!(!s.articles.is_empty(), "uncited: {}", s.text);
        for a in articles.iter().filter(|a| ev.articles.contains(&a.id)) {
            let cited = s.articles.contains(&a.id);
            let c = carried(&s.text, a, cited);
            if cited {
                assert!(c >= 0.4, "{} cited but carries {c:.2} of: {}", a.source, s.text);
            } else {
                assert!(c < 0.7, "{} not cited but carries {c:.2} of: {}", a.source, s.text);
            }
        }
    }
}

#[test]
fn seeds_synopsis() {
    let dir = seeds_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("skipped: seeds directory {} absent", dir.display());
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    assert_eq!(paths.len(), 5, "five seed files");
    let articles: Vec<Article> = paths.iter().map(|p| read_seed(p)).collect();
    let annotations: Vec<Annotations> = articles.iter().map(synoptic_analyze::annotate::annotate).collect();
    let april = event(&articles, &annotations, &[0, 1, 2], "april");
    let september = event(&articles, &annotations, &[3, 4], "september");
    if std::env::var_os("SHOW").is_some() {
        println!("{}", serde_json::to_string_pretty(&april).unwrap_or_default());
        println!("{}", serde_json::to_string_pretty(&september).unwrap_or_default());
    }
    let id = |i: usize| articles[i].id.clone();

    assert_eq!(april.origins, 3);
    assert_eq!(april.articles.len(), 3);
    assert!(!april.title.is_empty());
    let money = april
        .disagreements
        .iter()
        .find(|d| {
            d.kind == "figure"
                && d.claims.iter().any(|c| c.article == id(0) && c.text.contains("$150 billion"))
                && d.claims.iter().any(|c| c.article == id(1) && c.text.contains("150 billion euros"))
        })
        .is_some();
    assert!(
        money,
        "April: $150 billion / 150 billion euros disagreement with both passages: {:#?}",
        april.disagreements
    );
    assert!(
        april.single_source.iter().any(|s| s.text.contains("Bucha") && s.article == id(1)),
        "April: Bucha is a single-source detail of the second article: {:#?}",
        april.single_source
    );
    assert!(!april.agreements.iter().any(|a| a.text.contains("Bucha")), "Bucha is not an agreement");
    let rank = april.single_source.iter().position(|s| s.text.contains("Bucha"));
    assert!(rank.is_some_and(|r| r < 10), "April: Bucha within the first ten single-source details: {rank:?}");
    println!("April: Bucha single-source detail {} of {}", rank.map_or(0, |r| r + 1), april.single_source.len());
    assert!(
        april.single_source.windows(2).all(|w| w[0].score >= w[1].score),
        "single-source details are ranked by score"
    );
    let wording = september.disagreements.iter().any(|d| {
        d.kind == "quote"
            && d.claims.iter().any(|c| c.article == id(3) && c.text.contains("imperial deceptions"))
            && d.claims.iter().any(|c| c.article == id(4) && c.text.contains("imperial delusions"))
    });
    assert!(wording, "September: deceptions/delusions wording disagreement: {:#?}", september.disagreements);
    for ev in [&april, &september] {
        assert!(
            !ev.disagreements.iter().any(|d| d.kind == "name"),
            "spelling variants are never disagreements: {:#?}",
            ev.disagreements
        );
        assert!(ev.summary.len() <= 5);
        check_summary(ev, &articles);
        assert!(!ev.agreements.is_empty(), "{}: some agreement expected", ev.id);
        for a in &ev.agreements {
            assert!(a.articles.len() >= 2, "agreement with one article: {a:?}");
        }
    }
}
