//! Feeds: RSS 2.0, RSS 1.0 (RDF), Atom and JSON Feed. One article per item, from the full content
//! (`content:encoded`, Atom `content`, `content_html`) when present, else the summary or description; item
//! HTML goes through fragment cleaning, not main-content scoring. The outlet is the feed's title.
//!
//! XML is read into a small tree with quick-xml, forgivingly: mismatched end tags are matched to the nearest
//! open element, and at a syntax error or the end of a truncated file the items already closed are still
//! read, while an item left open is reported as a problem.

use quick_xml::events::Event;
use serde_json::Value;

use crate::{Article, Draft, dates, finish, fragment};

type Results = Vec<(String, Result<Article, String>)>;

/// An XML element: lowercase qualified name (`content:encoded`), attributes, children, and its own text.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
    text: String,
    /// Closed by its end tag (false when the file ended or broke inside it).
    closed: bool,
    /// The first XML syntax error met inside it.
    error: Option<String>,
}

impl Node {
    fn local(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
    fn child_local(&self, local: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.local() == local)
    }
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    /// Text of this element and its descendants, in document order.
    fn all_text(&self) -> String {
        let mut s = self.text.clone();
        for c in &self.children {
            s.push_str(&c.all_text());
        }
        s
    }
    fn text_of(&self, name: &str) -> Option<String> {
        let t = self.child(name)?.all_text();
        let t = t.trim();
        (!t.is_empty()).then(|| t.to_string())
    }
}

/// Nesting kept in the tree; feeds need a handful of levels.
const MAX_DEPTH: usize = 64;

/// Parse XML into a tree; the second value is the syntax error met, if any.
fn parse_tree(text: &str) -> (Node, Option<String>) {
    let mut reader = quick_xml::Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    let mut stack: Vec<Node> = vec![Node { name: "#document".into(), closed: true, ..Node::default() }];
    let mut error = None;
    let (mut errors, mut last_error_at) = (0usize, None);
    loop {
        match reader.read_event() {
            // Deeper elements are flattened into their ancestor: the tree (and the recursion over it) stays
            // shallow on hostile input.
            Ok(Event::Start(_)) if stack.len() >= MAX_DEPTH => {}
            Ok(Event::Start(e)) => {
                let name = e.name().as_ref().to_ascii_lowercase();
                let attrs = e
                    .html_attributes()
                    .flatten()
                    .map(|a| (a.key.as_ref().to_ascii_lowercase(), crate::entities::decode(&a.value).into_owned()))
                    .collect();
                stack.push(Node { name, attrs, ..Node::default() });
            }
            Ok(Event::Empty(e)) => {
                let name = e.name().as_ref().to_ascii_lowercase();
                let attrs = e
                    .html_attributes()
                    .flatten()
                    .map(|a| (a.key.as_ref().to_ascii_lowercase(), crate::entities::decode(&a.value).into_owned()))
                    .collect();
                if let Some(top) = stack.last_mut() {
                    top.children.push(Node { name, attrs, closed: true, ..Node::default() });
                }
            }
            Ok(Event::End(e)) => {
                let name = e.name().as_ref().to_ascii_lowercase();
                // Close up to the nearest open element of that name; ignore a stray end tag.
                if let Some(pos) = stack.iter().rposition(|n| n.name == name).filter(|&p| p > 0) {
                    while stack.len() > pos {
                        let Some(mut node) = stack.pop() else { break };
                        node.closed = stack.len() == pos;
                        if let Some(parent) = stack.last_mut() {
                            parent.children.push(node);
                        }
                    }
                }
            }
            Ok(Event::Text(t)) => push_text(&mut stack, &t.xml10_content()),
            Ok(Event::CData(t)) => push_text(&mut stack, &t.into_inner()),
            Ok(Event::GeneralRef(r)) => {
                let s = crate::entities::decode(&format!("&{};", r.as_ref() as &str)).into_owned();
                push_text(&mut stack, &s);
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            // Keep going after a syntax error while the reader moves forward: one broken item should not
            // hide the items after it.
            Err(e) => {
                let pos = reader.buffer_position();
                let message = format!("malformed XML at byte {}: {e}", reader.error_position());
                // Charged to the innermost open item or entry when there is one, else to the whole feed.
                match stack.iter_mut().rev().find(|n| matches!(n.local(), "item" | "entry")) {
                    Some(item) => {
                        item.error.get_or_insert(message);
                    }
                    None => {
                        error.get_or_insert(message);
                    }
                }
                errors += 1;
                if errors > 100 || last_error_at == Some(pos) {
                    break;
                }
                last_error_at = Some(pos);
            }
        }
    }
    while stack.len() > 1 {
        let Some(node) = stack.pop() else { break };
        if let Some(parent) = stack.last_mut() {
            parent.children.push(node);
        }
    }
    (stack.pop().unwrap_or_default(), error)
}

/// Text goes into the innermost open element, except text directly in an Atom `xhtml` div, which is kept
/// in order by making it a text child.
fn push_text(stack: &mut [Node], s: &str) {
    if let Some(top) = stack.last_mut() {
        if top.children.is_empty() {
            top.text.push_str(s);
        } else {
            top.children.push(Node { name: "#text".into(), text: s.to_string(), closed: true, ..Node::default() });
        }
    }
}

/// Read an RSS 2.0, RSS 1.0 or Atom feed.
pub fn read_xml(text: &str, source: &str) -> Results {
    let text = escape_stray_lt(text);
    let (doc, error) = parse_tree(&text);
    let Some(root) = doc.children.iter().find(|c| !c.name.starts_with('#')) else {
        return vec![(source.to_string(), Err(error.unwrap_or_else(|| "no feed element".into())))];
    };
    let (channel, items): (Option<&Node>, Vec<&Node>) = match root.local() {
        "rss" => {
            let ch = root.child_local("channel");
            let items = ch.map(|c| c.children.iter().filter(|n| n.local() == "item").collect()).unwrap_or_default();
            (ch, items)
        }
        "rdf" => (root.child_local("channel"), root.children.iter().filter(|n| n.local() == "item").collect()),
        _ => (Some(root), root.children.iter().filter(|n| n.local() == "entry").collect()),
    };
    let atom = root.local() == "feed";
    let outlet = channel.and_then(|c| c.child_local("title")).map(|t| plain(&t.all_text())).filter(|t| !t.is_empty());
    let language = channel
        .and_then(|c| c.text_of("language").or_else(|| c.text_of("dc:language")))
        .or_else(|| root.attr("xml:lang").map(str::to_string));
    let mut out = Results::new();
    for (i, item) in items.iter().enumerate() {
        let name = format!("{source}#{}", i + 1);
        if let Some(e) = &item.error {
            out.push((name, Err(format!("item {}: {e}", i + 1))));
            continue;
        }
        if !item.closed {
            out.push((name, Err(format!("item {} is cut off (the feed ends inside it)", i + 1))));
            continue;
        }
        let r = if atom { atom_entry(item, &name) } else { rss_item(item, &name) };
        let r = r.map(|mut d| {
            d.outlet = outlet.clone();
            d.declared_language = d.declared_language.or_else(|| language.clone());
            d
        });
        out.push((name, r.and_then(finish)));
    }
    if let Some(e) = error
        && items.iter().all(|i| i.closed)
    {
        out.push((source.to_string(), Err(e)));
    }
    if items.is_empty() && out.is_empty() {
        out.push((source.to_string(), Err("feed has no items".into())));
    }
    out
}

/// A `<` that cannot start markup ("x < y", "<3") is text: escape it so the XML reader does not take the
/// rest of the item for a tag.
fn escape_stray_lt(text: &str) -> std::borrow::Cow<'_, str> {
    let stray = |rest: &str| !rest.starts_with(|c: char| c.is_alphabetic() || matches!(c, '/' | '!' | '?' | '_' | ':'));
    if !text.match_indices('<').any(|(i, _)| stray(&text[i + 1..])) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    for (i, _) in text.match_indices('<') {
        if stray(&text[i + 1..]) {
            out.push_str(&text[last..i]);
            out.push_str("&lt;");
            last = i + 1;
        }
    }
    out.push_str(&text[last..]);
    std::borrow::Cow::Owned(out)
}

/// Tags stripped and references decoded: for titles and names.
fn plain(s: &str) -> String {
    fragment::paragraphs(s).join(" ")
}

fn rss_item(item: &Node, source: &str) -> Result<Draft, String> {
    let full = item.text_of("content:encoded");
    let summary = item.text_of("description").or_else(|| item.text_of("dc:description"));
    let body = full.or(summary).ok_or("item has no content or description")?;
    let author =
        item.text_of("dc:creator").or_else(|| item.text_of("author")).map(|a| email_name(&a)).filter(|a| !a.is_empty());
    let date = item.text_of("pubdate").or_else(|| item.text_of("dc:date")).or_else(|| item.text_of("published"));
    Ok(Draft {
        source: source.to_string(),
        title: item.text_of("title").map(|t| plain(&t)),
        paragraphs: fragment::paragraphs(&body),
        url: item
            .text_of("link")
            .or_else(|| item.attr("rdf:about").map(str::to_string))
            .or_else(|| permalink_guid(item)),
        author,
        published: date.as_deref().and_then(dates::parse),
        declared_language: item.text_of("dc:language"),
        ..Draft::default()
    })
}

fn permalink_guid(item: &Node) -> Option<String> {
    let g = item.child("guid")?;
    let t = g.all_text();
    let t = t.trim();
    (g.attr("ispermalink") != Some("false") && t.starts_with("http")).then(|| t.to_string())
}

/// RSS `author` is often "email (Name)": keep the name.
fn email_name(a: &str) -> String {
    let a = plain(a);
    if let (Some(open), Some(close)) = (a.find('('), a.rfind(')'))
        && open < close
        && a[..open].contains('@')
    {
        return a[open + 1..close].trim().to_string();
    }
    a
}

fn atom_entry(entry: &Node, source: &str) -> Result<Draft, String> {
    let body_node = entry
        .child_local("content")
        .filter(|c| !c.all_text().trim().is_empty())
        .or_else(|| entry.child_local("summary"))
        .ok_or("entry has no content or summary")?;
    let paragraphs = atom_text(body_node);
    let url = entry
        .children
        .iter()
        .filter(|c| c.local() == "link")
        .find(|l| matches!(l.attr("rel"), None | Some("alternate")))
        .and_then(|l| l.attr("href"))
        .map(str::to_string);
    let author = entry.child_local("author").and_then(|a| a.text_of("name").or_else(|| a.text_of("atom:name")));
    let date = entry.child_local("published").or_else(|| entry.child_local("updated")).map(|d| d.all_text());
    let modified = entry.child_local("updated").map(|d| d.all_text());
    Ok(Draft {
        source: source.to_string(),
        title: entry.child_local("title").map(|t| plain(&t.all_text())),
        paragraphs,
        url,
        author,
        published: date.as_deref().and_then(dates::parse),
        modified: modified.as_deref().and_then(dates::parse),
        declared_language: entry.attr("xml:lang").map(str::to_string),
        ..Draft::default()
    })
}

/// Paragraphs of an Atom text construct: `text` (lines), `html` (escaped markup) or `xhtml` (inline markup).
fn atom_text(node: &Node) -> Vec<String> {
    match node.attr("type").unwrap_or("text") {
        "xhtml" => {
            let mut markup = String::new();
            to_markup(node, &mut markup, true);
            fragment::paragraphs(&markup)
        }
        t if t.contains("html") => fragment::paragraphs(&node.all_text()),
        _ => crate::split_paragraphs(node.all_text().trim()),
    }
}

/// Rebuild markup from a tree (for Atom xhtml content): tags and text, enough for [`fragment::paragraphs`].
fn to_markup(node: &Node, out: &mut String, root: bool) {
    let local = node.local().to_string();
    let element = !root && !node.name.starts_with('#');
    if element {
        out.push('<');
        out.push_str(&local);
        out.push('>');
    }
    out.push_str(&escape(&node.text));
    for c in &node.children {
        to_markup(c, out, false);
    }
    if element {
        out.push_str("</");
        out.push_str(&local);
        out.push('>');
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Read a JSON Feed (version 1 or 1.1).
pub fn read_json_feed(text: &str, source: &str) -> Results {
    let v: Value = match serde_json::from_str(text.trim_start_matches('\u{FEFF}')) {
        Ok(v) => v,
        Err(e) => return vec![(source.to_string(), Err(format!("invalid JSON Feed: {e}")))],
    };
    let outlet = v.get("title").and_then(Value::as_str).map(str::to_string);
    let language = v.get("language").and_then(Value::as_str).map(str::to_string);
    let feed_author = json_author(&v);
    let Some(items) = v.get("items").and_then(Value::as_array) else {
        return vec![(source.to_string(), Err("JSON Feed has no items".into()))];
    };
    let s = |item: &Value, k: &str| {
        item.get(k).and_then(Value::as_str).map(str::to_string).filter(|s| !s.trim().is_empty())
    };
    let mut out = Results::new();
    for (i, item) in items.iter().enumerate() {
        let name = format!("{source}#{}", i + 1);
        if !item.is_object() {
            out.push((name, Err(format!("item {} is not an object", i + 1))));
            continue;
        }
        let paragraphs = if let Some(h) = s(item, "content_html") {
            fragment::paragraphs(&h)
        } else if let Some(t) = s(item, "content_text") {
            crate::split_paragraphs(&t)
        } else if let Some(t) = s(item, "summary") {
            crate::split_paragraphs(&t)
        } else {
            out.push((name, Err(format!("item {} has no content", i + 1))));
            continue;
        };
        let draft = Draft {
            source: name.clone(),
            title: s(item, "title").map(|t| plain(&t)),
            paragraphs,
            url: s(item, "url").or_else(|| s(item, "external_url")),
            outlet: outlet.clone(),
            author: json_author(item).or_else(|| feed_author.clone()),
            published: s(item, "date_published").as_deref().and_then(dates::parse),
            modified: s(item, "date_modified").as_deref().and_then(dates::parse),
            description: s(item, "summary"),
            declared_language: s(item, "language").or_else(|| language.clone()),
            credits: Vec::new(),
        };
        out.push((name, finish(draft)));
    }
    if out.is_empty() {
        out.push((source.to_string(), Err("JSON Feed has no items".into())));
    }
    out
}

/// `authors: [{name}]` (1.1) or `author: {name}` (1.0).
fn json_author(v: &Value) -> Option<String> {
    let names: Vec<String> = match (v.get("authors"), v.get("author")) {
        (Some(Value::Array(list)), _) => {
            list.iter().filter_map(|a| a.get("name")?.as_str().map(str::to_string)).collect()
        }
        (_, Some(a)) => a.get("name").and_then(Value::as_str).map(str::to_string).into_iter().collect(),
        _ => Vec::new(),
    };
    (!names.is_empty()).then(|| names.join(", "))
}
