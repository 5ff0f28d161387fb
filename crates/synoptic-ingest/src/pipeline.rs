//! Articles into the store: drop what is stored, order, annotate, place (copies, events, stories), store in
//! batches, and recompute the synopsis of every event the run touched.
//!
//! Crash safety: each batch commits in one transaction holding its articles, their placements and a
//! pending marker per touched event. An article is reported ingested only after its batch committed, so a
//! `kill -9` at any point leaves a store that holds every reported article; the next run drops what is
//! stored and goes on with the rest. Event and story synopses are rebuilt once per run (and every
//! `REBUILD_EVERY_BATCHES` batches), not at every batch: an event that grows over many batches is rebuilt
//! once instead of once per batch. They may lag within a run and are complete when `ingest` returns; a run
//! stopped before that leaves pending markers, and the next `Ingester::open` rebuilds those events.
//!
//! The engine (copies index, open events and stories) is saved as a snapshot with the ingest sequence
//! number it reflects, every [`IngestOptions::snapshot_every`] articles and when an [`Ingester`] finishes —
//! not every batch, because a snapshot holds the whole active window. Opening restores the snapshot and
//! replays the articles stored after it (their annotations are stored), so the engine always agrees with
//! the store, even after a kill between snapshots.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::{Duration, Instant};

use serde::Serialize;
use synoptic_analyze::EventMember;
use synoptic_analyze::cluster::{Engine, EngineConfig, Placement, processing_order};
use synoptic_analyze::compare::{SynopsisOptions, build_event};
use synoptic_model::{Annotations, Article, Event, Story};
use synoptic_store::{Db, Store, StoreError};

/// Key of the engine's state in the store.
pub const ENGINE_STATE: &str = "engine";

/// Key of the ingest sequence number (decimal) of the last article the engine snapshot reflects.
pub const ENGINE_SEQ: &str = "engine.seq";

/// Key prefix of an event whose synopsis is not yet rebuilt (`pending/<event id>`, value `story\ntitle`):
/// placements commit per batch, synopses once per run; a run stopped in between leaves these markers and
/// the next [`Ingester::open`] rebuilds those events.
pub const PENDING_PREFIX: &str = "pending/";

/// Batches between synopsis rebuilds within one run (the run's end always rebuilds).
const REBUILD_EVERY_BATCHES: usize = 40;

/// Key prefix of an article's placement explanation in the store (`explain/<article id>`).
pub const EXPLAIN_PREFIX: &str = "explain/";

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
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            batch_size: 500,
            engine: EngineConfig::default(),
            synopsis: SynopsisOptions::default(),
            snapshot_every: 20_000,
        }
    }
}

/// Time spent in each stage. `read` and `extract` are filled by callers that read inputs.
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
            ("copies+cluster", self.cluster),
            ("annotate", self.annotate),
            ("compare", self.compare),
            ("store", self.store),
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
    /// Events recomputed because articles joined them.
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

/// Ingest `articles` into `store` in one go (open, ingest, finish); see the module documentation.
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
    let mut ingester = Ingester::open(store, opts.clone())?;
    let mut report = ingester.ingest(store, articles, on_batch)?;
    ingester.finish(store)?;
    report.warnings.splice(0..0, ingester.warnings);
    Ok(report)
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
}

impl Ingester {
    /// Restore the engine from the store: its snapshot, then the articles stored after it.
    pub fn open(store: &mut Store, opts: IngestOptions) -> Result<Ingester, IngestError> {
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
        // Events whose synopses a stopped run left to rebuild.
        let mut pending: BTreeMap<String, (String, String)> = BTreeMap::new();
        for key in store.state_keys(PENDING_PREFIX)? {
            let Some(event_id) = key.strip_prefix(PENDING_PREFIX) else { continue };
            let value = store.state(&key)?.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
            let (story_id, title) = value.split_once('\n').unwrap_or((value.as_str(), ""));
            pending.insert(event_id.to_string(), (story_id.to_string(), title.to_string()));
        }
        let ingester = Ingester { engine, opts, unsaved: replayed, last_seq, warnings };
        if !pending.is_empty() {
            let synopsis = &ingester.opts.synopsis;
            store.transaction(|tx| rebuild_events(tx, &pending, synopsis))?;
        }
        Ok(ingester)
    }

    /// Ingest `articles`, calling `on_batch` after each batch commits.
    pub fn ingest(
        &mut self,
        store: &mut Store,
        articles: Vec<Article>,
        on_batch: &mut dyn FnMut(BatchDone),
    ) -> Result<IngestReport, IngestError> {
        let mut report = IngestReport { given: articles.len(), ..IngestReport::default() };

        // Drop what is stored already, and repeats within the input.
        let started = Instant::now();
        let mut seen = HashSet::new();
        let mut fresh = Vec::with_capacity(articles.len());
        for mut a in articles {
            if !seen.insert(a.id.clone()) || store.contains_article(&a.id)? {
                report.duplicates += 1;
                continue;
            }
            // Placement is ours to decide, whatever the input said.
            a.copy_of = None;
            a.event = None;
            fresh.push(a);
        }
        report.timings.store += started.elapsed();
        if fresh.is_empty() {
            return Ok(report);
        }

        let order = processing_order(&fresh);
        let mut slots: Vec<Option<Article>> = fresh.into_iter().map(Some).collect();
        let ordered: Vec<Article> = order.into_iter().filter_map(|i| slots.get_mut(i).and_then(Option::take)).collect();

        // Events touched since their synopses were last rebuilt. Placements commit per batch; synopses are
        // rebuilt once per run (or every `rebuild_every` batches), so a big event is rebuilt once, not at every
        // batch that adds to it.
        let mut touched: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut since_rebuild = 0usize;
        for chunk in ordered.chunks(self.opts.batch_size.max(1)) {
            let mut placed: Vec<(Article, Annotations, Placement)> = Vec::with_capacity(chunk.len());
            for article in chunk {
                let t = Instant::now();
                let ann = synoptic_analyze::annotate::annotate(article);
                report.timings.annotate += t.elapsed();
                let t = Instant::now();
                let placement = self.engine.add(article, &ann);
                report.timings.cluster += t.elapsed();
                let mut article = article.clone();
                article.copy_of = placement.copy_of.clone();
                article.event = Some(placement.event.clone());
                placed.push((article, ann, placement));
            }
            let save = self.unsaved + placed.len() >= self.opts.snapshot_every;
            let t = Instant::now();
            let snapshot = if save { Some(self.engine.snapshot()) } else { None };
            report.timings.cluster += t.elapsed();

            let t = Instant::now();
            let (batch, last_seq) = store.transaction(|tx| {
                let batch = store_batch(tx, &placed, &mut touched)?;
                let last_seq = match placed.last() {
                    Some((a, _, _)) => tx.article(&a.id)?.map(|s| s.seq),
                    None => None,
                };
                if let (Some(snapshot), Some(seq)) = (&snapshot, last_seq) {
                    tx.put_state(ENGINE_STATE, snapshot)?;
                    tx.put_state(ENGINE_SEQ, seq.to_string().as_bytes())?;
                }
                Ok((batch, last_seq))
            })?;
            if let Some(seq) = last_seq {
                self.last_seq = self.last_seq.max(seq);
            }
            if snapshot.is_some() {
                self.unsaved = 0;
            } else {
                self.unsaved += batch.ingested;
            }
            report.timings.store += t.elapsed();
            let committed = batch.ingested;
            report.merge(batch);
            on_batch(BatchDone { articles: committed, committed: report.ingested });
            since_rebuild += 1;
            if since_rebuild >= REBUILD_EVERY_BATCHES {
                self.rebuild(store, &mut touched, &mut report)?;
                since_rebuild = 0;
            }
        }
        self.rebuild(store, &mut touched, &mut report)?;
        Ok(report)
    }

    /// Rebuild the synopses of the `touched` events and their stories, in one transaction, and clear it.
    fn rebuild(
        &self,
        store: &mut Store,
        touched: &mut BTreeMap<String, (String, String)>,
        report: &mut IngestReport,
    ) -> Result<(), IngestError> {
        if touched.is_empty() {
            return Ok(());
        }
        let t = Instant::now();
        let synopsis = &self.opts.synopsis;
        store.transaction(|tx| rebuild_events(tx, touched, synopsis))?;
        report.timings.compare += t.elapsed();
        report.events_touched += touched.len();
        touched.clear();
        Ok(())
    }

    /// Save the engine snapshot when it has unsaved articles.
    pub fn finish(&mut self, store: &mut Store) -> Result<(), IngestError> {
        if self.unsaved == 0 {
            return Ok(());
        }
        let snapshot = self.engine.snapshot();
        let seq = self.last_seq;
        store.transaction(|tx| {
            tx.put_state(ENGINE_STATE, &snapshot)?;
            tx.put_state(ENGINE_SEQ, seq.to_string().as_bytes())
        })?;
        self.unsaved = 0;
        Ok(())
    }

    /// The engine, for statistics.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}

/// Store one batch of placed articles and their placements; the events the batch touched (with the story
/// and story title of their latest placement) are added to `touched`, to be rebuilt by [`rebuild_events`].
fn store_batch(
    tx: &Db,
    placed: &[(Article, Annotations, Placement)],
    touched: &mut BTreeMap<String, (String, String)>,
) -> Result<IngestReport, StoreError> {
    let mut batch = IngestReport::default();
    for (article, ann, placement) in placed {
        if !tx.insert_article(article, ann)? {
            batch.duplicates += 1;
            continue;
        }
        tx.set_placement(&article.id, placement.copy_of.as_deref(), &placement.event)?;
        let why = serde_json::to_vec(&placement.explanation).unwrap_or_default();
        tx.put_state(&format!("{EXPLAIN_PREFIX}{}", article.id), &why)?;
        batch.ingested += 1;
        batch.copies += usize::from(placement.copy_of.is_some());
        batch.new_events += usize::from(placement.new_event);
        batch.new_stories += usize::from(placement.new_story);
        batch.ingested_ids.push(article.id.clone());
        touched.insert(placement.event.clone(), (placement.story.clone(), placement.story_title.clone()));
    }
    for (event_id, (story_id, title)) in touched.iter() {
        tx.put_state(&format!("{PENDING_PREFIX}{event_id}"), format!("{story_id}\n{title}").as_bytes())?;
    }
    Ok(batch)
}

/// Recompute the synopses of `events` (event id → story id and story title) and the stories they belong to.
fn rebuild_events(
    tx: &Db,
    events: &BTreeMap<String, (String, String)>,
    opts: &SynopsisOptions,
) -> Result<(), StoreError> {
    let mut stories: BTreeMap<String, String> = BTreeMap::new();
    for (event_id, (story_id, story_title)) in events {
        refresh_event(tx, event_id, story_id, opts)?;
        stories.insert(story_id.clone(), story_title.clone());
    }
    for (story_id, title) in &stories {
        let new_events: Vec<&String> = events.iter().filter(|(_, (s, _))| s == story_id).map(|(e, _)| e).collect();
        refresh_story(tx, story_id, title, &new_events)?;
    }
    for event_id in events.keys() {
        tx.delete_state(&format!("{PENDING_PREFIX}{event_id}"))?;
    }
    Ok(())
}

/// Rebuild one event's synopsis from its stored members and store it.
pub fn refresh_event(db: &Db, event_id: &str, story_id: &str, opts: &SynopsisOptions) -> Result<Event, StoreError> {
    let stored = db.event_members(event_id)?;
    let members: Vec<EventMember<'_>> = stored
        .iter()
        .map(|s| EventMember {
            article: &s.article,
            annotations: &s.annotations,
            origin: s.article.copy_of.as_deref().unwrap_or(&s.article.id),
        })
        .collect();
    let event = build_event(event_id, story_id, &members, opts);
    db.put_event(&event)?;
    Ok(event)
}

/// Add events to a story (created when new), keep its events in time order, and set its title.
pub fn refresh_story(db: &Db, story_id: &str, title: &str, new_events: &[&String]) -> Result<Story, StoreError> {
    let mut story =
        db.story(story_id)?.unwrap_or_else(|| Story { id: story_id.to_string(), title: String::new(), events: vec![] });
    let mut ids: BTreeSet<String> = story.events.iter().cloned().collect();
    ids.extend(new_events.iter().map(|s| s.to_string()));
    let mut dated: Vec<(Option<synoptic_model::Timestamp>, usize, String)> = Vec::new();
    for id in ids {
        let Some(event) = db.event(&id)? else { continue };
        // Events that moved to another story leave this one.
        if event.story != story_id {
            continue;
        }
        let first = story.events.iter().position(|e| *e == id).unwrap_or(usize::MAX);
        dated.push((event.first_seen, first, id));
    }
    // Dated events in time order, undated after, each keeping their earlier place.
    dated.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => x.cmp(&y).then(a.1.cmp(&b.1)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.1.cmp(&b.1),
    });
    story.events = dated.into_iter().map(|d| d.2).collect();
    if !title.is_empty() {
        story.title = title.to_string();
    }
    db.put_story(&story)?;
    Ok(story)
}
