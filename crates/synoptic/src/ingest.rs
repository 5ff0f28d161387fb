//! `synoptic ingest` (inputs into the store, in committed batches) and `synoptic recluster`.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use synoptic_analyze::cluster::{Engine, EngineConfig, processing_order, recluster as recluster_all};
use synoptic_ingest::pipeline::{ENGINE_SEQ, ENGINE_STATE, EXPLAIN_PREFIX, refresh_event, refresh_story};
use synoptic_ingest::{IngestOptions, IngestReport, Ingester, StageTimings};
use synoptic_model::{Annotations, Article};
use synoptic_store::Store;

use crate::cli::{IngestArgs, RefreshArgs};
use crate::reading::{ReadSummary, read_inputs};
use crate::ui::{self, Ui};

/// Articles gathered from inputs before they go through the pipeline (bounds memory on large runs).
const CHUNK: usize = 5_000;

pub fn run(args: &IngestArgs, store_dir: &Path, ui: Ui) -> anyhow::Result<u8> {
    let started = Instant::now();
    let mut store = crate::open_store(store_dir)?;
    // One writer owns the clustering state: a second ingest waits here as a standby and takes over (from
    // the snapshot plus the articles stored after it) when the first ends or dies.
    store
        .acquire_writer(None, &mut || {
            ui.note(format_args!(
                "another process is writing to {}; waiting to take over",
                synoptic_store::display_location(store_dir)
            ))
        })
        .with_context(|| format!("taking the writer lease of {}", synoptic_store::display_location(store_dir)))?;
    let opts = IngestOptions { batch_size: args.batch_size.max(1), threads: args.threads, ..IngestOptions::default() };
    let mut ingester = Ingester::open(&mut store, opts)
        .with_context(|| format!("restoring the index in {}", synoptic_store::display_location(store_dir)))?;
    for w in &ingester.warnings {
        ui.problem(w);
    }
    let mut report = IngestReport::default();
    let progress_lines = args.progress_lines;

    let mut flush = |store: &mut Store, pending: &mut Vec<Article>, report: &mut IngestReport| -> anyhow::Result<()> {
        let before = report.ingested;
        let bar = ui.progress(pending.len() as u64, "storing");
        let batch = ingester
            .ingest(store, std::mem::take(pending), &mut |done| {
                bar.inc(done.articles as u64);
                if progress_lines {
                    let _ = writeln!(std::io::stderr().lock(), "ingested {}", before + done.committed);
                }
            })
            .with_context(|| format!("ingest into {}", synoptic_store::display_location(store_dir)))?;
        bar.finish_and_clear();
        report.merge(batch);
        Ok(())
    };

    // Inputs are read and cleaned on their own thread while the pipeline works on what came before.
    let summary = std::thread::scope(|s| -> anyhow::Result<ReadSummary> {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Article>>(4);
        let reader = s.spawn(move || {
            read_inputs(&args.input.paths, args.input.max_bytes, ui, |articles| {
                send.send(articles).map_err(|_| anyhow::anyhow!("the pipeline stopped"))
            })
        });
        let mut pending: Vec<Article> = Vec::new();
        let mut outcome: anyhow::Result<()> = Ok(());
        for articles in receive.iter() {
            pending.extend(articles);
            if pending.len() >= CHUNK {
                outcome = flush(&mut store, &mut pending, &mut report);
                if outcome.is_err() {
                    break;
                }
            }
        }
        if outcome.is_ok() {
            outcome = flush(&mut store, &mut pending, &mut report);
        }
        // A failed pipeline drops the receiver, which stops the reader at its next batch.
        drop(receive);
        let read = reader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        outcome?;
        read
    })?;
    let placed_at = started.elapsed();
    let t = Instant::now();
    ingester
        .finish(&mut store)
        .with_context(|| format!("saving the index in {}", synoptic_store::display_location(store_dir)))?;
    report.timings.cluster += t.elapsed();
    // The clustering state is saved: a standby may take over while the synopses are built.
    store.release_writer();
    if !args.no_synopses {
        ingester
            .refresh(&mut store, &mut report)
            .with_context(|| format!("building synopses in {}", synoptic_store::display_location(store_dir)))?;
    }
    report.timings.read = summary.read_time;
    report.timings.extract = summary.extract_time;

    let mut out = ui::stdout();
    writeln!(
        out,
        "ingested {} new article{} ({} already stored): {} cop{}, {} new event{}, {} new stor{}; {} articles in the store",
        report.ingested,
        if report.ingested == 1 { "" } else { "s" },
        report.duplicates,
        report.copies,
        if report.copies == 1 { "y" } else { "ies" },
        report.new_events,
        if report.new_events == 1 { "" } else { "s" },
        report.new_stories,
        if report.new_stories == 1 { "y" } else { "ies" },
        store.article_count()?,
    )?;
    if args.stats {
        let wall = Wall { placed: placed_at, total: started.elapsed(), synopses: report.events_touched };
        write_stats(&mut out, &report.timings, report.ingested, Some(wall))?;
    }
    out.flush()?;
    ui.note(summary.line());
    Ok(summary.exit_code())
}

/// `synoptic refresh`: rebuild stale synopses now.
pub fn refresh(args: &RefreshArgs, store_dir: &Path, ui: Ui) -> anyhow::Result<u8> {
    let mut store = crate::open_store(store_dir)?;
    let opts = synoptic_analyze::compare::SynopsisOptions::default();
    let progress_lines = args.progress_lines;
    let mut on_group = |events: &[synoptic_model::Event]| {
        if progress_lines {
            let mut err = std::io::stderr().lock();
            for e in events {
                let _ = writeln!(err, "built {}", e.id);
            }
        }
    };
    let done = if args.follow {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        crate::serve::stop_on_signal(stop.clone());
        ui.note(format_args!(
            "building synopses in {} as they become stale; ctrl-c stops",
            synoptic_store::display_location(store_dir)
        ));
        let poll = std::time::Duration::from_millis(args.poll_ms.max(10));
        synoptic_ingest::synopses::follow(&mut store, &opts, args.threads, args.claim, poll, &stop, &mut on_group)
    } else {
        let owner = synoptic_ingest::synopses::worker_name();
        synoptic_ingest::synopses::refresh_claimed(&mut store, &opts, args.threads, &owner, args.claim, &mut on_group)
    }
    .with_context(|| format!("building synopses in {}", synoptic_store::display_location(store_dir)))?;
    let mut out = ui::stdout();
    writeln!(
        out,
        "rebuilt {} event synopses and {} stories in {:.2} s (comparison {:.2} s of thread time, store {:.2} s)",
        done.events,
        done.stories,
        done.wall.as_secs_f64(),
        done.compare.as_secs_f64(),
        done.store.as_secs_f64()
    )?;
    out.flush()?;
    let _ = ui;
    Ok(0)
}

/// Wall-clock figures of an ingest run, for `--stats`.
#[derive(Debug, Clone, Copy)]
pub struct Wall {
    /// From start until every article was placed and committed.
    pub placed: std::time::Duration,
    /// From start to the end, synopses included.
    pub total: std::time::Duration,
    /// Synopses rebuilt.
    pub synopses: usize,
}

/// The stage table of `--stats`. Stages on worker threads count their threads' busy time, so with more than
/// one core the stages add up to more than the wall time; the rates are by wall time.
pub fn write_stats(out: &mut impl Write, t: &StageTimings, articles: usize, wall: Option<Wall>) -> anyhow::Result<()> {
    let total = t.total().as_secs_f64();
    writeln!(out, "{:<18} {:>10} {:>7}", "stage", "seconds", "share")?;
    for (name, d) in t.stages() {
        let s = d.as_secs_f64();
        let share = if total > 0.0 { 100.0 * s / total } else { 0.0 };
        writeln!(out, "{name:<18} {s:>10.3} {share:>6.1}%")?;
    }
    writeln!(out, "{:<18} {total:>10.3}", "stages (busy)")?;
    if let Some(w) = wall {
        let placed = w.placed.as_secs_f64();
        let all = w.total.as_secs_f64();
        let rate = |secs: f64| if secs > 0.0 { articles as f64 / secs } else { 0.0 };
        writeln!(out, "{:<18} {placed:>10.3}          ({:.0} articles/s, wall)", "wall: placed", rate(placed))?;
        writeln!(
            out,
            "{:<18} {all:>10.3}          ({:.0} articles/s, wall, with {} synopses)",
            "wall: total",
            rate(all),
            w.synopses
        )?;
    }
    Ok(())
}

/// Re-place every stored article with document frequencies known for the whole collection, then rebuild
/// every event and story, in one transaction.
pub fn recluster(store_dir: &Path, ui: Ui) -> anyhow::Result<u8> {
    let started = Instant::now();
    let mut store = crate::open_store(store_dir)?;
    // Re-clustering replaces the clustering state: only the writer may.
    let epoch = store
        .acquire_writer(None, &mut || {
            ui.note(format_args!(
                "another process is writing to {}; waiting for it",
                synoptic_store::display_location(store_dir)
            ))
        })
        .with_context(|| format!("taking the writer lease of {}", synoptic_store::display_location(store_dir)))?
        .unwrap_or_default();
    let mut items: Vec<(Article, Annotations)> = Vec::new();
    let mut after = 0;
    loop {
        let page = store.articles_after(after, 5_000)?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        items.extend(page.into_iter().map(|s| (s.article, s.annotations)));
    }
    let cfg = EngineConfig::default();
    let placements = recluster_all(&items, &cfg);
    // The online engine continues from the same collection: replayed in processing order.
    let articles: Vec<Article> = items.iter().map(|(a, _)| a.clone()).collect();
    let mut engine = Engine::new(cfg);
    for i in processing_order(&articles) {
        if let Some((a, ann)) = items.get(i) {
            engine.add(a, ann);
        }
    }
    let opts = IngestOptions::default();
    let (events, stories) = store.transaction(|tx| {
        tx.check_writer()?;
        tx.reset_analysis()?;
        // The reset forgets all state; the lease's epoch stays.
        tx.put_state(synoptic_store::WRITER_EPOCH, epoch.to_string().as_bytes())?;
        let mut events = std::collections::BTreeMap::new();
        for ((article, _), p) in items.iter().zip(&placements) {
            tx.set_placement(&article.id, p.copy_of.as_deref(), &p.event)?;
            let why = serde_json::to_vec(&p.explanation).unwrap_or_default();
            tx.put_state(&format!("{EXPLAIN_PREFIX}{}", article.id), &why)?;
            events.insert(p.event.clone(), (p.story.clone(), p.story_title.clone()));
        }
        let mut stories = std::collections::BTreeMap::new();
        for (event, (story, title)) in &events {
            refresh_event(tx, event, story, &opts.synopsis)?;
            stories.entry(story.clone()).or_insert_with(|| (title.clone(), Vec::new())).1.push(event.clone());
        }
        for (story, (title, evs)) in &stories {
            let refs: Vec<&String> = evs.iter().collect();
            refresh_story(tx, story, title, &refs)?;
        }
        tx.put_state(ENGINE_STATE, &engine.snapshot())?;
        tx.put_state(ENGINE_SEQ, after.to_string().as_bytes())?;
        Ok((events.len(), stories.len()))
    })?;
    let mut out = ui::stdout();
    writeln!(out, "reclustered {} articles into {events} events and {stories} stories", items.len())?;
    out.flush()?;
    ui.note(format_args!("recluster took {:.2} s", started.elapsed().as_secs_f64()));
    Ok(0)
}
