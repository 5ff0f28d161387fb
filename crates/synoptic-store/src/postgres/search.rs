//! PostgreSQL full-text search: user queries made into a `tsquery` that cannot be a syntax error, ranked with
//! `ts_rank` (title above text) over a bounded number of matches, with `ts_headline` snippets.

use super::Conn;
use crate::query::{Term, terms};
use crate::{SearchHit, StoreError};

/// At most this many matches (the newest) are ranked: a word found in most articles costs the same as
/// one found in a thousand. Ranking reads each match's whole `tsvector`, which is the slow part.
pub const RANKED_MATCHES: i64 = 1000;

/// One word as a quoted `tsquery` lexeme (the text-search configuration then splits and folds it as it
/// did the texts).
fn lexeme(word: &str, prefix: bool) -> String {
    let quoted = word.replace('\\', "\\\\").replace('\'', "''");
    format!("'{quoted}'{}", if prefix { ":*" } else { "" })
}

/// The `tsquery` text of a user's query: every term must match; a phrase's words follow each other; a
/// trailing `*` makes the last word a prefix. `None` when nothing in it can match.
pub(crate) fn ts_query(user: &str) -> Option<String> {
    let parts: Vec<String> = terms(user)
        .iter()
        .filter_map(|Term { text, prefix }| {
            let words: Vec<&str> = text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).collect();
            let last = words.len().checked_sub(1)?;
            let phrase: Vec<String> = words.iter().enumerate().map(|(i, w)| lexeme(w, *prefix && i == last)).collect();
            Some(if phrase.len() > 1 { format!("({})", phrase.join(" <-> ")) } else { phrase.join("") })
        })
        .collect();
    if parts.is_empty() { None } else { Some(parts.join(" & ")) }
}

impl Conn {
    pub(crate) fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        self.search_within(query, limit, usize::try_from(RANKED_MATCHES).unwrap_or(usize::MAX))
    }

    /// Rank the newest `candidates` matches, return the best `limit`.
    pub(crate) fn search_within(
        &self,
        query: &str,
        limit: usize,
        candidates: usize,
    ) -> Result<Vec<SearchHit>, StoreError> {
        let Some(q) = ts_query(query) else { return Ok(Vec::new()) };
        if limit == 0 {
            return Ok(Vec::new());
        }
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let candidates = i64::try_from(candidates).unwrap_or(i64::MAX);
        // The query is planned for its words each time (not from a cached generic plan) and the `tsquery` is
        // written where it filters: the planner then reads the words' frequencies from the column statistics and
        // walks the newest articles backwards for a common word (stopping after `candidates` matches), or
        // reads the index for a rare one. Behind a CTE or a generic plan it guessed a few hundred matches and
        // fetched every one of a common word's (all articles of the store) to keep the newest.
        let rows = self.query_planned_each_time(
            "WITH m AS MATERIALIZED (SELECT a.seq FROM articles a \
                   WHERE a.search @@ to_tsquery('synoptic_text', $1) ORDER BY a.seq DESC LIMIT $3), \
             r AS (SELECT a.seq, ts_rank(a.search, to_tsquery('synoptic_text', $1))::float8 AS rank \
                   FROM m JOIN articles a ON a.seq = m.seq ORDER BY rank DESC, a.seq LIMIT $2) \
             SELECT a.id, a.title, a.outlet, ts_headline('synoptic_text', a.text, to_tsquery('synoptic_text', $1), \
                    'StartSel=[, StopSel=], MaxWords=16, MinWords=8, MaxFragments=1, FragmentDelimiter=…'), r.rank \
             FROM r JOIN articles a ON a.seq = r.seq ORDER BY r.rank DESC, r.seq",
            &[&q, &limit, &candidates],
        )?;
        rows.iter()
            .map(|r| {
                Ok(SearchHit {
                    article: r.try_get(0)?,
                    title: r.try_get(1)?,
                    outlet: r.try_get(2)?,
                    snippet: r.try_get::<_, Option<String>>(3)?.unwrap_or_default(),
                    rank: r.try_get(4)?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::ts_query;

    #[test]
    fn user_queries_become_safe_tsqueries() {
        let cases: &[(&str, Option<&str>)] = &[
            ("ferry", Some("'ferry'")),
            ("  ferry   strike ", Some("'ferry' & 'strike'")),
            (r#""night trains" return"#, Some("('night' <-> 'trains') & 'return'")),
            (r#""night tra"*"#, Some("('night' <-> 'tra':*)")),
            ("tra*", Some("'tra':*")),
            ("F-16", Some("'F-16'")),
            ("O'Brien", Some("'O''Brien'")),
            (r"back\slash", Some(r"'back\\slash'")),
            ("title:jets", Some("'title:jets'")),
            ("", None),
            ("  * - : ( ) \"\" ", None),
        ];
        for (input, want) in cases {
            assert_eq!(ts_query(input).as_deref(), *want, "query {input:?}");
        }
    }
}
