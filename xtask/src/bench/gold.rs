//! The generator's gold for copies, and how well a prediction recovers it (recall and precision of copies).
//!
//! Each line of `synoptic synth` output is one article record. Its gold origin is read from
//! `gold_copy_of` (what `synoptic synth` writes), else `copy_of` or `gold.copy_of`: a string names the
//! origin's `id`, an integer its 0-based position in the stream, `null`/absent means an original. Records
//! are numbered by line (0-based) everywhere here. Reading and scoring the gold is
//! `synoptic_analyze::copies` (shared with `synoptic eval copies`); this module adds what only the bench
//! needs: matching the records to what a store holds.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;
use synoptic_analyze::copies;

use super::child::file_lines;

pub use synoptic_analyze::copies::CopyScores;

/// The gold of a stream (read and scored by `synoptic_analyze::copies`, as `synoptic eval copies` does)
/// plus a content hash per record.
#[derive(Debug, Clone, Default)]
pub struct CopyGold {
    pub gold: copies::CopyGold,
    /// A hash of each record's title and body: finds the record an exact duplicate was merged into.
    pub content: Vec<u64>,
}

impl CopyGold {
    /// Reads the gold from a generated JSON Lines file.
    pub fn read(path: &Path) -> Result<CopyGold> {
        let mut builder = copies::CopyGoldBuilder::default();
        let mut content = Vec::new();
        for (i, line) in file_lines(path)?.enumerate() {
            let line = line.with_context(|| format!("reading {}", path.display()))?;
            let record: Value = serde_json::from_str(&line).with_context(|| format!("{}:{}", path.display(), i + 1))?;
            builder.push(&record);
            content.push(content_hash(&record));
        }
        Ok(CopyGold { gold: builder.finish(), content })
    }

    pub fn len(&self) -> usize {
        self.gold.len()
    }

    /// Scores predicted origins: see [`copies::CopyGold::score`].
    pub fn score(&self, predicted: &[Option<usize>]) -> CopyScores {
        self.gold.score(predicted)
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

/// Each record's content id as `synoptic extract` printed it (one JSON article per line, placed by the
/// `#n`, 1-based, of its `source`): what the store keys the record under after cleaning.
pub fn content_ids(extract_output: &[u8], records: usize) -> Vec<Option<String>> {
    let mut ids = vec![None; records];
    for line in extract_output.split(|&b| b == b'\n') {
        let Ok(article) = serde_json::from_slice::<Value>(line) else { continue };
        let (Some(id), Some(source)) =
            (article.get("id").and_then(Value::as_str), article.get("source").and_then(Value::as_str))
        else {
            continue;
        };
        if let Some(n) = source.rsplit_once('#').and_then(|(_, n)| n.parse::<usize>().ok())
            && let Some(slot) = n.checked_sub(1).and_then(|i| ids.get_mut(i))
        {
            *slot = Some(id.to_string());
        }
    }
    ids
}

/// Predicted origins from a contract document (`synoptic export --format json`) over a store that
/// ingested the stream: articles are placed by the `#n` (1-based) of their `source`. A record missing from
/// the store because its cleaned text had the content id of one stored earlier (`content_ids`, from
/// `synoptic extract`; else a byte-identical record) counts as a copy of it: the store found it the same.
pub fn predicted_from_export(
    document: &Value,
    gold: &CopyGold,
    content_ids: &[Option<String>],
) -> Result<Vec<Option<usize>>> {
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
            let by_id = content_ids.get(i).and_then(Option::as_deref).and_then(|id| position.get(id)).copied();
            *slot = by_id.or_else(|| gold.content.get(i).and_then(|h| first_with.get(h)).copied()).filter(|&p| p != i);
        }
    }
    Ok(predicted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(origins: &[Option<usize>]) -> CopyGold {
        CopyGold { gold: copies::CopyGold { origin: origins.to_vec() }, content: (0..origins.len() as u64).collect() }
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
        let p = predicted_from_export(&doc, &g, &[]).unwrap_or_default();
        assert_eq!(p, vec![None, Some(0), None, Some(0)]);
        // Record 5 differs in bytes from record 2 but cleans to the same text (same content id).
        let mut g = gold(&[None, Some(0), None, Some(0), Some(1)]);
        g.content[3] = g.content[0];
        let extracted = b"{\"id\":\"a\",\"source\":\"s.jsonl#1\"}\n{\"id\":\"b\",\"source\":\"s.jsonl#5\"}\n";
        let ids = content_ids(extracted, 5);
        assert_eq!(ids[4].as_deref(), Some("b"));
        let p = predicted_from_export(&doc, &g, &ids).unwrap_or_default();
        assert_eq!(p, vec![None, Some(0), None, Some(0), Some(1)]);
    }
}
