//! Backend-neutral forms of stored rows: article rows, event and story bodies, list lines, decoded the same
//! way whichever database they were read from.

use synoptic_model::{Annotations, Article, ArticleExtra, Timestamp};

use crate::{EventSummary, StoreError, StoredArticle, codec, parse_ts, ts_secs, ts_text};

/// Columns read for an article, annotations last (so readers that skip them stop one column early).
pub(crate) const ARTICLE_COLUMNS: &str =
    "seq, id, source, title, text, url, outlet, author, published, language, credits, extra, copy_of, event";
/// [`ARTICLE_COLUMNS`] and the annotations.
pub(crate) const ARTICLE_COLUMNS_ANN: &str = "seq, id, source, title, text, url, outlet, author, published, language, \
                                              credits, extra, copy_of, event, annotations";

/// One article row as read, decoded outside the backend's row callback so JSON errors keep their own type.
pub(crate) struct ArticleRow {
    pub seq: i64,
    pub id: String,
    pub source: String,
    pub title: Option<String>,
    pub text: String,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub author: Option<String>,
    pub published: Option<String>,
    pub language: Option<String>,
    pub credits: String,
    pub extra: String,
    pub copy_of: Option<String>,
    pub event: Option<String>,
    pub annotations: Option<StoredAnnotations>,
}

/// Annotations as stored: the binary record (see `codec`) or JSON text (older SQLite rows).
pub(crate) enum StoredAnnotations {
    Binary(Vec<u8>),
    Json(String),
}

impl ArticleRow {
    pub(crate) fn article(self) -> Result<(Article, Option<StoredAnnotations>, i64), StoreError> {
        let what = |field: &str| format!("{field} of article {}", self.id);
        let credits = serde_json::from_str(&self.credits).map_err(|e| StoreError::json(what("credits"), e))?;
        let extra: ArticleExtra =
            serde_json::from_str(&self.extra).map_err(|e| StoreError::json(what("extra fields"), e))?;
        let published = parse_ts(&what("published time"), self.published)?;
        let article = Article {
            id: self.id,
            source: self.source,
            title: self.title,
            text: self.text,
            url: self.url,
            outlet: self.outlet,
            author: self.author,
            published,
            language: self.language,
            credits,
            copy_of: self.copy_of,
            event: self.event,
            extra,
        };
        Ok((article, self.annotations, self.seq))
    }

    pub(crate) fn stored(self) -> Result<StoredArticle, StoreError> {
        let (article, annotations, seq) = self.article()?;
        let what = || format!("annotations of article {}", article.id);
        let annotations = match annotations {
            Some(StoredAnnotations::Binary(b)) => {
                codec::decode_annotations(&b, &article.text).map_err(|e| StoreError::invalid(what(), e.0))?
            }
            Some(StoredAnnotations::Json(json)) => {
                serde_json::from_str(&json).map_err(|e| StoreError::json(what(), e))?
            }
            None => Annotations::default(),
        };
        let seq = u64::try_from(seq).map_err(|_| StoreError::invalid("article order", seq.to_string()))?;
        Ok(StoredArticle { article, annotations, seq })
    }
}

pub(crate) fn to_json<T: serde::Serialize>(what: &str, v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::json(what, e))
}

pub(crate) fn decode<T: serde::de::DeserializeOwned>(what: &str, id: &str, body: &str) -> Result<T, StoreError> {
    serde_json::from_str(body).map_err(|e| StoreError::json(format!("{what} {id}"), e))
}

/// A stored event or story body: deflated JSON (binary) or JSON text (older SQLite rows).
pub(crate) struct Body {
    pub bytes: Vec<u8>,
    pub deflated: bool,
}

/// The stored form of a body: its JSON, deflated.
pub(crate) fn encode_body<T: serde::Serialize>(what: &str, id: &str, v: &T) -> Result<Vec<u8>, StoreError> {
    let json = serde_json::to_vec(v).map_err(|e| StoreError::json(format!("{what} {id}"), e))?;
    Ok(codec::deflate(&json))
}

pub(crate) fn decode_body<T: serde::de::DeserializeOwned>(what: &str, id: &str, body: &Body) -> Result<T, StoreError> {
    let inflated;
    let json = if body.deflated {
        inflated = codec::inflate(&body.bytes).map_err(|e| StoreError::invalid(format!("{what} {id}"), e.0))?;
        &inflated[..]
    } else {
        &body.bytes[..]
    };
    serde_json::from_slice(json).map_err(|e| StoreError::json(format!("{what} {id}"), e))
}

/// An article's outlet and publication time (as stored).
pub(crate) type OutletAndTime = (Option<String>, Option<String>);

/// How far an event reaches: its latest report and its outlets.
pub(crate) struct Reach {
    last_seen: Option<Timestamp>,
    outlets: Vec<String>,
}

impl Reach {
    pub(crate) fn last_seen_text(&self) -> Option<String> {
        ts_text(self.last_seen.as_ref())
    }
    pub(crate) fn last_seen_ts(&self) -> Option<i64> {
        ts_secs(self.last_seen.as_ref())
    }
    pub(crate) fn outlets_json(&self) -> Result<String, StoreError> {
        serde_json::to_string(&self.outlets).map_err(|e| StoreError::json("outlets", e))
    }
}

/// The latest publication time and the distinct outlets (first seen first) of `members`, looking each up
/// with `lookup`.
pub(crate) fn event_reach(
    members: &[String],
    first_seen: Option<Timestamp>,
    mut lookup: impl FnMut(&str) -> Result<Option<OutletAndTime>, StoreError>,
) -> Result<Reach, StoreError> {
    let mut last_seen = first_seen;
    let mut outlets: Vec<String> = Vec::new();
    for id in members {
        let Some((outlet, published)) = lookup(id)? else { continue };
        if let Some(o) = outlet
            && !outlets.contains(&o)
        {
            outlets.push(o);
        }
        if let Some(t) = parse_ts(&format!("published time of article {id}"), published)?
            && last_seen.is_none_or(|l| t > l)
        {
            last_seen = Some(t);
        }
    }
    Ok(Reach { last_seen, outlets })
}

/// One event list line as read: id, story, title, articles, origins, outlets (JSON), first and last seen.
pub(crate) type EventSummaryRow = (String, String, String, i64, i64, String, Option<String>, Option<String>);

pub(crate) fn event_summary(row: EventSummaryRow) -> Result<EventSummary, StoreError> {
    let (id, story, title, articles, origins, outlets, first_seen, last_seen) = row;
    let what = format!("times of event {id}");
    Ok(EventSummary {
        outlets: decode("outlets of event", &id, &outlets)?,
        first_seen: parse_ts(&what, first_seen)?,
        last_seen: parse_ts(&what, last_seen)?,
        articles: usize::try_from(articles).unwrap_or(0),
        origins: usize::try_from(origins).unwrap_or(0),
        id,
        story,
        title,
    })
}

/// The article whose explanation `key` names, when it is an explanation key.
pub(crate) fn explained(key: &str) -> Option<&str> {
    key.strip_prefix(crate::EXPLAIN_KEY_PREFIX)
}
