//! The SQLite backend: one connection on `synoptic.db` (WAL, FTS5), and every statement the store runs on it.

pub(crate) mod analysis;
pub(crate) mod articles;
pub(crate) mod feeds;
pub(crate) mod lists;
pub mod schema;
pub(crate) mod search;

use rusqlite::Connection;
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use synoptic_model::{Annotations, Event, Story};

use crate::lists::{StoryCursor, StoryPage};
use crate::{EventSummary, FeedState, NewArticle, SearchHit, StoreError, StoredArticle, StorySummary};

/// One SQLite connection with what the store keeps beside it.
#[derive(Debug)]
pub(crate) struct Conn {
    conn: Connection,
    /// The database file; `None` in memory.
    path: Option<PathBuf>,
    /// The first article inserted in the open transaction and not yet in the full-text index: the index
    /// is brought up to date before commit (and before a search), in one statement.
    unindexed: Cell<Option<i64>>,
    /// Stories whose list line an event or story write of the open transaction changed: recomputed once
    /// each before commit (and before a list read inside it).
    stale_stories: RefCell<BTreeSet<String>>,
}

impl Conn {
    /// Open (creating when missing) the database file at `path`, in WAL mode, migrated to the current schema.
    pub(crate) fn open(path: PathBuf) -> Result<Conn, StoreError> {
        let conn = Connection::open(&path).map_err(|e| StoreError::from(e).at(Some(&path)))?;
        let setup = schema::precheck(&conn, &path)
            .and_then(|()| schema::configure(&conn, true))
            .and_then(|()| schema::migrate(&conn, &path));
        setup.map_err(|e| e.at(Some(&path)))?;
        Ok(Conn::new(conn, Some(path)))
    }

    pub(crate) fn open_in_memory() -> Result<Conn, StoreError> {
        let conn = Connection::open_in_memory()?;
        schema::configure(&conn, false)?;
        schema::migrate(&conn, Path::new(":memory:"))?;
        Ok(Conn::new(conn, None))
    }

    fn new(conn: Connection, path: Option<PathBuf>) -> Conn {
        Conn { conn, path, unindexed: Cell::new(None), stale_stories: RefCell::new(BTreeSet::new()) }
    }

    fn run<T>(&self, f: impl FnOnce(&Connection) -> Result<T, StoreError>) -> Result<T, StoreError> {
        f(&self.conn).map_err(|e| e.at(self.path.as_deref()))
    }

    // ---- transactions ----

    pub(crate) fn begin_write(&self) -> Result<(), StoreError> {
        self.unindexed.set(None);
        self.stale_stories.borrow_mut().clear();
        self.run(|c| Ok(c.execute_batch("BEGIN IMMEDIATE")?))
    }

    /// Bring the full-text index up to date: the last step before commit.
    pub(crate) fn before_commit(&self) -> Result<(), StoreError> {
        self.index_pending()?;
        self.summarize_pending()
    }

    pub(crate) fn commit(&self) -> Result<(), StoreError> {
        self.unindexed.set(None);
        self.stale_stories.borrow_mut().clear();
        self.run(|c| Ok(c.execute_batch("COMMIT")?))
    }

    pub(crate) fn rollback(&self) -> Result<(), StoreError> {
        self.unindexed.set(None);
        self.stale_stories.borrow_mut().clear();
        if self.conn.is_autocommit() {
            return Ok(());
        }
        self.run(|c| Ok(c.execute_batch("ROLLBACK")?))
    }

    pub(crate) fn begin_read(&self) -> Result<(), StoreError> {
        self.run(|c| {
            c.pragma_update(None, "query_only", true)?;
            if let Err(e) = c.execute_batch("BEGIN DEFERRED") {
                let _ = c.pragma_update(None, "query_only", false);
                return Err(e.into());
            }
            Ok(())
        })
    }

    pub(crate) fn end_read(&self) -> Result<(), StoreError> {
        self.run(|c| {
            let out = if c.is_autocommit() { Ok(()) } else { c.execute_batch("ROLLBACK") };
            let reset = c.pragma_update(None, "query_only", false);
            out?;
            Ok(reset?)
        })
    }

    pub(crate) fn close(self) -> Result<(), StoreError> {
        let path = self.path;
        self.conn.close().map_err(|(_, e)| StoreError::from(e).at(path.as_deref()))
    }

    /// Run a write that changes the list lines of the stories it returns: outside a transaction the write
    /// and the new lines commit together; inside one, the lines are recomputed before it commits.
    fn write_touching(&self, f: impl FnOnce(&Connection) -> Result<Vec<String>, StoreError>) -> Result<(), StoreError> {
        if self.conn.is_autocommit() {
            return self.run(|c| {
                atomically(c, |c| {
                    for id in f(c)? {
                        lists::summarize_story(c, &id)?;
                    }
                    Ok(())
                })
            });
        }
        let touched = self.run(f)?;
        self.stale_stories.borrow_mut().extend(touched);
        Ok(())
    }

    /// Recompute the list lines of the stories written in the open transaction.
    fn summarize_pending(&self) -> Result<(), StoreError> {
        let stale = std::mem::take(&mut *self.stale_stories.borrow_mut());
        for id in stale {
            self.run(|c| lists::summarize_story(c, &id))?;
        }
        Ok(())
    }

    /// Add the articles inserted since the last call to the full-text index (see [`articles::index_from`]).
    fn index_pending(&self) -> Result<(), StoreError> {
        match self.unindexed.get() {
            Some(seq) => {
                self.run(|c| articles::index_from(c, seq))?;
                self.unindexed.set(None);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Insert articles. Inside a transaction they are indexed before it commits; outside one, the rows and
    /// their index entries commit together here.
    pub(crate) fn insert_articles(&self, batch: &[NewArticle<'_>]) -> Result<Vec<bool>, StoreError> {
        if !self.conn.is_autocommit() {
            return self.insert_rows(batch);
        }
        let out =
            self.run(|c| atomically(c, |_| self.insert_rows(batch).and_then(|r| self.index_pending().map(|()| r))));
        self.unindexed.set(None);
        out
    }

    fn insert_rows(&self, batch: &[NewArticle<'_>]) -> Result<Vec<bool>, StoreError> {
        let mut added = Vec::with_capacity(batch.len());
        for new in batch {
            let seq = self.run(|c| articles::insert_placed(c, new))?;
            if let Some(seq) = seq
                && self.unindexed.get().is_none()
            {
                self.unindexed.set(Some(seq));
            }
            added.push(seq.is_some());
        }
        Ok(added)
    }

    pub(crate) fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub(crate) fn schema_version(&self) -> Result<u32, StoreError> {
        self.run(schema::version)
    }

    pub(crate) fn schema_dump(&self) -> Result<Vec<String>, StoreError> {
        self.run(schema::dump)
    }

    pub(crate) fn optimize(&self) -> Result<(), StoreError> {
        self.run(|c| {
            c.execute_batch("INSERT INTO articles_fts(articles_fts) VALUES ('optimize'); PRAGMA optimize;")?;
            if self.path.is_some() {
                c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            }
            Ok(())
        })
    }

    pub(crate) fn check_integrity(&self) -> Result<(), StoreError> {
        self.run(|c| {
            let problems = {
                let mut st = c.prepare("PRAGMA integrity_check")?;
                st.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?
            };
            if problems.len() == 1 && problems[0] == "ok" {
                // The full-text index against the article texts it was built from.
                return match c.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)", [])
                {
                    Ok(_) => Ok(()),
                    Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
                        let path = self.path.clone().unwrap_or_else(|| PathBuf::from(":memory:"));
                        Err(StoreError::Corrupt { path, reason: format!("full-text index: {e}") })
                    }
                    Err(e) => Err(e.into()),
                };
            }
            let path = self.path.clone().unwrap_or_else(|| PathBuf::from(":memory:"));
            Err(StoreError::Corrupt { path, reason: problems.join("; ") })
        })
    }

    pub(crate) fn set_explanation(&self, article: &str, bytes: &[u8]) -> Result<bool, StoreError> {
        self.run(|c| articles::set_explanation(c, article, Some(bytes)))
    }

    pub(crate) fn explanation(&self, article: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.run(|c| Ok(articles::explanation(c, article)?.flatten()))
    }

    pub(crate) fn contains_article(&self, id: &str) -> Result<bool, StoreError> {
        self.run(|c| articles::contains(c, id))
    }

    pub(crate) fn contains_articles(&self, ids: &[String]) -> Result<Vec<bool>, StoreError> {
        self.run(|c| ids.iter().map(|id| articles::contains(c, id)).collect())
    }

    pub(crate) fn article(&self, id: &str) -> Result<Option<StoredArticle>, StoreError> {
        self.run(|c| articles::get(c, id))
    }

    pub(crate) fn articles_by_ids(&self, ids: &[String]) -> Result<Vec<StoredArticle>, StoreError> {
        self.run(|c| articles::by_ids(c, ids))
    }

    pub(crate) fn articles(&self) -> Result<Vec<synoptic_model::Article>, StoreError> {
        self.run(articles::all)
    }

    pub(crate) fn articles_after(&self, after: u64, limit: usize) -> Result<Vec<StoredArticle>, StoreError> {
        self.run(|c| articles::after(c, after, limit))
    }

    pub(crate) fn article_count(&self) -> Result<usize, StoreError> {
        self.run(articles::count)
    }

    pub(crate) fn set_placement(&self, article: &str, copy_of: Option<&str>, event: &str) -> Result<(), StoreError> {
        self.run(|c| articles::set_placement(c, article, copy_of, Some(event)))
    }

    pub(crate) fn set_annotations(&self, article: &str, ann: &Annotations) -> Result<(), StoreError> {
        self.run(|c| articles::set_annotations(c, article, ann))
    }

    pub(crate) fn put_event(&self, e: &Event) -> Result<(), StoreError> {
        self.write_touching(|c| analysis::put_event(c, e))
    }

    pub(crate) fn events_by_ids(&self, ids: &[String]) -> Result<Vec<Option<Event>>, StoreError> {
        self.run(|c| ids.iter().map(|id| analysis::event(c, id)).collect())
    }

    pub(crate) fn members_of(&self, events: &[String]) -> Result<Vec<Vec<StoredArticle>>, StoreError> {
        self.run(|c| events.iter().map(|id| articles::members(c, id)).collect())
    }

    pub(crate) fn put_events(&self, events: &[Event]) -> Result<(), StoreError> {
        self.write_touching(|c| {
            let mut touched = Vec::new();
            for e in events {
                touched.extend(analysis::put_event(c, e)?);
            }
            Ok(touched)
        })
    }

    pub(crate) fn event(&self, id: &str) -> Result<Option<Event>, StoreError> {
        self.run(|c| analysis::event(c, id))
    }

    pub(crate) fn events(&self) -> Result<Vec<Event>, StoreError> {
        self.run(analysis::events)
    }

    pub(crate) fn event_ids(&self) -> Result<Vec<String>, StoreError> {
        self.run(analysis::event_ids)
    }

    pub(crate) fn event_summaries(&self) -> Result<Vec<EventSummary>, StoreError> {
        self.run(analysis::event_summaries)
    }

    pub(crate) fn event_members(&self, id: &str) -> Result<Vec<StoredArticle>, StoreError> {
        self.run(|c| articles::members(c, id))
    }

    pub(crate) fn delete_event(&self, id: &str) -> Result<bool, StoreError> {
        let mut found = false;
        self.write_touching(|c| {
            let story = analysis::delete_event(c, id)?;
            found = story.is_some();
            Ok(story.into_iter().collect())
        })?;
        Ok(found)
    }

    pub(crate) fn put_story(&self, s: &Story) -> Result<(), StoreError> {
        self.write_touching(|c| analysis::put_story(c, s).map(|()| vec![s.id.clone()]))
    }

    pub(crate) fn stories_by_ids(&self, ids: &[String]) -> Result<Vec<Option<Story>>, StoreError> {
        self.run(|c| ids.iter().map(|id| analysis::story(c, id)).collect())
    }

    pub(crate) fn put_stories(&self, stories: &[Story]) -> Result<(), StoreError> {
        self.write_touching(|c| {
            stories.iter().try_for_each(|s| analysis::put_story(c, s))?;
            Ok(stories.iter().map(|s| s.id.clone()).collect())
        })
    }

    pub(crate) fn story(&self, id: &str) -> Result<Option<Story>, StoreError> {
        self.run(|c| analysis::story(c, id))
    }

    pub(crate) fn all_stories(&self) -> Result<Vec<Story>, StoreError> {
        self.run(analysis::all_stories)
    }

    pub(crate) fn stories(&self) -> Result<Vec<StorySummary>, StoreError> {
        self.summarize_pending()?;
        self.run(analysis::stories)
    }

    pub(crate) fn stories_page(&self, after: Option<StoryCursor>, limit: usize) -> Result<StoryPage, StoreError> {
        self.summarize_pending()?;
        self.run(|c| lists::stories_page(c, after, limit))
    }

    pub(crate) fn story_count(&self) -> Result<usize, StoreError> {
        self.run(lists::story_count)
    }

    pub(crate) fn recent_events(&self, limit: usize) -> Result<Vec<EventSummary>, StoreError> {
        self.run(|c| lists::recent_events(c, limit))
    }

    /// `PRAGMA data_version`: changes when another connection committed.
    pub(crate) fn data_version(&self) -> Result<u64, StoreError> {
        self.run(|c| {
            let v: i64 = c.query_row("PRAGMA data_version", [], |r| r.get(0))?;
            Ok(v.unsigned_abs())
        })
    }

    pub(crate) fn delete_story(&self, id: &str) -> Result<bool, StoreError> {
        self.run(|c| analysis::delete_story(c, id))
    }

    pub(crate) fn reset_analysis(&self) -> Result<(), StoreError> {
        self.run(analysis::reset)
    }

    pub(crate) fn put_state(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.run(|c| analysis::put_state(c, key, bytes))
    }

    pub(crate) fn delete_states(&self, keys: &[String]) -> Result<(), StoreError> {
        keys.iter().try_for_each(|k| self.delete_state(k).map(drop))
    }

    pub(crate) fn put_states(&self, entries: &[(String, Vec<u8>)]) -> Result<(), StoreError> {
        self.run(|c| atomically(c, |c| entries.iter().try_for_each(|(k, v)| analysis::put_state(c, k, v))))
    }

    pub(crate) fn state(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.run(|c| analysis::state(c, key))
    }

    pub(crate) fn state_keys(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        self.run(|c| analysis::state_keys(c, prefix))
    }

    pub(crate) fn delete_state(&self, key: &str) -> Result<bool, StoreError> {
        self.run(|c| analysis::delete_state(c, key))
    }

    /// Delete `key` only when its value is still `expected` (see `crate::lease`).
    pub(crate) fn delete_state_if(&self, key: &str, expected: &[u8]) -> Result<bool, StoreError> {
        self.run(|c| {
            Ok(c.prepare_cached("DELETE FROM state WHERE key = ?1 AND value = ?2")?
                .execute(rusqlite::params![key, expected])?
                > 0)
        })
    }

    pub(crate) fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        self.search_within(query, limit, search::SEARCH_CANDIDATES)
    }

    pub(crate) fn search_within(
        &self,
        query: &str,
        limit: usize,
        candidates: usize,
    ) -> Result<Vec<SearchHit>, StoreError> {
        self.index_pending()?;
        self.run(|c| search::search(c, query, limit, candidates))
    }

    pub(crate) fn put_feed_state(&self, f: &FeedState) -> Result<(), StoreError> {
        self.run(|c| feeds::put(c, f))
    }

    pub(crate) fn feed_state(&self, url: &str) -> Result<Option<FeedState>, StoreError> {
        self.run(|c| feeds::get(c, url))
    }

    pub(crate) fn feed_states(&self) -> Result<Vec<FeedState>, StoreError> {
        self.run(feeds::all)
    }
}

/// Run several statements as one unit, inside or outside a transaction.
pub(crate) fn atomically<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    conn.execute_batch("SAVEPOINT synoptic_write")?;
    match f(conn) {
        Ok(v) => {
            conn.execute_batch("RELEASE synoptic_write")?;
            Ok(v)
        }
        Err(e) => {
            // The original error matters more than a failure to roll back.
            let _ = conn.execute_batch("ROLLBACK TO synoptic_write; RELEASE synoptic_write");
            Err(e)
        }
    }
}
