//! Temporary: pairwise scores of the seed articles (diagnostics, removed before the end).
use synoptic_analyze::cluster::{Engine, EngineConfig};
use synoptic_model::{Annotations, Article};
fn main() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    let arts: Vec<Article> = paths.iter().enumerate().map(|(i, p)| {
        let raw = std::fs::read_to_string(p).unwrap();
        let (first, rest) = raw.split_once('\n').unwrap();
        if first.split_whitespace().count() <= 20 { Article::new(format!("{i}"), Some(first.into()), rest.trim()) } else { Article::new(format!("{i}"), None, raw.trim()) }
    }).collect();
    let mut e = Engine::new(EngineConfig { event_threshold: 2.0, ..EngineConfig::default() });
    for k in 0..5 { e.add(&arts[k], &Annotations::default()); }
}
