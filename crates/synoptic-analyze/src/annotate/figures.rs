//! Figures of one article: money (symbols, ISO codes, currency words, million/billion/bn, qualifiers,
//! conversions in parentheses), percentages, counts of things and dates (absolute and relative, resolved
//! against the article's publication date when known).

use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::{Captures, Regex};
use synoptic_model::{FigureMention, Span, Timestamp};

use super::gazetteer;

const NUM: &str = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?";
const MULT: &str = r"trillion|billion|million|thousand|bn|tn|mn|m|k|b";
/// Multipliers written out, the only ones joined to the number by a hyphen ("$161-million").
const WORD_MULT: &str = r"trillion|billion|million|thousand";
const CUR_WORDS: &str = r"(?:(?:us|u\.s\.|american|canadian|australian|hong kong|new zealand|singapore|taiwan|swiss) )?(?:(?:swedish|danish|norwegian|czech|icelandic) crowns?|dollars?|euros?|pounds(?: sterling)?|sterling|yen|yuan|renminbi|roubles?|rubles?|hryvnias?|hryvnas|rupees?|francs?|liras?|lire|shekels?|zlotys?|forints?|rand|reais|pesos?|won|naira|dirhams?|riyals?|baht|ringgit|kronor|krona|kroner|krone)";

static MONEY_SYMBOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?P<sym>US\$|U\.S\.\$|CA\$|C\$|AU\$|A\$|NZ\$|HK\$|S\$|R\$|\$|€|£|¥|₹|₽|₴|₩|₪|₺)\s?(?P<num>{NUM})(?:\s?(?P<mult>{MULT})(?-u:\b)|-(?P<hmult>{WORD_MULT})(?-u:\b))?"
    ))
    .expect("constant regex compiles")
});
static MONEY_CODE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?-u:\b)(?P<code>[A-Z]{{3}})\s(?P<num>{NUM})(?:\s?(?P<mult>{MULT})(?-u:\b))?"))
        .expect("constant regex compiles")
});
static MONEY_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b)(?P<num>{NUM})(?:\s?(?P<mult>{MULT})(?-u:\b)|-(?P<hmult>{WORD_MULT})(?-u:\b))?\s?(?P<word>{CUR_WORDS}(?-u:\b)|(?-i:[A-Z]{{3}})(?-u:\b))"
    ))
    .expect("constant regex compiles")
});
static PERCENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?-u:\b)(?P<num>{NUM})\s?(?:%|percent(?-u:\b)|per cent(?-u:\b)|percentage points?(?-u:\b))"
    ))
    .expect("constant regex compiles")
});
/// A quake's magnitude, number after the word: "magnitude 6.1", "magnitude-5.4", "magnitude of 5.6".
static MAGNITUDE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)magnitude(?:-|\s+of\s+|\s+)(?P<num>\d{1,2}(?:\.\d+)?)(?-u:\b)")
        .expect("constant regex compiles")
});
/// A magnitude, number first: "6.1 magnitude", "6.1-magnitude", "5.6 on the Richter scale".
static MAGNITUDE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?P<num>\d{1,2}(?:\.\d+)?)(?:-|\s+)(?:magnitude|on the richter scale)(?-u:\b)")
        .expect("constant regex compiles")
});
/// Magnitudes are on a scale of about ten: a larger number next to the word is something else.
const MAX_MAGNITUDE: f64 = 10.0;
static COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)(?P<num>{NUM}|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Ss]even|[Ee]ight|[Nn]ine|[Tt]en|[Ee]leven|[Tt]welve|[Tt]wenty|[Tt]hirty|[Ff]orty|[Ff]ifty|[Ss]ixty|[Ss]eventy|[Ee]ighty|[Nn]inety)(?:[ \t](?P<mult>million|billion|thousand)(?-u:\b))?[ \t]+(?P<np>[A-Za-z][\w'-]*(?:[ \t]+[A-Za-z][\w'-]*){{0,2}})"
    ))
    .expect("constant regex compiles")
});
const MONTHS: &str = r"January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?";
static DATE_MDY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)(?P<month>{MONTHS})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?-u:\b)(?:,?\s+(?P<year>\d{{4}})(?-u:\b))?"
    ))
    .expect("constant regex compiles")
});
static DATE_DMY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{MONTHS})(?:,?\s+(?P<year>\d{{4}})(?-u:\b))?"
    ))
    .expect("constant regex compiles")
});
static DATE_MY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?-u:\b)(?P<month>{MONTHS})\s+(?P<year>\d{{4}})(?-u:\b)")).expect("constant regex compiles")
});
static DATE_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)(?P<pre>[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Ff]rom|[Ee]arly|[Ll]ate|[Mm]id-|[Ll]ast|[Nn]ext|[Tt]his)\s?(?P<month>January|February|March|April|May|June|July|August|September|October|November|December)(?-u:\b)",
    )
    .expect("constant regex compiles")
});
static DATE_ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?-u:\b)").expect("constant regex compiles")
});
static DATE_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Ff]rom|[Oo]f|[Ss]ince early|[Ss]ince late)\s(?P<year>(?:19|20)\d{2})(?-u:\b)")
        .expect("constant regex compiles")
});
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?P<pre>(?:[Ll]ast|[Nn]ext|[Tt]his)\s)?(?P<day>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?-u:\b)")
        .expect("constant regex compiles")
});
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)(?P<phrase>[Tt]oday|[Tt]onight|[Yy]esterday|[Tt]omorrow|[Ll]ast night|[Tt]he night before|[Tt]he day before|(?:[Aa]|[Oo]ne|[Tt]wo|[Tt]hree|\d+) days? (?:after|before|later|earlier|ago)|(?:[Aa]|[Oo]ne|[Tt]wo|[Tt]hree|\d+) weeks? (?:after|before|later|earlier|ago)|[Ll]ast (?:week|month|year)|[Nn]ext (?:week|month|year)|[Tt]his (?:week|month|year)|[Ee]arlier this (?:week|month|year))(?-u:\b)",
    )
    .expect("constant regex compiles")
});
static QUALIFIER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?P<q>more than|over|about|around|nearly|almost|at least|up to|some|roughly|approximately|less than|fewer than|under|as much as|as many as|close to|an estimated|just over|just under|exceeding|upwards of|at most)\s+$")
        .expect("constant regex compiles")
});

/// Run `re` over the given spans of `text` (match context is the whole text, so word boundaries at a span's
/// edge see the real neighbours).
fn each<'t>(re: &Regex, text: &'t str, spans: &[Span], mut f: impl FnMut(Captures<'t>)) {
    for s in spans {
        let hay = &text[..s.end.min(text.len())];
        let mut pos = s.start;
        while pos <= hay.len() {
            let Some(c) = re.captures_at(hay, pos) else { break };
            let Some(m) = c.get(0) else { break };
            pos = if m.end() > m.start() { m.end() } else { m.end() + 1 };
            f(c);
        }
    }
}

fn parse_num(s: &str) -> Option<f64> {
    let clean: String = s.chars().filter(|&c| c != ',').collect();
    clean.parse().ok().filter(|v: &f64| v.is_finite())
}

fn word_num(s: &str) -> Option<f64> {
    let l = s.to_lowercase();
    Some(match l.as_str() {
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        _ => return parse_num(s),
    })
}

fn mult(m: Option<&str>) -> f64 {
    match m.map(str::to_lowercase).as_deref() {
        Some("trillion" | "tn") => 1e12,
        Some("billion" | "bn" | "b") => 1e9,
        Some("million" | "mn" | "m") => 1e6,
        Some("thousand" | "k") => 1e3,
        _ => 1.0,
    }
}

fn month_num(m: &str) -> Option<u32> {
    let l = m.trim_end_matches('.').to_lowercase();
    let n = match l.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(n)
}

fn day_value(d: NaiveDate) -> f64 {
    d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp() as f64).unwrap_or(0.0)
}

struct Finder<'a> {
    text: &'a str,
    sents: &'a [Span],
    published: Option<NaiveDate>,
    out: Vec<FigureMention>,
}

impl Finder<'_> {
    fn taken(&self, s: Span) -> bool {
        self.out.iter().any(|f| {
            f.span.start < s.end && s.start < f.span.end
                || f.alternate.as_ref().is_some_and(|a| a.span.start < s.end && s.start < a.span.end)
        })
    }

    fn sentence(&self, pos: usize) -> Span {
        let i = self.sents.partition_point(|s| s.end <= pos);
        self.sents.get(i).copied().filter(|s| s.start <= pos).unwrap_or(Span::new(pos, pos))
    }

    fn qualifier(&self, start: usize) -> Option<String> {
        let from = start.saturating_sub(24);
        let from = (from..=start).find(|&i| self.text.is_char_boundary(i)).unwrap_or(start);
        QUALIFIER.captures(&self.text[from..start]).and_then(|c| c.name("q")).map(|m| m.as_str().to_lowercase())
    }

    fn push(&mut self, span: Span, value: f64, unit: String, about: String, alternate: Option<FigureMention>) {
        if self.taken(span) || !value.is_finite() {
            return;
        }
        let qualifier = self.qualifier(span.start);
        self.out.push(FigureMention {
            span,
            text: span.slice(self.text).to_string(),
            value,
            unit,
            about,
            qualifier,
            alternate: alternate.map(Box::new),
            sentence: self.sentence(span.start),
        });
    }
}

/// A money amount matched at the start of `s` (after optional space and "about"/"or"): (len, value, code).
fn money_at(s: &str) -> Option<(usize, usize, f64, String)> {
    for re in [&*MONEY_SYMBOL, &*MONEY_AFTER, &*MONEY_CODE_BEFORE] {
        if let Some(c) = re.captures(s)
            && let Some(m) = c.get(0)
            && let Some((value, code)) = money_value(&c)
        {
            return Some((m.start(), m.end(), value, code));
        }
    }
    None
}

fn money_value(c: &Captures<'_>) -> Option<(f64, String)> {
    let num = parse_num(c.name("num")?.as_str())?;
    let value = num * mult(c.name("mult").or_else(|| c.name("hmult")).map(|m| m.as_str()));
    let code = if let Some(sym) = c.name("sym") {
        gazetteer::currency(sym.as_str())?
    } else if let Some(code) = c.name("code") {
        let code = code.as_str();
        if !gazetteer::is_currency_code(code) {
            return None;
        }
        gazetteer::currency(code)?
    } else {
        let w = c.name("word")?.as_str();
        if w.len() == 3 && w.chars().all(|ch| ch.is_ascii_uppercase()) {
            if !gazetteer::is_currency_code(w) {
                return None;
            }
            gazetteer::currency(w)?
        } else {
            gazetteer::currency(&w.to_lowercase())?
        }
    };
    Some((value, code.to_string()))
}

/// Words that end the noun phrase a figure is about.
const ABOUT_STOP: &[&str] = &[
    "since",
    "from",
    "during",
    "after",
    "before",
    "when",
    "which",
    "that",
    "as",
    "while",
    "because",
    "by",
    "with",
    "last",
    "this",
    "over",
    "in",
    "and",
    "but",
    "or",
    "he",
    "she",
    "they",
    "it",
    "was",
    "were",
    "is",
    "are",
    "has",
    "have",
    "had",
    "will",
    "would",
    "said",
    "says",
    "according",
    "than",
    "until",
    "including",
    "on",
    "at",
    "this",
    "its",
    "their",
    "his",
    "her",
    "so",
    "if",
    "been",
    "be",
    "who",
];

const LEAD_SKIP: &[&str] =
    &["the", "a", "an", "has", "have", "had", "is", "are", "was", "were", "of", "with", "provided", "worth", "and"];

/// "in aid to Ukraine" / "of support" after a figure → "aid to Ukraine" / "support".
fn about_after(rest: &str) -> Option<String> {
    let rest = rest.trim_start();
    let (prep, tail) = rest.split_once(' ')?;
    if !matches!(prep, "in" | "of" | "for" | "on" | "worth" | "in new") {
        return None;
    }
    let mut words = Vec::new();
    for raw in tail.split_whitespace() {
        let w = raw.trim_end_matches([',', '.', ';', ':', ')', '"', '\u{201D}']);
        if w.is_empty() || ABOUT_STOP.contains(&w.to_lowercase().as_str()) || w.starts_with(|c: char| c.is_numeric()) {
            break;
        }
        if words.is_empty() && matches!(w, "the" | "a" | "an") {
            continue;
        }
        words.push(w);
        if w.len() != raw.len() || words.len() >= 5 {
            break;
        }
    }
    // Do not end on a dangling preposition: "aid to".
    while words.last().is_some_and(|w| matches!(*w, "to" | "for" | "of" | "the")) {
        words.pop();
    }
    (!words.is_empty()).then(|| words.join(" "))
}

/// The few words before a figure that say what it is: "contracts worth" → "contracts".
fn about_before(before: &str) -> String {
    let mut words: Vec<&str> = before
        .split(|c: char| c.is_whitespace())
        .rev()
        .take_while(|w| !w.ends_with([',', '.', ';', ':', '"', '\u{201C}', '\u{201D}']))
        .filter(|w| !w.is_empty())
        .take(6)
        .collect();
    words.reverse();
    // Drop qualifiers and linking words at the end ("worth", "more than", "about").
    while let Some(last) = words.last() {
        let l = last.to_lowercase();
        if matches!(
            l.as_str(),
            "worth"
                | "of"
                | "than"
                | "more"
                | "about"
                | "around"
                | "nearly"
                | "almost"
                | "some"
                | "over"
                | "to"
                | "by"
                | "at"
                | "least"
                | "up"
                | "roughly"
                | "approximately"
                | "valued"
                | "totalling"
                | "totaling"
                | "a"
                | "an"
                | "the"
                | "just"
                | "under"
                | "had"
                | "has"
                | "have"
                | "used"
                | "with"
                | "and"
                | "is"
                | "was"
                | "are"
                | "were"
                | "be"
                | "been"
                | "rose"
                | "fell"
                | "provided"
                | "for"
                | "in"
                | "on"
                | "estimated"
                | "less"
                | "fewer"
                | "close"
        ) {
            words.pop();
        } else {
            break;
        }
    }
    while words.first().is_some_and(|w| LEAD_SKIP.contains(&w.to_lowercase().as_str())) {
        words.remove(0);
    }
    words.join(" ")
}

fn about_for(text: &str, span: Span, after_end: usize) -> String {
    about_after(&text[after_end..]).unwrap_or_else(|| {
        let from = text[..span.start].rfind(['.', '\n', ';']).map(|i| i + 1).unwrap_or(0);
        let qual_from = QUALIFIER.find(&text[from..span.start]).map(|m| from + m.start()).unwrap_or(span.start);
        about_before(&text[from..qual_from])
    })
}

/// Find the figures of `text`; dates resolve against `published` when it is known.
pub fn find(text: &str, sents: &[Span], published: Option<&Timestamp>) -> Vec<FigureMention> {
    let mut f = Finder { text, sents, published: published.map(|p| p.date_naive()), out: Vec::new() };
    // Most patterns need a digit: run them only over the sentences that have one.
    let digits: Vec<Span> =
        sents.iter().copied().filter(|s| s.slice(text).bytes().any(|b| b.is_ascii_digit())).collect();
    let whole = [Span::new(0, text.len())];
    money(&mut f, &digits);
    let mut percents = Vec::new();
    each(&PERCENT, text, &digits, |c| percents.push(c));
    for c in percents {
        let (Some(m), Some(num)) = (c.get(0), c.name("num")) else { continue };
        let Some(v) = parse_num(num.as_str()) else { continue };
        let span = Span::new(m.start(), m.end());
        let about = about_for(text, span, m.end());
        f.push(span, v, "%".into(), about, None);
    }
    magnitudes(&mut f, &digits);
    dates(&mut f, &digits, &whole);
    counts(&mut f, &whole);
    f.out.sort_by_key(|x| x.span.start);
    f.out
}

/// Magnitudes (unit "magnitude"), before counts so that "a 6 magnitude quake" is not six of something.
fn magnitudes(f: &mut Finder<'_>, digits: &[Span]) {
    let text = f.text;
    let mut found = Vec::new();
    for re in [&*MAGNITUDE_BEFORE, &*MAGNITUDE_AFTER] {
        each(re, text, digits, |c| {
            if let (Some(m), Some(num)) = (c.get(0), c.name("num")) {
                found.push((m.start(), m.end(), num.start(), num.as_str()));
            }
        });
    }
    found.sort_by_key(|x| x.0);
    for (start, end, num_start, num) in found {
        let Some(v) = parse_num(num) else { continue };
        if v > MAX_MAGNITUDE || (num_start == start && preceded_by_word_char(text, num_start)) {
            continue;
        }
        let span = Span::new(start, end);
        let about = about_for(text, span, end);
        f.push(span, v, "magnitude".into(), about, None);
    }
}

fn preceded_by_word_char(text: &str, pos: usize) -> bool {
    text[..pos].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '.' || c == '#')
}

fn money(f: &mut Finder<'_>, spans: &[Span]) {
    let text = f.text;
    let mut found: Vec<(usize, usize, f64, String)> = Vec::new();
    for re in [&*MONEY_SYMBOL, &*MONEY_AFTER, &*MONEY_CODE_BEFORE] {
        each(re, text, spans, |c| {
            let Some(m) = c.get(0) else { return };
            if found.iter().any(|&(a, b, _, _)| a < m.end() && m.start() < b) {
                return;
            }
            if let Some((v, code)) = money_value(&c) {
                found.push((m.start(), m.end(), v, code));
            }
        });
    }
    found.sort_by_key(|x| x.0);
    let mut skip_until = 0;
    for (a, b, v, code) in found.clone() {
        if a < skip_until {
            continue;
        }
        // "2.4 billion euros ($2.53 billion)": one amount in two currencies.
        let mut alternate = None;
        let mut end = b;
        let rest = &text[b..];
        let inner = rest.trim_start();
        if let Some(after_paren) = inner.strip_prefix('(') {
            let lead = after_paren.len() - after_paren.trim_start().len();
            let body = after_paren.trim_start();
            let body = ["about ", "around ", "roughly ", "approximately ", "some ", "or ", "nearly ", "almost "]
                .iter()
                .find_map(|p| body.strip_prefix(p))
                .unwrap_or(body);
            let base = text.len() - body.len();
            if let Some((s0, e0, v2, code2)) = money_at(body)
                && s0 == 0
                && body[e0..].trim_start().starts_with(')')
            {
                let span2 = Span::new(base, base + e0);
                alternate = Some(FigureMention {
                    span: span2,
                    text: span2.slice(text).to_string(),
                    value: v2,
                    unit: code2,
                    about: String::new(),
                    qualifier: None,
                    alternate: None,
                    sentence: f.sentence(base),
                });
                let close = base + e0 + body[e0..].find(')').unwrap_or(0) + 1;
                end = close;
                skip_until = close;
                let _ = lead;
            }
        }
        let span = Span::new(a, b);
        let mut about = about_for(text, span, end);
        if about.is_empty() {
            about = code.clone();
        }
        if let Some(alt) = alternate.as_mut() {
            alt.about = about.clone();
        }
        f.push(span, v, code, about, alternate);
    }
}

fn dates(f: &mut Finder<'_>, digits: &[Span], whole: &[Span]) {
    let text = f.text;
    let push_date = |f: &mut Finder<'_>, s: usize, e: usize, d: NaiveDate| {
        let span = Span::new(s, e);
        let about = about_before(&text[text[..s].rfind(['.', '\n']).map(|i| i + 1).unwrap_or(0)..s]);
        f.push(span, day_value(d), "date".into(), about, None);
    };
    let collect = |re: &Regex, spans: &[Span]| {
        let mut v = Vec::new();
        each(re, text, spans, |c| v.push(c));
        v
    };
    for re in [&*DATE_ISO, &*DATE_MDY, &*DATE_DMY] {
        for c in collect(re, digits) {
            let Some(m) = c.get(0) else { continue };
            let month = c.name("month").and_then(|x| x.as_str().parse().ok().or_else(|| month_num(x.as_str())));
            let day = c.name("day").and_then(|x| x.as_str().parse::<u32>().ok());
            let year = c.name("year").and_then(|x| x.as_str().parse::<i32>().ok());
            let (Some(mo), Some(d)) = (month, day) else { continue };
            let date = match (year, f.published) {
                (Some(y), _) => NaiveDate::from_ymd_opt(y, mo, d),
                // No year: the one of last, this or next year closest to the publication day.
                (None, Some(p)) => [p.year() - 1, p.year(), p.year() + 1]
                    .iter()
                    .filter_map(|&y| NaiveDate::from_ymd_opt(y, mo, d))
                    .min_by_key(|x| (*x - p).num_days().abs()),
                (None, None) => None,
            };
            if let Some(date) = date {
                push_date(f, m.start(), m.end(), date);
            }
        }
    }
    for c in collect(&DATE_MY, digits) {
        let Some(m) = c.get(0) else { continue };
        let mo = c.name("month").and_then(|x| month_num(x.as_str()));
        let y = c.name("year").and_then(|x| x.as_str().parse::<i32>().ok());
        if let (Some(mo), Some(y)) = (mo, y)
            && let Some(date) = NaiveDate::from_ymd_opt(y, mo, 1)
        {
            push_date(f, m.start(), m.end(), date);
        }
    }
    if let Some(p) = f.published {
        for c in collect(&DATE_MONTH, whole) {
            let (Some(m), Some(pre)) = (c.name("month"), c.name("pre")) else { continue };
            let Some(mo) = month_num(m.as_str()) else { continue };
            let pre = pre.as_str().to_lowercase();
            let mut y = p.year();
            if pre == "next" || (pre != "last" && mo > p.month() + 1 && pre != "this") {
                y = if pre == "next" && mo <= p.month() {
                    y + 1
                } else if pre == "next" {
                    y
                } else {
                    y - 1
                };
            } else if pre == "last" && mo >= p.month() {
                y -= 1;
            }
            if let Some(date) = NaiveDate::from_ymd_opt(y, mo, 1) {
                push_date(f, m.start(), m.end(), date);
            }
        }
        for c in collect(&WEEKDAY, whole) {
            let (Some(m), Some(day)) = (c.get(0), c.name("day")) else { continue };
            let Some(wd) = day.as_str().parse::<Weekday>().ok() else { continue };
            let pre = c.name("pre").map(|x| x.as_str().trim().to_lowercase());
            let back = (p.weekday().num_days_from_monday() + 7 - wd.num_days_from_monday()) % 7;
            let date = match pre.as_deref() {
                Some("next") => p + Duration::days(i64::from((7 - back) % 7).max(1) + if back == 0 { 6 } else { 0 }),
                Some("last") => p - Duration::days(i64::from(if back == 0 { 7 } else { back })),
                _ if future_cue(&text[f.sentence(m.start()).start.min(m.start())..m.start()]) => {
                    p + Duration::days(i64::from((7 - back) % 7))
                }
                _ => p - Duration::days(i64::from(back)),
            };
            push_date(f, m.start(), m.end(), date);
        }
        for c in collect(&RELATIVE, whole) {
            let Some(m) = c.name("phrase") else { continue };
            if let Some(date) = relative(&m.as_str().to_lowercase(), p) {
                push_date(f, m.start(), m.end(), date);
            }
        }
    }
    for c in collect(&DATE_YEAR, digits) {
        let Some(y) = c.name("year") else { continue };
        if let Some(date) = y.as_str().parse::<i32>().ok().and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1)) {
            push_date(f, y.start(), y.end(), date);
        }
    }
}

/// Words that put a clause in the future: "will meet on", "is scheduled for", "are due to ... on".
const FUTURE_CUES: &[&str] = &[
    "will",
    "shall",
    "won't",
    "scheduled",
    "due",
    "set",
    "expected",
    "planned",
    "plans",
    "plan",
    "upcoming",
    "coming",
    "going",
    "until",
    "till",
    "ahead",
];
/// Words that close off a clause in the past ("said", "met"): a future cue before them does not reach on.
const PAST_BREAKS: &[&str] = &["said", "says", "told", "announced", "was", "were", "had", "did"];

/// Is the clause right before a weekday (the sentence up to it, last 8 words) in the future tense?
fn future_cue(before: &str) -> bool {
    let words: Vec<&str> =
        before.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|w| !w.is_empty()).collect();
    for w in words.iter().rev().take(8) {
        let l = w.to_lowercase();
        if PAST_BREAKS.contains(&l.as_str()) {
            return false;
        }
        if FUTURE_CUES.contains(&l.as_str()) || l.ends_with("'ll") || l.ends_with("\u{2019}ll") {
            return true;
        }
    }
    false
}

fn small_num(w: &str) -> Option<i64> {
    match w {
        "a" | "one" => Some(1),
        "two" => Some(2),
        "three" => Some(3),
        _ => w.parse().ok(),
    }
}

/// Resolve a relative date phrase against the publication day.
fn relative(phrase: &str, p: NaiveDate) -> Option<NaiveDate> {
    let month_start = |d: NaiveDate| NaiveDate::from_ymd_opt(d.year(), d.month(), 1);
    Some(match phrase {
        "today" | "tonight" | "this week" | "earlier this week" => p,
        "yesterday" | "last night" | "the night before" | "the day before" => p - Duration::days(1),
        "tomorrow" => p + Duration::days(1),
        "last week" => p - Duration::days(7),
        "next week" => p + Duration::days(7),
        "this month" | "earlier this month" => month_start(p)?,
        "last month" => month_start(month_start(p)? - Duration::days(1))?,
        "next month" => month_start(month_start(p)? + Duration::days(32))?,
        "this year" | "earlier this year" => NaiveDate::from_ymd_opt(p.year(), 1, 1)?,
        "last year" => NaiveDate::from_ymd_opt(p.year() - 1, 1, 1)?,
        "next year" => NaiveDate::from_ymd_opt(p.year() + 1, 1, 1)?,
        _ => {
            let mut it = phrase.split(' ');
            let n = small_num(it.next()?)?;
            let unit = it.next()?;
            let dir = it.next()?;
            let days = if unit.starts_with("week") { 7 * n } else { n };
            // "a day after X" in a report: X happened a day before the reported event, i.e. published - n.
            match dir {
                "ago" | "before" | "earlier" | "after" => p - Duration::days(days),
                "later" => p + Duration::days(days),
                _ => return None,
            }
        }
    })
}

/// Head words that are not things counted.
const NOT_COUNTED: &[&str] = &[
    "of", "to", "and", "or", "in", "on", "at", "for", "the", "a", "an", "by", "with", "from", "as", "is", "was", "are",
    "were", "per", "percent", "than", "more", "times", "p", "am", "pm", "th", "st", "nd", "rd", "that", "which", "who",
    "but", "after", "before", "since", "into", "over", "has", "have", "had", "will", "would",
];

fn counts(f: &mut Finder<'_>, whole: &[Span]) {
    let text = f.text;
    let mut all = Vec::new();
    each(&COUNT, text, whole, |c| all.push(c));
    for c in all {
        let (Some(num), Some(np)) = (c.name("num"), c.name("np")) else { continue };
        if preceded_by_word_char(text, num.start()) {
            continue;
        }
        let ns = num.as_str();
        // "May 2 via ...": a day of a month, not a count.
        let before = text[..num.start()].trim_end();
        let prev_word = before.rsplit(|c: char| !c.is_alphabetic()).next().unwrap_or("");
        if month_num(prev_word).is_some() && prev_word.len() >= 3 && prev_word.starts_with(|c: char| c.is_uppercase()) {
            continue;
        }
        // Years are dates, not counts.
        if ns.len() == 4 && !ns.contains([',', '.']) && (ns.starts_with("19") || ns.starts_with("20")) {
            continue;
        }
        let all: Vec<&str> = np.as_str().split_whitespace().collect();
        // Capitalised modifiers ("Iranian"), then the head: the first lowercase word, or the next one when it
        // is the plural ("armoured vehicles").
        // A capitalised plural alone is the head too ("67 Palestinians").
        let plural_name = |w: &str| w.starts_with(|c: char| c.is_uppercase()) && w.ends_with('s') && w.len() > 3;
        let first_lower = match all.iter().position(|w| w.starts_with(|c: char| c.is_lowercase())) {
            // "150 Indians returned": a capitalised plural first is the head.
            Some(_) if plural_name(all[0]) => 0,
            Some(i) => i,
            None if plural_name(all[0]) => 0,
            None => continue,
        };
        let mut h = first_lower;
        if let Some(next) = all.get(h + 1)
            && !all[h].ends_with('s')
            && next.ends_with('s')
            && next.starts_with(|c: char| c.is_lowercase())
            && !NOT_COUNTED.contains(next)
        {
            h += 1;
        }
        let words = &all[..=h];
        let head = words[h];
        if NOT_COUNTED.contains(&head) || words.iter().any(|w| NOT_COUNTED.contains(&w.to_lowercase().as_str())) {
            continue;
        }
        // Byte offset of the head inside the phrase, from the slice's position.
        let head_off = head.as_ptr() as usize - np.as_str().as_ptr() as usize;
        let np_end = np.start() + head_off + head.len();
        let Some(v) = word_num(ns) else { continue };
        let v = v * if c.name("mult").is_some() { mult(c.name("mult").map(|x| x.as_str())) } else { 1.0 };
        // Things are counted in whole numbers: "magnitude 6.8 earthquake" is not a count.
        if v.fract() != 0.0 {
            continue;
        }
        let span = Span::new(num.start(), np_end);
        f.push(span, v, head.to_lowercase(), words.join(" "), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotate::sentences::sentences;

    fn figs(t: &str, published: Option<&str>) -> Vec<FigureMention> {
        let p = published.and_then(|p| chrono::DateTime::parse_from_rfc3339(p).ok());
        find(t, &sentences(t), p.as_ref())
    }

    #[test]
    fn patterns_compile() {
        for re in [&*MONEY_SYMBOL, &*MONEY_AFTER, &*MONEY_CODE_BEFORE, &*PERCENT, &*COUNT, &*DATE_MDY, &*RELATIVE] {
            assert!(!re.as_str().is_empty());
        }
        assert!(QUALIFIER.is_match("more than "));
    }

    #[test]
    fn money_with_conversion_is_one_amount() {
        let f = figs("NATO signed contracts worth 2.4 billion euros ($2.53 billion) for ammunition.", None);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].unit, "EUR");
        assert_eq!(f[0].value, 2.4e9);
        let alt = f[0].alternate.as_ref().map(|a| (a.unit.as_str(), a.value));
        assert_eq!(alt, Some(("USD", 2.53e9)));
        assert_eq!(f[0].about, "ammunition");
    }

    /// The non-date figures of `text` as (value, unit), in text order.
    fn check(cases: &[(&str, &[(f64, &str)])]) {
        for (text, want) in cases {
            let got: Vec<(f64, String)> =
                figs(text, None).into_iter().filter(|f| f.unit != "date").map(|f| (f.value, f.unit)).collect();
            let want: Vec<(f64, String)> = want.iter().map(|&(v, u)| (v, u.to_string())).collect();
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn magnitudes_are_figures_and_not_counts() {
        check(&[
            ("A magnitude 6.1 earthquake struck the coast.", &[(6.1, "magnitude")]),
            ("The survey put its strength at magnitude-5.4 on Monday.", &[(5.4, "magnitude")]),
            ("A quake with a magnitude of 5.6 shook the island.", &[(5.6, "magnitude")]),
            ("A 6.8-magnitude quake hit the region.", &[(6.8, "magnitude")]),
            ("A 6 magnitude quake destroyed 40 homes.", &[(6.0, "magnitude"), (40.0, "homes")]),
            ("An earthquake measuring 5.6 on the Richter scale jolted the island.", &[(5.6, "magnitude")]),
            // Not a magnitude: no scale word, or a number beyond the scale.
            ("The order of magnitude was 30 times larger.", &[]),
            ("About 12 magnitude readings were taken.", &[(12.0, "readings")]),
        ]);
    }

    #[test]
    fn hyphenated_multipliers_scale_the_amount() {
        check(&[
            ("The team signed a $161-million contract.", &[(161e6, "USD")]),
            ("It is a 2.5-billion euros project.", &[(2.5e9, "EUR")]),
            ("He paid $20 for it.", &[(20.0, "USD")]),
            // A hyphen before anything but a written-out multiplier is not part of the amount.
            ("A $5-a-day plan.", &[(5.0, "USD")]),
        ]);
    }

    #[test]
    fn weekdays_follow_the_tense_of_their_clause() {
        // Published on a Tuesday (2024-03-12).
        let day = |t: &str| {
            let f = figs(t, Some("2024-03-12T09:00:00Z"));
            f.iter().find(|x| x.unit == "date").map(|x| x.value)
        };
        let d = |m, dd| Some(day_value(NaiveDate::from_ymd_opt(2024, m, dd).unwrap_or_default()));
        assert_eq!(day("The ministers will meet on Thursday in Brussels."), d(3, 14));
        assert_eq!(day("The vote is scheduled for Friday."), d(3, 15));
        assert_eq!(day("They\u{2019}ll decide on Monday."), d(3, 18));
        assert_eq!(day("The ministers met on Thursday in Brussels."), d(3, 7));
        assert_eq!(day("She said on Monday that talks will resume."), d(3, 11));
        assert_eq!(day("Talks will resume, he said on Monday."), d(3, 11));
        assert_eq!(day("They will meet next Thursday."), d(3, 14));
    }

    #[test]
    fn qualifiers_about_and_dates() {
        let f =
            figs("Donors gave more than $870 million in aid to the region on Thursday.", Some("2023-04-20T12:00:00Z"));
        assert_eq!(f[0].qualifier.as_deref(), Some("more than"));
        assert_eq!(f[0].about, "aid to the region");
        assert_eq!(f[1].unit, "date");
        assert_eq!(f[1].value, day_value(NaiveDate::from_ymd_opt(2023, 4, 20).unwrap_or_default()));
    }
}
