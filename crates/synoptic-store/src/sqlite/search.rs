//! SQLite full-text search: user queries made safe for FTS5, ranked by BM25, with marked snippets.

use rusqlite::{Connection, params};

use crate::{SearchHit, StoreError};

/// Turn a user's query into an FTS5 query that cannot be a syntax error, or `None` when nothing in it
/// can match.
///
/// Each word becomes a quoted string (FTS5 then splits it into tokens the way it split the texts, so
/// `F-16` matches "F-16"), all words must match; `"several words"` is a phrase; a trailing `*` asks for a
/// prefix. Everything else — operators, column filters, parentheses, stray quotes — is taken as text.
pub fn fts_query(user: &str) -> Option<String> {
    let parts: Vec<String> = crate::query::terms(user)
        .into_iter()
        .map(|t| format!("\"{}\"{}", t.text.replace('"', "\"\""), if t.prefix { "*" } else { "" }))
        .collect();
    if parts.is_empty() { None } else { Some(parts.join(" ")) }
}

pub(crate) fn search(c: &Connection, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
    let Some(q) = fts_query(query) else { return Ok(Vec::new()) };
    if limit == 0 {
        return Ok(Vec::new());
    }
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut st = c.prepare_cached(
        "SELECT a.id, a.title, a.outlet, snippet(articles_fts, -1, '[', ']', '…', 16), bm25(articles_fts, 2.0, 1.0) \
         FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid WHERE articles_fts MATCH ?1 \
         ORDER BY bm25(articles_fts, 2.0, 1.0), a.seq LIMIT ?2",
    )?;
    let hits = st.query_map(params![q, limit], |r| {
        Ok(SearchHit {
            article: r.get(0)?,
            title: r.get(1)?,
            outlet: r.get(2)?,
            snippet: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
            rank: -r.get::<_, f64>(4)?,
        })
    })?;
    Ok(hits.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn user_queries_become_safe_fts_queries() {
        let cases: &[(&str, Option<&str>)] = &[
            ("ferry", Some(r#""ferry""#)),
            ("  ferry   strike ", Some(r#""ferry" "strike""#)),
            (r#""night trains" return"#, Some(r#""night trains" "return""#)),
            (r#""night tra"*"#, Some(r#""night tra"*"#)),
            ("tra*", Some(r#""tra"*"#)),
            ("tra**", Some(r#""tra"*"#)),
            ("F-16", Some(r#""F-16""#)),
            ("-jets", Some(r#""-jets""#)),
            ("title:jets", Some(r#""title:jets""#)),
            (r#"say"hi"#, Some(r#""say" "hi""#)),
            (r#""unbalanced phrase"#, Some(r#""unbalanced phrase""#)),
            ("NEAR(a b)", Some(r#""NEAR(a" "b)""#)),
            ("OR", Some(r#""OR""#)),
            ("a\0b\tc", Some(r#""a" "b" "c""#)),
            ("", None),
            ("  * - : ( ) \"\" ", None),
        ];
        for (input, want) in cases {
            assert_eq!(fts_query(input).as_deref(), *want, "query {input:?}");
        }
    }
}
