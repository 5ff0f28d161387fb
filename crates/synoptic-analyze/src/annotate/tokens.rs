//! Word tokens with byte offsets, sentence and paragraph numbers: the layer entities, quotes and figures
//! walk over. One pass over the text, no allocation per token.

use synoptic_model::Span;

/// One word of the text.
#[derive(Debug, Clone, Copy)]
pub struct Tok {
    /// Byte range of the word, without a possessive `'s` / `'`.
    pub start: usize,
    pub end: usize,
    /// End including the possessive, when there is one.
    pub full_end: usize,
    pub possessive: bool,
    /// First character is uppercase.
    pub cap: bool,
    /// Index of the sentence it sits in.
    pub sent: usize,
    /// First word of its sentence (after any opening quote or bracket).
    pub sent_start: bool,
}

impl Tok {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Tokens of `text`, each tagged with the index of its sentence in `sents`.
pub fn tokenize(text: &str, sents: &[Span]) -> Vec<Tok> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut chars = text.char_indices().peekable();
    let mut sent = 0usize;
    let mut last_sent = usize::MAX;
    while let Some((start, c)) = chars.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let mut end = start + c.len_utf8();
        // Extend over letters, digits and inner joiners followed by a letter or digit.
        loop {
            match chars.peek() {
                Some(&(p, n)) if n.is_alphanumeric() => {
                    end = p + n.len_utf8();
                    chars.next();
                }
                Some(&(p, n)) if n == '-' || n == '.' || is_apostrophe(n) || n == '&' => {
                    let after = text[p + n.len_utf8()..].chars().next();
                    match after {
                        Some(a) if a.is_alphanumeric() => {
                            // "U.S" keeps its dots; "end.Next" (no space) too: rare and harmless.
                            end = p + n.len_utf8();
                            chars.next();
                        }
                        _ => {
                            // Initialisms keep their final dot: "U.S."
                            if n == '.' && is_initialism(&text[start..end]) {
                                end = p + 1;
                                chars.next();
                            }
                            break;
                        }
                    }
                }
                _ => break,
            }
        }
        let word = &text[start..end];
        let (name_end, possessive) = strip_possessive(word);
        let name_end = start + name_end;
        // Trailing plural possessive "allies’" → drop the mark.
        let mut full_end = end;
        if let Some(&(p, n)) = chars.peek()
            && is_apostrophe(n)
            && word.ends_with('s')
            && !text[p + n.len_utf8()..].starts_with(|a: char| a.is_alphanumeric())
        {
            full_end = p + n.len_utf8();
        }
        while sent < sents.len() && sents[sent].end <= start {
            sent += 1;
        }
        let sent_start = sent != last_sent;
        last_sent = sent;
        out.push(Tok {
            start,
            end: name_end,
            full_end,
            possessive,
            cap: c.is_uppercase() || (c.is_lowercase() && word.contains('-') && particle_name(word)),
            sent: sent.min(sents.len().saturating_sub(1)),
            sent_start,
        });
    }
    out
}

fn is_initialism(w: &str) -> bool {
    w.contains('.') && w.split('.').all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic))
}

/// Length of the word without a final `'s` / `’s`, and whether it had one.
fn strip_possessive(word: &str) -> (usize, bool) {
    if !word.ends_with(['s', 'S']) {
        return (word.len(), false);
    }
    for suffix in ["'s", "\u{2019}s", "'S", "\u{2019}S"] {
        if let Some(stem) = word.strip_suffix(suffix)
            && !stem.is_empty()
        {
            return (stem.len(), true);
        }
    }
    (word.len(), false)
}

/// "al-Jaber", "el-Sisi", "bin-Salman": a lowercase particle joined to a capitalised name.
fn particle_name(word: &str) -> bool {
    ["al-", "el-", "ad-", "as-", "bin-", "ibn-"]
        .iter()
        .any(|p| word.strip_prefix(p).is_some_and(|rest| rest.starts_with(|c: char| c.is_uppercase())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotate::sentences::sentences;

    #[test]
    fn tokens_keep_initialisms_and_strip_possessives() {
        let t = "The U.S. and Lindqvist’s team met NATO-Ukraine leaders. Allies’ aid rose 3.5%.";
        let s = sentences(t);
        let toks = tokenize(t, &s);
        let words: Vec<&str> = toks.iter().map(|k| k.text(t)).collect();
        assert_eq!(
            words,
            [
                "The",
                "U.S.",
                "and",
                "Lindqvist",
                "team",
                "met",
                "NATO-Ukraine",
                "leaders",
                "Allies",
                "aid",
                "rose",
                "3.5"
            ]
        );
        assert!(toks[3].possessive);
        assert!(toks[8].sent_start && toks[8].sent == 1);
    }
}
