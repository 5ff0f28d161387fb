//! A fast, forgiving HTML tokenizer and tree builder that follows the browser rules that matter for text:
//! raw-text elements (script, style, textarea, title, ...), comments, doctype, CDATA and processing
//! instructions as bogus comments, void elements, implied end tags (p, li, dt, dd, tr, td, th, option,
//! headings), unclosed and stray end tags, misnested inline tags, unquoted attributes.
//!
//! Design: one pass over the bytes with `memchr`; text and attribute values stay ranges of the source.
//! Invariants: never panics, linear time — the open-element stack is capped at [`MAX_DEPTH`] (deeper
//! elements become children of the deepest open one, as in browsers), so end-tag searches are bounded.

use super::dom::{Attr, Dom, Kind, NONE, Node, Tag};

/// Maximum depth of open elements (Blink uses 512 too).
pub(crate) const MAX_DEPTH: usize = 512;

const TAG_COUNT: usize = Tag::Other as usize + 1;

/// Parses a whole page. Inputs longer than `u32::MAX` bytes are cut at a character boundary.
pub(crate) fn parse(src: &str) -> Dom<'_> {
    let mut cut = src.len().min(u32::MAX as usize - 1);
    while !src.is_char_boundary(cut) {
        cut -= 1;
    }
    let src = &src[..cut];
    let mut b = Builder { dom: Dom::new(src), stack: vec![0], open: [0; TAG_COUNT], pos: 0 };
    b.dom.nodes.reserve(src.len() / 60);
    b.run();
    b.dom
}

struct Builder<'a> {
    dom: Dom<'a>,
    /// Open elements; index 0 is the root.
    stack: Vec<u32>,
    /// How many elements of each tag are on `stack`: searches for a tag that is not open are skipped, so
    /// a page of thousands of nested elements does not pay a stack walk per tag.
    open: [u32; TAG_COUNT],
    pos: usize,
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

impl<'a> Builder<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.dom.src.as_bytes()
    }

    fn run(&mut self) {
        let bytes = self.bytes();
        let len = bytes.len();
        let mut text_start = 0;
        while self.pos < len {
            let Some(off) = memchr::memchr(b'<', &bytes[self.pos..]) else {
                self.pos = len;
                break;
            };
            let lt = self.pos + off;
            let next = bytes.get(lt + 1).copied().unwrap_or(0);
            let kind = match next {
                c if c.is_ascii_alphabetic() => 1,
                b'/' => 2,
                b'!' | b'?' => 3,
                _ => 0,
            };
            if kind == 0 {
                self.pos = lt + 1;
                continue;
            }
            self.text(text_start, lt);
            match kind {
                1 => self.start_tag(lt + 1),
                2 => self.end_tag(lt + 2),
                _ => self.markup_declaration(lt),
            }
            text_start = self.pos;
        }
        self.text(text_start, len);
    }

    fn current(&self) -> u32 {
        *self.stack.last().unwrap_or(&0)
    }

    fn text(&mut self, start: usize, end: usize) {
        if start >= end {
            return;
        }
        let raw = &self.bytes()[start..end];
        let refs = memchr::memchr(b'&', raw).is_some();
        let parent = self.current();
        // Extend the previous text node when the two are adjacent in the source.
        let last = self.dom.nodes[parent as usize].last_child;
        if last != NONE {
            let n = &mut self.dom.nodes[last as usize];
            let adjacent = n.end as usize == start;
            match n.kind {
                Kind::Text(r) if adjacent => {
                    n.end = end as u32;
                    n.kind = Kind::Text(r || refs);
                    return;
                }
                _ => {}
            }
        }
        self.dom.append(parent, leaf(Kind::Text(refs), start, end));
    }

    /// `<!-- comment -->`, `<!DOCTYPE ...>`, `<![CDATA[...]]>`, `<?...>`: all skipped.
    fn markup_declaration(&mut self, lt: usize) {
        let bytes = self.bytes();
        let rest = &bytes[lt..];
        if rest.starts_with(b"<!--") {
            let body = lt + 4;
            // `<!-->` and `<!--->` are complete (empty) comments.
            if bytes.get(body) == Some(&b'>') {
                self.pos = body + 1;
                return;
            }
            if bytes.get(body..body + 2) == Some(b"->") {
                self.pos = body + 2;
                return;
            }
            self.pos = match memchr::memmem::find(&bytes[body..], b"-->") {
                Some(i) => body + i + 3,
                None => bytes.len(),
            };
            return;
        }
        if rest.len() >= 9 && rest[..9].eq_ignore_ascii_case(b"<![CDATA[") {
            self.pos = match memchr::memmem::find(&bytes[lt + 9..], b"]]>") {
                Some(i) => lt + 9 + i + 3,
                None => bytes.len(),
            };
            return;
        }
        self.pos = match memchr::memchr(b'>', &bytes[lt + 2..]) {
            Some(i) => lt + 2 + i + 1,
            None => bytes.len(),
        };
    }

    /// Reads a tag name at `at`; returns its end and its lowercased [`Tag`].
    fn tag_name(&self, at: usize) -> (usize, Tag) {
        let bytes = self.bytes();
        let mut end = at;
        while end < bytes.len() && !is_ws(bytes[end]) && bytes[end] != b'/' && bytes[end] != b'>' {
            end += 1;
        }
        let raw = &bytes[at..end];
        let mut buf = [0u8; 12];
        let tag = if raw.len() <= buf.len() {
            for (d, s) in buf.iter_mut().zip(raw) {
                *d = s.to_ascii_lowercase();
            }
            Tag::from_lower(&buf[..raw.len()])
        } else {
            Tag::Other
        };
        (end, tag)
    }

    fn start_tag(&mut self, at: usize) {
        let (name_end, tag) = self.tag_name(at);
        let bytes = self.bytes();
        let len = bytes.len();
        let attr_start = self.dom.attrs.len();
        let mut i = name_end;
        let mut self_closing = false;
        let mut closed = false;
        loop {
            while i < len && (is_ws(bytes[i]) || bytes[i] == b'/') {
                self_closing = bytes[i] == b'/';
                i += 1;
            }
            if i >= len {
                break;
            }
            if bytes[i] == b'>' {
                i += 1;
                closed = true;
                break;
            }
            self_closing = false;
            let name_start = i;
            i += 1; // the first character may be anything, even `=`
            while i < len && !is_ws(bytes[i]) && !matches!(bytes[i], b'/' | b'>' | b'=') {
                i += 1;
            }
            let name = (name_start as u32, i as u32);
            let mut j = i;
            while j < len && is_ws(bytes[j]) {
                j += 1;
            }
            let mut value = (i as u32, i as u32);
            if j < len && bytes[j] == b'=' {
                j += 1;
                while j < len && is_ws(bytes[j]) {
                    j += 1;
                }
                if j < len && (bytes[j] == b'"' || bytes[j] == b'\'') {
                    let q = bytes[j];
                    let vs = j + 1;
                    let ve = memchr::memchr(q, &bytes[vs..]).map_or(len, |k| vs + k);
                    value = (vs as u32, ve as u32);
                    i = (ve + 1).min(len);
                } else {
                    let vs = j;
                    while j < len && !is_ws(bytes[j]) && bytes[j] != b'>' {
                        j += 1;
                    }
                    value = (vs as u32, j as u32);
                    i = j;
                }
            }
            self.dom.attrs.push(Attr { name, value });
        }
        self.pos = i;
        if !closed {
            // End of input inside a tag: browsers drop the tag.
            self.dom.attrs.truncate(attr_start);
            return;
        }
        let attr_end = self.dom.attrs.len();
        self.open_element(tag, at, name_end, attr_start, attr_end, self_closing);
    }

    fn open_element(
        &mut self,
        tag: Tag,
        name_start: usize,
        name_end: usize,
        attr_start: usize,
        attr_end: usize,
        self_closing: bool,
    ) {
        let mut node = leaf(Kind::Element(tag), name_start, name_end);
        node.attr_start = attr_start as u32;
        node.attr_end = attr_end as u32;
        match tag {
            // The document's own wrappers: keep `<html>` (its `lang`) as an empty marker; content goes on.
            Tag::Html => {
                self.dom.append(0, node);
                return;
            }
            Tag::Head | Tag::Body => return,
            _ => {}
        }
        if tag.closes_p() {
            self.close_p();
        }
        match tag {
            Tag::Li => self.close_list_item(&[Tag::Li]),
            Tag::Dt | Tag::Dd => self.close_list_item(&[Tag::Dt, Tag::Dd]),
            t if t.is_heading() && self.dom.tag(self.current()).is_some_and(Tag::is_heading) => {
                self.pop_to(self.stack.len() - 1);
            }
            Tag::Option | Tag::Optgroup if self.dom.tag(self.current()) == Some(Tag::Option) => {
                self.pop_to(self.stack.len() - 1);
            }
            Tag::Td | Tag::Th => {
                self.close_in_table(&[Tag::Td, Tag::Th], &[Tag::Tr, Tag::Tbody, Tag::Thead, Tag::Tfoot])
            }
            Tag::Tr => self.close_in_table(&[Tag::Tr], &[Tag::Tbody, Tag::Thead, Tag::Tfoot]),
            Tag::Tbody | Tag::Thead | Tag::Tfoot => self.close_in_table(&[Tag::Tbody, Tag::Thead, Tag::Tfoot], &[]),
            Tag::A => self.close_open_anchor(),
            _ => {}
        }
        let parent = self.current();
        let id = self.dom.append(parent, node);
        if let Some(rcdata) = tag.raw_text() {
            self.raw_text(id, name_end - name_start, rcdata);
            return;
        }
        if tag == Tag::Plaintext {
            let (s, e) = (self.pos, self.bytes().len());
            self.dom.append(id, leaf(Kind::Text(false), s, e));
            self.pos = e;
            return;
        }
        let foreign_self_closing = self_closing && matches!(tag, Tag::Other | Tag::Svg | Tag::Math);
        if tag.is_void() || foreign_self_closing || self.stack.len() >= MAX_DEPTH {
            return;
        }
        self.stack.push(id);
        self.open[tag as usize] += 1;
    }

    /// Content of script/style/title/...: everything up to `</name` followed by whitespace, `/` or `>`.
    fn raw_text(&mut self, id: u32, name_len: usize, rcdata: bool) {
        let bytes = self.bytes();
        let n = &self.dom.nodes[id as usize];
        let name = &bytes[n.start as usize..n.end as usize];
        let start = self.pos;
        let mut i = start;
        let end = loop {
            match memchr::memmem::find(&bytes[i..], b"</") {
                None => break bytes.len(),
                Some(off) => {
                    let lt = i + off;
                    let ns = lt + 2;
                    let ne = ns + name_len;
                    let matches = bytes.get(ns..ne).is_some_and(|c| c.eq_ignore_ascii_case(name))
                        && bytes.get(ne).is_none_or(|&c| is_ws(c) || c == b'/' || c == b'>');
                    if matches {
                        break lt;
                    }
                    i = lt + 2;
                }
            }
        };
        if end > start {
            let refs = rcdata && memchr::memchr(b'&', &bytes[start..end]).is_some();
            self.dom.append(id, leaf(Kind::Text(refs), start, end));
        }
        self.pos = match memchr::memchr(b'>', &bytes[end.min(bytes.len())..]) {
            Some(k) => end + k + 1,
            None => bytes.len(),
        };
    }

    fn end_tag(&mut self, at: usize) {
        let bytes = self.bytes();
        if !bytes.get(at).is_some_and(u8::is_ascii_alphabetic) {
            // `</>` is dropped; `</ junk>` is a bogus comment.
            self.pos = match memchr::memchr(b'>', &bytes[at.min(bytes.len())..]) {
                Some(i) => at + i + 1,
                None => bytes.len(),
            };
            return;
        }
        let (name_end, tag) = self.tag_name(at);
        self.pos = match memchr::memchr(b'>', &bytes[name_end..]) {
            Some(i) => name_end + i + 1,
            None => bytes.len(),
        };
        match tag {
            Tag::Html | Tag::Head | Tag::Body => {}
            Tag::Br => {
                let parent = self.current();
                self.dom.append(parent, leaf(Kind::Element(Tag::Br), at, name_end));
            }
            Tag::P => self.close_p(),
            Tag::Li => self.close_in_scope(tag, at, name_end, &[Tag::Ol, Tag::Ul]),
            Tag::Td | Tag::Th | Tag::Tr | Tag::Tbody | Tag::Thead | Tag::Tfoot | Tag::Table | Tag::Caption => {
                self.close_in_table_scope(tag)
            }
            _ => self.close_in_scope(tag, at, name_end, &[]),
        }
    }

    fn tag_at(&self, depth: usize) -> Option<Tag> {
        self.dom.tag(self.stack[depth])
    }

    fn is_open(&self, tag: Tag) -> bool {
        self.open[tag as usize] > 0
    }

    /// Pops the open elements from `depth` up (the root stays).
    fn pop_to(&mut self, depth: usize) {
        let depth = depth.max(1);
        for &id in self.stack.get(depth..).unwrap_or(&[]) {
            if let Some(t) = self.dom.tag(id) {
                self.open[t as usize] = self.open[t as usize].saturating_sub(1);
            }
        }
        self.stack.truncate(depth);
    }

    /// Closes an open `<p>` in button scope.
    fn close_p(&mut self) {
        if !self.is_open(Tag::P) {
            return;
        }
        for d in (1..self.stack.len()).rev() {
            match self.tag_at(d) {
                Some(Tag::P) => return self.pop_to(d),
                Some(t) if t.is_scope_boundary() || t == Tag::Button => return,
                _ => {}
            }
        }
    }

    /// Before a new `<li>` (or `<dt>`/`<dd>`): closes an open one unless a special element intervenes.
    fn close_list_item(&mut self, items: &[Tag]) {
        if !items.iter().any(|&t| self.is_open(t)) {
            return;
        }
        for d in (1..self.stack.len()).rev() {
            match self.tag_at(d) {
                Some(t) if items.contains(&t) => return self.pop_to(d),
                Some(Tag::Address | Tag::Div | Tag::P) => {}
                Some(t) if t.is_special() => return,
                _ => {}
            }
        }
    }

    /// Before a table part: closes the nearest open `close` element unless a `stop` element comes first.
    fn close_in_table(&mut self, close: &[Tag], stop: &[Tag]) {
        if !close.iter().any(|&t| self.is_open(t)) {
            return;
        }
        for d in (1..self.stack.len()).rev() {
            match self.tag_at(d) {
                Some(t) if close.contains(&t) => return self.pop_to(d),
                Some(t) if stop.contains(&t) || matches!(t, Tag::Table | Tag::Template | Tag::Html) => return,
                _ => {}
            }
        }
    }

    /// A nested `<a>` closes the open one.
    fn close_open_anchor(&mut self) {
        if !self.is_open(Tag::A) {
            return;
        }
        for d in (1..self.stack.len()).rev() {
            match self.tag_at(d) {
                Some(Tag::A) => return self.pop_to(d),
                Some(t) if t.is_special() => return,
                _ => {}
            }
        }
    }

    fn close_in_table_scope(&mut self, tag: Tag) {
        if !self.is_open(tag) {
            return;
        }
        for d in (1..self.stack.len()).rev() {
            match self.tag_at(d) {
                Some(t) if t == tag => return self.pop_to(d),
                Some(Tag::Table | Tag::Template | Tag::Html) => return,
                _ => {}
            }
        }
    }

    /// The general end-tag rule: pop to the nearest open element of the same name, unless a special
    /// element (for inline tags) or a scope boundary (for others) comes first, in which case the end tag is
    /// ignored.
    fn close_in_scope(&mut self, tag: Tag, at: usize, name_end: usize, extra_boundaries: &[Tag]) {
        if !self.is_open(tag) {
            return;
        }
        let name = &self.bytes()[at..name_end];
        let inline = !tag.is_special();
        for d in (1..self.stack.len()).rev() {
            let id = self.stack[d];
            let Some(t) = self.dom.tag(id) else { continue };
            let same = t == tag && (tag != Tag::Other || self.dom.name(id).as_bytes().eq_ignore_ascii_case(name));
            if same {
                return self.pop_to(d);
            }
            if (inline && t.is_special()) || t.is_scope_boundary() || extra_boundaries.contains(&t) {
                return;
            }
        }
    }
}

fn leaf(kind: Kind, start: usize, end: usize) -> Node {
    Node {
        kind,
        parent: NONE,
        first_child: NONE,
        last_child: NONE,
        next_sibling: NONE,
        start: start as u32,
        end: end as u32,
        attr_start: 0,
        attr_end: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::super::dom::{Dom, Kind};
    use super::parse;

    /// A compact serialisation of the tree: `tag(children)`, text in quotes.
    fn show(dom: &Dom<'_>, id: u32, out: &mut String) {
        for c in dom.children(id) {
            match dom.nodes[c as usize].kind {
                Kind::Text(_) => {
                    let mut t = String::new();
                    dom.text_content(c, &mut t);
                    out.push_str(&format!("{t:?}"));
                }
                _ => {
                    out.push_str(&dom.name(c).to_ascii_lowercase());
                    out.push('(');
                    show(dom, c, out);
                    out.push(')');
                }
            }
        }
    }

    fn check(html: &str, want: &str) {
        let dom = parse(html);
        let mut got = String::new();
        show(&dom, 0, &mut got);
        assert_eq!(got, want, "html: {html}");
    }

    #[test]
    fn browser_rules() {
        check("<p>a<p>b", r#"p("a")p("b")"#);
        check("<p>a<div>b</div>c</p>", r#"p("a")div("b")"c""#);
        check("<ul><li>a<li>b</ul>", r#"ul(li("a")li("b"))"#);
        check("<dl><dt>a<dd>b<dt>c</dl>", r#"dl(dt("a")dd("b")dt("c"))"#);
        check("<table><tr><td>a<td>b<tr><td>c</table>", r#"table(tr(td("a")td("b"))tr(td("c")))"#);
        check("<select><option>a<option>b</select>", r#"select(option("a")option("b"))"#);
        check("<h2>a<h3>b</h3>", r#"h2("a")h3("b")"#);
        check("<script>if (a<b) x='</div>'</script>t", r#"script("if (a<b) x='</div>'")"t""#);
        check("<script>a</scriptx></script >b", r#"script("a</scriptx>")"b""#);
        check("<title>A &amp; B</title>", r#"title("A & B")"#);
        check("<style>p{}</style><p>x", r#"style("p{}")p("x")"#);
        check("a<!-- <p>no</p> -->b<!-->c<!--->d", r#""a""b""c""d""#);
        check("<!DOCTYPE html><![CDATA[x]]><?php y ?>z", r#""z""#);
        check("a < b <3 c", r#""a < b <3 c""#);
        check("<br>a<img src=x>b<hr/>c", r#"br()"a"img()"b"hr()"c""#);
        check("<div class=a id='b' data-x=\"c\" hidden>x</div>", r#"div("x")"#);
        check("<b>a<i>b</b>c</i>", r#"b("a"i("b"))"c""#);
        check("<div><span>a</div>b", r#"div(span("a"))"b""#);
        check("</div>a</span>b</p>c", r#""a""b""c""#);
        check("<a href=x>a<a href=y>b</a>", r#"a("a")a("b")"#);
        check("<p>unclosed <b>bold", r#"p("unclosed "b("bold"))"#);
        check("<div>a</br>b</div>", r#"div("a"br()"b")"#);
        check("<table><td>a</table>b", r#"table(td("a"))"b""#);
        check("<svg><path d='x'/><text>t</text></svg>after", r#"svg(path()text("t"))"after""#);
        check("<DIV CLASS=x>A</Div>", r#"div("A")"#);
        check("<div", "");
        check("<div a='unterminated", "");
        check("<p>&lt;tag&gt; &#169; &eacute;", r#"p("<tag> © é")"#);
    }

    #[test]
    fn attributes_are_found_case_insensitively() {
        let dom = parse(r#"<meta PROPERTY="og:title" content='A &amp; B'><a href=/x?a=1&b=2>l</a>"#);
        let meta = dom.children(0).next().unwrap_or(0);
        assert_eq!(dom.attr(meta, "property").as_deref(), Some("og:title"));
        assert_eq!(dom.attr(meta, "content").as_deref(), Some("A & B"));
        let a = dom.children(0).nth(1).unwrap_or(0);
        assert_eq!(dom.attr(a, "href").as_deref(), Some("/x?a=1&b=2"));
    }

    #[test]
    fn deep_nesting_and_many_stray_tags_stay_linear() {
        let deep = "<div>".repeat(200_000) + "x" + &"</div>".repeat(200_000);
        let dom = parse(&deep);
        assert!(dom.nodes.len() > 200_000);
        let stray = "</span>".repeat(200_000) + &"<b>".repeat(100_000) + &"</i>".repeat(100_000);
        let dom = parse(&stray);
        assert!(dom.nodes.len() > 1000);
        let unclosed_p = "<p>a".repeat(100_000);
        assert_eq!(parse(&unclosed_p).nodes.len(), 200_001);
    }
}
