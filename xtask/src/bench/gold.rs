//! The generator's gold for copies, and how well a prediction recovers it (recall and precision of copies).
//!
//! Each line of `synoptic synth` output is one article record. Its gold origin is read from
//! `gold_copy_of` (what `synoptic synth` writes), else `copy_of` or `gold.copy_of`: a string names the
//! origin's `id`, an integer its 0-based position in the stream, `null`/absent means an original. Records are numbered by line (0-based) everywhere here.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::Value;

use super::child::file_lines;

/// For each record of the stream, the position of its gold origin (`None` for originals).
#[derive(Debug, Clone, Default)]
pub struct CopyGold {
    pub origin: Vec<Option<usize>>,
    /// A hash of each record's title and body: finds the record an exact duplicate was merged into.
    pub content: Vec<u64>,
}

impl CopyGold {
    /// Reads the gold from a generated JSON Lines file.
    pub fn read(path: &Path) -> Result<CopyGold> {
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut raw: Vec<Option<Value>> = Vec::new();
        let mut content = Vec::new();
        for (i, line) in file_lines(path)?.enumerate() {
            let line = line.with_context(|| format!("reading {}", path.display()))?;
            let record: Value = serde_json::from_str(&line).with_context(|| format!("{}:{}", path.display(), i + 1))?;
            if let Some(id) = record.get("id").and_then(Value::as_str) {
                ids.entry(id.to_string()).or_insert(i);
            }
            let copy_of =
                [record.get("gold_copy_of"), record.get("copy_of"), record.get("gold").and_then(|g| g.get("copy_of"))]
                    .into_iter()
                    .flatten()
                    .find(|v| !v.is_null())
                    .cloned();
            raw.push(copy_of);
            content.push(content_hash(&record));
        }
        let origin = raw
            .into_iter()
            .map(|v| match v {
                Some(Value::String(id)) => ids.get(&id).copied(),
                Some(Value::Number(n)) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
                _ => None,
            })
            .collect();
        Ok(CopyGold { origin, content })
    }

    pub fn len(&self) -> usize {
        self.origin.len()
    }

    pub fn copies(&self) -> usize {
        self.origin.iter().filter(|o| o.is_some()).count()
    }

    /// The root of `i`'s copy group (follows chains of copies, guarding against cycles).
    fn root(&self, mut i: usize) -> usize {
        for _ in 0..self.origin.len() {
            match self.origin.get(i).copied().flatten() {
                Some(next) if next != i => i = next,
                _ => break,
            }
        }
        i
    }

    /// Scores predicted origins (`predicted[i]` = position of the article `i` was judged a copy of).
    ///
    /// A prediction is right when the predicted origin is in the same gold copy group as the article
    /// (copy of the origin, or of another copy of it: both find the syndication). Recall is over gold
    /// copies, precision over articles predicted as copies.
    pub fn score(&self, predicted: &[Option<usize>]) -> CopyScores {
        let mut right = 0usize;
        let mut found_gold = 0usize;
        let mut predicted_n = 0usize;
        for (i, p) in predicted.iter().enumerate().take(self.origin.len()) {
            let Some(p) = *p else { continue };
            predicted_n += 1;
            if p < self.origin.len() && self.root(p) == self.root(i) {
                right += 1;
                if self.origin[i].is_some() {
                    found_gold += 1;
                }
            }
        }
        let gold = self.copies();
        CopyScores {
            gold_copies: gold,
            predicted_copies: predicted_n,
            recall: if gold > 0 { found_gold as f64 / gold as f64 } else { 1.0 },
            precision: if predicted_n > 0 { right as f64 / predicted_n as f64 } else { 1.0 },
        }
    }
}

fn content_hash(record: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for key in ["title", "text", "html"] {
        record.get(key).and_then(Value::as_str).unwrap_or("").hash(&mut hasher);
    }
    hasher.finish()
}

/// Recall and precision of copy detection against the generator's gold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CopyScores {
    pub gold_copies: usize,
    pub predicted_copies: usize,
    pub recall: f64,
    pub precision: f64,
}

/// Predicted origins from a contract document (`synoptic export --format json`) over a store that
/// ingested the stream: articles are placed by the `#n` (1-based) of their `source`. A record missing from
/// the store because it was byte-identical to one stored earlier (same content id) counts as a copy of it.
pub fn predicted_from_export(document: &Value, gold: &CopyGold) -> Result<Vec<Option<usize>>> {
    let records = gold.len();
    let articles = document.get("articles").and_then(Value::as_array).context("export has no \"articles\" list")?;
    let mut position: HashMap<&str, usize> = HashMap::new();
    for article in articles {
        let (Some(id), Some(source)) =
            (article.get("id").and_then(Value::as_str), article.get("source").and_then(Value::as_str))
        else {
            continue;
        };
        if let Some(n) = source.rsplit_once('#').and_then(|(_, n)| n.parse::<usize>().ok())
            && n >= 1
        {
            position.insert(id, n - 1);
        }
    }
    let mut predicted = vec![None; records];
    for article in articles {
        let here = article.get("id").and_then(Value::as_str).and_then(|id| position.get(id));
        let origin = article.get("copy_of").and_then(Value::as_str).and_then(|id| position.get(id));
        if let (Some(&here), Some(&origin)) = (here, origin)
            && let Some(slot) = predicted.get_mut(here)
        {
            *slot = Some(origin);
        }
    }
    let stored: std::collections::HashSet<usize> = position.values().copied().collect();
    let mut first_with: HashMap<u64, usize> = HashMap::new();
    for &p in &stored {
        if let Some(&h) = gold.content.get(p) {
            let slot = first_with.entry(h).or_insert(p);
            *slot = (*slot).min(p);
        }
    }
    for (i, slot) in predicted.iter_mut().enumerate() {
        if slot.is_none() && !stored.contains(&i) {
            *slot = gold.content.get(i).and_then(|h| first_with.get(h)).copied().filter(|&p| p != i);
        }
    }
    Ok(predicted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(origins: &[Option<usize>]) -> CopyGold {
        CopyGold { origin: origins.to_vec(), content: (0..origins.len() as u64).collect() }
    }

    #[test]
    fn copy_of_another_copy_counts() {
        // 0 original, 1 and 2 copies of 0, 3 original.
        let g = gold(&[None, Some(0), Some(0), None]);
        let s = g.score(&[None, Some(0), Some(1), None]);
        assert_eq!((s.recall, s.precision), (1.0, 1.0));
    }

    #[test]
    fn misses_and_false_copies() {
        let g = gold(&[None, Some(0), Some(0), None]);
        let s = g.score(&[None, Some(0), None, Some(1)]);
        assert!((s.recall - 0.5).abs() < 1e-12);
        assert!((s.precision - 0.5).abs() < 1e-12);
    }

    #[test]
    fn export_positions_from_sources() {
        let doc = serde_json::json!({"articles": [
            {"id": "a", "source": "s.jsonl#1", "copy_of": null},
            {"id": "b", "source": "s.jsonl#2", "copy_of": "a"},
            {"id": "c", "source": "s.jsonl#3"}
        ]});
        let mut g = gold(&[None, Some(0), None, Some(0)]);
        g.content[3] = g.content[0]; // record 4 is byte-identical to record 1 and was not stored
        let p = predicted_from_export(&doc, &g).unwrap_or_default();
        assert_eq!(p, vec![None, Some(0), None, Some(0)]);
    }
}
