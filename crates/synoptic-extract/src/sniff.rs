//! Which reader an input needs, told by its content first (root element, JSON shape, markup) and by the
//! file name's extension only when the content does not say.

/// The formats Synoptic reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Html,
    JsonLines,
    JsonArray,
    Rss2,
    Rss1,
    Atom,
    JsonFeed,
}

/// The format of decompressed `bytes`; `source` (a path or URL) is only a hint.
pub fn sniff(bytes: &[u8], source: &str) -> Format {
    let ext = extension(source);
    let head = &bytes[..bytes.len().min(8192)];
    let text = String::from_utf8_lossy(head);
    let body = text.trim_start_matches(['\u{FEFF}', '\u{FFFE}', '\0']).trim_start();
    if body.starts_with('<') {
        return match root_element(body).as_deref() {
            Some("rss") => Format::Rss2,
            Some("rdf:rdf" | "rdf") => Format::Rss1,
            Some("feed") => Format::Atom,
            Some(_) => Format::Html,
            None => match ext.as_str() {
                "rss" => Format::Rss2,
                "atom" => Format::Atom,
                _ => Format::Html,
            },
        };
    }
    if body.starts_with('{') {
        if body.contains("jsonfeed.org/version") {
            return Format::JsonFeed;
        }
        let first_line = body.lines().next().unwrap_or("");
        if serde_json::from_str::<serde_json::Value>(first_line).is_ok()
            || matches!(ext.as_str(), "jsonl" | "ndjson" | "json")
        {
            return Format::JsonLines;
        }
        // A whole-file JSON object spread over several lines.
        if bytes.len() <= 64 << 20 && serde_json::from_slice::<serde_json::Value>(bytes).is_ok() {
            return Format::JsonLines;
        }
        return Format::Text;
    }
    if let Some(inner) = body.strip_prefix('[') {
        let inner = inner.trim_start();
        if inner.starts_with('{') || inner.starts_with(']') || matches!(ext.as_str(), "json" | "jsonl" | "ndjson") {
            return Format::JsonArray;
        }
        return Format::Text;
    }
    match ext.as_str() {
        "html" | "htm" | "xhtml" | "shtml" if looks_like_markup(body) => Format::Html,
        _ if looks_like_html_document(body) => Format::Html,
        _ => Format::Text,
    }
}

fn extension(source: &str) -> String {
    let path = source.split(['?', '#']).next().unwrap_or(source);
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let name = name.strip_suffix(".gz").unwrap_or(name);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Name of the first element, skipping the XML declaration, processing instructions, comments and the
/// doctype. `None` when there is none in the head.
fn root_element(s: &str) -> Option<String> {
    let mut rest = s;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("<?") {
            rest = &r[r.find("?>")? + 2..];
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = &r[r.find("-->")? + 3..];
        } else if rest.starts_with("<!") {
            rest = &rest[rest.find('>')? + 1..];
        } else if let Some(r) = rest.strip_prefix('<') {
            let end = r.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(r.len());
            let name = r[..end].to_ascii_lowercase();
            return (!name.is_empty()).then_some(name);
        } else {
            return None;
        }
    }
}

fn looks_like_markup(body: &str) -> bool {
    body.contains('<') && body.contains('>')
}

/// Text that does not start with `<` but is an HTML document anyway (leading junk before the doctype).
fn looks_like_html_document(body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    lower.contains("<html") || lower.contains("<!doctype html") || (lower.contains("<body") && lower.contains("</p>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_content_then_extension() {
        for (bytes, source, want) in [
            ("<?xml version=\"1.0\"?>\n<!-- c --><rss version=\"2.0\">", "x.txt", Format::Rss2),
            ("<rdf:RDF xmlns=\"http://purl.org/rss/1.0/\">", "feed", Format::Rss1),
            ("\u{FEFF}<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">", "a.xml", Format::Atom),
            ("<!DOCTYPE html><html><body><p>x</p>", "page.xml", Format::Html),
            ("<p>fragment</p>", "a.txt", Format::Html),
            ("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}", "f", Format::JsonFeed),
            ("{\"title\": \"a\"}\n{\"title\": \"b\"}\n", "x", Format::JsonLines),
            ("{broken\n{\"a\":1}", "x.jsonl", Format::JsonLines),
            ("[{\"title\": \"a\"}]", "x", Format::JsonArray),
            ("[Updated] Title\n\nBody.", "x.txt", Format::Text),
            ("Plain title\n\nBody text.", "page.html", Format::Text),
            ("junk\n<!DOCTYPE html><html>", "x", Format::Html),
            ("", "x.json", Format::Text),
        ] {
            assert_eq!(sniff(bytes.as_bytes(), source), want, "{bytes:?}");
        }
    }
}
