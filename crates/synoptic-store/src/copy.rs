//! Store-to-store copy on either backend (SQLite to PostgreSQL and back): everything a store holds, read
//! from one snapshot of the source, written into the target through the same [`Db`] methods as any writer.
//!
//! - **What.** Articles in ingest order (with annotations, placements and explanations), events and stories
//!   in the order first stored (so list ties break the same way), feed-watching state, and the other state
//!   entries (engine snapshot, pending synopses, stream positions) — last, so a target holds the engine's
//!   snapshot only once everything it covers is there. The writer epoch is the target's own and is not
//!   copied.
//! - **Positions.** `seq` numbers are the target's own (gaps close up); state entries that hold an article
//!   `seq` (named in [`CopyOptions::seq_keys`], e.g. the engine's "articles up to here") are rewritten to
//!   the target `seq` of the same article.
//! - **Resumable.** The target remembers its source (`copy.from`) and the last source article committed
//!   (`copy.articles`), in the transaction of each batch: running the copy again continues after it, and
//!   makes events, stories and state those of the source again (written over, and the ones the source no
//!   longer has — merged events, built synopses' pending markers — deleted). A target that holds articles and was
//!   not filled from the same source is refused before anything is written.
//! - **Fenced.** The target's writes run as its writer: take its lease first ([`Store::acquire_writer`]).

use std::collections::HashMap;

use crate::{NewArticle, Store, StoreError, WRITER_EPOCH};

/// State key naming the store a copy came from.
pub const COPY_FROM_KEY: &str = "copy.from";
/// State key of the last source article `seq` a copy committed (decimal).
pub const COPY_ARTICLES_KEY: &str = "copy.articles";

/// How to copy.
#[derive(Debug, Clone)]
pub struct CopyOptions<'a> {
    /// Names the source in the target ([`COPY_FROM_KEY`]); resuming needs the same name.
    pub source: &'a str,
    /// State keys whose value is an article `seq` of the source (decimal): rewritten for the target.
    pub seq_keys: &'a [&'a str],
    /// Articles, events or stories per target transaction.
    pub batch: usize,
}

/// Where a copy is: `stage` ("articles", "events", "stories", "state"), `done` of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyProgress {
    pub stage: &'static str,
    pub done: usize,
    pub total: usize,
}

/// What a copy wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyReport {
    /// Source articles read (after the resume point).
    pub articles: usize,
    /// Of those, how many the target did not hold yet.
    pub added: usize,
    /// Articles skipped because an earlier run of the copy committed them.
    pub resumed_after: usize,
    pub events: usize,
    pub stories: usize,
    pub feeds: usize,
    pub state: usize,
}

fn decimal(bytes: Option<Vec<u8>>) -> Option<u64> {
    bytes.and_then(|b| String::from_utf8(b).ok()).and_then(|s| s.trim().parse().ok())
}

impl Store {
    /// Copy everything this store holds into `to` (see the module documentation), reading one consistent
    /// snapshot of this store: a writer may go on writing here meanwhile. `to` must hold the writer lease.
    pub fn copy_into(
        &mut self,
        to: &mut Store,
        opts: &CopyOptions<'_>,
        progress: &mut dyn FnMut(CopyProgress),
    ) -> Result<CopyReport, StoreError> {
        let batch = opts.batch.max(1);
        let from_here = to.state(COPY_FROM_KEY)?.map(|b| String::from_utf8_lossy(&b).into_owned());
        let held = to.article_count()?;
        let resume_seq = match from_here.as_deref() {
            Some(name) if name == opts.source => decimal(to.state(COPY_ARTICLES_KEY)?).unwrap_or(0),
            _ if held == 0 => 0,
            other => {
                return Err(StoreError::CopyTargetNotEmpty {
                    articles: held,
                    from: opts.source.to_string(),
                    origin: match other {
                        Some(name) => format!("copied from {name}"),
                        None => "not filled by a copy".to_string(),
                    },
                });
            }
        };
        self.read(|src| {
            let mut report = CopyReport::default();
            // State entries holding a source seq: the last source article at or before each.
            let mut seq_values: Vec<(&str, u64, Option<String>)> = Vec::new();
            for key in opts.seq_keys {
                if let Some(seq) = decimal(src.state(key)?) {
                    seq_values.push((key, seq, None));
                }
            }
            // Articles, in ingest order, after the resume point.
            let total = src.article_count()?;
            let mut after = 0;
            loop {
                let page = src.articles_after(after, batch)?;
                let Some(last) = page.last() else { break };
                let page_last = last.seq;
                for a in &page {
                    for (_, seq, last_id) in seq_values.iter_mut() {
                        if a.seq <= *seq {
                            *last_id = Some(a.article.id.clone());
                        }
                    }
                }
                if page_last <= resume_seq {
                    report.resumed_after += page.len();
                    after = page_last;
                    continue;
                }
                let page: Vec<_> = page.into_iter().filter(|a| a.seq > resume_seq).collect();
                let explanations =
                    page.iter().map(|a| src.explanation(&a.article.id)).collect::<Result<Vec<_>, _>>()?;
                let rows: Vec<NewArticle<'_>> = page
                    .iter()
                    .zip(&explanations)
                    .map(|(a, why)| NewArticle {
                        article: &a.article,
                        annotations: &a.annotations,
                        copy_of: a.article.copy_of.as_deref(),
                        event: a.article.event.as_deref(),
                        explanation: why.as_deref(),
                    })
                    .collect();
                let added = to.transaction(|tx| {
                    tx.check_writer()?;
                    let added = tx.insert_articles(&rows)?;
                    tx.put_state(COPY_FROM_KEY, opts.source.as_bytes())?;
                    tx.put_state(COPY_ARTICLES_KEY, page_last.to_string().as_bytes())?;
                    Ok(added)
                })?;
                report.articles += page.len();
                report.added += added.iter().filter(|a| **a).count();
                after = page_last;
                progress(CopyProgress { stage: "articles", done: report.resumed_after + report.articles, total });
            }
            // Events, in the order first stored.
            let ids = src.event_ids()?;
            for chunk in ids.chunks(batch) {
                let events = chunk.iter().filter_map(|id| src.event(id).transpose()).collect::<Result<Vec<_>, _>>()?;
                to.transaction(|tx| {
                    tx.check_writer()?;
                    tx.put_events(&events)
                })?;
                report.events += events.len();
                progress(CopyProgress { stage: "events", done: report.events, total: ids.len() });
            }
            let kept: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
            let gone: Vec<String> = to.event_ids()?.into_iter().filter(|id| !kept.contains(id.as_str())).collect();
            to.transaction(|tx| {
                tx.check_writer()?;
                gone.iter().try_for_each(|id| tx.delete_event(id).map(drop))
            })?;
            // Stories, in the order first stored.
            let stories = src.all_stories()?;
            for chunk in stories.chunks(batch) {
                to.transaction(|tx| {
                    tx.check_writer()?;
                    tx.put_stories(chunk)
                })?;
                report.stories += chunk.len();
                progress(CopyProgress { stage: "stories", done: report.stories, total: stories.len() });
            }
            let kept: std::collections::HashSet<&str> = stories.iter().map(|s| s.id.as_str()).collect();
            let gone: Vec<String> =
                to.all_stories()?.into_iter().map(|s| s.id).filter(|id| !kept.contains(id.as_str())).collect();
            to.transaction(|tx| {
                tx.check_writer()?;
                gone.iter().try_for_each(|id| tx.delete_story(id).map(drop))
            })?;
            // Feeds and state, in one last transaction.
            let feeds = src.feed_states()?;
            let keys: Vec<String> = src
                .state_keys("")?
                .into_iter()
                .filter(|k| k != WRITER_EPOCH && k != COPY_FROM_KEY && k != COPY_ARTICLES_KEY)
                .collect();
            let mut target_seq: HashMap<&str, u64> = HashMap::new();
            for (key, _, last_id) in &seq_values {
                let seq = match last_id {
                    Some(id) => to.article(id)?.map_or(0, |a| a.seq),
                    None => 0,
                };
                target_seq.insert(key, seq);
            }
            let mut values = Vec::with_capacity(keys.len());
            for key in &keys {
                let value = match target_seq.get(key.as_str()) {
                    Some(seq) => Some(seq.to_string().into_bytes()),
                    None => src.state(key)?,
                };
                if let Some(value) = value {
                    values.push((key, value));
                }
            }
            let kept: std::collections::HashSet<&str> = keys.iter().map(String::as_str).collect();
            let own = |k: &str| k == WRITER_EPOCH || k == COPY_FROM_KEY || k == COPY_ARTICLES_KEY;
            let gone: Vec<String> =
                to.state_keys("")?.into_iter().filter(|k| !own(k) && !kept.contains(k.as_str())).collect();
            to.transaction(|tx| {
                tx.check_writer()?;
                feeds.iter().try_for_each(|f| tx.put_feed_state(f))?;
                gone.iter().try_for_each(|k| tx.delete_state(k).map(drop))?;
                values.iter().try_for_each(|(k, v)| tx.put_state(k, v))
            })?;
            report.feeds = feeds.len();
            report.state = values.len();
            progress(CopyProgress { stage: "state", done: values.len(), total: keys.len() });
            Ok(report)
        })
    }
}
