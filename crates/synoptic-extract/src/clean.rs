//! News-specific cleaning of article paragraphs: photo captions and credits, promos and navigation,
//! repeated titles, bylines (kept as the author) and wire credits (kept as `credits`) come out of the body.
//!
//! Each rule is a small named function over one paragraph; [`judge`] asks them in order and says what to
//! do with the paragraph and why. [`clean_paragraphs`] adds the rules that need context (the title, the
//! paragraph before). Every rule must be true of news pages in general: they are judged on unseen pages.

use std::sync::LazyLock;

use regex::Regex;
use synoptic_model::text::{is_month_or_weekday, matching_form};
use unicode_normalization::UnicodeNormalization;

/// What to do with one paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Keep,
    /// Drop it; the rule that said so.
    Drop(&'static str),
    /// A byline: drop it and take the name as the author (when the author is unknown); an agency named
    /// with it ("By Jane Doe, Associated Press") is a credit.
    Byline {
        name: String,
        agency: Option<String>,
    },
    /// A wire credit: note the agency; keep `rest` as the paragraph when some text remains.
    Credit {
        agency: String,
        rest: Option<String>,
    },
}

/// The outcome of cleaning a list of paragraphs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cleaned {
    pub paragraphs: Vec<String>,
    /// The first byline's name.
    pub author: Option<String>,
    /// Normalised agency names, in order of first mention, without repeats.
    pub credits: Vec<String>,
    /// What was dropped and why (for tests and `--explain`-style tools).
    pub dropped: Vec<(String, &'static str)>,
}

/// Tidy one paragraph: NFC, no-break and zero-width spaces made plain, whitespace runs collapsed inside each
/// line, empty lines removed, trimmed.
pub fn tidy(p: &str) -> String {
    let nfc: std::borrow::Cow<str> = match unicode_normalization::is_nfc_quick(p.chars()) {
        unicode_normalization::IsNormalized::Yes => std::borrow::Cow::Borrowed(p),
        _ => std::borrow::Cow::Owned(p.nfc().collect()),
    };
    let mut out = String::with_capacity(nfc.len());
    for line in nfc.split('\n') {
        let mut first = true;
        let mut line_out = String::new();
        for word in line.split(|c: char| c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{2060}')) {
            if word.is_empty() {
                continue;
            }
            if !first {
                line_out.push(' ');
            }
            first = false;
            line_out.push_str(word);
        }
        if !line_out.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&line_out);
        }
    }
    out
}

/// Clean `paragraphs` of an article titled `title`.
pub fn clean_paragraphs(paragraphs: Vec<String>, title: Option<&str>) -> Cleaned {
    let title_key = title.map(key).filter(|k| !k.is_empty());
    let mut out = Cleaned::default();
    let mut last_caption: Option<String> = None;
    // The key of the last kept paragraph, with the number of kept paragraphs it was computed at.
    let mut prev_key: Option<(usize, String)> = None;
    for raw in paragraphs {
        let p = tidy(&raw);
        if p.is_empty() {
            continue;
        }
        let k = key(&p);
        if title_key.as_deref() == Some(k.as_str()) {
            out.dropped.push((p, "repeated title"));
            continue;
        }
        // Only sentences: short cells ("0", "Yes") repeat in tables and lists.
        let same_as_prev = |prev_key: &mut Option<(usize, String)>| {
            let Some(prev) = out.paragraphs.last() else { return false };
            let n = out.paragraphs.len();
            if prev_key.as_ref().is_none_or(|(m, _)| *m != n) {
                *prev_key = Some((n, key(prev)));
            }
            prev_key.as_ref().is_some_and(|(_, pk)| *pk == k)
        };
        if word_count_upto(&p, 5) >= 5 && same_as_prev(&mut prev_key) {
            out.dropped.push((p, "repeated paragraph"));
            continue;
        }
        if let Some(cap) = &last_caption
            && is_caption_translation(cap, &p)
        {
            out.dropped.push((p, "caption in a second language"));
            continue;
        }
        last_caption = None;
        match judge(&p) {
            Verdict::Keep => {
                out.paragraphs.push(p);
                prev_key = Some((out.paragraphs.len(), k));
            }
            Verdict::Drop(why) => {
                if why == "caption" || why == "photo credit" {
                    last_caption = Some(p.clone());
                }
                out.dropped.push((p, why));
            }
            Verdict::Byline { name, agency } => {
                if out.author.is_none() {
                    out.author = Some(name);
                }
                if let Some(a) = agency.filter(|a| !out.credits.contains(a)) {
                    out.credits.push(a);
                }
                out.dropped.push((p, "byline"));
            }
            Verdict::Credit { agency, rest } => {
                if !out.credits.contains(&agency) {
                    out.credits.push(agency);
                }
                match rest {
                    Some(rest) => out.paragraphs.push(rest),
                    None => out.dropped.push((p, "wire credit")),
                }
            }
        }
    }
    out
}

/// Lowercased matching form: what "the same paragraph" means.
fn key(s: &str) -> String {
    matching_form(s).to_lowercase()
}

/// What to do with one paragraph on its own.
pub fn judge(p: &str) -> Verdict {
    let words = Words::new(p);
    if let Some((agency, rest)) = wire_credit(p) {
        return Verdict::Credit { agency, rest };
    }
    if let Some(name) = byline(p) {
        let agency = byline_agency(p).map(str::to_string);
        return Verdict::Byline { name, agency };
    }
    if caption(p, &words) {
        return Verdict::Drop("caption");
    }
    if is_photo_credit(p) {
        return Verdict::Drop("photo credit");
    }
    if promo(p, &words) {
        return Verdict::Drop("promo");
    }
    if date_line(p).is_some() {
        return Verdict::Drop("date line");
    }
    Verdict::Keep
}

/// A paragraph that is only a date or time ("March 3, 2024", "Updated: 2024-03-03 10:00 GMT"): the date.
pub fn date_line(p: &str) -> Option<synoptic_model::Timestamp> {
    if p.len() > 70 {
        return None;
    }
    let lower = p.trim().to_lowercase();
    let mut rest = lower.as_str();
    for prefix in ["published", "updated", "last updated", "posted", "first published", "date", "on"] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r.trim_start_matches([':', ' ', '-', '\u{2013}', '\u{2014}']);
        }
    }
    crate::dates::parse(rest)
}

/// Words in a paragraph (the `\w+` of the metrics, as `synoptic_model::text::words` counts them), counted
/// only up to `limit`: `min(words, limit)`.
fn word_count_upto(p: &str, limit: usize) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in p.chars() {
        let w = if c.is_ascii() { c.is_ascii_alphanumeric() || c == '_' } else { c.is_alphanumeric() };
        if w && !in_word {
            if n == limit {
                break;
            }
            n += 1;
        }
        in_word = w;
    }
    n
}

// ---------------------------------------------------------------------------------------------------------
// Agencies

/// The normalised name of a news agency written as `s` (whole string), or `None`. Short acronyms count only
/// in capitals ("AP", not "ap").
pub fn agency(s: &str) -> Option<&'static str> {
    let t = s.trim().trim_matches(|c: char| matches!(c, '.' | ',' | '(' | ')' | ':' | ';')).trim();
    let lower = t.to_lowercase();
    let lower = lower.strip_prefix("the ").unwrap_or(&lower);
    let named = match lower {
        "associated press" => "Associated Press",
        "reuters" | "thomson reuters" => "Reuters",
        "agence france-presse" | "agence france presse" | "france-presse" | "france presse" => "Agence France-Presse",
        "deutsche presse-agentur" => "Deutsche Presse-Agentur",
        "xinhua" | "xinhua news agency" => "Xinhua",
        "kyodo" | "kyodo news" => "Kyodo News",
        "yonhap" | "yonhap news agency" => "Yonhap",
        "bloomberg" | "bloomberg news" => "Bloomberg",
        "united press international" => "United Press International",
        "press association" | "pa media" => "PA Media",
        "press trust of india" => "Press Trust of India",
        "anadolu" | "anadolu agency" => "Anadolu Agency",
        "europa press" => "Europa Press",
        "interfax" => "Interfax",
        "ukrinform" => "Ukrinform",
        "agencies" | "news agencies" | "wire services" | "wires" => "agencies",
        _ => "",
    };
    if !named.is_empty() {
        return Some(named);
    }
    // Acronyms: only as capitals.
    let acronym = match t {
        "AP" => "Associated Press",
        "AFP" => "Agence France-Presse",
        "DPA" | "dpa" => "Deutsche Presse-Agentur",
        "EFE" => "EFE",
        "ANSA" => "ANSA",
        "TASS" => "TASS",
        "UPI" => "United Press International",
        "PA" => "PA Media",
        "PTI" => "Press Trust of India",
        "ANI" => "ANI",
        "IANS" => "IANS",
        "AAP" => "Australian Associated Press",
        "CP" => "The Canadian Press",
        _ => return None,
    };
    Some(acronym)
}

/// Agency names and acronyms as a regex alternation (the words [`agency`] knows).
const AGENCIES: &str = r"(?:[Tt]he )?Associated Press|AP|Reuters|Thomson Reuters|AFP|Agence France[- ]Presse|France[- ]Presse|DPA|dpa|Deutsche Presse-Agentur|EFE|ANSA|TASS|Xinhua|Kyodo(?: News)?|Yonhap|UPI|United Press International|PA|PA Media|Press Association|PTI|Press Trust of India|ANI|IANS|AAP|CP|Anadolu(?: Agency)?|Europa Press|Interfax|Ukrinform|Bloomberg(?: News)?|(?:news )?[Aa]gencies|wires";

// ---------------------------------------------------------------------------------------------------------
// Wire credits

static CONTRIBUTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:[Aa]dditional )?(?:(?P<a1>{AGENCIES})(?-u:\b).{{0,}}?(?-u:\b)contributed(?-u:\b).{{0,}}|(?:[Ww]ith )?(?:additional )?reporting (?:by|from) (?P<a2>{AGENCIES})\.?|[Ww]ith (?P<a3>{AGENCIES})\.?|\(?[Ww]ith (?:input from |inputs from )?(?P<a4>{AGENCIES})\)?\.?|(?:[Ss]ource|[Cc]redit)s?: (?P<a5>{AGENCIES})\.?|(?:[Bb]y|BY) (?P<a9>{AGENCIES})\.?|[-–—]+ ?(?P<a6>{AGENCIES})\.?|\(?(?P<a7>{AGENCIES})\)?\.?|[Tt]his (?:story|article|report) (?:was |has been )?(?:(?:written|produced|compiled|updated) )?(?:with|using|from) (?:material|reporting|information|reports|content) (?:from|by) (?P<a8>{AGENCIES}).{{0,}})$"
    ))
    .expect("static regex")
});

/// "<Organisation> contributed to this report." for an organisation not in [`AGENCIES`]: a name of capitalised
/// words whose last word names a news organisation (Press, News, Agency, Wire, …), so reporters' names stay out.
static CONTRIBUTED_ANY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[Tt]he\s+)?(?P<name>(?:\p{Lu}[\p{L}&'’.\-]*\s+){0,4}(?:Press|News|Agency|Wire|Service|Newswire|Media|Bureau|Network|Radio|Television|Agence))\s+contributed\s+to\s+this\s+(?:report|story|article)\.?$",
    )
    .expect("static regex")
});

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^(?P<pre>[^()\n.!?]{{0,60}}?)\s*\((?P<agency>{AGENCIES})\)\s*(?:[-–—:|]+\s*)?"))
        .expect("static regex")
});

static TRAILING_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?:\s+[-–—]+\s*(?P<a1>{AGENCIES})\.?|\s+\((?P<a2>{AGENCIES})\)\.?)$")).expect("static regex")
});

/// A wire credit: a whole-paragraph credit ("The Associated Press contributed to this report.", "— AFP",
/// "with agencies") gives `(agency, None)`; a dateline ("KYIV (Reuters) - ...") or a trailing credit ("...
/// he said. — AFP") gives `(agency, Some(text without the credit))`.
pub fn wire_credit(p: &str) -> Option<(String, Option<String>)> {
    if p.len() <= 300
        && let Some(c) = CONTRIBUTED.captures(p.trim())
    {
        let name = (1..=9).find_map(|i| c.name(&format!("a{i}"))).map(|m| m.as_str())?;
        return agency(name).map(|a| (a.to_string(), None));
    }
    if p.len() <= 160
        && p.contains("contributed")
        && let Some(c) = CONTRIBUTED_ANY.captures(p.trim())
    {
        // An outlet or agency the table does not list ("Meridian Press contributed to this report."): the
        // credit is the name as written, without a leading article.
        let name = c.name("name").map_or("", |m| m.as_str()).trim();
        if !name.is_empty() && !is_sentence_like(name) {
            return Some((name.to_string(), None));
        }
    }
    // Both patterns below need a bracket or a dash.
    if !p.contains(['(', '-', '\u{2013}', '\u{2014}']) {
        return None;
    }
    if p.contains('(')
        && let Some(c) = DATELINE.captures(p)
    {
        let a = agency(c.name("agency").map_or("", |m| m.as_str()))?;
        let whole = c.get(0).map_or(0, |m| m.end());
        let pre = c.name("pre").map_or("", |m| m.as_str()).trim();
        let rest = p[whole..].trim();
        if rest.is_empty() {
            return Some((a.to_string(), None));
        }
        let text = if pre.is_empty() { rest.to_string() } else { format!("{pre} \u{2014} {rest}") };
        return Some((a.to_string(), Some(text)));
    }
    let end = tail(p, 120);
    if let Some(c) = TRAILING_CREDIT.captures(end) {
        let a = agency(c.name("a1").or_else(|| c.name("a2")).map_or("", |m| m.as_str()))?;
        let start = p.len() - end.len() + c.get(0).map_or(end.len(), |m| m.start());
        let rest = p[..start].trim();
        // Only when what remains ends like a sentence: "…said. — AFP", not "a joint venture with AP".
        if rest.ends_with(['.', '!', '?', '"', '\u{201D}', '\u{2019}']) {
            return Some((a.to_string(), Some(rest.to_string())));
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------------------
// Bylines

const NAME: &str = r"\p{Lu}[\p{L}'’.\-]*(?:\s+(?:(?:de|da|del|van|von|der|la|le|al|bin|el|di|du|dos|ten)\s+)?\p{Lu}[\p{L}'’.\-]*){0,3}";

static BYLINE_BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?i:(?:written|reported|words|story|text|compiled|edited)\s+)?(?i:by)[:\s]+(?P<name>(?i:staff(?: writers?| reporters?)?|our (?:correspondent|reporter|staff)|the editors)|{NAME}(?:(?:\s*,\s*|\s+(?:and|&)\s+){NAME}){{0,3}})(?:\s*(?:,|\||[-–—]|(?-u:\b)for(?-u:\b)|(?-u:\b)in(?-u:\b))\s*(?P<tail>[^.!?]{{0,60}}))?\.?$"
    ))
    .expect("static regex")
});

static BYLINE_ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?P<name>{NAME})\s*(?:\||,|[-–—])\s*(?P<role>(?i:(?:senior |chief |staff |special |political |foreign |deputy |contributing |local |news )*(?:reporter|correspondent|writer|editor|journalist|columnist|contributor|staff|staff writer|staff reporter)s?)(?:\s*[,|]\s*[^.!?]{{0,40}})?)$"
    ))
    .expect("static regex")
});

/// A byline paragraph ("By Jane Doe", "Written by staff", "Jane Doe | Reporter"): the name(s).
pub fn byline(p: &str) -> Option<String> {
    if p.len() > 120 || p.contains('\n') {
        return None;
    }
    let p = p.trim();
    if let Some(c) = BYLINE_BY.captures(p) {
        let name = c.name("name")?.as_str().trim();
        // "By Reuters" and "By The Associated Press" are credits, handled by the caller through `wire_credit`.
        if agency(name).is_some() {
            return None;
        }
        // "By Monday, officials said..." is a sentence, not a byline.
        if is_sentence_like(name) {
            return None;
        }
        let mut chars = name.chars();
        let first = chars.next()?;
        return Some(first.to_uppercase().chain(chars).collect());
    }
    if let Some(c) = BYLINE_ROLE.captures(p) {
        return Some(c.name("name")?.as_str().trim().to_string());
    }
    None
}

/// The agency named after a byline's name: "By Jane Doe, Associated Press" -> "Associated Press".
fn byline_agency(p: &str) -> Option<&'static str> {
    let c = BYLINE_BY.captures(p.trim())?;
    agency(c.name("tail")?.as_str())
}

/// Words that start a "By ..." sentence rather than a name.
fn is_sentence_like(name: &str) -> bool {
    const NOT_NAMES: &[&str] = &[
        "then",
        "now",
        "contrast",
        "comparison",
        "law",
        "default",
        "design",
        "far",
        "then",
        "the",
        "this",
        "that",
        "all",
        "noon",
        "midnight",
        "morning",
        "evening",
        "night",
        "early",
        "late",
        "comparison",
    ];
    let first = name.split_whitespace().next().unwrap_or("").to_lowercase();
    is_month_or_weekday(&first) || NOT_NAMES.contains(&first.as_str())
}

// ---------------------------------------------------------------------------------------------------------
// Captions and photo credits

const IMAGE_SOURCES: &str = r"Getty(?: Images)?|AFP|AP|Reuters|EPA(?:-EFE)?|EFE|Shutterstock|Alamy|Anadolu(?: Agency)?|dpa|DPA|SIPA|Sipa(?: USA)?|ZUMA(?: Press| Wire)?|NurPhoto|Bloomberg|PA(?: Images| Media| Wire)?|Imago|IMAGO|Xinhua|TASS|Sputnik|AAP|Pool|POOL|Handout|HANDOUT|Reuters Pool|Getty Images via AFP|AFP via Getty Images|iStock|ANSA|Abaca|Polaris|Redux|SWNS|Newscom|Wikimedia Commons";

static NAME_SLASH_AGENCY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\p{Lu}[\p{L}'’.\-]*(?:\s+[\p{L}'’.\-]+){0,4}\s*/\s*\p{L}[\p{L}'’.&\-]*(?:\s+[\p{L}'’.&\-]+){0,3}\s+[-–—|]\s+\S")
        .expect("static regex")
});

static PHOTO_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:(?:photo|photos|photograph|photography|picture|pictures|pic|image|images|foto|fotos|illustration|graphic|video|file photo|lead image|main image|top image|cover image|featured image|image credit|photo credit|credit|caption)(?:\s+(?:credit|source))?\s*[:|]|(?:photo|photograph|picture|image)s?\s+(?:by|courtesy(?: of)?|via)\s)")
        .expect("static regex")
});

static TRAILING_PHOTO_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:\((?i:[^()]*(?-u:\b)(?:photo|photograph|picture|image|foto|file)s?(?-u:\b))[^()]*\)|\([^()]*/\s*(?:{IMAGE_SOURCES})[^()]*\)|\((?:{IMAGE_SOURCES})\s*/[^()]*\)|(?-u:\b)(?i:photo|photograph|image|picture)s?\s*(?i:by|:)\s*\p{{Lu}}[^.]*|(?:©|\((?i:c)\))\s*(?:\d{{4}}|\p{{Lu}})[^.]*)\.?\s*$"
    ))
    .expect("static regex")
});

static GLUED_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?:[.!?](?:{IMAGE_SOURCES})|\((?i:credit|credits|image|photo|picture)s?:[^()]*\))\.?$"))
        .expect("static regex")
});

static CREDIT_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?:(?:©|\((?i:c)\)|(?i:copyright)\s*(?:©|\((?i:c)\)|@|\d{{4}}))\s*.{{0,}}|[\p{{L}} .'’\-]{{0,}}\s*(?:/|(?-u:\b)via(?-u:\b))\s*(?:{IMAGE_SOURCES})(?:\s*/\s*[\p{{L}} .'’\-]{{0,}})?|(?:{IMAGE_SOURCES})(?:\s*/\s*[\p{{L}} .'’\-]{{1,}})?)\.?$"
    ))
    .expect("static regex")
});

/// A photo caption: "NAME / AGENCY - what the picture shows", "Photo: AP (Fair Use)", or a short paragraph
/// that ends with a picture credit ("... in Kyiv. (Photo by X/Getty Images)").
pub fn is_caption(p: &str) -> bool {
    caption(p, &Words::new(p))
}

fn caption(p: &str, words: &Words) -> bool {
    if p.len() > 600 {
        return false;
    }
    if p.contains('/') && NAME_SLASH_AGENCY.is_match(p) {
        return true;
    }
    if PHOTO_LABEL.is_match(p) && words.count() <= 60 {
        return true;
    }
    // The credit patterns are bounded, so matching the tail is enough (and keeps the search linear and short).
    let end = tail(p, 240);
    if (p.starts_with('\u{A9}') || GLUED_CREDIT.is_match(end)) && words.count() <= 60 {
        return true;
    }
    words.count() <= 50 && TRAILING_PHOTO_CREDIT.is_match(end)
}

/// A paragraph's word count, counted once when first asked for, up to [`Words::CAP`]: every rule compares it
/// with a smaller bound, so `min(words, CAP)` decides them all.
struct Words<'a> {
    text: &'a str,
    count: std::cell::OnceCell<usize>,
}

impl<'a> Words<'a> {
    const CAP: usize = 61;

    fn new(text: &'a str) -> Self {
        Words { text, count: std::cell::OnceCell::new() }
    }

    fn count(&self) -> usize {
        *self.count.get_or_init(|| word_count_upto(self.text, Self::CAP))
    }
}

/// The last `n` bytes of `s` or a little more (cut on a character boundary).
fn tail(s: &str, n: usize) -> &str {
    let mut start = s.len().saturating_sub(n);
    while !s.is_char_boundary(start) {
        start -= 1;
    }
    &s[start..]
}

/// A paragraph that is only a picture or copyright credit: "Getty Images", "Reuters/Jane Doe", "© AFP".
pub fn is_photo_credit(p: &str) -> bool {
    p.len() <= 140 && CREDIT_ONLY.is_match(p.trim())
}

/// True when `p` is a caption repeated in another language right after the caption `caption`: similar length
/// and mostly the same names and numbers.
pub fn is_caption_translation(caption: &str, p: &str) -> bool {
    if p.len() > 400 || is_promo(p) {
        return false;
    }
    let (a, b) = (caption.chars().count() as f64, p.chars().count() as f64);
    if b < a * 0.6 || b > a * 1.6 {
        return false;
    }
    let marks = |s: &str| -> Vec<String> {
        synoptic_model::text::words(s)
            .filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()))
            .map(str::to_lowercase)
            .collect()
    };
    let (ma, mb) = (marks(caption), marks(p));
    if ma.len() < 2 || mb.len() < 2 {
        return false;
    }
    let shared = mb.iter().filter(|w| ma.contains(w)).count();
    shared * 10 >= mb.len().min(ma.len()) * 7
}

// ---------------------------------------------------------------------------------------------------------
// Promos and navigation

static PROMO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:for the latest (?:news|headlines|updates)(?-u:\b)|source link$|(?:read|see|also read|read also|watch|listen|related|more|recommended|trending|most read|popular|related articles?|related stories|related coverage|more on this(?: story)?|more from [^:]{1,}|you may also like|you might also like|don'?t miss|editor'?s picks?)\s*(?:more\s*)?(?::|»|›|>|\||-|–|—|$)|read (?:more|the full (?:story|article))(?-u:\b)|continue reading(?-u:\b)|story continues(?-u:\b)|article continues(?-u:\b)|(?:sign up|subscribe|register)(?-u:\b).{0,}(?-u:\b)(?:newsletters?|updates|alerts|briefing|inbox)(?-u:\b)|(?:get|receive)(?-u:\b).{0,}(?-u:\b)(?:newsletter|delivered (?:straight |directly )?to your inbox)|click here(?-u:\b)|tap here(?-u:\b)|follow (?:us|@\S+|\S+ \S+) on (?:twitter|x|facebook|instagram|tiktok|linkedin|telegram|whatsapp|threads|youtube|google news|bluesky)|follow us(?-u:\b)|like us on facebook|join (?:us|our)(?-u:\b).{0,}(?-u:\b)(?:channel|community|forums?|whatsapp|telegram|discord)|download (?:the|our)(?-u:\b).{0,}(?-u:\b)app(?-u:\b)|share (?:this|on|via)(?-u:\b)|advertisement$|advertisements?$|sponsored(?: content)?$|ad$|this (?:article|story|content) (?:was |has been )?(?:originally |first )?(?:appeared|published|posted)(?-u:\b)|originally (?:published|appeared) (?:on|in|at)(?-u:\b)|all rights reserved|our standards:|the thomson reuters trust principles|we (?:may )?earn a commission|this (?:post|article) (?:may )?contains? affiliate links|listen to (?:this|the) (?:article|story)(?-u:\b)|(?:have|got) a (?:news )?tip(?-u:\b)|send (?:us )?your (?:news )?tips|\(?(?:additional )?reporting by .{2,}(?-u:\b)(?:editing|edited) by .{2,}$|[^.]{2,}(?-u:\b)contributed (?:reporting|research)(?: (?:from|in) [^.]*)?\.?$|[^.]{2,}(?-u:\b)contributed to this (?:report|story|article)\.?$|follow(?-u:\b)[^.]{0,}(?:twitter|facebook|instagram|@\w|https?://)|(?:e-?mail|contact|reach)(?-u:\b)[^.]{0,}@\w|[^.]{0,}(?-u:\b)may be reached at(?-u:\b)|.{0,}(?-u:\b)(?:in|to) your inbox(?-u:\b)|like this (?:story|article|post)\?|if you (?:enjoyed|liked) this (?:article|story|post)|more [\w'’ ]{1,}:\s*https?://|posted (?:on|by)(?-u:\b)[^.]{0,}$|(?:note: )?.{0,}(?-u:\b)comments? (?:are|is|will be) (?:moderated|reviewed|closed)|(?:note: )?we are (?:temporarily )?moderating (?:all )?comments|(?:reporting|writing) by [^.]{2,};\s*(?:additional reporting by [^;]{2,};\s*)?(?:editing|edited) by(?-u:\b)|editing by(?-u:\b).{2,}$)")
        .expect("static regex")
});

/// Promos and navigation: "For the latest news, weather, sports…", "Source link", "Read more", "Sign up for
/// our newsletter", "Click here to ...", "Follow us on ...", "Advertisement". Short paragraphs only.
pub fn is_promo(p: &str) -> bool {
    promo(p, &Words::new(p))
}

fn promo(p: &str, words: &Words) -> bool {
    words.count() <= 40 && PROMO.is_match(p.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_normalises() {
        assert_eq!(tidy("  a\u{A0}\u{A0}b \n\n\n c\u{200B}d  "), "a b\nc d");
        assert_eq!(tidy("Cafe\u{301}"), "Café");
    }

    #[test]
    fn context_rules() {
        let c = clean_paragraphs(
            vec![
                "Big News Today".into(),
                "Jane ROE / AGENCIA - Los ministros en la cumbre de Lima".into(),
                "Jane ROE / AGENCIA - The ministers at the summit in Lima".into(),
                "The ministers met in Lima on Monday.".into(),
                "The ministers met in Lima on Monday.".into(),
                "By John Smith".into(),
                "The Associated Press contributed to this report.".into(),
            ],
            Some("Big news today"),
        );
        assert_eq!(c.paragraphs, ["The ministers met in Lima on Monday."]);
        assert_eq!(c.author.as_deref(), Some("John Smith"));
        assert_eq!(c.credits, ["Associated Press"]);
        let translated = clean_paragraphs(
            vec![
                "El presidente Ana Ruiz y el ministro Tomas Vidal en Quito. (Foto: Pedro Gil/Reuters)".into(),
                "President Ana Ruiz and minister Tomas Vidal in Quito.".into(),
                "Ana Ruiz said on Monday that the budget for 2024 would grow by a tenth, a figure Tomas Vidal called ambitious in a long interview.".into(),
            ],
            None,
        );
        assert_eq!(translated.paragraphs.len(), 1, "{translated:?}");
    }
}
