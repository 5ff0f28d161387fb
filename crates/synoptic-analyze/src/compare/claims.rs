//! Claims: each article broken into statements (sentences, or clauses of long sentences), each statement
//! reduced to weighted content terms plus entity and figure anchors, and statements aligned across articles.
//!
//! Two statements "say the same thing" when their weighted term overlap ([`Units::sim`]) reaches
//! [`SAME`]. Weights are inverse statement frequencies within the event, so names and rare words count
//! more than words every article uses. A statement's support is the set of members that have a statement
//! saying the same thing; copies of one origin count once when support is counted in origins.

use rustc_hash::FxHashMap;
use synoptic_model::Span;

use super::facts::Facts;
use super::text;
use crate::EventMember;

/// Similarity at or above which two statements are taken to say the same thing.
pub(crate) const SAME: f64 = 0.42;
/// Sentences of one article taken into comparison (news puts what matters first; this bounds the work).
const MAX_SENTENCES: usize = 80;
/// Fewest letters of the shorter name of a name family ([`name_families`]).
const FAMILY_MIN: usize = 5;
/// Most letters the longer name of a name family adds to the shorter.
const FAMILY_EXTRA: usize = 3;
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
    /// Whether a term id is an anchor (entity or figure).
    anchor: Vec<bool>,
    /// Whether a term id is only ever a name's initials, derived from words the statement also has.
    derived: Vec<bool>,
    /// Whether a term id is a number written with a decimal point ("5.6", "3.25").
    decimal: Vec<bool>,
    vocab: FxHashMap<String, u32>,
    /// Statements each term id occurs in.
    df: Vec<u32>,
    /// Units of each member, as index ranges into `units`.
    pub by_member: Vec<std::ops::Range<usize>>,
    /// Number of members (the row length of `best`).
    members: usize,
    /// `best[u * members + m]`: the best similarity of unit u to any unit of member m (1 for its own member).
    best: Vec<f64>,
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

/// Interned terms of one event: ids in first-seen order, with per-id flags.
#[derive(Default)]
struct Vocab {
    ids: FxHashMap<String, u32>,
    /// Statements the term occurs in.
    df: Vec<u32>,
    /// Whether the term was ever written lowercase (a term never written so is a name).
    lower_seen: Vec<bool>,
    anchor: Vec<bool>,
    figure: Vec<bool>,
    /// Whether the term was ever written as a word (not only derived as a name's initials).
    written: Vec<bool>,
}

impl Vocab {
    fn id(&mut self, t: &str) -> u32 {
        if let Some(&id) = self.ids.get(t) {
            return id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(t.to_string(), id);
        self.df.push(0);
        self.lower_seen.push(false);
        self.anchor.push(t.starts_with('#'));
        self.figure.push(t.starts_with("#n"));
        self.written.push(t.starts_with('#'));
        id
    }
}

/// Entity and figure anchors of each of `spans` (sorted, disjoint sentence spans), in the order
/// [`span_terms`] gives them: entities in annotation order, then figures (and their alternates).
fn anchors_by_sentence(member: &EventMember<'_>, facts: &Facts, spans: &[Span]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new(); spans.len()];
    let within = |s: Span| -> Option<usize> {
        let i = spans.partition_point(|x| x.start <= s.start).checked_sub(1)?;
        (s.end <= spans[i].end).then_some(i)
    };
    for e in &member.annotations.entities {
        if let Some(i) = within(e.span) {
            out[i].push(format!("#e{}", crate::annotate::entity_key(&e.canonical)));
        }
    }
    for f in &facts.figures {
        if f.unit == "date" {
            continue;
        }
        if let Some(i) = within(f.span) {
            out[i].push(figure_anchor(f.value));
            if let Some(alt) = &f.alternate {
                out[i].push(figure_anchor(alt.value));
            }
        }
    }
    out
}

/// What two statements share, summed term by term in ascending term id order (the order fixes the
/// floating-point sum, so every way of computing it gives the same bits).
#[derive(Debug, Clone, Copy, Default)]
struct Shared {
    weight: f64,
    count: u16,
    plain: u16,
    figure: bool,
}

impl Shared {
    fn add(&mut self, units: &Units, t: u32) {
        let t = t as usize;
        self.weight += units.idf[t];
        self.count = self.count.saturating_add(1);
        if !units.named[t] {
            self.plain = self.plain.saturating_add(1);
        }
        self.figure |= units.figure.get(t).copied().unwrap_or(false);
    }

    /// [`Units::sim`] of two statements of positive weight from what they share.
    fn score(&self, ua: &Unit, ub: &Unit) -> f64 {
        if self.plain < 2 && !(self.plain == 1 && self.figure) {
            return 0.0;
        }
        let dice = 2.0 * self.weight / (ua.weight + ub.weight);
        let small = ua.terms.len().min(ub.terms.len());
        let containment =
            if small >= 4 && self.count >= 3 { 0.8 * self.weight / ua.weight.min(ub.weight) } else { 0.0 };
        dice.max(containment)
    }
}

impl Units {
    /// Build the sentence statements of `members` (in event order). Each article's statements are reduced
    /// to interned term ids once; term ids are given in first-seen order.
    pub(crate) fn build(members: &[EventMember<'_>], facts: &[Facts]) -> Units {
        let mut vocab = Vocab::default();
        let mut units: Vec<Unit> = Vec::new();
        let mut by_member = Vec::with_capacity(members.len());
        let mut plain: Vec<u32> = Vec::new();
        for (m, member) in members.iter().enumerate() {
            let body = &member.article.text;
            let begin = units.len();
            let mut spans = text::sentence_spans(body);
            spans.truncate(MAX_SENTENCES);
            let anchors = anchors_by_sentence(member, &facts[m], &spans);
            for (si, (span, anchors)) in spans.into_iter().zip(anchors).enumerate() {
                let shown = synoptic_model::text::matching_form(text::strip_dateline(span.slice(body)));
                let mut ids: Vec<u32> = Vec::new();
                plain.clear();
                text::each_term(&shown, |t, capital| {
                    let id = vocab.id(t);
                    vocab.lower_seen[id as usize] |= !capital;
                    vocab.written[id as usize] = true;
                    ids.push(id);
                    plain.push(id);
                });
                // A name written out also stands for its initials, so "Organization for Security and
                // Cooperation in Europe" and "OSCE" share a term.
                text::initials(&shown, |t| {
                    let id = vocab.id(t);
                    ids.push(id);
                    plain.push(id);
                });
                for a in &anchors {
                    ids.push(vocab.id(a));
                }
                plain.sort_unstable();
                plain.dedup();
                ids.sort_unstable();
                ids.dedup();
                for &id in &ids {
                    vocab.df[id as usize] += 1;
                }
                units.push(Unit {
                    member: m,
                    sentence: si,
                    span,
                    text: shown,
                    terms: ids,
                    words: plain.len(),
                    weight: 0.0,
                });
            }
            by_member.push(begin..units.len());
        }
        let Vocab { ids: vocab, df, lower_seen, anchor, figure, written } = vocab;
        let derived: Vec<bool> = written.iter().map(|w| !w).collect();
        let mut decimal = vec![false; df.len()];
        for (k, &v) in &vocab {
            decimal[v as usize] = is_decimal(k);
        }
        let anchor_flags = anchor.clone();
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
        let members_n = by_member.len();
        let mut all = Units {
            units,
            idf,
            named,
            figure,
            anchor: anchor_flags,
            derived,
            decimal,
            vocab,
            df,
            by_member,
            members: members_n,
            best: Vec::new(),
            same: Vec::new(),
        };
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
        let mut shared = Shared::default();
        let (mut i, mut j) = (0, 0);
        while i < ua.terms.len() && j < ub.terms.len() {
            match ua.terms[i].cmp(&ub.terms[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared.add(self, ua.terms[i]);
                    i += 1;
                    j += 1;
                }
            }
        }
        shared.score(ua, ub)
    }

    /// For each term, the other terms of its name family ([`name_families`]), ascending: one name written
    /// in two forms ("Somali" / "Somalian", "Khaledi" / "Khaledin").
    pub(crate) fn families(&self) -> Vec<Vec<u32>> {
        let names: Vec<(&str, u32)> =
            self.vocab.iter().filter(|(_, v)| self.named[**v as usize]).map(|(k, &v)| (k.as_str(), v)).collect();
        let mut out: Vec<Vec<u32>> = vec![Vec::new(); self.df.len()];
        for (a, b) in name_families(names) {
            out[a as usize].push(b);
            out[b as usize].push(a);
        }
        for f in &mut out {
            f.sort_unstable();
        }
        out
    }

    /// Number of distinct terms.
    pub(crate) fn term_count(&self) -> usize {
        self.df.len()
    }

    /// Weight (inverse statement frequency) of term `t`.
    pub(crate) fn idf(&self, t: u32) -> f64 {
        self.idf.get(t as usize).copied().unwrap_or(0.0)
    }

    /// Whether term `t` is specific: an entity or figure anchor, or a word only ever written as a name.
    pub(crate) fn is_named(&self, t: u32) -> bool {
        self.named.get(t as usize).copied().unwrap_or(false)
    }

    /// Whether term `t` is an entity or figure anchor.
    pub(crate) fn is_anchor(&self, t: u32) -> bool {
        self.anchor.get(t as usize).copied().unwrap_or(false)
    }

    /// Whether term `t` is only ever derived (a name's initials, never written): it repeats words of its
    /// statement and matters only where another statement shares it (the same name written as initials).
    pub(crate) fn is_derived(&self, t: u32) -> bool {
        self.derived.get(t as usize).copied().unwrap_or(false)
    }

    /// Whether term `t` is a number written with a decimal point: a measured value ("a 5.6 quake"), specific
    /// enough that two statements writing it with the same words report one measurement.
    pub(crate) fn is_decimal(&self, t: u32) -> bool {
        self.decimal.get(t as usize).copied().unwrap_or(false)
    }

    /// Whether term `t` is a figure anchor.
    pub(crate) fn is_figure(&self, t: u32) -> bool {
        self.figure.get(t as usize).copied().unwrap_or(false)
    }

    /// Terms of unit `u` found in `part` (a clause of it): its content terms, plus every anchor of `u`.
    pub(crate) fn terms_within(&self, u: usize, part: &str) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        text::each_term(part, |t, _| {
            if let Some(&id) = self.vocab.get(t) {
                out.push(id);
            }
        });
        if let Some(unit) = self.units.get(u) {
            out.extend(unit.terms.iter().copied().filter(|&t| self.is_anchor(t)));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Units each term occurs in, ascending; terms in more than [`common_cut`] statements get none.
    pub(crate) fn postings(&self) -> Vec<Vec<u32>> {
        let cut = common_cut(self.units.len());
        let mut postings: Vec<Vec<u32>> = self
            .df
            .iter()
            .map(|&d| if d as usize <= cut { Vec::with_capacity(d as usize) } else { Vec::new() })
            .collect();
        for (u, unit) in self.units.iter().enumerate() {
            for &t in &unit.terms {
                if self.df[t as usize] as usize <= cut {
                    postings[t as usize].push(u as u32);
                }
            }
        }
        postings
    }

    /// Whether any unit of member `m` carries the term `t` (an interned term string).
    pub(crate) fn member_has(&self, m: usize, t: &str) -> bool {
        let Some(&id) = self.vocab.get(t) else { return false };
        self.by_member.get(m).is_some_and(|r| r.clone().any(|u| self.units[u].terms.binary_search(&id).is_ok()))
    }

    /// For unit `u`, the best similarity to any unit of each member (the unit's own member gets 1).
    pub(crate) fn best_per_member(&self, u: usize) -> &[f64] {
        self.best.get(u * self.members..(u + 1) * self.members).unwrap_or(&[])
    }

    /// Fill [`Units::best`] and [`Units::same`]. Only candidate pairs are scored: statements of different
    /// members that share at least two indexed terms (a pair sharing fewer cannot reach a non-zero
    /// [`Units::sim`]). Terms are indexed per statement through an inverted index; in large events the
    /// commonest terms (in more than [`common_cut`] statements) are left out of the index, so a pair is a
    /// candidate only through rarer terms — pairs sharing only very common words are not scored.
    ///
    /// Each statement walks the postings of its terms once, past its own member's statements (a member's
    /// statements are consecutive), accumulating what it shares with each later statement. When every term
    /// is indexed that accumulation is the whole overlap, in the same term order as [`Units::sim`], so the
    /// score comes without a second pass; otherwise candidates are scored by [`Units::sim`].
    fn fill_best(&mut self) {
        let members = self.members;
        let n = self.units.len();
        let mut best = vec![0.0f64; n * members];
        for (u, unit) in self.units.iter().enumerate() {
            best[u * members + unit.member] = 1.0;
        }
        let mut same: Vec<Vec<u32>> = vec![Vec::new(); n];
        let cut = common_cut(n);
        let complete = self.df.iter().all(|&d| d as usize <= cut);
        // Postings in ascending unit order, so "later units of other members" is a suffix.
        let mut postings: Vec<Vec<u32>> = self
            .df
            .iter()
            .map(|&d| if d as usize <= cut { Vec::with_capacity(d as usize) } else { Vec::new() })
            .collect();
        for (u, unit) in self.units.iter().enumerate() {
            for &t in &unit.terms {
                if self.df[t as usize] as usize <= cut {
                    postings[t as usize].push(u as u32);
                }
            }
        }
        let mut acc = vec![Shared::default(); n];
        let mut touched: Vec<u32> = Vec::new();
        for u in 0..n {
            let mu = self.units[u].member;
            if self.units[u].weight <= 0.0 {
                continue;
            }
            let after = self.by_member[mu].end;
            for &t in &self.units[u].terms {
                let list = &postings[t as usize];
                let from = list.partition_point(|&v| (v as usize) < after);
                if from == list.len() {
                    continue;
                }
                let mut one = Shared::default();
                one.add(self, t);
                for &v in &list[from..] {
                    let a = &mut acc[v as usize];
                    if a.count == 0 {
                        touched.push(v);
                    }
                    a.weight += one.weight;
                    a.count = a.count.saturating_add(1);
                    a.plain = a.plain.saturating_add(one.plain);
                    a.figure |= one.figure;
                }
            }
            for &v in &touched {
                let v = v as usize;
                let shared = std::mem::take(&mut acc[v]);
                if shared.count < 2 {
                    continue;
                }
                let mv = self.units[v].member;
                let s = if !complete {
                    self.sim(u, v)
                } else if self.units[v].weight <= 0.0 {
                    0.0
                } else {
                    shared.score(&self.units[u], &self.units[v])
                };
                let (bu, bv) = (&mut best[u * members + mv], s);
                if bv > *bu {
                    *bu = bv;
                }
                let bv = &mut best[v * members + mu];
                if s > *bv {
                    *bv = s;
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

/// Pairs of name terms (words only ever written as names, or entity anchors) of one family: one is the
/// other plus at most [`FAMILY_EXTRA`] letters, the shorter of [`FAMILY_MIN`] letters or more. Names vary
/// in derived and transliterated forms; common words are left out (a suffix changes their meaning: "work" /
/// "worker"), and so are figures and numbers.
fn name_families(mut names: Vec<(&str, u32)>) -> Vec<(u32, u32)> {
    names.retain(|(k, _)| {
        let name = k.strip_prefix("#e").unwrap_or(k);
        !k.starts_with("#n")
            && name.chars().count() >= FAMILY_MIN
            && name.chars().all(|c| c.is_alphabetic() || c == ' ')
    });
    names.sort_unstable();
    let mut out = Vec::new();
    for (i, &(a, ia)) in names.iter().enumerate() {
        let la = a.chars().count();
        for &(b, ib) in &names[i + 1..] {
            if !b.starts_with(a) {
                break;
            }
            if b.chars().count() - la <= FAMILY_EXTRA {
                out.push((ia, ib));
            }
        }
    }
    out
}

/// Whether `t` is digits, a decimal point and digits.
fn is_decimal(t: &str) -> bool {
    t.split_once('.').is_some_and(|(a, b)| {
        !a.is_empty() && !b.is_empty() && a.bytes().all(|c| c.is_ascii_digit()) && b.bytes().all(|c| c.is_ascii_digit())
    })
}

/// Lowercase words of four letters or more (letters counted) of a text, in its matching form.
pub(crate) fn long_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4)
        .map(str::to_lowercase)
}

/// Share of a statement's words that a cited article must contain at least ([`Citations`]).
pub(crate) const CITED_WORDS: f64 = 0.6;
/// Share of a statement's content terms that one sentence of a cited article must carry.
const CITED_SENTENCE: f64 = 0.5;

/// The final check on citations: an article is cited for a statement only when its own text supports it,
/// not merely because some sentence of it scored close enough. Support is three things together:
/// - the article's text contains at least [`CITED_WORDS`] of the statement's words of four letters or more;
/// - one sentence of the article, aligned with the statement ([`SAME`]), carries at least [`CITED_SENTENCE`]
///   of the statement's weighted terms (content words, entity and figure anchors: a paraphrase shares the
///   specific things even where the words differ);
/// - every figure and at least half of the named things (entities) of the statement appear in the article.
pub(crate) struct Citations {
    /// Words of four letters or more of each member's title and text.
    words: Vec<rustc_hash::FxHashSet<String>>,
}

impl Citations {
    pub(crate) fn new(members: &[EventMember<'_>]) -> Citations {
        let words = members
            .iter()
            .map(|m| {
                let mut set = rustc_hash::FxHashSet::default();
                let title = m.article.title.as_deref().unwrap_or("");
                for t in [title, m.article.text.as_str()] {
                    set.extend(long_words(&synoptic_model::text::matching_form(t)));
                }
                set
            })
            .collect();
        Citations { words }
    }

    /// Whether member `m`'s article supports statement `u` (its own article always does).
    pub(crate) fn supports(&self, units: &Units, u: usize, m: usize) -> bool {
        let unit = &units.units[u];
        if unit.member == m {
            return true;
        }
        let mut want: Vec<String> = long_words(&unit.text).collect();
        want.sort();
        want.dedup();
        if !want.is_empty() {
            let have = want.iter().filter(|w| self.words[m].contains(*w)).count();
            if (have as f64) < CITED_WORDS * want.len() as f64 {
                return false;
            }
        }
        // Figures and names of the statement in the article.
        let mut names = 0usize;
        let mut names_found = 0usize;
        for &t in &unit.terms {
            let ti = t as usize;
            let is_fig = units.figure.get(ti).copied().unwrap_or(false);
            let is_entity = !is_fig && units.named[ti] && units.idf[ti] > 0.0;
            if !(is_fig || is_entity) {
                continue;
            }
            let present = units.by_member[m].clone().any(|v| units.units[v].terms.binary_search(&t).is_ok());
            if is_fig && !present {
                return false;
            }
            if is_entity {
                names += 1;
                names_found += usize::from(present);
            }
        }
        if names_found * 2 < names {
            return false;
        }
        // One sentence carrying the statement.
        units.by_member[m].clone().any(|v| {
            let other = &units.units[v];
            let mut shared = 0.0;
            let (mut i, mut j) = (0, 0);
            while i < unit.terms.len() && j < other.terms.len() {
                match unit.terms[i].cmp(&other.terms[j]) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        shared += units.idf[unit.terms[i] as usize];
                        i += 1;
                        j += 1;
                    }
                }
            }
            unit.weight > 0.0 && other.weight > 0.0 && shared >= CITED_SENTENCE * unit.weight && units.sim(u, v) >= SAME
        })
    }

    /// The members citing statement `u`: its support ([`Units::support`]) less those whose text does not
    /// support it.
    pub(crate) fn cited(&self, units: &Units, u: usize) -> Vec<usize> {
        units.support(u).into_iter().filter(|&m| self.supports(units, u, m)).collect()
    }
}

/// Clauses of sentence unit `u` that carry a detail no other origin gives: a figure, a name or a named
/// entity that no article of another origin mentions at all. Returned as display texts with their spans.
pub(crate) fn novel_clauses(
    units: &Units,
    members: &[EventMember<'_>],
    facts: &[Facts],
    origins: &[usize],
    u: usize,
) -> Vec<(String, Span)> {
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
            out.push((if ci == 0 { shown } else { format!("\u{2026} {shown}") }, span));
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

    #[test]
    fn names_of_one_family_differ_by_a_short_ending() {
        let names = vec![
            ("somali", 0),
            ("somalian", 1),
            ("khaledi", 2),
            ("#ekhaledin", 3),
            ("#ekhaledi", 4),
            ("khaledin", 5),
            // Too short to join: "Ivan" / "Ivanov".
            ("ivan", 6),
            ("ivanov", 7),
            // Too much added: "Page" is short, and "Bettie" / "Bettie Page" adds a word.
            ("#ebettie", 8),
            ("#ebettie page", 9),
            ("#n1.00e2", 10),
            ("#n1.00e20", 11),
        ];
        let mut pairs = name_families(names);
        pairs.sort_unstable();
        assert_eq!(pairs, [(0, 1), (2, 5), (4, 3)]);
    }

    #[test]
    fn a_decimal_is_digits_a_point_and_digits() {
        for (t, want) in [("5.6", true), ("55.96", true), ("56", false), ("5.", false), (".6", false), ("v5.6", false)]
        {
            assert_eq!(is_decimal(t), want, "{t}");
        }
    }
}
