//! Figures and quotes as comparison sees them: the article's annotations when it has them, else a small
//! private fallback finder (money, percentages, counts, quoted passages) so comparison works on its own.

use std::sync::LazyLock;

use regex::Regex;
use synoptic_model::text::MONTHS;
use synoptic_model::{Article, FigureMention, QuoteMention, Span};

use super::text;

/// The figures and quotes of one article.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    pub figures: Vec<FigureMention>,
    pub quotes: Vec<QuoteMention>,
}

/// Facts of an article: its annotations, each kind filled by the fallback finder when annotation is empty.
pub(crate) fn facts(article: &Article, figures: &[FigureMention], quotes: &[QuoteMention]) -> Facts {
    Facts {
        figures: if figures.is_empty() { find_figures(&article.text) } else { figures.to_vec() },
        quotes: if quotes.is_empty() { find_quotes(&article.text) } else { quotes.to_vec() },
    }
}

const NUM: &str = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)";
const SCALE: &str = r"(million|billion|trillion|bn|mn)";

static MONEY_SYMBOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)(US\$|\$|€|£|¥)\s?{NUM}(?:\s?{SCALE}\b)?")).unwrap_or_else(|_| unreachable!())
});
/// The money-word, percent and count patterns each open with `\b` and a digit. They are written here
/// without that `\b`, anchored (`^`), and tried only where a digit follows a non-word character (see
/// [`digit_led`]): the same matches as an unanchored search, without scanning all the text with an engine
/// that Unicode word boundaries slow down.
fn money_word_body() -> String {
    format!(
        r"{NUM}\s?(?:{SCALE}\s+)?((?:US |U\.S\. )?dollars?|euros?|pounds?|yen|yuan|roubles?|rubles?|hryvnias?|francs?|rupees?)\b"
    )
}
fn percent_body() -> String {
    format!(r"{NUM}\s?(%|percent\b|per cent\b)")
}
fn count_body() -> String {
    format!(r"{NUM}\s+([a-z][a-z-]{{2,}})\b")
}

static MONEY_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?i)^(?:{})", money_word_body())).unwrap_or_else(|_| unreachable!()));
static PERCENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?i)^(?:{})", percent_body())).unwrap_or_else(|_| unreachable!()));
static COUNT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("^(?:{})", count_body())).unwrap_or_else(|_| unreachable!()));
static WORD_CHAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\w$").unwrap_or_else(|_| unreachable!()));

/// Whether `c` is a word character as the regex `\b` sees it.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        let mut buf = [0u8; 4];
        WORD_CHAR.is_match(c.encode_utf8(&mut buf))
    }
}

/// What `captures_iter` of `\b` + the pattern of `anchored` would find in `text`, each with the offset to add
/// to its positions. A match of such a pattern starts at a decimal digit (a numeric character) after a
/// non-word character or at the start; at each such place in turn, past the previous match, the anchored
/// pattern is tried on the rest of the text — the first place where it matches is where the unanchored
/// search's leftmost match starts.
fn digit_led<'t>(anchored: &Regex, text: &'t str) -> Vec<(usize, regex::Captures<'t>)> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    let mut resume = 0;
    for (p, c) in text.char_indices() {
        let before = prev.replace(c);
        if p < resume || !c.is_numeric() || before.is_some_and(is_word_char) {
            continue;
        }
        let Some(rest) = text.get(p..) else { continue };
        if let Some(caps) = anchored.captures(rest) {
            resume = p + caps.get(0).map_or(0, |m| m.end()).max(1);
            out.push((p, caps));
        }
    }
    out
}

fn parse_num(s: &str) -> Option<f64> {
    s.replace(',', "").parse().ok()
}

fn scale(s: Option<&str>) -> f64 {
    match s.map(str::to_lowercase).as_deref() {
        Some("million" | "mn") => 1e6,
        Some("billion" | "bn") => 1e9,
        Some("trillion") => 1e12,
        _ => 1.0,
    }
}

fn currency_of_symbol(s: &str) -> &'static str {
    match s {
        "€" => "EUR",
        "£" => "GBP",
        "¥" => "JPY",
        _ => "USD",
    }
}

fn currency_of_word(s: &str) -> &'static str {
    let s = s.to_lowercase();
    if s.contains("dollar") {
        "USD"
    } else if s.starts_with("euro") {
        "EUR"
    } else if s.starts_with("pound") {
        "GBP"
    } else if s == "yen" {
        "JPY"
    } else if s == "yuan" {
        "CNY"
    } else if s.starts_with("rouble") || s.starts_with("ruble") {
        "RUB"
    } else if s.starts_with("hryvnia") {
        "UAH"
    } else if s.starts_with("franc") {
        "CHF"
    } else {
        "INR"
    }
}

/// Find money amounts, percentages and counted nouns in `text`.
pub(crate) fn find_figures(text: &str) -> Vec<FigureMention> {
    let sentences = text::sentence_spans(text);
    let mut found: Vec<(Span, f64, String)> = Vec::new();
    let taken =
        |found: &[(Span, f64, String)], s: usize, e: usize| found.iter().any(|(sp, ..)| s < sp.end && sp.start < e);
    for c in MONEY_SYMBOL.captures_iter(text) {
        let (Some(m), Some(sym), Some(n)) = (c.get(0), c.get(1), c.get(2)) else { continue };
        let Some(v) = parse_num(n.as_str()) else { continue };
        let value = v * scale(c.get(3).map(|x| x.as_str()));
        found.push((Span::new(m.start(), m.end()), value, currency_of_symbol(sym.as_str()).to_string()));
    }
    for (at, c) in digit_led(&MONEY_WORD, text) {
        let (Some(m), Some(n), Some(cur)) = (c.get(0), c.get(1), c.get(3)) else { continue };
        let (start, end) = (at + m.start(), at + m.end());
        if taken(&found, start, end) {
            continue;
        }
        let Some(v) = parse_num(n.as_str()) else { continue };
        let value = v * scale(c.get(2).map(|x| x.as_str()));
        found.push((Span::new(start, end), value, currency_of_word(cur.as_str()).to_string()));
    }
    for (at, c) in digit_led(&PERCENT, text) {
        let (Some(m), Some(n)) = (c.get(0), c.get(1)) else { continue };
        let (start, end) = (at + m.start(), at + m.end());
        if taken(&found, start, end) {
            continue;
        }
        let Some(v) = parse_num(n.as_str()) else { continue };
        found.push((Span::new(start, end), v, "%".to_string()));
    }
    for (at, c) in digit_led(&COUNT, text) {
        let (Some(m), Some(n), Some(noun)) = (c.get(0), c.get(1), c.get(2)) else { continue };
        let (start, end) = (at + m.start(), at + m.end());
        let noun = noun.as_str();
        if taken(&found, start, end)
            || text::is_stopword(noun)
            || MONTHS.contains(&noun)
            || matches!(noun, "million" | "billion" | "trillion" | "percent" | "per")
        {
            continue;
        }
        let Some(v) = parse_num(n.as_str()) else { continue };
        if (1800.0..=2100.0).contains(&v) && n.as_str().len() == 4 {
            continue; // a year
        }
        found.push((Span::new(start, end), v, text::stem(noun)));
    }
    found.sort_by_key(|(s, ..)| s.start);

    let mut out: Vec<FigureMention> = Vec::new();
    let mut i = 0;
    while i < found.len() {
        let (span, value, unit) = found[i].clone();
        let sentence = sentences.iter().copied().find(|s| s.start <= span.start && span.end <= s.end).unwrap_or(span);
        let mut fig = FigureMention {
            span,
            text: span.slice(text).to_string(),
            value,
            unit,
            about: about_after(text, span.end, sentence.end),
            qualifier: qualifier_before(text, span.start),
            alternate: None,
            sentence,
        };
        // "2.4 billion euros ($2.53 billion)": the bracketed amount restates this one.
        if let Some((next_span, next_value, next_unit)) = found.get(i + 1).cloned() {
            let between = text.get(span.end..next_span.start).unwrap_or("x");
            let after = text.get(next_span.end..).unwrap_or("");
            if between.trim() == "("
                && after.trim_start().starts_with(')')
                && is_money(&fig.unit)
                && is_money(&next_unit)
            {
                fig.alternate = Some(Box::new(FigureMention {
                    span: next_span,
                    text: next_span.slice(text).to_string(),
                    value: next_value,
                    unit: next_unit,
                    about: fig.about.clone(),
                    qualifier: None,
                    alternate: None,
                    sentence,
                }));
                i += 1;
            }
        }
        out.push(fig);
        i += 1;
    }
    out
}

/// Whether a figure unit is a currency code.
pub(crate) fn is_money(unit: &str) -> bool {
    unit.len() == 3 && unit.chars().all(|c| c.is_ascii_uppercase())
}

fn about_after(text: &str, from: usize, until: usize) -> String {
    let rest = text.get(from..until.max(from)).unwrap_or("");
    let mut words = Vec::new();
    for w in synoptic_model::text::words(rest).take(6) {
        let lower = w.to_lowercase();
        if words.is_empty() && text::is_stopword(&lower) {
            continue;
        }
        words.push(w);
        if words.len() >= 4 {
            break;
        }
    }
    while words.last().is_some_and(|w| text::is_stopword(&w.to_lowercase())) {
        words.pop();
    }
    words.join(" ")
}

fn qualifier_before(text: &str, at: usize) -> Option<String> {
    let before = text.get(..at)?.trim_end().to_lowercase();
    ["more than", "less than", "fewer than", "at least", "about", "around", "nearly", "almost", "over", "up to"]
        .into_iter()
        .find(|q| before.ends_with(q))
        .map(str::to_string)
}

/// Find quoted passages of at least two words: curly, straight and guillemet double quotes.
pub(crate) fn find_quotes(text: &str) -> Vec<QuoteMention> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for para in text.split_inclusive('\n') {
        let mut open: Option<usize> = None;
        for (i, c) in para.char_indices() {
            let at = line_start + i;
            match (c, open) {
                ('\u{201C}' | '\u{00AB}', _) => open = Some(at + c.len_utf8()),
                ('"', None) => open = Some(at + 1),
                ('\u{201D}' | '\u{00BB}' | '"', Some(start)) => {
                    let span = Span::new(start, at);
                    let quoted = span.slice(text).trim();
                    if synoptic_model::text::words(quoted).count() >= 2 {
                        out.push(QuoteMention { span, text: quoted.to_string(), speaker: None, attribution: None });
                    }
                    open = None;
                }
                _ => {}
            }
        }
        line_start += para.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_money_counts_percent_alternates() {
        let t = "Allies gave more than $150 billion in aid. Deals worth 2.4 billion euros ($2.53 billion) for shells. \
                 It rose 5% in 2022 as 31 countries joined.";
        let f = find_figures(t);
        let got: Vec<(&str, f64, &str)> = f.iter().map(|f| (f.text.as_str(), f.value, f.unit.as_str())).collect();
        assert_eq!(
            got,
            [
                ("$150 billion", 150e9, "USD"),
                ("2.4 billion euros", 2.4e9, "EUR"),
                ("5%", 5.0, "%"),
                ("31 countries", 31.0, "country")
            ]
        );
        assert_eq!(f[0].about, "aid");
        assert_eq!(f[0].qualifier.as_deref(), Some("more than"));
        assert_eq!(f[1].alternate.as_ref().map(|a| a.unit.as_str()), Some("USD"));
    }

    /// The anchored, digit-led search finds what the plain unanchored `\b` patterns find.
    fn check_digit_led(t: &str) {
        for (anchored, plain) in [
            (&*MONEY_WORD, format!(r"(?i)\b{}", money_word_body())),
            (&*PERCENT, format!(r"(?i)\b{}", percent_body())),
            (&*COUNT, format!(r"\b{}", count_body())),
        ] {
            let plain = Regex::new(&plain).unwrap_or_else(|_| unreachable!());
            let want: Vec<Vec<Option<(usize, usize)>>> =
                plain.captures_iter(t).map(|c| c.iter().map(|m| m.map(|m| (m.start(), m.end()))).collect()).collect();
            let got: Vec<Vec<Option<(usize, usize)>>> = digit_led(anchored, t)
                .into_iter()
                .map(|(at, c)| c.iter().map(|m| m.map(|m| (at + m.start(), at + m.end()))).collect())
                .collect();
            assert_eq!(got, want, "{t:?}");
        }
    }

    #[test]
    fn digit_led_search_matches_unanchored_search() {
        for t in [
            "Allies gave 150 billion dollars and 2.4 million euros, 5% or 7 percent; 31 countries, 1,500 troops.",
            "x5 dollars _7 percent \u{e9}9 euros \u{663} items 12345 people 3.5 per cent \u{201C}40 soldiers\u{201D} 2 a",
            "99 99 99 dollars9 percent 1,000,000.5 US dollars 20 U.S. dollars 6 mn rupees",
        ] {
            check_digit_led(t);
        }
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
        match std::fs::read_dir(&seeds) {
            Ok(dir) => {
                for e in dir.flatten() {
                    check_digit_led(&std::fs::read_to_string(e.path()).unwrap_or_default());
                }
            }
            Err(_) => println!("skipped: seeds directory {} absent", seeds.display()),
        }
    }

    proptest::proptest! {
        #[test]
        fn digit_led_search_matches_on_any_text(
            t in "[a-z0-9 ,.%_\u{e9}\u{663}-]{0,40}( (dollars|percent|per cent|million|troops))?[ 0-9a-z]{0,10}"
        ) {
            check_digit_led(&t);
        }
    }

    #[test]
    fn quotes_curly_and_straight() {
        let t = "He said \u{201C}we will stay here\u{201D} and \"never leave them\". \"One\" word.";
        let q: Vec<String> = find_quotes(t).into_iter().map(|q| q.text).collect();
        assert_eq!(q, ["we will stay here", "never leave them"]);
    }
}
