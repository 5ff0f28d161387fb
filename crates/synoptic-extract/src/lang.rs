//! The language of a body of text as an ISO 639-1 code: detected (whatlang) when the detection is reliable,
//! else the language the source declared, else the detector's best guess.

/// ISO 639-1 code of `text`'s language; `declared` (e.g. `"en-US"`, `"pt_BR"`) is the fallback.
pub fn language(text: &str, declared: Option<&str>) -> Option<String> {
    let declared = declared.and_then(normalise_declared);
    // When the source declares a language, a short sample (~50 words) that reliably agrees with it settles
    // the question at a third of the cost; otherwise the full sample decides, as below.
    if let Some(d) = declared.as_deref() {
        let short = prefix_chars(text, 300);
        if short.len() < text.len()
            && let Some(info) = whatlang::detect(short)
            && info.is_reliable()
            && iso639_1(info.lang().code()) == Some(d)
        {
            return declared;
        }
    }
    // The detector looks at the first thousand characters (~170 words): plenty for a reliable trigram vote,
    // and detection time grows with the sample.
    let detected = whatlang::detect(prefix_chars(text, 1000));
    match detected {
        Some(info) if info.is_reliable() => iso639_1(info.lang().code()).map(str::to_string).or(declared),
        Some(info) => declared.or_else(|| iso639_1(info.lang().code()).map(str::to_string)),
        None => declared,
    }
}

/// The first `n` characters of `text` (all of it when shorter).
fn prefix_chars(text: &str, n: usize) -> &str {
    text.char_indices().nth(n).map_or(text, |(i, _)| &text[..i])
}

/// `"en-US"` -> `"en"`; `None` for what is not a two-letter primary tag (or three-letter with a known
/// two-letter form).
pub fn normalise_declared(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_', ' ', ',', ';']).next()?.to_ascii_lowercase();
    match primary.len() {
        2 if primary.chars().all(|c| c.is_ascii_lowercase()) => Some(primary),
        3 => iso639_1(&primary).map(str::to_string),
        _ => None,
    }
}

/// ISO 639-3 (as whatlang names languages) to ISO 639-1.
fn iso639_1(code: &str) -> Option<&'static str> {
    Some(match code {
        "afr" => "af",
        "aka" => "ak",
        "amh" => "am",
        "ara" => "ar",
        "aze" => "az",
        "bel" => "be",
        "ben" => "bn",
        "bul" => "bg",
        "cat" => "ca",
        "ces" => "cs",
        "cmn" | "zho" => "zh",
        "cym" => "cy",
        "dan" => "da",
        "deu" => "de",
        "ell" => "el",
        "eng" => "en",
        "epo" => "eo",
        "est" => "et",
        "fin" => "fi",
        "fra" => "fr",
        "guj" => "gu",
        "heb" => "he",
        "hin" => "hi",
        "hrv" => "hr",
        "hun" => "hu",
        "hye" => "hy",
        "ind" => "id",
        "ita" => "it",
        "jav" => "jv",
        "jpn" => "ja",
        "kan" => "kn",
        "kat" => "ka",
        "khm" => "km",
        "kor" => "ko",
        "lat" => "la",
        "lav" => "lv",
        "lit" => "lt",
        "mal" => "ml",
        "mar" => "mr",
        "mkd" => "mk",
        "mya" => "my",
        "nep" => "ne",
        "nld" => "nl",
        "nob" | "nor" => "nb",
        "ori" => "or",
        "pan" => "pa",
        "pes" | "fas" => "fa",
        "pol" => "pl",
        "por" => "pt",
        "ron" => "ro",
        "rus" => "ru",
        "sin" => "si",
        "slk" => "sk",
        "slv" => "sl",
        "sna" => "sn",
        "spa" => "es",
        "srp" => "sr",
        "swe" => "sv",
        "tam" => "ta",
        "tel" => "te",
        "tgl" => "tl",
        "tha" => "th",
        "tuk" => "tk",
        "tur" => "tr",
        "ukr" => "uk",
        "urd" => "ur",
        "uzb" => "uz",
        "vie" => "vi",
        "yid" => "yi",
        "zul" => "zu",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_and_falls_back() {
        let en = "The ministers met on Monday to discuss the budget and agreed to meet again next week in the capital.";
        let es = "Los ministros se reunieron el lunes para discutir el presupuesto y acordaron volver a reunirse la semana próxima.";
        assert_eq!(language(en, Some("fr")).as_deref(), Some("en"));
        assert_eq!(language(es, None).as_deref(), Some("es"));
        assert_eq!(language("", Some("en-GB")).as_deref(), Some("en"));
        assert_eq!(language("", Some("deu")).as_deref(), Some("de"));
        assert_eq!(language("", Some("x-klingon")), None);
        assert_eq!(language("", None), None);
    }
}
