//! Stable identifiers: the same content always gets the same id.

/// Content id of an article: 16 hex digits of BLAKE3 over the matching form of its title and body.
///
/// Whitespace, quote style and dash style do not change the id (see [`crate::text::matching_form`]), so
/// re-ingesting the same article from another file, or with curly instead of straight quotes, adds nothing.
pub fn article_id(title: Option<&str>, text: &str) -> String {
    let mut h = blake3::Hasher::new();
    h.update(crate::text::matching_form(title.unwrap_or("")).as_bytes());
    h.update(b"\x00");
    h.update(crate::text::matching_form(text).as_bytes());
    hex16(h.finalize().as_bytes())
}

/// A short id with a one-letter prefix, from any key: `prefixed_id('e', "…")` → `e3f2a…`.
pub fn prefixed_id(prefix: char, key: &str) -> String {
    let h = blake3::hash(key.as_bytes());
    format!("{prefix}{}", &hex16(h.as_bytes())[..12])
}

fn hex16(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_content_same_id() {
        assert_eq!(article_id(Some("T"), "a “b” – c"), article_id(Some("T"), "a \"b\" - c"));
        assert_eq!(article_id(Some("T"), "a  b\n\nc"), article_id(Some("T"), "a b c"));
        assert_ne!(article_id(Some("T"), "a b"), article_id(Some("U"), "a b"));
        assert_eq!(article_id(None, "x").len(), 16);
        assert!(prefixed_id('e', "k").starts_with('e'));
    }
}
