//! Near-duplicate detection: MinHash signatures over word shingles, LSH banding, copy tiers.
//!
//! A signature is a one-permutation MinHash (128 bins, rotation densification) over 5-word shingles of the
//! lowercased body, so one hash per shingle is all it costs: the text is scanned once, byte by byte on
//! ASCII, each word hashed eight bytes at a time, each shingle hashed from its five word hashes, and its
//! distinct shingles counted in a small open-addressing set (no sorting, no per-word allocation). Each
//! bin keeps the low 16 bits of its minimum (b-bit MinHash: two different minima agree by chance with
//! probability 2^-16, a negligible bias), so a signature is 256 bytes inline. The LSH index cuts each
//! signature into 42 bands of 3 values: two texts meet as candidates with probability 0.94 at Jaccard 0.4
//! and 0.04 at 0.1, so the cost of looking up a new article depends on its near-duplicates, not on the
//! size of the store.
//!
//! Tiers: *identical* (same words in the same order), *copy* (high Jaccard, or the shorter text is almost
//! all contained in the longer: cut or padded republications, changed headlines, differing boilerplate),
//! *rewrite* (substantial shared passages: same event, not a copy), *distinct*.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::tokens::{PassBuild, mix64};

/// Number of MinHash values in a signature.
pub const SIG_LEN: usize = 128;
/// Words per shingle.
pub const SHINGLE: usize = 5;
/// LSH band count and rows per band (`BANDS * ROWS <= SIG_LEN`).
pub const BANDS: usize = 42;
pub const ROWS: usize = 3;
/// A bucket longer than this is only scanned over its most recent entries (heavy shared boilerplate).
const MAX_BUCKET_SCAN: usize = 256;
/// Bits of a shingle hash that choose its bin (`2^BIN_BITS == SIG_LEN`).
const BIN_BITS: u32 = 7;
const _: () = assert!(1 << BIN_BITS == SIG_LEN && BANDS * ROWS <= SIG_LEN && ROWS <= 3);

/// How close two texts are, from the strongest relation down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CopyTier {
    Identical,
    Copy,
    Rewrite,
    Distinct,
}

/// Thresholds for the copy tiers (estimated from signatures).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopyConfig {
    /// Jaccard of shingle sets at or above which two texts are copies.
    pub copy_jaccard: f64,
    /// Share of the shorter text's shingles found in the longer one at or above which they are copies.
    pub copy_containment: f64,
    /// The shorter text needs this many shingles for containment alone to make a copy.
    pub min_containment_shingles: u32,
    /// Containment at or above which texts are rewrites (substantial shared passages).
    pub rewrite_containment: f64,
}

impl Default for CopyConfig {
    /// Copy thresholds sit between what light edits leave (a cut to half the paragraphs keeps containment
    /// near 1; a changed headline or boilerplate paragraph keeps Jaccard above 0.8) and what independent
    /// reports of one event share (containment well under 0.2 on the synthetic generator and the corpus).
    fn default() -> Self {
        CopyConfig { copy_jaccard: 0.7, copy_containment: 0.8, min_containment_shingles: 25, rewrite_containment: 0.2 }
    }
}

/// A MinHash signature of one text plus what is needed to estimate containment.
///
/// Serialized compactly (`{"m": base64 of the 256 value bytes, "s": shingles, "x": exact}`); a snapshot
/// written by an older scheme (a `mins` list) does not deserialize, so such a state is rebuilt rather
/// than compared against signatures it cannot match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "SignatureRepr", try_from = "SignatureRepr")]
pub struct Signature {
    /// Low 16 bits of each bin's minimum shingle hash.
    pub mins: [u16; SIG_LEN],
    /// Number of distinct shingles.
    pub shingles: u32,
    /// Hash of the whole word sequence: equal for identical texts.
    pub exact: u64,
}

/// Which ASCII bytes belong to words (`[A-Za-z0-9_]`).
const ASCII_WORD: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    t
};

/// Sets bit 5 of every byte: lowercases ASCII letters, leaves digits alone, turns `_` into DEL (which is
/// never a word byte, so no two words meet).
const CASE_FOLD: u64 = 0x2020_2020_2020_2020;

/// The hash of one word's bytes, eight at a time, with `fold` OR-ed into every byte present (`CASE_FOLD`
/// for raw ASCII words, 0 for words already folded).
#[inline(always)]
fn word_hash(bytes: &[u8], fold: u64) -> u64 {
    let mut h = 0x243F_6A88_85A3_08D3_u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        h = (h ^ (u64::from_le_bytes(w) | fold)).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    }
    let rest = chunks.remainder();
    let mut w = [0u8; 8];
    if let Some(dst) = w.get_mut(..rest.len()) {
        dst.copy_from_slice(rest);
    }
    let tail = u64::from_le_bytes(w) | (fold & !(u64::MAX << (8 * rest.len())));
    mix64(h ^ tail.wrapping_mul(0xC2B2_AE3D_27D4_EB4F) ^ bytes.len() as u64)
}

/// The character starting at byte `i` of `text`, if `i` is on a character boundary.
#[inline(always)]
fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|rest| rest.chars().next())
}

/// Calls `f` with the hash of every word of `text` (runs of alphanumeric characters and `_`, lowercased:
/// the words of [`crate::tokens::scan`]), in order. ASCII is classified through a table and a pure-ASCII
/// word is hashed straight from the text; a word with other characters is lowercased into a buffer
/// first (its ASCII bytes folded as [`CASE_FOLD`] does, so case never changes a hash).
fn for_each_word(text: &str, mut f: impl FnMut(u64)) {
    let bytes = text.as_bytes();
    let mut folded: Vec<u8> = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            if !ASCII_WORD[usize::from(b)] {
                i += 1;
                continue;
            }
        } else {
            let Some(c) = char_at(text, i) else { break };
            if !c.is_alphanumeric() {
                i += c.len_utf8();
                continue;
            }
        }
        let start = i;
        let mut ascii = true;
        while let Some(&b) = bytes.get(i) {
            if b < 0x80 {
                if !ASCII_WORD[usize::from(b)] {
                    break;
                }
                i += 1;
            } else {
                match char_at(text, i) {
                    Some(c) if c.is_alphanumeric() => {
                        ascii = false;
                        i += c.len_utf8();
                    }
                    _ => break,
                }
            }
        }
        let word = bytes.get(start..i).unwrap_or(&[]);
        if ascii {
            f(word_hash(word, CASE_FOLD));
        } else {
            folded.clear();
            let mut buf = [0u8; 4];
            for c in text.get(start..i).unwrap_or("").chars() {
                if c.is_ascii() {
                    folded.push(c as u8 | 0x20);
                } else {
                    for lc in c.to_lowercase() {
                        folded.extend_from_slice(lc.encode_utf8(&mut buf).as_bytes());
                    }
                }
            }
            f(word_hash(&folded, 0));
        }
    }
}

/// The hash of a shingle from its word hashes (a multiply-add over odd constants, then mixed).
#[inline(always)]
fn shingle_hash(words: &[u64]) -> u64 {
    const K: [u64; SHINGLE] = [
        0x9E37_79B9_7F4A_7C15,
        0xC2B2_AE3D_27D4_EB4F,
        0x1656_67B1_9E37_79F9,
        0xD6E8_FEB8_6659_FD93,
        0xFF51_AFD7_ED55_8CCD,
    ];
    let mut s = words.len() as u64;
    for (w, k) in words.iter().zip(K) {
        s = s.wrapping_add(w.wrapping_mul(k));
    }
    mix64(s)
}

/// Distinct shingle hashes seen so far (open addressing, linear probing; 0 marks an empty slot).
struct ShingleSet {
    slots: Vec<u64>,
    len: usize,
}

impl ShingleSet {
    /// A set sized for a text of `bytes` bytes (a word takes at least two bytes with its separator).
    fn for_text(bytes: usize) -> ShingleSet {
        let want = (bytes / 2 + 2).clamp(64, 1 << 20);
        ShingleSet { slots: vec![0; want.next_power_of_two()], len: 0 }
    }

    /// Adds `key` (never 0); whether it was new.
    #[inline(always)]
    fn insert(&mut self, key: u64) -> bool {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = (key >> 17) as usize & mask;
        loop {
            match self.slots.get(i).copied() {
                Some(0) => {
                    if let Some(slot) = self.slots.get_mut(i) {
                        *slot = key;
                    }
                    self.len += 1;
                    return true;
                }
                Some(k) if k == key => return false,
                Some(_) => i = (i + 1) & mask,
                None => return false,
            }
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        let old = std::mem::replace(&mut self.slots, vec![0; size]);
        self.len = 0;
        for k in old.into_iter().filter(|&k| k != 0) {
            self.insert(k);
        }
    }
}

/// The signature being built: per-bin minima over the shingles and the distinct-shingle count.
struct Sketch {
    mins: [u64; SIG_LEN],
    set: ShingleSet,
}

impl Sketch {
    #[inline(always)]
    fn add(&mut self, s: u64) {
        let bin = (s >> (64 - BIN_BITS)) as usize;
        let rest = s & (u64::MAX >> BIN_BITS);
        if let Some(m) = self.mins.get_mut(bin)
            && rest < *m
        {
            *m = rest;
        }
        self.set.insert(s | 1);
    }
}

/// The signature of a text (its body; headlines are left out so a changed headline is still a copy).
pub fn signature(text: &str) -> Signature {
    let mut sketch = Sketch { mins: [u64::MAX; SIG_LEN], set: ShingleSet::for_text(text.len()) };
    let mut window = [0u64; SHINGLE];
    let mut words = 0usize;
    let mut exact = 0x51_7cc1_b727_220a_u64;
    for_each_word(text, |w| {
        exact = (exact.rotate_left(23) ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        window.copy_within(1.., 0);
        window[SHINGLE - 1] = w;
        words += 1;
        if words >= SHINGLE {
            sketch.add(shingle_hash(&window));
        }
    });
    if words > 0 && words < SHINGLE {
        // A text shorter than a shingle is one shingle of all its words.
        sketch.add(shingle_hash(window.get(SHINGLE - words..).unwrap_or(&[])));
    }
    let mut mins = [0u16; SIG_LEN];
    if sketch.set.len > 0 {
        // Rotation densification: an empty bin borrows from the next filled bin to its right.
        for (i, out) in mins.iter_mut().enumerate() {
            for d in 0..SIG_LEN {
                let v = sketch.mins[(i + d) % SIG_LEN];
                if v != u64::MAX {
                    *out = if d == 0 { v as u16 } else { mix64(v ^ (d as u64).wrapping_mul(0x9E37_79B9)) as u16 };
                    break;
                }
            }
        }
    }
    Signature { mins, shingles: u32::try_from(sketch.set.len).unwrap_or(u32::MAX), exact: mix64(exact) }
}

impl Signature {
    /// Whether the text had no words at all.
    pub fn is_empty(&self) -> bool {
        self.shingles == 0
    }

    /// Estimated Jaccard similarity of the two shingle sets.
    pub fn jaccard(&self, other: &Signature) -> f64 {
        if self.is_empty() || other.is_empty() {
            return 0.0;
        }
        let same: u32 = self.mins.iter().zip(&other.mins).map(|(a, b)| u32::from(a == b)).sum();
        f64::from(same) / SIG_LEN as f64
    }

    /// Estimated share of the shorter text's shingles that appear in the longer one.
    pub fn containment(&self, other: &Signature) -> f64 {
        containment_from(self.jaccard(other), self.shingles, other.shingles)
    }
}

/// Containment of the smaller set in the larger from their Jaccard and sizes.
fn containment_from(j: f64, a: u32, b: u32) -> f64 {
    let (a, b) = (f64::from(a), f64::from(b));
    let small = a.min(b);
    if small <= 0.0 {
        return 0.0;
    }
    let inter = j * (a + b) / (1.0 + j);
    (inter / small).min(1.0)
}

/// How a signature is written: base64 of the values (little-endian), shingles, exact hash.
#[derive(Serialize, Deserialize)]
struct SignatureRepr {
    m: String,
    s: u32,
    x: u64,
}

impl From<Signature> for SignatureRepr {
    fn from(sig: Signature) -> SignatureRepr {
        let bytes: Vec<u8> = sig.mins.iter().flat_map(|v| v.to_le_bytes()).collect();
        SignatureRepr { m: base64_encode(&bytes), s: sig.shingles, x: sig.exact }
    }
}

impl TryFrom<SignatureRepr> for Signature {
    type Error = String;

    fn try_from(r: SignatureRepr) -> Result<Signature, String> {
        let bytes = base64_decode(&r.m).ok_or("signature values are not base64")?;
        if bytes.len() != SIG_LEN * 2 {
            return Err(format!("signature has {} value bytes, expected {}", bytes.len(), SIG_LEN * 2));
        }
        let mut mins = [0u16; SIG_LEN];
        for (v, pair) in mins.iter_mut().zip(bytes.chunks_exact(2)) {
            *v = u16::from_le_bytes([pair[0], pair[1]]);
        }
        Ok(Signature { mins, shingles: r.s, exact: r.x })
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 without padding.
fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(B64[(n >> (18 - 6 * i)) as usize & 63]));
        }
    }
    out
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        if chunk.len() < 2 {
            return None;
        }
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let v = B64.iter().position(|&x| x == c)? as u32;
            n |= v << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

/// How two signatures relate, with the similarities that decided it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    pub tier: CopyTier,
    pub jaccard: f64,
    pub containment: f64,
}

/// Classify the relation between two texts' signatures.
pub fn classify(a: &Signature, b: &Signature, cfg: &CopyConfig) -> Relation {
    if !a.is_empty() && a.exact == b.exact && a.shingles == b.shingles {
        return Relation { tier: CopyTier::Identical, jaccard: 1.0, containment: 1.0 };
    }
    let jaccard = a.jaccard(b);
    let containment = containment_from(jaccard, a.shingles, b.shingles);
    let tier = if jaccard >= cfg.copy_jaccard
        || (containment >= cfg.copy_containment && a.shingles.min(b.shingles) >= cfg.min_containment_shingles)
    {
        CopyTier::Copy
    } else if containment >= cfg.rewrite_containment {
        CopyTier::Rewrite
    } else {
        CopyTier::Distinct
    };
    Relation { tier, jaccard, containment }
}

/// Keys of one LSH bucket: a single entry stays inline.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum Bucket {
    One(u64),
    Many(Vec<u64>),
}

impl Bucket {
    /// Adds `key` to the bucket of `band` in `map`.
    fn push(map: &mut HashMap<u64, Bucket, PassBuild>, band: u64, key: u64) {
        match map.entry(band) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(Bucket::One(key));
            }
            std::collections::hash_map::Entry::Occupied(mut e) => {
                let b = e.get_mut();
                match b {
                    Bucket::One(k) => *b = Bucket::Many(vec![*k, key]),
                    Bucket::Many(v) => v.push(key),
                }
            }
        }
    }

    /// Removes `key`; whether the bucket is now empty.
    fn remove(&mut self, key: u64) -> bool {
        match self {
            Bucket::One(k) => *k == key,
            Bucket::Many(v) => {
                v.retain(|&k| k != key);
                match v.as_slice() {
                    [] => true,
                    [k] => {
                        *self = Bucket::One(*k);
                        false
                    }
                    _ => false,
                }
            }
        }
    }

    /// The most recent keys (at most [`MAX_BUCKET_SCAN`]).
    fn recent(&self) -> &[u64] {
        match self {
            Bucket::One(k) => std::slice::from_ref(k),
            Bucket::Many(v) => v.get(v.len().saturating_sub(MAX_BUCKET_SCAN)..).unwrap_or(&[]),
        }
    }
}

/// LSH index from band hashes to the documents (by caller-chosen key) that have them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LshIndex {
    buckets: HashMap<u64, Bucket, PassBuild>,
    exact: HashMap<u64, Bucket, PassBuild>,
}

/// The band keys of a signature: band number and its three 16-bit values side by side (no collisions
/// between bands; the map's hasher mixes them).
fn band_keys(sig: &Signature) -> impl Iterator<Item = u64> + '_ {
    sig.mins
        .chunks_exact(ROWS)
        .take(BANDS)
        .enumerate()
        .map(|(b, rows)| rows.iter().fold(b as u64, |key, &v| key << 16 | u64::from(v)))
}

impl LshIndex {
    pub fn new() -> LshIndex {
        LshIndex::default()
    }

    /// Index a document under `key`.
    pub fn insert(&mut self, key: u64, sig: &Signature) {
        if sig.is_empty() {
            return;
        }
        Bucket::push(&mut self.exact, sig.exact, key);
        for band in band_keys(sig) {
            Bucket::push(&mut self.buckets, band, key);
        }
    }

    /// Remove a document indexed under `key` with this signature.
    pub fn remove(&mut self, key: u64, sig: &Signature) {
        if sig.is_empty() {
            return;
        }
        if self.exact.get_mut(&sig.exact).is_some_and(|b| b.remove(key)) {
            self.exact.remove(&sig.exact);
        }
        for band in band_keys(sig) {
            if self.buckets.get_mut(&band).is_some_and(|b| b.remove(key)) {
                self.buckets.remove(&band);
            }
        }
    }

    /// Keys of documents that share a band (or the whole text) with `sig`, sorted, without repeats.
    pub fn candidates(&self, sig: &Signature) -> Vec<u64> {
        let mut out = Vec::new();
        if sig.is_empty() {
            return out;
        }
        if let Some(b) = self.exact.get(&sig.exact) {
            out.extend_from_slice(b.recent());
        }
        for band in band_keys(sig) {
            if let Some(b) = self.buckets.get(&band) {
                out.extend_from_slice(b.recent());
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Number of band buckets held (for memory reports).
    pub fn buckets(&self) -> usize {
        self.buckets.len()
    }
}

/// Copy detection alone over a stream, in stream order: each text is matched against every earlier one
/// (signature, LSH candidates, [`classify`]) and linked to the origin of its best copy-tier match, as the
/// clustering engine does. Positions are 0-based indexes into the stream.
#[derive(Debug, Clone, Default)]
pub struct CopyDetector {
    cfg: CopyConfig,
    index: LshIndex,
    sigs: Vec<Signature>,
    origins: Vec<Option<usize>>,
    compared: u64,
}

impl CopyDetector {
    pub fn new(cfg: CopyConfig) -> CopyDetector {
        CopyDetector { cfg, ..CopyDetector::default() }
    }

    /// Add the next text's signature; returns the position of the origin it copies, if any.
    pub fn add(&mut self, sig: Signature) -> Option<usize> {
        let here = self.sigs.len();
        let mut best: Option<(CopyTier, f64, usize)> = None;
        let candidates = self.index.candidates(&sig);
        self.compared += candidates.len() as u64;
        for key in candidates {
            let Some(other) = usize::try_from(key).ok().and_then(|k| self.sigs.get(k)) else { continue };
            let rel = classify(&sig, other, &self.cfg);
            if rel.tier > CopyTier::Copy {
                continue;
            }
            let pos = usize::try_from(key).unwrap_or(usize::MAX);
            let better = best.is_none_or(|(t, j, p)| (rel.tier, -rel.jaccard, pos) < (t, -j, p));
            if better {
                best = Some((rel.tier, rel.jaccard, pos));
            }
        }
        let origin = best.map(|(_, _, p)| self.origins.get(p).copied().flatten().unwrap_or(p));
        self.index.insert(here as u64, &sig);
        self.sigs.push(sig);
        self.origins.push(origin);
        origin
    }

    /// The origin found for each text added so far.
    pub fn origins(&self) -> &[Option<usize>] {
        &self.origins
    }

    /// The signature of the text at `pos`.
    pub fn signature(&self, pos: usize) -> Option<&Signature> {
        self.sigs.get(pos)
    }

    /// The index over every text added so far.
    pub fn index(&self) -> &LshIndex {
        &self.index
    }

    pub fn config(&self) -> &CopyConfig {
        &self.cfg
    }

    /// Number of candidate pairs classified so far.
    pub fn compared(&self) -> u64 {
        self.compared
    }
}

/// Recall and precision of copy detection against gold origins.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CopyScores {
    pub gold_copies: usize,
    pub predicted_copies: usize,
    pub recall: f64,
    pub precision: f64,
}

/// Gold copy links of a stream of records, read from each record's `gold_copy_of` (else `copy_of`, else
/// `gold.copy_of`): a string names the origin's `id`, an integer its 0-based position in the stream,
/// `null` or absent means an original. Records are numbered by position (0-based).
#[derive(Debug, Clone, Default)]
pub struct CopyGold {
    /// For each record, the position of its gold origin (`None` for originals).
    pub origin: Vec<Option<usize>>,
}

/// Builds a [`CopyGold`] record by record (ids may refer to records not yet seen only by position).
#[derive(Debug, Default)]
pub struct CopyGoldBuilder {
    ids: HashMap<String, usize>,
    raw: Vec<Option<serde_json::Value>>,
}

impl CopyGoldBuilder {
    /// Take the next record of the stream.
    pub fn push(&mut self, record: &serde_json::Value) {
        let i = self.raw.len();
        if let Some(id) = record.get("id").and_then(serde_json::Value::as_str) {
            self.ids.entry(id.to_string()).or_insert(i);
        }
        let copy_of =
            [record.get("gold_copy_of"), record.get("copy_of"), record.get("gold").and_then(|g| g.get("copy_of"))]
                .into_iter()
                .flatten()
                .find(|v| !v.is_null())
                .cloned();
        self.raw.push(copy_of);
    }

    pub fn finish(self) -> CopyGold {
        let ids = self.ids;
        let origin = self
            .raw
            .into_iter()
            .map(|v| match v {
                Some(serde_json::Value::String(id)) => ids.get(&id).copied(),
                Some(serde_json::Value::Number(n)) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
                _ => None,
            })
            .collect();
        CopyGold { origin }
    }
}

impl CopyGold {
    pub fn len(&self) -> usize {
        self.origin.len()
    }

    pub fn is_empty(&self) -> bool {
        self.origin.is_empty()
    }

    /// Number of gold copies.
    pub fn copies(&self) -> usize {
        self.origin.iter().filter(|o| o.is_some()).count()
    }

    /// The root of `i`'s copy group (follows chains of copies, guarding against cycles).
    pub fn root(&self, mut i: usize) -> usize {
        for _ in 0..self.origin.len() {
            match self.origin.get(i).copied().flatten() {
                Some(next) if next != i => i = next,
                _ => break,
            }
        }
        i
    }

    /// Scores predicted origins (`predicted[i]` = position of the record `i` was judged a copy of).
    ///
    /// A prediction is right when the predicted origin is in the same gold copy group as the record (a copy
    /// of the origin, or of another copy of it: both find the syndication). Recall is over gold copies,
    /// precision over records predicted as copies.
    pub fn score(&self, predicted: &[Option<usize>]) -> CopyScores {
        let mut right = 0usize;
        let mut found_gold = 0usize;
        let mut predicted_n = 0usize;
        for (i, p) in predicted.iter().enumerate().take(self.origin.len()) {
            let Some(p) = *p else { continue };
            predicted_n += 1;
            if p < self.origin.len() && self.root(p) == self.root(i) {
                right += 1;
                if self.origin[i].is_some() {
                    found_gold += 1;
                }
            }
        }
        let gold = self.copies();
        CopyScores {
            gold_copies: gold,
            predicted_copies: predicted_n,
            recall: if gold > 0 { found_gold as f64 / gold as f64 } else { 1.0 },
            precision: if predicted_n > 0 { right as f64 / predicted_n as f64 } else { 1.0 },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(n: usize, seed: u64) -> String {
        (0..n).map(|i| format!("w{}", mix64(seed * 100_000 + i as u64) % 5000)).collect::<Vec<_>>().join(" ")
    }

    fn check(a: &str, b: &str, tier: CopyTier) {
        let cfg = CopyConfig::default();
        let (sa, sb) = (signature(a), signature(b));
        let r = classify(&sa, &sb, &cfg);
        assert_eq!(r.tier, tier, "{r:?}");
        if tier <= CopyTier::Copy {
            let mut idx = LshIndex::new();
            idx.insert(1, &sa);
            assert_eq!(idx.candidates(&sb), [1], "LSH must surface a {tier:?}");
            idx.remove(1, &sa);
            assert!(idx.candidates(&sb).is_empty());
        }
    }

    #[test]
    fn tiers() {
        let base = text(600, 1);
        check(&base, &base.to_uppercase(), CopyTier::Identical);
        // Cut to its first half: still a copy.
        let half: String = base.split(' ').take(300).collect::<Vec<_>>().join(" ");
        check(&base, &half, CopyTier::Copy);
        // A paragraph of boilerplate added and a few words edited.
        let padded = format!("{} {}", base.replacen("w1", "x1", 3), text(60, 9));
        check(&base, &padded, CopyTier::Copy);
        // A third shared, the rest rewritten.
        let rewrite = format!("{} {}", base.split(' ').take(200).collect::<Vec<_>>().join(" "), text(400, 3));
        check(&base, &rewrite, CopyTier::Rewrite);
        check(&base, &text(600, 2), CopyTier::Distinct);
        check("", "", CopyTier::Distinct);
    }

    /// Real syndication edits, on invented text: each must stay a copy and be surfaced by the index.
    #[test]
    fn wire_edits_stay_copies() {
        let paragraphs: Vec<String> = (0..8).map(|p| text(75, 40 + p)).collect();
        let original = paragraphs.join("\n\n");
        // Trimmed tail: the last three paragraphs cut.
        check(&original, &paragraphs[..5].join("\n\n"), CopyTier::Copy);
        // A paragraph of the outlet's own added at the top, and a sign-off line at the end.
        let added = format!("{}\n\n{original}\n\nSign up for our newsletter to read more.", text(60, 77));
        check(&original, &added, CopyTier::Copy);
        // Typographic changes only: case, punctuation, curly quotes and dashes.
        let typo = original.replace(' ', " \u{2014} ").to_uppercase();
        check(&original, &typo, CopyTier::Identical);
    }

    #[test]
    fn non_ascii_words_fold_case() {
        let a = signature("Émile Zola wrote İstanbul ÆTHER straße Σοφία in 1898, across the river");
        let b = signature("émile zola WROTE i\u{307}stanbul æther STRASSE σοφία in 1898 across the river");
        // Lowercasing is per character (no full case folding): "straße" and "strasse" differ.
        assert!(a.jaccard(&b) < 1.0);
        let c = signature("ÉMILE ZOLA wrote İSTANBUL æther Straße ΣΟΦΊΑ in 1898, across the river");
        assert_eq!(classify(&a, &c, &CopyConfig::default()).tier, CopyTier::Identical);
    }

    #[test]
    fn signatures_serialize_compactly() {
        let sig = signature(&text(600, 5));
        let json = serde_json::to_string(&sig).unwrap_or_default();
        assert!(json.len() < 420, "{} bytes", json.len());
        let back: Signature = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
        assert_eq!(back, sig);
        // A signature of the former scheme (a list of values) is refused, so an old snapshot is rebuilt.
        assert!(serde_json::from_str::<Signature>(r#"{"mins":[1,2,3],"shingles":3,"exact":7}"#).is_err());
        assert!(serde_json::from_str::<Signature>(r#"{"m":"!!","s":3,"x":7}"#).is_err());
        assert!(serde_json::from_str::<Signature>(r#"{"m":"AAAA","s":3,"x":7}"#).is_err());
    }

    #[test]
    fn detector_links_copies_to_their_origin() {
        let base = text(400, 11);
        let trimmed: String = base.split(' ').take(250).collect::<Vec<_>>().join(" ");
        let texts = [base.clone(), text(400, 12), trimmed, base.to_uppercase(), text(400, 13)];
        let mut d = CopyDetector::new(CopyConfig::default());
        let found: Vec<Option<usize>> = texts.iter().map(|t| d.add(signature(t))).collect();
        assert_eq!(found, [None, None, Some(0), Some(0), None]);
        let gold = CopyGold { origin: vec![None, None, Some(0), Some(2), None] };
        let s = gold.score(d.origins());
        assert_eq!((s.gold_copies, s.predicted_copies, s.recall, s.precision), (2, 2, 1.0, 1.0));
    }

    #[test]
    fn copy_of_another_copy_counts() {
        // 0 original, 1 and 2 copies of 0, 3 original.
        let g = CopyGold { origin: vec![None, Some(0), Some(0), None] };
        let s = g.score(&[None, Some(0), Some(1), None]);
        assert_eq!((s.recall, s.precision), (1.0, 1.0));
        let s = g.score(&[None, Some(0), None, Some(1)]);
        assert!((s.recall - 0.5).abs() < 1e-12 && (s.precision - 0.5).abs() < 1e-12);
    }

    #[test]
    fn gold_reads_ids_positions_and_nested_links() {
        let mut b = CopyGoldBuilder::default();
        for line in [
            r#"{"id":"a"}"#,
            r#"{"id":"b","gold_copy_of":"a"}"#,
            r#"{"id":"c","copy_of":1}"#,
            r#"{"id":"d","gold":{"copy_of":"zz"}}"#,
            r#"{"id":"e","gold_copy_of":null}"#,
        ] {
            b.push(&serde_json::from_str(line).unwrap_or_default());
        }
        assert_eq!(b.finish().origin, [None, Some(0), Some(1), None, None]);
    }

    #[test]
    fn short_texts_do_not_panic() {
        let a = signature("one two");
        assert_eq!(a.shingles, 1);
        assert!(a.jaccard(&signature("one two")) > 0.99);
        assert_eq!(signature("").mins.len(), SIG_LEN);
    }
}
