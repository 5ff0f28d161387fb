//! PostgreSQL articles: insert by content id, look up, page through in ingest order, placement and annotations.

use ::postgres::Row;
use std::collections::HashMap;
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

fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Conn {
    /// Insert articles (each with its placement and explanation, in one row write); for each, whether it
    /// was added. The search column is computed by the database as the row is written.
    pub(crate) fn insert_articles(&self, batch: &[NewArticle<'_>]) -> Result<Vec<bool>, StoreError> {
        if batch.len() > 1 && !self.in_tx.get() {
            return self.atomically(|| self.insert_rows(batch));
        }
        self.insert_rows(batch)
    }

    fn insert_rows(&self, batch: &[NewArticle<'_>]) -> Result<Vec<bool>, StoreError> {
        // A duplicate draws a number from the sequence, as it does in SQLite: `seq` may have gaps.
        const SQL: &str = "INSERT INTO articles (id, source, title, text, url, outlet, author, published, \
            published_ts, language, credits, extra, annotations, copy_of, event, explain) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT (id) DO NOTHING RETURNING seq";
        let mut added = Vec::with_capacity(batch.len());
        for new in batch {
            let a = new.article;
            let annotations = codec::encode_annotations(new.annotations, Some(&a.text));
            let row = self.query_opt(
                SQL,
                &[
                    &a.id,
                    &a.source,
                    &a.title,
                    &a.text,
                    &a.url,
                    &a.outlet,
                    &a.author,
                    &ts_text(a.published.as_ref()),
                    &ts_secs(a.published.as_ref()),
                    &a.language,
                    &to_json("credits", &a.credits)?,
                    &to_json("extra fields", &a.extra)?,
                    &annotations,
                    &new.copy_of,
                    &new.event,
                    &new.explanation,
                ],
            )?;
            added.push(row.is_some());
        }
        Ok(added)
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

    /// Outlet and publication time of the stored articles among `ids`, by id.
    pub(crate) fn outlets_and_times(&self, ids: &[String]) -> Result<HashMap<String, OutletAndTime>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = self.query("SELECT id, outlet, published FROM articles WHERE id = ANY($1)", &[&ids])?;
        rows.iter().map(|r| Ok((r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?)))).collect()
    }
}
