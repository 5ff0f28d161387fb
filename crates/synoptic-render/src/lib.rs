//! Renders the contract document for people: terminal text, Markdown and one standalone HTML file. Pure.
//!
//! All three formats show the same things in the same order, prepared once by [`view`]: per story its
//! timeline, per event its title, sources (numbered, so citations `[1]`, `[2]` map to outlets and
//! articles), cited summary, agreements, single-source details, disagreements side by side, quotes with
//! their variants, entities, figures and the order of reports. A document with articles but no events yet
//! lists its articles (title, outlet, date, words, language).
//!
//! Invariants: every piece of article text is escaped for the format it is written in (HTML: always;
//! Markdown: its syntax characters and raw HTML); the HTML page loads nothing from anywhere; output is
//! deterministic for a given document.

mod html;
mod markdown;
mod terminal;
pub mod view;
mod wrap;

use synoptic_model::Document;

/// Single-source details shown per event in every format (the list is ranked, best first; the rest are
/// counted: "and 12 more"). The JSON contract keeps them all.
pub const SINGLE_SOURCE_SHOWN: usize = 5;

/// The "and N more" line for a list of `total` items of which `shown` are listed, if any are left.
pub fn and_more(total: usize, shown: usize) -> Option<String> {
    (total > shown).then(|| format!("\u{2026} and {} more", total - shown))
}

/// How the terminal rendering looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Wrap lines to this many columns (at least 40 is used).
    pub width: usize,
    /// Use ANSI colours and bold; only when writing to a terminal.
    pub color: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { width: 100, color: false }
    }
}

pub use html::escape;

/// The document as wrapped terminal text, with ANSI colour only when `opts.color`.
pub fn terminal(doc: &Document, opts: &RenderOptions) -> String {
    terminal::render(&view::View::new(doc), opts)
}

/// The document as Markdown (CommonMark with GitHub tables).
pub fn markdown(doc: &Document) -> String {
    markdown::render(&view::View::new(doc))
}

/// The document as one standalone HTML file: inline CSS, no scripts, no external assets, all text escaped.
pub fn html(doc: &Document) -> String {
    html::render(&view::View::new(doc))
}
