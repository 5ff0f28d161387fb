//! The cited summary: an extractive choice of sentences that cover what most origins report, without
//! redundancy (maximal marginal relevance), each citing every article that says the same thing and no other.

use synoptic_model::SummarySentence;

use super::claims::{self, Citations, SAME, Units};

/// Sentences shorter or longer than this (in words) are not summary material.
const MIN_WORDS: usize = 6;
const MAX_WORDS: usize = 60;
/// Weight of redundancy against relevance in the marginal relevance score.
const REDUNDANCY: f64 = 0.7;

/// Pronouns and connectives that make a sentence lean on the one before it.
const LEANING_OPENERS: &[&str] = &[
    "he",
    "she",
    "they",
    "it",
    "this",
    "these",
    "those",
    "that",
    "his",
    "her",
    "their",
    "its",
    "meanwhile",
    "however",
    "also",
    "but",
    "and",
    "so",
    "then",
    "there",
];

/// Choose `k` summary sentences from sentence-grain `units`. `ids[m]` is member m's article id and
/// `origins[m]` its origin index; `n_origins` the event's number of origins.
pub(crate) fn summarize(
    units: &Units,
    citations: &Citations,
    ids: &[&str],
    origins: &[usize],
    n_origins: usize,
    k: usize,
) -> Vec<SummarySentence> {
    let n = units.units.len();
    let mut relevance = vec![f64::NEG_INFINITY; n];
    let mut support = vec![Vec::new(); n];
    for u in 0..n {
        let unit = &units.units[u];
        let words = synoptic_model::text::words(&unit.text).count();
        // A sentence cut out of a longer quotation (an odd number of quote marks) does not stand alone.
        let broken_quote = unit.text.matches('"').count() % 2 == 1;
        if !(MIN_WORDS..=MAX_WORDS).contains(&words) || unit.text.ends_with('?') || unit.words < 3 || broken_quote {
            continue;
        }
        let best = units.best_per_member(u);
        support[u] = citations.cited(units, u);
        let covered = claims::origin_count(&support[u], origins) as f64 / n_origins.max(1) as f64;
        let others = best.len().saturating_sub(1).max(1) as f64;
        let centrality =
            best.iter().enumerate().filter(|(m, _)| *m != unit.member).map(|(_, s)| *s).sum::<f64>() / others;
        let position = 0.15 / (1.0 + unit.sentence as f64);
        let first = unit.text.split_whitespace().next().unwrap_or("").to_lowercase();
        let leaning =
            if LEANING_OPENERS.contains(&first.trim_matches(|c: char| !c.is_alphanumeric())) { 0.2 } else { 0.0 };
        let quoted = if unit.text.starts_with(['"', '\u{201C}']) { 0.1 } else { 0.0 };
        relevance[u] = covered + 0.5 * centrality + position - leaning - quoted;
    }
    // `redundancy[u]`: the greatest similarity of u to a chosen sentence, kept up to date as each is chosen.
    let mut chosen: Vec<usize> = Vec::new();
    let mut is_chosen = vec![false; n];
    let mut redundancy = vec![0.0f64; n];
    while chosen.len() < k {
        let mut best: Option<(usize, f64)> = None;
        for (u, &rel) in relevance.iter().enumerate() {
            if rel == f64::NEG_INFINITY || is_chosen[u] || redundancy[u] >= SAME {
                continue;
            }
            let score = rel - REDUNDANCY * redundancy[u];
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((u, score));
            }
        }
        let Some((c, _)) = best else { break };
        chosen.push(c);
        is_chosen[c] = true;
        for (u, r) in redundancy.iter_mut().enumerate() {
            if relevance[u] != f64::NEG_INFINITY && !is_chosen[u] && *r < SAME {
                *r = r.max(units.sim(u, c));
            }
        }
    }
    // Leads first: chosen sentences in the order of their place in their articles (stable otherwise).
    chosen.sort_by_key(|&u| units.units[u].sentence);
    chosen
        .into_iter()
        .map(|u| SummarySentence {
            text: units.units[u].text.clone(),
            articles: support[u].iter().map(|&m| ids[m].to_string()).collect(),
        })
        .collect()
}
