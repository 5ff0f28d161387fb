//! Bytes to text: gzip (with the decompressed size capped), binary detection, and the character encoding
//! taken from the byte-order mark, the HTTP `Content-Type`, `<meta charset>` / `http-equiv`, the XML
//! declaration, or else detected (chardetng), in that order.

use std::io::Read;

use encoding_rs::Encoding;

/// Why bytes could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("empty")]
    Empty,
    #[error("binary file")]
    Binary,
    #[error("too large: {size} bytes (limit {limit})")]
    TooLarge { size: usize, limit: usize },
    #[error("gzip output exceeds {limit} bytes")]
    GzipTooLarge { limit: usize },
    #[error("truncated or corrupt gzip: {0}")]
    Gzip(String),
}

/// True when `bytes` start with the gzip magic number.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Decompress gzip (all members), refusing to produce more than `limit` bytes.
pub fn gunzip(bytes: &[u8], limit: usize) -> Result<Vec<u8>, DecodeError> {
    let decoder = flate2::read::MultiGzDecoder::new(bytes);
    // The gzip trailer's ISIZE (size mod 2^32 of the last member) sizes the buffer in one allocation; a
    // wrong or lying value only costs a reallocation.
    let isize_hint = match bytes.len().checked_sub(4).and_then(|i| bytes.get(i..)) {
        Some(&[a, b, c, d]) if bytes.len() >= 18 => u32::from_le_bytes([a, b, c, d]) as usize,
        _ => 0,
    };
    let guess = if isize_hint >= bytes.len() { isize_hint.saturating_add(64) } else { bytes.len().saturating_mul(4) };
    let mut out = Vec::with_capacity(guess.min(limit.saturating_add(64)));
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    match decoder.take(cap).read_to_end(&mut out) {
        Ok(_) if out.len() > limit => Err(DecodeError::GzipTooLarge { limit }),
        Ok(_) => Ok(out),
        Err(e) => Err(DecodeError::Gzip(e.to_string())),
    }
}

/// True when the bytes look like a binary file rather than text in some encoding: NUL bytes (outside
/// UTF-16 with a byte-order mark), or the magic number of a common binary format.
pub fn looks_binary(bytes: &[u8]) -> bool {
    const MAGIC: &[&[u8]] = &[
        b"%PDF-",
        b"\x89PNG",
        b"\xFF\xD8\xFF",
        b"GIF8",
        b"PK\x03\x04",
        b"\x7FELF",
        b"\x28\xB5\x2F\xFD",
        b"BZh",
        b"\xFD7zXZ",
        b"SQLite format 3",
    ];
    if Encoding::for_bom(bytes).is_some_and(|(e, _)| e != encoding_rs::UTF_8) {
        return false;
    }
    if MAGIC.iter().any(|m| bytes.starts_with(m)) {
        return true;
    }
    let head = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, head).is_some() {
        return true;
    }
    // Many C0 control characters (other than tab, newline, carriage return, form feed, escape) mean binary.
    let controls = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B)).count();
    controls * 20 > head.len().max(1)
}

/// The encoding named by a `Content-Type` value's `charset` parameter.
pub fn charset_from_content_type(content_type: &str) -> Option<&'static Encoding> {
    let lower = content_type.to_ascii_lowercase();
    let pos = lower.find("charset=")?;
    let value = lower[pos + 8..].trim_start_matches(['"', '\'', ' ']);
    let end = value.find(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace()).unwrap_or(value.len());
    Encoding::for_label(&value.as_bytes()[..end])
}

/// The encoding declared inside the document: `<meta charset>`, `<meta http-equiv=content-type>` or the XML
/// declaration, looked for in the first 4 KiB as browsers do.
pub fn declared_in_document(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    if lower.starts_with(b"<?xml") {
        let end = memchr::memchr(b'>', &lower).unwrap_or(lower.len());
        if let Some(enc) = attribute_after(&lower[..end], b"encoding") {
            return Encoding::for_label(enc);
        }
    }
    let mut from = 0;
    while let Some(rel) = memchr::memmem::find(&lower[from..], b"<meta") {
        let start = from + rel;
        let end = memchr::memchr(b'>', &lower[start..]).map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(enc) = attribute_after(tag, b"charset")
            && let Some(e) = Encoding::for_label(enc)
        {
            // A page cannot really declare UTF-16 in an ASCII-compatible prescan (HTML rule).
            return Some(if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE { encoding_rs::UTF_8 } else { e });
        }
        from = end.max(start + 5);
        if from >= lower.len() {
            break;
        }
    }
    None
}

/// The value after `name` and `=` (quoted or not) inside a tag's bytes.
fn attribute_after<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let pos = memchr::memmem::find(tag, name)?;
    let mut rest = &tag[pos + name.len()..];
    while let Some((&b, r)) = rest.split_first() {
        if b == b' ' || b == b'=' || b == b'"' || b == b'\'' {
            rest = r;
        } else {
            break;
        }
    }
    let end =
        rest.iter().position(|&b| matches!(b, b'"' | b'\'' | b' ' | b';' | b'/' | b'>' | b'?')).unwrap_or(rest.len());
    (end > 0).then_some(&rest[..end])
}

/// Decode `bytes` to text: BOM, then `content_type`'s charset, then the in-document declaration, then
/// UTF-8 when valid, else the encoding chardetng guesses.
pub fn to_text(bytes: &[u8], content_type: Option<&str>) -> String {
    let encoding = pick_encoding(bytes, content_type);
    let (text, _, _) = encoding.decode(bytes);
    text.into_owned()
}

/// [`to_text`] for bytes the caller owns: valid UTF-8 without a byte-order mark becomes the text without a
/// copy.
pub fn into_text(bytes: Vec<u8>, content_type: Option<&str>) -> String {
    if Encoding::for_bom(&bytes).is_none() && pick_encoding(&bytes, content_type) == encoding_rs::UTF_8 {
        return String::from_utf8(bytes).unwrap_or_else(|e| to_text(e.as_bytes(), content_type));
    }
    to_text(&bytes, content_type)
}

/// The encoding [`to_text`] uses for `bytes`.
pub fn pick_encoding(bytes: &[u8], content_type: Option<&str>) -> &'static Encoding {
    if let Some((e, _)) = Encoding::for_bom(bytes) {
        return e;
    }
    if let Some(e) = content_type.and_then(charset_from_content_type) {
        return e;
    }
    let body = skip_leading_space(bytes);
    if let Some(e) = declared_in_document(body) {
        return e;
    }
    if std::str::from_utf8(bytes).is_ok() {
        return encoding_rs::UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Allow)
}

fn skip_leading_space(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    &bytes[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(
            to_text(b"caf\xe9 na\xefve, \x93quoted\x94 text here", None),
            "café naïve, \u{201C}quoted\u{201D} text here"
        );
        assert_eq!(to_text("caf\u{e9}".as_bytes(), None), "café");
        assert_eq!(to_text(b"\xEF\xBB\xBFhi", None), "hi");
        assert_eq!(to_text(b"\xFF\xFEh\0i\0", None), "hi");
        assert_eq!(to_text(b"\xe9", Some("text/html; charset=ISO-8859-2")), "é");
        assert_eq!(to_text(b"\xb1", Some("text/html; charset=\"iso-8859-2\"")), "ą");
        assert_eq!(to_text(b"<meta charset=\"iso-8859-2\"><p>\xb1", None), "<meta charset=\"iso-8859-2\"><p>ą");
        let meta = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1250\"><p>\x9a";
        assert!(to_text(meta, None).ends_with('š'));
        assert_eq!(
            to_text(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe9</a>", None),
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>é</a>"
        );
    }

    #[test]
    fn binary_and_gzip() {
        assert!(looks_binary(b"\x89PNG\r\n\x1a\n\0\0"));
        assert!(looks_binary(b"abc\0def"));
        assert!(!looks_binary(b"plain text\nwith lines\t and tabs"));
        assert!(!looks_binary(b"\xFF\xFEh\0i\0"));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &[b'a'; 1000]).unwrap();
        let gz = gz.finish().unwrap();
        assert!(is_gzip(&gz));
        assert_eq!(gunzip(&gz, 1000).unwrap().len(), 1000);
        assert_eq!(gunzip(&gz, 999), Err(DecodeError::GzipTooLarge { limit: 999 }));
        assert!(matches!(gunzip(&gz[..gz.len() - 6], 5000), Err(DecodeError::Gzip(_))));
    }
}
