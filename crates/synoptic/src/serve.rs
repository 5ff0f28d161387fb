//! `synoptic serve` (the server crate on a tokio runtime) and `synoptic watch` (the feed watcher, stopped
//! cleanly by ctrl-c or SIGTERM).

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use synoptic_ingest::watch::{PollOutcome, WatchConfig, feeds_from_args, watch_with};
use synoptic_server::ServeConfig;

use crate::cli::{ServeArgs, WatchArgs};
use crate::ui::Ui;

pub fn serve(args: &ServeArgs, store_dir: &Path, ui: Ui) -> anyhow::Result<u8> {
    let addr: SocketAddr =
        args.addr.parse().with_context(|| format!("--addr {}: expected HOST:PORT, e.g. 127.0.0.1:7878", args.addr))?;
    let mut cfg = ServeConfig::new(store_dir.to_path_buf());
    cfg.addr = addr;
    cfg.token = args.token.clone().filter(|t| !t.is_empty());
    #[cfg(feature = "kafka")]
    if let Some(spec) = &args.publish_to {
        let publisher = crate::kafka::KafkaPublisher::from_spec(spec)?;
        ui.note(format_args!(
            "posted articles are published to {}",
            synoptic_ingest::Publisher::destination(&publisher)
        ));
        cfg.publish = Some(synoptic_ingest::SharedPublisher(Arc::new(publisher)));
    }
    // Synopses an `ingest --no-synopses` left stale are rebuilt before the first page is served.
    drop(crate::open_fresh_store(store_dir, ui)?);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    ui.note(format_args!(
        "serving {} on http://{addr}/ (writes {}); ctrl-c stops",
        synoptic_store::display_location(store_dir),
        if cfg.token.is_some() { "need the bearer token" } else { "refused: no token set" }
    ));
    runtime.block_on(synoptic_server::serve(cfg))?;
    Ok(0)
}

pub fn watch(args: &WatchArgs, store_dir: &Path, ui: Ui) -> anyhow::Result<u8> {
    let feeds = feeds_from_args(&args.feeds)?;
    let mut store = crate::open_store(store_dir)?;
    #[allow(unused_mut)] // mutated only with the `kafka` feature
    let mut cfg = WatchConfig::new(feeds, Duration::from_secs(args.interval.max(1)));
    #[cfg(feature = "kafka")]
    if let Some(spec) = &args.publish_to {
        let publisher = crate::kafka::KafkaPublisher::from_spec(spec)?;
        ui.note(format_args!("new items are published to {}", synoptic_ingest::Publisher::destination(&publisher)));
        cfg.publish = Some(synoptic_ingest::SharedPublisher(Arc::new(publisher)));
    }
    let stop = Arc::new(AtomicBool::new(false));
    stop_on_signal(stop.clone());
    ui.note(format_args!("watching {} feeds every {} s; ctrl-c stops", cfg.feeds.len(), args.interval));
    let summary = watch_with(cfg, &mut store, &stop, &mut |report| match &report.outcome {
        PollOutcome::Fetched { items, ingested, problems } => {
            for p in problems {
                ui.problem(p);
            }
            ui.note(format_args!("{}: {items} items, {ingested} new", report.url));
        }
        PollOutcome::NotModified => ui.note(format_args!("{}: not modified", report.url)),
        PollOutcome::Failed { error, failures } => {
            ui.problem(format_args!("{}: {error} ({failures} in a row; backing off)", report.url));
        }
    })?;
    let mut err = std::io::stderr().lock();
    if !ui.quiet {
        let _ = writeln!(
            err,
            "{} polls: {} new articles, {} not modified, {} failed",
            summary.polls, summary.ingested, summary.not_modified, summary.failures
        );
    }
    Ok(0)
}

/// Set `stop` on ctrl-c or SIGTERM (a thread with a small runtime waits for the signal).
pub fn stop_on_signal(stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
        rt.block_on(synoptic_server::shutdown_signal());
        stop.store(true, Ordering::SeqCst);
    });
}
