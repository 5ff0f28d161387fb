//! Commands that read the store: `search`, `export` and `stories`.

use std::io::Write;
use std::path::Path;

use synoptic_model::Timestamp;

use crate::cli::{ExportArgs, SearchArgs, StoriesArgs};
use crate::ui;

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
