//! Tokens and terms: word tokens, stopwords, light stemming, content terms shared by the stages.
//!
//! Small and stable on purpose: other stages (copies, clustering, comparison) build on these few
//! functions. Everything here is language-light: it lowercases, folds quote styles, drops a general list
//! of English function words and strips plural endings. No list here is specific to any article.

/// Lowercased word tokens of a text (alphanumeric runs, see [`synoptic_model::text::words`]).
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    synoptic_model::text::words(text).map(|w| w.to_lowercase())
}

/// General English function words and reporting verbs that say nothing about what an article is about.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "according",
    "across",
    "after",
    "again",
    "against",
    "ago",
    "all",
    "also",
    "although",
    "am",
    "among",
    "an",
    "and",
    "another",
    "any",
    "are",
    "around",
    "as",
    "at",
    "be",
    "became",
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
    "d",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "down",
    "dr",
    "during",
    "each",
    "either",
    "else",
    "even",
    "ever",
    "every",
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
    "however",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "last",
    "least",
    "less",
    "like",
    "ll",
    "m",
    "made",
    "make",
    "many",
    "may",
    "me",
    "meanwhile",
    "might",
    "more",
    "most",
    "mr",
    "mrs",
    "ms",
    "much",
    "must",
    "my",
    "myself",
    "near",
    "neither",
    "never",
    "new",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "often",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "others",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "per",
    "rather",
    "re",
    "really",
    "s",
    "said",
    "same",
    "say",
    "saying",
    "says",
    "see",
    "seen",
    "set",
    "several",
    "she",
    "should",
    "since",
    "so",
    "some",
    "still",
    "such",
    "t",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "through",
    "thus",
    "to",
    "told",
    "too",
    "toward",
    "towards",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "ve",
    "very",
    "via",
    "was",
    "we",
    "were",
    "what",
    "whatever",
    "when",
    "where",
    "whether",
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
    "yet",
    "you",
    "your",
    "yours",
];

/// Whether a lowercased word is a function word (see the list above). A set built once; words longer than
/// the longest on the list are turned away before hashing.
pub fn is_stopword(word: &str) -> bool {
    static SET: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::LazyLock::new(|| STOPWORDS.iter().copied().collect());
    word.len() <= 10 && SET.contains(word)
}

/// Light stemming: strip English plural endings so "visits" and "visit" meet. Never shortens a word below
/// three characters and leaves words ending in "ss", "us" and "is" alone.
pub fn stem(word: &str) -> String {
    let mut w = word.to_string();
    stem_in_place(&mut w);
    w
}

/// Content terms of a text, in order: lowercased, stopwords and one-letter words dropped, stemmed.
/// Numbers are kept (years, amounts) unless a single digit.
pub fn content_terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    scan(text, |t| {
        if is_content(t.lower) {
            let mut w = t.lower.to_string();
            stem_in_place(&mut w);
            out.push(w);
        }
    });
    out
}

/// Named-looking terms of a text: capitalised words that do not open a sentence, lowercased and stemmed
/// like [`content_terms`]. A fallback for "named things" when no entity annotations are available.
pub fn capitalized_terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    scan(text, |t| {
        if !t.sentence_start && t.original.chars().next().is_some_and(char::is_uppercase) && is_content(t.lower) {
            let mut w = t.lower.to_string();
            stem_in_place(&mut w);
            out.push(w);
        }
    });
    out
}

/// One word met by [`scan`].
#[derive(Debug, Clone, Copy)]
pub struct Token<'a> {
    /// The word as written.
    pub original: &'a str,
    /// Lowercased.
    pub lower: &'a str,
    /// Whether it opens a sentence (or a line, quotation, parenthesis).
    pub sentence_start: bool,
}

/// Visit every word of a text in order without allocating per word: the fast path under
/// [`content_terms`] and [`capitalized_terms`] for large streams.
pub fn scan(text: &str, mut f: impl FnMut(Token<'_>)) {
    let mut lower = String::new();
    let mut start: Option<usize> = None;
    let mut sentence_start = true;
    let mut emit = |from: usize, to: usize, sentence_start: &mut bool, lower: &mut String| {
        let original = &text[from..to];
        lower.clear();
        if original.is_ascii() {
            lower.push_str(original);
            lower.make_ascii_lowercase();
        } else {
            for c in original.chars() {
                lower.extend(c.to_lowercase());
            }
        }
        f(Token { original, lower, sentence_start: *sentence_start });
        *sentence_start = false;
    };
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() || c == '_' {
            if start.is_none() {
                start = Some(i);
            }
            continue;
        }
        if let Some(s) = start.take() {
            emit(s, i, &mut sentence_start, &mut lower);
        }
        if matches!(c, '.' | '!' | '?' | '\n' | ':' | '"' | '\u{201C}' | '(') {
            sentence_start = true;
        }
    }
    if let Some(s) = start {
        emit(s, text.len(), &mut sentence_start, &mut lower);
    }
}

/// Strip plural endings in place (see [`stem`]).
pub fn stem_in_place(word: &mut String) {
    let n = word.len();
    if n > 4 && word.ends_with("ies") {
        word.truncate(n - 3);
        word.push('y');
    } else if n > 4
        && (word.ends_with("sses") || word.ends_with("xes") || word.ends_with("ches") || word.ends_with("shes"))
    {
        word.truncate(n - 2);
    } else if n > 3 && word.ends_with('s') && !(word.ends_with("ss") || word.ends_with("us") || word.ends_with("is")) {
        word.truncate(n - 1);
    }
}

/// Whether a lowercased word is a content term (not a function word, longer than one character).
pub fn is_content(lower: &str) -> bool {
    lower.chars().nth(1).is_some() && !is_stopword(lower)
}

/// A hasher for keys that are already well-mixed 64-bit hashes (term hashes, slots): it passes them on.
#[derive(Debug, Clone, Copy, Default)]
pub struct PassHasher(u64);

impl std::hash::Hasher for PassHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix64(self.0 ^ u64::from(b));
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = mix64(self.0 ^ i);
    }
}

/// `HashMap` hasher state for [`PassHasher`].
pub type PassBuild = std::hash::BuildHasherDefault<PassHasher>;

/// A stable 64-bit hash of a term (FNV-1a with a final mix): the same term gives the same hash on every
/// machine and in every version, so hashes can live in snapshots.
pub fn term_hash(term: &str) -> u64 {
    hash_bytes(term.as_bytes(), 0)
}

/// A stable 64-bit hash of bytes with a seed (FNV-1a, then the SplitMix64 finaliser).
pub fn hash_bytes(bytes: &[u8], seed: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    mix64(h)
}

/// SplitMix64 finaliser: spreads the bits of a 64-bit value.
pub fn mix64(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_are_sorted_for_binary_search() {
        let mut sorted = STOPWORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, STOPWORDS);
        assert!(is_stopword("the"));
        assert!(!is_stopword("summit"));
        for w in STOPWORDS {
            assert!(is_stopword(w), "{w}");
            assert!(!is_stopword(&format!("{w}x")), "{w}x");
        }
        assert!(!is_stopword(""));
    }

    #[test]
    fn stems_plurals_only() {
        for (w, s) in [("visits", "visit"), ("countries", "country"), ("press", "press"), ("bus", "bus")] {
            assert_eq!(stem(w), s);
        }
        assert_eq!(stem("churches"), "church");
        assert_eq!(stem("its"), "its");
    }

    #[test]
    fn content_terms_drop_function_words() {
        assert_eq!(content_terms("The ministers' talks in Geneva, 2024."), ["minister", "talk", "geneva", "2024"]);
    }

    #[test]
    fn capitalized_terms_skip_sentence_starts() {
        assert_eq!(capitalized_terms("The council met in Geneva. Talks with Oslo ended"), ["geneva", "oslo"]);
    }

    #[test]
    fn hashes_are_stable() {
        assert_eq!(term_hash("geneva"), term_hash("geneva"));
        assert_ne!(term_hash("geneva"), term_hash("genevb"));
        assert_ne!(hash_bytes(b"x", 1), hash_bytes(b"x", 2));
    }
}
