//! The HTML rendering: one standalone page with inline CSS, no scripts and no external assets (a
//! Content-Security-Policy forbids loading any), every piece of text escaped.

use crate::terminal::kind;
use crate::view::{self, EventView, View};

/// Escape text for HTML element content and double- or single-quoted attribute values: the one escape
/// every HTML output of the project (this page and the server's pages) goes through.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(crate) use escape as esc;

/// A safe fragment id from any string: letters, digits and dashes only.
fn frag(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect()
}

const CSS: &str = "\
:root{--fg:#1d2330;--muted:#5f6b7a;--line:#d9dee5;--accent:#1f5fa8;--warn:#a15c00;--bg:#fff;--soft:#f5f7fa}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
main{max-width:60rem;margin:0 auto;padding:1.5rem 1rem 4rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}
h2{font-size:1.35rem;margin:2.5rem 0 .5rem;border-bottom:2px solid var(--line);padding-bottom:.25rem}
h3{font-size:1.05rem;margin:1.5rem 0 .4rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
section.event{border:1px solid var(--line);border-radius:8px;padding:0 1.25rem 1rem;margin:1.5rem 0}
.meta{color:var(--muted);font-size:.92rem}
ol.sources li,ul li{margin:.2rem 0}
a{color:var(--accent)}
a.cite{text-decoration:none;font-size:.8em;vertical-align:super;margin-left:.1em}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
td,th{border:1px solid var(--line);padding:.4rem .6rem;vertical-align:top;text-align:left}
th{background:var(--soft);font-weight:600}
.differ{margin:1rem 0}
.differ .about{color:var(--warn);font-weight:600}
.sides{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:.75rem;margin-top:.4rem}
.side{background:var(--soft);border-left:3px solid var(--warn);padding:.5rem .75rem;border-radius:4px}
.side .who{font-size:.85rem;color:var(--muted);display:block;margin-bottom:.2rem}
blockquote{margin:.3rem 0;padding-left:.75rem;border-left:3px solid var(--line)}
.variant{color:var(--muted);font-size:.92rem}
@media (prefers-color-scheme:dark){:root{--fg:#e4e8ee;--muted:#9aa6b5;--line:#3a4350;--accent:#7fb0ff;--warn:#f0b45a;--bg:#14181e;--soft:#1e242c}}
";

pub fn render(v: &View<'_>) -> String {
    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    o.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
    );
    o.push_str("<title>Synoptic brief</title>\n<style>\n");
    o.push_str(CSS);
    o.push_str("</style>\n</head>\n<body>\n<main>\n<h1>Synoptic brief</h1>\n");
    if v.doc.events.is_empty() {
        articles(
            &mut o,
            &v.doc.articles.iter().collect::<Vec<_>>(),
            if v.doc.articles.len() == 1 { "article (no events yet)" } else { "articles (no events yet)" },
        );
    } else {
        for s in &v.stories {
            o.push_str(&format!("<h2>Story: {}</h2>\n", esc(&s.story.title)));
            if !s.events.is_empty() {
                o.push_str("<table class=\"timeline\">\n<tr><th>Date</th><th>Event</th><th>Sources</th></tr>\n");
                for e in &s.events {
                    let date = e.event.first_seen.as_ref().map(view::day).unwrap_or_else(|| "date unknown".into());
                    o.push_str(&format!(
                        "<tr><td>{}</td><td><a href=\"#{}\">{}</a></td><td>{}</td></tr>\n",
                        esc(&date),
                        esc(&frag(&e.event.id)),
                        esc(&e.event.title),
                        e.event.origins
                    ));
                }
                o.push_str("</table>\n");
            }
            for e in &s.events {
                event(&mut o, e);
            }
        }
        for e in &v.loose_events {
            event(&mut o, e);
        }
        if !v.loose_articles.is_empty() {
            articles(
                &mut o,
                &v.loose_articles,
                if v.loose_articles.len() == 1 { "article not in any event" } else { "articles not in any event" },
            );
        }
    }
    o.push_str("</main>\n</body>\n</html>\n");
    o
}

fn articles(o: &mut String, list: &[&synoptic_model::Article], what: &str) {
    o.push_str(&format!("<h2>{} {}</h2>\n<ol class=\"articles\">\n", list.len(), esc(what)));
    for a in list {
        o.push_str(&format!(
            "<li><strong>{}</strong><br><span class=\"meta\">{}</span></li>\n",
            esc(&view::article_title(a)),
            esc(&view::article_facts(a))
        ));
    }
    o.push_str("</ol>\n");
}

fn cites(ev: &EventView<'_>, ids: &[String]) -> String {
    ev.numbers(ids)
        .into_iter()
        .map(|n| format!("<a class=\"cite\" href=\"#{}-s{n}\">[{n}]</a>", esc(&frag(&ev.event.id))))
        .collect()
}

fn event(o: &mut String, ev: &EventView<'_>) {
    let e = ev.event;
    let id = esc(&frag(&e.id));
    o.push_str(&format!("<section class=\"event\" id=\"{id}\">\n<h2>{}</h2>\n", esc(&e.title)));
    o.push_str(&format!("<p class=\"meta\">{}</p>\n", esc(&ev.meta())));
    if !ev.sources.is_empty() {
        o.push_str("<h3>Sources</h3>\n");
    }
    o.push_str("<ol class=\"sources\">\n");
    for s in &ev.sources {
        o.push_str(&format!("<li id=\"{id}-s{}\"><strong>{}</strong>", s.number, esc(&s.label())));
        if let Some(a) = s.article {
            let title = esc(&view::article_title(a));
            match a.url.as_deref().filter(|u| u.starts_with("http://") || u.starts_with("https://")) {
                Some(url) => o.push_str(&format!(" \u{2014} <a href=\"{}\" rel=\"noreferrer\">{title}</a>", esc(url))),
                None => o.push_str(&format!(" \u{2014} {title}")),
            }
            if let Some(t) = &a.published {
                o.push_str(&format!(" <span class=\"meta\">({})</span>", esc(&view::day(t))));
            }
            if let Some(orig) = a.copy_of.as_deref() {
                match ev.number(orig) {
                    Some(n) => o.push_str(&format!(" <span class=\"meta\">\u{2014} copy of [{n}]</span>")),
                    None => o.push_str(" <span class=\"meta\">\u{2014} a copy</span>"),
                }
            }
        }
        o.push_str("</li>\n");
    }
    o.push_str("</ol>\n");
    if !e.summary.is_empty() {
        o.push_str("<h3>Summary</h3>\n<ul class=\"summary\">\n");
        for s in &e.summary {
            o.push_str(&format!("<li>{}{}</li>\n", esc(&s.text), cites(ev, &s.articles)));
        }
        o.push_str("</ul>\n");
    }
    if !e.agreements.is_empty() {
        o.push_str("<h3>Sources agree</h3>\n<ul class=\"agree\">\n");
        for a in &e.agreements {
            o.push_str(&format!("<li>{}{}</li>\n", esc(&a.text), cites(ev, &a.articles)));
        }
        o.push_str("</ul>\n");
    }
    if !e.single_source.is_empty() {
        o.push_str("<h3>Only one source</h3>\n<ul class=\"single\">\n");
        for s in e.single_source.iter().take(crate::SINGLE_SOURCE_SHOWN) {
            o.push_str(&format!("<li>{}{}</li>\n", esc(&s.text), cites(ev, std::slice::from_ref(&s.article))));
        }
        if let Some(more) = crate::and_more(e.single_source.len(), crate::SINGLE_SOURCE_SHOWN) {
            o.push_str(&format!("<li class=\"more\">{}</li>\n", esc(&more)));
        }
        o.push_str("</ul>\n");
    }
    if !e.disagreements.is_empty() {
        o.push_str("<h3>Sources differ</h3>\n");
        for d in &e.disagreements {
            o.push_str(&format!(
                "<div class=\"differ\"><span class=\"about\">{}: {}</span>\n<div class=\"sides\">\n",
                esc(&d.kind),
                esc(&d.about)
            ));
            for c in &d.claims {
                let who = match ev.number(&c.article).and_then(|n| ev.source(n)) {
                    Some(s) => format!("<a href=\"#{id}-s{}\">[{}]</a> {}", s.number, s.number, esc(&s.label())),
                    None => esc(&c.article),
                };
                o.push_str(&format!("<div class=\"side\"><span class=\"who\">{who}</span>{}</div>\n", esc(&c.text)));
            }
            o.push_str("</div>\n</div>\n");
        }
    }
    if !e.quotes.is_empty() {
        o.push_str("<h3>Quotes</h3>\n");
        for q in &e.quotes {
            let who = q.speaker.clone().unwrap_or_else(|| "speaker unknown".into());
            o.push_str(&format!(
                "<blockquote>\u{201c}{}\u{201d} \u{2014} {}{}",
                esc(&q.text),
                esc(&who),
                cites(ev, &q.articles)
            ));
            for var in q.variants.iter().filter(|var| var.text != q.text) {
                o.push_str(&format!(
                    "<div class=\"variant\">variant{}: \u{201c}{}\u{201d}</div>",
                    cites(ev, std::slice::from_ref(&var.article)),
                    esc(&var.text)
                ));
            }
            o.push_str("</blockquote>\n");
        }
    }
    if !e.entities.is_empty() {
        o.push_str("<h3>Entities</h3>\n<ul class=\"entities\">\n");
        for en in &e.entities {
            let aliases: Vec<String> = en.aliases.iter().filter(|a| **a != en.name).map(|a| esc(a)).collect();
            let also = if aliases.is_empty() { String::new() } else { format!(", also {}", aliases.join(", ")) };
            o.push_str(&format!(
                "<li><strong>{}</strong> <span class=\"meta\">({}{also})</span>{}</li>\n",
                esc(&en.name),
                kind(en.kind),
                cites(ev, &en.articles)
            ));
        }
        o.push_str("</ul>\n");
    }
    if !e.figures.is_empty() {
        o.push_str("<h3>Figures</h3>\n<ul class=\"figures\">\n");
        for f in &e.figures {
            let about = if f.about.is_empty() { String::new() } else { format!(" \u{2014} {}", esc(&f.about)) };
            o.push_str(&format!("<li>{}{about}{}</li>\n", esc(&f.text), cites(ev, std::slice::from_ref(&f.article))));
        }
        o.push_str("</ul>\n");
    }
    if !e.reports.is_empty() {
        o.push_str("<h3>Order of reports</h3>\n<ol class=\"reports\">\n");
        for r in &e.reports {
            let outlet = r.outlet.clone().unwrap_or_else(|| "unknown outlet".into());
            let when = r.published.as_ref().map(view::moment).unwrap_or_default();
            let copy = match r.copy_of.as_deref().and_then(|c| ev.number(c)) {
                Some(c) => format!(" <span class=\"meta\">(copy of [{c}])</span>"),
                None => String::new(),
            };
            o.push_str(&format!(
                "<li>{}{} \u{2014} {}{copy}</li>\n",
                cites(ev, std::slice::from_ref(&r.article)),
                esc(&outlet),
                esc(&when)
            ));
        }
        o.push_str("</ol>\n");
    }
    o.push_str("</section>\n");
}
