//! SQLite full-text search: user queries made safe for FTS5, ranked by BM25 (or newest first when a word is
//! too common to rank every match), with marked snippets made only for the hits returned.

use rusqlite::{Connection, OptionalExtension, params};

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

/// Most articles holding one word of a query before [`crate::Db::search`] stops ranking by relevance and
/// returns the newest matches instead (see [`crate::Db::search_within`]).
pub const SEARCH_CANDIDATES: usize = 2000;

/// The words and phrases of an FTS5 query made by [`fts_query`], each as a query of its own.
fn phrases(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = q;
    while let Some(open) = rest.find('"') {
        // Quotes inside a phrase are doubled: the phrase ends at a quote not followed by another.
        let body = &rest[open + 1..];
        let mut end = 0;
        let bytes = body.as_bytes();
        while end < bytes.len() {
            if bytes[end] == b'"' {
                if bytes.get(end + 1) == Some(&b'"') {
                    end += 2;
                    continue;
                }
                break;
            }
            end += 1;
        }
        let close = (open + 1 + end + 1).min(rest.len());
        let star = rest[close..].starts_with('*');
        let stop = if star { close + 1 } else { close };
        out.push(rest[open..stop].to_string());
        rest = &rest[stop..];
    }
    out
}

pub(crate) fn search(
    c: &Connection,
    query: &str,
    limit: usize,
    candidates: usize,
) -> Result<Vec<SearchHit>, StoreError> {
    let Some(q) = fts_query(query) else { return Ok(Vec::new()) };
    if limit == 0 {
        return Ok(Vec::new());
    }
    let limit_sql = i64::try_from(limit).unwrap_or(i64::MAX);
    let cap = i64::try_from(candidates).unwrap_or(i64::MAX);
    // BM25 counts every article holding each phrase: affordable only when each is in at most `cap`.
    // Each count stops at `cap + 1`.
    let mut count =
        c.prepare_cached("SELECT count(*) FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?1 LIMIT ?2)")?;
    let mut common = false;
    for p in phrases(&q) {
        let n: i64 = count.query_row(params![p, cap.saturating_add(1)], |r| r.get(0))?;
        if n > cap {
            common = true;
            break;
        }
    }
    let ranked: Vec<(i64, f64)> = if common {
        // Newest matches first: the index is walked backwards and stops after `limit`.
        let mut st = c.prepare_cached(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2",
        )?;
        let rows = st.query_map(params![q, limit_sql], |r| Ok((r.get::<_, i64>(0)?, 0.0)))?;
        rows.collect::<Result<_, _>>()?
    } else {
        let mut st = c.prepare_cached(
            "SELECT rowid, bm25(articles_fts, 2.0, 1.0) FROM articles_fts WHERE articles_fts MATCH ?1 \
             ORDER BY bm25(articles_fts, 2.0, 1.0), rowid LIMIT ?2",
        )?;
        let rows = st.query_map(params![q, limit_sql], |r| Ok((r.get::<_, i64>(0)?, -r.get::<_, f64>(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    // Snippets only for the hits shown, one index seek each.
    let mut st = c.prepare_cached(
        "SELECT a.id, a.title, a.outlet, snippet(articles_fts, -1, '[', ']', '…', 16) \
         FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid \
         WHERE articles_fts MATCH ?1 AND articles_fts.rowid = ?2",
    )?;
    let mut hits = Vec::with_capacity(ranked.len());
    for (seq, rank) in ranked {
        let hit = st
            .query_row(params![q, seq], |r| {
                Ok(SearchHit {
                    article: r.get(0)?,
                    title: r.get(1)?,
                    outlet: r.get(2)?,
                    snippet: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    rank,
                })
            })
            .optional()?;
        hits.extend(hit);
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::{fts_query, phrases};

    #[test]
    fn queries_split_into_their_phrases() {
        for (user, want) in [
            ("ferry strike", vec![r#""ferry""#, r#""strike""#]),
            (r#""night trains" tra*"#, vec![r#""night trains""#, r#""tra"*"#]),
            (r#"say"hi"#, vec![r#""say""#, r#""hi""#]),
            (r#"a""b"#, vec![r#""a""#, r#""b""#]),
        ] {
            let q = fts_query(user).unwrap();
            assert_eq!(phrases(&q), want, "{user:?} -> {q}");
        }
        // Doubled quotes stay inside their phrase.
        assert_eq!(phrases(r#""it""s" "x""#), vec![r#""it""s""#, r#""x""#]);
    }

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
