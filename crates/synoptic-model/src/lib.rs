//! The nouns of Synoptic and the JSON contract (`shared/docs/output-contract.md`) they serialise to.
//!
//! Every other crate speaks in these types. They carry data only: no IO, no analysis. Field names and
//! meanings follow the contract exactly; fields may be added, never renamed. Unknown values are `None`
//! (serialised as `null`) or empty lists, never a made-up default.

pub mod annotations;
pub mod ids;
pub mod text;

use serde::{Deserialize, Serialize};

pub use annotations::{Annotations, EntityKind, EntityMention, FigureMention, QuoteMention, Span};

/// Version of the contract document written in `Document::schema`.
pub const SCHEMA_VERSION: u32 = 1;

/// A timestamp as the contract writes it: RFC 3339, with the offset the source gave.
pub type Timestamp = chrono::DateTime<chrono::FixedOffset>;

/// One cleaned news article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Stable for the same content: see [`ids::article_id`].
    pub id: String,
    /// The input as the user named it: a path (as given) or a URL, plus `#n` for the n-th record of a
    /// multi-article input (feed item, JSON Lines record).
    pub source: String,
    pub title: Option<String>,
    /// The cleaned body: paragraphs separated by a blank line, no boilerplate.
    pub text: String,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub author: Option<String>,
    pub published: Option<Timestamp>,
    /// ISO 639-1 code of the body's language.
    pub language: Option<String>,
    /// Wire or agency credits found in the text ("Associated Press", "Reuters").
    #[serde(default)]
    pub credits: Vec<String>,
    /// Article id of the origin when this article is a copy. (`synoptic extract` drops this key.)
    #[serde(default)]
    pub copy_of: Option<String>,
    /// The event it belongs to. (`synoptic extract` drops this key.)
    #[serde(default)]
    pub event: Option<String>,
    /// Extra fields that are not part of the contract's Article but useful to tools (modified time…).
    #[serde(default, skip_serializing_if = "ArticleExtra::is_empty")]
    pub extra: ArticleExtra,
}

/// Metadata beyond the contract's Article fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleExtra {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The body is very short (one short sentence, or only its title repeated): kept, but flagged so that
    /// tools can weigh it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub short: bool,
}

impl ArticleExtra {
    pub fn is_empty(&self) -> bool {
        self.modified.is_none() && self.description.is_none() && !self.short
    }
}

impl Article {
    /// A new article whose id is computed from its content.
    pub fn new(source: impl Into<String>, title: Option<String>, text: impl Into<String>) -> Article {
        let text = text.into();
        let id = ids::article_id(title.as_deref(), &text);
        Article {
            id,
            source: source.into(),
            title,
            text,
            url: None,
            outlet: None,
            author: None,
            published: None,
            language: None,
            credits: Vec::new(),
            copy_of: None,
            event: None,
            extra: ArticleExtra::default(),
        }
    }

    /// Recompute `id` after `title` or `text` changed.
    pub fn refresh_id(&mut self) {
        self.id = ids::article_id(self.title.as_deref(), &self.text);
    }

    /// Number of words in the body (Unicode word boundaries, alphanumeric runs only).
    pub fn word_count(&self) -> usize {
        text::words(&self.text).count()
    }

    /// Paragraphs of the body.
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.text.split("\n\n").map(str::trim).filter(|p| !p.is_empty())
    }
}

/// One happening, reported by one or more articles.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    pub story: String,
    pub title: String,
    /// Article ids, first seen first.
    pub articles: Vec<String>,
    /// Independent origins: copies count once.
    pub origins: usize,
    pub first_seen: Option<Timestamp>,
    #[serde(default)]
    pub entities: Vec<Entity>,
    #[serde(default)]
    pub quotes: Vec<Quote>,
    #[serde(default)]
    pub figures: Vec<Figure>,
    #[serde(default)]
    pub agreements: Vec<Agreement>,
    #[serde(default)]
    pub single_source: Vec<SingleSource>,
    #[serde(default)]
    pub disagreements: Vec<Disagreement>,
    #[serde(default)]
    pub summary: Vec<SummarySentence>,
    /// Order of reports, earliest first, when dates are known (an addition to the contract).
    #[serde(default)]
    pub reports: Vec<Report>,
}

/// One article's report in an event's order of reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub article: String,
    pub outlet: Option<String>,
    pub published: Option<Timestamp>,
    /// The origin's id when this report is a copy.
    pub copy_of: Option<String>,
}

/// A named thing, merged across the articles of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub name: String,
    pub kind: EntityKind,
    /// Every surface form seen, the canonical one included.
    pub aliases: Vec<String>,
    pub articles: Vec<String>,
}

/// One utterance, with the wording each article gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// Canonical entity name, or `None` when it cannot be told.
    pub speaker: Option<String>,
    /// One representative wording.
    pub text: String,
    pub articles: Vec<String>,
    pub variants: Vec<QuoteVariant>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteVariant {
    pub article: String,
    pub text: String,
}

/// A quantity as one article states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// As written, e.g. "$150 billion".
    pub text: String,
    pub value: f64,
    /// ISO 4217 code for money, "%" for percentages, else the counted noun.
    pub unit: String,
    /// What it measures, e.g. "aid to Ukraine".
    pub about: String,
    pub article: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    pub text: String,
    pub articles: Vec<String>,
}

/// A statement only one origin makes, in any wording. An event's list holds every such statement, ranked
/// best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SingleSource {
    pub text: String,
    pub article: String,
    /// How much the detail adds (an addition to the contract): higher for specific people, places, figures
    /// and quotes no other origin gives, for consequences and for a place near the top of its article;
    /// lower for commentary, questions, background, boilerplate and generic sentences. Comparable within
    /// one event only; the list is sorted by it, highest first. Documents written before the field existed
    /// read as 0.
    #[serde(default)]
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disagreement {
    /// "figure" | "quote" | "date" | "place" | "name" | …
    pub kind: String,
    pub about: String,
    pub claims: Vec<Claim>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub article: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummarySentence {
    pub text: String,
    /// Every article that supports the sentence, and no other.
    pub articles: Vec<String>,
}

/// Events that belong together over time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Story {
    pub id: String,
    pub title: String,
    /// Event ids in time order.
    pub events: Vec<String>,
}

/// The contract document: what `brief --format json`, `export` and `show --format json` print.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub schema: u32,
    pub articles: Vec<Article>,
    pub events: Vec<Event>,
    pub stories: Vec<Story>,
}

impl Default for Document {
    fn default() -> Self {
        Document { schema: SCHEMA_VERSION, articles: Vec::new(), events: Vec::new(), stories: Vec::new() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_serialises_with_contract_fields() {
        let mut a = Article::new("a.txt", Some("T".into()), "Body one.\n\nBody two.");
        a.credits.push("Reuters".into());
        let v = serde_json::to_value(&a).unwrap();
        for key in [
            "id",
            "source",
            "title",
            "text",
            "url",
            "outlet",
            "author",
            "published",
            "language",
            "credits",
            "copy_of",
            "event",
        ] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
        assert!(v["url"].is_null());
        assert!(v.get("extra").is_none(), "empty extra is not written");
        let back: Article = serde_json::from_value(v).unwrap();
        assert_eq!(back, a);
        assert_eq!(a.paragraphs().count(), 2);
        assert_eq!(a.word_count(), 4);
    }

    #[test]
    fn published_is_rfc3339() {
        let mut a = Article::new("a", None, "x");
        a.published = Some(chrono::DateTime::parse_from_rfc3339("2023-04-20T10:00:00+02:00").unwrap());
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["published"], "2023-04-20T10:00:00+02:00");
    }
}
