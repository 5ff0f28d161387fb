//! Text tools private to comparison: sentence spans, content terms with light stemming, datelines.
//!
//! These are small on purpose. When the shared `crate::tokens` and `crate::annotate::sentences` settle,
//! comparison can switch to them; the rest of `compare` only sees [`sentence_spans`] and [`terms`].

use synoptic_model::Span;

/// Abbreviations after which a full stop does not end a sentence (lowercase, without the dot).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "sr", "jr", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt", "maj", "adm",
    "prof", "rev", "hon", "pres", "inc", "ltd", "co", "corp", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "approx", "dept", "est", "fig", "vol",
];

/// Byte spans of the sentences of `text`: paragraphs are split on line breaks, then on sentence-final
/// punctuation followed by a space and a capital, digit or opening quote — not after abbreviations,
/// initials or inside numbers. Spans are trimmed and never empty.
pub fn sentence_spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        split_line(text, line_start, line_start + line.len(), &mut out);
        line_start += line.len();
    }
    out
}

fn split_line(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let line = &text[start..end];
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut sent_start = 0;
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if matches!(c, '.' | '!' | '?' | '…') {
            // Swallow runs of closing punctuation: `."`, `?)`, `...`
            let mut j = i + 1;
            while j < chars.len() && is_closer(chars[j].1) {
                j += 1;
            }
            let next_is_space = j < chars.len() && chars[j].1.is_whitespace();
            let mut k = j;
            while k < chars.len() && chars[k].1.is_whitespace() {
                k += 1;
            }
            // A closing quote set off by spaces ("... assistance. \u{201D} Arraigned ..."): it ends the
            // sentence before it. Only the curly closers are unambiguous; a spaced straight quote may open.
            if next_is_space
                && k + 1 < chars.len()
                && matches!(chars[k].1, '\u{201D}' | '\u{2019}' | '\u{00BB}')
                && chars[k + 1].1.is_whitespace()
            {
                j = k + 1;
                k = j;
                while k < chars.len() && chars[k].1.is_whitespace() {
                    k += 1;
                }
            }
            let next_starts = k < chars.len() && starts_sentence(chars[k].1);
            if next_is_space && next_starts && !(c == '.' && is_abbreviation(&line[..pos])) {
                let cut = if j < chars.len() { chars[j].0 } else { line.len() };
                push_trimmed(text, start + sent_start, start + cut, out);
                sent_start = if k < chars.len() { chars[k].0 } else { line.len() };
                i = k;
                continue;
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    push_trimmed(text, start + sent_start, end, out);
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '\u{201D}' | '\u{2019}' | '\u{00BB}' | ')' | ']' | '.' | '!' | '?' | '…')
}

fn starts_sentence(c: char) -> bool {
    c.is_uppercase() || c.is_numeric() || matches!(c, '"' | '\'' | '\u{201C}' | '\u{2018}' | '\u{00AB}' | '(' | '[')
}

/// Whether the word just before a full stop is an abbreviation or an initial ("J.", "U.S.").
fn is_abbreviation(before: &str) -> bool {
    let word: String = before.chars().rev().take_while(|c| c.is_alphanumeric() || *c == '.').collect();
    let word: String = word.chars().rev().collect();
    if word.is_empty() {
        return false;
    }
    let bare = word.trim_matches('.');
    // A single letter ("J.") or dotted initials ("U.S", "e.g")
    if bare.chars().count() == 1 && bare.chars().all(char::is_alphabetic) {
        return true;
    }
    // Dotted initials are letters: "5.4." ends a sentence after a decimal number.
    if bare.contains('.') && bare.split('.').all(|p| p.chars().count() <= 2 && p.chars().all(char::is_alphabetic)) {
        return true;
    }
    ABBREVIATIONS.contains(&bare.to_lowercase().as_str())
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let Some(s) = text.get(start..end) else { return };
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if start + lead < end - trail {
        out.push(Span::new(start + lead, end - trail));
    }
}

/// Function words and reporting words that carry no content for matching statements.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "even",
    "ever",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "you",
    "your",
    "yours",
    "said",
    "says",
    "say",
    "saying",
    "told",
    "tells",
    "tell",
    "according",
    "added",
    "adding",
    "stated",
    "states",
    "state",
    "noted",
    "noting",
    "however",
    "meanwhile",
    "already",
    "still",
    "yet",
    "since",
    "among",
    "around",
    "across",
    "via",
    "per",
    "s",
    "t",
    "mr",
    "mrs",
    "ms",
    "dr",
    "like",
    "well",
    "many",
    "several",
    "another",
    "every",
    "though",
    "although",
    "whether",
    "unless",
    "being",
    "become",
    "became",
    "get",
    "got",
    "made",
    "make",
    "new",
    "last",
    "first",
    "next",
    "week",
    "day",
    "year",
    "years",
    "time",
];

/// Whether `w` (lowercase) is a stopword.
pub fn is_stopword(w: &str) -> bool {
    static SET: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::LazyLock::new(|| STOPWORDS.iter().copied().collect());
    SET.contains(w)
}

/// A light English stemmer: folds plural, past, gerund and final-e forms so that "visited", "visiting",
/// "visits" and "visit" meet. Not a linguistic stemmer; only consistency matters.
pub fn stem(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    stem_into(word, &mut out);
    out
}

/// Lowercase `word` into `out` (cleared first): ASCII in place, anything else by `str::to_lowercase`.
fn lowercase_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
    } else {
        out.push_str(&word.to_lowercase());
    }
}

/// [`stem`] into a reused buffer (cleared first); ASCII words take a byte-wise path.
pub fn stem_into(word: &str, w: &mut String) {
    lowercase_into(word, w);
    if w.ends_with("'s") {
        w.truncate(w.len() - 2);
    }
    // British and American spellings of one word: "organisation" / "organization".
    if let Some(stem) = w.strip_suffix("isation").or_else(|| w.strip_suffix("isations")) {
        let stem = format!("{stem}ization");
        *w = stem;
    }
    let ascii = w.is_ascii();
    let count = |w: &String| if ascii { w.len() } else { w.chars().count() };
    let n = count(w);
    let alphabetic =
        if ascii { w.bytes().all(|b| b.is_ascii_alphabetic()) } else { w.chars().all(char::is_alphabetic) };
    if n <= 3 || !alphabetic {
        return;
    }
    if w.ends_with("ies") && n > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.ends_with("sses") {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.pop();
    }
    let n = count(w);
    if w.ends_with("ing") && n > 5 {
        w.truncate(w.len() - 3);
    } else if w.ends_with("ied") && n > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if (w.ends_with("ed") && n > 4) || (w.ends_with("ly") && n > 5) {
        w.truncate(w.len() - 2);
    }
    // Doubled final consonant left by -ing/-ed ("stopped" → "stopp" → "stop"), then a final e.
    let bytes = w.as_bytes();
    if bytes.len() > 3 {
        let (a, b) = (bytes[bytes.len() - 1], bytes[bytes.len() - 2]);
        if a == b && !matches!(a, b'l' | b's' | b'z' | b'e' | b'o') && a.is_ascii_alphabetic() {
            w.pop();
        }
    }
    if w.len() > 3 && w.ends_with('e') {
        w.pop();
    }
}

/// Content terms of a text: words that are not stopwords, stemmed; numbers kept as written (without
/// thousands separators). Order kept, duplicates kept.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_term(text, |t, _| out.push(t.to_string()));
    out
}

/// [`terms`], each with whether it looks like part of a name: written with a capital other than as the
/// text's first word.
pub fn terms_flagged(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    each_term(text, |t, capital| out.push((t.to_string(), capital)));
    out
}

/// Apostrophes that the matching form (`synoptic_model::text::matching_form`) makes straight.
fn is_curly_apostrophe(c: char) -> bool {
    matches!(c, '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}')
}

/// Call `f(term, capital)` for every term of [`terms_flagged`], in order, without a `String` per term (the
/// term is lent from a reused buffer). Works on the text as given: splitting the matching form of a text
/// gives the same words with curly apostrophes made straight, which is done here word by word.
pub fn each_term(text: &str, f: impl FnMut(&str, bool)) {
    each_term_starting(text, None, f);
}

/// [`each_term`], leaving out (before any lowercasing or stemming) the terms that start with an ASCII
/// character whose lowercase is not marked in `starts`: a term starts with its word's first character
/// lowercased, so a caller that looks terms up in a set of known terms skips most words unread. Terms that
/// start with a non-ASCII character are always given. (No term is empty unless its word is `'s's`-like; a
/// caller whose set holds the empty term passes `None`.)
pub fn each_term_starting(text: &str, starts: Option<&[bool; 128]>, mut f: impl FnMut(&str, bool)) {
    let skip = |b: Option<&u8>| match (starts, b) {
        (Some(starts), Some(&b)) if b.is_ascii() => !starts[usize::from(b.to_ascii_lowercase())],
        _ => false,
    };
    let mut straight = String::new();
    let mut lower = String::new();
    let mut stemmed = String::new();
    let mut first = true;
    let word_char = |c: char| c.is_alphanumeric() || c == '\'' || c == '.' || c == ',' || is_curly_apostrophe(c);
    for raw in text.split(|c: char| !word_char(c)) {
        if raw.is_empty() {
            continue;
        }
        let raw = if !raw.is_ascii() && raw.contains(is_curly_apostrophe) {
            straight.clear();
            straight.extend(raw.chars().map(|c| if is_curly_apostrophe(c) { '\'' } else { c }));
            straight.as_str()
        } else {
            raw
        };
        let w = raw.trim_matches(|c: char| c == '\'' || c == '.' || c == ',');
        if w.is_empty() {
            continue;
        }
        if w.as_bytes()[0].is_ascii_digit() {
            first = false;
            if skip(w.as_bytes().first()) {
                continue;
            }
            stemmed.clear();
            stemmed.extend(w.chars().filter(|c| *c != ','));
            f(&stemmed, false);
            continue;
        }
        for part in w.split(['.', ',']) {
            let part = part.trim_matches('\'');
            let capital = !first && part.chars().next().is_some_and(char::is_uppercase);
            first = false;
            if skip(part.as_bytes().first()) {
                continue;
            }
            lowercase_into(part, &mut lower);
            let l = lower.strip_suffix("'s").unwrap_or(&lower);
            let short = if l.is_ascii() { l.len() < 2 } else { l.chars().count() < 2 };
            if short || is_stopword(l) {
                continue;
            }
            stem_into(l, &mut stemmed);
            f(&stemmed, capital);
        }
    }
}

/// Small words allowed inside a written-out name ("Organization for Security and Cooperation in Europe").
const NAME_JOINERS: &[&str] = &["of", "for", "and", "the", "in", "on", "de", "du", "la", "&"];

/// Call `f` with the lowercase initials of every written-out name of two to six capitalised words (joiners
/// such as "of", "and" inside it skipped; a leading "The" dropped): the term its abbreviation gives.
pub fn initials(text: &str, mut f: impl FnMut(&str)) {
    let mut run = String::new();
    let mut pending_joiner = false;
    let mut flush = |run: &mut String| {
        if (2..=6).contains(&run.len()) {
            f(run);
        }
        run.clear();
    };
    for word in text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | ')' | '"' | '\u{201C}' | '\u{201D}'))
    {
        if word.is_empty() {
            continue;
        }
        let first = word.chars().next().unwrap_or(' ');
        let lower = word.to_lowercase();
        if first.is_uppercase() && word.chars().any(char::is_lowercase) && !(run.is_empty() && lower == "the") {
            run.push(first.to_ascii_lowercase());
            pending_joiner = false;
            if word.ends_with('.') {
                flush(&mut run);
            }
        } else if !run.is_empty() && !pending_joiner && NAME_JOINERS.contains(&lower.as_str()) {
            pending_joiner = true;
        } else {
            flush(&mut run);
            pending_joiner = false;
        }
    }
    flush(&mut run);
}

/// Words of a quote or passage for wording comparison: lowercase, every word kept, no stemming.
pub fn plain_words(text: &str) -> Vec<String> {
    synoptic_model::text::words(&synoptic_model::text::matching_form(text)).map(str::to_lowercase).collect()
}

/// Strip a leading dateline such as "(City) ", "CITY (Agency) - " or "CITY, Country - " from a sentence.
pub fn strip_dateline(s: &str) -> &str {
    let t = s.trim_start();
    if let Some(rest) = t.strip_prefix('(')
        && let Some(close) = rest.find(')')
        && close <= 40
        && !rest[..close].contains(['.', '!', '?'])
    {
        let after = rest[close + 1..].trim_start();
        let after = after.trim_start_matches(['-', '\u{2013}', '\u{2014}', ':']).trim_start();
        if after.chars().next().is_some_and(|c| c.is_uppercase() || c.is_numeric()) {
            return after;
        }
    }
    // "PLACE (Agency) — text" or "PLACE — text" with an all-caps place
    for sep in [" \u{2014} ", " \u{2013} ", " - "] {
        if let Some(i) = t.find(sep)
            && i <= 50
        {
            let head = &t[..i];
            let letters: Vec<char> = head.chars().filter(|c| c.is_alphabetic()).collect();
            let caps_place = head.split(['(', ',']).next().unwrap_or("");
            let caps = caps_place.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
            if letters.len() >= 3 && caps && caps_place.chars().any(char::is_alphabetic) {
                return t[i + sep.len()..].trim_start();
            }
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(t: &str) -> Vec<&str> {
        sentence_spans(t).iter().map(|s| s.slice(t)).collect()
    }

    #[test]
    fn sentences_respect_abbreviations_quotes_and_paragraphs() {
        assert_eq!(
            split("Mr. Smith went to the U.S. capital. He said \"no.\" Then 3.5 left!\nNew para"),
            ["Mr. Smith went to the U.S. capital.", "He said \"no.\"", "Then 3.5 left!", "New para"]
        );
        assert_eq!(split("\"Why?\" she asked. J. Doe agreed."), ["\"Why?\" she asked.", "J. Doe agreed."]);
        // A decimal number before the full stop is not an initial.
        assert_eq!(
            split("The survey put it at magnitude-5.4. Monday's quake was the second."),
            ["The survey put it at magnitude-5.4.", "Monday's quake was the second."]
        );
        // A curly closing quote set off by spaces closes the sentence before it.
        assert_eq!(
            split("He said: \u{201C} We will stay. \u{201D} Arraigned on Monday, he left."),
            ["He said: \u{201C} We will stay. \u{201D}", "Arraigned on Monday, he left."]
        );
        assert!(split("   \n\n ").is_empty());
    }

    #[test]
    fn stems_meet() {
        for group in [
            &["visited", "visiting", "visits", "visit"][..],
            &["provided", "provides", "provide"],
            &["stopped", "stop"],
            &["countries", "country"],
            &["fights", "fighting", "fight"],
        ] {
            let first = stem(group[0]);
            for w in group {
                assert_eq!(stem(w), first, "{w}");
            }
        }
    }

    #[test]
    fn terms_drop_stopwords_keep_numbers() {
        assert_eq!(
            terms("The minister's visit cost 1,500 dollars, he said."),
            ["minister", "visit", "cost", "1500", "dollar"]
        );
    }

    /// The tokenizer and stemmer as first written (allocating per term): the fast path must agree with them.
    fn reference_stem(word: &str) -> String {
        let mut w: String = word.to_lowercase();
        if let Some(s) = w.strip_suffix("'s") {
            w = s.to_string();
        }
        let n = w.chars().count();
        if n <= 3 || !w.chars().all(char::is_alphabetic) {
            return w;
        }
        if let Some(s) = w.strip_suffix("ies").filter(|_| n > 4) {
            w = format!("{s}y");
        } else if let Some(s) = w.strip_suffix("sses") {
            w = format!("{s}ss");
        } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
            w.pop();
        }
        let n = w.chars().count();
        if let Some(s) = w.strip_suffix("ing").filter(|_| n > 5) {
            w = s.to_string();
        } else if let Some(s) = w.strip_suffix("ied").filter(|_| n > 4) {
            w = format!("{s}y");
        } else if let Some(s) = w.strip_suffix("ed").filter(|_| n > 4) {
            w = s.to_string();
        } else if let Some(s) = w.strip_suffix("ly").filter(|_| n > 5) {
            w = s.to_string();
        }
        let bytes = w.as_bytes();
        if bytes.len() > 3 {
            let (a, b) = (bytes[bytes.len() - 1], bytes[bytes.len() - 2]);
            if a == b && !matches!(a, b'l' | b's' | b'z' | b'e' | b'o') && a.is_ascii_alphabetic() {
                w.pop();
            }
        }
        if w.len() > 3 && w.ends_with('e') {
            w.pop();
        }
        w
    }

    fn reference_terms_flagged(text: &str) -> Vec<(String, bool)> {
        let norm = synoptic_model::text::matching_form(text);
        let mut out = Vec::new();
        let mut first = true;
        for w in norm.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '.' || c == ',')) {
            let w = w.trim_matches(|c: char| c == '\'' || c == '.' || c == ',');
            if w.is_empty() {
                continue;
            }
            if w.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                out.push((w.chars().filter(|c| *c != ',').collect(), false));
                first = false;
                continue;
            }
            for part in w.split(['.', ',']) {
                let part = part.trim_matches('\'');
                let capital = !first && part.chars().next().is_some_and(char::is_uppercase);
                first = false;
                let lower = part.to_lowercase();
                let lower = lower.strip_suffix("'s").unwrap_or(&lower);
                if lower.chars().count() < 2 || is_stopword(lower) {
                    continue;
                }
                out.push((reference_stem(lower), capital));
            }
        }
        out
    }

    fn check_same_terms(text: &str) {
        assert_eq!(terms_flagged(text), reference_terms_flagged(text), "{text:?}");
        for w in text.split_whitespace() {
            assert_eq!(stem(w), reference_stem(w), "{w:?}");
        }
    }

    #[test]
    fn fast_terms_match_reference() {
        for t in [
            "The minister\u{2019}s visits\u{2014}ŞEHİR İstanbul\u{02BC}s ΟΔΟΣ's... U.S. 1,500.5 dollars, 3rd",
            "\u{2018}Quoted\u{2019} stopped, hopping; passes classes studies lied Added émigrés naïveté'S",
            "a.b,c ''x'' .5 ,7 'tis o'clock Ñandú CAFÉS cafés ß STRASSE ǅemal \u{2032}x\u{201B}",
        ] {
            check_same_terms(t);
        }
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
        match std::fs::read_dir(&seeds) {
            Ok(dir) => {
                for e in dir.flatten() {
                    check_same_terms(&std::fs::read_to_string(e.path()).unwrap_or_default());
                }
            }
            Err(_) => println!("skipped: seeds directory {} absent", seeds.display()),
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_terms_match_reference_on_any_text(t in "[a-zA-Z0-9 .,'\u{2019}\u{02BC}\u{201C}ÉéİΣσßǅ\n-]{0,60}") {
            check_same_terms(&t);
        }
    }

    #[test]
    fn datelines_are_stripped() {
        assert_eq!(strip_dateline("(Dravnik) The minister arrived."), "The minister arrived.");
        assert_eq!(strip_dateline("DRAVNIK (Wire) - The minister arrived."), "The minister arrived.");
        assert_eq!(strip_dateline("The minister - arrived."), "The minister - arrived.");
    }

    #[test]
    fn written_out_names_give_their_initials() {
        let check = |text: &str, want: &[&str]| {
            let mut got: Vec<String> = Vec::new();
            initials(text, |t| got.push(t.to_string()));
            assert_eq!(got, want, "{text}");
        };
        check("Observers from the Organization for Security and Cooperation in Europe arrived.", &["osce"]);
        check("The United Nations and the World Boxing Council met.", &["un", "wbc"]);
        // One capitalised word is not a name written out; seven are more than an abbreviation holds.
        check("Observers arrived on Monday.", &[]);
        check("A B C D E F G", &[]);
    }

    #[test]
    fn british_and_american_spellings_stem_alike() {
        assert_eq!(stem("organisation"), stem("organization"));
        assert_eq!(stem("Organisations"), stem("organizations"));
    }
}
