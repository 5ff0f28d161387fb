//! Single-source details: statements only one origin makes, in any wording, ranked by how much they add.
//!
//! Candidates are the statements (and new clauses of shared statements) that sentence alignment leaves to
//! one origin. Each is then checked against every sentence of every other origin for a paraphrase: most of
//! its weighted terms in one sentence, the same specific things (people, places, figures, names) with some
//! of its words, the same measured value (a figure of one unit, or a number written with a decimal point)
//! with some of its words, or nearly all its terms in one article. Names match in their other forms
//! ("Somali" / "Somalian"), and a name's initials count only where the other sentence shares them. What survives is scored ([`score`]): specific
//! people, places, numbers and quotes no other origin gives, consequences, and a place near the top of its
//! article count for a detail; first-person commentary, questions, background and generic sentences
//! against. The list stays complete, best first; displays show its head.

use synoptic_model::{FigureMention, SingleSource, Span};

use super::claims::{self, Units};
use super::facts::Facts;
use crate::EventMember;

/// Fewest distinct content words a single-source detail needs (drops sign-offs and fragments).
const MIN_DETAIL_WORDS: usize = 4;
/// Weighted share of a detail's terms found in one sentence of another origin at or above which (with two
/// plain words in common) the other origin says it too.
const CONTAINED: f64 = 0.4;
/// Weighted share at or above which a sentence of another origin says the detail when it also shares two
/// specific things (entities, figures, names) and a plain word.
const CONTAINED_SPECIFIC: f64 = 0.3;
/// Share of a detail's terms (unweighted) found anywhere in one article of another origin at or above which
/// that origin reports it (spread over its sentences).
const SPREAD: f64 = 0.6;
/// [`SPREAD`] for a detail with a figure or entity no other origin gives: only when nearly all the rest is
/// there does the other origin report it.
const SPREAD_NOVEL: f64 = 0.8;

/// Share of a detail's specific things (entities, figures, names) that one sentence of another origin
/// must give, with [`SPECIFIC_PLAIN`] of its plain words, for that origin to report the detail: a paraphrase
/// keeps the people, places and numbers even when it changes the words.
const SPECIFIC_SHARE: f64 = 0.5;
/// Share of a detail's plain words that must come with its specific things (see [`SPECIFIC_SHARE`]).
const SPECIFIC_PLAIN: f64 = 0.25;
/// Share of a detail's plain words one sentence of another origin must give (at least four, with one
/// specific thing in common) for that origin to report it in other words around the same names.
const PLAIN_SHARE: f64 = 0.4;
/// Share of a detail's plain words (five or more) one sentence of another origin must give to say it
/// without any name in common.
const WORDS_ALONE: f64 = 0.5;
/// Share of a detail's specific things that, with two of its plain words, makes another origin's sentence
/// the same account in other words.
const MOST_SPECIFICS: f64 = 0.6;
/// Weighted share of a detail's terms at or above which a sentence of another origin that gives one of its
/// figures — the same amount of the same unit ([`same_measure`]), ten or more: small counts are common to
/// unrelated statements — and two of its plain words says it: the same measure with the same words is the
/// same fact, however the rest is worded ("stole gems worth 85 million euros" / "stole diamonds valued at
/// 85 million euros").
const SAME_FIGURE: f64 = 0.2;
/// Figures below this are small counts, too common to tie two statements to one fact.
const SMALL_COUNT: f64 = 10.0;

/// Score taken off per unit of the closest other-origin sentence's weighted share of the detail: a detail
/// half said elsewhere adds less than one nobody comes near.
const CLOSEST_PENALTY: f64 = 6.0;

/// Whether one sentence of another origin, sharing `spec` specific things and `plain` plain words with a
/// detail of `own_specific` specific things and `own_plain` plain words, says the detail: most of its
/// specific things with some of its words, or half its words (four or more) around a specific thing.
fn says_specifics(own_specific: u16, own_plain: u16, spec: u16, plain: u16) -> bool {
    let share = |a: u16, b: u16| if b == 0 { 0.0 } else { f64::from(a) / f64::from(b) };
    let by_specifics = spec >= 2
        && share(spec, own_specific) >= SPECIFIC_SHARE
        && plain >= 1
        && share(plain, own_plain) >= SPECIFIC_PLAIN;
    let by_words = (spec >= 1 && plain >= 4 && share(plain, own_plain) >= PLAIN_SHARE)
        || (plain >= 5 && share(plain, own_plain) >= WORDS_ALONE);
    // Nearly all its specific things (three or more) with a couple of its words: the same account, whatever
    // the wording ("four robbers ... dressed in drag ... Avenue Montaigne" / "four robbers ... disguised as
    // women ... Avenue Montaigne").
    let by_most_specifics = spec >= 3 && share(spec, own_specific) >= MOST_SPECIFICS && plain >= 2;
    by_specifics || by_words || by_most_specifics
}

/// Whether the statement at `sa` (figures `fa`) and the one at `sb` (figures `fb`) give one amount (of
/// [`SMALL_COUNT`] or more, dates aside) in one unit: the same currency, percent, or counted noun.
fn same_measure(fa: &Facts, sa: Span, fb: &Facts, sb: Span) -> bool {
    let within = |f: &&FigureMention, s: Span| {
        s.start <= f.span.start && f.span.end <= s.end && f.unit != "date" && f.value.abs() >= SMALL_COUNT
    };
    let key = |f: &FigureMention| (format!("{:.2e}", f.value), super::text::stem(&f.unit));
    fa.figures.iter().filter(|f| within(f, sa)).any(|f| {
        let k = key(f);
        fb.figures.iter().filter(|g| within(g, sb)).any(|g| key(g) == k)
    })
}

/// What a detail shares with one sentence of another origin.
#[derive(Debug, Clone, Copy, Default)]
struct Overlap {
    touched: bool,
    /// Weight of the shared terms.
    weight: f64,
    /// Shared specific things (entities, figures, names) and plain words.
    specific: u16,
    plain: u16,
    /// Shared figure anchors.
    figures: u16,
    /// Weight and number of the shared terms that are only initials ([`Units::is_derived`]).
    derived_weight: f64,
    derived: u16,
    /// Shared numbers written with a decimal point ([`Units::is_decimal`]).
    decimals: u16,
}

/// Words of outcome and consequence: a detail that says what followed counts for more.
const CONSEQUENCE: &[&str] = &[
    "kill",
    "killed",
    "dead",
    "died",
    "death",
    "deaths",
    "injured",
    "injuries",
    "wounded",
    "hurt",
    "arrested",
    "arrest",
    "charged",
    "convicted",
    "sentenced",
    "jailed",
    "fined",
    "resigned",
    "fired",
    "dismissed",
    "evacuated",
    "destroyed",
    "damaged",
    "damage",
    "collapsed",
    "closed",
    "cancelled",
    "canceled",
    "suspended",
    "banned",
    "ordered",
    "forced",
    "caused",
    "causing",
    "resulted",
    "result",
    "leaving",
    "displaced",
    "missing",
    "rescued",
    "recalled",
    "lost",
    "won",
    "signed",
    "approved",
    "rejected",
    "blocked",
    "seized",
    "released",
];

/// Words of first-person or reader-directed commentary (outside quotes): opinion, not report.
const COMMENTARY: &[&str] = &["i", "we", "you", "our", "my", "your", "imagine", "perhaps", "maybe"];

/// Phrases of boilerplate that survived cleaning: sign-offs, promotions, credits (lowercase).
const BOILERPLATE: &[&str] = &[
    "click here",
    "subscribe",
    "copyright",
    "newsletter",
    "advertisement",
    "contributed to this report",
    "follow us",
    "sign up",
    "read more",
    "all rights reserved",
    "reprinted",
];

/// One candidate: a statement (or clause) of one member.
struct Candidate {
    unit: usize,
    text: String,
    span: Span,
    /// Interned terms (sorted, unique).
    terms: Vec<u32>,
}

/// Which origins use each term: `Some(o)` when only origin `o` does, `None` when several do.
fn term_origins(units: &Units, origins: &[usize]) -> Vec<Option<usize>> {
    let mut out: Vec<Option<Option<usize>>> = vec![None; units.term_count()];
    for u in &units.units {
        let o = origins[u.member];
        for &t in &u.terms {
            let slot = &mut out[t as usize];
            *slot = match *slot {
                None => Some(Some(o)),
                Some(Some(p)) if p == o => Some(Some(o)),
                _ => Some(None),
            };
        }
    }
    out.into_iter().map(Option::flatten).collect()
}

/// Single-source details of an event, best first. `covered[u]`: statement u is part of an agreement;
/// `support[u]` and `counts[u]`: members and origins that say what u says.
pub(crate) fn details(
    units: &Units,
    members: &[EventMember<'_>],
    facts: &[Facts],
    origins: &[usize],
    covered: &[bool],
    support: &[Vec<usize>],
    counts: &[usize],
) -> Vec<SingleSource> {
    let mut cands: Vec<Candidate> = Vec::new();
    for (u, unit) in units.units.iter().enumerate() {
        let member = unit.member;
        if counts[u] == 1 {
            if !covered[u] && support[u].first() == Some(&member) && unit.words >= MIN_DETAIL_WORDS {
                cands.push(Candidate { unit: u, text: unit.text.clone(), span: unit.span, terms: unit.terms.clone() });
            }
        } else if support[u].first() == Some(&member) {
            for (text, span) in claims::novel_clauses(units, members, facts, origins, u) {
                // A clause cut off at a comma is a part of a sentence ("Regarding the election of ...,"),
                // not a claim of its own.
                if text.trim_end().ends_with(',') {
                    continue;
                }
                let terms = units.terms_within(u, &text);
                cands.push(Candidate { unit: u, text, span, terms });
            }
        }
    }
    if cands.is_empty() {
        return Vec::new();
    }
    let only = term_origins(units, origins);
    let postings = units.postings();
    let families = units.families();
    let n = units.units.len();
    // Per other-origin statement: what it shares with the detail.
    let mut acc = vec![Overlap::default(); n];
    let mut touched: Vec<u32> = Vec::new();
    let mut hits: Vec<u32> = Vec::new();
    let mut in_member = vec![0u16; members.len()];
    let mut last_member = vec![usize::MAX; members.len()];
    let mut scored: Vec<(f64, usize, SingleSource)> = Vec::new();
    for (ci, c) in cands.iter().enumerate() {
        let origin = origins[units.units[c.unit].member];
        // A name's initials repeat its words: they count towards a detail only where the other sentence
        // shares them (the name written as initials there), never as a term the other sentence lacks.
        let own_terms: Vec<u32> = c.terms.iter().copied().filter(|&t| !units.is_derived(t)).collect();
        let base_total: f64 = own_terms.iter().map(|&t| units.idf(t)).sum();
        if base_total <= 0.0 {
            continue;
        }
        for (ti, &t) in c.terms.iter().enumerate() {
            let w = units.idf(t);
            let specific = units.is_named(t);
            let figure = units.is_figure(t);
            let derived = units.is_derived(t);
            let decimal = units.is_decimal(t);
            // The term's statements, and those of the other forms of its name ([`Units::families`]).
            hits.clear();
            hits.extend(postings.get(t as usize).map(Vec::as_slice).unwrap_or(&[]));
            let family = families.get(t as usize).map(Vec::as_slice).unwrap_or(&[]);
            if !family.is_empty() {
                for &f in family {
                    hits.extend(postings.get(f as usize).map(Vec::as_slice).unwrap_or(&[]));
                }
                hits.sort_unstable();
                hits.dedup();
            }
            for &v in &hits {
                let mv = units.units[v as usize].member;
                if origins[mv] == origin {
                    continue;
                }
                if !derived && last_member[mv] != ti {
                    last_member[mv] = ti;
                    in_member[mv] += 1;
                }
                let a = &mut acc[v as usize];
                if !a.touched {
                    a.touched = true;
                    touched.push(v);
                }
                a.weight += w;
                if figure {
                    a.figures += 1;
                }
                if specific {
                    a.specific += 1;
                } else {
                    a.plain += 1;
                }
                if derived {
                    a.derived_weight += w;
                    a.derived += 1;
                }
                if decimal {
                    a.decimals += 1;
                }
            }
        }
        let base_specific = own_terms.iter().filter(|&&t| units.is_named(t)).count() as u16;
        let own_plain = own_terms.len() as u16 - base_specific;
        let mut reported = false;
        let mut closest = 0.0f64;
        for &v in &touched {
            let Overlap { weight: w, specific: spec, plain, figures, derived_weight, derived, decimals, .. } =
                std::mem::take(&mut acc[v as usize]);
            let total = base_total + derived_weight;
            let own_specific = base_specific + derived;
            let cont = w / total;
            closest = closest.max(cont);
            let unit = &units.units[v as usize];
            if (cont >= CONTAINED && plain >= 2)
                || (cont >= CONTAINED_SPECIFIC && spec >= 2 && plain >= 1)
                || says_specifics(own_specific, own_plain, spec, plain)
                || (figures >= 1
                    && plain >= 2
                    && cont >= SAME_FIGURE
                    && same_measure(&facts[units.units[c.unit].member], c.span, &facts[unit.member], unit.span))
                // The same number written with a decimal point ("a 5.6 quake" / "measuring 5.6") and two plain
                // words besides: one measurement, even where the figure reader gave it no unit to compare.
                || (decimals >= 1 && plain >= decimals + 2 && cont >= SAME_FIGURE)
            {
                reported = true;
            }
        }
        touched.clear();
        // Novel specifics: entities, figures and names no other origin uses.
        let novel: Vec<u32> =
            c.terms.iter().copied().filter(|&t| units.is_named(t) && only[t as usize] == Some(origin)).collect();
        let novel_anchor = novel.iter().any(|&t| units.is_anchor(t));
        let spread = if novel_anchor { SPREAD_NOVEL } else { SPREAD };
        if !reported && own_terms.len() >= 4 {
            let need = (spread * own_terms.len() as f64).ceil() as u16;
            reported = in_member.iter().any(|&k| k >= need);
        }
        in_member.iter_mut().for_each(|k| *k = 0);
        last_member.iter_mut().for_each(|k| *k = usize::MAX);
        if reported {
            continue;
        }
        let m = units.units[c.unit].member;
        let s = score(units, &members[m], &facts[m], c, &novel, &only, origin) - CLOSEST_PENALTY * closest;
        let s = (s * 1000.0).round() / 1000.0;
        scored.push((s, ci, SingleSource { text: c.text.clone(), article: members[m].article.id.clone(), score: s }));
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, d)| d).collect()
}

/// How much a detail adds, comparable within one event (higher first). See the module doc for what counts.
fn score(
    units: &Units,
    member: &EventMember<'_>,
    facts: &Facts,
    c: &Candidate,
    novel: &[u32],
    only: &[Option<usize>],
    origin: usize,
) -> f64 {
    let mut s = 0.0;
    let entities = novel.iter().filter(|&&t| units.is_anchor(t) && !units.is_figure(t)).count();
    let figures = novel.iter().filter(|&&t| units.is_figure(t)).count();
    let names = novel.iter().filter(|&&t| !units.is_anchor(t)).count();
    s += 1.0 * entities.min(3) as f64;
    s += 0.8 * figures.min(2) as f64;
    s += 0.3 * names.min(3) as f64;
    if c.terms.iter().any(|&t| units.is_figure(t)) {
        s += 0.3;
    }
    let quote = facts.quotes.iter().find(|q| q.span.start < c.span.end && c.span.start < q.span.end);
    if let Some(q) = quote {
        s += 0.6;
        if q.speaker.is_some() {
            s += 0.4;
        }
    }
    // How much of its weight is its own: terms no other origin uses.
    let total: f64 = c.terms.iter().map(|&t| units.idf(t)).sum();
    let own: f64 = c.terms.iter().filter(|&&t| only[t as usize] == Some(origin)).map(|&t| units.idf(t)).sum();
    if total > 0.0 {
        s += 0.8 * own / total;
    }
    // Words outside quotes: commentary and boilerplate are judged on the writer's own words.
    let body = member.article.text.as_str();
    let outside: String = match quote {
        Some(q) => {
            let (a, b) = (c.span.slice(body), q.span);
            let cut_a = b.start.saturating_sub(c.span.start).min(a.len());
            let cut_b = b.end.saturating_sub(c.span.start).min(a.len());
            match (a.get(..cut_a), a.get(cut_b..)) {
                (Some(x), Some(y)) => format!("{x} {y}"),
                _ => c.text.clone(),
            }
        }
        None => c.text.clone(),
    };
    let words: Vec<String> = outside
        .split(|ch: char| !ch.is_alphanumeric() && ch != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let lower = c.text.to_lowercase();
    if lower.split(|ch: char| !ch.is_alphanumeric()).any(|w| CONSEQUENCE.contains(&w)) {
        s += 0.5;
    }
    if words.iter().any(|w| COMMENTARY.contains(&w.as_str())) {
        s -= 0.8;
    }
    if outside.contains('?') {
        s -= 0.6;
    }
    if BOILERPLATE.iter().any(|p| lower.contains(p)) {
        s -= 1.5;
    }
    if novel.is_empty() && figures == 0 && quote.is_none() {
        // Generic: nothing specific of its own.
        s -= 0.5;
    }
    let len = c.text.split_whitespace().count();
    if !(8..=45).contains(&len) {
        s -= 0.3;
    }
    // News puts what matters first.
    let position = units.units[c.unit].sentence as f64;
    s += 0.4 * (1.0 - position / 12.0).max(0.0);
    (s * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use synoptic_model::{FigureMention, Span};

    use super::Facts;
    use super::{same_measure, says_specifics};

    fn figures(list: &[(usize, f64, &str)]) -> Facts {
        let figures = list
            .iter()
            .map(|&(at, value, unit)| FigureMention {
                span: Span::new(at, at + 5),
                text: String::new(),
                value,
                unit: unit.to_string(),
                about: String::new(),
                qualifier: None,
                alternate: None,
                sentence: Span::new(0, 100),
            })
            .collect();
        Facts { figures, quotes: Vec::new() }
    }

    #[test]
    fn one_measure_is_one_amount_in_one_unit_and_not_a_small_count() {
        let all = Span::new(0, 100);
        // (figures of the detail, figures of the other sentence) → the same measure?
        type Case<'a> = (&'a [(usize, f64, &'a str)], &'a [(usize, f64, &'a str)], bool);
        let cases: &[Case] = &[
            (&[(10, 85e6, "EUR")], &[(40, 85e6, "EUR")], true),
            (&[(10, 716.0, "yards")], &[(3, 716.0, "yard")], true),
            // The same number of other things: 100 home runs, 100 RBIs.
            (&[(10, 100.0, "home")], &[(3, 100.0, "rbis")], false),
            // Another amount of the same unit: not the same measure (a disagreement's business).
            (&[(10, 235_000.0, "comments")], &[(3, 300_000.0, "comments")], false),
            // Small counts tie unrelated statements ("three children" / "three campuses").
            (&[(10, 3.0, "children")], &[(3, 3.0, "children")], false),
            (&[(10, 2020.0, "date")], &[(3, 2020.0, "date")], false),
        ];
        for (a, b, want) in cases {
            assert_eq!(same_measure(&figures(a), all, &figures(b), all), *want, "{a:?} {b:?}");
        }
        // A figure outside the statement's span does not count.
        assert!(!same_measure(&figures(&[(10, 85e6, "EUR")]), Span::new(0, 9), &figures(&[(40, 85e6, "EUR")]), all));
    }

    #[test]
    fn another_sentence_says_a_detail_by_its_specifics_or_its_words() {
        // (own specific, own plain, shared specific, shared plain) → said elsewhere?
        type Case = ((u16, u16, u16, u16), bool);
        let cases: &[Case] = &[
            // Half its names and a quarter of its words.
            ((4, 8, 2, 2), true),
            // Nearly all its names (7 of 9) with a few of its many words.
            ((9, 21, 7, 3), true),
            // Half its words (four or more) around one name.
            ((3, 10, 1, 4), true),
            // Half its words, five or more, without a name in common.
            ((2, 11, 0, 6), true),
            // One name and a couple of words: another sentence about the same people, not the same detail.
            ((6, 14, 1, 2), false),
            ((6, 8, 2, 1), false),
            ((4, 11, 0, 4), false),
        ];
        for &((os, op, s, p), want) in cases {
            assert_eq!(says_specifics(os, op, s, p), want, "{os} {op} {s} {p}");
        }
    }
}
