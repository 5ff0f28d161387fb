//! PostgreSQL: what the analysis computes, stored: events, stories, the story list, engine state.

use std::collections::{BTreeSet, HashMap};
use synoptic_model::{Event, Story};

use super::Conn;
use super::articles::cols;
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
        self.put_events(std::slice::from_ref(e))
    }

    /// Store events in one statement (as [`Conn::put_event`] each, in order: for an id given twice the
    /// last one stays); the list lines of their stories, and of the ones they left, follow.
    pub(crate) fn put_events(&self, events: &[Event]) -> Result<(), StoreError> {
        // The last of several events with one id is the one stored, at the place of the first.
        let mut place: HashMap<&str, usize> = HashMap::with_capacity(events.len());
        let mut kept: Vec<&Event> = Vec::with_capacity(events.len());
        for e in events {
            match place.get(e.id.as_str()) {
                Some(&i) => kept[i] = e,
                None => {
                    place.insert(&e.id, kept.len());
                    kept.push(e);
                }
            }
        }
        if kept.is_empty() {
            return Ok(());
        }
        let members: Vec<String> = kept.iter().flat_map(|e| e.articles.iter().cloned()).collect();
        let members = self.outlets_and_times(&members)?;
        let n = kept.len();
        let (mut id, mut story, mut title, mut first_seen, mut first_seen_ts) =
            (cols(n), cols(n), cols(n), cols(n), cols(n));
        let (mut articles, mut origins, mut bodies, mut last_seen, mut last_seen_ts, mut outlets) =
            (cols(n), cols(n), cols(n), cols(n), cols(n), cols(n));
        for e in &kept {
            let reach = rows::event_reach(&e.articles, e.first_seen, |id| Ok(members.get(id).cloned()))?;
            id.push(e.id.as_str());
            story.push(e.story.as_str());
            title.push(e.title.as_str());
            first_seen.push(ts_text(e.first_seen.as_ref()));
            first_seen_ts.push(ts_secs(e.first_seen.as_ref()));
            articles.push(count(e.articles.len()));
            origins.push(count(e.origins));
            bodies.push(encode_body("event", &e.id, e)?);
            last_seen.push(reach.last_seen_text());
            last_seen_ts.push(reach.last_seen_ts());
            outlets.push(reach.outlets_json()?);
        }
        self.write_touching(|| {
            // `before` reads the rows as they were before the insert (one snapshot for the statement).
            let rows = self.query(
                "WITH before AS (SELECT story FROM events WHERE id = ANY($1::text[])), \
                 up AS (INSERT INTO events (id, story, title, first_seen, first_seen_ts, articles, origins, body, \
                 last_seen, last_seen_ts, outlets) SELECT id, story, title, first_seen, first_seen_ts, articles, \
                 origins, body, last_seen, last_seen_ts, outlets FROM unnest($1::text[], $2::text[], $3::text[], \
                 $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bytea[], $9::text[], $10::bigint[], \
                 $11::text[]) WITH ORDINALITY AS t(id, story, title, first_seen, first_seen_ts, articles, origins, \
                 body, last_seen, last_seen_ts, outlets, pos) ORDER BY pos ON CONFLICT (id) DO UPDATE \
                 SET story = excluded.story, title = excluded.title, first_seen = excluded.first_seen, \
                 first_seen_ts = excluded.first_seen_ts, articles = excluded.articles, origins = excluded.origins, \
                 body = excluded.body, last_seen = excluded.last_seen, last_seen_ts = excluded.last_seen_ts, \
                 outlets = excluded.outlets) \
                 SELECT DISTINCT story FROM before",
                &[
                    &id,
                    &story,
                    &title,
                    &first_seen,
                    &first_seen_ts,
                    &articles,
                    &origins,
                    &bodies,
                    &last_seen,
                    &last_seen_ts,
                    &outlets,
                ],
            )?;
            let mut touched: BTreeSet<String> = story.iter().map(|s| s.to_string()).collect();
            for r in &rows {
                touched.insert(r.try_get(0)?);
            }
            Ok(touched.into_iter().collect())
        })
    }

    pub(crate) fn event(&self, id: &str) -> Result<Option<Event>, StoreError> {
        let row = self.query_opt("SELECT body FROM events WHERE id = $1", &[&id])?;
        row.map(|r| decode_body("event", id, &body(r.try_get(0)?))).transpose()
    }

    pub(crate) fn events_by_ids(&self, ids: &[String]) -> Result<Vec<Option<Event>>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.query("SELECT id, body FROM events WHERE id = ANY($1)", &[&ids])?;
        let mut found: HashMap<String, Event> = HashMap::with_capacity(rows.len());
        for r in &rows {
            let id: String = r.try_get(0)?;
            let e = decode_body("event", &id, &body(r.try_get(1)?))?;
            found.insert(id, e);
        }
        Ok(ids.iter().map(|id| found.get(id).cloned()).collect())
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
        self.put_stories(std::slice::from_ref(s))
    }

    /// Store stories and their event links in three statements (as [`Conn::put_story`] each, in order: for
    /// an id given twice the last one stays).
    pub(crate) fn put_stories(&self, stories: &[Story]) -> Result<(), StoreError> {
        let mut place: HashMap<&str, usize> = HashMap::with_capacity(stories.len());
        let mut kept: Vec<&Story> = Vec::with_capacity(stories.len());
        for s in stories {
            match place.get(s.id.as_str()) {
                Some(&i) => kept[i] = s,
                None => {
                    place.insert(&s.id, kept.len());
                    kept.push(s);
                }
            }
        }
        if kept.is_empty() {
            return Ok(());
        }
        let n = kept.len();
        let (mut id, mut title, mut bodies) = (cols(n), cols(n), cols(n));
        let (mut link_story, mut link_pos, mut link_event) = (Vec::new(), Vec::<i64>::new(), Vec::new());
        for s in &kept {
            id.push(s.id.as_str());
            title.push(s.title.as_str());
            bodies.push(encode_body("story", &s.id, s)?);
            for (pos, event) in s.events.iter().enumerate() {
                link_story.push(s.id.as_str());
                link_pos.push(count(pos));
                link_event.push(event.as_str());
            }
        }
        self.write_touching(|| {
            self.execute(
                "INSERT INTO stories (id, title, body) SELECT id, title, body FROM unnest($1::text[], $2::text[], \
                 $3::bytea[]) WITH ORDINALITY AS t(id, title, body, pos) ORDER BY pos ON CONFLICT (id) DO UPDATE \
                 SET title = excluded.title, body = excluded.body",
                &[&id, &title, &bodies],
            )?;
            self.execute("DELETE FROM story_events WHERE story = ANY($1::text[])", &[&id])?;
            self.execute(
                "INSERT INTO story_events (story, pos, event) SELECT * FROM unnest($1::text[], $2::bigint[], \
                 $3::text[]) ON CONFLICT DO NOTHING",
                &[&link_story, &link_pos, &link_event],
            )?;
            Ok(id.iter().map(|s| s.to_string()).collect())
        })
    }

    pub(crate) fn story(&self, id: &str) -> Result<Option<Story>, StoreError> {
        let row = self.query_opt("SELECT body FROM stories WHERE id = $1", &[&id])?;
        row.map(|r| decode_body("story", id, &body(r.try_get(0)?))).transpose()
    }

    pub(crate) fn stories_by_ids(&self, ids: &[String]) -> Result<Vec<Option<Story>>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.query("SELECT id, body FROM stories WHERE id = ANY($1)", &[&ids])?;
        let mut found: HashMap<String, Story> = HashMap::with_capacity(rows.len());
        for r in &rows {
            let id: String = r.try_get(0)?;
            let s = decode_body("story", &id, &body(r.try_get(1)?))?;
            found.insert(id, s);
        }
        Ok(ids.iter().map(|id| found.get(id).cloned()).collect())
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

    /// Explanations one by one (they go to their article's row); the other entries in one statement.
    pub(crate) fn put_states(&self, entries: &[(String, Vec<u8>)]) -> Result<(), StoreError> {
        let mut place: HashMap<&str, usize> = HashMap::new();
        let (mut keys, mut values): (Vec<&str>, Vec<&[u8]>) = (Vec::new(), Vec::new());
        let mut write = || {
            for (key, bytes) in entries {
                if explained(key).is_some() {
                    self.put_state(key, bytes)?;
                    continue;
                }
                match place.get(key.as_str()) {
                    Some(&i) => values[i] = bytes,
                    None => {
                        place.insert(key, keys.len());
                        keys.push(key);
                        values.push(bytes);
                    }
                }
            }
            if !keys.is_empty() {
                self.execute(
                    "INSERT INTO state (key, value) SELECT * FROM unnest($1::text[], $2::bytea[]) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    &[&keys, &values],
                )?;
            }
            Ok(())
        };
        if self.in_tx.get() { write() } else { self.atomically(&mut write) }
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

    /// Explanations one by one (they live in their article's row); the other keys in one statement.
    pub(crate) fn delete_states(&self, keys: &[String]) -> Result<(), StoreError> {
        let mut plain: Vec<&str> = Vec::with_capacity(keys.len());
        for key in keys {
            if explained(key).is_some() {
                self.delete_state(key)?;
            } else {
                plain.push(key);
            }
        }
        if !plain.is_empty() {
            self.execute("DELETE FROM state WHERE key = ANY($1::text[])", &[&plain])?;
        }
        Ok(())
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
