//! A compact arena DOM for one page: nodes in document order, text and attribute values kept as ranges of
//! the source so that building the tree allocates little.
//!
//! Invariant: a node's parent always has a smaller index than the node (document order), so a single
//! reverse pass over `nodes` aggregates facts from children into parents.

use super::entities;
use std::borrow::Cow;

pub(crate) const NONE: u32 = u32::MAX;

macro_rules! tags {
    ($($variant:ident = $name:literal),* $(,)?) => {
        /// The element names the parser and the extractor treat specially; everything else is `Other`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Tag { $($variant,)* Other }

        impl Tag {
            /// Looks up an ASCII-lowercased tag name.
            pub(crate) fn from_lower(name: &[u8]) -> Tag {
                match name { $($name => Tag::$variant,)* _ => Tag::Other }
            }
        }
    };
}

tags! {
    A = b"a", Abbr = b"abbr", Address = b"address", Applet = b"applet", Area = b"area", Article = b"article",
    Aside = b"aside", Audio = b"audio", B = b"b", Base = b"base", Basefont = b"basefont", Bgsound = b"bgsound",
    Big = b"big", Blockquote = b"blockquote", Body = b"body", Br = b"br", Button = b"button", Canvas = b"canvas",
    Caption = b"caption", Center = b"center", Cite = b"cite", Code = b"code", Col = b"col",
    Colgroup = b"colgroup", Dd = b"dd", Del = b"del", Details = b"details", Dialog = b"dialog", Dir = b"dir",
    Div = b"div", Dl = b"dl", Dt = b"dt", Em = b"em", Embed = b"embed", Fieldset = b"fieldset",
    Figcaption = b"figcaption", Figure = b"figure", Font = b"font", Footer = b"footer", Form = b"form",
    Frame = b"frame", Frameset = b"frameset", H1 = b"h1", H2 = b"h2", H3 = b"h3", H4 = b"h4", H5 = b"h5",
    H6 = b"h6", Head = b"head", Header = b"header", Hgroup = b"hgroup", Hr = b"hr", Html = b"html", I = b"i",
    Iframe = b"iframe", Img = b"img", Input = b"input", Ins = b"ins", Keygen = b"keygen", Label = b"label",
    Legend = b"legend", Li = b"li", Link = b"link", Listing = b"listing", Main = b"main", Map = b"map",
    Mark = b"mark", Marquee = b"marquee", Math = b"math", Menu = b"menu", Meta = b"meta", Nav = b"nav",
    Nobr = b"nobr", Noembed = b"noembed", Noframes = b"noframes", Noscript = b"noscript", Object = b"object",
    Ol = b"ol", Optgroup = b"optgroup", Option = b"option", Output = b"output", P = b"p", Param = b"param",
    Picture = b"picture", Plaintext = b"plaintext", Pre = b"pre", Q = b"q", S = b"s", Samp = b"samp",
    Script = b"script", Search = b"search", Section = b"section", Select = b"select", Small = b"small",
    Source = b"source", Span = b"span", Strike = b"strike", Strong = b"strong", Style = b"style", Sub = b"sub",
    Summary = b"summary", Sup = b"sup", Svg = b"svg", Table = b"table", Tbody = b"tbody", Td = b"td",
    Template = b"template", Textarea = b"textarea", Tfoot = b"tfoot", Th = b"th", Thead = b"thead",
    Time = b"time", Title = b"title", Tr = b"tr", Track = b"track", Tt = b"tt", U = b"u", Ul = b"ul",
    Var = b"var", Video = b"video", Wbr = b"wbr", Xmp = b"xmp",
}

impl Tag {
    /// Elements that never have children (`<br>`, `<img>`, ...).
    pub(crate) fn is_void(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Area | Base
                | Basefont
                | Bgsound
                | Br
                | Col
                | Embed
                | Hr
                | Img
                | Input
                | Keygen
                | Link
                | Meta
                | Param
                | Source
                | Track
                | Wbr
                | Frame
        )
    }

    /// Elements whose content is raw text up to the matching end tag; `true` in the second field when
    /// character references are decoded in it (RCDATA).
    pub(crate) fn raw_text(self) -> Option<bool> {
        use Tag::*;
        match self {
            Script | Style | Xmp | Iframe | Noembed | Noframes | Noscript => Some(false),
            Textarea | Title => Some(true),
            _ => None,
        }
    }

    /// The HTML "special" category: end tags of other elements do not reach past these.
    pub(crate) fn is_special(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Address
                | Applet
                | Area
                | Article
                | Aside
                | Base
                | Basefont
                | Bgsound
                | Blockquote
                | Body
                | Br
                | Button
                | Caption
                | Center
                | Col
                | Colgroup
                | Dd
                | Details
                | Dir
                | Div
                | Dl
                | Dt
                | Embed
                | Fieldset
                | Figcaption
                | Figure
                | Footer
                | Form
                | Frame
                | Frameset
                | H1
                | H2
                | H3
                | H4
                | H5
                | H6
                | Head
                | Header
                | Hgroup
                | Hr
                | Html
                | Iframe
                | Img
                | Input
                | Keygen
                | Li
                | Link
                | Listing
                | Main
                | Marquee
                | Menu
                | Meta
                | Nav
                | Noembed
                | Noframes
                | Noscript
                | Object
                | Ol
                | P
                | Param
                | Plaintext
                | Pre
                | Script
                | Search
                | Section
                | Select
                | Source
                | Style
                | Summary
                | Table
                | Tbody
                | Td
                | Template
                | Textarea
                | Tfoot
                | Th
                | Thead
                | Title
                | Tr
                | Track
                | Ul
                | Wbr
                | Xmp
        )
    }

    /// Boundaries of the default "has an element in scope" check.
    pub(crate) fn is_scope_boundary(self) -> bool {
        use Tag::*;
        matches!(self, Applet | Caption | Html | Table | Td | Th | Marquee | Object | Template)
    }

    /// Start tags that close an open `<p>` (in button scope).
    pub(crate) fn closes_p(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Address
                | Article
                | Aside
                | Blockquote
                | Center
                | Details
                | Dialog
                | Dir
                | Div
                | Dl
                | Fieldset
                | Figcaption
                | Figure
                | Footer
                | Header
                | Hgroup
                | Main
                | Menu
                | Nav
                | Ol
                | P
                | Search
                | Section
                | Summary
                | Ul
                | H1
                | H2
                | H3
                | H4
                | H5
                | H6
                | Pre
                | Listing
                | Form
                | Li
                | Dd
                | Dt
                | Plaintext
                | Table
                | Hr
                | Xmp
        )
    }

    pub(crate) fn is_heading(self) -> bool {
        matches!(self, Tag::H1 | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6)
    }

    /// Elements that start a new line of text when rendered (block boundaries for text extraction).
    pub(crate) fn is_block(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Address
                | Article
                | Aside
                | Blockquote
                | Body
                | Caption
                | Center
                | Dd
                | Details
                | Dialog
                | Dir
                | Div
                | Dl
                | Dt
                | Fieldset
                | Figcaption
                | Figure
                | Footer
                | Form
                | H1
                | H2
                | H3
                | H4
                | H5
                | H6
                | Header
                | Hgroup
                | Hr
                | Html
                | Legend
                | Li
                | Listing
                | Main
                | Menu
                | Nav
                | Ol
                | P
                | Plaintext
                | Pre
                | Search
                | Section
                | Summary
                | Table
                | Tbody
                | Td
                | Tfoot
                | Th
                | Thead
                | Tr
                | Ul
                | Xmp
                | Br
                | Iframe
                | Video
                | Audio
                | Canvas
                | Select
                | Textarea
                | Option
                | Optgroup
                | Noscript
                | Template
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Root,
    Element(Tag),
    /// Text; `true` when the range may hold character references to decode.
    Text(bool),
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub kind: Kind,
    pub parent: u32,
    pub first_child: u32,
    pub last_child: u32,
    pub next_sibling: u32,
    /// For text: the text. For elements: the tag name as written.
    pub start: u32,
    pub end: u32,
    pub attr_start: u32,
    pub attr_end: u32,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Attr {
    pub name: (u32, u32),
    pub value: (u32, u32),
}

/// A parsed page. `src` is the (possibly truncated) page text all ranges point into.
pub(crate) struct Dom<'a> {
    pub src: &'a str,
    pub nodes: Vec<Node>,
    pub attrs: Vec<Attr>,
}

impl<'a> Dom<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        let root = Node {
            kind: Kind::Root,
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            start: 0,
            end: 0,
            attr_start: 0,
            attr_end: 0,
        };
        Dom { src, nodes: vec![root], attrs: Vec::new() }
    }

    pub(crate) fn tag(&self, id: u32) -> Option<Tag> {
        match self.nodes[id as usize].kind {
            Kind::Element(t) => Some(t),
            _ => None,
        }
    }

    /// The tag name as written (for elements outside the [`Tag`] list).
    pub(crate) fn name(&self, id: u32) -> &'a str {
        let n = &self.nodes[id as usize];
        self.src.get(n.start as usize..n.end as usize).unwrap_or("")
    }

    /// The raw value of attribute `name` (ASCII case-insensitive), first occurrence wins.
    pub(crate) fn attr_raw(&self, id: u32, name: &str) -> Option<&'a str> {
        let n = &self.nodes[id as usize];
        self.attrs[n.attr_start as usize..n.attr_end as usize].iter().find_map(|a| {
            let an = self.src.get(a.name.0 as usize..a.name.1 as usize)?;
            if an.eq_ignore_ascii_case(name) { self.src.get(a.value.0 as usize..a.value.1 as usize) } else { None }
        })
    }

    /// The value of attribute `name` with character references decoded.
    pub(crate) fn attr(&self, id: u32, name: &str) -> Option<Cow<'a, str>> {
        self.attr_raw(id, name).map(entities::decode)
    }

    pub(crate) fn has_attr(&self, id: u32, name: &str) -> bool {
        self.attr_raw(id, name).is_some()
    }

    /// The raw source of a text node.
    pub(crate) fn text_raw(&self, id: u32) -> &'a str {
        let n = &self.nodes[id as usize];
        self.src.get(n.start as usize..n.end as usize).unwrap_or("")
    }

    pub(crate) fn children(&self, id: u32) -> Children<'_, 'a> {
        Children { dom: self, next: self.nodes[id as usize].first_child }
    }

    /// All text below `id`, references decoded, whitespace not yet collapsed.
    pub(crate) fn text_content(&self, id: u32, out: &mut String) {
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            match self.nodes[n as usize].kind {
                Kind::Text(refs) => {
                    let raw = self.text_raw(n);
                    if refs { entities::decode_into(raw, out) } else { out.push_str(raw) }
                }
                _ => {
                    let first = stack.len();
                    stack.extend(self.children(n));
                    stack[first..].reverse();
                }
            }
        }
    }

    pub(crate) fn append(&mut self, parent: u32, mut node: Node) -> u32 {
        let id = self.nodes.len() as u32;
        node.parent = parent;
        let p = &mut self.nodes[parent as usize];
        let prev = p.last_child;
        if prev == NONE {
            p.first_child = id;
        }
        p.last_child = id;
        if prev != NONE {
            self.nodes[prev as usize].next_sibling = id;
        }
        self.nodes.push(node);
        id
    }
}

pub(crate) struct Children<'d, 'a> {
    dom: &'d Dom<'a>,
    next: u32,
}

impl Iterator for Children<'_, '_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self.dom.nodes[id as usize].next_sibling;
        Some(id)
    }
}

/// Collapses runs of whitespace (incl. no-break spaces) to one space and trims.
pub(crate) fn collapse_ws(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
