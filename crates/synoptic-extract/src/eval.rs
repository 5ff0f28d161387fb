//! The extraction benchmark metric: 4-token shingles of `\w+` tokens, per-page TP/FP/FN, averaged.
//!
//! Text is split into Unicode `\w+` tokens (case kept); each run of 4 consecutive tokens is a shingle, and
//! shingles are compared as multisets. Per page, TP = shared shingles, FP = predicted-only, FN = gold-only.
//! Page precision is TP/(TP+FP), page recall TP/(TP+FN) (dividing all three by TP+FP+FN first, as the
//! benchmark does, does not change these ratios). Precision is averaged over pages with TP+FP > 0, recall
//! over pages with TP+FN > 0, and F1 is the harmonic mean of the two averages.
//!
//! Short texts: a text with 1 to 3 tokens counts as one shingle made of all its tokens, so a tiny body is
//! still scored (exact match or not) instead of vanishing; an empty text has no shingles.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// Shingle counts of one page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageScore {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl PageScore {
    /// TP/(TP+FP), or `None` when nothing was predicted.
    pub fn precision(&self) -> Option<f64> {
        let d = self.tp + self.fp;
        (d > 0).then(|| self.tp as f64 / d as f64)
    }

    /// TP/(TP+FN), or `None` when the gold text is empty.
    pub fn recall(&self) -> Option<f64> {
        let d = self.tp + self.fn_;
        (d > 0).then(|| self.tp as f64 / d as f64)
    }
}

/// Averaged scores over a set of pages.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub pages: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("ground truth is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("ground truth must be a JSON object of {{id: {{\"articleBody\": ...}}}}")]
    Shape,
}

fn word_regex() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"\w+").unwrap_or_else(|_| unreachable!("constant regex")))
}

fn shingles(text: &str) -> HashMap<Vec<&str>, usize> {
    let tokens: Vec<&str> = word_regex().find_iter(text).map(|m| m.as_str()).collect();
    let mut out: HashMap<Vec<&str>, usize> = HashMap::new();
    if tokens.is_empty() {
        return out;
    }
    if tokens.len() < 4 {
        out.insert(tokens, 1);
        return out;
    }
    for w in tokens.windows(4) {
        *out.entry(w.to_vec()).or_default() += 1;
    }
    out
}

/// Scores one page's predicted body against its gold body.
pub fn score_page(predicted: &str, gold: &str) -> PageScore {
    let p = shingles(predicted);
    let g = shingles(gold);
    let tp: usize = p.iter().map(|(k, &n)| n.min(g.get(k).copied().unwrap_or(0))).sum();
    let np: usize = p.values().sum();
    let ng: usize = g.values().sum();
    PageScore { tp, fp: np - tp, fn_: ng - tp }
}

/// Averages page precision and recall and combines them into F1.
pub fn aggregate(pages: &[PageScore]) -> Scores {
    let mean = |xs: Vec<f64>| if xs.is_empty() { 0.0 } else { xs.iter().sum::<f64>() / xs.len() as f64 };
    let precision = mean(pages.iter().filter_map(PageScore::precision).collect());
    let recall = mean(pages.iter().filter_map(PageScore::recall).collect());
    let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
    Scores { precision, recall, f1, pages: pages.len() }
}

/// Reads `ground-truth.json` (`{id: {"articleBody": text, ...}}`) into id → article body. Entries without
/// a string `articleBody` get an empty body.
pub fn load_gold(json: &str) -> Result<BTreeMap<String, String>, EvalError> {
    let value: serde_json::Value = serde_json::from_str(json)?;
    let obj = value.as_object().ok_or(EvalError::Shape)?;
    Ok(obj
        .iter()
        .map(|(id, v)| {
            let body = v.get("articleBody").and_then(|b| b.as_str()).unwrap_or("").to_string();
            (id.clone(), body)
        })
        .collect())
}

/// Reads `sources.json` (`{id: {"source": name, ...}}`) into id → source name. Entries without a string
/// `source` are left out (callers fall back to the id's prefix, see [`source_of`]).
pub fn load_sources(json: &str) -> Result<BTreeMap<String, String>, EvalError> {
    let value: serde_json::Value = serde_json::from_str(json)?;
    let obj = value.as_object().ok_or(EvalError::Shape)?;
    Ok(obj.iter().filter_map(|(id, v)| Some((id.clone(), v.get("source")?.as_str()?.to_string()))).collect())
}

/// The source of page `id`: from `sources` when listed, else the id up to its first `-` (`wcxb-0012` →
/// `wcxb`), else `all`.
pub fn source_of<'a>(sources: &'a BTreeMap<String, String>, id: &'a str) -> &'a str {
    sources.get(id).map(String::as_str).unwrap_or_else(|| id.split_once('-').map_or("all", |(s, _)| s))
}

/// Which half of a set page `id` falls in, `0` or `1`, by a hash (FNV-1a, then a 64-bit finaliser so
/// that ids differing only in their last digits still spread) of the id: a fixed split that
/// does not depend on the order or the number of pages. Development looks at half 0; half 1 is reported as
/// held out.
pub fn half(id: &str) -> u8 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    (h >> 63) as u8
}

/// Scores grouped by source and by half: `(source, half)` keys, with `"all"` for the union of sources and
/// `None` for both halves.
pub fn breakdown<'a>(
    pages: impl IntoIterator<Item = (&'a str, PageScore)>,
    sources: &BTreeMap<String, String>,
) -> BTreeMap<(String, Option<u8>), Scores> {
    let mut groups: BTreeMap<(String, Option<u8>), Vec<PageScore>> = BTreeMap::new();
    for (id, s) in pages {
        let source = source_of(sources, id).to_string();
        let h = half(id);
        let all = (source != "all").then(|| "all".to_string());
        for src in std::iter::once(source).chain(all) {
            for part in [None, Some(h)] {
                groups.entry((src.clone(), part)).or_default().push(s);
            }
        }
    }
    groups.into_iter().map(|(k, v)| (k, aggregate(&v))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(predicted: &str, gold: &str, want: (usize, usize, usize)) {
        let s = score_page(predicted, gold);
        assert_eq!((s.tp, s.fp, s.fn_), want, "predicted {predicted:?} gold {gold:?}");
    }

    #[test]
    fn page_scores() {
        check("a b c d e", "a b c d e", (2, 0, 0));
        check("a b c d e f", "a b c d e", (2, 1, 0));
        check("x a b c d", "a b c d e", (1, 1, 1));
        check("a b c d a b c d", "a b c d", (1, 4, 0));
        check("Ünïcode wörds, ok—yes", "ünïcode wörds ok yes", (0, 1, 1));
        check("one two", "one two", (1, 0, 0));
        check("", "a b c d", (0, 0, 1));
        check("", "", (0, 0, 0));
    }

    #[test]
    fn aggregate_averages_pages_and_skips_empty_predictions_for_precision() {
        let pages = [
            PageScore { tp: 1, fp: 1, fn_: 0 },
            PageScore { tp: 0, fp: 0, fn_: 5 },
            PageScore { tp: 3, fp: 0, fn_: 1 },
        ];
        let s = aggregate(&pages);
        assert!((s.precision - 0.75).abs() < 1e-9);
        assert!((s.recall - (1.0 + 0.0 + 0.75) / 3.0).abs() < 1e-9);
        let f1 = 2.0 * s.precision * s.recall / (s.precision + s.recall);
        assert!((s.f1 - f1).abs() < 1e-9);
        assert_eq!(s.pages, 3);
    }

    #[test]
    fn gold_loads_and_rejects_other_shapes() {
        let gold = load_gold(r#"{"a": {"articleBody": "x y", "url": "u"}, "b": {}}"#).unwrap_or_default();
        assert_eq!(gold.get("a").map(String::as_str), Some("x y"));
        assert_eq!(gold.get("b").map(String::as_str), Some(""));
        assert!(matches!(load_gold("[1]"), Err(EvalError::Shape)));
        assert!(matches!(load_gold("{"), Err(EvalError::Json(_))));
    }

    #[test]
    fn sources_halves_and_breakdown() {
        let sources = load_sources(r#"{"x-1": {"source": "wcxb"}, "y": {}}"#).unwrap_or_default();
        assert_eq!(source_of(&sources, "x-1"), "wcxb");
        assert_eq!(source_of(&sources, "dragnet-7"), "dragnet");
        assert_eq!(source_of(&sources, "plain"), "all");
        let ids: Vec<String> = (0..200).map(|i| format!("page-{i}")).collect();
        let ones = ids.iter().filter(|id| half(id) == 1).count();
        assert!((60..=140).contains(&ones), "halves are uneven: {ones} of 200");
        let pages = [("x-1", PageScore { tp: 1, fp: 0, fn_: 0 }), ("dragnet-7", PageScore { tp: 0, fp: 1, fn_: 1 })];
        let b = breakdown(pages, &sources);
        assert_eq!(b[&("all".to_string(), None)].pages, 2);
        assert_eq!(b[&("wcxb".to_string(), None)].f1, 1.0);
        assert_eq!(b[&("dragnet".to_string(), None)].f1, 0.0);
        let h = half("x-1");
        assert_eq!(b[&("wcxb".to_string(), Some(h))].pages, 1);
        assert!(!b.contains_key(&("wcxb".to_string(), Some(1 - h))));
    }
}
