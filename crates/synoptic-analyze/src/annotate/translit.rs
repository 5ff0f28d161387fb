//! Transliteration skeletons of names: one key for the spellings a name takes when it is transliterated
//! from another alphabet in different ways (H or G, Kh or H, -ov or -off, -ts, -tz or -c, -iy, -yi or -y,
//! -ei or -ey, x or ks).
//!
//! A skeleton is a matching key, never shown. Two names with one skeleton are *candidates* for one entity:
//! the caller decides with the rest of the name and the context (alignment joins people only when their
//! full names agree, see `crate::align`). The rules are general rewrites of letters; no name is listed.

/// The skeleton of one folded name word (see `gazetteer::fold`: lowercase, no diacritics). Words that are
/// not purely ASCII letters, and words shorter than four letters, are returned unchanged: too little is
/// left to tell a transliteration from another name.
///
/// In order: word endings are unified (`-off`/`-eff` → `-ov`/`-ev`; `-tz`, `-ts` and a `-c` after a vowel
/// → `-ts`; `-ei`/`-ey` → `-ey`; `-iy`, `-yi`, `-ii`, `-ij`, `-yy` → `-y`), then letters inside the word
/// (`kh` → `h`, `g` → `h`, `x` → `ks`, `tz` → `ts`), then doubled letters are made single.
pub fn word_skeleton(word: &str) -> String {
    if word.len() < 4 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_string();
    }
    let mut w = word.to_string();
    let ends = |w: &str, e: &str| w.len() > e.len() + 1 && w.ends_with(e);
    if ends(&w, "off") || ends(&w, "eff") {
        w.truncate(w.len() - 1);
        w.pop();
        w.push('v');
    } else if ends(&w, "tz") {
        w.truncate(w.len() - 1);
        w.push('s');
    } else if w.ends_with('c') && w[..w.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u', 'y']) {
        w.pop();
        w.push_str("ts");
    } else if ends(&w, "ei") {
        w.pop();
        w.push('y');
    } else if ["iy", "yi", "ii", "ij", "yy"].iter().any(|e| ends(&w, e)) {
        w.truncate(w.len() - 2);
        w.push('y');
    }
    let mut out = String::with_capacity(w.len() + 2);
    let b = w.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        match (c, next) {
            (b'k', Some(b'h')) => {
                out.push('h');
                i += 2;
                continue;
            }
            (b't', Some(b'z')) => {
                out.push_str("ts");
                i += 2;
                continue;
            }
            (b'g', _) => out.push('h'),
            (b'x', _) => out.push_str("ks"),
            _ => out.push(char::from(c)),
        }
        i += 1;
    }
    let mut single = String::with_capacity(out.len());
    for c in out.chars() {
        if !single.ends_with(c) {
            single.push(c);
        }
    }
    single
}

/// The skeleton of a folded name: [`word_skeleton`] of each word, one space between words.
pub fn name_skeleton(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len() + 4);
    for w in folded.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word_skeleton(w));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) -> bool {
        word_skeleton(a) == word_skeleton(b)
    }

    #[test]
    fn families_meet() {
        for (a, b) in [
            ("hrelko", "grelko"),
            ("khanevych", "hanevych"),
            ("petrakov", "petrakoff"),
            ("zubarev", "zubareff"),
            ("lobrets", "lobretz"),
            ("lobrets", "lobrec"),
            ("tarnavskiy", "tarnavsky"),
            ("tarnavskyi", "tarnavsky"),
            ("vorontei", "vorontey"),
            ("aleksin", "alexin"),
        ] {
            assert!(same(a, b), "{a} / {b}: {} / {}", word_skeleton(a), word_skeleton(b));
        }
    }

    #[test]
    fn other_names_stay_apart() {
        for (a, b) in [("petrakov", "petrakova"), ("lobrets", "lobrek"), ("tarna", "tarno"), ("mirel", "mirek")] {
            assert!(!same(a, b), "{a} / {b}");
        }
        // Too short, or not plain letters: unchanged.
        assert_eq!(word_skeleton("ogg"), "ogg");
        assert_eq!(word_skeleton("k2x9"), "k2x9");
        assert_eq!(name_skeleton("ivan  hrelko"), "ivan hrelko");
    }
}
