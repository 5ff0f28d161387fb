//! What every format shows, prepared once: stories with their timelines, events with numbered sources
//! and citations resolved to those numbers, and the articles that belong to no event.

use synoptic_model::{Article, Document, Event, Story, Timestamp};

/// The document arranged for display.
#[derive(Debug)]
pub struct View<'a> {
    pub doc: &'a Document,
    /// Stories in document order, each with its events in time order.
    pub stories: Vec<StoryView<'a>>,
    /// Events that belong to no story of the document.
    pub loose_events: Vec<EventView<'a>>,
    /// Articles that belong to no event of the document.
    pub loose_articles: Vec<&'a Article>,
}

#[derive(Debug)]
pub struct StoryView<'a> {
    pub story: &'a Story,
    pub events: Vec<EventView<'a>>,
}

/// One event with its sources numbered from 1 in the event's article order.
#[derive(Debug)]
pub struct EventView<'a> {
    pub event: &'a Event,
    pub sources: Vec<Source<'a>>,
}

/// One numbered source of an event.
#[derive(Debug)]
pub struct Source<'a> {
    pub number: usize,
    pub id: &'a str,
    pub article: Option<&'a Article>,
}

impl Source<'_> {
    /// A short name for the source: its outlet, else its file or URL name, else its id.
    pub fn label(&self) -> String {
        match self.article {
            Some(a) => article_label(a),
            None => self.id.to_string(),
        }
    }
}

/// A short name for an article: its outlet, else the last part of its source, else its id.
pub fn article_label(a: &Article) -> String {
    if let Some(o) = a.outlet.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        return o.to_string();
    }
    let source = a.source.trim_end_matches('/');
    let last = source.rsplit(['/', '\\']).next().unwrap_or(source);
    if last.is_empty() { a.id.clone() } else { last.to_string() }
}

/// An article's title, or a placeholder naming its source.
pub fn article_title(a: &Article) -> String {
    match a.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => t.to_string(),
        None => "(untitled)".to_string(),
    }
}

/// A date as shown in lists: `2023-04-20`.
pub fn day(t: &Timestamp) -> String {
    t.format("%Y-%m-%d").to_string()
}

/// A moment as shown in event headers and the order of reports: `2023-04-20 10:00 +02:00`.
pub fn moment(t: &Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M %:z").to_string()
}

impl<'a> EventView<'a> {
    fn new(doc: &'a Document, event: &'a Event) -> EventView<'a> {
        let sources = event
            .articles
            .iter()
            .enumerate()
            .map(|(i, id)| Source { number: i + 1, id, article: doc.articles.iter().find(|a| &a.id == id) })
            .collect();
        EventView { event, sources }
    }

    /// The source number of an article id, when the article is one of the event's.
    pub fn number(&self, id: &str) -> Option<usize> {
        self.sources.iter().find(|s| s.id == id).map(|s| s.number)
    }

    /// Citation numbers of a list of article ids, sorted; ids outside the event are left out.
    pub fn numbers(&self, ids: &[String]) -> Vec<usize> {
        let mut n: Vec<usize> = ids.iter().filter_map(|id| self.number(id)).collect();
        n.sort_unstable();
        n.dedup();
        n
    }

    /// The source with this number.
    pub fn source(&self, number: usize) -> Option<&Source<'a>> {
        self.sources.get(number.wrapping_sub(1))
    }

    /// A one-line description of the event's size: articles, origins, first seen.
    pub fn meta(&self) -> String {
        let e = self.event;
        let n = e.articles.len();
        let mut s = format!(
            "{n} article{} \u{b7} {} independent source{}",
            if n == 1 { "" } else { "s" },
            e.origins,
            if e.origins == 1 { "" } else { "s" }
        );
        if let Some(t) = &e.first_seen {
            s.push_str(&format!(" \u{b7} first seen {}", moment(t)));
        }
        s
    }
}

/// Citations as text: `[1][3]`.
pub fn cite(numbers: &[usize]) -> String {
    numbers.iter().map(|n| format!("[{n}]")).collect()
}

impl<'a> View<'a> {
    pub fn new(doc: &'a Document) -> View<'a> {
        let mut used = vec![false; doc.events.len()];
        let mut stories = Vec::new();
        for story in &doc.stories {
            let mut events: Vec<(usize, &Event)> = Vec::new();
            for id in &story.events {
                if let Some(i) = doc.events.iter().position(|e| &e.id == id)
                    && !used[i]
                {
                    used[i] = true;
                    events.push((i, &doc.events[i]));
                }
            }
            for (i, e) in doc.events.iter().enumerate() {
                if !used[i] && e.story == story.id {
                    used[i] = true;
                    events.push((i, e));
                }
            }
            // The story's list is in time order already; keep it, only placing dated events before undated.
            events.sort_by_key(|(_, e)| e.first_seen.is_none());
            stories
                .push(StoryView { story, events: events.into_iter().map(|(_, e)| EventView::new(doc, e)).collect() });
        }
        let loose_events =
            doc.events.iter().enumerate().filter(|(i, _)| !used[*i]).map(|(_, e)| EventView::new(doc, e)).collect();
        let loose_articles =
            doc.articles.iter().filter(|a| !doc.events.iter().any(|e| e.articles.contains(&a.id))).collect();
        View { doc, stories, loose_events, loose_articles }
    }

    /// Every event view, stories first.
    pub fn events(&self) -> impl Iterator<Item = &EventView<'a>> {
        self.stories.iter().flat_map(|s| s.events.iter()).chain(self.loose_events.iter())
    }
}

/// The facts about an article shown in article lists: outlet, date, words, language.
pub fn article_facts(a: &Article) -> String {
    let mut parts = vec![article_label(a)];
    parts.push(a.published.as_ref().map(day).unwrap_or_else(|| "date unknown".to_string()));
    let words = a.word_count();
    parts.push(format!("{words} word{}", if words == 1 { "" } else { "s" }));
    parts.push(a.language.clone().unwrap_or_else(|| "language unknown".to_string()));
    parts.join(" \u{b7} ")
}
