//! Feed watching: polls feeds on an interval with conditional GET, per-host spacing and back-off, and
//! ingests new items.
//!
//! Design: a [`Watcher`] holds the schedule (when each feed is next due, when each host was last asked)
//! and does one step at a time, [`Watcher::poll_due`], at a time the caller hands in. [`watch`] is the
//! blocking loop around it with the real clock; tests drive `poll_due` directly with made-up instants, so
//! nothing in them sleeps or depends on timing.
//!
//! - **Conditional GET**: the `ETag` and `Last-Modified` of a feed's last good response are kept in the
//!   store ([`FeedState`]) and sent back as `If-None-Match` / `If-Modified-Since`; a `304` costs nothing.
//! - **Per-host spacing**: two requests to one host are at least `host_spacing` apart; a feed due while its
//!   host was asked too recently waits for its turn.
//! - **Back-off**: after `n` failures in a row a feed waits `interval * 2^n` (capped at `max_backoff`)
//!   before the next try; one success resets it. Failures are remembered in the store across restarts.
//! - **New items**: every item is read into an article and handed to the ingest pipeline, which drops the
//!   ones already stored (content ids), so only new or changed items are added.
//! - **Publishing instead**: with [`WatchConfig::publish`] set, the items are published to a stream (for a
//!   `consume` process to ingest) instead; the feed's validators are kept only once the stream acknowledged
//!   them, and a refused publish counts as a failed poll.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use synoptic_extract::{Input, ReadOptions};
use synoptic_store::{FeedState, Store, StoreError};

use crate::fetch::{FetchOutcome, Fetcher, Validators, is_url};
use crate::pipeline::{IngestError, IngestOptions, ingest_articles};

/// How feeds are watched.
#[derive(Debug, Clone)]
pub struct WatchConfig {
    /// Feed URLs (see [`feeds_from_args`] for OPML files).
    pub feeds: Vec<String>,
    /// Time between two polls of one feed.
    pub interval: Duration,
    /// Least time between two requests to the same host.
    pub host_spacing: Duration,
    /// Longest wait after repeated failures.
    pub max_backoff: Duration,
    pub fetcher: Fetcher,
    pub ingest: IngestOptions,
    /// Largest feed body read.
    pub max_bytes: usize,
    /// Publish new items here instead of ingesting them.
    pub publish: Option<crate::publish::SharedPublisher>,
}

impl WatchConfig {
    pub fn new(feeds: Vec<String>, interval: Duration) -> WatchConfig {
        WatchConfig {
            feeds,
            interval,
            host_spacing: Duration::from_secs(2),
            max_backoff: Duration::from_secs(6 * 3600),
            fetcher: Fetcher::default(),
            ingest: IngestOptions::default(),
            max_bytes: ReadOptions::default().max_bytes,
            publish: None,
        }
    }
}

/// Why watching could not start or go on.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("no feeds to watch")]
    NoFeeds,
    #[error("{path}: {reason}")]
    Opml { path: String, reason: String },
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("ingest: {0}")]
    Ingest(#[from] IngestError),
}

/// What one poll of one feed gave.
#[derive(Debug, Clone, PartialEq)]
pub enum PollOutcome {
    /// The feed was read: `items` articles, `ingested` of them new (when publishing: how many were published).
    Fetched { items: usize, ingested: usize, problems: Vec<String> },
    /// `304 Not Modified`.
    NotModified,
    /// The poll failed; the feed backs off. `failures` counts failures in a row.
    Failed { error: String, failures: u32 },
}

/// One poll, for progress lines.
#[derive(Debug, Clone, PartialEq)]
pub struct PollReport {
    pub url: String,
    pub outcome: PollOutcome,
    /// When this feed is due next.
    pub next_due: Instant,
}

/// Totals over a [`watch`] run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchSummary {
    pub polls: usize,
    pub not_modified: usize,
    pub failures: usize,
    pub ingested: usize,
}

/// Feed URLs from command-line arguments: URLs as given, anything else read as an OPML file.
pub fn feeds_from_args(args: &[String]) -> Result<Vec<String>, WatchError> {
    let mut feeds = Vec::new();
    for arg in args {
        if is_url(arg) {
            feeds.push(arg.clone());
            continue;
        }
        let text = std::fs::read(arg)
            .map_err(|e| WatchError::Opml { path: arg.clone(), reason: e.to_string() })
            .map(|b| String::from_utf8_lossy(&b).into_owned())?;
        let found = parse_opml(&text);
        if found.is_empty() {
            return Err(WatchError::Opml { path: arg.clone(), reason: "no feed (outline xmlUrl) found".into() });
        }
        feeds.extend(found);
    }
    let mut seen = std::collections::HashSet::new();
    feeds.retain(|f| seen.insert(f.clone()));
    if feeds.is_empty() {
        return Err(WatchError::NoFeeds);
    }
    Ok(feeds)
}

/// The `xmlUrl` of every `<outline>` in an OPML document, in document order (http(s) only, repeats
/// dropped). Forgiving: comments are skipped, attribute names are matched without case, quotes may be
/// single or double, and entities are decoded.
pub fn parse_opml(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map(|i| &after[i + 3..]).unwrap_or("");
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[1..end];
        rest = rest.get(end + 1..).unwrap_or("");
        let name_end = tag.find(|c: char| c.is_whitespace() || c == '/').unwrap_or(tag.len());
        if !tag[..name_end].eq_ignore_ascii_case("outline") {
            continue;
        }
        if let Some(url) = attributes(&tag[name_end..]).into_iter().find(|(k, _)| k.eq_ignore_ascii_case("xmlurl")) {
            let url = url.1.trim().to_string();
            if is_url(&url) && !out.contains(&url) {
                out.push(url);
            }
        }
    }
    out
}

/// `name="value"` pairs of a tag's attribute text, values entity-decoded.
fn attributes(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        let Some(eq) = rest.find('=') else { break };
        let name = rest[..eq].trim().to_string();
        let after = rest[eq + 1..].trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else { break };
        let body = &after[1..];
        let Some(close) = body.find(quote) else { break };
        out.push((name, decode_entities(&body[..close])));
        rest = &body[close + 1..];
    }
    out
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let Some(semi) = tail.find(';').filter(|i| *i <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let entity = &tail[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e => e
                .strip_prefix("#x")
                .or_else(|| e.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The host (with port) of a URL, for spacing.
fn host_of(url: &str) -> String {
    let after = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host = after.split(['/', '?', '#']).next().unwrap_or("");
    host.rsplit('@').next().unwrap_or(host).to_ascii_lowercase()
}

#[derive(Debug)]
struct Slot {
    url: String,
    host: String,
    due: Instant,
}

/// The schedule of a set of feeds; see the module documentation.
#[derive(Debug)]
pub struct Watcher {
    cfg: WatchConfig,
    slots: Vec<Slot>,
    /// When each host was last asked.
    hosts: HashMap<String, Instant>,
}

impl Watcher {
    /// Every feed is due at `now`, except those backing off after failures remembered in the store.
    pub fn new(cfg: WatchConfig, store: &Store, now: Instant) -> Result<Watcher, WatchError> {
        if cfg.feeds.is_empty() {
            return Err(WatchError::NoFeeds);
        }
        let mut slots = Vec::with_capacity(cfg.feeds.len());
        for url in &cfg.feeds {
            let failures = store.feed_state(url)?.map(|s| s.failures).unwrap_or(0);
            let due = if failures > 0 { now + backoff(&cfg, failures) } else { now };
            slots.push(Slot { url: url.clone(), host: host_of(url), due });
        }
        Ok(Watcher { cfg, slots, hosts: HashMap::new() })
    }

    /// The earliest time a feed is due (its host's spacing included).
    pub fn next_due(&self) -> Option<Instant> {
        self.slots.iter().map(|s| self.ready_at(s)).min()
    }

    fn ready_at(&self, s: &Slot) -> Instant {
        match self.hosts.get(&s.host) {
            Some(last) => s.due.max(*last + self.cfg.host_spacing),
            None => s.due,
        }
    }

    /// Poll every feed due at `now` whose host may be asked, ingesting what is new. Feeds that share a host
    /// are polled one per spacing: the others wait for a later step.
    pub fn poll_due(&mut self, store: &mut Store, now: Instant) -> Result<Vec<PollReport>, WatchError> {
        let mut reports = Vec::new();
        for i in 0..self.slots.len() {
            if self.ready_at(&self.slots[i]) > now {
                continue;
            }
            let url = self.slots[i].url.clone();
            self.hosts.insert(self.slots[i].host.clone(), now);
            let outcome = self.poll_one(store, &url)?;
            let wait = match &outcome {
                PollOutcome::Failed { failures, .. } => backoff(&self.cfg, *failures),
                _ => self.cfg.interval,
            };
            self.slots[i].due = now + wait;
            reports.push(PollReport { url, outcome, next_due: now + wait });
        }
        Ok(reports)
    }

    fn poll_one(&self, store: &mut Store, url: &str) -> Result<PollOutcome, WatchError> {
        let mut state =
            store.feed_state(url)?.unwrap_or_else(|| FeedState { url: url.to_string(), ..FeedState::default() });
        let validators = Validators { etag: state.etag.clone(), last_modified: state.last_modified.clone() };
        state.last_polled = Some(chrono::Utc::now().fixed_offset());
        let fetched = self.cfg.fetcher.get(url, Some(&validators));
        let outcome = match fetched {
            Ok(FetchOutcome::NotModified) => {
                state.failures = 0;
                state.last_error = None;
                PollOutcome::NotModified
            }
            Ok(FetchOutcome::Fetched(f)) => {
                let input =
                    Input { source: url, bytes: &f.bytes, content_type: f.content_type.as_deref(), url: Some(&f.url) };
                let read = synoptic_extract::read(&input, &ReadOptions { max_bytes: self.cfg.max_bytes });
                let problems: Vec<String> = read.problems.iter().map(ToString::to_string).collect();
                if read.articles.is_empty() && !problems.is_empty() {
                    state.failures = state.failures.saturating_add(1);
                    let error = problems.join("; ");
                    state.last_error = Some(error.clone());
                    PollOutcome::Failed { error, failures: state.failures }
                } else if let Some(publisher) = &self.cfg.publish {
                    let items = read.articles.len();
                    match publisher.publish(&read.articles) {
                        Ok(published) => {
                            state.etag = f.validators.etag;
                            state.last_modified = f.validators.last_modified;
                            state.failures = 0;
                            state.last_error = None;
                            PollOutcome::Fetched { items, ingested: published, problems }
                        }
                        Err(error) => {
                            state.failures = state.failures.saturating_add(1);
                            let error = format!("publishing to {}: {error}", publisher.destination());
                            state.last_error = Some(error.clone());
                            PollOutcome::Failed { error, failures: state.failures }
                        }
                    }
                } else {
                    let items = read.articles.len();
                    let report = ingest_articles(store, read.articles, &self.cfg.ingest)?;
                    // Validators are kept only once the items they cover are stored.
                    state.etag = f.validators.etag;
                    state.last_modified = f.validators.last_modified;
                    state.failures = 0;
                    state.last_error = None;
                    PollOutcome::Fetched { items, ingested: report.ingested, problems }
                }
            }
            Err(e) => {
                state.failures = state.failures.saturating_add(1);
                state.last_error = Some(e.to_string());
                PollOutcome::Failed { error: e.to_string(), failures: state.failures }
            }
        };
        store.put_feed_state(&state)?;
        Ok(outcome)
    }
}

/// Wait after `failures` failures in a row: `interval * 2^failures`, capped.
fn backoff(cfg: &WatchConfig, failures: u32) -> Duration {
    let factor = 1u32 << failures.min(16);
    cfg.interval.saturating_mul(factor).min(cfg.max_backoff.max(cfg.interval))
}

/// Watch until `stop` is set: poll what is due, then wait (in short slices, so `stop` is seen quickly) for
/// the next feed.
pub fn watch(cfg: WatchConfig, store: &mut Store, stop: &AtomicBool) -> Result<WatchSummary, WatchError> {
    watch_with(cfg, store, stop, &mut |_| {})
}

/// [`watch`], calling `on_poll` after every poll (for progress lines).
pub fn watch_with(
    cfg: WatchConfig,
    store: &mut Store,
    stop: &AtomicBool,
    on_poll: &mut dyn FnMut(&PollReport),
) -> Result<WatchSummary, WatchError> {
    let mut watcher = Watcher::new(cfg, store, Instant::now())?;
    let mut summary = WatchSummary::default();
    while !stop.load(Ordering::SeqCst) {
        for report in watcher.poll_due(store, Instant::now())? {
            summary.polls += 1;
            match &report.outcome {
                PollOutcome::Fetched { ingested, .. } => summary.ingested += ingested,
                PollOutcome::NotModified => summary.not_modified += 1,
                PollOutcome::Failed { .. } => summary.failures += 1,
            }
            on_poll(&report);
            if stop.load(Ordering::SeqCst) {
                return Ok(summary);
            }
        }
        let Some(next) = watcher.next_due() else { break };
        while !stop.load(Ordering::SeqCst) {
            let left = next.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            std::thread::sleep(left.min(Duration::from_millis(200)));
        }
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opml_outlines_in_order_with_entities() {
        let opml = r#"<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
            <!-- <outline xmlUrl="https://commented.example/feed"/> -->
            <outline text="News"><outline type="rss" text="A" xmlUrl="https://a.example/rss?x=1&amp;y=2"/>
            <OUTLINE text='B' XMLURL='http://b.example/atom.xml'></OUTLINE></outline>
            <outline text="no feed"/><outline xmlUrl="ftp://c.example/feed"/>
            <outline xmlUrl="https://a.example/rss?x=1&amp;y=2"/></body></opml>"#;
        assert_eq!(parse_opml(opml), ["https://a.example/rss?x=1&y=2", "http://b.example/atom.xml"]);
        assert!(parse_opml("<opml><outline xmlUrl=\"https://x").is_empty());
        assert_eq!(decode_entities("a&#38;b&#x41;&bogus;&"), "a&bA&bogus;&");
    }

    #[test]
    fn hosts_and_backoff() {
        assert_eq!(host_of("https://User@Feeds.Example:8080/a?b"), "feeds.example:8080");
        let cfg =
            WatchConfig { max_backoff: Duration::from_secs(1000), ..WatchConfig::new(vec![], Duration::from_secs(60)) };
        assert_eq!(backoff(&cfg, 1), Duration::from_secs(120));
        assert_eq!(backoff(&cfg, 3), Duration::from_secs(480));
        assert_eq!(backoff(&cfg, 30), Duration::from_secs(1000));
    }
}
