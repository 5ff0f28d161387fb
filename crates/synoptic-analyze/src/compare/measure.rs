//! Measured things of a happening that sources can disagree on — how many were killed, injured, arrested or
//! shot, a quake's magnitude — read from the words around a figure, and the conflicts between origins'
//! values of one such measure: each article's first statement of it, about the happening itself (no other
//! time named), in sentences that share what they are about.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use synoptic_model::{Claim, Disagreement, Entity, EntityKind, FigureMention};

use super::claims::{SAME, Units};
use super::conflict::{
    Groups, NUMBER_WORDS, compatible, passage, qualifier, restates, same_value, shares_parties, spelling_variants,
    unit_at,
};
use super::facts::Facts;
use crate::EventMember;

/// What happened to the people (or things) a count counts, by the words that report it: the role, then
/// its forms. General news English, not the vocabulary of any one story.
const ROLES: &[(&str, &[&str])] = &[
    (
        "killed",
        &[
            "killed",
            "kill",
            "kills",
            "killing",
            "dead",
            "died",
            "die",
            "dies",
            "dying",
            "deaths",
            "death",
            "fatalities",
            "perished",
        ],
    ),
    (
        "injured",
        &[
            "injured",
            "injuring",
            "injures",
            "injure",
            "injuries",
            "wounded",
            "wounding",
            "wounds",
            "hurt",
            "hospitalized",
            "hospitalised",
        ],
    ),
    ("arrested", &["arrested", "arresting", "arrests", "detained", "detaining", "detains"]),
    ("missing", &["missing"]),
    ("evacuated", &["evacuated", "evacuating", "evacuate"]),
    ("rescued", &["rescued", "rescuing", "rescue"]),
    ("shot", &["shot", "shooting", "shoots", "shoot"]),
    ("homeless", &["homeless", "displaced"]),
    ("fell", &["fell", "fall", "falls", "falling", "plunged", "plunging", "plummeted", "plummeting"]),
];

/// Words between a count and the word that reports what happened to it ("have been", "were reportedly").
const LINKING: &[&str] = &[
    "have",
    "has",
    "had",
    "been",
    "were",
    "was",
    "are",
    "is",
    "be",
    "being",
    "reportedly",
    "reported",
    "confirmed",
    "believed",
    "feared",
    "all",
    "also",
    "now",
    "who",
    "that",
    "left",
    "were",
    "later",
];
/// Words between a reporting word and the count after it ("killing at least", "wounding some").
const LEADING: &[&str] = &[
    "at",
    "least",
    "more",
    "than",
    "some",
    "about",
    "nearly",
    "almost",
    "around",
    "over",
    "up",
    "to",
    "an",
    "estimated",
    "as",
    "many",
    "roughly",
    "approximately",
    "just",
    "the",
    "of",
    "and",
];
/// Words that make a count a part, or another group, of what is counted elsewhere.
const OTHER: &[&str] = &["another", "other", "additional", "further", "more", "new", "remaining", "extra"];

/// A sentence that supposes, predicts or generalises rather than reports.
static MODAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:can|could|may|might|would|should|will|must)\b").unwrap_or_else(|_| unreachable!())
});

/// A time other than the happening's own named in a sentence: a year, a month, a span back ("ago", "last
/// year"), a comparison with the past ("previous", "deadliest since").
static OTHER_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:1[89]\d\d|20\d\d|January|February|March|April|June|July|August|September|October|November|December|ago|previous|previously|prior|since|history|historic|record|deadliest|worst|last (?:year|month|decade|time)|(?:earlier|later) this (?:year|month)|the last|in the past)\b",
    )
    .unwrap_or_else(|_| unreachable!())
});

/// What a reporting word says happened: a role of [`ROLES`], else any verb form ("intercepted",
/// "closing"), by its stem.
fn role(word: &str) -> Option<String> {
    if let Some((r, _)) = ROLES.iter().find(|(_, forms)| forms.contains(&word)) {
        return Some((*r).to_string());
    }
    let verb = (word.ends_with("ed") || word.ends_with("ing")) && word.len() > 4;
    verb.then(|| super::text::stem(word))
}

fn words_lower(s: &str) -> Vec<String> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// What a count's figure measures: its counted noun and what happened to it, from the words right after
/// the count ("70 people injured", "five people have died") or right before it ("killing at least 10
/// persons"), within its clause. None when no such word is there, or the count is another group ("two
/// other victims").
pub(crate) fn measure_of(text: &str, f: &FigureMention) -> Option<String> {
    if f.unit == "magnitude" {
        return Some("magnitude".to_string());
    }
    if f.unit == "date" || f.unit == "%" || super::facts::is_money(&f.unit) {
        return None;
    }
    let sentence_end = f.sentence.end.max(f.span.end);
    let after = text.get(f.span.end..sentence_end).unwrap_or("");
    let after = after.split([',', ';', ':', '(', '.', '\u{2014}']).next().unwrap_or("");
    let before = text.get(f.sentence.start.min(f.span.start)..f.span.start).unwrap_or("");
    let before = before.rsplit([',', ';', ':', ')', '\u{2014}']).next().unwrap_or("");
    let before_words = words_lower(before);
    let written = words_lower(f.text.as_str());
    let other_before = before_words.last().is_some_and(|w| OTHER.contains(&w.as_str()) && w != "more");
    if other_before || written.iter().any(|w| OTHER.contains(&w.as_str())) {
        return None;
    }
    // A number that is part of a name or model ("AK 47 rifles", "Boeing 747 jets") counts nothing.
    let prev = before.trim_end().rsplit(char::is_whitespace).next().unwrap_or("");
    if prev.ends_with('-')
        || (prev.chars().any(|c| c.is_ascii_uppercase())
            && prev.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
    {
        return None;
    }
    // "ten dead", "50 hurt": the role is the count's own word, the people it counts unnamed.
    if let Some(r) = ROLES.iter().find(|(_, forms)| forms.contains(&f.unit.as_str())).map(|(r, _)| *r) {
        return Some(format!("people {r}"));
    }
    let role = words_lower(after)
        .into_iter()
        .find(|w| !LINKING.contains(&w.as_str()))
        .and_then(|w| role(&w))
        .or_else(|| before_words.iter().rev().find(|w| !LEADING.contains(&w.as_str())).and_then(|w| role(w)))?;
    Some(format!("{} {role}", counted(&f.unit)))
}

/// The counted noun as a measure names it: persons are people, meters are metres.
fn counted(unit: &str) -> &str {
    match unit {
        "persons" | "person" => "people",
        "meters" | "meter" | "metre" => "metres",
        "kilometers" | "kilometer" | "kilometre" => "kilometres",
        u => u,
    }
}

/// A reporting word of [`ROLES`] followed by a number and no counted noun: "killing 10", "killed at
/// least two.", "injuring 80 and".
static IMPLICIT: LazyLock<Regex> = LazyLock::new(|| {
    let forms: Vec<&str> = ROLES.iter().filter(|(r, _)| *r != "fell").flat_map(|(_, f)| f.iter().copied()).collect();
    Regex::new(&format!(
        r"(?i)\b(?:{})\s+(?:(?:at least|more than|about|some|nearly|almost|up to|an estimated|as many as)\s+)?(\d{{1,3}}(?:,\d{{3}})*|{})\b",
        forms.join("|"),
        NUMBER_WORDS.join("|")
    ))
    .unwrap_or_else(|_| unreachable!())
});

/// Counts of people that name no counted noun ("killing 10", "wounded two"), as figures of people, each
/// with its sentence (the unit of `units` it falls in). A number followed by a word that could be its noun
/// is left to the counts annotation found.
fn implicit_counts(units: &Units, m: usize, text: &str) -> Vec<FigureMention> {
    let mut out = Vec::new();
    for c in IMPLICIT.captures_iter(text) {
        let (Some(all), Some(n)) = (c.get(0), c.get(1)) else { continue };
        let next = text[n.end()..].trim_start();
        let next_word: String = next.chars().take_while(|c| c.is_alphabetic()).collect();
        let ends_clause = next.is_empty() || next.starts_with([',', '.', ';', ':', ')']);
        if !(ends_clause || matches!(next_word.as_str(), "and" | "people" | "persons" | "others" | "in" | "on" | "at"))
        {
            continue;
        }
        let written = n.as_str().to_lowercase();
        let value = match NUMBER_WORDS.iter().position(|w| *w == written) {
            Some(i) => (i + 1) as f64,
            None => match written.replace(',', "").parse::<f64>() {
                Ok(v) => v,
                Err(_) => continue,
            },
        };
        let span = synoptic_model::Span::new(n.start(), n.end());
        let Some(u) = unit_at(units, m, span) else { continue };
        out.push(FigureMention {
            span,
            text: n.as_str().to_string(),
            value,
            unit: "people".to_string(),
            about: all.as_str().to_string(),
            qualifier: None,
            alternate: None,
            sentence: units.units[u].span,
        });
    }
    out
}

/// One article's first statement of a measure: its figure.
struct Stated<'a> {
    member: usize,
    unit: usize,
    figure: &'a FigureMention,
}

/// Minimum similarity of two sentences whose values of a measure of [`ROLES`] (or a magnitude) are compared:
/// they tell the same part of the happening. Any other verb says less about what is counted: such measures
/// need statements that say the same ([`SAME`]). Two articles' leads that share [`LINKED`] statements each
/// way are compared whatever their similarity.
const MEASURE_CONTEXT: f64 = 0.25;
/// Sentences from the start of an article that tell its main happening (the lead).
const LEAD: usize = 3;
/// Statements two articles must share (each way) for their leads to be taken as telling one happening.
const LINKED: usize = 2;

/// Conflicts on measured things between origins: per measure, each article's first figure of it (in a
/// sentence naming no other time and supposing nothing, the only count of its unit there); two of
/// different origins conflict when their values are not compatible (rounding, bounds, ranges), neither
/// article states the other's value for that measure anywhere, their sentences name no different parties,
/// and they tell the same part of the happening (see [`MEASURE_CONTEXT`]). One flag per measure and group of
/// articles, saying the measure and every value.
pub(crate) fn measure_conflicts(
    units: &Units,
    members: &[EventMember<'_>],
    origins: &[usize],
    facts: &[Facts],
    entities: &[Entity],
) -> Vec<Disagreement> {
    // Per measure: every article's figures of it, in text order.
    let implicit: Vec<Vec<FigureMention>> =
        (0..members.len()).map(|m| implicit_counts(units, m, members[m].article.text.as_str())).collect();
    let mut by_measure: BTreeMap<String, Vec<Vec<&FigureMention>>> = BTreeMap::new();
    for (m, f) in facts.iter().enumerate() {
        let text = members[m].article.text.as_str();
        let mut figs: Vec<&FigureMention> = f.figures.iter().collect();
        // An implicit count where no figure was read: "killing 10" (annotation found no noun).
        figs.extend(
            implicit[m]
                .iter()
                .filter(|i| !f.figures.iter().any(|g| g.span.start < i.span.end && i.span.start < g.span.end)),
        );
        figs.sort_by_key(|g| g.span.start);
        for fig in figs {
            let key = if implicit[m].iter().any(|i| std::ptr::eq(i, fig)) {
                let role = IMPLICIT.captures(&fig.about).and_then(|c| c.get(0)).map(|x| x.as_str().to_lowercase());
                role.and_then(|r| {
                    r.split_whitespace()
                        .next()
                        .and_then(|w| ROLES.iter().find(|(_, f)| f.contains(&w)))
                        .map(|(r, _)| format!("people {r}"))
                })
            } else {
                measure_of(text, fig)
            };
            if let Some(key) = key {
                by_measure.entry(key).or_insert_with(|| vec![Vec::new(); members.len()])[m].push(fig);
            }
        }
    }
    let mut out = Vec::new();
    for (measure, per_member) in &by_measure {
        let mut stated: Vec<Stated<'_>> = Vec::new();
        for (m, figs) in per_member.iter().enumerate() {
            let text = members[m].article.text.as_str();
            let Some(first) = figs.iter().find(|f| !OTHER_TIME.is_match(f.sentence.slice(text))) else { continue };
            // The only count of its kind in its sentence ("seven rifles, two other rifles" are parts of one
            // whole), in a sentence that reports rather than supposes ("a quake of 6 can cause damage").
            let kin = facts[m].figures.iter().filter(|g| g.sentence == first.sentence && g.unit == first.unit).count();
            if kin > 1 || MODAL.is_match(first.sentence.slice(text)) {
                continue;
            }
            let Some(unit) = unit_at(units, m, first.span) else { continue };
            stated.push(Stated { member: m, unit, figure: first });
        }
        let mut groups = Groups::new(stated.len());
        let mut linked = vec![false; stated.len()];
        for a in 0..stated.len() {
            for b in a + 1..stated.len() {
                let (sa, sb) = (&stated[a], &stated[b]);
                let (ma, mb) = (sa.member, sb.member);
                if origins[ma] == origins[mb] {
                    continue;
                }
                let (fa, fb) = (sa.figure, sb.figure);
                let (ta, tb) = (members[ma].article.text.as_str(), members[mb].article.text.as_str());
                if same_value(fa.value, fb.value) || compatible(ta, fa, tb, fb) {
                    continue;
                }
                // An article that states the other's value for this measure anywhere tells both.
                if per_member[mb].iter().any(|g| restates(g, fa.value, &fa.unit))
                    || per_member[ma].iter().any(|g| restates(g, fb.value, &fb.unit))
                {
                    continue;
                }
                if !shares_parties(members, entities, (ma, fa), (mb, fb)) {
                    continue;
                }
                let ordinal = |s: &Stated<'_>| units.by_member[s.member].clone().position(|u| u == s.unit);
                let leads = ordinal(sa).is_some_and(|o| o < LEAD) && ordinal(sb).is_some_and(|o| o < LEAD);
                let context = units.sim(sa.unit, sb.unit);
                let aligned = |x: usize, y: usize| {
                    units.by_member[x].clone().filter(|&u| units.best_per_member(u)[y] >= SAME).count()
                };
                let tied = leads && aligned(ma, mb) >= LINKED && aligned(mb, ma) >= LINKED;
                // A role of the table, or a magnitude, says what is measured; any other verb less so.
                let known = measure == "magnitude" || ROLES.iter().any(|(r, _)| measure.ends_with(&format!(" {r}")));
                let needed = if known { MEASURE_CONTEXT } else { SAME };
                if !(tied || context >= needed) {
                    continue;
                }
                groups.union(a, b);
                linked[a] = true;
                linked[b] = true;
            }
        }
        let mut clusters: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for k in (0..stated.len()).filter(|&k| linked[k]) {
            let root = groups.find(k);
            clusters.entry(root).or_default().push(k);
        }
        for ks in clusters.into_values() {
            let mut values: Vec<String> = Vec::new();
            let mut claims: Vec<Claim> = Vec::new();
            for &k in &ks {
                let s = &stated[k];
                let text = members[s.member].article.text.as_str();
                let shown = match qualifier(text, s.figure) {
                    Some(q) => format!("{q} {}", s.figure.text),
                    None => s.figure.text.clone(),
                };
                if !values.contains(&shown) {
                    values.push(shown);
                }
                let p = passage(text, s.figure.sentence, s.figure.span);
                if !claims.iter().any(|c| c.article == members[s.member].article.id && c.text == p) {
                    claims.push(Claim { article: members[s.member].article.id.clone(), text: p });
                }
            }
            let kind = if measure == "magnitude" { "figure" } else { "count" };
            out.push(Disagreement {
                kind: kind.to_string(),
                about: format!("{measure}: different values ({})", values.join(" vs ")),
                claims,
            });
        }
    }
    out
}

/// An age written right after a name ("Robert Adler, 32,").
static AGE_AFTER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^,\s*(\d{1,3}),").unwrap_or_else(|_| unreachable!()));
/// An age written before a name ("the 32-year-old Englishman Robert Adler", "32-year-old Robert Adler").
static AGE_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,3})-year-old(?:\s+[A-Za-z]+){0,2}\s+$").unwrap_or_else(|_| unreachable!()));

/// Each person's first age in an article, by the full name it is written with (a surname alone may be
/// a relative's): (canonical name, age, sentence span, the age's span).
fn ages(member: &EventMember<'_>) -> Vec<(String, f64, synoptic_model::Span, synoptic_model::Span)> {
    let text = member.article.text.as_str();
    let mut out: Vec<(String, f64, synoptic_model::Span, synoptic_model::Span)> = Vec::new();
    for e in member.annotations.entities.iter().filter(|e| e.kind == EntityKind::Person) {
        if e.surface.split_whitespace().count() < 2 || out.iter().any(|(c, ..)| *c == e.canonical) {
            continue;
        }
        let after = text.get(e.span.end..).unwrap_or("");
        let before = text.get(e.span.start.saturating_sub(48)..e.span.start).unwrap_or("");
        let found = AGE_AFTER
            .captures(after)
            .and_then(|c| c.get(1))
            .map(|n| (n.as_str(), e.span.end + n.start(), e.span.end + n.end()))
            .or_else(|| {
                let c = AGE_BEFORE.captures(before)?;
                let n = c.get(1)?;
                let base = e.span.start - before.len();
                Some((n.as_str(), base + n.start(), base + n.end()))
            });
        let Some((n, start, end)) = found else { continue };
        let Ok(age) = n.parse::<f64>() else { continue };
        if !(1.0..=120.0).contains(&age) {
            continue;
        }
        let sentence = crate::annotate::sentences(text)
            .into_iter()
            .find(|s| s.start <= start && end <= s.end)
            .unwrap_or(synoptic_model::Span::new(start, end));
        out.push((e.canonical.clone(), age, sentence, synoptic_model::Span::new(start, end)));
    }
    out
}

/// Ages of one person (one full name, or spellings of it) that articles of different origins give
/// differently: coverage of one happening gives a person one age.
pub(crate) fn age_conflicts(members: &[EventMember<'_>], origins: &[usize], entities: &[Entity]) -> Vec<Disagreement> {
    let per: Vec<_> = members.iter().map(ages).collect();
    let mut out: Vec<Disagreement> = Vec::new();
    let mut flagged: Vec<&str> = Vec::new();
    // One person: spellings of one name, with the same given name (a son shares his father's surname).
    let same_person = |a: &str, b: &str| {
        let first = |n: &str| n.split_whitespace().next().unwrap_or("").to_lowercase();
        let last = |n: &str| n.split_whitespace().next_back().unwrap_or("").to_string();
        spelling_variants(a, b, entities)
            && spelling_variants(&last(a), &last(b), entities)
            && (first(a) == first(b) || a.contains(b) || b.contains(a))
    };
    for ma in 0..members.len() {
        for (name, age, sentence, span) in &per[ma] {
            if flagged.iter().any(|f| spelling_variants(f, name, entities)) {
                continue;
            }
            let mut claims: Vec<Claim> = Vec::new();
            let mut values: Vec<String> = vec![format!("{age}")];
            // The name as shown: its shortest spelling ("Robert Adler" rather than "Englishman Robert Adler").
            let mut shown: &str = name;
            for mb in 0..members.len() {
                if origins[mb] == origins[ma] {
                    continue;
                }
                for (other, age_b, sentence_b, span_b) in &per[mb] {
                    if !same_person(name, other) || same_value(*age, *age_b) {
                        continue;
                    }
                    // Another article of this origin states this age for the person: they agree.
                    if per.iter().enumerate().any(|(m, l)| {
                        origins[m] == origins[mb]
                            && l.iter().any(|(o, a, ..)| same_person(name, o) && same_value(*a, *age))
                    }) {
                        continue;
                    }
                    if claims.is_empty() {
                        let text = members[ma].article.text.as_str();
                        claims.push(Claim {
                            article: members[ma].article.id.clone(),
                            text: passage(text, *sentence, *span),
                        });
                    }
                    let text = members[mb].article.text.as_str();
                    let p = passage(text, *sentence_b, *span_b);
                    if !claims.iter().any(|c| c.article == members[mb].article.id && c.text == p) {
                        claims.push(Claim { article: members[mb].article.id.clone(), text: p });
                    }
                    if other.len() < shown.len() {
                        shown = other;
                    }
                    let v = format!("{age_b}");
                    if !values.contains(&v) {
                        values.push(v);
                    }
                }
            }
            if claims.len() >= 2 {
                flagged.push(name);
                out.push(Disagreement {
                    kind: "figure".to_string(),
                    about: format!("age of {shown}: different values ({})", values.join(" vs ")),
                    claims,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measures(t: &str) -> Vec<Option<String>> {
        let sents = crate::annotate::sentences(t);
        crate::annotate::figures::find(t, &sents, None)
            .iter()
            .filter(|f| f.unit != "date")
            .map(|f| measure_of(t, f))
            .collect()
    }

    #[test]
    fn measures_read_what_happened_to_the_counted() {
        let cases: &[(&str, &[Option<&str>])] = &[
            ("A bomb killed at least 10 people in the square.", &[Some("people killed")]),
            ("Five people have been injured, police said.", &[Some("people injured")]),
            ("It left 70 people injured and 200 people arrested.", &[Some("people injured"), Some("people arrested")]),
            ("A poll of 1,000 people found support.", &[None]),
            ("They seized six AK 47 rifles.", &[None]),
            ("Pirates in five boats were intercepted.", &[Some("boats intercept")]),
            ("The man fell about 60 metres down a gully.", &[Some("metres fell")]),
            ("She fell 700 meters to her death.", &[Some("metres fell")]),
            ("Two other people died later.", &[None]),
            ("A magnitude-5.9 quake struck, killing 10 persons.", &[Some("magnitude"), Some("people killed")]),
        ];
        for (t, want) in cases {
            let want: Vec<Option<String>> = want.iter().map(|w| w.map(str::to_string)).collect();
            assert_eq!(measures(t), want, "{t}");
        }
    }
}
