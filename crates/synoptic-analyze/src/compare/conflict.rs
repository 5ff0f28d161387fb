//! Disagreements: aligned statements that conflict — a figure with another value or currency, a quote
//! worded differently, another day or date, another place — with each article's passage. Never decides
//! who is right. Merged with the disagreements alignment found, without repeating one twice.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use synoptic_model::text::month_number;
use synoptic_model::{Claim, Disagreement, Entity, EntityKind, FigureMention, Span};

use super::claims::{SAME, Units};
use super::facts::{self, Facts};
use super::{text, wording};
use crate::EventMember;

/// Sentence similarity two figures' sentences need before a different value counts as a conflict.
const FIGURE_CONTEXT: f64 = 0.25;
/// Relative difference within which two amounts are the same (rounding).
const SAME_VALUE: f64 = 0.02;
/// Relative difference up to which a value with fewer digits can be a rounding of the other.
const ROUNDING: f64 = 0.05;

/// A small union-find over occurrences.
pub(super) struct Groups {
    parent: Vec<usize>,
}

impl Groups {
    pub(super) fn new(n: usize) -> Groups {
        Groups { parent: (0..n).collect() }
    }
    pub(super) fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }
    pub(super) fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.parent[a.max(b)] = a.min(b);
        }
    }
}

/// The sentence unit of member `m` that contains `span`.
pub(super) fn unit_at(units: &Units, m: usize, span: Span) -> Option<usize> {
    units.by_member.get(m)?.clone().find(|&u| {
        let s = units.units[u].span;
        s.start <= span.start && span.start < s.end.max(s.start + 1)
    })
}

pub(super) fn same_value(a: f64, b: f64) -> bool {
    let big = a.abs().max(b.abs());
    big == 0.0 || (a - b).abs() / big <= SAME_VALUE
}

pub(super) fn restates(f: &FigureMention, value: f64, unit: &str) -> bool {
    (f.unit == unit && same_value(f.value, value))
        || f.alternate.as_ref().is_some_and(|a| a.unit == unit && same_value(a.value, value))
}

fn about_terms(f: &FigureMention) -> Vec<String> {
    text::terms(&f.about)
}

/// Whether a figure was read whole: not cut out of a hyphenated compound ("110-billion") or a garbled
/// run of characters around it.
fn whole_figure(text_all: &str, f: &FigureMention) -> bool {
    let after = text_all.get(f.span.end..).unwrap_or("");
    let before = text_all.get(..f.span.start).unwrap_or("");
    !after.starts_with('-')
        && !before.ends_with(char::REPLACEMENT_CHARACTER)
        && !f.about.contains(char::REPLACEMENT_CHARACTER)
}

/// Significant digits of a number as written ("1,099" → 4, "15,000" → 2, "1.2 million" → 2).
fn significant_digits(written: &str) -> u32 {
    let digits: String = written
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
        .filter(char::is_ascii_digit)
        .collect();
    let digits = digits.trim_start_matches('0');
    let has_point =
        written.contains('.') && written.chars().skip_while(|c| *c != '.').nth(1).is_some_and(|c| c.is_ascii_digit());
    let kept = if has_point { digits } else { digits.trim_end_matches('0') };
    (kept.len() as u32).max(1)
}

/// `value` rounded to `digits` significant digits.
fn round_to(value: f64, digits: u32) -> f64 {
    if value == 0.0 {
        return 0.0;
    }
    let magnitude = value.abs().log10().floor() as i32;
    let step = 10f64.powi(magnitude + 1 - digits as i32);
    (value / step).round() * step
}

/// Qualifiers that make a figure a bound or an estimate, as written just before it.
const LOWER: &[&str] =
    &["more than", "over", "at least", "upwards of", "in excess of", "as many as", "some", "exceeding"];
const UPPER: &[&str] = &["less than", "fewer than", "under", "up to", "at most", "nearly", "almost", "below"];
const ROUGH: &[&str] = &[
    "about",
    "around",
    "roughly",
    "approximately",
    "an estimated",
    "estimated",
    "some",
    "nearly",
    "almost",
    "close to",
];

/// The qualifier written right before a figure, from the article text (the annotation's when it has one).
pub(super) fn qualifier(text_all: &str, f: &FigureMention) -> Option<&'static str> {
    let before = text_all.get(f.span.start.saturating_sub(24)..f.span.start).unwrap_or("").to_lowercase();
    let before = before.trim_end();
    LOWER.iter().chain(UPPER).chain(ROUGH).copied().find(|q| {
        before.ends_with(q) && before[..before.len() - q.len()].chars().next_back().is_none_or(|c| !c.is_alphanumeric())
    })
}

/// Whether a figure is one end of a range ("15 to 20", "15-20", "between 15 and 20", "15 or 16").
fn in_range(text_all: &str, f: &FigureMention) -> bool {
    let after = text_all.get(f.span.end..).unwrap_or("");
    let after = after.trim_start();
    let before = text_all.get(f.span.start.saturating_sub(16)..f.span.start).unwrap_or("").to_lowercase();
    let next_number = |s: &str| s.trim_start().starts_with(|c: char| c.is_ascii_digit() || c == '$');
    ["to ", "- ", "-", "\u{2013}", "or ", "and "]
        .iter()
        .any(|sep| after.starts_with(sep) && next_number(&after[sep.len()..]))
        || before.trim_end().ends_with("between")
        || before.trim_end().ends_with("from")
}

/// Whether two values of one measured thing are compatible: equal within rounding (one is the other
/// rounded to the digits it was written with), bounds they both satisfy ("at least 15,000" and "more
/// than 15,000"), estimates close to each other, or a range.
pub(super) fn compatible(ta: &str, fa: &FigureMention, tb: &str, fb: &FigureMention) -> bool {
    let (a, b) = (fa.value, fb.value);
    if same_value(a, b) || in_range(ta, fa) || in_range(tb, fb) {
        return true;
    }
    // "two other victims", "four more games": a part, not the whole the other figure counts.
    let part = |t: &str, f: &FigureMention| {
        let written = t.get(f.span.start..).unwrap_or("").to_lowercase();
        let first_words: Vec<&str> = written.split_whitespace().skip(1).take(2).collect();
        first_words.iter().any(|w| PART.contains(&w.trim_matches(|c: char| !c.is_alphabetic())))
    };
    if part(ta, fa) || part(tb, fb) {
        return true;
    }
    // A span of time counted from different points: "nine days before the inauguration" and "in 30 days".
    let relation = |t: &str, f: &FigureMention| {
        let after = t.get(f.span.end..).unwrap_or("").to_lowercase();
        let next = after.split_whitespace().next().unwrap_or("").trim_matches(|c: char| !c.is_alphabetic()).to_string();
        RELATIVE.contains(&next.as_str()).then_some(next)
    };
    if relation(ta, fa) != relation(tb, fb) {
        return true;
    }
    let (da, db) = (significant_digits(&fa.text), significant_digits(&fb.text));
    // Rounding: one is the other rounded to the digits it was written with, and close to it (a bare "40
    // million" is not a rounding of 37 million: trailing zeros do not say how it was rounded).
    let close = (a - b).abs() <= ROUNDING * a.abs().max(b.abs());
    if close && ((da < db && same_value(round_to(b, da), a)) || (db < da && same_value(round_to(a, db), b))) {
        return true;
    }
    let (qa, qb) = (qualifier(ta, fa), qualifier(tb, fb));
    let fits = |q: Option<&str>, bound: f64, other: f64| -> bool {
        let Some(q) = q else { return false };
        (LOWER.contains(&q) && other >= bound * (1.0 - SAME_VALUE))
            || (UPPER.contains(&q) && other <= bound * (1.0 + SAME_VALUE))
            || (ROUGH.contains(&q) && (other - bound).abs() <= 0.1 * bound.abs().max(other.abs()))
    };
    let both_lower = qa.is_some_and(|q| LOWER.contains(&q)) && qb.is_some_and(|q| LOWER.contains(&q));
    let both_upper = qa.is_some_and(|q| UPPER.contains(&q)) && qb.is_some_and(|q| UPPER.contains(&q));
    both_lower || both_upper || fits(qa, a, b) || fits(qb, b, a)
}

/// Words right after a number that make it a part of a larger count.
const PART: &[&str] = &["other", "more", "additional", "remaining", "further", "extra", "new"];
/// Words right after a span of time that count it from some point.
const RELATIVE: &[&str] = &["before", "after", "ago", "later", "earlier", "since", "until", "from"];
/// Numbers written as words, one to twenty (also the counts of people with no noun, `measure`).
pub(super) const NUMBER_WORDS: &[&str] = &[
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

/// Whether a sentence writes `value` as a number word ("four") or in digits.
fn writes_value(sentence: &str, value: f64) -> bool {
    if value.fract() != 0.0 || !(1.0..=1e12).contains(&value) {
        return false;
    }
    let v = value as u64;
    text::plain_words(sentence).iter().any(|w| {
        w.replace(',', "").parse::<u64>().ok() == Some(v)
            || NUMBER_WORDS.iter().position(|n| n == w).is_some_and(|i| i as u64 + 1 == v)
    })
}

/// Words that set the span of time or the scope a figure is counted over ("this season", "in his career").
const SCOPE: &[&str] = &[
    "season",
    "seasons",
    "career",
    "year",
    "years",
    "annual",
    "month",
    "months",
    "week",
    "weeks",
    "total",
    "overall",
    "cumulative",
    "game",
    "games",
    "match",
    "quarter",
    "half",
    "today",
    "yesterday",
    "daily",
    "record",
    // The moment a market figure is taken at: a close is not an intraday move.
    "closed",
    "closing",
    "intraday",
    "opening",
];

fn scope_words(sentence: &str) -> Vec<String> {
    let mut w: Vec<String> = text::plain_words(sentence).into_iter().filter(|w| SCOPE.contains(&w.as_str())).collect();
    w.sort();
    w.dedup();
    w
}

/// Entities of one kind named inside `span` of member `m`'s text, by canonical name.
fn entities_in(member: &EventMember<'_>, span: Span, kind: EntityKind) -> Vec<String> {
    let mut out: Vec<String> = member
        .annotations
        .entities
        .iter()
        .filter(|e| e.kind == kind && span.start <= e.span.start && e.span.end <= span.end)
        .map(|e| e.canonical.clone())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether two lists of names are the same things (each name of one has a spelling of it in the other).
fn same_names(a: &[String], b: &[String], entities: &[Entity]) -> bool {
    a.iter().all(|x| b.iter().any(|y| spelling_variants(x, y, entities)))
        && b.iter().all(|y| a.iter().any(|x| spelling_variants(x, y, entities)))
}

/// Whether two figures' sentences can be about one happening: where both name people, organisations or
/// places of one kind, they name at least one in common (a robbery in one city and another in another
/// city are two amounts, whatever their values).
pub(super) fn shares_parties(
    members: &[EventMember<'_>],
    entities: &[Entity],
    (ma, fa): (usize, &FigureMention),
    (mb, fb): (usize, &FigureMention),
) -> bool {
    [EntityKind::Person, EntityKind::Organization, EntityKind::Place].into_iter().all(|k| {
        let (ea, eb) = (entities_in(&members[ma], fa.sentence, k), entities_in(&members[mb], fb.sentence, k));
        ea.is_empty() || eb.is_empty() || ea.iter().any(|x| eb.iter().any(|y| spelling_variants(x, y, entities)))
    })
}

/// Whether two figures measure the same thing: their sentences say the same (aligned statements), they
/// measure the same object (a shared word of what they count, the only figure of that unit in each
/// sentence), of the same people and organisations, places and span of time.
fn same_measure(
    members: &[EventMember<'_>],
    facts: &[Facts],
    entities: &[Entity],
    (ma, fa): (usize, &FigureMention),
    (mb, fb): (usize, &FigureMention),
) -> bool {
    // Another figure of the same unit in one sentence about the same thing as the other side's figure
    // makes the pairing ambiguous.
    let alone = |m: usize, f: &FigureMention, other: &FigureMention| {
        let about = about_terms(other);
        !facts[m].figures.iter().any(|g| {
            g.span != f.span
                && g.sentence == f.sentence
                && (g.unit == f.unit || (facts::is_money(&g.unit) && facts::is_money(&f.unit)))
                && (about.is_empty() || about_terms(g).iter().any(|t| about.contains(t)))
        })
    };
    if !alone(ma, fa, fb) || !alone(mb, fb, fa) {
        return false;
    }
    let (ta, tb) = (members[ma].article.text.as_str(), members[mb].article.text.as_str());
    if scope_words(fa.sentence.slice(ta)) != scope_words(fb.sentence.slice(tb)) {
        return false;
    }
    [EntityKind::Person, EntityKind::Organization, EntityKind::Place].into_iter().all(|k| {
        let (ea, eb) = (entities_in(&members[ma], fa.sentence, k), entities_in(&members[mb], fb.sentence, k));
        // One sentence may leave the place, the people or the organisation out; where both name them, they
        // must be the same (two players' points are not one figure).
        if ea.is_empty() || eb.is_empty() {
            return true;
        }
        same_names(&ea, &eb, entities)
    })
}

/// Figure conflicts between members of different origins.
fn figure_conflicts(
    units: &Units,
    members: &[EventMember<'_>],
    origins: &[usize],
    facts: &[Facts],
    entities: &[Entity],
) -> Vec<Disagreement> {
    // Occurrences: (member, figure index).
    let occ: Vec<(usize, usize)> =
        facts.iter().enumerate().flat_map(|(m, f)| (0..f.figures.len()).map(move |i| (m, i))).collect();
    let at: Vec<Option<usize>> = occ.iter().map(|&(m, i)| unit_at(units, m, facts[m].figures[i].span)).collect();
    let abouts: Vec<Vec<String>> = occ.iter().map(|&(m, i)| about_terms(&facts[m].figures[i])).collect();
    let mut groups = Groups::new(occ.len());
    let mut conflicting = vec![false; occ.len()];
    // Per occurrence: what the figure measures, and why each pair it is in conflicts.
    let mut about_of: BTreeMap<usize, (String, Vec<String>)> = BTreeMap::new();
    for (ka, &(ma, ia)) in occ.iter().enumerate() {
        let fa = &facts[ma].figures[ia];
        let Some(ua) = at[ka] else { continue };
        if !whole_figure(members[ma].article.text.as_str(), fa) {
            continue;
        }
        for (kb, &(mb, ib)) in occ.iter().enumerate().skip(ka + 1) {
            if origins[mb] == origins[ma] {
                continue;
            }
            let fb = &facts[mb].figures[ib];
            let money = facts::is_money(&fa.unit) && facts::is_money(&fb.unit);
            if !(money || fa.unit == fb.unit) {
                continue;
            }
            let Some(ub) = at[kb] else { continue };
            if !whole_figure(members[mb].article.text.as_str(), fb) {
                continue;
            }
            let context = units.sim(ua, ub);
            let shared_about = abouts[ka].iter().any(|t| abouts[kb].contains(t));
            // Does the other article state this same figure anywhere near? Then they agree.
            let b_has_a =
                facts[mb].figures.iter().any(|g| restates(g, fa.value, &fa.unit) && g.sentence == fb.sentence);
            let a_has_b =
                facts[ma].figures.iter().any(|g| restates(g, fb.value, &fb.unit) && g.sentence == fa.sentence);
            // The sentence states the other's value too, in words or digits ("sit out four straight").
            let (ta0, tb0) = (members[ma].article.text.as_str(), members[mb].article.text.as_str());
            let a_has_b = a_has_b || writes_value(fa.sentence.slice(ta0), fb.value);
            let b_has_a = b_has_a || writes_value(fb.sentence.slice(tb0), fa.value);
            if b_has_a || a_has_b {
                continue;
            }
            // Each article states the other's value too: two things measured, not one measured twice.
            let anywhere = |m: usize, f: &FigureMention| facts[m].figures.iter().any(|g| restates(g, f.value, &f.unit));
            if anywhere(mb, fa) && anywhere(ma, fb) {
                continue;
            }
            let (ta, tb) = (members[ma].article.text.as_str(), members[mb].article.text.as_str());
            // One states the other's amount in a second currency: they speak of the same sum.
            let linked = fa.alternate.as_ref().is_some_and(|a| same_value(a.value, fb.value))
                || fb.alternate.as_ref().is_some_and(|b| same_value(b.value, fa.value));
            let conflict = if same_value(fa.value, fb.value) {
                // Same amount, another currency or unit.
                (fa.unit != fb.unit
                    && (context >= FIGURE_CONTEXT || shared_about)
                    && scope_words(fa.sentence.slice(ta)) == scope_words(fb.sentence.slice(tb))
                    && shares_parties(members, entities, (ma, fa), (mb, fb)))
                .then(|| format!("the same amount in different currencies ({} vs {})", fa.unit, fb.unit))
            } else if fa.unit == fb.unit
                && ((context >= SAME && shared_about) || (linked && (shared_about || context >= FIGURE_CONTEXT)))
                && same_measure(members, facts, entities, (ma, fa), (mb, fb))
                && !compatible(ta, fa, tb, fb)
            {
                let shown = |t: &str, f: &FigureMention| match qualifier(t, f) {
                    Some(q) => format!("{q} {}", f.text),
                    None => f.text.clone(),
                };
                Some(format!("different values ({} vs {})", shown(ta, fa), shown(tb, fb)))
            } else {
                None
            };
            if let Some(why) = conflict {
                groups.union(ka, kb);
                conflicting[ka] = true;
                conflicting[kb] = true;
                let about = if fa.about.is_empty() { fb.about.clone() } else { fa.about.clone() };
                let entry = about_of.entry(ka).or_insert_with(|| (about, Vec::new()));
                if !entry.1.contains(&why) {
                    entry.1.push(why);
                }
            }
        }
    }
    let mut clusters: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (k, &c) in conflicting.iter().enumerate() {
        if c {
            let root = groups.find(k);
            clusters.entry(root).or_default().push(k);
        }
    }
    clusters
        .into_values()
        .map(|ks| {
            let subject = ks.iter().filter_map(|k| about_of.get(k)).map(|(s, _)| s.as_str()).find(|s| !s.is_empty());
            let mut whys: Vec<&str> = Vec::new();
            for (_, w) in ks.iter().filter_map(|k| about_of.get(k)) {
                for why in w {
                    if !whys.contains(&why.as_str()) {
                        whys.push(why);
                    }
                }
            }
            let about = match subject {
                Some(s) => format!("{s}: {}", whys.join("; ")),
                None => whys.join("; "),
            };
            let mut claims: Vec<Claim> = Vec::new();
            for &k in &ks {
                let (m, i) = occ[k];
                let f = &facts[m].figures[i];
                let passage = passage(members[m].article.text.as_str(), f.sentence, f.span);
                if !claims.iter().any(|c| c.article == members[m].article.id && c.text == passage) {
                    claims.push(Claim { article: members[m].article.id.clone(), text: passage });
                }
            }
            let unit = facts[occ[ks[0]].0].figures[occ[ks[0]].1].unit.as_str();
            let kind = match unit {
                "date" => "date",
                u if u == "%" || facts::is_money(u) => "figure",
                _ => "count",
            };
            Disagreement { kind: kind.to_string(), about, claims }
        })
        .collect()
}

/// The sentence around a span, as the passage shown for a claim.
pub(super) fn passage(text: &str, sentence: Span, span: Span) -> String {
    let s = if sentence.start <= span.start && span.end <= sentence.end { sentence } else { span };
    synoptic_model::text::matching_form(text::strip_dateline(s.slice(text)))
}

/// Words two quotations must share, in order, to be one utterance whatever their attributions say.
const LONG_QUOTE: usize = 12;
/// Share of the shorter quotation those words must be.
const LONG_SHARE: f64 = 0.8;

/// Quote wording conflicts: one utterance by one speaker — a real quotation in each article (inside its
/// marks), the same speaker named in both (or named in one, the wordings sharing nearly everything) —
/// worded differently by different origins. Identical wordings and one cut out of the other agree; two
/// utterances sharing some words are two quotes. Each pair that differs is compared on its own, so one
/// claim is one quotation.
fn quote_conflicts(
    members: &[EventMember<'_>],
    origins: &[usize],
    facts: &[Facts],
    entities: &[Entity],
) -> Vec<Disagreement> {
    let occ: Vec<(usize, usize)> = facts
        .iter()
        .enumerate()
        .flat_map(|(m, f)| (0..f.quotes.len()).map(move |i| (m, i)))
        .filter(|&(m, i)| wording::marked(&members[m].article.text, facts[m].quotes[i].span))
        .collect();
    let stems: Vec<Vec<String>> = occ.iter().map(|&(m, i)| wording::quote_stems(&facts[m].quotes[i].text)).collect();
    let mut groups = Groups::new(occ.len());
    let mut changes: BTreeMap<(usize, usize), Vec<wording::Change>> = BTreeMap::new();
    for a in 0..occ.len() {
        for b in a + 1..occ.len() {
            let ((ma, ia), (mb, ib)) = (occ[a], occ[b]);
            if origins[ma] == origins[mb] {
                continue;
            }
            let (qa, qb) = (&facts[ma].quotes[ia], &facts[mb].quotes[ib]);
            // A long run of the same words in the same order is one utterance whoever the attribution names
            // (attributions are read from the text around a quote, and misread).
            let (shared, shorter) = wording::shared_stems(&stems[a], &stems[b], LONG_QUOTE);
            let one_utterance = shared >= LONG_QUOTE && shared as f64 >= LONG_SHARE * shorter as f64;
            let speakers = one_utterance
                || match (&qa.speaker, &qb.speaker) {
                    (Some(sa), Some(sb)) => spelling_variants(sa, sb, entities),
                    (None, None) => false,
                    _ => true,
                };
            if !speakers {
                continue;
            }
            let wording::Wording::Changed(c) = wording::compare(&qa.text, &qb.text) else { continue };
            // A speaker named on one side only: the wordings must be nearly the same words.
            if (qa.speaker.is_none() || qb.speaker.is_none()) && c.len() > 1 && !one_utterance {
                continue;
            }
            groups.union(a, b);
            changes.insert((a, b), c);
        }
    }
    let mut clusters: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &(a, b) in changes.keys() {
        for k in [a, b] {
            let root = groups.find(k);
            let list = clusters.entry(root).or_default();
            if !list.contains(&k) {
                list.push(k);
            }
        }
    }
    let mut out = Vec::new();
    for mut ks in clusters.into_values() {
        ks.sort_unstable();
        // The speaker, when every attribution in the group names one person.
        let named: Vec<&String> =
            ks.iter().filter_map(|&k| facts[occ[k].0].quotes[occ[k].1].speaker.as_ref()).collect();
        let speaker = named
            .first()
            .filter(|first| named.iter().all(|s| spelling_variants(first, s, entities)))
            .map(|s| (*s).clone());
        let mut claims: Vec<Claim> = Vec::new();
        for &k in &ks {
            let (m, i) = occ[k];
            let t = facts[m].quotes[i].text.clone();
            if !claims.iter().any(|c| c.article == members[m].article.id && c.text == t) {
                claims.push(Claim { article: members[m].article.id.clone(), text: t });
            }
        }
        let mut differs: Vec<wording::Change> = Vec::new();
        for (&(a, b), c) in &changes {
            if ks.contains(&a) && ks.contains(&b) {
                for x in c {
                    if !differs.contains(x) {
                        differs.push(x.clone());
                    }
                }
            }
        }
        let who = speaker.map(|s| format!(" by {s}")).unwrap_or_default();
        let about = format!("wording of a quote{who}: {}", wording::describe(&differs));
        out.push(Disagreement { kind: "quote".to_string(), about, claims });
    }
    out
}

static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(last|next|this|on|since|until|by)\s+)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b",
    )
    .unwrap_or_else(|_| unreachable!())
});
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{1,2})\b(?:,?\s+(\d{4})\b)?",
    )
    .unwrap_or_else(|_| unreachable!())
});
static RELATIVE_DAY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(yesterday|today|tonight|tomorrow)\b").unwrap_or_else(|_| unreachable!()));
/// Vague or relative spans of time that no one day can be read from.
static VAGUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(last|next|this|past|coming)\s+(week|weekend|month|year)\b|\b(weekend|earlier|later|ago)\b")
        .unwrap_or_else(|_| unreachable!())
});

/// A day named in a sentence, resolved against the article's publication date when it is relative.
#[derive(Debug, Clone, PartialEq)]
struct Day {
    /// As written: "Thursday", "June 5".
    written: String,
    /// The calendar day, when it can be told; a month and day without a year compare by month and day.
    date: Option<chrono::NaiveDate>,
    month_day: Option<(u32, u32)>,
    /// Byte offset of the expression in the sentence.
    at: usize,
}

/// The one day a sentence names, resolved: a weekday against `published` (the most recent such day on or
/// before it; "last" the one before; "next" the one after), a month and day with the publication's year
/// unless written. None when the sentence names no day, more than one, a vague span ("last week"), a day
/// relative to the moment of writing ("yesterday", "today"), or a weekday with no publication date.
fn day_of(sentence: &str, published: Option<chrono::NaiveDate>) -> Option<Day> {
    use chrono::Datelike;
    let wd: Vec<regex::Captures<'_>> = WEEKDAY.captures_iter(sentence).collect();
    let md: Vec<regex::Captures<'_>> = MONTH_DAY.captures_iter(sentence).collect();
    let rel: Vec<regex::Captures<'_>> = RELATIVE_DAY.captures_iter(sentence).collect();
    // "Yesterday" and "today" depend on the moment of writing, which publication times of rewrites and
    // updates do not tell reliably: a sentence with one names no comparable day.
    if wd.len() + md.len() != 1 || !rel.is_empty() || VAGUE.is_match(sentence) {
        return None;
    }
    if let Some(c) = md.first() {
        let m = c.get(0)?;
        let month = month_number(c.get(1)?.as_str())?;
        let day: u32 = c.get(2)?.as_str().parse().ok()?;
        let year: Option<i32> = c.get(3).and_then(|y| y.as_str().parse().ok()).or_else(|| published.map(|p| p.year()));
        let date = year.and_then(|y| chrono::NaiveDate::from_ymd_opt(y, month, day));
        return Some(Day { written: m.as_str().to_string(), date, month_day: Some((month, day)), at: m.start() });
    }
    let published = published?;
    let c = wd.first()?;
    let m = c.get(2)?;
    let target: chrono::Weekday = m.as_str().parse().ok()?;
    let lead = c.get(1).map(|x| x.as_str().to_lowercase());
    let today = published.weekday().num_days_from_monday() as i64;
    let want = target.num_days_from_monday() as i64;
    let back = (today - want).rem_euclid(7);
    let shift = match lead.as_deref() {
        Some("last") => -(if back == 0 { 7 } else { back }),
        Some("next") => (want - today).rem_euclid(7).max(1),
        _ => -back,
    };
    let date = published + chrono::Duration::days(shift);
    Some(Day { written: m.as_str().to_string(), date: Some(date), month_day: None, at: m.start() })
}

fn differ(a: &Day, b: &Day) -> bool {
    // One day written the same way is one day (a weekday named by both, whatever their publication dates).
    if a.written.eq_ignore_ascii_case(&b.written) {
        return false;
    }
    match (a.date, b.date) {
        (Some(x), Some(y)) => x != y,
        _ => a.month_day.is_some() && b.month_day.is_some() && a.month_day != b.month_day,
    }
}

fn show_day(d: &Day) -> String {
    match d.date {
        Some(date) if d.month_day.is_none() => format!("{} ({})", d.written, date.format("%Y-%m-%d")),
        _ => d.written.clone(),
    }
}

/// Words of a happening that spans days or of one of its phases.
static PHASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:begins?|began|beginning|starts?|started|starting|opens?|opened|ends?|ended|ending|closes?|closed|conclude[sd]?|resume[sd]?|days|weeks|overnight)\b",
    )
    .unwrap_or_else(|_| unreachable!())
});
/// Sentences from an article's start whose day is the happening's own.
const DAY_LEAD: usize = 2;
/// Verbs that date a statement rather than the happening ("officials said Saturday").
const STATEMENT: &[&str] =
    &["said", "says", "told", "announced", "reported", "added", "confirmed", "stated", "explained", "wrote"];

/// Date conflicts: two strongly aligned sentences of different origins that each name one day, saying the
/// same thing about it (the content words just before it), where the days — relative ones resolved against
/// each article's publication date — differ.
fn date_conflicts(units: &Units, members: &[EventMember<'_>], origins: &[usize]) -> Vec<Disagreement> {
    // Per unit: its one day, and the plain content words just before it (the last two: "called off its
    // strike on [Tuesday]"): two sentences disagree on a date only when they say the same thing about it.
    let dated: Vec<Option<(Day, Vec<String>)>> = units
        .units
        .iter()
        .map(|u| {
            let published = members[u.member].article.published.map(|p| p.date_naive());
            let day = day_of(&u.text, published)?;
            let before = u.text.get(..day.at).unwrap_or("");
            let lead: Vec<String> = text::terms_flagged(before)
                .into_iter()
                .filter(|(t, name)| !name && !t.chars().all(|c| c.is_ascii_digit()))
                .map(|(t, _)| t)
                .collect();
            let lead = lead[lead.len().saturating_sub(2)..].to_vec();
            Some((day, lead))
        })
        .collect();
    let with: Vec<usize> = (0..units.units.len()).filter(|&u| dated[u].is_some()).collect();
    let mut out: Vec<Disagreement> = Vec::new();
    for (i, &a) in with.iter().enumerate() {
        let Some((da, la)) = &dated[a] else { continue };
        for &b in &with[i + 1..] {
            let Some((db, lb)) = &dated[b] else { continue };
            let (ma, mb) = (units.units[a].member, units.units[b].member);
            if origins[ma] == origins[mb] || !differ(da, db) || units.sim(a, b) < SAME {
                continue;
            }
            // Neither day that of a statement ("officials said Saturday"); the same thing said of the day (a
            // shared word just before it), or the day of the happening itself: a weekday in both leads.
            let ordinal = |u: usize| units.by_member[units.units[u].member].clone().position(|x| x == u);
            let lead = |u: usize| ordinal(u).is_some_and(|o| o < DAY_LEAD);
            let stated = |u: usize, d: &Day| {
                let before = units.units[u].text.get(..d.at).unwrap_or("").to_lowercase();
                let last =
                    before.split_whitespace().rev().find(|w| !matches!(*w, "on" | "late" | "early")).unwrap_or("");
                STATEMENT.contains(&last.trim_matches(|c: char| !c.is_alphabetic()))
            };
            // Weekdays only: a full date in a lead is often another moment's ("the March 11 incident").
            let weekday = |d: &Day| d.month_day.is_none();
            if stated(a, da) || stated(b, db) {
                continue;
            }
            // A happening of several days, or one of its phases ("two days of talks", "ended"), has more
            // than one day.
            let phased = |u: usize| PHASE.is_match(&units.units[u].text);
            let happening = lead(a) && lead(b) && weekday(da) && weekday(db) && !phased(a) && !phased(b);
            if !la.iter().any(|t| lb.contains(t)) && !happening {
                continue;
            }
            let what = la.iter().filter(|t| lb.contains(t)).cloned().collect::<Vec<_>>().join(" ");
            let about = if what.is_empty() {
                format!("day of the happening ({} vs {})", show_day(da), show_day(db))
            } else {
                format!("day of \u{201C}{what}\u{201D} ({} vs {})", show_day(da), show_day(db))
            };
            let claims = [
                Claim { article: members[ma].article.id.clone(), text: units.units[a].text.clone() },
                Claim { article: members[mb].article.id.clone(), text: units.units[b].text.clone() },
            ];
            // Copies saying the same thing join the disagreement already found.
            match out
                .iter_mut()
                .find(|d| d.about == about && d.claims.iter().any(|c| claims.iter().any(|n| n.text == c.text)))
            {
                Some(d) => {
                    for c in claims {
                        if !d.claims.iter().any(|x| x.article == c.article) {
                            d.claims.push(c);
                        }
                    }
                }
                None => out.push(Disagreement { kind: "date".to_string(), about, claims: claims.to_vec() }),
            }
        }
    }
    out
}

/// Edit distance between two short strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Whether two names are spellings of one name: the same entity for alignment, the same folded key, one
/// inside the other, or a few letters apart.
pub(crate) fn spelling_variants(a: &str, b: &str, entities: &[Entity]) -> bool {
    if entities.iter().any(|e| e.aliases.iter().any(|x| x == a) && e.aliases.iter().any(|x| x == b)) {
        return true;
    }
    let (ka, kb) = (crate::annotate::entity_key(a), crate::annotate::entity_key(b));
    if ka == kb || ka.contains(&kb) || kb.contains(&ka) {
        return true;
    }
    let longest = ka.chars().count().max(kb.chars().count());
    edit_distance(&ka, &kb) <= (longest / 4).max(1)
}

/// Prepositions that put a happening at a place ("in Lyon", "near the border town of ...").
const LOCATIVE: &[&str] = &["in", "at", "near", "outside", "off", "inside", "across"];

/// How precisely a place is known: a country, a city (a populated place of the gazetteer), or neither (a
/// region, a district, an unknown name). Only places of one level can exclude each other: a region and a
/// place inside it are both right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Country,
    City,
    Other,
}

fn level(name: &str) -> Level {
    let folded = crate::annotate::gazetteer::fold(name);
    if crate::annotate::gazetteer::country_named(&folded).is_some() {
        return Level::Country;
    }
    match crate::annotate::gazetteer::lookup(&folded) {
        Some(k) if k.kind == EntityKind::Place && k.population > 0 => Level::City,
        _ => Level::Other,
    }
}

/// Whether a place mention names where something happens: right after a locative preposition, and not
/// the first words of a longer capitalised name (a team, a newspaper: "Boston Celtics", "New York Times").
fn where_it_happens(text_all: &str, span: Span) -> bool {
    let before = text_all.get(..span.start).unwrap_or("").trim_end();
    let prep = before.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("").to_lowercase();
    let after = text_all.get(span.end..).unwrap_or("");
    let continued = after.starts_with(' ') && after[1..].starts_with(|c: char| c.is_uppercase());
    let possessive = after.starts_with("'s") || after.starts_with("\u{2019}s");
    LOCATIVE.contains(&prep.as_str()) && !continued && !possessive
}

/// Place conflicts (needs entity annotations): two strongly aligned sentences of different origins that
/// each name exactly one place as where the thing happened, different places of one level (two countries,
/// two cities), where neither article names the other's place at all.
fn place_conflicts(
    units: &Units,
    members: &[EventMember<'_>],
    origins: &[usize],
    entities: &[Entity],
) -> Vec<Disagreement> {
    let places_in = |m: usize, span: Option<Span>| -> Vec<(String, bool)> {
        let text_all = members[m].article.text.as_str();
        let mut p: Vec<(String, bool)> = members[m]
            .annotations
            .entities
            .iter()
            .filter(|e| {
                e.kind == EntityKind::Place && span.is_none_or(|s| s.start <= e.span.start && e.span.end <= s.end)
            })
            .map(|e| (e.canonical.clone(), where_it_happens(text_all, e.span)))
            .collect();
        p.sort();
        p.dedup();
        p
    };
    let in_member: Vec<Vec<String>> =
        (0..members.len()).map(|m| places_in(m, None).into_iter().map(|(p, _)| p).collect()).collect();
    let in_unit: Vec<Vec<(String, bool)>> = units.units.iter().map(|u| places_in(u.member, Some(u.span))).collect();
    let single: Vec<usize> = (0..units.units.len()).filter(|&u| in_unit[u].len() == 1 && in_unit[u][0].1).collect();
    let mut out = Vec::new();
    for (i, &a) in single.iter().enumerate() {
        let ma = units.units[a].member;
        let pa = &in_unit[a][0].0;
        for &b in &single[i + 1..] {
            let mb = units.units[b].member;
            let pb = &in_unit[b][0].0;
            if origins[ma] == origins[mb] || pa == pb || units.sim(a, b) < SAME {
                continue;
            }
            if spelling_variants(pa, pb, entities) || in_member[ma].contains(pb) || in_member[mb].contains(pa) {
                continue;
            }
            let (la, lb) = (level(pa), level(pb));
            if la != lb || la == Level::Other {
                continue;
            }
            out.push(Disagreement {
                kind: "place".to_string(),
                about: format!("place ({pa} vs {pb})"),
                claims: vec![
                    Claim { article: members[ma].article.id.clone(), text: units.units[a].text.clone() },
                    Claim { article: members[mb].article.id.clone(), text: units.units[b].text.clone() },
                ],
            });
        }
    }
    out
}

fn overlaps(a: &str, b: &str) -> bool {
    let (wa, wb) = (text::plain_words(a), text::plain_words(b));
    if wa.is_empty() || wb.is_empty() {
        return false;
    }
    let shared = wa.iter().filter(|w| wb.contains(w)).count();
    shared * 2 >= wa.len().min(wb.len())
}

/// Whether `found` says what `known` already says: same kind (counts are figures), and the passages of the
/// articles both name overlap — for every such article, and for at least two (or all of `found`'s).
fn already_known(found: &Disagreement, known: &[Disagreement]) -> bool {
    let family = |kind: &str| if kind == "count" { "figure".to_string() } else { kind.to_string() };
    known.iter().any(|k| {
        if family(&k.kind) != family(&found.kind) {
            return false;
        }
        let common: Vec<&Claim> =
            found.claims.iter().filter(|c| k.claims.iter().any(|kc| kc.article == c.article)).collect();
        common.len() >= 2.min(found.claims.len())
            && common.iter().all(|c| k.claims.iter().any(|kc| kc.article == c.article && overlaps(&kc.text, &c.text)))
    })
}

/// Every disagreement of an event: alignment's first, then those comparison finds that alignment did not.
pub(crate) fn disagreements(
    aligned: Vec<Disagreement>,
    entities: &[Entity],
    sentences: &Units,
    members: &[EventMember<'_>],
    origins: &[usize],
    facts: &[Facts],
) -> Vec<Disagreement> {
    let mut out = aligned;
    let found = figure_conflicts(sentences, members, origins, facts, entities)
        .into_iter()
        .chain(super::measure::measure_conflicts(sentences, members, origins, facts, entities))
        .chain(super::measure::age_conflicts(members, origins, entities))
        .chain(quote_conflicts(members, origins, facts, entities))
        .chain(date_conflicts(sentences, members, origins))
        .chain(place_conflicts(sentences, members, origins, entities));
    for d in found {
        if !already_known(&d, &out) {
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_variants_are_close_names() {
        assert!(spelling_variants("Ravensby", "Ravensbye", &[]));
        assert!(spelling_variants("Dravnik", "Dravnyk", &[]));
        assert!(!spelling_variants("Selmo", "Korvana", &[]));
        assert!(!spelling_variants("Paris", "Perth", &[]));
    }
}
