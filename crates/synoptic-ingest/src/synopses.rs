//! Event and story synopses, rebuilt outside the per-article path: ingest marks the events it touched as
//! pending, and [`refresh_pending`] rebuilds them, several events at a time on worker threads.
//!
//! Why deferred: comparing the sources of an event costs more than placing an article, and an event that
//! grows over many batches would otherwise be rebuilt at every batch. A pending marker
//! (`pending/<event id>` → `story id\nstory title`) is written in the same transaction as the placements
//! that make the synopsis stale, so a crash never loses one; the markers of a group of events are deleted
//! in the transaction that stores their new synopses.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde::Serialize;
use synoptic_analyze::EventMember;
use synoptic_analyze::compare::{SynopsisOptions, build_event};
use synoptic_model::{Event, Story};
use synoptic_store::{Db, Store, StoreError, StoredArticle};

use crate::par;

/// Key prefix of an event whose synopsis is stale.
pub const PENDING_PREFIX: &str = "pending/";

/// Events claimed and rebuilt per transaction; members of one group are held in memory together.
pub const GROUP_EVENTS: usize = 256;
/// ... or fewer when their members add up to this many articles.
const GROUP_ARTICLES: usize = 20_000;

/// Events whose members are read in one query while a group is filled.
const MEMBERS_CHUNK: usize = 32;

/// What a refresh did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct RefreshReport {
    pub events: usize,
    pub stories: usize,
    /// Wall time of the refresh.
    pub wall: Duration,
    /// Time the worker threads spent comparing sources (summed over threads).
    pub compare: Duration,
    /// Time spent reading members and writing synopses.
    pub store: Duration,
}

/// Key prefix of a worker's claim on a pending event (`claim/<event id>` → `owner\nexpiry ms`).
pub const CLAIM_PREFIX: &str = "claim/";

/// How long a claim keeps other workers off an event; a worker that dies holds its events this long.
pub const CLAIM_TTL: Duration = Duration::from_secs(120);

/// A pending marker's value: `story id\nstory title\nversion`. The version (the last article that made the
/// synopsis stale) changes whenever a batch touches the event again, so a worker deletes a marker only when
/// it is still the one it claimed.
fn parse_marker(bytes: &[u8]) -> (String, String) {
    let value = String::from_utf8_lossy(bytes);
    let mut parts = value.splitn(3, '\n');
    let story = parts.next().unwrap_or_default().to_string();
    let title = parts.next().unwrap_or_default().to_string();
    (story, title)
}

/// Events waiting for a synopsis: event id → (story id, story title).
pub fn pending(db: &Db) -> Result<BTreeMap<String, (String, String)>, StoreError> {
    let mut out = BTreeMap::new();
    for key in db.state_keys(PENDING_PREFIX)? {
        let Some(event_id) = key.strip_prefix(PENDING_PREFIX) else { continue };
        let value = db.state(&key)?.unwrap_or_default();
        out.insert(event_id.to_string(), parse_marker(&value));
    }
    Ok(out)
}

/// Mark events stale (in the caller's transaction): event id → (story id, story title, version).
pub fn mark_pending<'a>(
    db: &Db,
    events: impl IntoIterator<Item = (&'a String, &'a (String, String, String))>,
) -> Result<(), StoreError> {
    let entries: Vec<(String, Vec<u8>)> = events
        .into_iter()
        .map(|(event_id, (story_id, title, version))| {
            let title = title.replace('\n', " ");
            (format!("{PENDING_PREFIX}{event_id}"), format!("{story_id}\n{title}\n{version}").into_bytes())
        })
        .collect();
    db.put_states(&entries)
}

/// A claimed event: its id, story id, story title, stored members, and its marker as claimed.
type Claimed = (String, String, String, Vec<StoredArticle>, Vec<u8>);

/// Rebuild every pending event's synopsis and the stories they belong to. `threads` 0 means all cores.
/// Safe beside other processes doing the same: each group of events is claimed first (see
/// [`refresh_claimed`]).
pub fn refresh_pending(store: &mut Store, opts: &SynopsisOptions, threads: usize) -> Result<RefreshReport, StoreError> {
    refresh_claimed(store, opts, threads, &worker_name(), GROUP_EVENTS, &mut |_| {})
}

/// A name for this worker, unique across processes (claims are held by name).
pub fn worker_name() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{}-{nanos}", std::process::id())
}

/// Rebuild pending events until none is left that another worker does not hold: claim a group, read its
/// members, compare sources on the worker threads, then in one transaction store the events and their
/// stories, delete the markers that did not change meanwhile, and drop the claims. `group` events are
/// claimed at a time (at most; fewer when their members are many); `on_group` hears of the events of
/// each committed group.
pub fn refresh_claimed(
    store: &mut Store,
    opts: &SynopsisOptions,
    threads: usize,
    owner: &str,
    group_events: usize,
    on_group: &mut dyn FnMut(&[Event]),
) -> Result<RefreshReport, StoreError> {
    let started = Instant::now();
    let mut report = RefreshReport::default();
    let threads = if threads == 0 { par::default_threads() } else { threads };
    let mut stories_done: BTreeSet<String> = BTreeSet::new();
    loop {
        // Claim one group and read its members.
        let t = Instant::now();
        let claimed = store.claim_state(PENDING_PREFIX, CLAIM_PREFIX, owner, CLAIM_TTL, group_events.max(1))?;
        if claimed.is_empty() {
            report.store += t.elapsed();
            break;
        }
        let mut group: Vec<Claimed> = Vec::new();
        let mut articles = 0usize;
        let mut unread = Vec::new();
        let claimed: Vec<(String, Vec<u8>)> = claimed
            .into_iter()
            .filter_map(|(key, marker)| Some((key.strip_prefix(PENDING_PREFIX)?.to_string(), marker)))
            .collect();
        // Members are read a few events at a time (one query each on PostgreSQL), until the group is full.
        for chunk in claimed.chunks(MEMBERS_CHUNK) {
            if articles >= GROUP_ARTICLES {
                unread.extend(chunk.iter().map(|(id, _)| id.clone()));
                continue;
            }
            let ids: Vec<String> = chunk.iter().map(|(id, _)| id.clone()).collect();
            for ((event_id, marker), members) in chunk.iter().zip(store.members_of(&ids)?) {
                if articles >= GROUP_ARTICLES {
                    unread.push(event_id.clone());
                    continue;
                }
                articles += members.len();
                let (story_id, title) = parse_marker(marker);
                group.push((event_id.clone(), story_id, title, members, marker.clone()));
            }
        }
        report.store += t.elapsed();

        // Compare sources on the worker threads.
        let (events, busy) = par::map_timed(&group, threads, |(event_id, story_id, _, members, _)| {
            build(event_id, story_id, members, opts)
        });
        report.compare += busy;

        // Store the synopses, the stories, and clear the markers and claims, in one transaction.
        let t = Instant::now();
        let mut stories: BTreeMap<&str, (&str, Vec<&String>)> = BTreeMap::new();
        for (event_id, story_id, title, _, _) in &group {
            stories.entry(story_id.as_str()).or_insert_with(|| (title.as_str(), Vec::new())).1.push(event_id);
        }
        store.transaction(|tx| {
            tx.serialize_claims()?;
            tx.put_events(&events)?;
            let stories: Vec<(&str, &str, &[&String])> =
                stories.iter().map(|(id, (title, new_events))| (*id, *title, new_events.as_slice())).collect();
            refresh_stories(tx, &stories)?;
            let done: Vec<(String, Vec<u8>)> = group
                .iter()
                .map(|(event_id, _, _, _, marker)| (format!("{PENDING_PREFIX}{event_id}"), marker.clone()))
                .collect();
            tx.delete_states_if(&done)?;
            // The group's claims, and those claimed but left for the next round (the group was full): free
            // for any worker.
            let claims: Vec<String> =
                group.iter().map(|g| &g.0).chain(&unread).map(|event_id| format!("{CLAIM_PREFIX}{event_id}")).collect();
            tx.delete_states(&claims)?;
            Ok(())
        })?;
        report.store += t.elapsed();
        report.events += events.len();
        on_group(&events);
        stories_done.extend(stories.keys().map(|s| s.to_string()));
    }
    report.stories = stories_done.len();
    report.wall = started.elapsed();
    Ok(report)
}

/// `refresh --follow`: rebuild pending events as they appear, claiming each group, until `stop` is set;
/// waits `poll` between looks when there is nothing to do. Any number of processes can run this at once.
pub fn follow(
    store: &mut Store,
    opts: &SynopsisOptions,
    threads: usize,
    group_events: usize,
    poll: Duration,
    stop: &std::sync::atomic::AtomicBool,
    on_group: &mut dyn FnMut(&[Event]),
) -> Result<RefreshReport, StoreError> {
    let owner = worker_name();
    let mut total = RefreshReport::default();
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        let done = refresh_claimed(store, opts, threads, &owner, group_events, on_group)?;
        total.events += done.events;
        total.stories += done.stories;
        total.compare += done.compare;
        total.store += done.store;
        total.wall += done.wall;
        if done.events == 0 {
            std::thread::sleep(poll);
        }
    }
    Ok(total)
}

fn build(event_id: &str, story_id: &str, stored: &[StoredArticle], opts: &SynopsisOptions) -> Event {
    let members: Vec<EventMember<'_>> = stored
        .iter()
        .map(|s| EventMember {
            article: &s.article,
            annotations: &s.annotations,
            origin: s.article.copy_of.as_deref().unwrap_or(&s.article.id),
        })
        .collect();
    build_event(event_id, story_id, &members, opts)
}

/// Rebuild one event's synopsis from its stored members and store it.
pub fn refresh_event(db: &Db, event_id: &str, story_id: &str, opts: &SynopsisOptions) -> Result<Event, StoreError> {
    let stored = db.event_members(event_id)?;
    let event = build(event_id, story_id, &stored, opts);
    db.put_event(&event)?;
    Ok(event)
}

/// Add events to a story (created when new), keep its events in time order, and set its title.
pub fn refresh_story(db: &Db, story_id: &str, title: &str, new_events: &[&String]) -> Result<Story, StoreError> {
    let done = refresh_stories(db, &[(story_id, title, new_events)])?;
    // One story in, one out.
    Ok(done.into_iter().next().unwrap_or_else(|| Story {
        id: story_id.to_string(),
        title: title.to_string(),
        events: vec![],
    }))
}

/// [`refresh_story`] for several distinct stories (story id, title, new events): their stories and events
/// read in one query each, and written in one batch.
pub fn refresh_stories(db: &Db, stories: &[(&str, &str, &[&String])]) -> Result<Vec<Story>, StoreError> {
    let ids: Vec<String> = stories.iter().map(|(id, _, _)| id.to_string()).collect();
    let stored = db.stories_by_ids(&ids)?;
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    let mut out: Vec<(Story, BTreeSet<String>)> = Vec::with_capacity(stories.len());
    for ((story_id, _, new_events), story) in stories.iter().zip(stored) {
        let story = story.unwrap_or_else(|| Story { id: story_id.to_string(), title: String::new(), events: vec![] });
        let mut ids: BTreeSet<String> = story.events.iter().cloned().collect();
        ids.extend(new_events.iter().map(|s| s.to_string()));
        wanted.extend(ids.iter().cloned());
        out.push((story, ids));
    }
    let wanted: Vec<String> = wanted.into_iter().collect();
    let events: BTreeMap<&str, Event> =
        wanted.iter().zip(db.events_by_ids(&wanted)?).filter_map(|(id, e)| Some((id.as_str(), e?))).collect();
    let mut done = Vec::with_capacity(out.len());
    for ((story_id, title, _), (mut story, ids)) in stories.iter().zip(out) {
        let mut dated: Vec<(Option<synoptic_model::Timestamp>, usize, String)> = Vec::new();
        for id in ids {
            let Some(event) = events.get(id.as_str()) else { continue };
            // Events that moved to another story leave this one.
            if event.story != *story_id {
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
        done.push(story);
    }
    db.put_stories(&done)?;
    Ok(done)
}
