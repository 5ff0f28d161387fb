//! The terminal rendering: plain text wrapped to a width, with ANSI bold and colours only when asked.

use synoptic_model::EntityKind;

use crate::RenderOptions;
use crate::view::{self, EventView, View};
use crate::wrap::{pad, wrap};

/// Most items listed per section in the terminal; the rest are counted ("… and 7 more").
const MAX_ITEMS: usize = 12;
/// Most entities listed per event.
const MAX_ENTITIES: usize = 20;

struct Out {
    lines: Vec<String>,
    width: usize,
    color: bool,
}

impl Out {
    fn styled(&self, s: &str, code: &str) -> String {
        if self.color && !s.is_empty() { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }
    fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }
    /// A heading line, bold (and coloured) when colour is on.
    fn heading(&mut self, text: &str, code: &str) {
        for l in wrap(text, self.width, "", "") {
            let l = self.styled(&l, code);
            self.lines.push(l);
        }
    }
    /// A wrapped paragraph with a first-line prefix and hanging indent; citations dimmed when colour is on.
    fn para(&mut self, text: &str, first: &str, rest: &str) {
        for l in wrap(text, self.width, first, rest) {
            let l = self.cites(&l);
            self.lines.push(l);
        }
    }
    /// Colour `[n]` citations in an already wrapped line (colour codes do not count towards the width).
    fn cites(&self, line: &str) -> String {
        if !self.color {
            return line.to_string();
        }
        let mut out = String::with_capacity(line.len());
        let mut rest = line;
        while let Some(i) = rest.find('[') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let digits = after.chars().take_while(char::is_ascii_digit).count();
            if digits > 0 && after[digits..].starts_with(']') {
                out.push_str(&self.styled(&rest[i..i + digits + 2], "36"));
                rest = &after[digits + 1..];
            } else {
                out.push('[');
                rest = after;
            }
        }
        out.push_str(rest);
        out
    }
    fn more(&mut self, total: usize) {
        if total > MAX_ITEMS {
            let l = self.styled(&format!("  \u{2026} and {} more", total - MAX_ITEMS), "2");
            self.lines.push(l);
        }
    }
}

pub fn render(v: &View<'_>, opts: &RenderOptions) -> String {
    let mut out = Out { lines: Vec::new(), width: opts.width.max(40), color: opts.color };
    if v.doc.events.is_empty() {
        articles(
            &mut out,
            &v.doc.articles.iter().collect::<Vec<_>>(),
            if v.doc.articles.len() == 1 { "article (no events yet)" } else { "articles (no events yet)" },
        );
    } else {
        for s in &v.stories {
            out.blank();
            let rule = "\u{2550}".repeat(out.width.min(80));
            let rule = out.styled(&rule, "2");
            out.lines.push(rule);
            out.heading(&format!("Story: {}", s.story.title), "1;35");
            if !s.events.is_empty() {
                let l = out.styled("Timeline", "1");
                out.lines.push(l);
                for e in &s.events {
                    let date = e.event.first_seen.as_ref().map(view::day).unwrap_or_else(|| "date unknown".into());
                    let origins = e.event.origins;
                    let text = format!(
                        "{} \u{2014} {} ({origins} source{})",
                        date,
                        e.event.title,
                        if origins == 1 { "" } else { "s" }
                    );
                    out.para(&text, "  \u{2022} ", "    ");
                }
            }
            for e in &s.events {
                event(&mut out, e);
            }
        }
        for e in &v.loose_events {
            event(&mut out, e);
        }
        if !v.loose_articles.is_empty() {
            out.blank();
            articles(
                &mut out,
                &v.loose_articles,
                if v.loose_articles.len() == 1 { "article not in any event" } else { "articles not in any event" },
            );
        }
    }
    while out.lines.last().is_some_and(|l| l.is_empty()) {
        out.lines.pop();
    }
    let mut s = out.lines.join("\n");
    s.push('\n');
    s
}

fn articles(out: &mut Out, list: &[&synoptic_model::Article], what: &str) {
    out.heading(&format!("{} {what}", list.len()), "1");
    out.blank();
    for (i, a) in list.iter().enumerate() {
        let n = format!("{:>3}. ", i + 1);
        let indent = " ".repeat(n.chars().count());
        let title = view::article_title(a);
        for (k, l) in wrap(&title, out.width, &n, &indent).into_iter().enumerate() {
            let l = if k == 0 { out.styled(&l, "1") } else { l };
            out.lines.push(l);
        }
        let facts = view::article_facts(a);
        for l in wrap(&facts, out.width, &indent, &indent) {
            let l = out.styled(&l, "2");
            out.lines.push(l);
        }
    }
}

fn section(out: &mut Out, title: &str) {
    out.blank();
    let l = out.styled(title, "1");
    out.lines.push(l);
}

fn event(out: &mut Out, ev: &EventView<'_>) {
    let e = ev.event;
    out.blank();
    let rule = "\u{2500}".repeat(out.width.min(80));
    let rule = out.styled(&rule, "2");
    out.lines.push(rule);
    out.heading(&e.title, "1;36");
    for l in wrap(&ev.meta(), out.width, "", "") {
        let l = out.styled(&l, "2");
        out.lines.push(l);
    }

    if !ev.sources.is_empty() {
        section(out, "Sources");
    }
    for s in &ev.sources {
        let mut text = s.label();
        if let Some(a) = s.article {
            text.push_str(&format!(" \u{2014} {}", view::article_title(a)));
            if let Some(t) = &a.published {
                text.push_str(&format!(" ({})", view::day(t)));
            }
            if let Some(orig) = a.copy_of.as_deref() {
                match ev.number(orig) {
                    Some(n) => text.push_str(&format!(" \u{2014} copy of [{n}]")),
                    None => text.push_str(" \u{2014} a copy"),
                }
            }
        }
        let n = format!("  [{}] ", s.number);
        let indent = " ".repeat(n.chars().count());
        out.para(&text, &n, &indent);
    }

    if !e.summary.is_empty() {
        section(out, "Summary");
        for s in &e.summary {
            out.para(&format!("{} {}", s.text, view::cite(&ev.numbers(&s.articles))), "  \u{2022} ", "    ");
        }
    }
    if !e.agreements.is_empty() {
        section(out, "Sources agree");
        for a in e.agreements.iter().take(MAX_ITEMS) {
            out.para(&format!("{} {}", a.text, view::cite(&ev.numbers(&a.articles))), "  \u{2022} ", "    ");
        }
        out.more(e.agreements.len());
    }
    if !e.single_source.is_empty() {
        section(out, "Only one source");
        for s in e.single_source.iter().take(crate::SINGLE_SOURCE_SHOWN) {
            let n = view::cite(&ev.numbers(std::slice::from_ref(&s.article)));
            out.para(&format!("{} {n}", s.text), "  \u{2022} ", "    ");
        }
        if let Some(more) = crate::and_more(e.single_source.len(), crate::SINGLE_SOURCE_SHOWN) {
            let l = out.styled(&format!("  {more}"), "2");
            out.lines.push(l);
        }
    }
    if !e.disagreements.is_empty() {
        section(out, "Sources differ");
        for d in &e.disagreements {
            let head = format!("{}: {}", d.kind, d.about);
            for l in wrap(&head, out.width, "  \u{25b8} ", "    ") {
                let l = out.styled(&l, "33");
                out.lines.push(l);
            }
            let cells: Vec<String> = d
                .claims
                .iter()
                .map(|c| {
                    let who = match ev.number(&c.article).and_then(|n| ev.source(n)) {
                        Some(s) => format!("[{}] {}", s.number, s.label()),
                        None => c.article.clone(),
                    };
                    format!("{who}: \u{201c}{}\u{201d}", c.text)
                })
                .collect();
            side_by_side(out, &cells);
        }
    }
    if !e.quotes.is_empty() {
        section(out, "Quotes");
        for q in e.quotes.iter().take(MAX_ITEMS) {
            let who = q.speaker.clone().unwrap_or_else(|| "speaker unknown".into());
            let text = format!("\u{201c}{}\u{201d} \u{2014} {who} {}", q.text, view::cite(&ev.numbers(&q.articles)));
            out.para(&text, "  \u{2022} ", "    ");
            for var in q.variants.iter().filter(|var| var.text != q.text) {
                let n = view::cite(&ev.numbers(std::slice::from_ref(&var.article)));
                out.para(&format!("{n} \u{201c}{}\u{201d}", var.text), "      variant ", "        ");
            }
        }
        out.more(e.quotes.len());
    }
    if !e.entities.is_empty() {
        section(out, "Entities");
        let list: Vec<String> = e
            .entities
            .iter()
            .take(MAX_ENTITIES)
            .map(|en| format!("{} ({}) {}", en.name, kind(en.kind), view::cite(&ev.numbers(&en.articles))))
            .collect();
        out.para(&list.join("; "), "  ", "  ");
        if e.entities.len() > MAX_ENTITIES {
            let l = out.styled(&format!("  \u{2026} and {} more", e.entities.len() - MAX_ENTITIES), "2");
            out.lines.push(l);
        }
    }
    if !e.figures.is_empty() {
        section(out, "Figures");
        for f in e.figures.iter().take(MAX_ITEMS) {
            let n = view::cite(&ev.numbers(std::slice::from_ref(&f.article)));
            let about = if f.about.is_empty() { String::new() } else { format!(" \u{2014} {}", f.about) };
            out.para(&format!("{}{about} {n}", f.text), "  \u{2022} ", "    ");
        }
        out.more(e.figures.len());
    }
    if !e.reports.is_empty() {
        section(out, "Order of reports");
        for (i, r) in e.reports.iter().enumerate() {
            let n = ev.number(&r.article).map(|n| format!("[{n}] ")).unwrap_or_default();
            let outlet = r.outlet.clone().unwrap_or_else(|| "unknown outlet".into());
            let when = r.published.as_ref().map(view::moment).unwrap_or_default();
            let copy = match r.copy_of.as_deref().and_then(|c| ev.number(c)) {
                Some(c) => format!(" (copy of [{c}])"),
                None => String::new(),
            };
            out.para(&format!("{n}{outlet} \u{2014} {when}{copy}"), &format!("  {}. ", i + 1), "     ");
        }
    }
}

pub(crate) fn kind(k: EntityKind) -> &'static str {
    match k {
        EntityKind::Person => "person",
        EntityKind::Organization => "organization",
        EntityKind::Place => "place",
        EntityKind::Other => "other",
    }
}

/// Two claims in two columns when they fit, else one under the other.
fn side_by_side(out: &mut Out, cells: &[String]) {
    let width = out.width;
    if cells.len() == 2 && width >= 70 {
        let col = (width - 4 - 3) / 2;
        let left = wrap(&cells[0], col, "", "");
        let right = wrap(&cells[1], col, "", "");
        for i in 0..left.len().max(right.len()) {
            let l = left.get(i).map(String::as_str).unwrap_or("");
            let r = right.get(i).map(String::as_str).unwrap_or("");
            let line = format!("    {} \u{2502} {}", pad(l, col), r);
            let line = out.cites(line.trim_end());
            out.lines.push(line);
        }
    } else {
        for c in cells {
            out.para(c, "    \u{2502} ", "    \u{2502} ");
        }
    }
}
