//! Clustering evaluation: B-cubed and pairwise precision, recall and F1 against gold labels.
//!
//! As in the news-stream clustering literature (Bagga & Baldwin 1998 for B-cubed; Miranda et al., EMNLP
//! 2018 report both). Items are scored on the gold set: an item the prediction does not label counts as a
//! cluster of its own; predicted items missing from the gold are ignored.

use std::collections::HashMap;
use std::hash::Hash;

use serde::Serialize;

/// Precision, recall and F1, B-cubed and pairwise. All in `[0, 1]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ClusterScores {
    pub bcubed_p: f64,
    pub bcubed_r: f64,
    pub bcubed_f1: f64,
    pub pair_p: f64,
    pub pair_r: f64,
    pub pair_f1: f64,
    /// Number of gold items scored.
    pub items: usize,
}

/// Score `predicted` (item, cluster label) against `gold` (item, label). Duplicate items: first one wins.
pub fn score(predicted: &[(String, String)], gold: &[(String, String)]) -> ClusterScores {
    let mut pred: HashMap<&str, &str> = HashMap::new();
    for (item, label) in predicted {
        pred.entry(item.as_str()).or_insert(label.as_str());
    }
    let mut gold_map: HashMap<&str, &str> = HashMap::new();
    let mut items: Vec<&str> = Vec::new();
    for (item, label) in gold {
        if !gold_map.contains_key(item.as_str()) {
            gold_map.insert(item.as_str(), label.as_str());
            items.push(item.as_str());
        }
    }
    let rows = items.iter().map(|item| {
        let g = gold_map.get(item).copied().unwrap_or("");
        match pred.get(item) {
            Some(p) => (format!("p:{p}"), g),
            None => (format!("u:{item}"), g),
        }
    });
    score_rows(rows)
}

/// Score items given as (predicted label, gold label) rows, one per item: the form for large streams.
pub fn score_rows<P: Hash + Eq, G: Hash + Eq + Clone>(rows: impl IntoIterator<Item = (P, G)>) -> ClusterScores {
    // Contingency counts: (predicted cluster, gold class) -> items.
    let mut cell: HashMap<(P, G), u64> = HashMap::new();
    let mut n = 0usize;
    for (p, g) in rows {
        *cell.entry((p, g)).or_insert(0) += 1;
        n += 1;
    }
    if n == 0 {
        return ClusterScores::default();
    }
    let mut pred_size: HashMap<&P, u64> = HashMap::new();
    let mut gold_size: HashMap<&G, u64> = HashMap::new();
    for ((p, g), &c) in &cell {
        *pred_size.entry(p).or_insert(0) += c;
        *gold_size.entry(g).or_insert(0) += c;
    }
    // The maps iterate in a per-process random order and floating-point addition is not associative, so
    // the terms are summed in sorted order (and the pair counts in integers): the same labels give the same
    // bits on every run and every machine (`cargo xtask fit --check` compares scores).
    let (mut bp, mut br) = (Vec::with_capacity(cell.len()), Vec::with_capacity(cell.len()));
    for ((p, g), &c) in &cell {
        let c = c as f64;
        bp.push(c * c / pred_size[p] as f64);
        br.push(c * c / gold_size[g] as f64);
    }
    let bcubed_p = ordered_sum(bp) / n as f64;
    let bcubed_r = ordered_sum(br) / n as f64;
    let pairs = |k: u64| k * k.saturating_sub(1) / 2;
    let tp = cell.values().map(|&c| pairs(c)).sum::<u64>() as f64;
    let pred_pairs = pred_size.values().map(|&c| pairs(c)).sum::<u64>() as f64;
    let gold_pairs = gold_size.values().map(|&c| pairs(c)).sum::<u64>() as f64;
    // With no pairs on a side, that side made no mistakes of its kind: precision/recall are 1.
    let pair_p = if pred_pairs > 0.0 { tp / pred_pairs } else { 1.0 };
    let pair_r = if gold_pairs > 0.0 { tp / gold_pairs } else { 1.0 };
    ClusterScores {
        bcubed_p,
        bcubed_r,
        bcubed_f1: f1(bcubed_p, bcubed_r),
        pair_p,
        pair_r,
        pair_f1: f1(pair_p, pair_r),
        items: n,
    }
}

/// Sum in ascending order: independent of the order the terms came in.
fn ordered_sum(mut terms: Vec<f64>) -> f64 {
    terms.sort_by(f64::total_cmp);
    terms.into_iter().sum()
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(s: &str) -> Vec<(String, String)> {
        s.split_whitespace().enumerate().map(|(i, l)| (format!("i{i}"), l.to_string())).collect()
    }

    fn check(pred: &str, gold: &str, bcubed: (f64, f64), pair: (f64, f64)) {
        let s = score(&labels(pred), &labels(gold));
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(s.bcubed_p, bcubed.0) && close(s.bcubed_r, bcubed.1), "{pred} vs {gold}: {s:?}");
        assert!(close(s.pair_p, pair.0) && close(s.pair_r, pair.1), "{pred} vs {gold}: {s:?}");
    }

    #[test]
    fn perfect_and_degenerate_clusterings() {
        check("a a b", "x x y", (1.0, 1.0), (1.0, 1.0));
        // Everything in one cluster: B-cubed precision (2*2/3 + 1*1/3)/3 = 5/9, recall 1.
        check("a a a", "x x y", (5.0 / 9.0, 1.0), (1.0 / 3.0, 1.0));
        // All singletons: precision 1, recall (1/2 + 1/2 + 1)/3 = 2/3, no predicted pairs.
        check("a b c", "x x y", (1.0, 2.0 / 3.0), (1.0, 0.0));
    }

    #[test]
    fn missing_predictions_are_singletons() {
        let gold = labels("x x");
        let pred = vec![("i0".to_string(), "a".to_string())];
        let s = score(&pred, &gold);
        assert!((s.bcubed_r - 0.5).abs() < 1e-9);
        assert_eq!(s.items, 2);
        assert_eq!(score(&[], &[]).items, 0);
    }
}
