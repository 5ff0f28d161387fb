//! Disagreements: aligned statements that conflict — a figure with another value or currency, a quote
//! worded differently, another day or date, another place — with each article's passage. Never decides
//! who is right. Merged with the disagreements alignment found, without repeating one twice.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use synoptic_model::{Claim, Disagreement, Entity, EntityKind, FigureMention, Span};

use super::claims::{SAME, Units};
use super::facts::{self, Facts};
use super::text;
use crate::EventMember;

/// Sentence similarity two figures' sentences need before a different value counts as a conflict.
const FIGURE_CONTEXT: f64 = 0.25;
/// Relative difference within which two amounts are the same (rounding).
const SAME_VALUE: f64 = 0.02;

/// A small union-find over occurrences.
struct Groups {
    parent: Vec<usize>,
}

impl Groups {
    fn new(n: usize) -> Groups {
        Groups { parent: (0..n).collect() }
    }
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.parent[a.max(b)] = a.min(b);
        }
    }
}

/// The sentence unit of member `m` that contains `span`.
fn unit_at(units: &Units, m: usize, span: Span) -> Option<usize> {
    units.by_member.get(m)?.clone().find(|&u| {
        let s = units.units[u].span;
        s.start <= span.start && span.start < s.end.max(s.start + 1)
    })
}

fn same_value(a: f64, b: f64) -> bool {
    let big = a.abs().max(b.abs());
    big == 0.0 || (a - b).abs() / big <= SAME_VALUE
}

fn restates(f: &FigureMention, value: f64, unit: &str) -> bool {
    (f.unit == unit && same_value(f.value, value))
        || f.alternate.as_ref().is_some_and(|a| a.unit == unit && same_value(a.value, value))
}

fn about_terms(f: &FigureMention) -> Vec<String> {
    text::terms(&f.about)
}

/// Figure conflicts between members of different origins.
fn figure_conflicts(
    units: &Units,
    members: &[EventMember<'_>],
    origins: &[usize],
    facts: &[Facts],
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
            let context = units.sim(ua, ub);
            let shared_about = abouts[ka].iter().any(|t| abouts[kb].contains(t));
            // Does the other article state this same figure anywhere near? Then they agree.
            let b_has_a =
                facts[mb].figures.iter().any(|g| restates(g, fa.value, &fa.unit) && g.sentence == fb.sentence);
            let a_has_b =
                facts[ma].figures.iter().any(|g| restates(g, fb.value, &fb.unit) && g.sentence == fa.sentence);
            if b_has_a || a_has_b {
                continue;
            }
            // One states the other's amount in a second currency: they speak of the same sum.
            let linked = fa.alternate.as_ref().is_some_and(|a| same_value(a.value, fb.value))
                || fb.alternate.as_ref().is_some_and(|b| same_value(b.value, fa.value));
            let conflict = if same_value(fa.value, fb.value) {
                // Same amount, another currency or unit.
                (fa.unit != fb.unit && (context >= FIGURE_CONTEXT || shared_about))
                    .then(|| format!("the same amount in different currencies ({} vs {})", fa.unit, fb.unit))
            } else if fa.unit == fb.unit
                && ((context >= SAME && shared_about) || (linked && (shared_about || context >= FIGURE_CONTEXT)))
            {
                Some(format!("different values ({} vs {})", fa.text, fb.text))
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
fn passage(text: &str, sentence: Span, span: Span) -> String {
    let s = if sentence.start <= span.start && span.end <= sentence.end { sentence } else { span };
    synoptic_model::text::matching_form(text::strip_dateline(s.slice(text)))
}

/// Tiny words whose presence or absence does not change a quote's wording.
const TRIVIAL: &[&str] = &["and", "or", "the", "a", "an"];

/// Words that differ between two wordings of one quote (longest common subsequence alignment).
fn wording_differences(a: &[String], b: &[String]) -> usize {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let (n, m) = (short.len(), long.len());
    if n == 0 || n * m > 400_000 {
        return 0;
    }
    // dp[i][j] = LCS of short[i..], long[j..]
    let mut dp = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            dp[i][j] = if short[i] == long[j] { dp[i + 1][j + 1] + 1 } else { dp[i + 1][j].max(dp[i][j + 1]) };
        }
    }
    // Walk the alignment, counting unmatched words of the short side and words inserted inside the matched
    // region of the long side.
    let (mut i, mut j) = (0, 0);
    let (mut diffs, mut started, mut pending) = (0usize, false, 0usize);
    while i < n && j < m {
        if short[i] == long[j] {
            diffs += pending;
            pending = 0;
            started = true;
            i += 1;
            j += 1;
        } else if dp[i + 1][j] >= dp[i][j + 1] {
            if !TRIVIAL.contains(&short[i].as_str()) {
                diffs += 1;
            }
            i += 1;
        } else {
            if started && !TRIVIAL.contains(&long[j].as_str()) {
                pending += 1;
            }
            j += 1;
        }
    }
    diffs + short[i..].iter().filter(|w| !TRIVIAL.contains(&w.as_str())).count()
}

/// Quote wording conflicts: one utterance (shared content, compatible speakers) worded differently by
/// different origins.
fn quote_conflicts(members: &[EventMember<'_>], origins: &[usize], facts: &[Facts]) -> Vec<Disagreement> {
    let occ: Vec<(usize, usize)> =
        facts.iter().enumerate().flat_map(|(m, f)| (0..f.quotes.len()).map(move |i| (m, i))).collect();
    let words: Vec<Vec<String>> = occ.iter().map(|&(m, i)| text::plain_words(&facts[m].quotes[i].text)).collect();
    let terms: Vec<Vec<String>> = occ
        .iter()
        .map(|&(m, i)| {
            let mut t = text::terms(&facts[m].quotes[i].text);
            t.sort();
            t.dedup();
            t
        })
        .collect();
    let mut groups = Groups::new(occ.len());
    let mut differs = vec![false; occ.len()];
    for a in 0..occ.len() {
        for b in a + 1..occ.len() {
            let ((ma, ia), (mb, ib)) = (occ[a], occ[b]);
            if ma == mb || words[a].len() < 3 || words[b].len() < 3 {
                continue;
            }
            let (qa, qb) = (&facts[ma].quotes[ia], &facts[mb].quotes[ib]);
            if let (Some(sa), Some(sb)) = (&qa.speaker, &qb.speaker)
                && sa != sb
            {
                continue;
            }
            let shared = terms[a].iter().filter(|t| terms[b].contains(t)).count();
            let small = terms[a].len().min(terms[b].len());
            if shared < 2 || (shared as f64) < 0.5 * small as f64 {
                continue;
            }
            groups.union(a, b);
            if origins[ma] != origins[mb] && wording_differences(&words[a], &words[b]) > 0 {
                differs[a] = true;
                differs[b] = true;
            }
        }
    }
    let mut clusters: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for k in 0..occ.len() {
        let root = groups.find(k);
        clusters.entry(root).or_default().push(k);
    }
    let mut out = Vec::new();
    for ks in clusters.into_values() {
        if !ks.iter().any(|&k| differs[k]) {
            continue;
        }
        let speaker = ks.iter().find_map(|&k| facts[occ[k].0].quotes[occ[k].1].speaker.clone());
        // One claim per article: its wordings in text order, joined.
        let mut per_member: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
        for &k in &ks {
            let (m, i) = occ[k];
            let t = facts[m].quotes[i].text.as_str();
            let list = per_member.entry(m).or_default();
            let key = |x: &str| synoptic_model::text::matching_form(x).to_lowercase();
            if !list.iter().any(|x| key(x) == key(t)) {
                list.push(t);
            }
        }
        if per_member.len() < 2 {
            continue;
        }
        let claims = per_member
            .into_iter()
            .map(|(m, ts)| Claim { article: members[m].article.id.clone(), text: ts.join(" \u{2026} ") })
            .collect();
        let about = match speaker {
            Some(s) => format!("wording of a quote by {s}"),
            None => "wording of a quote".to_string(),
        };
        out.push(Disagreement { kind: "quote".to_string(), about, claims });
    }
    out
}

static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b").unwrap_or_else(|_| unreachable!())
});
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{1,2})\b",
    )
    .unwrap_or_else(|_| unreachable!())
});

/// Date conflicts: two strongly aligned sentences of different origins that each name exactly one weekday,
/// or one month-and-day, and name different ones.
fn date_conflicts(units: &Units, members: &[EventMember<'_>], origins: &[usize]) -> Vec<Disagreement> {
    // Per unit: its one weekday or month-day (when it names exactly one of either), and the plain content
    // words just before it (the last two: "called off its strike on [Tuesday]"): two sentences disagree on a date only
    // when they say the same thing about it.
    let dated: Vec<Option<(String, bool, Vec<String>)>> = units
        .units
        .iter()
        .map(|u| {
            let wd: Vec<regex::Match<'_>> = WEEKDAY.find_iter(&u.text).collect();
            let md: Vec<regex::Match<'_>> = MONTH_DAY.find_iter(&u.text).collect();
            let (m, weekday) = match (wd.as_slice(), md.as_slice()) {
                ([w], []) => (*w, true),
                ([], [d]) => (*d, false),
                _ => return None,
            };
            let before = u.text.get(..m.start()).unwrap_or("");
            let lead: Vec<String> = text::terms_flagged(before)
                .into_iter()
                .filter(|(t, name)| !name && !t.chars().all(|c| c.is_ascii_digit()))
                .map(|(t, _)| t)
                .collect();
            let lead = lead[lead.len().saturating_sub(2)..].to_vec();
            Some((m.as_str().to_string(), weekday, lead))
        })
        .collect();
    let with: Vec<usize> = (0..units.units.len()).filter(|&u| dated[u].is_some()).collect();
    let mut out: Vec<Disagreement> = Vec::new();
    for (i, &a) in with.iter().enumerate() {
        let Some((da, wa, la)) = &dated[a] else { continue };
        for &b in &with[i + 1..] {
            let Some((db, wb, lb)) = &dated[b] else { continue };
            let (ma, mb) = (units.units[a].member, units.units[b].member);
            if origins[ma] == origins[mb] || wa != wb || da == db || !la.iter().any(|t| lb.contains(t)) {
                continue;
            }
            if units.sim(a, b) < SAME {
                continue;
            }
            let about = if *wa { format!("day of the week ({da} vs {db})") } else { format!("date ({da} vs {db})") };
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

/// Place conflicts (needs entity annotations): two strongly aligned sentences of different origins that
/// each name exactly one place, different places, where neither article names the other's place at all.
fn place_conflicts(
    units: &Units,
    members: &[EventMember<'_>],
    origins: &[usize],
    entities: &[Entity],
) -> Vec<Disagreement> {
    let places_in = |m: usize, span: Option<Span>| -> Vec<String> {
        let mut p: Vec<String> = members[m]
            .annotations
            .entities
            .iter()
            .filter(|e| {
                e.kind == EntityKind::Place && span.is_none_or(|s| s.start <= e.span.start && e.span.end <= s.end)
            })
            .map(|e| e.canonical.clone())
            .collect();
        p.sort();
        p.dedup();
        p
    };
    let in_member: Vec<Vec<String>> = (0..members.len()).map(|m| places_in(m, None)).collect();
    let in_unit: Vec<Vec<String>> = units.units.iter().map(|u| places_in(u.member, Some(u.span))).collect();
    let single: Vec<usize> = (0..units.units.len()).filter(|&u| in_unit[u].len() == 1).collect();
    let mut out = Vec::new();
    for (i, &a) in single.iter().enumerate() {
        let ma = units.units[a].member;
        let pa = &in_unit[a][0];
        for &b in &single[i + 1..] {
            let mb = units.units[b].member;
            let pb = &in_unit[b][0];
            if origins[ma] == origins[mb] || pa == pb || units.sim(a, b) < SAME {
                continue;
            }
            if spelling_variants(pa, pb, entities) || in_member[ma].contains(pb) || in_member[mb].contains(pa) {
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
    let found = figure_conflicts(sentences, members, origins, facts)
        .into_iter()
        .chain(quote_conflicts(members, origins, facts))
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

    fn w(s: &str) -> Vec<String> {
        text::plain_words(s)
    }

    #[test]
    fn spelling_variants_are_close_names() {
        assert!(spelling_variants("Ravensby", "Ravensbye", &[]));
        assert!(spelling_variants("Dravnik", "Dravnyk", &[]));
        assert!(!spelling_variants("Selmo", "Korvana", &[]));
        assert!(!spelling_variants("Paris", "Perth", &[]));
    }

    #[test]
    fn wording_differences_ignore_articles_and_conjunctions() {
        assert_eq!(
            wording_differences(
                &w("for their homes, their jobs and their land"),
                &w("we fight for their homes, their jobs, their land; they fight for nothing")
            ),
            0
        );
        assert!(wording_differences(&w("fights for old illusions"), &w("they are fighting for old delusions")) > 0);
        assert!(wording_differences(&w("the closer we are to an end"), &w("the closer we will get to ending")) > 0);
    }
}
