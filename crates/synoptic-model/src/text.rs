//! Text helpers every stage shares: the matching form of a string, word iteration, and the English names of
//! months and weekdays.

/// The form of a text used for matching and ids: curly quotes and apostrophes made straight, dashes made
/// `-`, runs of whitespace made one space, trimmed. Case is kept (callers lowercase when they need to).
pub fn matching_form(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            // ASCII (most text): whitespace is U+0009..U+000D and the space; every other byte of a run is
            // copied as one slice.
            if matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') {
                space = true;
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i] < 0x80 && !matches!(bytes[i], b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
            {
                i += 1;
            }
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push_str(&s[start..i]);
            continue;
        }
        let Some(c) = s[i..].chars().next() else { break };
        i += c.len_utf8();
        let c = fold(c);
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

/// Typographic variants folded to their plain form: curly quotes and primes to `'` and `"`, dashes and minus
/// to `-`, no-break spaces to a space.
#[inline]
fn fold(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => '-',
        '\u{00A0}' | '\u{2007}' | '\u{202F}' => ' ',
        c => c,
    }
}

/// Words of a text: maximal runs of alphanumeric characters (Unicode), as the `\w+` of the metrics.
pub fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty())
}

/// English month names, lowercase, January first.
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// English weekday names, lowercase, Monday first.
pub const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// The month (1 to 12) a full English month name names, in any case.
pub fn month_number(name: &str) -> Option<u32> {
    MONTHS.iter().position(|n| n.eq_ignore_ascii_case(name)).map(|i| i as u32 + 1)
}

/// Whether a word is a full English month or weekday name, in any case.
pub fn is_month_or_weekday(word: &str) -> bool {
    MONTHS.iter().chain(WEEKDAYS.iter()).any(|n| n.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_weekdays() {
        assert_eq!(month_number("MARCH"), Some(3));
        assert_eq!(month_number("December"), Some(12));
        assert_eq!(month_number("Mar"), None);
        assert!(is_month_or_weekday("Sunday") && is_month_or_weekday("may"));
        assert!(!is_month_or_weekday("mayday"));
    }

    #[test]
    fn matching_form_folds_quotes_dashes_space() {
        assert_eq!(matching_form("  “Kyiv’s”\u{a0}— day \n\n two "), "\"Kyiv's\" - day two");
    }

    /// The char-by-char definition `matching_form` must stay byte-identical to.
    fn matching_form_reference(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut space = false;
        for c in s.chars() {
            let c = fold(c);
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

    proptest::proptest! {
        #[test]
        fn matching_form_same_as_reference(s in "\\PC*") {
            proptest::prop_assert_eq!(matching_form(&s), matching_form_reference(&s));
        }

        #[test]
        fn matching_form_same_as_reference_on_spaces_and_quotes(
            s in "[ a-zA-Z\t\n\r\u{0B}\u{0C}\u{85}\u{A0}\u{2007}\u{2019}\u{201C}\u{2014}\u{3000}\u{2028}\u{1680}]*"
        ) {
            proptest::prop_assert_eq!(matching_form(&s), matching_form_reference(&s));
        }
    }

    #[test]
    fn words_split_on_non_word() {
        assert_eq!(
            words("It's $150-billion, Zelenskyy!").collect::<Vec<_>>(),
            ["It", "s", "150", "billion", "Zelenskyy"]
        );
    }
}
