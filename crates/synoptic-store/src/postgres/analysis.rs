//! PostgreSQL: what the analysis computes, stored: events, stories, the story list, engine state.

use synoptic_model::{Event, Story};

use super::Conn;
use crate::rows::{self, Body, decode_body, encode_body, explained};
use crate::{EventSummary, StoreError, ts_secs, ts_text};

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn body(bytes: Vec<u8>) -> Body {
    Body { bytes, deflated: true }
}

impl Conn {
    /// Store an event; the list lines of its story, and of the one it left, follow.
    pub(crate) fn put_event(&self, e: &Event) -> Result<(), StoreError> {
        let body = encode_body("event", &e.id, e)?;
        let members = self.outlets_and_times(&e.articles)?;
        let reach = rows::event_reach(&e.articles, e.first_seen, |id| Ok(members.get(id).cloned()))?;
        self.write_touching(|| self.put_event_row(e, &body, &reach))
    }

    fn put_event_row(&self, e: &Event, body: &[u8], reach: &rows::Reach) -> Result<Vec<String>, StoreError> {
        let before: Option<String> =
            self.query_opt("SELECT story FROM events WHERE id = $1", &[&e.id])?.map(|r| r.try_get(0)).transpose()?;
        self.execute(
            "INSERT INTO events (id, story, title, first_seen, first_seen_ts, articles, origins, body, last_seen, \
             last_seen_ts, outlets) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO UPDATE \
             SET story = excluded.story, title = excluded.title, first_seen = excluded.first_seen, \
             first_seen_ts = excluded.first_seen_ts, articles = excluded.articles, origins = excluded.origins, \
             body = excluded.body, last_seen = excluded.last_seen, last_seen_ts = excluded.last_seen_ts, \
             outlets = excluded.outlets",
            &[
                &e.id,
                &e.story,
                &e.title,
                &ts_text(e.first_seen.as_ref()),
                &ts_secs(e.first_seen.as_ref()),
                &count(e.articles.len()),
                &count(e.origins),
                &body,
                &reach.last_seen_text(),
                &reach.last_seen_ts(),
                &reach.outlets_json()?,
            ],
        )?;
        let mut touched = vec![e.story.clone()];
        touched.extend(before.filter(|b| *b != e.story));
        Ok(touched)
    }

    pub(crate) fn event(&self, id: &str) -> Result<Option<Event>, StoreError> {
        let row = self.query_opt("SELECT body FROM events WHERE id = $1", &[&id])?;
        row.map(|r| decode_body("event", id, &body(r.try_get(0)?))).transpose()
    }

    pub(crate) fn event_ids(&self) -> Result<Vec<String>, StoreError> {
        let rows = self.query("SELECT id FROM events ORDER BY seq", &[])?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    pub(crate) fn events(&self) -> Result<Vec<Event>, StoreError> {
        let rows = self.query("SELECT id, body FROM events ORDER BY first_seen_ts IS NULL, first_seen_ts, seq", &[])?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get(0)?;
                decode_body("event", &id, &body(r.try_get(1)?))
            })
            .collect()
    }

    pub(crate) fn event_summaries(&self) -> Result<Vec<EventSummary>, StoreError> {
        let rows = self.query(
            "SELECT id, story, title, articles, origins, outlets, first_seen, last_seen FROM events \
             ORDER BY last_seen_ts IS NULL, last_seen_ts DESC, seq DESC",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                rows::event_summary((
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                    r.try_get(4)?,
                    r.try_get(5)?,
                    r.try_get(6)?,
                    r.try_get(7)?,
                ))
            })
            .collect()
    }

    pub(crate) fn delete_event(&self, id: &str) -> Result<bool, StoreError> {
        let mut found = false;
        self.write_touching(|| {
            let story: Option<String> = self
                .query_opt("DELETE FROM events WHERE id = $1 RETURNING story", &[&id])?
                .map(|r| r.try_get(0))
                .transpose()?;
            found = story.is_some();
            Ok(story.into_iter().collect())
        })?;
        Ok(found)
    }

    pub(crate) fn put_story(&self, s: &Story) -> Result<(), StoreError> {
        let body = encode_body("story", &s.id, s)?;
        self.write_touching(|| {
            self.execute(
                "INSERT INTO stories (id, title, body) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET \
                 title = excluded.title, body = excluded.body",
                &[&s.id, &s.title, &body],
            )?;
            self.execute("DELETE FROM story_events WHERE story = $1", &[&s.id])?;
            self.execute(
                "INSERT INTO story_events (story, pos, event) SELECT $1, t.pos - 1, t.event \
                 FROM unnest($2::text[]) WITH ORDINALITY AS t(event, pos) ON CONFLICT DO NOTHING",
                &[&s.id, &s.events],
            )?;
            Ok(vec![s.id.clone()])
        })
    }

    pub(crate) fn story(&self, id: &str) -> Result<Option<Story>, StoreError> {
        let row = self.query_opt("SELECT body FROM stories WHERE id = $1", &[&id])?;
        row.map(|r| decode_body("story", id, &body(r.try_get(0)?))).transpose()
    }

    pub(crate) fn all_stories(&self) -> Result<Vec<Story>, StoreError> {
        let rows = self.query("SELECT id, body FROM stories ORDER BY seq", &[])?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get(0)?;
                decode_body("story", &id, &body(r.try_get(1)?))
            })
            .collect()
    }

    pub(crate) fn delete_story(&self, id: &str) -> Result<bool, StoreError> {
        self.atomically(|| {
            self.execute("DELETE FROM story_events WHERE story = $1", &[&id])?;
            Ok(self.execute("DELETE FROM stories WHERE id = $1", &[&id])? > 0)
        })
    }

    pub(crate) fn reset_analysis(&self) -> Result<(), StoreError> {
        self.atomically(|| {
            self.batch(
                "DELETE FROM story_events; DELETE FROM stories; DELETE FROM events; DELETE FROM state; \
                 UPDATE articles SET copy_of = NULL, event = NULL, explain = NULL \
                 WHERE copy_of IS NOT NULL OR event IS NOT NULL OR explain IS NOT NULL;",
            )
        })
    }

    pub(crate) fn put_state(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        if let Some(id) = explained(key)
            && self.set_explanation(id, bytes)?
        {
            self.execute("DELETE FROM state WHERE key = $1", &[&key])?;
            return Ok(());
        }
        self.execute(
            "INSERT INTO state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&key, &bytes],
        )?;
        Ok(())
    }

    pub(crate) fn state(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        if let Some(id) = explained(key)
            && let Some(Some(bytes)) = self.explanation_row(id)?
        {
            return Ok(Some(bytes));
        }
        Ok(self.query_opt("SELECT value FROM state WHERE key = $1", &[&key])?.map(|r| r.try_get(0)).transpose()?)
    }

    pub(crate) fn state_keys(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let rows = self.query("SELECT key FROM state WHERE starts_with(key, $1) ORDER BY key", &[&prefix])?;
        Ok(rows.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?)
    }

    pub(crate) fn delete_state(&self, key: &str) -> Result<bool, StoreError> {
        let in_row = match explained(key) {
            Some(id) => {
                self.execute("UPDATE articles SET explain = NULL WHERE id = $1 AND explain IS NOT NULL", &[&id])? > 0
            }
            None => false,
        };
        Ok(self.execute("DELETE FROM state WHERE key = $1", &[&key])? > 0 || in_row)
    }
}
