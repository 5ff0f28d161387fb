//! Claims: each article broken into statements (sentences, or clauses of long sentences), each statement
//! reduced to weighted content terms plus entity and figure anchors, and statements aligned across articles.
//!
//! Two statements "say the same thing" when their weighted term overlap ([`Units::sim`]) reaches
//! [`SAME`]. Weights are inverse statement frequencies within the event, so names and rare words count
//! more than words every article uses. A statement's support is the set of members that have a statement
//! saying the same thing; copies of one origin count once when support is counted in origins.

use std::collections::HashMap;

use synoptic_model::Span;

use super::facts::Facts;
use super::text;
use crate::EventMember;

/// Similarity at or above which two statements are taken to say the same thing.
pub(crate) const SAME: f64 = 0.42;

/// How statements are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grain {
    Sentence,
    Clause,
}

/// One statement of one member article.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub member: usize,
    /// Index of the sentence in its article.
    pub sentence: usize,
    /// Whether the unit starts its sentence (false for the second and later clauses).
    pub starts_sentence: bool,
    pub span: Span,
    /// Display text: matching form, dateline removed.
    pub text: String,
    /// Sorted, unique term ids.
    pub terms: Vec<u32>,
    /// Number of plain content words (anchors excluded).
    pub words: usize,
    pub weight: f64,
}

/// The statements of an event's members with their term weights.
#[derive(Debug, Clone)]
pub(crate) struct Units {
    pub units: Vec<Unit>,
    idf: Vec<f64>,
    /// Units of each member, as index ranges into `units`.
    pub by_member: Vec<std::ops::Range<usize>>,
}

/// Words that open a subordinate or coordinate clause after a comma or semicolon.
const CLAUSE_OPENERS: &[&str] =
    &["including", "while", "whereas", "where", "which", "but", "although", "though", "after", "as", "who", "and"];

/// Cut a sentence span into clause spans: at semicolons and at ", <opener>", keeping only cuts that leave
/// at least three content words on each side.
fn clauses(text_all: &str, sentence: Span) -> Vec<Span> {
    let s = sentence.slice(text_all);
    let mut cuts = vec![0usize];
    for (i, c) in s.char_indices() {
        let cut = match c {
            ';' => Some(i + 1),
            ',' => {
                let rest = s[i + 1..].trim_start();
                let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect::<String>().to_lowercase();
                CLAUSE_OPENERS.contains(&word.as_str()).then_some(i + 1)
            }
            _ => None,
        };
        if let Some(cut) = cut {
            let last = cuts.last().copied().unwrap_or(0);
            let enough = |a: &str| text::terms(a).len() >= 3;
            if enough(&s[last..cut]) && enough(&s[cut..]) {
                cuts.push(cut);
            }
        }
    }
    cuts.push(s.len());
    cuts.windows(2)
        .filter_map(|w| {
            let part = &s[w[0]..w[1]];
            let lead = part.len() - part.trim_start().len();
            let trail = part.len() - part.trim_end().len();
            (w[0] + lead < w[1] - trail).then(|| Span::new(sentence.start + w[0] + lead, sentence.start + w[1] - trail))
        })
        .collect()
}

fn figure_anchor(value: f64) -> String {
    format!("#n{value:.2e}")
}

impl Units {
    /// Build the statements of `members` (in event order) at the given grain.
    pub(crate) fn build(members: &[EventMember<'_>], facts: &[Facts], grain: Grain) -> Units {
        let mut raw: Vec<(Unit, Vec<String>)> = Vec::new();
        let mut by_member = Vec::new();
        for (m, member) in members.iter().enumerate() {
            let body = &member.article.text;
            let begin = raw.len();
            for (si, sentence) in text::sentence_spans(body).into_iter().enumerate() {
                let spans = match grain {
                    Grain::Sentence => vec![sentence],
                    Grain::Clause => clauses(body, sentence),
                };
                for (ci, span) in spans.into_iter().enumerate() {
                    let raw_text = span.slice(body);
                    let shown = if ci == 0 { text::strip_dateline(raw_text) } else { raw_text };
                    let shown = synoptic_model::text::matching_form(shown);
                    let mut terms = text::terms(&shown);
                    let words = {
                        let mut t = terms.clone();
                        t.sort();
                        t.dedup();
                        t.len()
                    };
                    for e in &member.annotations.entities {
                        if span.start <= e.span.start && e.span.end <= span.end {
                            terms.push(format!("#e{}", e.canonical.to_lowercase()));
                        }
                    }
                    for f in &facts[m].figures {
                        if span.start <= f.span.start && f.span.end <= span.end {
                            terms.push(figure_anchor(f.value));
                            if let Some(alt) = &f.alternate {
                                terms.push(figure_anchor(alt.value));
                            }
                        }
                    }
                    let unit = Unit {
                        member: m,
                        sentence: si,
                        starts_sentence: ci == 0,
                        span,
                        text: shown,
                        terms: Vec::new(),
                        words,
                        weight: 0.0,
                    };
                    raw.push((unit, terms));
                }
            }
            by_member.push(begin..raw.len());
        }
        // Vocabulary and statement frequencies.
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut df: Vec<u32> = Vec::new();
        let mut units = Vec::with_capacity(raw.len());
        for (mut unit, terms) in raw {
            let mut ids: Vec<u32> = terms
                .into_iter()
                .map(|t| {
                    let next = vocab.len() as u32;
                    *vocab.entry(t).or_insert(next)
                })
                .collect();
            ids.sort_unstable();
            ids.dedup();
            for &id in &ids {
                if id as usize >= df.len() {
                    df.resize(id as usize + 1, 0);
                }
                df[id as usize] += 1;
            }
            unit.terms = ids;
            units.push(unit);
        }
        let n = units.len().max(1) as f64;
        let idf: Vec<f64> = df.iter().map(|&d| (1.0 + n / f64::from(d.max(1))).ln()).collect();
        for u in &mut units {
            u.weight = u.terms.iter().map(|&t| idf[t as usize]).sum();
        }
        Units { units, idf, by_member }
    }

    /// Weighted overlap of two statements in [0, 1]: the larger of the Dice overlap and (for statements of
    /// four or more terms) a damped containment of the smaller in the larger.
    pub(crate) fn sim(&self, a: usize, b: usize) -> f64 {
        let (ua, ub) = (&self.units[a], &self.units[b]);
        if ua.weight <= 0.0 || ub.weight <= 0.0 {
            return 0.0;
        }
        let (mut i, mut j, mut shared, mut count) = (0, 0, 0.0, 0);
        while i < ua.terms.len() && j < ub.terms.len() {
            match ua.terms[i].cmp(&ub.terms[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += self.idf[ua.terms[i] as usize];
                    count += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        if count < 2 {
            return 0.0;
        }
        let dice = 2.0 * shared / (ua.weight + ub.weight);
        let small = ua.terms.len().min(ub.terms.len());
        let containment = if small >= 4 && count >= 3 { 0.8 * shared / ua.weight.min(ub.weight) } else { 0.0 };
        dice.max(containment)
    }

    /// For unit `u`, the best similarity to any unit of each member (the unit's own member gets 1).
    pub(crate) fn best_per_member(&self, u: usize) -> Vec<f64> {
        self.by_member
            .iter()
            .enumerate()
            .map(|(m, range)| {
                if m == self.units[u].member {
                    1.0
                } else {
                    range.clone().map(|v| self.sim(u, v)).fold(0.0, f64::max)
                }
            })
            .collect()
    }

    /// Members whose articles say what unit `u` says (its own member included), in event order.
    pub(crate) fn support(&self, u: usize) -> Vec<usize> {
        self.best_per_member(u).iter().enumerate().filter(|(_, s)| **s >= SAME).map(|(m, _)| m).collect()
    }
}

/// Distinct origins among `members_of_support`, given each member's origin index.
pub(crate) fn origin_count(support: &[usize], origins: &[usize]) -> usize {
    let mut o: Vec<usize> = support.iter().map(|&m| origins[m]).collect();
    o.sort_unstable();
    o.dedup();
    o.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_cut_only_where_both_sides_have_content() {
        let t = "The council approved the new budget for schools, including $5 million for rural transport, officials said.";
        let parts: Vec<&str> = clauses(t, Span::new(0, t.len())).iter().map(|s| s.slice(t)).collect();
        assert_eq!(
            parts,
            ["The council approved the new budget for schools,", "including $5 million for rural transport, officials said."]
        );
        let short = "He left, and she stayed.";
        assert_eq!(clauses(short, Span::new(0, short.len())).len(), 1);
    }
}
