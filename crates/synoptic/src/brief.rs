//! `synoptic brief`: one shot over a store in memory — read the inputs, ingest them, print the synopsis.

use std::io::Write;

use anyhow::Context;
use synoptic_analyze::compare::SynopsisOptions;
use synoptic_ingest::{IngestOptions, Ingester};
use synoptic_model::Article;
use synoptic_store::Store;

use crate::cli::BriefArgs;
use crate::reading::read_inputs;
use crate::ui::{self, Ui};

pub fn run(args: &BriefArgs, ui: Ui) -> anyhow::Result<u8> {
    let mut articles: Vec<Article> = Vec::new();
    let summary = read_inputs(&args.input.paths, args.input.max_bytes, ui, |batch| {
        articles.extend(batch);
        Ok(())
    })?;
    let mut store = Store::open_in_memory().context("cannot open a store in memory")?;
    let opts = IngestOptions {
        synopsis: SynopsisOptions { summary_sentences: args.sentences.max(1) },
        snapshot_every: usize::MAX,
        ..IngestOptions::default()
    };
    // One shot: the engine never needs saving.
    let mut ingester = Ingester::open(&mut store, opts).context("starting the analysis")?;
    let mut report = ingester.ingest(&mut store, articles, &mut |_| {}).context("analysing the articles")?;
    ingester.refresh(&mut store, &mut report).context("comparing the sources")?;
    let doc = store.document().context("reading back the synopsis")?;
    let mut out = ui::stdout();
    crate::render::write_document(&mut out, &doc, args.format)?;
    out.flush()?;
    ui.note(summary.line());
    Ok(summary.exit_code())
}
