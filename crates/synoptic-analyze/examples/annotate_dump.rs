//! Error analysis: annotate the extraction benchmark's gold bodies and print each article's distinct
//! entities (kind, canonical name, mention count), one per line, for reading by eye. Run with
//! `cargo run -p synoptic-analyze --example annotate_dump > /tmp/entities.tsv`.

use std::path::PathBuf;

use synoptic_analyze::annotate::annotate;
use synoptic_model::Article;

fn main() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/extraction-benchmark/ground-truth.json");
    let Ok(raw) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} absent", path.display());
        return;
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&raw) else {
        eprintln!("skipped: {} is not JSON", path.display());
        return;
    };
    let Some(pages) = json.as_object() else { return };
    let mut ids: Vec<&String> = pages.keys().collect();
    ids.sort();
    for id in ids {
        let Some(body) = pages[id].get("articleBody").and_then(|b| b.as_str()) else { continue };
        let ann = annotate(&Article::new(id.clone(), None, body));
        let mut seen: Vec<(String, String, usize)> = Vec::new();
        for m in &ann.entities {
            let k = format!("{:?}", m.kind);
            match seen.iter_mut().find(|(sk, c, _)| *sk == k && *c == m.canonical) {
                Some(s) => s.2 += 1,
                None => seen.push((k, m.canonical.clone(), 1)),
            }
        }
        for (k, c, n) in seen {
            println!("{}\t{k}\t{c}\t{n}", &id[..8]);
        }
    }
}
