//! Compact stored forms: annotations in a small binary encoding, computed JSON bodies deflated.
//!
//! Annotations are a fifth of a stored article in JSON and are re-read for every event rebuild, so schema v3
//! keeps them as a binary record (format byte [`ANN_FORMAT`]): one table of the article's distinct strings,
//! spans as deltas, and any string that equals the text its span covers stored as a one-byte reference
//! to that text (most entity surfaces, quote texts and figure texts). Decoding needs the article's text,
//! which is always read with them. Older rows (JSON text) are still read.
//!
//! Event and story bodies (JSON, large and highly repetitive) are stored deflated as BLOBs; a TEXT body is
//! plain JSON from an older version.

use std::collections::HashMap;
use std::io::{Read, Write};

use synoptic_model::{Annotations, EntityKind, EntityMention, FigureMention, QuoteMention, Span};

/// First byte of a binary annotations record (a JSON record starts with `{`).
pub(crate) const ANN_FORMAT: u8 = 1;

/// How deep `alternate` figures may nest in a record (real ones nest once).
const MAX_DEPTH: usize = 16;

/// String reference: absent (`None`).
const REF_NONE: u64 = 0;
/// String reference: the text its span covers.
const REF_SPAN: u64 = 1;
/// String references from here on index the string table.
const REF_TABLE: u64 = 2;

/// Why a stored record could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DecodeError(pub(crate) String);

fn bad(reason: impl Into<String>) -> DecodeError {
    DecodeError(reason.into())
}

// ---- writing ----

struct Writer<'t> {
    out: Vec<u8>,
    table: Vec<&'t str>,
    index: HashMap<&'t str, u64>,
    text: Option<&'t str>,
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

impl<'t> Writer<'t> {
    /// Collect the strings of `ann` (except those that repeat their span's text) into the table.
    fn intern(&mut self, s: &'t str, span: Option<Span>) {
        if self.same_as_span(s, span) || self.index.contains_key(s) {
            return;
        }
        self.index.insert(s, self.table.len() as u64);
        self.table.push(s);
    }

    fn same_as_span(&self, s: &str, span: Option<Span>) -> bool {
        match (self.text, span) {
            (Some(text), Some(span)) => !s.is_empty() && span.slice(text) == s,
            _ => false,
        }
    }

    fn str_ref(&mut self, s: &str, span: Option<Span>) {
        let r = if self.same_as_span(s, span) {
            REF_SPAN
        } else {
            // Every string was interned before writing.
            self.index.get(s).map_or(REF_NONE, |i| i + REF_TABLE)
        };
        put_varint(&mut self.out, r);
    }

    fn opt_ref(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str_ref(s, None),
            None => put_varint(&mut self.out, REF_NONE),
        }
    }

    fn span(&mut self, span: Span, prev: &mut usize) {
        put_varint(&mut self.out, zigzag(span.start.wrapping_sub(*prev) as i64));
        put_varint(&mut self.out, span.end.wrapping_sub(span.start) as u64);
        *prev = span.start;
    }

    fn value(&mut self, v: f64) {
        let i = v as i64;
        if v.fract() == 0.0 && v.abs() < 9.0e15 && (i as f64).to_bits() == v.to_bits() {
            self.out.push(0);
            put_varint(&mut self.out, zigzag(i));
        } else {
            self.out.push(1);
            self.out.extend_from_slice(&v.to_bits().to_le_bytes());
        }
    }

    fn intern_figure(&mut self, f: &'t FigureMention) {
        self.intern(&f.text, Some(f.span));
        self.intern(&f.unit, None);
        self.intern(&f.about, None);
        if let Some(q) = &f.qualifier {
            self.intern(q, None);
        }
        if let Some(alt) = &f.alternate {
            self.intern_figure(alt);
        }
    }

    fn figure(&mut self, f: &FigureMention, prev: &mut usize) {
        self.span(f.span, prev);
        self.str_ref(&f.text, Some(f.span));
        self.value(f.value);
        self.str_ref(&f.unit, None);
        self.str_ref(&f.about, None);
        self.opt_ref(f.qualifier.as_deref());
        put_varint(&mut self.out, zigzag(f.sentence.start.wrapping_sub(f.span.start) as i64));
        put_varint(&mut self.out, f.sentence.end.wrapping_sub(f.sentence.start) as u64);
        match &f.alternate {
            Some(alt) => {
                self.out.push(1);
                let mut p = f.span.start;
                self.figure(alt, &mut p);
            }
            None => self.out.push(0),
        }
    }
}

fn kind_byte(k: EntityKind) -> u8 {
    match k {
        EntityKind::Person => 0,
        EntityKind::Organization => 1,
        EntityKind::Place => 2,
        EntityKind::Other => 3,
    }
}

/// The binary record of `ann`. With the article's `text`, strings equal to their span's text are stored as
/// references to it; without it (re-annotating an article by id) they are stored whole. Both decode alike.
pub(crate) fn encode_annotations(ann: &Annotations, text: Option<&str>) -> Vec<u8> {
    let mut w = Writer { out: Vec::with_capacity(256), table: Vec::new(), index: HashMap::new(), text };
    for e in &ann.entities {
        w.intern(&e.surface, Some(e.span));
        w.intern(&e.canonical, None);
    }
    for q in &ann.quotes {
        w.intern(&q.text, Some(q.span));
        for s in [&q.speaker, &q.attribution].into_iter().flatten() {
            w.intern(s, None);
        }
    }
    for f in &ann.figures {
        w.intern_figure(f);
    }
    w.out.push(ANN_FORMAT);
    put_varint(&mut w.out, w.table.len() as u64);
    for i in 0..w.table.len() {
        let s = w.table[i];
        put_varint(&mut w.out, s.len() as u64);
        w.out.extend_from_slice(s.as_bytes());
    }
    put_varint(&mut w.out, ann.entities.len() as u64);
    let mut prev = 0;
    for e in &ann.entities {
        w.span(e.span, &mut prev);
        w.str_ref(&e.surface, Some(e.span));
        w.str_ref(&e.canonical, None);
        w.out.push(kind_byte(e.kind));
    }
    put_varint(&mut w.out, ann.quotes.len() as u64);
    let mut prev = 0;
    for q in &ann.quotes {
        w.span(q.span, &mut prev);
        w.str_ref(&q.text, Some(q.span));
        w.opt_ref(q.speaker.as_deref());
        w.opt_ref(q.attribution.as_deref());
    }
    put_varint(&mut w.out, ann.figures.len() as u64);
    let mut prev = 0;
    for f in &ann.figures {
        w.figure(f, &mut prev);
    }
    w.out
}

// ---- reading ----

struct Reader<'b> {
    bytes: &'b [u8],
    pos: usize,
    table: Vec<&'b str>,
    text: &'b str,
}

impl<'b> Reader<'b> {
    fn byte(&mut self) -> Result<u8, DecodeError> {
        let b = *self.bytes.get(self.pos).ok_or_else(|| bad("record ends early"))?;
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(bad("number too long"))
    }

    fn usize(&mut self) -> Result<usize, DecodeError> {
        usize::try_from(self.varint()?).map_err(|_| bad("number out of range"))
    }

    /// A count of items, each at least one byte long, so a damaged count cannot ask for a huge allocation.
    fn count(&mut self) -> Result<usize, DecodeError> {
        let n = self.usize()?;
        if n > self.bytes.len().saturating_sub(self.pos) {
            return Err(bad(format!("count {n} exceeds the record")));
        }
        Ok(n)
    }

    fn span(&mut self, prev: &mut usize) -> Result<Span, DecodeError> {
        let start = prev.wrapping_add(unzigzag(self.varint()?) as usize);
        let end = start.wrapping_add(self.usize()?);
        *prev = start;
        Ok(Span { start, end })
    }

    fn opt_str(&mut self, span: Option<Span>) -> Result<Option<String>, DecodeError> {
        match self.varint()? {
            REF_NONE => Ok(None),
            REF_SPAN => {
                let span = span.ok_or_else(|| bad("span reference without a span"))?;
                let s = self.text.get(span.start..span.end).ok_or_else(|| bad("span outside the text"))?;
                Ok(Some(s.to_owned()))
            }
            r => {
                let i = usize::try_from(r - REF_TABLE).map_err(|_| bad("string index out of range"))?;
                let s = self.table.get(i).ok_or_else(|| bad(format!("string {i} not in the table")))?;
                Ok(Some((*s).to_owned()))
            }
        }
    }

    fn str(&mut self, span: Option<Span>) -> Result<String, DecodeError> {
        self.opt_str(span)?.ok_or_else(|| bad("missing string"))
    }

    fn value(&mut self) -> Result<f64, DecodeError> {
        match self.byte()? {
            0 => Ok(unzigzag(self.varint()?) as f64),
            1 => {
                let end = self.pos + 8;
                let raw = self.bytes.get(self.pos..end).ok_or_else(|| bad("record ends early"))?;
                let mut b = [0u8; 8];
                b.copy_from_slice(raw);
                self.pos = end;
                Ok(f64::from_bits(u64::from_le_bytes(b)))
            }
            t => Err(bad(format!("unknown number tag {t}"))),
        }
    }

    fn figure(&mut self, prev: &mut usize, depth: usize) -> Result<FigureMention, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(bad("figures nested too deep"));
        }
        let span = self.span(prev)?;
        let text = self.str(Some(span))?;
        let value = self.value()?;
        let unit = self.str(None)?;
        let about = self.str(None)?;
        let qualifier = self.opt_str(None)?;
        let s_start = span.start.wrapping_add(unzigzag(self.varint()?) as usize);
        let sentence = Span { start: s_start, end: s_start.wrapping_add(self.usize()?) };
        let alternate = match self.byte()? {
            0 => None,
            1 => {
                let mut p = span.start;
                Some(Box::new(self.figure(&mut p, depth + 1)?))
            }
            t => return Err(bad(format!("unknown alternate tag {t}"))),
        };
        Ok(FigureMention { span, text, value, unit, about, qualifier, alternate, sentence })
    }
}

/// Read a binary annotations record of an article with `text`.
pub(crate) fn decode_annotations(bytes: &[u8], text: &str) -> Result<Annotations, DecodeError> {
    let mut r = Reader { bytes, pos: 0, table: Vec::new(), text };
    let format = r.byte()?;
    if format != ANN_FORMAT {
        return Err(bad(format!("unknown annotations format {format}")));
    }
    let strings = r.count()?;
    for _ in 0..strings {
        let len = r.usize()?;
        let end = r.pos.checked_add(len).ok_or_else(|| bad("string too long"))?;
        let raw = bytes.get(r.pos..end).ok_or_else(|| bad("record ends early"))?;
        let s = std::str::from_utf8(raw).map_err(|_| bad("string is not UTF-8"))?;
        r.table.push(s);
        r.pos = end;
    }
    let mut ann = Annotations::default();
    let n = r.count()?;
    let mut prev = 0;
    for _ in 0..n {
        let span = r.span(&mut prev)?;
        let surface = r.str(Some(span))?;
        let canonical = r.str(None)?;
        let kind = match r.byte()? {
            0 => EntityKind::Person,
            1 => EntityKind::Organization,
            2 => EntityKind::Place,
            3 => EntityKind::Other,
            k => return Err(bad(format!("unknown entity kind {k}"))),
        };
        ann.entities.push(EntityMention { span, surface, canonical, kind });
    }
    let n = r.count()?;
    let mut prev = 0;
    for _ in 0..n {
        let span = r.span(&mut prev)?;
        let text = r.str(Some(span))?;
        let speaker = r.opt_str(None)?;
        let attribution = r.opt_str(None)?;
        ann.quotes.push(QuoteMention { span, text, speaker, attribution });
    }
    let n = r.count()?;
    let mut prev = 0;
    for _ in 0..n {
        ann.figures.push(r.figure(&mut prev, 0)?);
    }
    if r.pos != bytes.len() {
        return Err(bad("trailing bytes after the record"));
    }
    Ok(ann)
}

// ---- deflated bodies ----

/// `json` deflated (zlib), for a BLOB body.
pub(crate) fn deflate(json: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::with_capacity(json.len() / 4), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(json);
    enc.finish().unwrap_or_default()
}

/// A deflated body back to its bytes.
pub(crate) fn inflate(blob: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::with_capacity(blob.len() * 6);
    flate2::read::ZlibDecoder::new(blob).read_to_end(&mut out).map_err(|e| bad(format!("damaged body: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(start: usize, text: &str, alternate: Option<Box<FigureMention>>) -> FigureMention {
        FigureMention {
            span: Span::new(start, start + text.len()),
            text: text.into(),
            value: 2.53e9,
            unit: "USD".into(),
            about: "the cost".into(),
            qualifier: Some("about".into()),
            alternate,
            sentence: Span::new(0, 60),
        }
    }

    fn sample(text: &str) -> Annotations {
        let alt = figure(40, "$2.53 billion", None);
        Annotations {
            entities: vec![
                EntityMention {
                    span: Span::new(0, 4),
                    surface: "Anna".into(),
                    canonical: "Anna Berg".into(),
                    kind: EntityKind::Person,
                },
                EntityMention {
                    span: Span::new(5, 9),
                    surface: "Berg".into(),
                    canonical: "Anna Berg".into(),
                    kind: EntityKind::Place,
                },
                // A surface that differs from its span's text, and a span outside the text.
                EntityMention {
                    span: Span::new(2, 1),
                    surface: "x".into(),
                    canonical: String::new(),
                    kind: EntityKind::Other,
                },
                EntityMention {
                    span: Span::new(9_000, 9_010),
                    surface: "far".into(),
                    canonical: "far".into(),
                    kind: EntityKind::Organization,
                },
            ],
            quotes: vec![QuoteMention {
                span: Span::new(10, 20),
                text: text.get(10..20).unwrap_or("").into(),
                speaker: Some("Anna Berg".into()),
                attribution: None,
            }],
            figures: vec![
                figure(25, "2.4 billion euros", Some(Box::new(alt))),
                FigureMention { value: -0.0, ..figure(3, "zero", None) },
                FigureMention { value: f64::NAN, ..figure(3, "nan", None) },
                FigureMention { value: -42.0, ..figure(3, "-42", None) },
            ],
        }
    }

    fn same(a: &Annotations, b: &Annotations) -> bool {
        // NaN != NaN, so compare the encodings of what went in and what came out.
        encode_annotations(a, None) == encode_annotations(b, None)
    }

    #[test]
    fn annotations_round_trip_with_and_without_text() {
        let text = "Anna Berg said \"we will build\" 2.4 billion euros ($2.53 billion) for the bridge.";
        let ann = sample(text);
        for with_text in [Some(text), None] {
            let bytes = encode_annotations(&ann, with_text);
            let back = decode_annotations(&bytes, text).unwrap();
            assert!(same(&ann, &back), "{back:?}");
            assert_eq!(back.entities, ann.entities);
            assert_eq!(back.quotes, ann.quotes);
            assert_eq!(back.figures[0], ann.figures[0]);
            assert!(back.figures[1].value.is_sign_negative() && back.figures[1].value == 0.0);
            assert!(back.figures[2].value.is_nan());
        }
        let compact = encode_annotations(&ann, Some(text)).len();
        let json = serde_json::to_string(&ann).unwrap().len();
        assert!(compact * 3 < json, "compact {compact} bytes vs JSON {json}");
        assert_eq!(decode_annotations(&encode_annotations(&Annotations::default(), None), "").unwrap().entities, []);
    }

    #[test]
    fn damaged_records_are_errors_not_panics() {
        let text = "Anna Berg said \"we will build\" 2.4 billion euros ($2.53 billion) for the bridge.";
        let bytes = encode_annotations(&sample(text), Some(text));
        for cut in 0..bytes.len() {
            assert!(decode_annotations(&bytes[..cut], text).is_err(), "cut at {cut}");
        }
        for i in 0..bytes.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut b = bytes.clone();
                b[i] ^= flip;
                let _ = decode_annotations(&b, text);
                let _ = decode_annotations(&b, "");
            }
        }
        assert!(decode_annotations(b"{\"entities\":[]}", text).is_err());
        let mut deep = vec![ANN_FORMAT, 1, 1, b'u', 0, 0, 1];
        for _ in 0..100 {
            deep.extend_from_slice(&[0, 0, 2, 0, 0, 2, 2, 0, 0, 0, 1]);
        }
        assert!(decode_annotations(&deep, "").is_err());
    }

    #[test]
    fn bodies_deflate_and_inflate() {
        let json = br#"{"id":"ev-1","summary":["a","a","a","a","a","a","a","a","a","a"]}"#.repeat(50);
        let z = deflate(&json);
        assert!(z.len() * 5 < json.len());
        assert_eq!(inflate(&z).unwrap(), json);
        assert!(inflate(b"not deflated").is_err());
    }
}
