//! Acceptance on the shared seed articles: entities, quotes and figures merged and compared across them.

use std::path::PathBuf;

use synoptic_analyze::EventMember;
use synoptic_analyze::align::align;
use synoptic_analyze::annotate::annotate;
use synoptic_model::{Annotations, Article};

fn seeds() -> Option<Vec<Article>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir).ok()?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let raw = std::fs::read_to_string(&p).ok()?;
        // Read simply: a short first line is the title.
        let (first, rest) = raw.split_once('\n').unwrap_or((raw.as_str(), ""));
        let (title, body) =
            if first.split_whitespace().count() <= 14 { (Some(first.trim().to_string()), rest) } else { (None, raw.as_str()) };
        let body = body.trim().to_string();
        out.push(Article::new(p.display().to_string(), title, body));
    }
    Some(out)
}

#[test]
fn dump_seed_annotations() {
    let Some(arts) = seeds() else {
        eprintln!("skipped: ../shared/seeds absent");
        return;
    };
    for a in &arts {
        let ann = annotate(a);
        eprintln!("=== {}", a.source);
        for e in &ann.entities {
            eprintln!("  E {:?} {:?} -> {:?}", e.kind, e.surface, e.canonical);
        }
        for q in &ann.quotes {
            eprintln!("  Q {:?} <- {:?} ({:?})", q.text, q.speaker, q.attribution);
        }
        for f in &ann.figures {
            eprintln!("  F {:?} {} {} about={:?} q={:?} alt={:?}", f.text, f.value, f.unit, f.about, f.qualifier, f.alternate.as_ref().map(|a| (&a.text, &a.unit)));
        }
    }
    let anns: Vec<Annotations> = arts.iter().map(annotate).collect();
    let members: Vec<EventMember<'_>> =
        arts.iter().zip(&anns).map(|(a, n)| EventMember { article: a, annotations: n, origin: &a.id }).collect();
    let al = align(&members);
    for e in &al.entities {
        eprintln!("ENT {:?} {:?} {:?} n={}", e.name, e.kind, e.aliases, e.articles.len());
    }
    for q in &al.quotes {
        eprintln!("QUO {:?} {:?} variants={:?}", q.speaker, q.text, q.variants.iter().map(|v| &v.text).collect::<Vec<_>>());
    }
    for d in &al.disagreements {
        eprintln!("DIS {} {:?} {:?}", d.kind, d.about, d.claims.iter().map(|c| &c.text).collect::<Vec<_>>());
    }
}
