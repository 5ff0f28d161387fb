//! Character references in feed and fragment text: numeric (`&#8217;`, `&#x2019;`) and the named ones news
//! markup actually uses. Unknown or broken references are left as written (as browsers do).

use std::borrow::Cow;

/// Decode character references in `s`. Never fails: what is not a known reference stays as it is.
pub fn decode(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        // A reference is at most 32 characters long and ends with ';'.
        let end = after.char_indices().take(33).find(|&(_, c)| c == ';' || c == '&' || c.is_whitespace());
        match end {
            Some((i, ';')) => match reference(&after[..i]) {
                Some(c) => {
                    out.push_str(c.as_ref());
                    rest = &after[i + 1..];
                }
                None => {
                    out.push('&');
                    rest = after;
                }
            },
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn reference(name: &str) -> Option<Cow<'static, str>> {
    if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        let c = match code {
            0 => '\u{FFFD}',
            // Windows-1252 code points written as numeric references (a common mistake in feeds).
            0x80..=0x9F => windows_1252_c1(code),
            _ => char::from_u32(code).unwrap_or('\u{FFFD}'),
        };
        return Some(Cow::Owned(c.to_string()));
    }
    let c = match name {
        "amp" | "AMP" => "&",
        "lt" | "LT" => "<",
        "gt" | "GT" => ">",
        "quot" | "QUOT" => "\"",
        "apos" => "'",
        "nbsp" => "\u{A0}",
        "ensp" | "emsp" | "thinsp" => " ",
        "shy" | "zwnj" | "zwj" | "lrm" | "rlm" => "",
        "mdash" => "\u{2014}",
        "ndash" => "\u{2013}",
        "minus" => "\u{2212}",
        "hellip" => "\u{2026}",
        "lsquo" => "\u{2018}",
        "rsquo" => "\u{2019}",
        "sbquo" => "\u{201A}",
        "ldquo" => "\u{201C}",
        "rdquo" => "\u{201D}",
        "bdquo" => "\u{201E}",
        "laquo" => "\u{AB}",
        "raquo" => "\u{BB}",
        "lsaquo" => "\u{2039}",
        "rsaquo" => "\u{203A}",
        "bull" => "\u{2022}",
        "middot" => "\u{B7}",
        "copy" => "\u{A9}",
        "reg" => "\u{AE}",
        "trade" => "\u{2122}",
        "deg" => "\u{B0}",
        "euro" => "\u{20AC}",
        "pound" => "\u{A3}",
        "yen" => "\u{A5}",
        "cent" => "\u{A2}",
        "sect" => "\u{A7}",
        "para" => "\u{B6}",
        "times" => "\u{D7}",
        "divide" => "\u{F7}",
        "frac12" => "\u{BD}",
        "frac14" => "\u{BC}",
        "frac34" => "\u{BE}",
        "iexcl" => "\u{A1}",
        "iquest" => "\u{BF}",
        "prime" => "\u{2032}",
        "Prime" => "\u{2033}",
        "dagger" => "\u{2020}",
        _ => return latin_letter(name).map(|c| Cow::Owned(c.to_string())),
    };
    Some(Cow::Borrowed(c))
}

/// Accented Latin letters: `&eacute;`, `&Uuml;`, `&ccedil;`, `&szlig;`, ...
fn latin_letter(name: &str) -> Option<char> {
    if name == "szlig" {
        return Some('ß');
    }
    let mut chars = name.chars();
    let base = chars.next()?;
    let accent: String = chars.collect();
    let table: &[(char, &str, char)] = &[
        ('a', "acute", 'á'),
        ('a', "grave", 'à'),
        ('a', "circ", 'â'),
        ('a', "uml", 'ä'),
        ('a', "tilde", 'ã'),
        ('a', "ring", 'å'),
        ('e', "acute", 'é'),
        ('e', "grave", 'è'),
        ('e', "circ", 'ê'),
        ('e', "uml", 'ë'),
        ('i', "acute", 'í'),
        ('i', "grave", 'ì'),
        ('i', "circ", 'î'),
        ('i', "uml", 'ï'),
        ('o', "acute", 'ó'),
        ('o', "grave", 'ò'),
        ('o', "circ", 'ô'),
        ('o', "uml", 'ö'),
        ('o', "tilde", 'õ'),
        ('o', "slash", 'ø'),
        ('u', "acute", 'ú'),
        ('u', "grave", 'ù'),
        ('u', "circ", 'û'),
        ('u', "uml", 'ü'),
        ('y', "acute", 'ý'),
        ('y', "uml", 'ÿ'),
        ('n', "tilde", 'ñ'),
        ('c', "cedil", 'ç'),
    ];
    let lower = base.to_ascii_lowercase();
    let found = table.iter().find(|(b, a, _)| *b == lower && *a == accent)?.2;
    if base.is_ascii_uppercase() { found.to_uppercase().next() } else { Some(found) }
}

fn windows_1252_c1(code: u32) -> char {
    let byte = [code as u8];
    let (s, _, _) = encoding_rs::WINDOWS_1252.decode(&byte);
    s.chars().next().unwrap_or('\u{FFFD}')
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn references() {
        for (input, want) in [
            ("a &amp; b", "a & b"),
            ("&#8217;s &#x2019;s &#146;s", "\u{2019}s \u{2019}s \u{2019}s"),
            ("caf&eacute; &Uuml;ber", "café Über"),
            ("&nbsp;&mdash;", "\u{A0}\u{2014}"),
            ("AT&T and R&D;", "AT&T and R&D;"),
            ("&#0; &#xFFFFFFFF; &", "\u{FFFD} \u{FFFD} &"),
            ("&&amp;", "&&"),
        ] {
            assert_eq!(decode(input), want, "{input}");
        }
    }
}
