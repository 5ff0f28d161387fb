//! HTML fragments (feed item content, a record's `html` field) to paragraphs: block tags break paragraphs,
//! inline tags are dropped, character references decoded; scripts, styles and figures (pictures and their
//! captions) are skipped. No main-content scoring: a fragment is all content.

/// Paragraphs of an HTML fragment, in order, whitespace collapsed.
pub fn paragraphs(html: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut skip_depth: Vec<String> = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if skip_depth.is_empty() {
                cur.push_str(rest);
            }
            break;
        };
        if skip_depth.is_empty() {
            cur.push_str(&rest[..lt]);
        }
        rest = &rest[lt..];
        if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.find("-->").map_or("", |e| &r[e + 3..]);
            continue;
        }
        if let Some(r) = rest.strip_prefix("<![CDATA[") {
            let end = r.find("]]>").unwrap_or(r.len());
            if skip_depth.is_empty() {
                cur.push_str(&r[..end]);
            }
            rest = r.get(end + 3..).unwrap_or("");
            continue;
        }
        let after = &rest[1..];
        let closing = after.starts_with('/');
        let name_src = after.trim_start_matches('/');
        let name_len =
            name_src.find(|c: char| !(c.is_ascii_alphanumeric() || c == ':' || c == '-')).unwrap_or(name_src.len());
        if name_len == 0 || !name_src.starts_with(|c: char| c.is_ascii_alphabetic()) {
            // A stray '<' is text.
            if skip_depth.is_empty() {
                cur.push('<');
            }
            rest = after;
            continue;
        }
        let name = name_src[..name_len].to_ascii_lowercase();
        let end = tag_end(rest);
        let self_closing = rest[..end].ends_with("/>");
        rest = rest.get(end..).unwrap_or("");
        if let Some(top) = skip_depth.last() {
            if closing && *top == name {
                skip_depth.pop();
            } else if !closing && !self_closing && is_skipped(&name) {
                skip_depth.push(name);
            }
            continue;
        }
        if !closing && !self_closing && is_skipped(&name) {
            skip_depth.push(name);
            continue;
        }
        if is_block(&name) {
            flush(&mut cur, &mut out);
        } else if !closing && is_spacing_inline(&name) {
            cur.push(' ');
        }
    }
    flush(&mut cur, &mut out);
    out
}

/// Index just past the `>` closing the tag that starts `s` (quotes respected), or the end of `s`.
fn tag_end(s: &str) -> usize {
    let mut quote: Option<u8> = None;
    for (i, &b) in s.as_bytes().iter().enumerate().skip(1) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return i + 1,
            None => {}
        }
    }
    s.len()
}

fn flush(cur: &mut String, out: &mut Vec<String>) {
    let decoded = crate::entities::decode(cur);
    let text = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    if !text.is_empty() {
        out.push(text);
    }
    cur.clear();
}

fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "iframe"
            | "object"
            | "svg"
            | "figure"
            | "figcaption"
            | "button"
            | "form"
            | "select"
            | "textarea"
            | "nav"
            | "aside"
            | "video"
            | "audio"
            | "picture"
            | "math"
    )
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "pre"
            | "table"
            | "tr"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "hr"
            | "main"
            | "address"
            | "center"
            | "body"
            | "html"
            | "head"
            | "title"
    )
}

fn is_spacing_inline(name: &str) -> bool {
    matches!(name, "td" | "th" | "img" | "wbr")
}

#[cfg(test)]
mod tests {
    use super::paragraphs;

    #[test]
    fn fragments() {
        for (input, want) in [
            ("<p>One &amp; <b>two</b>.</p><p>Three</p>", vec!["One & two.", "Three"]),
            ("Plain text only", vec!["Plain text only"]),
            ("First<br>Second<br/>Third", vec!["First", "Second", "Third"]),
            ("<figure><img src=x><figcaption>A caption</figcaption></figure><p>Body</p>", vec!["Body"]),
            ("<script>var a = '<p>';</script><p>x < y</p>", vec!["x < y"]),
            ("<p title=\"a>b\">Quoted attr</p><!-- c --><![CDATA[raw]]>", vec!["Quoted attr", "raw"]),
            ("<p>unclosed <b>bold", vec!["unclosed bold"]),
            ("<", vec!["<"]),
        ] {
            assert_eq!(paragraphs(input), want, "{input}");
        }
    }
}
