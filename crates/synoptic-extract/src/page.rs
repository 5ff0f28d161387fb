//! One HTML page to one article: main content and metadata from [`crate::html::extract`], then the
//! news cleaning and finishing every reader shares.

use crate::{Article, Draft, dates, finish, html};

/// Read a decoded HTML page. `Err` holds the reason when it has no article text.
pub fn read(html_text: &str, source: &str, url: Option<&str>) -> Result<Article, String> {
    let ex = html::extract(html_text, url);
    finish(Draft {
        source: source.to_string(),
        title: ex.title,
        paragraphs: ex.paragraphs,
        url: ex.canonical_url.or_else(|| url.map(str::to_string)),
        outlet: ex.site_name,
        author: ex.author.filter(|a| !looks_like_url(a)),
        published: ex.published.as_deref().and_then(dates::parse),
        modified: ex.modified.as_deref().and_then(dates::parse),
        description: ex.description,
        declared_language: ex.language,
        credits: Vec::new(),
    })
}

/// Some pages put a profile URL where the author's name belongs.
fn looks_like_url(s: &str) -> bool {
    let s = s.trim();
    s.starts_with("http://") || s.starts_with("https://") || s.starts_with("www.")
}
