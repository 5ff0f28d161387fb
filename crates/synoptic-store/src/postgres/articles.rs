//! PostgreSQL articles: insert by content id, look up, page through in ingest order, placement and annotations.

use ::postgres::Row;
use std::collections::{HashMap, HashSet};
use synoptic_model::{Annotations, Article};

use super::Conn;
use crate::rows::{ARTICLE_COLUMNS, ARTICLE_COLUMNS_ANN, ArticleRow, OutletAndTime, StoredAnnotations, to_json};
use crate::{NewArticle, StoreError, StoredArticle, codec, ts_secs, ts_text};

fn read_row(r: &Row, with_annotations: bool) -> Result<ArticleRow, StoreError> {
    Ok(ArticleRow {
        seq: r.try_get(0)?,
        id: r.try_get(1)?,
        source: r.try_get(2)?,
        title: r.try_get(3)?,
        text: r.try_get(4)?,
        url: r.try_get(5)?,
        outlet: r.try_get(6)?,
        author: r.try_get(7)?,
        published: r.try_get(8)?,
        language: r.try_get(9)?,
        credits: r.try_get(10)?,
        extra: r.try_get(11)?,
        copy_of: r.try_get(12)?,
        event: r.try_get(13)?,
        annotations: if with_annotations {
            r.try_get::<_, Option<Vec<u8>>>(14)?.map(StoredAnnotations::Binary)
        } else {
            None
        },
    })
}

fn stored(rows: &[Row]) -> Result<Vec<StoredArticle>, StoreError> {
    rows.iter().map(|r| read_row(r, true)?.stored()).collect()
}

/// An empty column of `n` values for a multi-row statement.
pub(super) fn cols<T>(n: usize) -> Vec<T> {
    Vec::with_capacity(n)
}

fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Conn {
    /// Insert articles (each with its placement and explanation, in one row write) in one statement; for
    /// each, whether it was added. The search column is computed by the database as the row is written.
    pub(crate) fn insert_articles(&self, batch: &[NewArticle<'_>]) -> Result<Vec<bool>, StoreError> {
        // One statement: atomic inside a transaction or outside one.
        self.insert_rows(batch)
    }

    /// One statement for the whole batch: the rows travel as one array per column (`unnest`), so a batch
    /// costs one round trip however many articles it holds. Rows are inserted in batch order (so `seq`
    /// follows it); an id already stored, or given earlier in the batch, adds nothing.
    fn insert_rows(&self, batch: &[NewArticle<'_>]) -> Result<Vec<bool>, StoreError> {
        // A duplicate draws a number from the sequence, as it does in SQLite: `seq` may have gaps.
        const SQL: &str = "INSERT INTO articles (id, source, title, text, url, outlet, author, published, \
            published_ts, language, credits, extra, annotations, copy_of, event, explain) \
            SELECT id, source, title, text, url, outlet, author, published, published_ts, language, credits, \
            extra, annotations, copy_of, event, explain FROM unnest($1::text[], $2::text[], $3::text[], \
            $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::text[], $11::text[], \
            $12::text[], $13::bytea[], $14::text[], $15::text[], $16::bytea[]) WITH ORDINALITY AS t(id, source, \
            title, text, url, outlet, author, published, published_ts, language, credits, extra, annotations, \
            copy_of, event, explain, pos) ORDER BY pos ON CONFLICT (id) DO NOTHING RETURNING id";
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let n = batch.len();
        let (mut id, mut source, mut title, mut text) = (cols(n), cols(n), cols(n), cols(n));
        let (mut url, mut outlet, mut author, mut published) = (cols(n), cols(n), cols(n), cols(n));
        let (mut published_ts, mut language, mut credits, mut extra) = (cols(n), cols(n), cols(n), cols(n));
        let (mut annotations, mut copy_of, mut event, mut explain) = (cols(n), cols(n), cols(n), cols(n));
        for new in batch {
            let a = new.article;
            id.push(a.id.as_str());
            source.push(a.source.as_str());
            title.push(a.title.as_deref());
            text.push(a.text.as_str());
            url.push(a.url.as_deref());
            outlet.push(a.outlet.as_deref());
            author.push(a.author.as_deref());
            published.push(ts_text(a.published.as_ref()));
            published_ts.push(ts_secs(a.published.as_ref()));
            language.push(a.language.as_deref());
            credits.push(to_json("credits", &a.credits)?);
            extra.push(to_json("extra fields", &a.extra)?);
            annotations.push(codec::encode_annotations(new.annotations, Some(&a.text)));
            copy_of.push(new.copy_of);
            event.push(new.event);
            explain.push(new.explanation);
        }
        let rows = self.query(
            SQL,
            &[
                &id,
                &source,
                &title,
                &text,
                &url,
                &outlet,
                &author,
                &published,
                &published_ts,
                &language,
                &credits,
                &extra,
                &annotations,
                &copy_of,
                &event,
                &explain,
            ],
        )?;
        let mut inserted: HashSet<String> = rows.iter().map(|r| r.try_get::<_, String>(0)).collect::<Result<_, _>>()?;
        // The first of several rows with one id is the one written.
        Ok(batch.iter().map(|new| inserted.remove(&new.article.id)).collect())
    }

    pub(crate) fn set_explanation(&self, article: &str, bytes: &[u8]) -> Result<bool, StoreError> {
        Ok(self.execute("UPDATE articles SET explain = $2 WHERE id = $1", &[&article, &bytes])? > 0)
    }

    /// The placement explanation of an article: `None` when the article is unknown, `Some(None)` when it has none.
    pub(crate) fn explanation_row(&self, article: &str) -> Result<Option<Option<Vec<u8>>>, StoreError> {
        let row = self.query_opt("SELECT explain FROM articles WHERE id = $1", &[&article])?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    pub(crate) fn explanation(&self, article: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.explanation_row(article)?.flatten())
    }

    pub(crate) fn contains_article(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.query_opt("SELECT 1 FROM articles WHERE id = $1", &[&id])?.is_some())
    }

    pub(crate) fn contains_articles(&self, ids: &[String]) -> Result<Vec<bool>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.query("SELECT id FROM articles WHERE id = ANY($1)", &[&ids])?;
        let found: HashSet<String> = rows.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?;
        Ok(ids.iter().map(|id| found.contains(id)).collect())
    }

    pub(crate) fn article(&self, id: &str) -> Result<Option<StoredArticle>, StoreError> {
        let row = self.query_opt(&format!("SELECT {ARTICLE_COLUMNS_ANN} FROM articles WHERE id = $1"), &[&id])?;
        row.map(|r| read_row(&r, true)?.stored()).transpose()
    }

    pub(crate) fn articles_by_ids(&self, ids: &[String]) -> Result<Vec<StoredArticle>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.query(&format!("SELECT {ARTICLE_COLUMNS_ANN} FROM articles WHERE id = ANY($1)"), &[&ids])?;
        let mut found: HashMap<String, StoredArticle> = HashMap::with_capacity(rows.len());
        for a in stored(&rows)? {
            found.insert(a.article.id.clone(), a);
        }
        // In the order given; an id given twice is returned twice.
        Ok(ids.iter().filter_map(|id| found.get(id).cloned()).collect())
    }

    pub(crate) fn articles(&self) -> Result<Vec<Article>, StoreError> {
        let rows = self.query(&format!("SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY seq"), &[])?;
        rows.iter().map(|r| read_row(r, false)?.article().map(|(a, _, _)| a)).collect()
    }

    pub(crate) fn articles_after(&self, after: u64, n: usize) -> Result<Vec<StoredArticle>, StoreError> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let rows = self.query(
            &format!("SELECT {ARTICLE_COLUMNS_ANN} FROM articles WHERE seq > $1 ORDER BY seq LIMIT $2"),
            &[&after, &limit(n)],
        )?;
        stored(&rows)
    }

    pub(crate) fn article_count(&self) -> Result<usize, StoreError> {
        let n: i64 = self.query_one("SELECT count(*) FROM articles", &[])?.try_get(0)?;
        usize::try_from(n).map_err(|_| StoreError::invalid("article count", n.to_string()))
    }

    pub(crate) fn set_placement(&self, article: &str, copy_of: Option<&str>, event: &str) -> Result<(), StoreError> {
        self.execute("UPDATE articles SET copy_of = $2, event = $3 WHERE id = $1", &[&article, &copy_of, &event])?;
        Ok(())
    }

    pub(crate) fn set_annotations(&self, article: &str, ann: &Annotations) -> Result<(), StoreError> {
        let Some(row) = self.query_opt("SELECT text FROM articles WHERE id = $1", &[&article])? else { return Ok(()) };
        let text: String = row.try_get(0)?;
        let bytes = codec::encode_annotations(ann, Some(&text));
        self.execute("UPDATE articles SET annotations = $2 WHERE id = $1", &[&article, &bytes])?;
        Ok(())
    }

    pub(crate) fn event_members(&self, event: &str) -> Result<Vec<StoredArticle>, StoreError> {
        let rows = self
            .query(&format!("SELECT {ARTICLE_COLUMNS_ANN} FROM articles WHERE event = $1 ORDER BY seq"), &[&event])?;
        stored(&rows)
    }

    pub(crate) fn members_of(&self, events: &[String]) -> Result<Vec<Vec<StoredArticle>>, StoreError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.query(
            &format!("SELECT {ARTICLE_COLUMNS_ANN} FROM articles WHERE event = ANY($1) ORDER BY seq"),
            &[&events],
        )?;
        let mut by_event: HashMap<String, Vec<StoredArticle>> = HashMap::new();
        for a in stored(&rows)? {
            by_event.entry(a.article.event.clone().unwrap_or_default()).or_default().push(a);
        }
        // An event named twice gets its members twice.
        Ok(events.iter().map(|e| by_event.get(e).cloned().unwrap_or_default()).collect())
    }

    /// Outlet and publication time of the stored articles among `ids`, by id.
    pub(crate) fn outlets_and_times(&self, ids: &[String]) -> Result<HashMap<String, OutletAndTime>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = self.query("SELECT id, outlet, published FROM articles WHERE id = ANY($1)", &[&ids])?;
        rows.iter().map(|r| Ok((r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?)))).collect()
    }
}
