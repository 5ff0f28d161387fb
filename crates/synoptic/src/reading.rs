//! Reading every input a command names, one at a time: problems printed as they happen, a progress bar
//! on a terminal, articles handed on input by input, and the closing summary line.

use std::time::Duration;

use synoptic_ingest::inputs;
use synoptic_ingest::read::{ReadConfig, read_source_each};
use synoptic_model::Article;

use crate::ui::Ui;

/// What reading all inputs gave.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadSummary {
    /// Inputs named or found (files, stdin, URLs, missing paths).
    pub inputs: usize,
    pub articles: usize,
    /// Inputs that gave no article.
    pub skipped: usize,
    /// Problem lines printed (a feed's broken items count one each).
    pub problems: usize,
    pub read_time: Duration,
    pub extract_time: Duration,
}

impl ReadSummary {
    /// "read 181 files: 179 articles, 2 skipped"
    pub fn line(&self) -> String {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "read {}: {}, {} skipped",
            plural(self.inputs, "file", "files"),
            plural(self.articles, "article", "articles"),
            self.skipped
        )
    }

    /// Exit status: 0 when everything was read, 1 when something was skipped or had problems.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.problems > 0 || self.skipped > 0)
    }
}

/// Read `paths` in order, calling `each` with the articles of every input that gave some.
pub fn read_inputs(
    paths: &[String],
    max_bytes: u64,
    ui: Ui,
    mut each: impl FnMut(Vec<Article>) -> anyhow::Result<()>,
) -> anyhow::Result<ReadSummary> {
    let (sources, missing) = inputs::expand(paths);
    let mut summary = ReadSummary { inputs: sources.len() + missing.len(), ..ReadSummary::default() };
    for p in &missing {
        ui.problem(format_args!("{}: {}", p.input, p.error));
        summary.problems += 1;
        summary.skipped += 1;
    }
    let cfg = ReadConfig::with_max_bytes(max_bytes);
    let bar = ui.progress(sources.len() as u64, "reading");
    for source in &sources {
        bar.set_message(source.name());
        let mut articles = 0usize;
        let mut failed: Option<anyhow::Error> = None;
        read_source_each(source, &cfg, &mut |read| {
            if failed.is_some() {
                return;
            }
            summary.read_time += read.read_time;
            summary.extract_time += read.extract_time;
            for issue in &read.issues {
                bar.suspend(|| ui.problem(issue));
                summary.problems += 1;
            }
            articles += read.articles.len();
            if !read.articles.is_empty()
                && let Err(e) = each(read.articles)
            {
                failed = Some(e);
            }
        });
        if let Some(e) = failed {
            return Err(e);
        }
        summary.articles += articles;
        if articles == 0 {
            summary.skipped += 1;
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(summary)
}
