//! SQLite articles: insert by content id, look up, page through in ingest order, placement and annotations.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Row, params};
use synoptic_model::{Annotations, Article};

use crate::{NewArticle, StoreError, StoredArticle, codec, ts_secs, ts_text};

use crate::rows::{
    ARTICLE_COLUMNS as COLUMNS, ARTICLE_COLUMNS_ANN as COLUMNS_ANN, ArticleRow as Raw, StoredAnnotations, to_json,
};

fn read_annotations(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<StoredAnnotations>> {
    Ok(match r.get_ref(i)? {
        ValueRef::Blob(b) => Some(StoredAnnotations::Binary(b.to_vec())),
        ValueRef::Text(t) => Some(StoredAnnotations::Json(String::from_utf8_lossy(t).into_owned())),
        _ => None,
    })
}

fn read_row(r: &Row<'_>, with_annotations: bool) -> rusqlite::Result<Raw> {
    Ok(Raw {
        seq: r.get(0)?,
        id: r.get(1)?,
        source: r.get(2)?,
        title: r.get(3)?,
        text: r.get(4)?,
        url: r.get(5)?,
        outlet: r.get(6)?,
        author: r.get(7)?,
        published: r.get(8)?,
        language: r.get(9)?,
        credits: r.get(10)?,
        extra: r.get(11)?,
        copy_of: r.get(12)?,
        event: r.get(13)?,
        annotations: if with_annotations { read_annotations(r, 14)? } else { None },
    })
}

/// Insert an article with its placement and explanation in one row write; its `seq` when it was added,
/// `None` when its id was already stored. The caller adds it to the full-text index ([`index_from`]).
pub(crate) fn insert_placed(c: &Connection, new: &NewArticle<'_>) -> Result<Option<i64>, StoreError> {
    let a = new.article;
    let mut st = c.prepare_cached(
        "INSERT INTO articles (id, source, title, text, url, outlet, author, published, published_ts, language, \
         credits, extra, annotations, copy_of, event, explain) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, \
         ?11, ?12, ?13, ?14, ?15, ?16) ON CONFLICT(id) DO NOTHING",
    )?;
    let n = st.execute(params![
        a.id,
        a.source,
        a.title,
        a.text,
        a.url,
        a.outlet,
        a.author,
        ts_text(a.published.as_ref()),
        ts_secs(a.published.as_ref()),
        a.language,
        to_json("credits", &a.credits)?,
        to_json("extra fields", &a.extra)?,
        codec::encode_annotations(new.annotations, Some(&a.text)),
        new.copy_of,
        new.event,
        new.explanation,
    ])?;
    Ok((n > 0).then(|| c.last_insert_rowid()))
}

/// Add the articles from `seq` on to the full-text index, in one statement.
///
/// FTS5 writes out its pending changes whenever a statement opens a savepoint, which every insert into
/// it does inside a transaction: indexed one statement per article, each article became a segment of its
/// own, and merging those segments was most of the cost of storing an article. One statement for the
/// whole batch lets the index gather the batch in memory and write it as one segment at commit.
pub(crate) fn index_from(c: &Connection, seq: i64) -> Result<(), StoreError> {
    c.prepare_cached(
        "INSERT INTO articles_fts (rowid, title, text) SELECT seq, title, text FROM articles WHERE seq >= ?1",
    )?
    .execute([seq])?;
    Ok(())
}

pub(crate) fn contains(c: &Connection, id: &str) -> Result<bool, StoreError> {
    let mut st = c.prepare_cached("SELECT 1 FROM articles WHERE id = ?1")?;
    Ok(st.query_row([id], |_| Ok(())).optional()?.is_some())
}

pub(crate) fn get(c: &Connection, id: &str) -> Result<Option<StoredArticle>, StoreError> {
    let mut st = c.prepare_cached(&format!("SELECT {COLUMNS_ANN} FROM articles WHERE id = ?1"))?;
    st.query_row([id], |r| read_row(r, true)).optional()?.map(Raw::stored).transpose()
}

pub(crate) fn by_ids(c: &Connection, ids: &[String]) -> Result<Vec<StoredArticle>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(a) = get(c, id)? {
            out.push(a);
        }
    }
    Ok(out)
}

pub(crate) fn all(c: &Connection) -> Result<Vec<Article>, StoreError> {
    let mut st = c.prepare_cached(&format!("SELECT {COLUMNS} FROM articles ORDER BY seq"))?;
    let raws = st.query_map([], |r| read_row(r, false))?.collect::<Result<Vec<_>, _>>()?;
    raws.into_iter().map(|r| r.article().map(|(a, _, _)| a)).collect()
}

pub(crate) fn after(c: &Connection, after: u64, limit: usize) -> Result<Vec<StoredArticle>, StoreError> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut st =
        c.prepare_cached(&format!("SELECT {COLUMNS_ANN} FROM articles WHERE seq > ?1 ORDER BY seq LIMIT ?2"))?;
    let raws = st.query_map([after, limit], |r| read_row(r, true))?.collect::<Result<Vec<_>, _>>()?;
    raws.into_iter().map(Raw::stored).collect()
}

pub(crate) fn members(c: &Connection, event: &str) -> Result<Vec<StoredArticle>, StoreError> {
    let mut st = c.prepare_cached(&format!("SELECT {COLUMNS_ANN} FROM articles WHERE event = ?1 ORDER BY seq"))?;
    let raws = st.query_map([event], |r| read_row(r, true))?.collect::<Result<Vec<_>, _>>()?;
    raws.into_iter().map(Raw::stored).collect()
}

pub(crate) fn count(c: &Connection) -> Result<usize, StoreError> {
    let n: i64 = c.prepare_cached("SELECT count(*) FROM articles")?.query_row([], |r| r.get(0))?;
    usize::try_from(n).map_err(|_| StoreError::invalid("article count", n.to_string()))
}

pub(crate) fn set_placement(
    c: &Connection,
    article: &str,
    copy_of: Option<&str>,
    event: Option<&str>,
) -> Result<(), StoreError> {
    let mut st = c.prepare_cached("UPDATE articles SET copy_of = ?2, event = ?3 WHERE id = ?1")?;
    st.execute(params![article, copy_of, event])?;
    Ok(())
}

pub(crate) fn set_annotations(c: &Connection, article: &str, ann: &Annotations) -> Result<(), StoreError> {
    let text: Option<String> =
        c.prepare_cached("SELECT text FROM articles WHERE id = ?1")?.query_row([article], |r| r.get(0)).optional()?;
    let Some(text) = text else { return Ok(()) };
    let mut st = c.prepare_cached("UPDATE articles SET annotations = ?2 WHERE id = ?1")?;
    st.execute(params![article, codec::encode_annotations(ann, Some(&text))])?;
    Ok(())
}

use crate::rows::OutletAndTime;

/// Outlet and publication time of one article, for event summaries.
pub(crate) fn outlet_and_time(c: &Connection, id: &str) -> Result<Option<OutletAndTime>, StoreError> {
    let mut st = c.prepare_cached("SELECT outlet, published FROM articles WHERE id = ?1")?;
    Ok(st.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
}

/// Keep `bytes` as the placement explanation of an article; `false` when no such article is stored.
pub(crate) fn set_explanation(c: &Connection, article: &str, bytes: Option<&[u8]>) -> Result<bool, StoreError> {
    Ok(c.prepare_cached("UPDATE articles SET explain = ?2 WHERE id = ?1")?.execute(params![article, bytes])? > 0)
}

/// The placement explanation of an article: `None` when the article is unknown, `Some(None)` when it has none.
pub(crate) fn explanation(c: &Connection, article: &str) -> Result<Option<Option<Vec<u8>>>, StoreError> {
    let mut st = c.prepare_cached("SELECT explain FROM articles WHERE id = ?1")?;
    Ok(st.query_row([article], |r| r.get(0)).optional()?)
}

/// Rewrite every article whose annotations are stored as JSON (older versions) in the binary form.
pub(crate) fn compact_all(c: &Connection) -> Result<(), StoreError> {
    let mut read = c.prepare(
        "SELECT seq, id, text, annotations FROM articles WHERE seq > ?1 AND typeof(annotations) = 'text' \
         ORDER BY seq LIMIT 256",
    )?;
    let mut write = c.prepare("UPDATE articles SET annotations = ?2 WHERE seq = ?1")?;
    let mut after = i64::MIN;
    loop {
        // Read a page, then write it: rows are not changed under a running query.
        let page = read
            .query_map([after], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<Vec<(i64, String, String, String)>, _>>()?;
        let Some(last) = page.last() else { return Ok(()) };
        after = last.0;
        for (seq, id, text, json) in page {
            let ann: Annotations =
                serde_json::from_str(&json).map_err(|e| StoreError::json(format!("annotations of article {id}"), e))?;
            write.execute(params![seq, codec::encode_annotations(&ann, Some(&text))])?;
        }
    }
}
