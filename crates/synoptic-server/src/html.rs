//! HTML building blocks for the pages: the one `escape` every piece of text goes through, the page
//! layout with its inline style sheet (no external assets, no scripts), and small formatting helpers.

use std::fmt::Write as _;

use synoptic_model::Timestamp;

pub use synoptic_render::escape;

/// Percent-encode a path segment or query value (ids are plain, but user input is not).
pub fn url_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A date for people: `2023-04-20 10:00 +02:00`, or an em dash when unknown.
pub fn date(t: Option<&Timestamp>) -> String {
    match t {
        Some(t) => t.format("%Y-%m-%d %H:%M %:z").to_string(),
        None => "\u{2014}".to_string(),
    }
}

/// A `<time>` element for an optional timestamp.
pub fn time_el(t: Option<&Timestamp>) -> String {
    match t {
        Some(t) => format!("<time datetime=\"{}\">{}</time>", escape(&t.to_rfc3339()), escape(&date(Some(t)))),
        None => "<span class=\"muted\">undated</span>".to_string(),
    }
}

/// A whole page: `title` is text (escaped here), `body` is HTML built with [`escape`].
pub fn page(title: &str, search: &str, body: &str) -> String {
    let mut o = String::with_capacity(body.len() + CSS.len() + 1024);
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(o, "<title>{} \u{2014} Synoptic</title>", escape(title));
    o.push_str(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Synoptic events\" href=\"/feed.atom\">\n",
    );
    let _ = writeln!(o, "<style>{CSS}</style>\n</head>\n<body>");
    o.push_str("<header class=\"top\"><a class=\"brand\" href=\"/\">Synoptic</a>");
    let _ = write!(
        o,
        "<form class=\"search\" action=\"/search\" method=\"get\" role=\"search\"><input type=\"search\" name=\"q\" \
         value=\"{}\" placeholder=\"Search articles\" aria-label=\"Search articles\"><button type=\"submit\">Search\
         </button></form>",
        escape(search)
    );
    o.push_str("</header>\n<main>\n");
    o.push_str(body);
    o.push_str(
        "\n</main>\n<footer class=\"muted\">Synoptic \u{00B7} <a href=\"/feed.atom\">Atom feed</a> \u{00B7} \
                <a href=\"/api/openapi.json\">API</a></footer>\n</body>\n</html>\n",
    );
    o
}

/// The style sheet: readable measure, system fonts, light and dark, one column on phones.
pub const CSS: &str = "
:root{--fg:#1d1d1f;--bg:#fdfdfb;--muted:#6b6b70;--line:#e2e2de;--accent:#1a5fb4;--mark:#fff0a8;--card:#fff;
--ent:#e6f0ff;--quote:#eaf7ea;--fig:#fdeede}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8e6;--bg:#18181a;--muted:#9a9aa0;--line:#333338;
--accent:#78aeff;--mark:#5c4f00;--card:#222226;--ent:#1f3350;--quote:#1f3a24;--fig:#43291d}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.6 Georgia,'Iowan Old Style','Times New Roman',serif}
a{color:var(--accent)}
header.top{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;
padding:.6rem 1rem;border-bottom:1px solid var(--line);font-family:system-ui,sans-serif}
.brand{font-weight:700;text-decoration:none;font-size:1.15rem;color:var(--fg)}
form.search{display:flex;gap:.4rem;flex:1 1 16rem;max-width:28rem}
form.search input{flex:1;min-width:0;padding:.35rem .5rem;font:inherit;border:1px solid var(--line);border-radius:4px;
background:var(--card);color:var(--fg)}
form.search button{font:inherit;padding:.35rem .8rem;border-radius:4px;border:1px solid var(--line);
background:var(--card);color:var(--fg)}
main{max-width:60rem;margin:0 auto;padding:1rem}
footer{max-width:60rem;margin:2rem auto;padding:1rem;border-top:1px solid var(--line);font:14px system-ui,sans-serif}
h1{font-size:1.7rem;line-height:1.25;margin:.6rem 0}
h2{font-size:1.25rem;margin:1.8rem 0 .6rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
.muted,.meta{color:var(--muted);font-family:system-ui,sans-serif;font-size:.88rem}
.cards{list-style:none;padding:0;margin:0}
.cards>li{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.8rem 1rem;margin:.7rem 0}
.cards h3{margin:0 0 .3rem;font-size:1.12rem;line-height:1.3}
.stats{display:flex;flex-wrap:wrap;gap:.2rem 1rem;font-family:system-ui,sans-serif;font-size:.85rem;
color:var(--muted);margin:.2rem 0}
ol.timeline{list-style:none;padding-left:1rem;border-left:3px solid var(--line)}
ol.timeline>li{margin:0 0 1rem;position:relative}
ol.timeline>li::before{content:'';position:absolute;left:-1.45rem;top:.5rem;width:.7rem;height:.7rem;
border-radius:50%;background:var(--accent)}
sup.cite{font-family:system-ui,sans-serif;font-size:.7rem}
.claims{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:.7rem;margin:.5rem 0 1.2rem}
.claim{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem}
.claim h4{margin:0 0 .3rem;font:600 .9rem system-ui,sans-serif}
mark{background:var(--mark);color:inherit;padding:0 .1em}
blockquote{margin:.5rem 0;padding:.2rem .9rem;border-left:3px solid var(--line)}
.variants{font-size:.92rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}
td,th{border-bottom:1px solid var(--line);padding:.3rem .4rem;text-align:left;vertical-align:top}
.article-text p{margin:0 0 1rem}
.ann-ent{background:var(--ent);border-radius:3px}
.ann-quote{background:var(--quote)}
.ann-fig{background:var(--fig);border-radius:3px}
.legend span{padding:0 .3rem;margin-right:.5rem}
.disagreement{margin:1rem 0}
.kind{font:600 .75rem system-ui,sans-serif;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.snippet{margin:.2rem 0 0}
@media (max-width:40rem){body{font-size:16px}main{padding:.6rem}h1{font-size:1.4rem}
.claims{grid-template-columns:1fr}table{font-size:.85rem}}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(escape("<script>a&b</script>"), "&lt;script&gt;a&amp;b&lt;/script&gt;");
        assert_eq!(escape("x\"y'z"), "x&quot;y&#39;z");
        assert_eq!(url_component("a b/é"), "a%20b%2F%C3%A9");
    }
}
