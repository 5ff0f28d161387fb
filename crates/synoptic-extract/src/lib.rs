//! Bytes in, clean [`Article`]s out: format sniffing, plain text, HTML main-content extraction, JSON Lines,
//! feeds, boilerplate removal, metadata. Pure: no IO (callers hand in bytes and the name of the input).
//!
//! Invariants: reading never panics on any input; per-input problems come back as data
//! ([`ReadOutcome::problems`]), not as a failure of the whole run. Every article that comes out went through
//! the same finishing step ([`clean`], NFC, language, content id computed after cleaning), whatever its
//! format.
//!
//! Pipeline of [`read`]: size cap -> gzip (capped) -> binary check -> [`sniff`] -> decode ([`decode`]) ->
//! one reader ([`plain`], [`page`], [`records`], [`feed`]) -> finishing.

pub mod clean;
pub mod dates;
pub mod decode;
pub mod entities;
pub mod eval;
pub mod feed;
pub mod fragment;
pub mod html;
pub mod lang;
pub mod page;
pub mod plain;
pub mod records;
pub mod sniff;

pub use sniff::{Format, sniff};
pub use synoptic_model::Article;
use synoptic_model::Timestamp;

/// One input: its name (path as given, URL, or `-`), its bytes, and what the transport said about them.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub source: &'a str,
    pub bytes: &'a [u8],
    /// HTTP `Content-Type`, when the bytes came over HTTP (its charset is used).
    pub content_type: Option<&'a str>,
    /// The URL the bytes came from (resolves relative links, fallback for the article URL).
    pub url: Option<&'a str>,
}

/// Limits for [`read`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Largest input accepted, and largest gzip output produced. Default 16 MiB.
    pub max_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { max_bytes: 16 << 20 }
    }
}

/// What reading one input gave: the articles, and one problem per thing that could not be read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadOutcome {
    pub articles: Vec<Article>,
    pub problems: Vec<Problem>,
}

/// Something in one input that could not be read. Printed as one line: `<source>: <reason>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub source: String,
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.source, self.reason)
    }
}

impl ReadOutcome {
    fn problem(source: &str, reason: impl Into<String>) -> ReadOutcome {
        ReadOutcome {
            articles: Vec::new(),
            problems: vec![Problem { source: source.to_string(), reason: reason.into() }],
        }
    }
}

/// Read one input into articles: gzip is undone, the format sniffed, the text decoded and each article
/// cleaned. Never panics.
pub fn read(input: &Input, opts: &ReadOptions) -> ReadOutcome {
    let source = input.source;
    if input.bytes.len() > opts.max_bytes {
        return ReadOutcome::problem(
            source,
            decode::DecodeError::TooLarge { size: input.bytes.len(), limit: opts.max_bytes }.to_string(),
        );
    }
    let mut unzipped = None;
    if decode::is_gzip(input.bytes) {
        match decode::gunzip(input.bytes, opts.max_bytes) {
            Ok(b) => unzipped = Some(b),
            Err(e) => return ReadOutcome::problem(source, e.to_string()),
        }
    }
    let bytes = unzipped.as_deref().unwrap_or(input.bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return ReadOutcome::problem(source, "empty");
    }
    if decode::looks_binary(bytes) {
        return ReadOutcome::problem(source, "binary file");
    }
    // Decompressed bytes are ours: valid UTF-8 becomes the text without a copy.
    let text = match unzipped {
        Some(owned) => decode::into_text(owned, input.content_type),
        None => decode::to_text(bytes, input.content_type),
    };
    if looks_undecodable(&text) {
        return ReadOutcome::problem(source, "binary file");
    }
    // Sniffed on the decoded text, so UTF-16 input is recognised too.
    let format = sniff(text.as_bytes(), source);
    let results: Vec<(String, Result<Article, String>)> = match format {
        Format::Text => vec![(source.to_string(), read_plain_text(&text, source))],
        Format::Html => vec![(source.to_string(), page::read(&text, source, input.url))],
        Format::JsonLines => records::read_json_lines(&text, source),
        Format::JsonArray => records::read_json_array(&text, source),
        Format::Rss2 | Format::Rss1 | Format::Atom => feed::read_xml(&text, source),
        Format::JsonFeed => feed::read_json_feed(&text, source),
    };
    let mut out = ReadOutcome::default();
    for (src, r) in results {
        match r {
            Ok(a) => out.articles.push(a),
            Err(reason) => out.problems.push(Problem { source: src, reason }),
        }
    }
    if out.articles.is_empty() && out.problems.is_empty() {
        out.problems.push(Problem { source: source.to_string(), reason: "no article text found".into() });
    }
    out
}

/// More than a tenth of the text is replacement characters or control characters: not text.
fn looks_undecodable(text: &str) -> bool {
    let (mut total, mut bad) = (0usize, 0usize);
    for c in text.chars().take(20_000) {
        total += 1;
        bad += usize::from(c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{0C}')));
    }
    bad * 10 > total.max(1)
}

/// Read one HTML page (any encoding; gzip is not undone here). `None` when it holds no article text.
pub fn read_html(html_bytes: &[u8], source: &str, url: Option<&str>) -> Option<Article> {
    let bytes = if decode::is_gzip(html_bytes) {
        decode::gunzip(html_bytes, ReadOptions::default().max_bytes).ok()?
    } else {
        html_bytes.to_vec()
    };
    let text = decode::to_text(&bytes, None);
    page::read(&text, source, url).ok()
}

fn read_plain_text(text: &str, source: &str) -> Result<Article, String> {
    let parsed = plain::parse(text);
    finish(Draft {
        source: source.to_string(),
        title: parsed.title,
        paragraphs: parsed.paragraphs,
        description: parsed.description,
        published: parsed.published,
        ..Draft::default()
    })
}

/// Clean an article that came from elsewhere (a store, an API): the body goes through the same cleaning
/// rules, title and text are NFC-normalised, author, credits and language are filled when unknown, and the
/// id is recomputed. An article whose whole body is boilerplate is left with an empty `text`.
pub fn clean_article(article: &mut Article) {
    let paragraphs = split_paragraphs(&article.text);
    article.title = article.title.as_deref().map(clean::tidy).filter(|t| !t.is_empty());
    let cleaned = clean::clean_paragraphs(paragraphs, article.title.as_deref());
    article.text = cleaned.paragraphs.join("\n\n");
    if article.author.as_deref().is_none_or(|a| a.trim().is_empty()) {
        article.author = cleaned.author;
    }
    for c in cleaned.credits {
        if !article.credits.contains(&c) {
            article.credits.push(c);
        }
    }
    article.language = lang::language(&article.text, article.language.as_deref());
    article.refresh_id();
}

/// Paragraphs of a body given as one string: blank-line separated, or line separated when it has no blank
/// lines.
pub(crate) fn split_paragraphs(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n");
    let blank_separated = text.split('\n').any(|l| l.trim().is_empty());
    if blank_separated {
        let mut out = Vec::new();
        let mut cur: Vec<&str> = Vec::new();
        for line in text.split('\n') {
            if line.trim().is_empty() {
                if !cur.is_empty() {
                    out.push(cur.join("\n"));
                    cur.clear();
                }
            } else {
                cur.push(line);
            }
        }
        if !cur.is_empty() {
            out.push(cur.join("\n"));
        }
        out
    } else {
        text.split('\n').map(str::to_string).collect()
    }
}

/// An article before finishing: what a reader found.
#[derive(Debug, Clone, Default)]
pub(crate) struct Draft {
    pub source: String,
    pub title: Option<String>,
    pub paragraphs: Vec<String>,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub author: Option<String>,
    pub published: Option<Timestamp>,
    pub modified: Option<Timestamp>,
    pub description: Option<String>,
    pub declared_language: Option<String>,
    pub credits: Vec<String>,
}

/// Bodies with fewer words than this are flagged [`synoptic_model::ArticleExtra::short`].
pub const SHORT_WORDS: usize = 15;

/// The finishing step every reader ends with: cleaning, NFC, language, credits, content id.
pub(crate) fn finish(d: Draft) -> Result<Article, String> {
    let nonempty = |s: Option<String>| s.map(|s| clean::tidy(&s)).filter(|s| !s.is_empty());
    let title = nonempty(d.title).map(|t| t.replace('\n', " "));
    // A body that cleaning empties (one line that repeats the title, a lone short sentence the rules took
    // for a label) is still the article: it is kept as it came, tidied, and flagged short.
    let raw: Vec<String> = d.paragraphs.iter().map(|p| clean::tidy(p)).filter(|p| !p.is_empty()).collect();
    let mut cleaned = clean::clean_paragraphs(d.paragraphs, title.as_deref());
    let mut short = false;
    if cleaned.paragraphs.is_empty() {
        if raw.is_empty() {
            return Err("no article text found".into());
        }
        cleaned.paragraphs = raw;
        short = true;
    }
    let text = cleaned.paragraphs.join("\n\n");
    short |= text.split_whitespace().count() < SHORT_WORDS;
    let mut a = Article::new(d.source, title, text);
    a.extra.short = short;
    a.url = nonempty(d.url);
    a.outlet = nonempty(d.outlet);
    a.author = nonempty(d.author).or(cleaned.author);
    a.published = d.published;
    a.extra.modified = d.modified;
    a.extra.description = nonempty(d.description);
    a.language = lang::language(&a.text, d.declared_language.as_deref());
    for c in d.credits.into_iter().chain(cleaned.credits) {
        if !a.credits.contains(&c) {
            a.credits.push(c);
        }
    }
    Ok(a)
}
