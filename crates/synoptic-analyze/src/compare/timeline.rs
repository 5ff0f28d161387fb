//! Time: a story's events in time order, an event's order of reports, and an event's title.

use synoptic_model::{Event, Report, Story, Timestamp};

use super::claims::Units;
use crate::EventMember;

/// One line of a story's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub event: String,
    /// When the event was first reported, when known.
    pub date: Option<Timestamp>,
    /// A one-line description: the event's title.
    pub line: String,
    /// Independent origins that report it.
    pub origins: usize,
}

/// The events of `story` found in `events`, earliest first; events without a date keep the story's order
/// and come after dated ones.
pub fn story_timeline(story: &Story, events: &[Event]) -> Vec<TimelineEntry> {
    let mut picked: Vec<(usize, &Event)> = story
        .events
        .iter()
        .enumerate()
        .filter_map(|(i, id)| events.iter().find(|e| &e.id == id).map(|e| (i, e)))
        .collect();
    // Events that name this story but are missing from its list still belong on its timeline.
    let listed = picked.len();
    for e in events.iter().filter(|e| e.story == story.id && !story.events.contains(&e.id)) {
        picked.push((listed + picked.len(), e));
    }
    picked.sort_by(|(ia, a), (ib, b)| match (a.first_seen, b.first_seen) {
        (Some(x), Some(y)) => x.cmp(&y).then(ia.cmp(ib)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => ia.cmp(ib),
    });
    picked
        .into_iter()
        .map(|(_, e)| TimelineEntry {
            event: e.id.clone(),
            date: e.first_seen,
            line: one_line(&e.title, 120),
            origins: e.origins,
        })
        .collect()
}

/// The order of reports: dated members earliest first (copies marked with their origin).
pub(crate) fn reports(members: &[EventMember<'_>]) -> Vec<Report> {
    let mut dated: Vec<&EventMember<'_>> = members.iter().filter(|m| m.article.published.is_some()).collect();
    dated.sort_by_key(|m| m.article.published);
    dated
        .into_iter()
        .map(|m| Report {
            article: m.article.id.clone(),
            outlet: m.article.outlet.clone(),
            published: m.article.published,
            copy_of: (m.origin != m.article.id).then(|| m.origin.to_string()),
        })
        .collect()
}

/// Trim `s` to at most `max` characters on a word boundary, with an ellipsis when cut.
pub(crate) fn one_line(s: &str, max: usize) -> String {
    let s = synoptic_model::text::matching_form(s);
    if s.chars().count() <= max {
        return s;
    }
    let cut: String = s.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}\u{2026}", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// The event's title: the member title most shared with the other members' texts, else the first
/// sentence of the first article, trimmed.
pub(crate) fn title(members: &[EventMember<'_>], sentences: &Units) -> String {
    // Title terms get small ids; each body is reduced to which title terms it contains (one pass each).
    let mut ids: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
    let titles: Vec<Option<(&str, Vec<usize>)>> = members
        .iter()
        .map(|m| {
            let t = m.article.title.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
            let mut terms: Vec<usize> = Vec::new();
            super::text::each_term(t, |w, _| {
                let next = ids.len();
                terms.push(*ids.entry(w.to_string()).or_insert(next));
            });
            (!terms.is_empty()).then_some((t, terms))
        })
        .collect();
    // Only words that can start a title term are read.
    let mut starts = [false; 128];
    let mut any_empty = false;
    for w in ids.keys() {
        match w.as_bytes().first() {
            Some(&b) if b.is_ascii() => starts[usize::from(b)] = true,
            Some(_) => {}
            None => any_empty = true,
        }
    }
    let starts = (!any_empty).then_some(&starts);
    let bodies: Vec<Vec<bool>> = members
        .iter()
        .map(|m| {
            let mut has = vec![false; ids.len()];
            if !ids.is_empty() {
                super::text::each_term_starting(&m.article.text, starts, |w, _| {
                    if let Some(&i) = ids.get(w) {
                        has[i] = true;
                    }
                });
            }
            has
        })
        .collect();
    pick_title(&titles, &bodies, sentences)
}

/// The title whose terms the other members' bodies share most (its own body counts a quarter).
fn pick_title(titles: &[Option<(&str, Vec<usize>)>], bodies: &[Vec<bool>], sentences: &Units) -> String {
    let mut best: Option<(f64, String)> = None;
    for (i, title) in titles.iter().enumerate() {
        let Some((t, terms)) = title else { continue };
        let mut score = 0.0;
        for (j, body) in bodies.iter().enumerate() {
            let share =
                terms.iter().filter(|&&w| body.get(w).copied().unwrap_or(false)).count() as f64 / terms.len() as f64;
            score += if i == j { 0.25 * share } else { share };
        }
        if best.as_ref().is_none_or(|(s, _)| score > *s + 1e-9) {
            best = Some((score, t.to_string()));
        }
    }
    if let Some((_, t)) = best {
        return one_line(&t, 160);
    }
    sentences.units.first().map(|u| one_line(&u.text, 100)).unwrap_or_default()
}
