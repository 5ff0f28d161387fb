//! JSON Lines and JSON arrays of article records: `title`, `text` or `html`, `url`, `published`, `outlet`,
//! `author`, `language`; unknown fields are ignored and a record's own `id` is not the article id (the
//! content id is). A broken line or record is a problem of its own; the others are still read.

use serde_json::{Map, Value};

use crate::{Article, Draft, dates, finish, fragment, html, split_paragraphs};

type Results = Vec<(String, Result<Article, String>)>;

/// One record per non-blank line. A file that is one JSON object spread over lines is read as one record
/// (or, for a contract document with `articles`, as its articles).
pub fn read_json_lines(text: &str, source: &str) -> Results {
    let text = text.trim_start_matches('\u{FEFF}');
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let first_ok = lines.first().is_some_and(|l| serde_json::from_str::<Value>(l).is_ok());
    if !first_ok
        && lines.len() > 1
        && let Ok(v) = serde_json::from_str::<Value>(text)
    {
        return from_value(v, source);
    }
    let mut out = Results::new();
    for (i, line) in lines.iter().enumerate() {
        let name = format!("{source}#{}", i + 1);
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(m)) => out.push((name.clone(), record(&m, &name))),
            Ok(_) => out.push((name, Err(format!("line {}: not a JSON object", i + 1)))),
            Err(e) => out.push((name, Err(format!("line {}: invalid JSON: {e}", i + 1)))),
        }
    }
    out
}

/// A JSON array of records (or a contract document with `articles`).
pub fn read_json_array(text: &str, source: &str) -> Results {
    match serde_json::from_str::<Value>(text.trim_start_matches('\u{FEFF}')) {
        Ok(v) => from_value(v, source),
        Err(e) => vec![(source.to_string(), Err(format!("invalid JSON: {e}")))],
    }
}

fn from_value(v: Value, source: &str) -> Results {
    let items = match v {
        Value::Array(items) => items,
        Value::Object(mut m) => match m.remove("articles") {
            Some(Value::Array(items)) => items,
            _ => return vec![(format!("{source}#1"), record(&m, &format!("{source}#1")))],
        },
        _ => return vec![(source.to_string(), Err("JSON is neither a record nor a list of records".into()))],
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let name = format!("{source}#{}", i + 1);
            let r = match item {
                Value::Object(m) => record(m, &name),
                _ => Err(format!("record {}: not a JSON object", i + 1)),
            };
            (name, r)
        })
        .collect()
}

/// A string field (the first of `keys` present); numbers are taken as written.
fn field(m: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match m.get(*k)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// An author given as a string, a list of strings, or objects with `name`.
fn author(m: &Map<String, Value>) -> Option<String> {
    fn name(v: &Value) -> Option<String> {
        match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Object(o) => o.get("name").and_then(name),
            _ => None,
        }
    }
    let v = m.get("author").or_else(|| m.get("authors")).or_else(|| m.get("byline"))?;
    match v {
        Value::Array(list) => {
            let names: Vec<String> = list.iter().filter_map(name).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        v => name(v),
    }
}

/// One record to one article.
pub fn record(m: &Map<String, Value>, source: &str) -> Result<Article, String> {
    let mut title = field(m, &["title", "headline"]);
    let mut draft = Draft {
        source: source.to_string(),
        url: field(m, &["url", "link", "canonical_url"]),
        outlet: field(m, &["outlet", "site_name", "publisher"]),
        author: author(m),
        published: field(m, &["published", "date", "published_at", "datePublished", "pubDate"])
            .as_deref()
            .and_then(dates::parse),
        modified: field(m, &["modified", "updated", "dateModified"]).as_deref().and_then(dates::parse),
        description: field(m, &["description", "summary"]),
        declared_language: field(m, &["language", "lang"]),
        ..Draft::default()
    };
    if let Some(text) = field(m, &["text", "body", "content"]) {
        draft.paragraphs = split_paragraphs(&text);
    } else if let Some(markup) = field(m, &["html", "content_html"]) {
        if is_full_page(&markup) {
            let ex = html::extract(&markup, draft.url.as_deref());
            draft.paragraphs = ex.paragraphs;
            title = title.or(ex.title);
            draft.url = draft.url.or(ex.canonical_url);
            draft.outlet = draft.outlet.or(ex.site_name);
            draft.author = draft.author.or(ex.author);
            draft.published = draft.published.or_else(|| ex.published.as_deref().and_then(dates::parse));
            draft.declared_language = draft.declared_language.or(ex.language);
        } else {
            draft.paragraphs = fragment::paragraphs(&markup);
        }
    } else {
        return Err("record has no text or html".into());
    }
    draft.title = title;
    if let Some(credits) = m.get("credits").and_then(Value::as_array) {
        draft.credits = credits.iter().filter_map(Value::as_str).map(str::to_string).collect();
    }
    finish(draft)
}

fn is_full_page(markup: &str) -> bool {
    let head: String = markup.chars().take(2000).collect::<String>().to_ascii_lowercase();
    head.contains("<html") || head.contains("<body") || head.contains("<!doctype")
}
