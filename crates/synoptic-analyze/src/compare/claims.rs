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
/// Sentences of one article taken into comparison (news puts what matters first; this bounds the work).
const MAX_SENTENCES: usize = 80;
/// Weight factor of name terms: names anchor a statement but two statements naming the same people need
/// more than the names in common to say the same thing.
const NAME_FACTOR: f64 = 0.6;

/// One statement (sentence) of one member article.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub member: usize,
    /// Index of the sentence in its article.
    pub sentence: usize,
    pub span: Span,
    /// Display text: matching form, dateline removed.
    pub text: String,
    /// Sorted, unique term ids.
    pub terms: Vec<u32>,
    /// Number of distinct plain content words (anchors excluded).
    pub words: usize,
    pub weight: f64,
}

/// The statements of an event's members with their term weights.
#[derive(Debug, Clone)]
pub(crate) struct Units {
    pub units: Vec<Unit>,
    idf: Vec<f64>,
    /// Whether a term id is an anchor or name (does not count towards the plain words two statements share).
    named: Vec<bool>,
    /// Whether a term id is a figure anchor.
    figure: Vec<bool>,
    vocab: HashMap<String, u32>,
    /// Units of each member, as index ranges into `units`.
    pub by_member: Vec<std::ops::Range<usize>>,
    /// `best[u][m]`: the best similarity of unit u to any unit of member m (1 for its own member).
    best: Vec<Vec<f64>>,
    /// `same[u]`: units of other members that say the same thing as u, ascending.
    same: Vec<Vec<u32>>,
}

/// Statement frequency above which a term is left out of the candidate index: every term in events of a few
/// hundred statements (exact), beyond that terms in more than 5% of the statements (at least 100).
fn common_cut(statements: usize) -> usize {
    if statements <= 600 { statements } else { (statements / 20).max(100) }
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

/// Terms of a span of a member's text: content terms (with name flags), entity anchors, figure anchors.
fn span_terms(member: &EventMember<'_>, facts: &Facts, span: Span, shown: &str) -> Vec<(String, bool)> {
    let mut terms = text::terms_flagged(shown);
    for e in &member.annotations.entities {
        if span.start <= e.span.start && e.span.end <= span.end {
            terms.push((format!("#e{}", crate::annotate::entity_key(&e.canonical)), true));
        }
    }
    for f in &facts.figures {
        if span.start <= f.span.start && f.span.end <= span.end && f.unit != "date" {
            terms.push((figure_anchor(f.value), true));
            if let Some(alt) = &f.alternate {
                terms.push((figure_anchor(alt.value), true));
            }
        }
    }
    terms
}

impl Units {
    /// Build the sentence statements of `members` (in event order).
    pub(crate) fn build(members: &[EventMember<'_>], facts: &[Facts]) -> Units {
        let mut raw: Vec<(Unit, Vec<(String, bool)>)> = Vec::new();
        let mut by_member = Vec::new();
        for (m, member) in members.iter().enumerate() {
            let body = &member.article.text;
            let begin = raw.len();
            for (si, span) in text::sentence_spans(body).into_iter().take(MAX_SENTENCES).enumerate() {
                let shown = synoptic_model::text::matching_form(text::strip_dateline(span.slice(body)));
                let terms = span_terms(member, &facts[m], span, &shown);
                let mut plain: Vec<&str> =
                    terms.iter().filter(|(t, _)| !t.starts_with('#')).map(|(t, _)| t.as_str()).collect();
                plain.sort_unstable();
                plain.dedup();
                let words = plain.len();
                let unit = Unit { member: m, sentence: si, span, text: shown, terms: Vec::new(), words, weight: 0.0 };
                raw.push((unit, terms));
            }
            by_member.push(begin..raw.len());
        }
        // Vocabulary, statement frequencies, name flags (a term is a name when never written lowercase).
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut df: Vec<u32> = Vec::new();
        let mut lower_seen: Vec<bool> = Vec::new();
        let mut anchor: Vec<bool> = Vec::new();
        let mut units = Vec::with_capacity(raw.len());
        for (mut unit, terms) in raw {
            let mut ids = Vec::with_capacity(terms.len());
            for (t, capital) in terms {
                let next = vocab.len() as u32;
                let is_anchor = t.starts_with('#');
                let id = *vocab.entry(t).or_insert(next);
                if id as usize >= df.len() {
                    df.resize(id as usize + 1, 0);
                    lower_seen.resize(id as usize + 1, false);
                    anchor.resize(id as usize + 1, false);
                }
                lower_seen[id as usize] |= !capital;
                anchor[id as usize] = is_anchor;
                ids.push(id);
            }
            ids.sort_unstable();
            ids.dedup();
            for &id in &ids {
                df[id as usize] += 1;
            }
            unit.terms = ids;
            units.push(unit);
        }
        let figure: Vec<bool> = {
            let mut f = vec![false; df.len()];
            for (k, &v) in &vocab {
                if k.starts_with("#n") {
                    f[v as usize] = true;
                }
            }
            f
        };
        let named: Vec<bool> = (0..df.len()).map(|i| anchor[i] || !lower_seen[i]).collect();
        let n = units.len().max(1) as f64;
        let idf: Vec<f64> = df
            .iter()
            .enumerate()
            .map(|(i, &d)| {
                let w = (1.0 + n / f64::from(d.max(1))).ln();
                if named[i] && !anchor[i] { w * NAME_FACTOR } else { w }
            })
            .collect();
        for u in &mut units {
            u.weight = u.terms.iter().map(|&t| idf[t as usize]).sum();
        }
        let mut all = Units { units, idf, named, figure, vocab, by_member, best: Vec::new(), same: Vec::new() };
        all.fill_best();
        all
    }

    /// Weighted overlap of two statements in [0, 1]: the larger of the Dice overlap and (for statements of
    /// four or more terms) a damped containment of the smaller in the larger. Statements that share fewer
    /// than two plain words (names and anchors aside) — or one plain word and a figure — score 0.
    pub(crate) fn sim(&self, a: usize, b: usize) -> f64 {
        let (ua, ub) = (&self.units[a], &self.units[b]);
        if ua.weight <= 0.0 || ub.weight <= 0.0 {
            return 0.0;
        }
        let (mut i, mut j, mut shared, mut count, mut plain, mut figure) = (0, 0, 0.0, 0, 0, false);
        while i < ua.terms.len() && j < ub.terms.len() {
            match ua.terms[i].cmp(&ub.terms[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let t = ua.terms[i] as usize;
                    shared += self.idf[t];
                    count += 1;
                    if !self.named[t] {
                        plain += 1;
                    }
                    figure |= self.is_figure(ua.terms[i]);
                    i += 1;
                    j += 1;
                }
            }
        }
        if plain < 2 && !(plain == 1 && figure) {
            return 0.0;
        }
        let dice = 2.0 * shared / (ua.weight + ub.weight);
        let small = ua.terms.len().min(ub.terms.len());
        let containment = if small >= 4 && count >= 3 { 0.8 * shared / ua.weight.min(ub.weight) } else { 0.0 };
        dice.max(containment)
    }

    fn is_figure(&self, id: u32) -> bool {
        self.figure.get(id as usize).copied().unwrap_or(false)
    }

    /// Whether any unit of member `m` carries the term `t` (an interned term string).
    pub(crate) fn member_has(&self, m: usize, t: &str) -> bool {
        let Some(&id) = self.vocab.get(t) else { return false };
        self.by_member.get(m).is_some_and(|r| r.clone().any(|u| self.units[u].terms.binary_search(&id).is_ok()))
    }

    /// For unit `u`, the best similarity to any unit of each member (the unit's own member gets 1).
    pub(crate) fn best_per_member(&self, u: usize) -> &[f64] {
        self.best.get(u).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Fill [`Units::best`] and [`Units::same`]. Only candidate pairs are scored: statements of different
    /// members that share at least two indexed terms (a pair sharing fewer cannot reach a non-zero
    /// [`Units::sim`]). Terms are indexed per statement through an inverted index; in large events the
    /// commonest terms (in more than [`common_cut`] statements) are left out of the index, so a pair is a
    /// candidate only through rarer terms — pairs sharing only very common words are not scored.
    fn fill_best(&mut self) {
        let members = self.by_member.len();
        let n = self.units.len();
        let mut best = vec![vec![0.0f64; members]; n];
        for (u, row) in best.iter_mut().enumerate() {
            row[self.units[u].member] = 1.0;
        }
        let mut same: Vec<Vec<u32>> = vec![Vec::new(); n];
        let cut = common_cut(n);
        let mut df = vec![0usize; self.idf.len()];
        for u in &self.units {
            for &t in &u.terms {
                df[t as usize] += 1;
            }
        }
        // Postings in ascending unit order, so "later units" is a suffix.
        let mut postings: Vec<Vec<u32>> =
            df.iter().map(|&d| if d <= cut { Vec::with_capacity(d) } else { Vec::new() }).collect();
        for (u, unit) in self.units.iter().enumerate() {
            for &t in &unit.terms {
                if df[t as usize] <= cut {
                    postings[t as usize].push(u as u32);
                }
            }
        }
        let mut count = vec![0u16; n];
        let mut touched: Vec<u32> = Vec::new();
        for u in 0..n {
            let mu = self.units[u].member;
            if self.units[u].weight <= 0.0 {
                continue;
            }
            for &t in &self.units[u].terms {
                let list = &postings[t as usize];
                let from = list.partition_point(|&v| v as usize <= u);
                for &v in &list[from..] {
                    let c = &mut count[v as usize];
                    if *c == 0 {
                        touched.push(v);
                    }
                    *c = c.saturating_add(1);
                }
            }
            for &v in &touched {
                let v = v as usize;
                let shared = count[v];
                count[v] = 0;
                let mv = self.units[v].member;
                if shared < 2 || mu == mv {
                    continue;
                }
                let s = self.sim(u, v);
                if s > best[u][mv] {
                    best[u][mv] = s;
                }
                if s > best[v][mu] {
                    best[v][mu] = s;
                }
                if s >= SAME {
                    same[u].push(v as u32);
                    same[v].push(u as u32);
                }
            }
            touched.clear();
        }
        for list in &mut same {
            list.sort_unstable();
        }
        self.best = best;
        self.same = same;
    }

    /// Units of other members saying the same thing as unit `u` ([`Units::sim`] at or above [`SAME`]).
    pub(crate) fn same_as(&self, u: usize) -> &[u32] {
        self.same.get(u).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Members whose articles say what unit `u` says (its own member included), in event order.
    pub(crate) fn support(&self, u: usize) -> Vec<usize> {
        self.best_per_member(u).iter().enumerate().filter(|(_, s)| **s >= SAME).map(|(m, _)| m).collect()
    }
}

/// Clauses of sentence unit `u` that carry a detail no other origin gives: a figure, a name or a named
/// entity that no article of another origin mentions at all. Returned as display texts.
pub(crate) fn novel_clauses(
    units: &Units,
    members: &[EventMember<'_>],
    facts: &[Facts],
    origins: &[usize],
    u: usize,
) -> Vec<String> {
    let unit = &units.units[u];
    let m = unit.member;
    let body = members[m].article.text.as_str();
    let parts = clauses(body, unit.span);
    if parts.len() < 2 {
        return Vec::new();
    }
    let others: Vec<usize> = (0..members.len()).filter(|&o| origins[o] != origins[m]).collect();
    let mut out = Vec::new();
    for (ci, span) in parts.into_iter().enumerate() {
        let shown = synoptic_model::text::matching_form(span.slice(body));
        let terms = span_terms(&members[m], &facts[m], span, &shown);
        if terms.iter().filter(|(t, _)| !t.starts_with('#')).count() < 3 {
            continue;
        }
        let novel = terms
            .iter()
            .filter(|(t, named)| *named && (t.starts_with("#n") || t.starts_with("#e") || !t.starts_with('#')))
            .any(|(t, _)| !others.iter().any(|&o| units.member_has(o, t)));
        if novel {
            out.push(if ci == 0 { shown } else { format!("\u{2026} {shown}") });
        }
    }
    out
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
            [
                "The council approved the new budget for schools,",
                "including $5 million for rural transport, officials said."
            ]
        );
        let short = "He left, and she stayed.";
        assert_eq!(clauses(short, Span::new(0, short.len())).len(), 1);
    }
}
