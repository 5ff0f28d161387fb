//! Articles into the store: drop what is stored, order, annotate, place (copies, events, stories) and store
//! in batches; the synopses of the events a batch touched are marked pending, to be rebuilt by
//! [`crate::synopses::refresh_pending`].
//!
//! Two stages run at once: worker threads annotate and prepare (tokenize, sign) the next batch while this
//! thread places the current one in the engine and commits it. Placement is sequential — the engine is one
//! online state — so results are the same whatever the number of threads.
//!
//! Crash safety: each batch commits in one transaction holding its articles, their placements and a
//! pending marker per touched event. An article is reported ingested only after its batch committed, so a
//! `kill -9` at any point leaves a store that holds every reported article; the next run drops what is
//! stored and goes on with the rest, and the pending markers say which synopses are stale.
//!
//! The engine (copies index, open events and stories) is saved as a snapshot with the ingest sequence
//! number it reflects, every [`IngestOptions::snapshot_every`] articles and when an [`Ingester`] finishes —
//! not every batch, because a snapshot holds the whole active window. Opening restores the snapshot and
//! replays the articles stored after it (their annotations are stored), so the engine always agrees with
//! the store, even after a kill between snapshots.

use std::collections::{BTreeMap, HashSet};
use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant};

use serde::Serialize;
use synoptic_analyze::cluster::{Engine, EngineConfig, Explanation, Merge, Placement, processing_order};
use synoptic_analyze::compare::SynopsisOptions;
use synoptic_model::{Annotations, Article};
use synoptic_store::{Db, NewArticle, Store, StoreError};

use crate::par;
pub use crate::synopses::{PENDING_PREFIX, refresh_event, refresh_story};

/// Key of the engine's state in the store.
pub const ENGINE_STATE: &str = "engine";

/// Key of the ingest sequence number (decimal) of the last article the engine snapshot reflects.
pub const ENGINE_SEQ: &str = "engine.seq";

/// Key prefix of an article's placement explanation in the store (`explain/<article id>`).
pub const EXPLAIN_PREFIX: &str = "explain/";

/// Input ids checked against the store per query.
const CONTAINS_CHUNK: usize = 5_000;

/// How articles are ingested.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Articles per transaction.
    pub batch_size: usize,
    pub engine: EngineConfig,
    pub synopsis: SynopsisOptions,
    /// Save the engine snapshot after this many new articles (and when the ingester finishes). After a
    /// crash, at most this many articles are replayed into the engine on the next start.
    pub snapshot_every: usize,
    /// Worker threads for the pure per-article work and for synopses; 0 means all cores.
    pub threads: usize,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            batch_size: 500,
            engine: EngineConfig::default(),
            synopsis: SynopsisOptions::default(),
            snapshot_every: 20_000,
            threads: 0,
        }
    }
}

/// Time spent in each stage. `read` and `extract` are filled by callers that read inputs. Stages that run
/// on worker threads (annotate, compare) count the threads' summed busy time, so the stages add up to more
/// than the wall time when threads overlap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct StageTimings {
    pub read: Duration,
    pub extract: Duration,
    pub cluster: Duration,
    pub annotate: Duration,
    pub compare: Duration,
    pub store: Duration,
}

impl StageTimings {
    pub fn add(&mut self, other: &StageTimings) {
        self.read += other.read;
        self.extract += other.extract;
        self.cluster += other.cluster;
        self.annotate += other.annotate;
        self.compare += other.compare;
        self.store += other.store;
    }

    pub fn total(&self) -> Duration {
        self.read + self.extract + self.cluster + self.annotate + self.compare + self.store
    }

    /// Stage names with their times, in pipeline order.
    pub fn stages(&self) -> [(&'static str, Duration); 6] {
        [
            ("read", self.read),
            ("clean/extract", self.extract),
            ("annotate+prepare", self.annotate),
            ("copies+cluster", self.cluster),
            ("store", self.store),
            ("synopses", self.compare),
        ]
    }
}

/// What one ingest did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IngestReport {
    /// Articles handed in.
    pub given: usize,
    /// Articles newly stored.
    pub ingested: usize,
    /// Articles already stored (or repeated within the input): nothing added.
    pub duplicates: usize,
    /// Of the ingested, how many were found to be copies of an earlier article.
    pub copies: usize,
    pub new_events: usize,
    pub new_stories: usize,
    /// Events whose synopses were rebuilt.
    pub events_touched: usize,
    /// Ids of the newly stored articles, in processing order.
    pub ingested_ids: Vec<String>,
    /// Things worth telling the user that did not stop the run (e.g. an unreadable engine state).
    pub warnings: Vec<String>,
    pub timings: StageTimings,
}

impl IngestReport {
    pub fn merge(&mut self, other: IngestReport) {
        self.given += other.given;
        self.ingested += other.ingested;
        self.duplicates += other.duplicates;
        self.copies += other.copies;
        self.new_events += other.new_events;
        self.new_stories += other.new_stories;
        self.events_touched += other.events_touched;
        self.ingested_ids.extend(other.ingested_ids);
        self.warnings.extend(other.warnings);
        self.timings.add(&other.timings);
    }
}

/// A batch that committed: its articles are now in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchDone {
    /// Articles in this batch.
    pub articles: usize,
    /// Articles committed so far in this call.
    pub committed: usize,
}

/// Why an ingest stopped. Batches committed before the error stay stored.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// Ingest `articles` into `store` in one go (open, ingest, rebuild the synopses, finish); see the module
/// documentation.
pub fn ingest_articles(
    store: &mut Store,
    articles: Vec<Article>,
    opts: &IngestOptions,
) -> Result<IngestReport, IngestError> {
    ingest_articles_with(store, articles, opts, &mut |_| {})
}

/// [`ingest_articles`], calling `on_batch` after each batch commits.
pub fn ingest_articles_with(
    store: &mut Store,
    articles: Vec<Article>,
    opts: &IngestOptions,
    on_batch: &mut dyn FnMut(BatchDone),
) -> Result<IngestReport, IngestError> {
    // The writer lease for the run, when the caller does not hold it already (a standby waits here).
    let took_lease = store.writer_epoch().is_none();
    if took_lease {
        store.acquire_writer(None, &mut || {})?;
    }
    let run = |store: &mut Store| -> Result<IngestReport, IngestError> {
        let mut ingester = Ingester::open(store, opts.clone())?;
        let mut report = ingester.ingest(store, articles, on_batch)?;
        ingester.finish(store)?;
        ingester.refresh(store, &mut report)?;
        report.warnings.splice(0..0, ingester.warnings);
        Ok(report)
    };
    let out = run(store);
    if took_lease {
        store.release_writer();
    }
    out
}

/// An article ready to be placed: the pure work done on a worker thread.
struct Ready {
    annotations: Annotations,
    prepared: synoptic_analyze::cluster::Prepared,
}

/// A run of ingests that keeps one engine in memory between calls (the command line feeds a large input
/// through it in parts); see the module documentation for snapshots and replay.
pub struct Ingester {
    engine: Engine,
    opts: IngestOptions,
    /// New articles since the last snapshot.
    unsaved: usize,
    /// Ingest sequence number of the last article the engine has seen.
    last_seq: u64,
    /// Problems met while opening (an unusable snapshot).
    pub warnings: Vec<String>,
    /// The writer epoch the store handle held when this ingester was opened: every commit is fenced on it
    /// (refused once another process took the lease). `None` for a private store nobody else writes.
    fenced: Option<u64>,
}

impl Ingester {
    /// Restore the engine from the store: its snapshot, then the articles stored after it. Synopses left
    /// pending by an earlier run stay pending until [`Ingester::refresh`] (or any reader that refreshes).
    ///
    /// Many processes: take the writer lease first ([`Store::acquire_writer`]); the ingester then commits
    /// only while the handle holds it (each batch is fenced), and the engine restored here is the one
    /// clustering state. Without the lease, the ingester is unfenced (a private or temporary store).
    pub fn open(store: &mut Store, opts: IngestOptions) -> Result<Ingester, IngestError> {
        let fenced = store.writer_epoch();
        let mut warnings = Vec::new();
        let seq: u64 = store
            .state(ENGINE_SEQ)?
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        let (mut engine, mut last_seq) = match store.state(ENGINE_STATE)? {
            Some(bytes) => match Engine::from_snapshot(&bytes, opts.engine.clone()) {
                Ok(engine) => (engine, seq),
                Err(e) => {
                    warnings.push(format!("engine state not usable ({e}); it is rebuilt from the stored articles"));
                    (Engine::new(opts.engine.clone()), 0)
                }
            },
            None => (Engine::new(opts.engine.clone()), 0),
        };
        // Replay what the snapshot does not hold, in the order it was first placed.
        let mut replayed = 0usize;
        loop {
            let page = store.articles_after(last_seq, 2_000)?;
            let Some(last) = page.last() else { break };
            last_seq = last.seq;
            for s in &page {
                engine.add(&s.article, &s.annotations);
            }
            replayed += page.len();
        }
        Ok(Ingester { engine, opts, unsaved: replayed, last_seq, warnings, fenced })
    }

    fn threads(&self) -> usize {
        if self.opts.threads == 0 { par::default_threads() } else { self.opts.threads }
    }

    /// Ingest `articles`, calling `on_batch` after each batch commits. The touched events are left pending;
    /// [`Ingester::refresh`] rebuilds their synopses.
    pub fn ingest(
        &mut self,
        store: &mut Store,
        articles: Vec<Article>,
        on_batch: &mut dyn FnMut(BatchDone),
    ) -> Result<IngestReport, IngestError> {
        self.ingest_with_state(store, articles, Vec::new(), on_batch)
    }

    /// [`Ingester::ingest`], also writing the state entries `state` (key, bytes) in the transaction of the
    /// last batch of this call — or in a transaction of their own when no article of the call is new. A
    /// stream consumer stores its position this way: the position commits exactly when the articles it
    /// covers do, so a crash never loses an article nor counts one twice.
    pub fn ingest_with_state(
        &mut self,
        store: &mut Store,
        articles: Vec<Article>,
        state: Vec<(String, Vec<u8>)>,
        on_batch: &mut dyn FnMut(BatchDone),
    ) -> Result<IngestReport, IngestError> {
        let mut report = IngestReport { given: articles.len(), ..IngestReport::default() };

        // Drop what is stored already, and repeats within the input.
        let started = Instant::now();
        let mut seen = HashSet::new();
        let mut fresh = Vec::with_capacity(articles.len());
        // Asked of the store in chunks (one query each on PostgreSQL).
        let ids: Vec<String> = articles.iter().map(|a| a.id.clone()).collect();
        let mut stored = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CONTAINS_CHUNK) {
            stored.extend(store.contains_articles(chunk)?);
        }
        for (mut a, stored) in articles.into_iter().zip(stored) {
            if !seen.insert(a.id.clone()) || stored {
                report.duplicates += 1;
                continue;
            }
            // Placement is ours to decide, whatever the input said.
            a.copy_of = None;
            a.event = None;
            fresh.push(a);
        }
        if fresh.is_empty() {
            if !state.is_empty() {
                store.transaction(|tx| {
                    tx.check_writer()?;
                    put_states(tx, &state)
                })?;
            }
            report.timings.store += started.elapsed();
            return Ok(report);
        }
        report.timings.store += started.elapsed();

        let order = processing_order(&fresh);
        let mut slots: Vec<Option<Article>> = fresh.into_iter().map(Some).collect();
        let mut ordered: Vec<Article> =
            order.into_iter().filter_map(|i| slots.get_mut(i).and_then(Option::take)).collect();

        let batch_size = self.opts.batch_size.max(1);
        let threads = self.threads();
        let cfg = self.opts.engine.clone();
        // Worker threads prepare batch k+1 while this thread places and commits batch k.
        std::thread::scope(|s| -> Result<(), IngestError> {
            let (send, receive) = sync_channel::<(Vec<Ready>, Duration)>(1);
            let batches = ordered.chunks(batch_size);
            let cfg = &cfg;
            s.spawn(move || {
                for chunk in batches {
                    let prepared = par::map_timed(chunk, threads, |article| {
                        let annotations = synoptic_analyze::annotate::annotate(article);
                        let prepared = synoptic_analyze::cluster::prepare(article, &annotations, cfg);
                        Ready { annotations, prepared }
                    });
                    if send.send(prepared).is_err() {
                        break;
                    }
                }
            });
            // A writer thread commits batch k-1 while this thread places batch k. Commits are acknowledged
            // back in order; `on_batch` hears of a batch only after it committed.
            let (to_writer, writer_in) = sync_channel::<Placed>(1);
            let (acks, acks_in) = std::sync::mpsc::channel::<Result<Committed, IngestError>>();
            let writer_store: &mut Store = store;
            let fenced = self.fenced.is_some();
            s.spawn(move || {
                for placed in writer_in {
                    let result = commit(writer_store, placed, fenced);
                    let failed = result.is_err();
                    if acks.send(result).is_err() || failed {
                        break;
                    }
                }
            });
            let mut outcome: Result<(), IngestError> = Ok(());
            let last = ordered.len().div_ceil(batch_size).saturating_sub(1);
            let mut state = Some(state);
            for (i, (chunk, (ready, busy))) in ordered.chunks(batch_size).zip(receive).enumerate() {
                report.timings.annotate += busy;
                let mut placed = self.place(chunk, ready, &mut report);
                if i == last {
                    placed.state = state.take().unwrap_or_default();
                }
                if to_writer.send(placed).is_err() {
                    break;
                }
                while let Ok(ack) = acks_in.try_recv() {
                    outcome = self.acknowledge(ack, &mut report, on_batch);
                    if outcome.is_err() {
                        break;
                    }
                }
                if outcome.is_err() {
                    break;
                }
            }
            drop(to_writer);
            for ack in acks_in {
                if outcome.is_ok() {
                    outcome = self.acknowledge(ack, &mut report, on_batch);
                }
            }
            outcome
        })?;
        ordered.clear();
        Ok(report)
    }

    /// Place one prepared batch in the engine (sequential: one online state), with the engine snapshot
    /// when one is due.
    fn place(&mut self, chunk: &[Article], ready: Vec<Ready>, report: &mut IngestReport) -> Placed {
        let t = Instant::now();
        let mut rows: Vec<(Article, Annotations, Placement)> = Vec::with_capacity(chunk.len());
        for (article, r) in chunk.iter().zip(ready) {
            let placement = self.engine.add_prepared(article, r.prepared);
            let mut article = article.clone();
            article.copy_of = placement.copy_of.clone();
            article.event = Some(placement.event.clone());
            rows.push((article, r.annotations, placement));
        }
        self.unsaved += rows.len();
        let snapshot = if self.unsaved >= self.opts.snapshot_every {
            self.unsaved = 0;
            Some(self.engine.snapshot())
        } else {
            None
        };
        report.timings.cluster += t.elapsed();
        Placed { rows, snapshot, state: Vec::new() }
    }

    /// Take in a committed batch: its counts, the sequence number the engine has reached, and tell the caller.
    fn acknowledge(
        &mut self,
        ack: Result<Committed, IngestError>,
        report: &mut IngestReport,
        on_batch: &mut dyn FnMut(BatchDone),
    ) -> Result<(), IngestError> {
        let done = ack?;
        if let Some(seq) = done.last_seq {
            self.last_seq = self.last_seq.max(seq);
        }
        report.timings.store += done.time;
        let committed = done.batch.ingested;
        report.merge(done.batch);
        on_batch(BatchDone { articles: committed, committed: report.ingested });
        Ok(())
    }

    /// Rebuild the synopses of every pending event (and their stories), on the worker threads.
    pub fn refresh(&self, store: &mut Store, report: &mut IngestReport) -> Result<(), IngestError> {
        let done = crate::synopses::refresh_pending(store, &self.opts.synopsis, self.threads())?;
        report.timings.compare += done.compare;
        report.timings.store += done.store;
        report.events_touched += done.events;
        Ok(())
    }

    /// Save the engine snapshot when it has unsaved articles.
    pub fn finish(&mut self, store: &mut Store) -> Result<(), IngestError> {
        if self.unsaved == 0 {
            return Ok(());
        }
        let snapshot = self.engine.snapshot();
        let seq = self.last_seq;
        let fenced = self.fenced.is_some();
        store.transaction(|tx| {
            if fenced {
                tx.check_writer()?;
            }
            tx.put_state(ENGINE_STATE, &snapshot)?;
            tx.put_state(ENGINE_SEQ, seq.to_string().as_bytes())
        })?;
        self.unsaved = 0;
        Ok(())
    }

    /// Whether the engine has seen every article in the store (false when another process added some).
    pub fn is_current(&self, db: &Db) -> Result<bool, StoreError> {
        Ok(db.articles_after(self.last_seq, 1)?.is_empty())
    }

    /// The engine, for statistics.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}

/// A placed batch on its way to the writer thread.
struct Placed {
    rows: Vec<(Article, Annotations, Placement)>,
    /// The engine snapshot after this batch, when one is due.
    snapshot: Option<Vec<u8>>,
    /// Extra state entries to commit with this batch (see [`Ingester::ingest_with_state`]).
    state: Vec<(String, Vec<u8>)>,
}

/// What the writer thread reports of a committed batch.
struct Committed {
    batch: IngestReport,
    /// Ingest sequence number of the batch's last article.
    last_seq: Option<u64>,
    time: Duration,
}

/// Commit one placed batch in one transaction: articles, placements, pending markers, and the snapshot.
fn commit(store: &mut Store, placed: Placed, fenced: bool) -> Result<Committed, IngestError> {
    let t = Instant::now();
    let Placed { rows, snapshot, state } = placed;
    let (batch, last_seq) = store.transaction(|tx| {
        if fenced {
            tx.check_writer()?;
        }
        let batch = store_batch(tx, &rows)?;
        let last_seq = match rows.last() {
            Some((a, _, _)) => tx.article(&a.id)?.map(|s| s.seq),
            None => None,
        };
        if let (Some(snapshot), Some(seq)) = (&snapshot, last_seq) {
            tx.put_state(ENGINE_STATE, snapshot)?;
            tx.put_state(ENGINE_SEQ, seq.to_string().as_bytes())?;
        }
        put_states(tx, &state)?;
        Ok((batch, last_seq))
    })?;
    Ok(Committed { batch, last_seq, time: t.elapsed() })
}

/// Write extra state entries (inside the caller's transaction).
fn put_states(tx: &Db, state: &[(String, Vec<u8>)]) -> Result<(), StoreError> {
    tx.put_states(state)
}

/// Store one batch of placed articles and their placements, and mark the events it touched pending (with
/// the story and story title of their latest placement).
fn store_batch(tx: &Db, placed: &[(Article, Annotations, Placement)]) -> Result<IngestReport, StoreError> {
    let mut batch = IngestReport::default();
    let mut touched: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    let why: Vec<Vec<u8>> =
        placed.iter().map(|(_, _, p)| serde_json::to_vec(&p.explanation).unwrap_or_default()).collect();
    let rows: Vec<NewArticle<'_>> = placed
        .iter()
        .zip(&why)
        .map(|((article, ann, placement), why)| NewArticle {
            copy_of: placement.copy_of.as_deref(),
            event: Some(placement.event.as_str()),
            explanation: Some(why.as_slice()),
            ..NewArticle::new(article, ann)
        })
        .collect();
    let added = tx.insert_articles(&rows)?;
    for ((article, _, placement), added) in placed.iter().zip(added) {
        // Merges change stored articles whether or not this one was new (all rows are inserted above, so
        // the absorbed event's members from this batch are found too).
        for m in &placement.merges {
            merge_stored(tx, m, &placement.story_title, &article.id, &mut touched)?;
        }
        if !added {
            batch.duplicates += 1;
            continue;
        }
        batch.ingested += 1;
        batch.copies += usize::from(placement.copy_of.is_some());
        batch.new_events += usize::from(placement.new_event);
        batch.new_stories += usize::from(placement.new_story);
        batch.ingested_ids.push(article.id.clone());
        touched.insert(
            placement.event.clone(),
            (placement.story.clone(), placement.story_title.clone(), article.id.clone()),
        );
    }
    crate::synopses::mark_pending(tx, &touched)?;
    Ok(batch)
}

/// Apply one merge of events to the store: the absorbed event's articles move to the survivor (their
/// explanations gain the merge, so `show` says "merged from event X"), the absorbed event leaves the events
/// table, its pending marker and its former story (deleted when left empty), and the survivor is marked
/// pending.
fn merge_stored(
    tx: &Db,
    m: &Merge,
    story_title: &str,
    version: &str,
    touched: &mut BTreeMap<String, (String, String, String)>,
) -> Result<(), StoreError> {
    for s in tx.event_members(&m.absorbed)? {
        let a = &s.article;
        tx.set_placement(&a.id, a.copy_of.as_deref(), &m.into)?;
        if let Some(bytes) = tx.explanation(&a.id)?
            && let Ok(mut why) = serde_json::from_slice::<Explanation>(&bytes)
        {
            why.merged.push(m.clone());
            if let Ok(bytes) = serde_json::to_vec(&why) {
                tx.set_explanation(&a.id, &bytes)?;
            }
        }
    }
    let old_story = tx.event(&m.absorbed)?.map(|e| e.story);
    tx.delete_event(&m.absorbed)?;
    tx.delete_state(&format!("{PENDING_PREFIX}{}", m.absorbed))?;
    touched.remove(&m.absorbed);
    touched.insert(m.into.clone(), (m.story.clone(), story_title.to_string(), version.to_string()));
    if let Some(story) = old_story.filter(|s| *s != m.story) {
        let left = refresh_story(tx, &story, "", &[])?;
        if left.events.is_empty() {
            tx.delete_story(&story)?;
        }
    }
    Ok(())
}
