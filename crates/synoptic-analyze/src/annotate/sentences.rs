//! Sentence splitter: byte spans of the sentences of a text, aware of abbreviations, initials, numbers,
//! closing quotation marks and line breaks (a line break always ends a sentence: headlines, captions).

use synoptic_model::Span;

/// Abbreviations after which a full stop does not end a sentence (lowercase, without the dot).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "sr", "jr", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt", "maj", "adm",
    "prof", "rev", "hon", "pres", "inc", "ltd", "co", "corp", "vs", "etc", "no", "nos", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "approx", "dept", "fig", "vol", "e.g", "i.e",
    "u.s", "u.k", "u.n", "e.u", "a.m", "p.m", "cf", "al", "gov", "messrs", "mme", "mlle", "sec", "supt",
];

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '\u{201D}' | '\u{2019}' | '\u{00BB}' | '.' | '!' | '?' | '\u{2026}')
}

fn is_opener(c: char) -> bool {
    matches!(c, '"' | '\'' | '(' | '[' | '\u{201C}' | '\u{2018}' | '\u{00AB}' | '\u{201E}')
}

/// Byte spans of the sentences of `text`, trimmed, never empty, in order. Never panics.
pub fn sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        split_line(text, line_start, line_start + line.len(), &mut out);
        line_start += line.len();
    }
    out
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    let (a, b) = (start + lead, end - trail);
    if a < b {
        out.push(Span::new(a, b));
    }
}

/// The word (letters and inner dots) that ends right before byte `pos` of `line`.
fn word_before(line: &str, pos: usize) -> &str {
    let head = &line[..pos];
    let start = head
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.'))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    &head[start..]
}

/// An initial ("John F. Kennedy", "J. Smith") follows a capitalised word, another initial or a line start;
/// "posted on X. Then" does not.
fn initial_context(line: &str, word_start: usize) -> bool {
    let before = line[..word_start].trim_end();
    let prev = before.rsplit(|c: char| c.is_whitespace()).next().unwrap_or("");
    prev.is_empty() || prev.starts_with(|c: char| c.is_uppercase())
}

fn split_line(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let line = &text[start..end];
    let bytes = line.as_bytes();
    let mut sent_start = 0;
    // Scan bytes for the terminators (`.`, `!`, `?` and the first byte of `…`); every other byte is skipped
    // without decoding. Those bytes never occur inside a multi-byte character, so `i` stays on boundaries.
    let mut i = 0;
    while i < bytes.len() {
        let (pos, c) = match bytes[i] {
            b'.' => (i, '.'),
            b'!' => (i, '!'),
            b'?' => (i, '?'),
            0xE2 if line[i..].starts_with('\u{2026}') => (i, '\u{2026}'),
            _ => {
                i += 1;
                continue;
            }
        };
        // Swallow closing punctuation and quotes: `."`, `?)`, `...`.
        let mut after = pos + c.len_utf8();
        while let Some(n) = line[after..].chars().next() {
            if is_closer(n) {
                after += n.len_utf8();
            } else {
                break;
            }
        }
        i = after;
        // Must be followed by whitespace, then a capital, digit or opening quote (or the end of the line).
        let rest = &line[after..];
        let trimmed = rest.trim_start();
        if trimmed.is_empty() {
            continue; // end of line: handled below
        }
        if trimmed.len() == rest.len() {
            continue; // no space: "3.5", "U.S.-led", "example.com"
        }
        let next = trimmed.chars().next().unwrap_or(' ');
        if !(next.is_uppercase() || next.is_numeric() || is_opener(next)) {
            continue;
        }
        if c == '.' {
            let w = word_before(line, pos);
            let lower = w.to_lowercase();
            if ABBREVIATIONS.contains(&lower.as_str()) {
                continue;
            }
            // Initials: "J. Smith", "U.S." mid-sentence is handled by the list above.
            if w.chars().count() == 1 && w.chars().all(char::is_uppercase) && initial_context(line, pos - w.len()) {
                continue;
            }
            if pos > 0 && bytes[pos - 1].is_ascii_digit() && next.is_numeric() {
                continue;
            }
        }
        push_trimmed(text, start + sent_start, start + after, out);
        sent_start = after;
    }
    push_trimmed(text, start + sent_start, end, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(t: &str) -> Vec<&str> {
        sentences(t).iter().map(|s| s.slice(t)).collect()
    }

    #[test]
    fn splits_on_stops_not_abbreviations() {
        assert_eq!(
            split("Mr. Smith met Dr. J. Doe in the U.S. capital. “It went well,” he said. Prices rose 3.5%.\nNext"),
            ["Mr. Smith met Dr. J. Doe in the U.S. capital.", "“It went well,” he said.", "Prices rose 3.5%.", "Next"]
        );
    }

    #[test]
    fn quote_closing_after_stop_stays_in_sentence() {
        assert_eq!(split("She said: \"We won.\" Then she left."), ["She said: \"We won.\"", "Then she left."]);
        assert_eq!(split("\"Why?\" he asked. Fine"), ["\"Why?\" he asked.", "Fine"]);
        assert!(sentences("").is_empty());
        assert!(sentences(" . ! \n\n ").len() <= 2);
    }
}
