//! User search queries, parsed once for every backend: words (all must match), `"phrases"` and `prefix*`;
//! any other syntax is taken as text.

/// One term of a query: a word or a phrase (as the user wrote it), matched as a prefix when `prefix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Term {
    pub text: String,
    pub prefix: bool,
}

/// The terms of a user's query; empty when nothing in it can match (no letter or digit).
pub(crate) fn terms(user: &str) -> Vec<Term> {
    let mut parts: Vec<Term> = Vec::new();
    let mut push = |text: &str, prefix: bool| {
        if text.chars().any(char::is_alphanumeric) {
            parts.push(Term { text: text.to_string(), prefix });
        }
    };
    // Control characters (NUL ends an SQL string early) separate words like spaces do.
    let cleaned: String = user.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let mut rest = cleaned.as_str();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        if let Some(after) = rest.strip_prefix('"') {
            let (phrase, tail) = match after.find('"') {
                Some(i) => (&after[..i], &after[i + 1..]),
                None => (after, ""),
            };
            let prefix = tail.starts_with('*');
            push(phrase, prefix);
            rest = tail.trim_start_matches('*');
        } else {
            let end = rest.find(|c: char| c.is_whitespace() || c == '"').unwrap_or(rest.len());
            let word = &rest[..end];
            push(word.trim_end_matches('*'), word.ends_with('*'));
            rest = &rest[end..];
        }
    }
    parts
}
