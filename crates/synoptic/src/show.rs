//! `synoptic show ID`: an article (text with entities, quotes and figures marked, and why it joined its
//! event), an event (its synopsis) or a story (its timeline), from the store.

use std::io::Write;
use std::path::Path;

use anyhow::bail;
use serde::Serialize;
use synoptic_analyze::cluster::Explanation;
use synoptic_ingest::pipeline::EXPLAIN_PREFIX;
use synoptic_model::{Annotations, Article, Span};
use synoptic_store::StoredArticle;

use crate::cli::{Format, ShowArgs};
use crate::store_cmds::wrap;
use crate::ui;

pub fn run(args: &ShowArgs, store_dir: &Path, ui: crate::ui::Ui) -> anyhow::Result<u8> {
    let store = crate::open_fresh_store(store_dir, ui)?;
    let id = args.id.trim();
    let mut out = ui::stdout();
    if let Some(stored) = store.article(id)? {
        let explanation: Option<Explanation> =
            store.state(&format!("{EXPLAIN_PREFIX}{id}"))?.and_then(|bytes| serde_json::from_slice(&bytes).ok());
        let event_title = match stored.article.event.as_deref() {
            Some(e) => store.event(e)?.map(|e| e.title),
            None => None,
        };
        write_article(&mut out, &stored, explanation.as_ref(), event_title.as_deref(), args.format)?;
    } else if let Some(doc) = store.document_for_event(id)? {
        crate::render::write_document(&mut out, &doc, args.format)?;
    } else if let Some(doc) = store.document_for_story(id)? {
        crate::render::write_document(&mut out, &doc, args.format)?;
    } else {
        bail!("{id}: no article, event or story with this id (see `synoptic stories` or `synoptic search`)");
    }
    out.flush()?;
    Ok(0)
}

/// The JSON form of `show ARTICLE`.
#[derive(Serialize)]
struct ArticleView<'a> {
    article: &'a Article,
    annotations: &'a Annotations,
    placement: Option<&'a Explanation>,
}

fn write_article(
    out: &mut impl Write,
    stored: &StoredArticle,
    why: Option<&Explanation>,
    event_title: Option<&str>,
    format: Format,
) -> anyhow::Result<()> {
    let a = &stored.article;
    let ann = &stored.annotations;
    match format {
        Format::Json => {
            return ui::write_json(out, &ArticleView { article: a, annotations: ann, placement: why }, true);
        }
        Format::Html => {
            // The standalone page of a one-article document (the renderer escapes everything).
            let doc = synoptic_model::Document { articles: vec![a.clone()], ..Default::default() };
            out.write_all(synoptic_render::html(&doc).as_bytes())?;
            return Ok(());
        }
        Format::Text | Format::Markdown => {}
    }
    let md = format == Format::Markdown;
    let colour = !md && ui::colour_stdout();
    let width = ui::width();
    let title = a.title.as_deref().unwrap_or("(untitled)");
    if md {
        writeln!(out, "# {title}\n")?;
    } else if colour {
        writeln!(out, "\x1b[1m{title}\x1b[0m")?;
    } else {
        writeln!(out, "{title}")?;
    }
    let mut meta: Vec<String> = Vec::new();
    meta.extend(a.outlet.clone());
    meta.extend(a.author.as_ref().map(|s| format!("by {s}")));
    meta.extend(a.published.map(|p| p.to_rfc3339()));
    meta.extend(a.language.clone());
    meta.push(format!("{} words", a.word_count()));
    meta.push(format!("id {}", a.id));
    writeln!(out, "{}", meta.join(" · "))?;
    if let Some(url) = &a.url {
        writeln!(out, "{url}")?;
    }
    if !a.credits.is_empty() {
        writeln!(out, "credits: {}", a.credits.join(", "))?;
    }
    writeln!(out)?;
    let legend = if colour {
        "\x1b[36mentities\x1b[0m  \x1b[32m“quotes”\x1b[0m  \x1b[33mfigures\x1b[0m"
    } else {
        "[entities]  «quotes»  {figures}"
    };
    writeln!(out, "{legend}\n")?;
    let marked = mark(&a.text, ann, colour);
    for para in marked.split("\n\n") {
        if md {
            writeln!(out, "{}\n", para.trim())?;
        } else {
            for line in wrap(para, width) {
                writeln!(out, "{line}")?;
            }
            writeln!(out)?;
        }
    }

    let heading = |out: &mut dyn Write, s: &str| -> std::io::Result<()> {
        if md {
            writeln!(out, "## {s}\n")
        } else if colour {
            writeln!(out, "\x1b[1m{s}\x1b[0m")
        } else {
            writeln!(out, "{s}")
        }
    };
    if !ann.quotes.is_empty() {
        heading(out, "Quotes")?;
        for q in &ann.quotes {
            let who = q.speaker.as_deref().unwrap_or("speaker unknown");
            let how = q.attribution.as_deref().map(|h| format!(", {h}")).unwrap_or_default();
            writeln!(out, "- “{}” — {who}{how}", q.text)?;
        }
        writeln!(out)?;
    }
    if !ann.figures.is_empty() {
        heading(out, "Figures")?;
        for f in &ann.figures {
            let about = if f.about.is_empty() { String::new() } else { format!(" — {}", f.about) };
            writeln!(out, "- {} = {} {}{about}", f.text, f.value, f.unit)?;
        }
        writeln!(out)?;
    }
    heading(out, "Placement")?;
    match (a.event.as_deref(), why) {
        (Some(event), Some(why)) => {
            writeln!(out, "event {event}{}", event_title.map(|t| format!(": {t}")).unwrap_or_default())?;
            if let Some(origin) = &a.copy_of {
                writeln!(out, "copy of {origin}")?;
            }
            if !why.reason.is_empty() {
                for line in wrap(&why.reason, width) {
                    writeln!(out, "{line}")?;
                }
            }
            writeln!(out, "score {:.3} against threshold {:.3}", why.score, why.threshold)?;
            if why.features.is_empty() {
                let mut parts = vec![format!("text {:.3}", why.text)];
                parts.extend(why.entities.map(|v| format!("names {v:.3}")));
                parts.extend(why.title.map(|v| format!("title {v:.3}")));
                parts.extend(why.facts.map(|v| format!("facts {v:.3}")));
                parts.push(format!("time decay {:.3}", why.decay));
                writeln!(out, "parts: {}", parts.join(", "))?;
            } else {
                for line in feature_lines(why) {
                    writeln!(out, "{line}")?;
                }
            }
            if !why.top_terms.is_empty() {
                writeln!(out, "shared terms: {}", why.top_terms.join(", "))?;
            }
            if !why.shared_entities.is_empty() {
                writeln!(out, "shared names: {}", why.shared_entities.join(", "))?;
            }
            if let (Some(r), Some(s)) = (&why.runner_up, why.runner_up_score) {
                writeln!(out, "runner-up: event {r} at {s:.3}")?;
            }
            for m in &why.merged {
                writeln!(
                    out,
                    "merged from event {} into event {} (events alike at {:.3}, merge threshold {:.3})",
                    m.absorbed, m.into, m.score, m.threshold
                )?;
            }
            if let Some(s) = why.story_score {
                let t = why.story_threshold.map(|t| format!(" against threshold {t:.2}")).unwrap_or_default();
                writeln!(out, "story: rare named things shared, score {s:.3}{t}")?;
            }
            if let (Some(c), Some(j)) = (&why.copy_of, why.copy_jaccard) {
                writeln!(out, "nearest earlier text: {c} (Jaccard {j:.2})")?;
            }
        }
        (Some(event), None) => writeln!(out, "event {event} (no explanation stored)")?,
        _ => writeln!(out, "not placed in an event yet")?,
    }
    Ok(())
}

/// The model's features behind a placement, largest contribution first: `name  value × weight = part`,
/// with the runner-up's part beside it; then the bias and the time decay.
fn feature_lines(why: &Explanation) -> Vec<String> {
    let names = synoptic_analyze::cluster::FEATURES;
    let mut rows: Vec<(usize, [f64; 2])> =
        why.features.iter().copied().enumerate().filter(|(_, [v, c])| *v != 0.0 || *c != 0.0).collect();
    rows.sort_by(|a, b| b.1[1].abs().total_cmp(&a.1[1].abs()).then(a.0.cmp(&b.0)));
    let runner = !why.runner_up_features.is_empty();
    let mut out = vec![format!(
        "{:<18} {:>7} {:>8} {:>8}{}",
        "feature",
        "value",
        "weight",
        "part",
        if runner { "  runner-up part" } else { "" }
    )];
    for (i, [v, c]) in rows {
        let name = names.get(i).copied().unwrap_or("?");
        let weight = if v != 0.0 { format!("{:.2}", c / v) } else { "-".to_string() };
        let r = why.runner_up_features.get(i).map(|x| format!("  {x:>+8.3}")).unwrap_or_default();
        out.push(format!("{name:<18} {v:>7.3} {weight:>8} {c:>+8.3}{r}"));
    }
    out.push(format!("{:<18} {:>7} {:>8} {:>+8.3}", "bias", "", "", why.bias));
    out.push(format!("time decay {:.3} (1 without dates)", why.decay));
    out
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Mark {
    Quote,
    Entity,
    Figure,
}

/// The text with each annotation's span marked: ANSI colour on a terminal, brackets otherwise. Spans that
/// cross an already-marked span (rather than nest in it) are left unmarked.
pub fn mark(text: &str, ann: &Annotations, colour: bool) -> String {
    let mut spans: Vec<(Span, Mark)> = Vec::new();
    spans.extend(ann.quotes.iter().map(|q| (q.span, Mark::Quote)));
    spans.extend(ann.entities.iter().map(|e| (e.span, Mark::Entity)));
    spans.extend(ann.figures.iter().map(|f| (f.span, Mark::Figure)));
    spans.retain(|(s, _)| !s.is_empty() && text.get(s.start..s.end).is_some());
    // Outer spans first: by start, longer first.
    spans.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.0.end.cmp(&a.0.end)).then(a.1.cmp(&b.1)));
    let mut kept: Vec<(Span, Mark)> = Vec::new();
    for (s, m) in spans {
        let crosses = kept.iter().any(|(k, _)| {
            let disjoint = s.end <= k.start || s.start >= k.end;
            let nested = s.start >= k.start && s.end <= k.end;
            !(disjoint || nested) || *k == s
        });
        if !crosses {
            kept.push((s, m));
        }
    }
    // Insertions: (position, is_open, order, mark). Closes come before opens at one position.
    let mut marks: Vec<(usize, u8, usize, Mark)> = Vec::new();
    for (i, (s, m)) in kept.iter().enumerate() {
        marks.push((s.start, 1, i, *m));
        marks.push((s.end, 0, usize::MAX - i, *m));
    }
    marks.sort();
    let mut out = String::with_capacity(text.len() + marks.len() * 6);
    let mut stack: Vec<Mark> = Vec::new();
    let mut at = 0;
    for (pos, open, _, m) in marks {
        out.push_str(text.get(at..pos).unwrap_or(""));
        at = pos;
        if colour {
            if open == 1 {
                stack.push(m);
            } else {
                stack.pop();
            }
            out.push_str("\x1b[0m");
            if let Some(top) = stack.last() {
                out.push_str(ansi(*top));
            }
        } else {
            out.push_str(match (m, open) {
                (Mark::Entity, 1) => "[",
                (Mark::Entity, _) => "]",
                (Mark::Quote, 1) => "«",
                (Mark::Quote, _) => "»",
                (Mark::Figure, 1) => "{",
                (Mark::Figure, _) => "}",
            });
        }
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

fn ansi(m: Mark) -> &'static str {
    match m {
        Mark::Entity => "\x1b[36m",
        Mark::Quote => "\x1b[32m",
        Mark::Figure => "\x1b[33m",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synoptic_model::{EntityKind, EntityMention, FigureMention, QuoteMention};

    #[test]
    fn marks_nested_spans_and_skips_crossing_ones() {
        let text = "Ann said \"we pay $5 now\" today.";
        let ann = Annotations {
            entities: vec![
                EntityMention {
                    span: Span::new(0, 3),
                    surface: "Ann".into(),
                    canonical: "Ann".into(),
                    kind: EntityKind::Person,
                },
                // Crosses the quote's end: left unmarked.
                EntityMention {
                    span: Span::new(20, 30),
                    surface: "x".into(),
                    canonical: "x".into(),
                    kind: EntityKind::Other,
                },
            ],
            quotes: vec![QuoteMention {
                span: Span::new(10, 23),
                text: "we pay $5 now".into(),
                speaker: Some("Ann".into()),
                attribution: None,
            }],
            figures: vec![FigureMention {
                span: Span::new(17, 19),
                text: "$5".into(),
                value: 5.0,
                unit: "USD".into(),
                about: String::new(),
                qualifier: None,
                alternate: None,
                sentence: Span::new(0, 31),
            }],
        };
        assert_eq!(mark(text, &ann, false), "[Ann] said \"«we pay {$5} now»\" today.");
        // Out-of-range spans never panic.
        let bad = Annotations {
            entities: vec![EntityMention {
                span: Span::new(5, 500),
                surface: "?".into(),
                canonical: "?".into(),
                kind: EntityKind::Other,
            }],
            ..Annotations::default()
        };
        assert_eq!(mark(text, &bad, true), text);
    }
}
