//! Page metadata: title, site name, canonical URL, dates, author, language and description from `<meta>`
//! (names, OpenGraph, Dublin Core, itemprop), JSON-LD (`NewsArticle` and friends, including `@graph`),
//! `<link rel=canonical>`, `<html lang>`, `<time>`, `<h1>`, `<title>` and byline elements.
//!
//! Each field keeps the first value found in a fixed order of sources (the most specific first). JSON-LD
//! that browsers tolerate but JSON does not (raw newlines inside strings, HTML comment wrappers) is
//! repaired before parsing; JSON-LD that is still invalid is ignored.

use super::dom::{Dom, Kind, Tag, collapse_ws};
use serde_json::Value;

/// Metadata candidates by source; [`Meta::finish`] picks one per field.
#[derive(Debug, Default)]
pub(crate) struct Meta {
    pub og_title: Option<String>,
    pub ld_headline: Option<String>,
    pub h1: Option<String>,
    pub title_tag: Option<String>,
    pub meta_title: Option<String>,
    pub site: Vec<String>,
    pub url: Vec<String>,
    pub published: Vec<String>,
    pub modified: Vec<String>,
    pub author: Vec<String>,
    pub language: Vec<String>,
    pub description: Vec<String>,
    /// JSON-LD `articleBody` (plain text).
    pub article_body: Option<String>,
}

fn push(v: &mut Vec<String>, s: impl AsRef<str>) {
    let s = collapse_ws(s.as_ref());
    if !s.is_empty() {
        v.push(s);
    }
}

fn set(slot: &mut Option<String>, s: impl AsRef<str>) {
    if slot.is_none() {
        let s = collapse_ws(s.as_ref());
        if !s.is_empty() {
            *slot = Some(s);
        }
    }
}

/// Collects metadata candidates from the whole page.
pub(crate) fn collect(dom: &Dom<'_>) -> Meta {
    let mut m = Meta::default();
    // Sources in priority order are gathered into separate lists, then concatenated.
    let mut published_meta = Vec::new();
    let mut published_other = Vec::new();
    let mut published_time = Vec::new();
    let mut modified_meta = Vec::new();
    let mut author_meta = Vec::new();
    let mut author_page = Vec::new();
    let mut author_tagged = Vec::new();
    let mut lang_html = Vec::new();
    let mut lang_meta = Vec::new();
    let mut url_link = Vec::new();
    let mut url_og = Vec::new();
    let mut site_meta = Vec::new();
    let mut desc_meta = Vec::new();
    let mut ld = LdFields::default();

    for id in 1..dom.nodes.len() as u32 {
        let Kind::Element(tag) = dom.nodes[id as usize].kind else { continue };
        match tag {
            Tag::Html => {
                if let Some(l) = dom.attr(id, "lang").or_else(|| dom.attr(id, "xml:lang")) {
                    push(&mut lang_html, l);
                }
            }
            Tag::Title if m.title_tag.is_none() && !in_svg(dom, id) => {
                let mut t = String::new();
                dom.text_content(id, &mut t);
                set(&mut m.title_tag, t);
            }
            Tag::H1 if m.h1.is_none() => {
                let mut t = String::new();
                dom.text_content(id, &mut t);
                set(&mut m.h1, t);
            }
            Tag::Meta => {
                let key = dom
                    .attr(id, "property")
                    .or_else(|| dom.attr(id, "name"))
                    .or_else(|| dom.attr(id, "itemprop"))
                    .or_else(|| dom.attr(id, "http-equiv"));
                let (Some(key), Some(content)) = (key, dom.attr(id, "content")) else { continue };
                let key = key.trim().to_ascii_lowercase();
                match key.as_str() {
                    "og:title" => set(&mut m.og_title, &content),
                    "twitter:title" | "dc.title" | "headline" => set(&mut m.meta_title, &content),
                    "og:site_name" | "application-name" | "publisher" | "dc.publisher" => {
                        push(&mut site_meta, &content)
                    }
                    "og:url" | "twitter:url" => push(&mut url_og, &content),
                    "article:published_time" | "og:article:published_time" | "datepublished" => {
                        push(&mut published_meta, &content)
                    }
                    "pubdate"
                    | "publishdate"
                    | "publish-date"
                    | "publish_date"
                    | "date"
                    | "dc.date"
                    | "dc.date.issued"
                    | "dcterms.created"
                    | "dcterms.date"
                    | "sailthru.date"
                    | "parsely-pub-date"
                    | "article.published"
                    | "displaydate"
                    | "originalpublicationdate"
                    | "release_date" => push(&mut published_other, &content),
                    "article:modified_time"
                    | "og:updated_time"
                    | "datemodified"
                    | "last-modified"
                    | "dcterms.modified"
                    | "article.updated" => push(&mut modified_meta, &content),
                    "author" | "dc.creator" | "sailthru.author" | "parsely-author" | "byl" | "article:author"
                    // article:author is often a profile URL; only names are kept.
                    | "twitter:creator"
                        if !content.contains("://") && !content.starts_with('@') =>
                    {
                        push(&mut author_meta, strip_by(&content))
                    }
                    "og:locale" | "content-language" | "language" | "dc.language" | "inlanguage" => {
                        push(&mut lang_meta, &content)
                    }
                    "description" | "og:description" | "twitter:description" | "dc.description" => {
                        push(&mut desc_meta, &content)
                    }
                    _ => {}
                }
            }
            Tag::Link => {
                let rel = dom.attr(id, "rel").map(|r| r.to_ascii_lowercase()).unwrap_or_default();
                if let Some(h) = dom.attr(id, "href").filter(|_| rel.split_whitespace().any(|r| r == "canonical")) {
                    push(&mut url_link, h);
                }
            }
            Tag::Time => {
                if let Some(d) = dom.attr(id, "datetime") {
                    let pub_hint = dom.has_attr(id, "pubdate")
                        || dom.attr_raw(id, "itemprop").is_some_and(|p| p.eq_ignore_ascii_case("datePublished"));
                    if pub_hint { published_other.insert(0, collapse_ws(&d)) } else { push(&mut published_time, d) }
                }
            }
            Tag::Script => {
                let is_ld =
                    dom.attr_raw(id, "type").is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
                if is_ld {
                    let mut raw = String::new();
                    dom.text_content(id, &mut raw);
                    if let Some(v) = parse_json_ld(&raw) {
                        visit_ld(&v, &mut ld, 0);
                    }
                }
            }
            Tag::A | Tag::Span | Tag::Div | Tag::P | Tag::Address | Tag::Other => {
                let rel_author = dom.attr_raw(id, "rel").is_some_and(|r| r.eq_ignore_ascii_case("author"));
                let itemprop_author = dom.attr_raw(id, "itemprop").is_some_and(|r| r.eq_ignore_ascii_case("author"));
                let class_byline = dom.attr_raw(id, "class").is_some_and(|c| {
                    let c = c.to_ascii_lowercase();
                    c.contains("byline") || c.contains("author-name") || c.contains("authorname")
                });
                if rel_author || itemprop_author || class_byline {
                    let mut t = String::new();
                    dom.text_content(id, &mut t);
                    let t = strip_by(&t);
                    // Byline boxes often hold the date and share links too; only short, name-like text is kept.
                    let words = t.split_whitespace().count();
                    let name_like = words > 0 && words <= 8 && !t.chars().any(|c| c.is_ascii_digit());
                    if name_like {
                        if rel_author || itemprop_author {
                            push(&mut author_tagged, t);
                        } else {
                            push(&mut author_page, t);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    set(&mut m.ld_headline, ld.headline.as_deref().unwrap_or(""));
    m.article_body = ld.article_body.filter(|b| !b.trim().is_empty());
    m.site = [site_meta, ld.publisher.into_iter().collect(), ld.site_name.into_iter().collect()]
        .concat()
        .into_iter()
        .filter(|s| !s.contains("://") && !s.starts_with('@'))
        .collect();
    m.url = [url_link, url_og, ld.url.into_iter().collect()].concat();
    m.published = [published_meta, ld.published.into_iter().collect(), published_other, published_time]
        .concat()
        .into_iter()
        .filter(|d| plausible_date(d))
        .collect();
    m.modified =
        [modified_meta, ld.modified.into_iter().collect()].concat().into_iter().filter(|d| plausible_date(d)).collect();
    m.author = [ld.author.into_iter().collect(), author_meta, author_tagged, author_page]
        .concat()
        .into_iter()
        .map(|a| strip_by(&a))
        .filter(|a| !a.is_empty())
        .collect();
    m.language = [lang_html, ld.language.into_iter().collect(), lang_meta].concat();
    m.description = [desc_meta, ld.description.into_iter().collect()].concat();
    m
}

/// Rejects placeholder dates such as `0001-01-01T00:00:00Z` (a leading year before 1900).
fn plausible_date(d: &str) -> bool {
    match d.get(..4).and_then(|y| y.parse::<u32>().ok()) {
        Some(year) => year >= 1900,
        None => true,
    }
}

fn in_svg(dom: &Dom<'_>, id: u32) -> bool {
    let mut p = dom.nodes[id as usize].parent;
    while p != 0 && p != u32::MAX {
        if dom.tag(p) == Some(Tag::Svg) {
            return true;
        }
        p = dom.nodes[p as usize].parent;
    }
    false
}

/// "By Jane Doe" → "Jane Doe".
fn strip_by(s: &str) -> String {
    let t = s.trim();
    let rest = match t.get(..3) {
        Some(p) if p.eq_ignore_ascii_case("by ") => &t[3..],
        _ => t,
    };
    collapse_ws(rest)
}

#[derive(Default)]
struct LdFields {
    headline: Option<String>,
    article_body: Option<String>,
    published: Option<String>,
    modified: Option<String>,
    author: Option<String>,
    publisher: Option<String>,
    site_name: Option<String>,
    url: Option<String>,
    language: Option<String>,
    description: Option<String>,
}

/// Parses JSON-LD as lenient consumers do: raw control characters inside strings are escaped (a raw
/// newline stays a line break), and anything around the outermost braces (comment or CDATA wrappers) is
/// ignored.
fn parse_json_ld(raw: &str) -> Option<Value> {
    let start = raw.find(['{', '['])?;
    let end = raw.rfind(['}', ']'])?;
    if end < start {
        return None;
    }
    let mut body = String::with_capacity(end + 1 - start);
    let (mut in_string, mut escaped) = (false, false);
    for c in raw[start..=end].chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            } else if c.is_control() {
                match c {
                    '\n' => body.push_str("\\n"),
                    '\t' => body.push_str("\\t"),
                    _ => body.push(' '),
                }
                continue;
            }
        } else if c == '"' {
            in_string = true;
        }
        body.push(c);
    }
    serde_json::from_str(&body).ok()
}

fn str_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => a.iter().find_map(str_of),
        Value::Object(o) => o.get("@value").or_else(|| o.get("name")).and_then(str_of),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn names_of(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) if !s.contains("://") => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(names_of).collect(),
        Value::Object(o) => o.get("name").map(names_of).unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn is_article_type(v: &Value) -> bool {
    let check = |t: &str| t.ends_with("Article") || t.contains("Posting") || t == "Report" || t == "LiveBlogPosting";
    match v.get("@type") {
        Some(Value::String(t)) => check(t),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).any(check),
        _ => false,
    }
}

fn visit_ld(v: &Value, f: &mut LdFields, depth: usize) {
    if depth > 8 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| visit_ld(x, f, depth + 1)),
        Value::Object(o) => {
            if is_article_type(v) {
                let take = |slot: &mut Option<String>, key: &str| {
                    if slot.is_none() {
                        *slot = o.get(key).and_then(str_of).map(|s| collapse_ws(&s)).filter(|s| !s.is_empty());
                    }
                };
                take(&mut f.headline, "headline");
                take(&mut f.published, "datePublished");
                take(&mut f.modified, "dateModified");
                take(&mut f.language, "inLanguage");
                take(&mut f.description, "description");
                if f.headline.is_none() {
                    take(&mut f.headline, "name");
                }
                if f.article_body.is_none() {
                    f.article_body = o.get("articleBody").and_then(str_of);
                }
                if f.url.is_none() {
                    f.url = o
                        .get("url")
                        .and_then(str_of)
                        .or_else(|| o.get("mainEntityOfPage").and_then(|m| m.get("@id").and_then(str_of)))
                        .or_else(|| o.get("mainEntityOfPage").and_then(Value::as_str).map(str::to_string));
                }
                if f.author.is_none() {
                    let names = o.get("author").map(names_of).unwrap_or_default();
                    let names: Vec<String> = names.iter().map(|n| collapse_ws(n)).filter(|n| !n.is_empty()).collect();
                    if !names.is_empty() {
                        f.author = Some(names.join(", "));
                    }
                }
                if f.publisher.is_none() {
                    f.publisher = o.get("publisher").and_then(|p| p.get("name")).and_then(str_of);
                }
            } else if o.get("@type").and_then(Value::as_str) == Some("WebSite") && f.site_name.is_none() {
                f.site_name = o.get("name").and_then(str_of);
            }
            if let Some(g) = o.get("@graph") {
                visit_ld(g, f, depth + 1);
            }
            if let Some(m) = o.get("mainEntity") {
                visit_ld(m, f, depth + 1);
            }
        }
        _ => {}
    }
}

/// Resolves `href` against `base` (scheme-relative, root-relative and path-relative references).
pub(crate) fn resolve_url(href: &str, base: Option<&str>) -> String {
    let href = href.trim();
    if href.contains("://") || href.starts_with("data:") || href.starts_with("mailto:") {
        return href.to_string();
    }
    let Some(base) = base.filter(|b| b.contains("://")) else { return href.to_string() };
    let scheme_end = base.find("://").unwrap_or(0);
    if let Some(rest) = href.strip_prefix("//") {
        return format!("{}//{}", &base[..scheme_end + 1], rest);
    }
    let after = scheme_end + 3;
    let host_end = base[after..].find(['/', '?', '#']).map_or(base.len(), |i| after + i);
    let origin = &base[..host_end];
    if href.starts_with('/') {
        return format!("{origin}{href}");
    }
    if href.is_empty() {
        return base.to_string();
    }
    let path = &base[host_end..];
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let dir = if dir.is_empty() { "/" } else { dir };
    format!("{origin}{dir}{href}")
}

/// Removes a trailing or leading " | Site" part from a page title.
pub(crate) fn strip_site(title: &str, site: Option<&str>) -> String {
    const SEPS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " · ", " » "];
    let t = title.trim();
    if let Some(site) = site.map(str::trim).filter(|s| !s.is_empty()) {
        for sep in SEPS {
            if let Some(head) = t.strip_suffix(site).and_then(|h| h.strip_suffix(sep)) {
                return head.trim().to_string();
            }
            if let Some(tail) = t.strip_prefix(site).and_then(|h| h.strip_prefix(sep)) {
                return tail.trim().to_string();
            }
        }
    }
    t.to_string()
}

/// For `<title>` only: drops a short last segment after a separator, which is almost always the site.
pub(crate) fn strip_title_suffix(title: &str) -> String {
    for sep in [" | ", " - ", " – ", " — ", " :: ", " · ", " » "] {
        if let Some(i) = title.rfind(sep) {
            let (head, tail) = (&title[..i], &title[i + sep.len()..]);
            if tail.split_whitespace().count() <= 4 && head.split_whitespace().count() >= 3 {
                return head.trim().to_string();
            }
        }
    }
    title.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_with_raw_newlines_and_wrappers() {
        let raw = "<!--\n{\"@type\": \"NewsArticle\",\n \"articleBody\": \"one\nline\ttwo \\\"q\\\"\"}\n-->";
        let v = parse_json_ld(raw).unwrap_or_default();
        assert_eq!(v.get("articleBody").and_then(Value::as_str), Some("one\nline\ttwo \"q\""));
        assert!(parse_json_ld("not json").is_none());
        assert!(parse_json_ld("} {").is_none());
    }

    #[test]
    fn urls_resolve_against_the_page() {
        let base = Some("https://news.example/world/2030/story.html?x=1#top");
        let cases = [
            ("/a/b", "https://news.example/a/b"),
            ("//cdn.example/x", "https://cdn.example/x"),
            ("other.html", "https://news.example/world/2030/other.html"),
            ("http://else.example/", "http://else.example/"),
            ("", "https://news.example/world/2030/story.html?x=1#top"),
        ];
        for (href, want) in cases {
            assert_eq!(resolve_url(href, base), want, "href {href:?}");
        }
        assert_eq!(resolve_url("/a", None), "/a");
        assert_eq!(resolve_url("/a", Some("https://host.example")), "https://host.example/a");
    }

    #[test]
    fn site_names_are_stripped_from_titles() {
        assert_eq!(strip_site("Bridge reopens | The Courier", Some("The Courier")), "Bridge reopens");
        assert_eq!(strip_site("The Courier - Bridge reopens", Some("The Courier")), "Bridge reopens");
        assert_eq!(
            strip_title_suffix("Bridge reopens after long repairs - Courier Online"),
            "Bridge reopens after long repairs"
        );
        assert_eq!(strip_title_suffix("Yes - No"), "Yes - No");
        assert!(!plausible_date("0001-01-01T00:00:00Z"));
        assert!(plausible_date("2019-11-19"));
        assert!(plausible_date("Nov 19, 2019"));
    }
}
