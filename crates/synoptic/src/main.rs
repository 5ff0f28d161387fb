//! The `synoptic` binary: parses the command line and hands each command to its module.
//!
//! Exit status: 0 when every input was read, 1 when some inputs were skipped (each named on stderr) or a
//! command failed, 2 on usage errors (clap). A closed output pipe ends the run quietly with the status so
//! far.

mod brief;
mod cli;
mod eval;
mod extract;
mod ingest;
#[cfg(feature = "kafka")]
mod kafka;
mod reading;
mod render;
mod serve;
mod show;
mod store_cmds;
mod synth;
mod ui;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use cli::{Cli, Command};
use ui::Ui;

/// mimalloc instead of the system allocator: the pipeline allocates many short-lived strings and vectors, and
/// glibc malloc/free were ~20% of ingest samples (see xtask/BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui { quiet: cli.quiet };
    match run(cli, ui) {
        Ok(code) => ExitCode::from(code),
        Err(e) if ui::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            ui.problem(format_args!("{e:#}"));
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli, ui: Ui) -> anyhow::Result<u8> {
    let store = cli.store;
    let store_dir = || store_dir(store.clone());
    match cli.command {
        Command::Extract(args) => extract::run(&args, ui),
        Command::Ingest(args) => ingest::run(&args, &store_dir()?, ui),
        Command::Brief(args) => brief::run(&args, ui),
        Command::Search(args) => store_cmds::search(&args, &store_dir()?),
        Command::Export(args) => store_cmds::export(&args, &store_dir()?, ui),
        Command::Show(args) => show::run(&args, &store_dir()?, ui),
        Command::Stories(args) => store_cmds::stories(&args, &store_dir()?, ui),
        Command::Recluster(_) => ingest::recluster(&store_dir()?, ui),
        Command::Refresh(args) => ingest::refresh(&args, &store_dir()?, ui),
        Command::Eval(cmd) => eval::run(cmd, &store_dir, ui),
        Command::Store(cli::StoreCommand::Copy(args)) => {
            let from = match &args.from {
                Some(from) => from.clone(),
                None => store_dir()?,
            };
            store_cmds::copy(&args, &from, ui)
        }
        Command::Synth(args) => synth::run(&args),
        Command::Serve(args) => serve::serve(&args, &store_dir()?, ui),
        Command::Watch(args) => serve::watch(&args, &store_dir()?, ui),
        #[cfg(feature = "kafka")]
        Command::Consume(args) => kafka::consume(&args, &store_dir()?, ui),
        #[cfg(feature = "kafka")]
        Command::Produce(args) => kafka::produce(&args, ui),
    }
}

/// `--store`, else `$SYNOPTIC_STORE` (clap reads both), else the platform data directory. A PostgreSQL URL
/// (`postgres://...`) passes through as it is; the store opens it in place of a directory.
fn store_dir(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match given {
        Some(dir) => Ok(dir),
        None => dirs::data_dir()
            .map(|d| d.join("synoptic"))
            .context("no data directory on this platform: pass --store DIR or set SYNOPTIC_STORE"),
    }
}

/// Open the store for reading, first rebuilding the synopses an `ingest --no-synopses` left stale (noted on
/// stderr when there are any). A store that cannot be written (read-only files) is read as it is.
pub fn open_fresh_store(dir: &std::path::Path, ui: ui::Ui) -> anyhow::Result<synoptic_store::Store> {
    let mut store = open_store(dir)?;
    let pending = synoptic_ingest::synopses::pending(&store).map(|p| p.len()).unwrap_or(0);
    if pending > 0 {
        let opts = synoptic_analyze::compare::SynopsisOptions::default();
        match synoptic_ingest::refresh_pending(&mut store, &opts, 0) {
            Ok(done) => {
                ui.note(format_args!("rebuilt {} event synopses in {:.2} s", done.events, done.wall.as_secs_f64()))
            }
            Err(e) => ui.problem(format_args!("{pending} event synopses are stale and could not be rebuilt: {e}")),
        }
    }
    Ok(store)
}

/// Open the store (a directory or a PostgreSQL URL), naming it when that fails.
pub fn open_store(dir: &std::path::Path) -> anyhow::Result<synoptic_store::Store> {
    synoptic_store::Store::open(dir)
        .with_context(|| format!("cannot open the store in {}", synoptic_store::display_location(dir)))
}
