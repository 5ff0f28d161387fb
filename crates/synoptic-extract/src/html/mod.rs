//! HTML main-content extraction: the article body and its metadata from a whole web page.
//!
//! Pipeline: `parse` builds a compact DOM with browser-like recovery; `meta` reads metadata from
//! `<meta>`, OpenGraph, JSON-LD and the page; `content` finds the main article node by text density, link
//! density and semantic hints, removes boilerplate blocks and emits paragraphs in order.
//!
//! Why our own parser rather than html5ever: the budget is 500 pages/s (~90 MB/s) on one core for the
//! whole extraction, and html5ever's tokenizer alone, without building a tree, measured 34–86 MB/s on the
//! benchmark pages on the shared build machine. `parse` follows the browser rules that matter for text
//! (see its tests) and the whole `extract` runs at roughly 330–420 MB/s of CPU time
//! (`cargo run --release -p synoptic-extract --example extract_speed`).

mod content;
mod dom;
mod entities;
mod meta;
mod parse;

/// What [`extract`] finds in one page; every field is optional because real pages omit any of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    /// og:title / JSON-LD headline / `<h1>` / `<title>` minus " | Site".
    pub title: Option<String>,
    /// Main-text blocks in order: paragraphs, list items, sub-headings, blockquotes.
    pub paragraphs: Vec<String>,
    /// `<link rel=canonical>`, og:url, JSON-LD url (resolved against the page URL).
    pub canonical_url: Option<String>,
    /// og:site_name, JSON-LD publisher.name, application-name.
    pub site_name: Option<String>,
    /// Raw string as found (article:published_time, JSON-LD datePublished, `<time>`, ...).
    pub published: Option<String>,
    /// Raw string as found.
    pub modified: Option<String>,
    /// meta author, JSON-LD author.name, rel=author, byline elements.
    pub author: Option<String>,
    /// `<html lang>`, og:locale, content-language (raw).
    pub language: Option<String>,
    pub description: Option<String>,
}

/// Extracts the main text and metadata of a page. Never panics, on any input.
pub fn extract(html: &str, page_url: Option<&str>) -> Extracted {
    let dom = parse::parse(html);
    let m = meta::collect(&dom);
    let site_name = m.site.first().cloned();
    let site = site_name.as_deref();
    let title = m
        .og_title
        .as_deref()
        .or(m.ld_headline.as_deref())
        .map(|t| meta::strip_site(t, site))
        .or_else(|| m.h1.clone())
        .or_else(|| m.title_tag.as_deref().map(|t| meta::strip_title_suffix(&meta::strip_site(t, site))))
        .or_else(|| m.meta_title.clone())
        .filter(|t| !t.is_empty());
    let hint = m.article_body.as_deref().map(|b| {
        if b.contains('<') {
            let inner = parse::parse(b);
            let mut t = String::new();
            inner.text_content(0, &mut t);
            t
        } else {
            b.to_string()
        }
    });
    let title_tag = m.title_tag.as_deref().map(|t| meta::strip_title_suffix(&meta::strip_site(t, site)));
    let titles: Vec<&str> = [title.as_deref(), m.h1.as_deref(), m.og_title.as_deref(), title_tag.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let mut found = content::main_text(&dom, hint.as_deref(), &titles, content::Options { class_rules: true });
    let chars: usize = found.paragraphs.iter().map(|p| p.len()).sum();
    // Class names are a guess: when they left little, or removed more than a third of the page's paragraph
    // text (a layout class such as `*-widget` or `*-embed` on every block of the article), the page is read
    // again without them, except the names of reader comments (a thread may well outweigh a short post),
    // and the second answer wins when it is more than twice as long.
    if (chars < 250 || found.name_share * 3.0 > 1.0) && found.class_rules_applied {
        let relaxed = content::main_text(&dom, hint.as_deref(), &titles, content::Options { class_rules: false });
        let relaxed_chars: usize = relaxed.paragraphs.iter().map(|p| p.len()).sum();
        if relaxed_chars > chars * 2 {
            found = relaxed;
        }
    }
    // Pages rendered by scripts carry the article only in JSON-LD: when the page text holds far less than
    // the publisher's own `articleBody`, that body is the better answer.
    let mut paragraphs = found.paragraphs;
    if let Some(hint) = hint.as_deref() {
        let hint_words = hint.split_whitespace().count();
        let found_words: usize = paragraphs.iter().map(|p| p.split_whitespace().count()).sum();
        if (hint_words >= 50 && found_words * 10 < hint_words * 3) || (found_words == 0 && hint_words > 0) {
            paragraphs = hint.split('\n').map(dom::collapse_ws).filter(|p| !p.is_empty()).collect();
        }
    }
    Extracted {
        title,
        paragraphs,
        canonical_url: m.url.first().map(|u| meta::resolve_url(u, page_url)),
        site_name,
        published: m.published.first().cloned(),
        modified: m.modified.first().cloned(),
        author: m.author.first().cloned(),
        language: m.language.first().cloned(),
        description: m.description.first().cloned(),
    }
}
