//! The web pages, server-rendered and usable without JavaScript: story list, story timeline, event
//! synopsis (disagreements side by side with the conflicting passage highlighted in each source), article
//! with its entities, quotes and figures marked, and search. Every piece of text goes through [`escape`].
//! Pages are rendered once per store generation and served from memory (see [`crate::cache`]); the story
//! list is paged with a cursor ("Older" links).

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use synoptic_model::{Annotations, Article, Event, Span, Story};
use synoptic_store::{StoredArticle, StorySummary};

use crate::api::{cache_key, parse_cursor};
use crate::cache;
use crate::error::ApiError;
use crate::html::{date, escape, page, time_el, url_component};
use crate::state::AppState;

/// A failure shown as an HTML page with the matching status.
#[derive(Debug)]
pub struct PageError(pub ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> PageError {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let title = if self.0.status == StatusCode::NOT_FOUND { "Not found" } else { "Something went wrong" };
        let body = format!(
            "<h1>{}</h1>\n<p>{}</p>\n<p><a href=\"/\">All stories</a></p>",
            escape(title),
            escape(&self.0.message)
        );
        (self.0.status, Html(page(title, "", &body))).into_response()
    }
}

type PageResult = Result<Html<String>, PageError>;

/// Serves a page from the response cache (keyed by the request URI, valid for the store's current generation),
/// running `render` only on a miss.
async fn cached_page(
    state: &AppState,
    uri: &OriginalUri,
    headers: &HeaderMap,
    render: impl std::future::Future<Output = PageResult>,
) -> Response {
    state.cached(headers, &cache_key(uri), || async move { render.await.map(|h| cache::html(h.0)) }).await
}

pub async fn not_found() -> PageError {
    PageError(ApiError::not_found("There is no page at this address."))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn outlets_line(outlets: &[String]) -> String {
    if outlets.is_empty() {
        return "<span class=\"muted\">outlets unknown</span>".into();
    }
    const SHOWN: usize = 8;
    let mut line = outlets.iter().take(SHOWN).map(|o| escape(o)).collect::<Vec<_>>().join(", ");
    if outlets.len() > SHOWN {
        let _ = write!(line, " and {} more", outlets.len() - SHOWN);
    }
    line
}

// ---- story list ----

/// Stories per page of the list.
pub const STORIES_PER_PAGE: usize = 50;

#[derive(Debug, Deserialize)]
pub struct IndexParams {
    /// Where the page starts (the "Older" link of the previous page).
    pub cursor: Option<String>,
}

pub async fn index(
    State(state): State<AppState>,
    Query(p): Query<IndexParams>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> Response {
    cached_page(&state, &uri, &headers, index_page(state.clone(), p)).await
}

async fn index_page(state: AppState, p: IndexParams) -> PageResult {
    let cursor = parse_cursor(p.cursor.as_deref())?;
    let first = cursor.is_none();
    let page_of = state.read(move |db| db.stories_page(cursor, STORIES_PER_PAGE)).await?;
    let mut body = index_body(&page_of.stories, first && page_of.stories.is_empty());
    if !first || page_of.next.is_some() {
        body.push_str("<nav class=\"pager meta\">");
        if !first {
            body.push_str("<a href=\"/\" rel=\"first\">\u{2190} Newest</a> ");
        }
        if let Some(next) = page_of.next {
            let _ = write!(
                body,
                "<a href=\"/?cursor={}\" rel=\"next\">Older \u{2192}</a>",
                url_component(&next.to_string())
            );
        }
        body.push_str("</nav>\n");
    }
    Ok(Html(page("Stories", "", &body)))
}

fn index_body(stories: &[StorySummary], store_empty: bool) -> String {
    let mut o = String::from("<h1>Stories</h1>\n");
    if store_empty {
        o.push_str(
            "<p>No stories yet. Ingest articles (<code>synoptic ingest PATH</code>) or post them to \
                    <code>/api/articles</code>.</p>",
        );
        return o;
    }
    o.push_str("<ul class=\"cards stories\">\n");
    for s in stories {
        let _ = writeln!(
            o,
            "<li><h3><a href=\"/stories/{}\">{}</a></h3><div class=\"stats\"><span>{}</span><span>{}</span>\
             <span>{}</span><span>first seen {}</span><span>last seen {}</span></div><div class=\"meta\">{}</div>\
             </li>",
            url_component(&s.id),
            escape(title_or(&s.title, "Untitled story")),
            plural(s.events, "event", "events"),
            plural(s.articles, "article", "articles"),
            plural(s.origins, "origin", "origins"),
            time_el(s.first_seen.as_ref()),
            time_el(s.last_seen.as_ref()),
            outlets_line(&s.outlets),
        );
    }
    o.push_str("</ul>\n");
    o
}

fn title_or<'a>(title: &'a str, fallback: &'a str) -> &'a str {
    if title.trim().is_empty() { fallback } else { title }
}

// ---- story page ----

pub async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> Response {
    cached_page(&state, &uri, &headers, story_page(State(state.clone()), Path(id))).await
}

async fn story_page(State(state): State<AppState>, Path(id): Path<String>) -> PageResult {
    let lookup = id.clone();
    let found = state
        .read(move |db| {
            let Some(story) = db.story(&lookup)? else { return Ok(None) };
            let mut events = Vec::with_capacity(story.events.len());
            for e in &story.events {
                if let Some(ev) = db.event(e)? {
                    events.push(ev);
                }
            }
            Ok(Some((story, events)))
        })
        .await?;
    let Some((story, events)) = found else {
        return Err(ApiError::not_found(format!("No story with id {id}.")).into());
    };
    let title = title_or(&story.title, "Untitled story").to_string();
    Ok(Html(page(&title, "", &story_body(&story, &events))))
}

fn event_outlets(e: &Event) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in &e.reports {
        if let Some(o) = &r.outlet
            && !out.contains(o)
        {
            out.push(o.clone());
        }
    }
    out
}

fn story_body(story: &Story, events: &[Event]) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "<h1>{}</h1>", escape(title_or(&story.title, "Untitled story")));
    let articles: usize = events.iter().map(|e| e.articles.len()).sum();
    let _ = writeln!(
        o,
        "<div class=\"stats\"><span>{}</span><span>{}</span></div>\n<h2>Timeline</h2>\n<ol class=\"timeline\">",
        plural(events.len(), "event", "events"),
        plural(articles, "article", "articles")
    );
    for e in events {
        let lead = e.summary.first().map(|s| s.text.as_str()).unwrap_or("");
        let _ = writeln!(
            o,
            "<li><div class=\"meta\">{}</div><h3><a href=\"/events/{}\">{}</a></h3><div class=\"stats\"><span>{}\
             </span><span>{}</span><span>{}</span></div>{}<div class=\"meta\">{}</div></li>",
            time_el(e.first_seen.as_ref()),
            url_component(&e.id),
            escape(title_or(&e.title, "Untitled event")),
            plural(e.articles.len(), "article", "articles"),
            plural(e.origins, "origin", "origins"),
            plural(e.disagreements.len(), "disagreement", "disagreements"),
            if lead.is_empty() { String::new() } else { format!("<p>{}</p>", escape(lead)) },
            outlets_line(&event_outlets(e)),
        );
    }
    o.push_str("</ol>\n");
    o
}

// ---- event page ----

pub async fn event(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> Response {
    cached_page(&state, &uri, &headers, event_page(State(state.clone()), Path(id))).await
}

async fn event_page(State(state): State<AppState>, Path(id): Path<String>) -> PageResult {
    let lookup = id.clone();
    let found = state
        .read(move |db| {
            let Some(event) = db.event(&lookup)? else { return Ok(None) };
            let articles = db.articles_by_ids(&event.articles)?;
            let story = db.story(&event.story)?;
            Ok(Some((event, articles, story)))
        })
        .await?;
    let Some((event, articles, story)) = found else {
        return Err(ApiError::not_found(format!("No event with id {id}.")).into());
    };
    let title = title_or(&event.title, "Untitled event").to_string();
    Ok(Html(page(&title, "", &event_body(&event, &articles, story.as_ref()))))
}

/// Sources of an event, numbered from 1 in the event's order.
struct Sources<'a> {
    index: HashMap<&'a str, usize>,
    articles: HashMap<&'a str, &'a Article>,
}

impl<'a> Sources<'a> {
    fn new(event: &'a Event, stored: &'a [StoredArticle]) -> Sources<'a> {
        let index = event.articles.iter().enumerate().map(|(i, a)| (a.as_str(), i + 1)).collect();
        let articles = stored.iter().map(|s| (s.article.id.as_str(), &s.article)).collect();
        Sources { index, articles }
    }

    fn cite(&self, id: &str) -> String {
        match self.index.get(id) {
            Some(n) => format!("<sup class=\"cite\"><a href=\"#src-{n}\">[{n}]</a></sup>"),
            None => format!("<sup class=\"cite\"><a href=\"/articles/{}\">[+]</a></sup>", url_component(id)),
        }
    }

    fn cites(&self, ids: &[String]) -> String {
        ids.iter().map(|a| self.cite(a)).collect()
    }

    fn name(&self, id: &str) -> String {
        let n = self.index.get(id).map(|n| format!("[{n}] ")).unwrap_or_default();
        let outlet = self
            .articles
            .get(id)
            .and_then(|a| a.outlet.clone().or_else(|| a.title.clone()))
            .unwrap_or_else(|| id.to_string());
        format!("{n}{outlet}")
    }
}

fn event_body(e: &Event, stored: &[StoredArticle], story: Option<&Story>) -> String {
    let src = Sources::new(e, stored);
    let mut o = String::new();
    if let Some(s) = story {
        let _ = writeln!(
            o,
            "<div class=\"meta\">Story: <a href=\"/stories/{}\">{}</a></div>",
            url_component(&s.id),
            escape(title_or(&s.title, "Untitled story"))
        );
    }
    let _ = writeln!(o, "<h1>{}</h1>", escape(title_or(&e.title, "Untitled event")));
    let _ = writeln!(
        o,
        "<div class=\"stats\"><span>first seen {}</span><span>{}</span><span>{}</span></div>",
        time_el(e.first_seen.as_ref()),
        plural(e.articles.len(), "article", "articles"),
        plural(e.origins, "independent origin", "independent origins")
    );

    if !e.summary.is_empty() {
        o.push_str("<h2>Summary</h2>\n<p class=\"summary\">");
        for s in &e.summary {
            let _ = write!(o, "{}{} ", escape(&s.text), src.cites(&s.articles));
        }
        o.push_str("</p>\n");
    }

    if !e.disagreements.is_empty() {
        o.push_str("<h2 id=\"disagreements\">Disagreements</h2>\n");
        for d in &e.disagreements {
            let _ = writeln!(
                o,
                "<section class=\"disagreement\"><div class=\"kind\">{}</div><h3>{}</h3><div class=\"claims\">",
                escape(&d.kind),
                escape(&d.about)
            );
            for c in &d.claims {
                let passage = match src.articles.get(c.article.as_str()) {
                    Some(a) => highlighted_passage(&a.text, &c.text),
                    None => format!("<mark>{}</mark>", escape(&c.text)),
                };
                let _ = writeln!(
                    o,
                    "<div class=\"claim\"><h4><a href=\"/articles/{}\">{}</a></h4><p>{}</p></div>",
                    url_component(&c.article),
                    escape(&src.name(&c.article)),
                    passage
                );
            }
            o.push_str("</div></section>\n");
        }
    }

    if !e.agreements.is_empty() {
        o.push_str("<h2>Agreed by several sources</h2>\n<ul>\n");
        for a in &e.agreements {
            let _ = writeln!(o, "<li>{}{}</li>", escape(&a.text), src.cites(&a.articles));
        }
        o.push_str("</ul>\n");
    }

    if !e.single_source.is_empty() {
        o.push_str("<h2>Reported by one source only</h2>\n<ul>\n");
        for s in e.single_source.iter().take(synoptic_render::SINGLE_SOURCE_SHOWN) {
            let _ = writeln!(o, "<li>{}{}</li>", escape(&s.text), src.cite(&s.article));
        }
        if let Some(more) = synoptic_render::and_more(e.single_source.len(), synoptic_render::SINGLE_SOURCE_SHOWN) {
            let _ = writeln!(o, "<li class=\"more\">{}</li>", escape(&more));
        }
        o.push_str("</ul>\n");
    }

    if !e.quotes.is_empty() {
        o.push_str("<h2>Quotes</h2>\n");
        for q in &e.quotes {
            let speaker = q.speaker.as_deref().unwrap_or("Unattributed");
            let _ = write!(
                o,
                "<blockquote><p>\u{201C}{}\u{201D}{}</p><div class=\"meta\">\u{2014} {}</div>",
                escape(&q.text),
                src.cites(&q.articles),
                escape(speaker)
            );
            let differing: Vec<_> = q.variants.iter().filter(|v| v.text != q.text).collect();
            if !differing.is_empty() {
                o.push_str("<details class=\"variants\"><summary>Wording in other sources</summary><ul>");
                for v in differing {
                    let _ =
                        write!(o, "<li>{}: \u{201C}{}\u{201D}</li>", escape(&src.name(&v.article)), escape(&v.text));
                }
                o.push_str("</ul></details>");
            }
            o.push_str("</blockquote>\n");
        }
    }

    if !e.figures.is_empty() {
        o.push_str(
            "<h2>Figures</h2>\n<table><thead><tr><th>Figure</th><th>About</th><th>Source</th></tr></thead>\
                    <tbody>\n",
        );
        for f in &e.figures {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&f.text),
                escape(&f.about),
                src.cite(&f.article)
            );
        }
        o.push_str("</tbody></table>\n");
    }

    if !e.entities.is_empty() {
        o.push_str(
            "<h2>Entities</h2>\n<table><thead><tr><th>Name</th><th>Kind</th><th>Also written</th>\
                    <th>Sources</th></tr></thead><tbody>\n",
        );
        for en in &e.entities {
            let aliases: Vec<String> = en.aliases.iter().filter(|a| **a != en.name).map(|a| escape(a)).collect();
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&en.name),
                escape(kind_name(en.kind)),
                aliases.join(", "),
                src.cites(&en.articles)
            );
        }
        o.push_str("</tbody></table>\n");
    }

    o.push_str("<h2 id=\"sources\">Sources</h2>\n<ol class=\"sources\">\n");
    for (i, id) in e.articles.iter().enumerate() {
        let n = i + 1;
        match src.articles.get(id.as_str()) {
            Some(a) => {
                let copy = match &a.copy_of {
                    Some(orig) => format!(" \u{00B7} copy of {}", escape(&src.name(orig))),
                    None => String::new(),
                };
                let _ = writeln!(
                    o,
                    "<li id=\"src-{n}\"><a href=\"/articles/{}\">{}</a> <span class=\"meta\">{} \u{00B7} {}{}</span></li>",
                    url_component(id),
                    escape(a.title.as_deref().unwrap_or("Untitled article")),
                    escape(a.outlet.as_deref().unwrap_or("unknown outlet")),
                    escape(&date(a.published.as_ref())),
                    copy
                );
            }
            None => {
                let _ = writeln!(o, "<li id=\"src-{n}\"><span class=\"muted\">{} (not stored)</span></li>", escape(id));
            }
        }
    }
    o.push_str("</ol>\n");
    o
}

fn kind_name(k: synoptic_model::EntityKind) -> &'static str {
    match k {
        synoptic_model::EntityKind::Person => "person",
        synoptic_model::EntityKind::Organization => "organization",
        synoptic_model::EntityKind::Place => "place",
        synoptic_model::EntityKind::Other => "other",
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The sentence around `needle` in `text`, escaped, with the needle marked; the needle alone (marked) when
/// the text does not contain it.
pub fn highlighted_passage(text: &str, needle: &str) -> String {
    const REACH: usize = 280;
    let needle = needle.trim();
    let found = if needle.is_empty() {
        None
    } else {
        text.find(needle).map(|i| (i, i + needle.len())).or_else(|| {
            // ASCII lowercasing keeps byte offsets.
            let hay = text.to_ascii_lowercase();
            hay.find(&needle.to_ascii_lowercase()).map(|i| (i, i + needle.len()))
        })
    };
    let Some((start, end)) = found else { return format!("<mark>{}</mark>", escape(needle)) };
    if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return format!("<mark>{}</mark>", escape(needle));
    }
    // The sentence around the claim: back to the last sentence end (or line) within reach, forward to the
    // next; an ellipsis marks a cut made only because the reach ran out.
    let lo = floor_boundary(text, start.saturating_sub(REACH));
    let boundary_before = text[lo..start].rfind(['\n', '.', '!', '?']).map(|i| lo + i + 1);
    let from = boundary_before.unwrap_or(lo);
    let hi = floor_boundary(text, end.saturating_add(REACH));
    let boundary_after = text[end..hi].find(['\n', '.', '!', '?']).map(|i| end + i + 1);
    let to = boundary_after.unwrap_or(hi);
    let lead = if boundary_before.is_none() && lo > 0 { "\u{2026}" } else { "" };
    let tail = if boundary_after.is_none() && hi < text.len() { "\u{2026}" } else { "" };
    format!(
        "{lead}{}<mark>{}</mark>{}{tail}",
        escape(text[from..start].trim_start()),
        escape(&text[start..end]),
        escape(&text[end..to])
    )
}

// ---- article page ----

pub async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> Response {
    cached_page(&state, &uri, &headers, article_page(State(state.clone()), Path(id))).await
}

async fn article_page(State(state): State<AppState>, Path(id): Path<String>) -> PageResult {
    let lookup = id.clone();
    let found = state
        .read(move |db| {
            let Some(stored) = db.article(&lookup)? else { return Ok(None) };
            let event = match &stored.article.event {
                Some(e) => db.event(e)?,
                None => None,
            };
            Ok(Some((stored, event)))
        })
        .await?;
    let Some((stored, event)) = found else {
        return Err(ApiError::not_found(format!("No article with id {id}.")).into());
    };
    let title = stored.article.title.clone().unwrap_or_else(|| "Untitled article".into());
    Ok(Html(page(&title, "", &article_body(&stored, event.as_ref()))))
}

fn is_web_url(u: &str) -> bool {
    synoptic_ingest::fetch::is_url(u)
}

fn article_body(s: &StoredArticle, event: Option<&Event>) -> String {
    let a = &s.article;
    let mut o = String::new();
    if let Some(e) = event {
        let _ = writeln!(
            o,
            "<div class=\"meta\">Event: <a href=\"/events/{}\">{}</a></div>",
            url_component(&e.id),
            escape(title_or(&e.title, "Untitled event"))
        );
    }
    let _ = writeln!(o, "<h1>{}</h1>", escape(a.title.as_deref().unwrap_or("Untitled article")));
    let mut meta: Vec<String> = Vec::new();
    if let Some(x) = &a.outlet {
        meta.push(escape(x));
    }
    if let Some(x) = &a.author {
        meta.push(format!("by {}", escape(x)));
    }
    meta.push(time_el(a.published.as_ref()));
    if let Some(x) = &a.language {
        meta.push(format!("language {}", escape(x)));
    }
    if !a.credits.is_empty() {
        meta.push(format!("credits: {}", a.credits.iter().map(|c| escape(c)).collect::<Vec<_>>().join(", ")));
    }
    if let Some(orig) = &a.copy_of {
        meta.push(format!("copy of <a href=\"/articles/{}\">{}</a>", url_component(orig), escape(orig)));
    }
    match &a.url {
        Some(u) if is_web_url(u) => {
            meta.push(format!("<a href=\"{}\" rel=\"noopener nofollow\">original</a>", escape(u)))
        }
        _ => meta.push(format!("source {}", escape(&a.source))),
    }
    let _ = writeln!(o, "<div class=\"meta\">{}</div>", meta.join(" \u{00B7} "));
    o.push_str(
        "<p class=\"legend meta\"><span class=\"ann-ent\">entity</span><span class=\"ann-quote\">quote</span>\
         <span class=\"ann-fig\">figure</span></p>\n<div class=\"article-text\">\n",
    );
    o.push_str(&annotated_text(&a.text, &s.annotations));
    o.push_str("</div>\n");
    let ann = &s.annotations;
    if !ann.quotes.is_empty() {
        o.push_str("<h2>Quotes</h2>\n<ul>\n");
        for q in &ann.quotes {
            let _ = writeln!(
                o,
                "<li>\u{201C}{}\u{201D} <span class=\"meta\">\u{2014} {}</span></li>",
                escape(&q.text),
                escape(q.speaker.as_deref().unwrap_or("unattributed"))
            );
        }
        o.push_str("</ul>\n");
    }
    if !ann.figures.is_empty() {
        o.push_str("<h2>Figures</h2>\n<ul>\n");
        for f in &ann.figures {
            let _ = writeln!(o, "<li>{} <span class=\"meta\">{}</span></li>", escape(&f.text), escape(&f.about));
        }
        o.push_str("</ul>\n");
    }
    if !ann.entities.is_empty() {
        let mut names: Vec<(&str, &'static str)> = Vec::new();
        for en in &ann.entities {
            if !names.iter().any(|(n, _)| *n == en.canonical) {
                names.push((&en.canonical, kind_name(en.kind)));
            }
        }
        o.push_str("<h2>Entities</h2>\n<ul>\n");
        for (n, k) in names {
            let _ = writeln!(o, "<li>{} <span class=\"meta\">{}</span></li>", escape(n), k);
        }
        o.push_str("</ul>\n");
    }
    o
}

/// One highlighted range of the text.
struct Mark {
    span: Span,
    class: &'static str,
    title: String,
}

/// The article text as paragraphs, with every annotation span marked. Overlapping spans are cut into
/// segments, each carrying the classes and titles of every span that covers it.
pub fn annotated_text(text: &str, ann: &Annotations) -> String {
    let mut marks: Vec<Mark> = Vec::new();
    for e in &ann.entities {
        marks.push(Mark { span: e.span, class: "ann-ent", title: format!("{} ({})", e.canonical, kind_name(e.kind)) });
    }
    for q in &ann.quotes {
        let who = q.speaker.as_deref().unwrap_or("unattributed");
        marks.push(Mark { span: q.span, class: "ann-quote", title: format!("quote: {who}") });
    }
    for f in &ann.figures {
        marks.push(Mark { span: f.span, class: "ann-fig", title: format!("figure: {}", f.about) });
    }
    marks.retain(|m| !m.span.is_empty() && text.get(m.span.start..m.span.end).is_some());

    let mut o = String::with_capacity(text.len() * 2);
    let mut offset = 0usize;
    for para in text.split("\n\n") {
        let (p_start, p_end) = (offset, offset + para.len());
        offset = p_end + 2;
        if para.trim().is_empty() {
            continue;
        }
        let here: Vec<&Mark> = marks.iter().filter(|m| m.span.start < p_end && m.span.end > p_start).collect();
        let mut cuts = vec![p_start, p_end];
        for m in &here {
            cuts.push(m.span.start.clamp(p_start, p_end));
            cuts.push(m.span.end.clamp(p_start, p_end));
        }
        cuts.sort_unstable();
        cuts.dedup();
        o.push_str("<p>");
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let Some(seg) = text.get(a..b) else { continue };
            let seg = escape(seg).replace('\n', "<br>");
            let covering: Vec<&&Mark> = here.iter().filter(|m| m.span.start <= a && m.span.end >= b).collect();
            if covering.is_empty() {
                o.push_str(&seg);
                continue;
            }
            let mut classes: Vec<&str> = covering.iter().map(|m| m.class).collect();
            classes.dedup();
            let titles: Vec<&str> = covering.iter().map(|m| m.title.as_str()).collect();
            let _ = write!(
                o,
                "<span class=\"{}\" title=\"{}\">{seg}</span>",
                classes.join(" "),
                escape(&titles.join("; "))
            );
        }
        o.push_str("</p>\n");
    }
    o
}

// ---- search ----

#[derive(Debug, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
}

pub async fn search(
    State(state): State<AppState>,
    Query(p): Query<SearchParams>,
    uri: OriginalUri,
    headers: HeaderMap,
) -> Response {
    cached_page(&state, &uri, &headers, search_page(State(state.clone()), Query(p))).await
}

async fn search_page(State(state): State<AppState>, Query(p): Query<SearchParams>) -> PageResult {
    let q = p.q.trim().to_string();
    let mut o = String::from("<h1>Search</h1>\n");
    if q.is_empty() {
        o.push_str(
            "<p>Type words to find articles: all words must match, <code>\"a phrase\"</code> as a phrase, \
                    <code>word*</code> as a prefix.</p>",
        );
        return Ok(Html(page("Search", "", &o)));
    }
    let query = q.clone();
    let hits = state.read(move |db| db.search(&query, 50)).await?;
    let _ = writeln!(
        o,
        "<p class=\"meta\">{} for \u{201C}{}\u{201D}</p>",
        plural(hits.len(), "result", "results"),
        escape(&q)
    );
    o.push_str("<ul class=\"cards\">\n");
    for h in &hits {
        let _ = writeln!(
            o,
            "<li><h3><a href=\"/articles/{}\">{}</a></h3><div class=\"meta\">{}</div><p class=\"snippet\">{}</p></li>",
            url_component(&h.article),
            escape(h.title.as_deref().unwrap_or("Untitled article")),
            escape(h.outlet.as_deref().unwrap_or("")),
            snippet_html(&h.snippet)
        );
    }
    o.push_str("</ul>\n");
    Ok(Html(page(&format!("Search: {q}"), &q, &o)))
}

/// A search snippet (matched words in `[brackets]`) as HTML with the matches marked.
pub fn snippet_html(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 32);
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']') else { break };
        o.push_str(&escape(&rest[..open]));
        let _ = write!(o, "<mark>{}</mark>", escape(&rest[open + 1..open + close]));
        rest = &rest[open + close + 1..];
    }
    o.push_str(&escape(rest));
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use synoptic_model::{EntityKind, EntityMention, QuoteMention};

    #[test]
    fn passage_marks_the_claim_in_its_sentence() {
        let text = "First sentence here. The toll rose to 12 <b>people</b> on Monday. Last one.";
        let html = highlighted_passage(text, "12 <b>people</b>");
        assert_eq!(html, "The toll rose to <mark>12 &lt;b&gt;people&lt;/b&gt;</mark> on Monday.");
        assert_eq!(highlighted_passage(text, "absent words"), "<mark>absent words</mark>");
        // Multi-byte text never panics, whatever the offsets.
        let _ = highlighted_passage("é".repeat(400).as_str(), "é");
    }

    #[test]
    fn overlapping_annotations_become_segments() {
        let text = "Ann said \"we won\" today.\n\nSecond <i>para</i>.";
        let ann = Annotations {
            entities: vec![EntityMention {
                span: Span::new(0, 3),
                surface: "Ann".into(),
                canonical: "Ann Lee".into(),
                kind: EntityKind::Person,
            }],
            quotes: vec![QuoteMention {
                span: Span::new(10, 16),
                text: "we won".into(),
                speaker: Some("Ann Lee".into()),
                attribution: None,
            }],
            figures: vec![],
        };
        let html = annotated_text(text, &ann);
        assert!(html.starts_with("<p><span class=\"ann-ent\" title=\"Ann Lee (person)\">Ann</span> said &quot;"));
        assert!(html.contains("<span class=\"ann-quote\" title=\"quote: Ann Lee\">we won</span>"));
        assert!(html.contains("<p>Second &lt;i&gt;para&lt;/i&gt;.</p>"));
        // Spans off the end or inside a character are ignored.
        let bad = Annotations {
            entities: vec![EntityMention {
                span: Span::new(2, 999),
                surface: String::new(),
                canonical: String::new(),
                kind: EntityKind::Other,
            }],
            ..Annotations::default()
        };
        assert_eq!(annotated_text("é!", &bad), "<p>é!</p>\n");
    }

    #[test]
    fn snippets_mark_matches_and_escape() {
        assert_eq!(snippet_html("a [b] <c> [d"), "a <mark>b</mark> &lt;c&gt; [d");
    }
}
