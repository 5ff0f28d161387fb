//! Text helpers every stage shares: the matching form of a string and word iteration.

/// The form of a text used for matching and ids: curly quotes and apostrophes made straight, dashes made
/// `-`, runs of whitespace made one space, trimmed. Case is kept (callers lowercase when they need to).
pub fn matching_form(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => '"',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => '-',
            '\u{00A0}' | '\u{2007}' | '\u{202F}' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// Words of a text: maximal runs of alphanumeric characters (Unicode), as the `\w+` of the metrics.
pub fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_form_folds_quotes_dashes_space() {
        assert_eq!(matching_form("  “Kyiv’s”\u{a0}— day \n\n two "), "\"Kyiv's\" - day two");
    }

    #[test]
    fn words_split_on_non_word() {
        assert_eq!(
            words("It's $150-billion, Zelenskyy!").collect::<Vec<_>>(),
            ["It", "s", "150", "billion", "Zelenskyy"]
        );
    }
}
