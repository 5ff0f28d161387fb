//! Commands that read the store (`search`, `export`, `stories`) or copy it whole (`store copy`).

use std::io::Write;
use std::path::Path;

use synoptic_model::Timestamp;

use anyhow::Context;
use synoptic_store::{CopyOptions, display_location};

use crate::cli::{CopyArgs, ExportArgs, SearchArgs, StoriesArgs};
use crate::ui;
use crate::ui::Ui;

pub fn search(args: &SearchArgs, store_dir: &Path) -> anyhow::Result<u8> {
    let store = crate::open_store(store_dir)?;
    let query = args.query.join(" ");
    let hits = store.search(&query, args.limit)?;
    let mut out = ui::stdout();
    if hits.is_empty() {
        writeln!(out, "no articles match {query:?}")?;
    }
    let colour = ui::colour_stdout();
    for (i, hit) in hits.iter().enumerate() {
        let title = hit.title.as_deref().unwrap_or("(untitled)");
        let outlet = hit.outlet.as_deref().map(|o| format!(" — {o}")).unwrap_or_default();
        writeln!(out, "{}. {title}{outlet}  [{}]", i + 1, hit.article)?;
        for line in wrap(&hit.snippet, ui::width().saturating_sub(4)) {
            let line = if colour { line.replace('[', "\x1b[1;33m").replace(']', "\x1b[0m") } else { line };
            writeln!(out, "    {line}")?;
        }
    }
    out.flush()?;
    Ok(0)
}

pub fn export(_args: &ExportArgs, store_dir: &Path, ui: ui::Ui) -> anyhow::Result<u8> {
    let store = crate::open_fresh_store(store_dir, ui)?;
    let doc = store.document()?;
    let mut out = ui::stdout();
    ui::write_json(&mut out, &doc, true)?;
    out.flush()?;
    Ok(0)
}

pub fn stories(args: &StoriesArgs, store_dir: &Path, ui: ui::Ui) -> anyhow::Result<u8> {
    let store = crate::open_fresh_store(store_dir, ui)?;
    let mut list = store.stories()?;
    let mut out = ui::stdout();
    if list.is_empty() {
        writeln!(out, "no stories yet: add articles with `synoptic ingest PATH...`")?;
        out.flush()?;
        return Ok(0);
    }
    if let Some(n) = args.limit {
        list.truncate(n);
    }
    let width = ui::width();
    let title_width = width.saturating_sub(13 + 7 + 9 + 8 + 11 + 11 + 6).max(20);
    writeln!(
        out,
        "{:<13} {:<tw$} {:>6} {:>8} {:>7} {:<10} {:<10}",
        "story",
        "title",
        "events",
        "articles",
        "origins",
        "first seen",
        "last seen",
        tw = title_width
    )?;
    for s in &list {
        writeln!(
            out,
            "{:<13} {:<tw$} {:>6} {:>8} {:>7} {:<10} {:<10}",
            s.id,
            truncate(&s.title, title_width),
            s.events,
            s.articles,
            s.origins,
            day(s.first_seen.as_ref()),
            day(s.last_seen.as_ref()),
            tw = title_width
        )?;
    }
    out.flush()?;
    Ok(0)
}

fn day(t: Option<&Timestamp>) -> String {
    t.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "-".into())
}

/// At most `n` characters, with an ellipsis when cut.
pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Greedy word wrap.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(20);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `store copy`: fill the store `--to` with everything the store `from` holds (see
/// [`synoptic_store::Store::copy_into`]), as the target's writer.
pub fn copy(args: &CopyArgs, from: &Path, ui: Ui) -> anyhow::Result<u8> {
    // The source's name, kept in the target so that a second run resumes: a directory by its full path.
    let source = match std::fs::canonicalize(from) {
        Ok(path) => display_location(&path),
        Err(_) => display_location(from),
    };
    let target = display_location(&args.to);
    let mut src = crate::open_store(from)?;
    let mut dst = crate::open_store(&args.to)?;
    dst.acquire_writer(None, &mut || ui.note(format_args!("another process is writing to {target}; waiting")))
        .with_context(|| format!("taking the writer lease of {target}"))?;
    let started = std::time::Instant::now();
    let mut bar: Option<(&str, indicatif::ProgressBar)> = None;
    let opts =
        CopyOptions { source: &source, seq_keys: &[synoptic_ingest::pipeline::ENGINE_SEQ], batch: args.batch_size };
    let report = src
        .copy_into(&mut dst, &opts, &mut |p| {
            if bar.as_ref().is_none_or(|(stage, _)| *stage != p.stage) {
                if let Some((_, old)) = bar.take() {
                    old.finish_and_clear();
                }
                bar = Some((p.stage, ui.progress(p.total as u64, p.stage)));
            }
            if let Some((_, b)) = &bar {
                b.set_position(p.done as u64);
            }
        })
        .with_context(|| format!("copying {source} to {target}"))?;
    if let Some((_, b)) = bar.take() {
        b.finish_and_clear();
    }
    let secs = started.elapsed().as_secs_f64();
    ui.note(format_args!(
        "copied {} articles ({} new{}), {} events, {} stories, {} feeds, {} state entries to {target} in {secs:.1} s \
         ({:.0} articles/s)",
        report.articles,
        report.added,
        if report.resumed_after > 0 {
            format!("; {} copied by an earlier run", report.resumed_after)
        } else {
            String::new()
        },
        report.events,
        report.stories,
        report.feeds,
        report.state,
        report.articles as f64 / secs.max(1e-9),
    ));
    Ok(0)
}
