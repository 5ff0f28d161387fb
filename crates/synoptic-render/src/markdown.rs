//! The Markdown rendering (CommonMark plus GitHub tables). Article text is escaped: Markdown syntax
//! characters get a backslash and `<`, `>`, `&` become entities, so no text can inject HTML or links.

use crate::terminal::kind;
use crate::view::{self, EventView, View};

/// Escape text for Markdown inline content.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '!' | '~' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

pub fn render(v: &View<'_>) -> String {
    let mut o = String::new();
    o.push_str("# Synoptic brief\n");
    if v.doc.events.is_empty() {
        articles(
            &mut o,
            &v.doc.articles.iter().collect::<Vec<_>>(),
            if v.doc.articles.len() == 1 { "article (no events yet)" } else { "articles (no events yet)" },
        );
        return o;
    }
    for s in &v.stories {
        o.push_str(&format!("\n## Story: {}\n", esc(&s.story.title)));
        if !s.events.is_empty() {
            o.push_str("\n| Date | Event | Sources |\n|---|---|---|\n");
            for e in &s.events {
                let date = e.event.first_seen.as_ref().map(view::day).unwrap_or_else(|| "date unknown".into());
                o.push_str(&format!("| {date} | {} | {} |\n", esc(&e.event.title), e.event.origins));
            }
        }
        for e in &s.events {
            event(&mut o, e, "###");
        }
    }
    for e in &v.loose_events {
        event(&mut o, e, "##");
    }
    if !v.loose_articles.is_empty() {
        articles(
            &mut o,
            &v.loose_articles,
            if v.loose_articles.len() == 1 { "article not in any event" } else { "articles not in any event" },
        );
    }
    o
}

fn articles(o: &mut String, list: &[&synoptic_model::Article], what: &str) {
    o.push_str(&format!("\n## {} {what}\n\n", list.len()));
    for (i, a) in list.iter().enumerate() {
        o.push_str(&format!(
            "{}. **{}**  \n   {}\n",
            i + 1,
            esc(&view::article_title(a)),
            esc(&view::article_facts(a))
        ));
    }
}

fn event(o: &mut String, ev: &EventView<'_>, h: &str) {
    let e = ev.event;
    o.push_str(&format!("\n{h} {}\n\n*{}*\n", esc(&e.title), esc(&ev.meta())));
    if !ev.sources.is_empty() {
        o.push_str(&format!("\n{h}# Sources\n\n"));
    }
    for s in &ev.sources {
        let mut line = format!("{}. **{}**", s.number, esc(&s.label()));
        if let Some(a) = s.article {
            match a.url.as_deref().filter(|u| u.starts_with("http://") || u.starts_with("https://")) {
                Some(url) => {
                    line.push_str(&format!(" \u{2014} [{}](<{}>)", esc(&view::article_title(a)), url_esc(url)))
                }
                None => line.push_str(&format!(" \u{2014} {}", esc(&view::article_title(a)))),
            }
            if let Some(t) = &a.published {
                line.push_str(&format!(" ({})", view::day(t)));
            }
            if let Some(orig) = a.copy_of.as_deref() {
                match ev.number(orig) {
                    Some(n) => line.push_str(&format!(" \u{2014} copy of \\[{n}\\]")),
                    None => line.push_str(" \u{2014} a copy"),
                }
            }
        }
        o.push_str(&line);
        o.push('\n');
    }
    let cite = |ids: &[String]| -> String { esc(&view::cite(&ev.numbers(ids))) };
    if !e.summary.is_empty() {
        o.push_str(&format!("\n{h}# Summary\n\n"));
        for s in &e.summary {
            o.push_str(&format!("- {} {}\n", esc(&s.text), cite(&s.articles)));
        }
    }
    if !e.agreements.is_empty() {
        o.push_str(&format!("\n{h}# Sources agree\n\n"));
        for a in &e.agreements {
            o.push_str(&format!("- {} {}\n", esc(&a.text), cite(&a.articles)));
        }
    }
    if !e.single_source.is_empty() {
        o.push_str(&format!("\n{h}# Only one source\n\n"));
        for s in e.single_source.iter().take(crate::SINGLE_SOURCE_SHOWN) {
            o.push_str(&format!("- {} {}\n", esc(&s.text), cite(std::slice::from_ref(&s.article))));
        }
        if let Some(more) = crate::and_more(e.single_source.len(), crate::SINGLE_SOURCE_SHOWN) {
            o.push_str(&format!("- *{more}*\n"));
        }
    }
    if !e.disagreements.is_empty() {
        o.push_str(&format!("\n{h}# Sources differ\n"));
        for d in &e.disagreements {
            o.push_str(&format!("\n**{}**: {}\n\n", esc(&d.kind), esc(&d.about)));
            let heads: Vec<String> = d
                .claims
                .iter()
                .map(|c| match ev.number(&c.article).and_then(|n| ev.source(n)) {
                    Some(s) => format!("\\[{}\\] {}", s.number, esc(&s.label())),
                    None => esc(&c.article),
                })
                .collect();
            o.push_str(&format!("| {} |\n", heads.join(" | ")));
            o.push_str(&format!("|{}\n", "---|".repeat(heads.len().max(1))));
            let cells: Vec<String> = d.claims.iter().map(|c| esc(&c.text)).collect();
            o.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
    }
    if !e.quotes.is_empty() {
        o.push_str(&format!("\n{h}# Quotes\n\n"));
        for q in &e.quotes {
            let who = q.speaker.clone().unwrap_or_else(|| "speaker unknown".into());
            o.push_str(&format!("- \u{201c}{}\u{201d} \u{2014} {} {}\n", esc(&q.text), esc(&who), cite(&q.articles)));
            for var in q.variants.iter().filter(|var| var.text != q.text) {
                o.push_str(&format!(
                    "  - variant {}: \u{201c}{}\u{201d}\n",
                    cite(std::slice::from_ref(&var.article)),
                    esc(&var.text)
                ));
            }
        }
    }
    if !e.entities.is_empty() {
        o.push_str(&format!("\n{h}# Entities\n\n"));
        for en in &e.entities {
            let aliases: Vec<String> = en.aliases.iter().filter(|a| **a != en.name).map(|a| esc(a)).collect();
            let also = if aliases.is_empty() { String::new() } else { format!(", also {}", aliases.join(", ")) };
            o.push_str(&format!("- **{}** ({}{also}) {}\n", esc(&en.name), kind(en.kind), cite(&en.articles)));
        }
    }
    if !e.figures.is_empty() {
        o.push_str(&format!("\n{h}# Figures\n\n"));
        for f in &e.figures {
            let about = if f.about.is_empty() { String::new() } else { format!(" \u{2014} {}", esc(&f.about)) };
            o.push_str(&format!("- {}{about} {}\n", esc(&f.text), cite(std::slice::from_ref(&f.article))));
        }
    }
    if !e.reports.is_empty() {
        o.push_str(&format!("\n{h}# Order of reports\n\n"));
        for (i, r) in e.reports.iter().enumerate() {
            let n = ev.number(&r.article).map(|n| format!("\\[{n}\\] ")).unwrap_or_default();
            let outlet = r.outlet.clone().unwrap_or_else(|| "unknown outlet".into());
            let when = r.published.as_ref().map(view::moment).unwrap_or_default();
            let copy = match r.copy_of.as_deref().and_then(|c| ev.number(c)) {
                Some(c) => format!(" (copy of \\[{c}\\])"),
                None => String::new(),
            };
            o.push_str(&format!("{}. {n}{} \u{2014} {when}{copy}\n", i + 1, esc(&outlet)));
        }
    }
}

/// A URL inside `<...>` link destinations: no spaces, angle brackets or line breaks.
fn url_esc(u: &str) -> String {
    u.chars()
        .map(|c| match c {
            '<' => "%3C".to_string(),
            '>' => "%3E".to_string(),
            ' ' => "%20".to_string(),
            c if c.is_control() => String::new(),
            c => c.to_string(),
        })
        .collect()
}
