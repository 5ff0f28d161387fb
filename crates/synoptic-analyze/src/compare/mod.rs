//! Comparison of the sources of an event: claims, agreements, single-source details, disagreements, the
//! cited summary, the order of reports and a story's timeline.
//!
//! [`build_event`] turns an event's members into a filled [`Event`]: articles are put in the order they were
//! first seen, statements are aligned across articles ([`claims`]), and every list of the contract's Event
//! is derived from that alignment plus [`crate::align::align`]. Nothing here decides who is right: a
//! disagreement shows each side's passage.

mod agree;
mod claims;
mod conflict;
mod facts;
mod measure;
mod single;
mod summary;
mod text;
mod timeline;
pub(crate) mod wording;

use synoptic_model::Event;

use crate::EventMember;

pub use timeline::{TimelineEntry, story_timeline};

/// How the synopsis is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynopsisOptions {
    /// Number of sentences in the cited summary.
    pub summary_sentences: usize,
}

impl Default for SynopsisOptions {
    fn default() -> Self {
        SynopsisOptions { summary_sentences: 5 }
    }
}

/// Build the full event for `members`: title, articles (first seen first), origins, first seen, entities,
/// quotes and figures (from alignment), agreements, single-source details, disagreements, summary, reports.
pub fn build_event(id: &str, story: &str, members: &[EventMember<'_>], opts: &SynopsisOptions) -> Event {
    // First seen first: dated articles by date, undated ones after, each in the order given.
    let mut members: Vec<EventMember<'_>> = members.to_vec();
    members.sort_by(|a, b| match (a.article.published, b.article.published) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    // One article appearing twice is one member.
    let mut seen = std::collections::HashSet::new();
    members.retain(|m| seen.insert(m.article.id.clone()));

    let mut origin_ids: Vec<&str> = Vec::new();
    let origins: Vec<usize> = members
        .iter()
        .map(|m| match origin_ids.iter().position(|o| *o == m.origin) {
            Some(i) => i,
            None => {
                origin_ids.push(m.origin);
                origin_ids.len() - 1
            }
        })
        .collect();
    let ids: Vec<&str> = members.iter().map(|m| m.article.id.as_str()).collect();
    let facts: Vec<facts::Facts> =
        members.iter().map(|m| facts::facts(m.article, &m.annotations.figures, &m.annotations.quotes)).collect();

    let sentences = claims::Units::build(&members, &facts);
    let aligned = crate::align::align(&members);
    let citations = claims::Citations::new(&members);
    let (agreements, single_source) = agree::agreements_and_details(&sentences, &citations, &members, &facts, &origins);
    let disagreements =
        conflict::disagreements(aligned.disagreements, &aligned.entities, &sentences, &members, &origins, &facts);
    let summary = summary::summarize(&sentences, &citations, &ids, &origins, origin_ids.len(), opts.summary_sentences);

    Event {
        id: id.to_string(),
        story: story.to_string(),
        title: timeline::title(&members, &sentences),
        articles: ids.iter().map(|s| s.to_string()).collect(),
        origins: origin_ids.len(),
        first_seen: members.iter().filter_map(|m| m.article.published).min(),
        entities: aligned.entities,
        quotes: aligned.quotes,
        figures: aligned.figures,
        agreements,
        single_source,
        disagreements,
        summary,
        reports: timeline::reports(&members),
    }
}
