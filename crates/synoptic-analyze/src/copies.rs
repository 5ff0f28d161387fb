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

/// ASCII bytes that belong to words (`[A-Za-z0-9_]`) map to their lowercase; others to 0.
const ASCII_WORD: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'_' {
            t[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    t
};

/// Hashes one word's lowercased bytes eight at a time.
#[derive(Clone, Copy)]
struct WordHasher {
    h: u64,
    acc: u64,
    n: u32,
}

impl WordHasher {
    const START: WordHasher = WordHasher { h: 0x243F_6A88_85A3_08D3, acc: 0, n: 0 };

    #[inline(always)]
    fn push(&mut self, b: u8) {
        self.acc |= u64::from(b) << (8 * (self.n & 7));
        self.n = self.n.wrapping_add(1);
        if self.n & 7 == 0 {
            self.h = (self.h ^ self.acc).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
            self.acc = 0;
        }
    }

    #[inline(always)]
    fn finish(self) -> u64 {
        mix64(self.h ^ self.acc.wrapping_mul(0xC2B2_AE3D_27D4_EB4F) ^ u64::from(self.n))
    }
}

/// Calls `f` with the hash of every word of `text` (runs of alphanumeric characters and `_`, lowercased:
/// the words of [`crate::tokens::scan`]), in order. ASCII is read through a table; other characters are
/// decoded and lowercased one by one.
fn for_each_word(text: &str, mut f: impl FnMut(u64)) {
    let bytes = text.as_bytes();
    let mut word = WordHasher::START;
    let mut in_word = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            let lower = ASCII_WORD[usize::from(b)];
            if lower != 0 {
                word.push(lower);
                in_word = true;
            } else if in_word {
                f(word.finish());
                word = WordHasher::START;
                in_word = false;
            }
            i += 1;
            continue;
        }
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else { break };
        i += c.len_utf8();
        if c.is_alphanumeric() {
            let mut buf = [0u8; 4];
            for lc in c.to_lowercase() {
                for &byte in lc.encode_utf8(&mut buf).as_bytes() {
                    word.push(byte);
                }
            }
            in_word = true;
        } else if in_word {
            f(word.finish());
            word = WordHasher::START;
            in_word = false;
        }
    }
    if in_word {
        f(word.finish());
    }
}

/// The hash of a shingle from its word hashes (a multiply-add over odd constants, then mixed).
#[inline(always)]
fn shingle_hash(words: &[u64]) -> u64 {
    const K: [u64; SHINGLE] =
        [0x9E37_79B9_7F4A_7C15, 0xC2B2_AE3D_27D4_EB4F, 0x1656_67B1_9E37_79F9, 0xD6E8_FEB8_6659_FD93, 0xFF51_AFD7_ED55_8CCD];
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
    fn push(slot: Option<&mut Bucket>, key: u64) -> Option<Bucket> {
        match slot {
            None => Some(Bucket::One(key)),
            Some(b) => {
                match b {
                    Bucket::One(k) => *b = Bucket::Many(vec![*k, key]),
                    Bucket::Many(v) => v.push(key),
                }
                None
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
    sig.mins.chunks_exact(ROWS).take(BANDS).enumerate().map(|(b, rows)| {
        rows.iter().fold(b as u64, |key, &v| key << 16 | u64::from(v))
    })
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
        if let Some(b) = Bucket::push(self.exact.get_mut(&sig.exact), key) {
            self.exact.insert(sig.exact, b);
        }
        for band in band_keys(sig) {
            if let Some(b) = Bucket::push(self.buckets.get_mut(&band), key) {
                self.buckets.insert(band, b);
            }
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

    #[test]
    fn short_texts_do_not_panic() {
        let a = signature("one two");
        assert_eq!(a.shingles, 1);
        assert!(a.jaccard(&signature("one two")) > 0.99);
        assert_eq!(signature("").mins.len(), SIG_LEN);
    }
}
