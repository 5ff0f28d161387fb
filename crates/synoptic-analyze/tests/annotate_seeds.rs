//! Acceptance on the shared seed articles: entities, quotes and figures merged and compared across them.

use std::path::PathBuf;

use synoptic_analyze::EventMember;
use synoptic_analyze::align::align;
use synoptic_analyze::annotate::annotate;
use synoptic_model::{Annotations, Article, EntityKind};

fn seeds() -> Option<Vec<Article>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir).ok()?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let raw = std::fs::read_to_string(&p).ok()?;
        // Read simply: a short first line is the title.
        let (first, rest) = raw.split_once('\n').unwrap_or((raw.as_str(), ""));
        let (title, body) = if first.split_whitespace().count() <= 14 {
            (Some(first.trim().to_string()), rest)
        } else {
            (None, raw.as_str())
        };
        let body = body.trim().to_string();
        out.push(Article::new(p.display().to_string(), title, body));
    }
    Some(out)
}

fn aligned(arts: &[Article]) -> (Vec<Annotations>, synoptic_analyze::align::Aligned) {
    let anns: Vec<Annotations> = arts.iter().map(annotate).collect();
    let members: Vec<EventMember<'_>> =
        arts.iter().zip(&anns).map(|(a, n)| EventMember { article: a, annotations: n, origin: &a.id }).collect();
    let al = align(&members);
    (anns, al)
}

/// Print what annotation and alignment found (visible with `--nocapture`), for reviewing failures.
fn dump(arts: &[Article], anns: &[Annotations], al: &synoptic_analyze::align::Aligned) {
    for (a, ann) in arts.iter().zip(anns) {
        eprintln!("=== {}", a.source);
        for q in &ann.quotes {
            eprintln!("  Q {:?} <- {:?} ({:?})", q.text, q.speaker, q.attribution);
        }
        for f in &ann.figures {
            eprintln!("  F {:?} {} {} about={:?} q={:?}", f.text, f.value, f.unit, f.about, f.qualifier);
        }
    }
    for e in &al.entities {
        eprintln!("ENT {:?} {:?} {:?} n={}", e.name, e.kind, e.aliases, e.articles.len());
    }
    for q in &al.quotes {
        eprintln!("QUO {:?} {:?} variants={}", q.speaker, q.text, q.variants.len());
    }
    for d in &al.disagreements {
        eprintln!("DIS {} {:?} {:?}", d.kind, d.about, d.claims.iter().map(|c| &c.text).collect::<Vec<_>>());
    }
}

#[test]
fn seeds_entities_quotes_and_figures_align() {
    let Some(arts) = seeds() else {
        eprintln!("skipped: ../shared/seeds absent");
        return;
    };
    assert_eq!(arts.len(), 5, "five seed articles");
    let (anns, al) = aligned(&arts);
    dump(&arts, &anns, &al);

    // Entities: spelling variants are aliases of one entity.
    let with_aliases = |names: &[&str]| {
        al.entities.iter().filter(|e| names.iter().all(|n| e.aliases.iter().any(|a| a == n))).collect::<Vec<_>>()
    };
    let kyiv = with_aliases(&["Kyiv", "Kiev"]);
    assert_eq!(kyiv.len(), 1, "Kyiv/Kiev one place");
    assert_eq!(kyiv[0].kind, EntityKind::Place);
    let zel = with_aliases(&["Zelensky", "Zelenskyy"]);
    assert_eq!(zel.len(), 1, "Zelensky/Zelenskyy one person");
    assert_eq!(zel[0].kind, EntityKind::Person);
    assert_eq!(zel[0].articles.len(), 5);
    let stol = with_aliases(&["Stoltenberg", "Jens Stoltenberg"]);
    assert_eq!(stol.len(), 1, "Stoltenberg's mentions one person");
    assert_eq!(stol[0].articles.len(), 5);
    let pesk = with_aliases(&["Dmitry Peskov"]);
    assert_eq!(pesk.len(), 1);
    assert_eq!(pesk[0].articles.len(), 2, "Peskov in two articles, one entity");
    for e in &al.entities {
        let same = al.entities.iter().filter(|o| o.name == e.name && o.kind == e.kind).count();
        assert_eq!(same, 1, "entity {:?} listed twice", e.name);
    }

    // Quotes: different wordings of one utterance are one quote with a variant per article.
    let quote_with = |a: &str, b: &str| {
        al.quotes
            .iter()
            .filter(|q| q.variants.iter().any(|v| v.text.contains(a)) && q.variants.iter().any(|v| v.text.contains(b)))
            .collect::<Vec<_>>()
    };
    for (a, b) in [
        ("imperial deceptions", "imperial delusions"),
        ("closer we are to an end to Russian aggression", "closer we will get to ending Russian aggression"),
    ] {
        let q = quote_with(a, b);
        assert_eq!(q.len(), 1, "{a:?} / {b:?}: one quote");
        assert_eq!(q[0].variants.len(), 2, "{a:?} / {b:?}: two variants");
        assert_eq!(q[0].speaker.as_deref(), Some(stol[0].name.as_str()));
        assert!(
            al.disagreements.iter().any(|d| d.kind == "quote" && d.claims.iter().any(|c| c.text.contains(a))),
            "wordings of {a:?} compared"
        );
    }
    let threat = al
        .quotes
        .iter()
        .filter(|q| q.text.contains("threat") || q.variants.iter().any(|v| v.text.contains("serious")))
        .collect::<Vec<_>>();
    assert_eq!(threat.len(), 1, "Peskov's 'serious threat' wordings are one quote");
    assert_eq!(threat[0].variants.len(), 2);
    assert_eq!(threat[0].speaker.as_deref(), Some(pesk[0].name.as_str()));

    // Figures: $150 billion against 150 billion euros differ in currency.
    let d = al
        .disagreements
        .iter()
        .find(|d| d.kind == "figure" && d.claims.iter().any(|c| c.text.contains("$150 billion")))
        .expect("a figure disagreement about $150 billion");
    assert!(d.claims.iter().any(|c| c.text.contains("150 billion euros")), "{d:?}");
    assert!(d.about.contains("currenc") && d.about.contains("USD") && d.about.contains("EUR"), "{}", d.about);
    // "2.4 billion euros ($2.53 billion)" is one amount in two currencies.
    let f = anns.iter().flat_map(|a| &a.figures).find(|f| f.text == "2.4 billion euros").expect("2.4 billion euros");
    assert_eq!(f.alternate.as_ref().map(|a| a.unit.as_str()), Some("USD"));
    // Spelling variants never make a disagreement.
    assert!(al.disagreements.iter().all(|d| d.kind == "figure" || d.kind == "quote"));
}
