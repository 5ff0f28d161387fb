//! Alignment across the articles of an event: one entity per real-world thing, one quote per utterance
//! with each article's wording, figures about the same thing compared.
//!
//! Entities merge on their variant-folded key (`annotate::entity_key`), on surnames and spelling variants of
//! people (one edit, or one transliteration skeleton — `annotate::translit` — with context: same kind,
//! compatible first names), and on acronyms against their expansions. People who share a surname never
//! join: a merged group never holds two full names that are not compatible, and a lone surname joins a
//! person only when exactly one group of full names carries it. Quotes merge when the same speaker (or an unknown one) says largely the same words. Figures
//! from independent origins are compared: equal within rounding agrees, a different value or currency for
//! the same thing is a disagreement. Spelling variants never make a disagreement.

use std::collections::{BTreeSet, HashMap};

use synoptic_model::{Claim, Disagreement, Entity, EntityKind, Figure, FigureMention, Quote, QuoteVariant};

use crate::EventMember;
use crate::annotate::entities::{close, edit_distance};
use crate::annotate::gazetteer::{self, fold};
use crate::annotate::translit::word_skeleton;
use crate::tokens;

/// What alignment finds across an event's articles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Aligned {
    pub entities: Vec<Entity>,
    pub quotes: Vec<Quote>,
    pub figures: Vec<Figure>,
    /// Conflicts found while aligning: figure value/unit differences, quote wordings, dates, places.
    pub disagreements: Vec<Disagreement>,
}

/// Align the annotations of an event's articles. Deterministic: the same members in the same order give
/// the same output.
pub fn align(members: &[EventMember<'_>]) -> Aligned {
    let (entities, speaker_names) = align_entities(members);
    let (quotes, mut disagreements) = align_quotes(members, &speaker_names);
    let (figures, figure_disagreements) = align_figures(members);
    disagreements.extend(figure_disagreements);
    Aligned { entities, quotes, figures, disagreements }
}

struct Dsu(Vec<usize>);

impl Dsu {
    fn new(n: usize) -> Dsu {
        Dsu((0..n).collect())
    }
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // Keep the smaller index as root: deterministic.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.0[hi] = lo;
        }
    }
}

/// One entity as one article has it.
struct Rec {
    article: usize,
    canonical: String,
    kind: EntityKind,
    key: String,
    words: Vec<String>,
    /// Transliteration skeleton of each word of `words`.
    skel: Vec<String>,
    surfaces: Vec<String>,
    mentions: usize,
}

fn is_acronym(s: &str) -> bool {
    let letters: String = s.chars().filter(|c| *c != '.').collect();
    letters.len() >= 2 && letters.chars().all(|c| c.is_ascii_uppercase())
}

fn initials(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| w.starts_with(|c: char| c.is_uppercase()))
        .filter_map(|w| w.chars().next())
        .collect()
}

/// Spelling variants of one name word: [`close`] (one edit on long words), or one transliteration skeleton
/// on words of four letters or more (`sa`, `sb`: the words' skeletons).
fn variant(a: &str, b: &str, sa: &str, sb: &str) -> bool {
    close(a, b) || (a.len() >= 4 && b.len() >= 4 && sa == sb)
}

/// Can two person names be one person? Last names variants; first names equal, variants, an initial, or
/// missing.
fn person_compatible(a: &Rec, b: &Rec) -> bool {
    let (Some(la), Some(lb)) = (a.words.last(), b.words.last()) else { return false };
    if !variant(la, lb, a.skel.last().map_or("", |s| s), b.skel.last().map_or("", |s| s)) {
        return false;
    }
    match (a.words.len() >= 2, b.words.len() >= 2) {
        (true, true) => {
            let (fa, fb) = (&a.words[0], &b.words[0]);
            let same_initial = fa.chars().next() == fb.chars().next();
            // Equal, spelling or transliteration variants ("Ihor"/"Igor": one edit on a name of four letters
            // or more), or an initial for the name.
            variant(fa, fb, &a.skel[0], &b.skel[0])
                || same_initial && (fa.len() <= 2 || fb.len() <= 2)
                || same_initial && fa.len().min(fb.len()) >= 4 && edit_distance(fa, fb) <= 1
        }
        _ => true,
    }
}

/// A person's full name (two words or more), as opposed to a lone surname.
fn full_name(r: &Rec) -> bool {
    r.kind == EntityKind::Person && r.words.len() >= 2
}

/// A lone name word meeting a person's full name (a surname in one article, the full name in another).
fn lone_to_full(a: &Rec, b: &Rec) -> bool {
    (a.words.len() == 1 && full_name(b)) || (b.words.len() == 1 && full_name(a))
}

fn mergeable(a: &Rec, b: &Rec) -> bool {
    use EntityKind::*;
    let same_kind = a.kind == b.kind;
    if same_kind && a.key == b.key {
        return true;
    }
    match (a.kind, b.kind) {
        (Person, Person) => person_compatible(a, b),
        // A lone surname classified "other" in one article, a person in another.
        (Person, Other) | (Other, Person) => {
            let (p, o) = if a.kind == Person { (a, b) } else { (b, a) };
            o.words.len() == 1
                && p.words.last().is_some_and(|l| variant(l, &o.words[0], p.skel.last().map_or("", |s| s), &o.skel[0]))
        }
        _ if same_kind || a.kind == Other || b.kind == Other => {
            if a.key == b.key {
                return true;
            }
            // Acronym in one, expansion in another.
            let acr = |x: &Rec, y: &Rec| is_acronym(&x.canonical) && initials(&y.canonical) == x.canonical;
            if acr(a, b) || acr(b, a) {
                return true;
            }
            // Spelling variants of names of one kind: one edit on single long words (Kharkiv / Kharkov), or
            // every word one transliteration skeleton.
            same_kind
                && ((a.words.len() == 1 && b.words.len() == 1 && close(&a.words[0], &b.words[0]))
                    || (a.words.len() == b.words.len()
                        && a.words.iter().all(|w| w.len() >= 4)
                        && b.words.iter().all(|w| w.len() >= 4)
                        && a.skel == b.skel))
        }
        _ => false,
    }
}

/// Groups of records that name one thing. Pairs of different articles that [`mergeable`] accepts are joined
/// in two passes: first every pair except a lone name word against a person's full name, then those, a lone
/// word joining only when all the full names it fits are already one group. A join never puts two full
/// names that are not [`person_compatible`] in one group, so two people who share a surname stay apart
/// however their articles chain.
fn merge_groups(recs: &[Rec]) -> Dsu {
    let mut dsu = Dsu::new(recs.len());
    // Full names of each group, by root.
    let mut full: Vec<Vec<usize>> =
        (0..recs.len()).map(|i| if full_name(&recs[i]) { vec![i] } else { Vec::new() }).collect();
    let mut lone: Vec<(usize, usize)> = Vec::new();
    let join = |dsu: &mut Dsu, full: &mut Vec<Vec<usize>>, i: usize, j: usize| {
        let (ri, rj) = (dsu.find(i), dsu.find(j));
        if ri == rj {
            return;
        }
        if !full[ri].iter().all(|&x| full[rj].iter().all(|&y| person_compatible(&recs[x], &recs[y]))) {
            return;
        }
        dsu.union(ri, rj);
        let root = dsu.find(ri);
        let other = if root == ri { rj } else { ri };
        let moved = std::mem::take(&mut full[other]);
        full[root].extend(moved);
    };
    for i in 0..recs.len() {
        for j in i + 1..recs.len() {
            if recs[i].article != recs[j].article && mergeable(&recs[i], &recs[j]) {
                if lone_to_full(&recs[i], &recs[j]) {
                    lone.push((i, j));
                } else {
                    join(&mut dsu, &mut full, i, j);
                }
            }
        }
    }
    // Each lone word's candidate full-name groups; it joins only when there is one.
    let mut fits: HashMap<usize, Vec<usize>> = HashMap::new();
    for &(i, j) in &lone {
        let (w, f) = if recs[i].words.len() == 1 { (i, j) } else { (j, i) };
        let root = dsu.find(f);
        let list = fits.entry(w).or_default();
        if !list.contains(&root) {
            list.push(root);
        }
    }
    let mut words: Vec<usize> = fits.keys().copied().collect();
    words.sort_unstable();
    for w in words {
        if let [root] = fits[&w].as_slice() {
            join(&mut dsu, &mut full, w, *root);
        }
    }
    dsu
}

/// Merge the entities of all articles; also returns (article, per-article canonical) → merged name.
fn align_entities(members: &[EventMember<'_>]) -> (Vec<Entity>, HashMap<(usize, String), String>) {
    let mut recs: Vec<Rec> = Vec::new();
    let mut index: HashMap<(usize, String, EntityKind), usize> = HashMap::new();
    for (ai, m) in members.iter().enumerate() {
        for em in &m.annotations.entities {
            let i = *index.entry((ai, em.canonical.clone(), em.kind)).or_insert_with(|| {
                let key = crate::annotate::entity_key(&em.canonical);
                let words: Vec<String> = fold(&em.canonical).split(' ').map(str::to_string).collect();
                let skel = words.iter().map(|w| word_skeleton(w)).collect();
                recs.push(Rec {
                    article: ai,
                    canonical: em.canonical.clone(),
                    kind: em.kind,
                    key,
                    words,
                    skel,
                    surfaces: Vec::new(),
                    mentions: 0,
                });
                recs.len() - 1
            });
            let r = &mut recs[i];
            r.mentions += 1;
            if !r.surfaces.contains(&em.surface) {
                r.surfaces.push(em.surface.clone());
            }
        }
    }
    let dsu = merge_groups(&recs);
    let mut dsu = dsu;
    // A lone "other" merged into a person makes the group a person; keep groups in first-seen order.
    let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut group_of: HashMap<usize, usize> = HashMap::new();
    for i in 0..recs.len() {
        let root = dsu.find(i);
        let g = *group_of.entry(root).or_insert_with(|| {
            groups.push((root, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(i);
    }
    let mut out: Vec<(Entity, usize)> = Vec::new();
    let mut names: HashMap<(usize, String), String> = HashMap::new();
    for (_, members_of) in &groups {
        let rs: Vec<&Rec> = members_of.iter().map(|&i| &recs[i]).collect();
        let kind = rs
            .iter()
            .map(|r| r.kind)
            .find(|k| *k == EntityKind::Person)
            .or_else(|| rs.iter().map(|r| r.kind).find(|k| *k != EntityKind::Other))
            .unwrap_or(EntityKind::Other);
        let name = choose_name(&rs, kind);
        let mut aliases: BTreeSet<String> = BTreeSet::new();
        aliases.insert(name.clone());
        for r in &rs {
            aliases.insert(r.canonical.clone());
            for s in &r.surfaces {
                aliases.insert(s.clone());
            }
        }
        let mut arts: Vec<usize> = rs.iter().map(|r| r.article).collect();
        arts.sort_unstable();
        arts.dedup();
        let mentions: usize = rs.iter().map(|r| r.mentions).sum();
        for r in &rs {
            names.insert((r.article, r.canonical.clone()), name.clone());
        }
        out.push((
            Entity {
                name,
                kind,
                aliases: aliases.into_iter().collect(),
                articles: arts.iter().map(|&a| members[a].article.id.clone()).collect(),
            },
            mentions,
        ));
    }
    out.sort_by(|a, b| b.0.articles.len().cmp(&a.0.articles.len()).then(b.1.cmp(&a.1)).then(a.0.name.cmp(&b.0.name)));
    (out.into_iter().map(|(e, _)| e).collect(), names)
}

/// The display name of a merged entity.
fn choose_name(rs: &[&Rec], kind: EntityKind) -> String {
    let mut count: HashMap<&str, usize> = HashMap::new();
    match kind {
        EntityKind::Person => {
            // The full name most articles use; ties go to the longer, then the first seen.
            for r in rs {
                *count.entry(r.canonical.as_str()).or_default() += 1;
            }
            let best = rs.iter().map(|r| r.canonical.as_str()).max_by(|a, b| {
                (count[a], a.split(' ').count(), std::cmp::Reverse(*a)).cmp(&(
                    count[b],
                    b.split(' ').count(),
                    std::cmp::Reverse(*b),
                ))
            });
            best.unwrap_or("").to_string()
        }
        _ => {
            // The gazetteer's name for places it knows; else the form most often written.
            if kind == EntityKind::Place
                && let Some(k) = rs.iter().find_map(|r| gazetteer::lookup(&fold(&r.canonical)))
                && k.kind == EntityKind::Place
            {
                return k.canonical.to_string();
            }
            for r in rs {
                for s in &r.surfaces {
                    if !s.starts_with(|c: char| c.is_lowercase()) && !s.starts_with("The ") {
                        *count.entry(s.as_str()).or_default() += r.mentions.max(1);
                    }
                }
            }
            let best = count.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map(|(s, _)| s.to_string());
            best.unwrap_or_else(|| rs.first().map(|r| r.canonical.clone()).unwrap_or_default())
        }
    }
}

/// Lowercased, lightly stemmed words of a quote.
fn quote_terms(text: &str) -> Vec<String> {
    tokens::words(text)
        .map(|w| {
            let w = tokens::stem(&w);
            let n = w.len();
            if n > 5 && w.ends_with("ing") {
                w[..n - 3].to_string()
            } else if n > 4 && w.ends_with("ed") {
                w[..n - 2].to_string()
            } else {
                w
            }
        })
        .collect()
}

fn normal(text: &str) -> String {
    tokens::words(text).collect::<Vec<_>>().join(" ")
}

struct QRec {
    article: usize,
    /// Whether the quoted words sit inside their marks in the article (a real quotation).
    marked: bool,
    pos: usize,
    speaker: Option<String>,
    text: String,
    terms: BTreeSet<String>,
    normal: String,
}

fn same_utterance(a: &QRec, b: &QRec) -> bool {
    if a.normal == b.normal && !a.normal.is_empty() {
        return true;
    }
    let (small, big) = if a.terms.len() <= b.terms.len() { (a, b) } else { (b, a) };
    if small.terms.len() < 3 {
        return fragment_of(small, big);
    }
    let overlap = small.terms.intersection(&big.terms).count();
    let content = small.terms.iter().filter(|t| !tokens::is_stopword(t) && big.terms.contains(*t)).count();
    overlap >= 3 && content >= 2 && overlap * 10 >= small.terms.len() * 6
}

/// A fragment of one or two words ("gradually") quoted from a longer wording of the same, known speaker: its
/// words appear in that wording, in order, as a whole-word run, and one of them is a content word.
fn fragment_of(small: &QRec, big: &QRec) -> bool {
    let n = small.normal.split(' ').filter(|w| !w.is_empty()).count();
    if !(1..=2).contains(&n) || big.normal.len() <= small.normal.len() {
        return false;
    }
    if small.speaker.is_none() || small.speaker != big.speaker {
        return false;
    }
    if small.normal.split(' ').all(tokens::is_stopword) {
        return false;
    }
    format!(" {} ", big.normal).contains(&format!(" {} ", small.normal))
}

fn align_quotes(
    members: &[EventMember<'_>],
    names: &HashMap<(usize, String), String>,
) -> (Vec<Quote>, Vec<Disagreement>) {
    let mut recs: Vec<QRec> = Vec::new();
    for (ai, m) in members.iter().enumerate() {
        for q in &m.annotations.quotes {
            let speaker = q.speaker.as_ref().map(|s| names.get(&(ai, s.clone())).cloned().unwrap_or_else(|| s.clone()));
            recs.push(QRec {
                article: ai,
                marked: crate::compare::wording::marked(&m.article.text, q.span),
                pos: q.span.start,
                speaker,
                text: q.text.trim().trim_end_matches(',').to_string(),
                terms: quote_terms(&q.text).into_iter().collect(),
                normal: normal(&q.text),
            });
        }
    }
    let mut dsu = Dsu::new(recs.len());
    let mut speaker_of: Vec<Option<String>> = recs.iter().map(|r| r.speaker.clone()).collect();
    for i in 0..recs.len() {
        for j in i + 1..recs.len() {
            if !same_utterance(&recs[i], &recs[j]) {
                continue;
            }
            let (ri, rj) = (dsu.find(i), dsu.find(j));
            if ri == rj {
                continue;
            }
            let (si, sj) = (&speaker_of[ri], &speaker_of[rj]);
            let compatible = si.is_none() || sj.is_none() || si == sj;
            if compatible {
                let s = si.clone().or_else(|| sj.clone());
                dsu.union(ri, rj);
                let root = dsu.find(ri);
                speaker_of[root] = s;
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: HashMap<usize, usize> = HashMap::new();
    for i in 0..recs.len() {
        let root = dsu.find(i);
        let g = *group_of.entry(root).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    let mut quotes = Vec::new();
    let mut disagreements = Vec::new();
    for g in groups {
        let root = dsu.find(g[0]);
        let speaker = speaker_of[root].clone();
        // One variant per article: its wordings in text order, repeats dropped, joined by " … ".
        let mut by_article: Vec<(usize, Vec<&QRec>)> = Vec::new();
        for &i in &g {
            let r = &recs[i];
            match by_article.iter_mut().find(|(a, _)| *a == r.article) {
                Some((_, v)) => v.push(r),
                None => by_article.push((r.article, vec![r])),
            }
        }
        by_article.sort_by_key(|(a, _)| *a);
        let mut variants = Vec::new();
        for (a, mut rs) in by_article {
            rs.sort_by_key(|r| r.pos);
            let mut texts: Vec<&str> = Vec::new();
            let mut seen: Vec<&str> = Vec::new();
            for r in &rs {
                if !seen.contains(&r.normal.as_str()) {
                    seen.push(&r.normal);
                    texts.push(&r.text);
                }
            }
            variants.push(QuoteVariant { article: members[a].article.id.clone(), text: texts.join(" … ") });
        }
        let text = g
            .iter()
            .map(|&i| &recs[i])
            .max_by_key(|r| (r.text.len(), std::cmp::Reverse(r.pos)))
            .map(|r| r.text.clone());
        let articles: Vec<String> = variants.iter().map(|v| v.article.clone()).collect();
        // Different wordings of one utterance by one known speaker, from independent origins: a quote
        // disagreement. Pairs are compared quotation by quotation (two utterances are two quotes); identical
        // or truncated wordings agree.
        let mut involved: Vec<usize> = Vec::new();
        let mut changes: Vec<crate::compare::wording::Change> = Vec::new();
        if speaker.is_some() {
            for (x, &i) in g.iter().enumerate() {
                for &j in &g[x + 1..] {
                    let (ri, rj) = (&recs[i], &recs[j]);
                    if members[ri.article].origin == members[rj.article].origin || !ri.marked || !rj.marked {
                        continue;
                    }
                    let crate::compare::wording::Wording::Changed(c) =
                        crate::compare::wording::compare(&ri.text, &rj.text)
                    else {
                        continue;
                    };
                    if (ri.speaker.is_none() || rj.speaker.is_none()) && c.len() > 1 {
                        continue;
                    }
                    for k in [i, j] {
                        if !involved.contains(&k) {
                            involved.push(k);
                        }
                    }
                    for ch in c {
                        if !changes.contains(&ch) {
                            changes.push(ch);
                        }
                    }
                }
            }
        }
        if !involved.is_empty() {
            involved.sort_by_key(|&k| (recs[k].article, recs[k].pos));
            let about = match &speaker {
                Some(s) => format!("wording of a quote by {s}: {}", crate::compare::wording::describe(&changes)),
                None => format!("wording of a quote: {}", crate::compare::wording::describe(&changes)),
            };
            let claims = involved
                .iter()
                .map(|&k| Claim { article: members[recs[k].article].article.id.clone(), text: recs[k].text.clone() })
                .collect();
            disagreements.push(Disagreement { kind: "quote".into(), about, claims });
        }
        quotes.push(Quote { speaker, text: text.unwrap_or_default(), articles, variants });
    }
    (quotes, disagreements)
}

/// Content words of a figure's "about", stemmed.
fn about_terms(about: &str) -> BTreeSet<String> {
    tokens::content_terms(about).into_iter().collect()
}

/// Equal within rounding: the coarser of the two stated precisions, wider when either is qualified.
fn agree(a: &FigureMention, b: &FigureMention) -> bool {
    let (x, y) = (a.value.abs(), b.value.abs());
    let m = x.max(y);
    if m == 0.0 {
        return true;
    }
    let tol = if a.qualifier.is_some() || b.qualifier.is_some() { 0.05 } else { 0.015 };
    (x - y).abs() / m <= tol
}

fn is_money(f: &FigureMention) -> bool {
    f.unit.len() == 3 && f.unit.chars().all(|c| c.is_ascii_uppercase()) && gazetteer::is_currency_code(&f.unit)
}

/// The amount in `unit`, from the figure or its stated conversion.
fn in_unit<'a>(f: &'a FigureMention, unit: &str) -> Option<&'a FigureMention> {
    if f.unit == unit {
        return Some(f);
    }
    f.alternate.as_deref().filter(|a| a.unit == unit)
}

fn claim_text(f: &FigureMention) -> String {
    let mut s = match &f.qualifier {
        Some(q) => format!("{q} {}", f.text),
        None => f.text.clone(),
    };
    if let Some(alt) = &f.alternate {
        s.push_str(&format!(" ({})", alt.text));
    }
    if !f.about.is_empty() && f.about != f.unit {
        s.push_str(&format!(" — {}", f.about));
    }
    s
}

fn figure_text(f: &FigureMention) -> String {
    match &f.alternate {
        Some(alt) => format!("{} ({})", f.text, alt.text),
        None => f.text.clone(),
    }
}

/// How two figures from different origins relate.
enum Relation {
    Agree,
    Value,
    Currency,
}

/// Word overlap (Jaccard) of two figures' sentences at or above which one number in two currencies is one
/// amount misreported.
const CURRENCY_CONTEXT: f64 = 0.1;

/// Entities (people, organisations, places) of member `m` named inside a figure's sentence, by kind.
fn parties_of(m: &EventMember<'_>, f: &FigureMention) -> [BTreeSet<String>; 3] {
    let mut out: [BTreeSet<String>; 3] = Default::default();
    for e in &m.annotations.entities {
        if f.sentence.start <= e.span.start && e.span.end <= f.sentence.end {
            let slot = match e.kind {
                EntityKind::Person => 0,
                EntityKind::Organization => 1,
                EntityKind::Place => 2,
                _ => continue,
            };
            out[slot].insert(crate::annotate::entity_key(&e.canonical));
        }
    }
    out
}

/// Whether two figures' sentences may speak of one happening: of each kind, where both name some, they
/// name one in common.
fn same_parties(a: &[BTreeSet<String>; 3], b: &[BTreeSet<String>; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.is_empty() || y.is_empty() || !x.is_disjoint(y))
}

fn relate(a: &FigureMention, b: &FigureMention, context: f64, parties: bool) -> Option<Relation> {
    let (ta, tb) = (about_terms(&a.about), about_terms(&b.about));
    let shared = ta.intersection(&tb).count();
    let about_similar = shared > 0 && shared * 2 >= ta.len().min(tb.len()).max(1);
    if is_money(a) && is_money(b) {
        if let Some(b2) = in_unit(b, &a.unit) {
            if agree(a, b2) {
                return (about_similar || context >= 0.15 || a.value >= 1e6).then_some(Relation::Agree);
            }
            return (about_similar && context >= 0.15).then_some(Relation::Value);
        }
        if let Some(a2) = in_unit(a, &b.unit) {
            if agree(a2, b) {
                return Some(Relation::Agree);
            }
            return (about_similar && context >= 0.15).then_some(Relation::Value);
        }
        // Different currencies and no stated conversion: the same number is the same amount misreported,
        // when the sentences say the same thing (shared words) of the same parties (`parties`).
        if agree(a, b) && (about_similar || context >= CURRENCY_CONTEXT) && parties {
            return Some(Relation::Currency);
        }
        return None;
    }
    if a.unit == "date" || b.unit == "date" || is_money(a) || is_money(b) {
        return None;
    }
    if tokens::stem(&a.unit) != tokens::stem(&b.unit) || !about_similar {
        return None;
    }
    if agree(a, b) {
        Some(Relation::Agree)
    } else if context >= 0.2 {
        Some(Relation::Value)
    } else {
        None
    }
}

fn sentence_terms(m: &EventMember<'_>, f: &FigureMention) -> BTreeSet<String> {
    tokens::content_terms(f.sentence.slice(&m.article.text)).into_iter().collect()
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    if union == 0 { 0.0 } else { inter as f64 / union as f64 }
}

fn align_figures(members: &[EventMember<'_>]) -> (Vec<Figure>, Vec<Disagreement>) {
    let mut figures = Vec::new();
    let mut all: Vec<(usize, &FigureMention, BTreeSet<String>)> = Vec::new();
    let mut all_parties: Vec<[BTreeSet<String>; 3]> = Vec::new();
    for (ai, m) in members.iter().enumerate() {
        let mut seen: Vec<(u64, &str, &str)> = Vec::new();
        for f in &m.annotations.figures {
            if f.unit == "date" {
                continue;
            }
            let sig = (f.value.to_bits(), f.unit.as_str(), f.about.as_str());
            if seen.contains(&sig) {
                continue;
            }
            seen.push(sig);
            figures.push(Figure {
                text: figure_text(f),
                value: f.value,
                unit: f.unit.clone(),
                about: f.about.clone(),
                article: m.article.id.clone(),
            });
            all.push((ai, f, sentence_terms(m, f)));
            all_parties.push(parties_of(m, f));
        }
    }
    let mut disagreements = Vec::new();
    let mut used = vec![false; all.len()];
    for i in 0..all.len() {
        if used[i] {
            continue;
        }
        let (ai, fa, ca) = &all[i];
        let mut group: Vec<(usize, Relation)> = Vec::new();
        let mut articles_in = vec![*ai];
        for (j, (bj, fb, cb)) in all.iter().enumerate().skip(i + 1) {
            if used[j] || articles_in.contains(bj) || members[*ai].origin == members[*bj].origin {
                continue;
            }
            let parties = same_parties(&all_parties[i], &all_parties[j]);
            if let Some(rel) = relate(fa, fb, jaccard(ca, cb), parties) {
                articles_in.push(*bj);
                group.push((j, rel));
            }
        }
        if group.is_empty() {
            continue;
        }
        used[i] = true;
        for (j, _) in &group {
            used[*j] = true;
        }
        // Only one amount in two currencies is a disagreement here: different values of one measured thing
        // need the sentence-level checks of `compare` (same object, people, place and time; compatible
        // values), which report them.
        let currency = group.iter().any(|(_, r)| matches!(r, Relation::Currency));
        if !currency {
            continue;
        }
        let mut claims = vec![Claim { article: members[*ai].article.id.clone(), text: claim_text(fa) }];
        let mut units = vec![fa.unit.clone()];
        let mut about = fa.about.clone();
        for (j, _) in &group {
            let (bj, fb, _) = &all[*j];
            claims.push(Claim { article: members[*bj].article.id.clone(), text: claim_text(fb) });
            if !units.contains(&fb.unit) {
                units.push(fb.unit.clone());
            }
            if fb.about.len() > about.len() && fb.about != fb.unit {
                about = fb.about.clone();
            }
        }
        let about = format!("{about}: the same amount in different currencies ({})", units.join(" vs "));
        disagreements.push(Disagreement { kind: "figure".into(), about, claims });
    }
    (figures, disagreements)
}
