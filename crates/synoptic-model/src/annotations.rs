//! Per-article annotations: where entities, quotes and figures sit in an article's text.
//!
//! Spans are byte offsets into `Article::text` (always on char boundaries). The event-level, merged view
//! lives in [`crate::Entity`], [`crate::Quote`] and [`crate::Figure`]; these are what a page highlights.

use serde::{Deserialize, Serialize};

/// A byte range `[start, end)` into an article's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
    /// The spanned text, or `""` when the span does not fit `text`.
    pub fn slice<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Person,
    Organization,
    Place,
    Other,
}

/// One mention of a named thing, resolved to its canonical name within the article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityMention {
    pub span: Span,
    /// The surface form as written (without honorifics and possessive 's).
    pub surface: String,
    /// Canonical name of the entity this mention resolves to.
    pub canonical: String,
    pub kind: EntityKind,
}

/// One direct quotation in an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteMention {
    /// Span of the quoted words, without the quotation marks.
    pub span: Span,
    pub text: String,
    /// Canonical speaker name, or `None` when it cannot be told.
    pub speaker: Option<String>,
    /// How the speaker was found: "explicit", "pronoun", "role", "tweet", … or `None`.
    pub attribution: Option<String>,
}

/// One figure in an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureMention {
    pub span: Span,
    /// As written, e.g. "$150 billion".
    pub text: String,
    pub value: f64,
    /// ISO 4217 for money, "%" for percentages, "date" for dates (value = Unix seconds), else the counted noun.
    pub unit: String,
    /// What it measures: the noun phrase it qualifies.
    pub about: String,
    /// "more than", "about", "at least", … when the amount is qualified.
    pub qualifier: Option<String>,
    /// The same amount restated in another unit, e.g. "($2.53 billion)" after "2.4 billion euros".
    pub alternate: Option<Box<FigureMention>>,
    /// Span of the sentence it sits in.
    pub sentence: Span,
}

/// Everything annotation found in one article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Annotations {
    pub entities: Vec<EntityMention>,
    pub quotes: Vec<QuoteMention>,
    pub figures: Vec<FigureMention>,
}
