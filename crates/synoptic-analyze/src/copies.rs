//! Near-duplicate detection: MinHash signatures over word shingles, LSH banding, copy tiers.
//!
//! A signature is a one-permutation MinHash (128 bins, rotation densification) over 5-word shingles of the
//! lowercased body, so one hash per shingle is all it costs. The LSH index cuts each signature into 42
//! bands of 3 values: two texts meet as candidates with probability 0.94 at Jaccard 0.4 and 0.04 at 0.1, so
//! the cost of looking up a new article depends on its near-duplicates, not on the size of the store.
//!
//! Tiers: *identical* (same words in the same order), *copy* (high Jaccard, or the shorter text is almost
//! all contained in the longer: cut or padded republications, changed headlines, differing boilerplate),
//! *rewrite* (substantial shared passages: same event, not a copy), *distinct*.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::tokens::{hash_bytes, mix64};

/// Number of MinHash values in a signature.
pub const SIG_LEN: usize = 128;
/// Words per shingle.
pub const SHINGLE: usize = 5;
/// LSH band count and rows per band (`BANDS * ROWS <= SIG_LEN`).
pub const BANDS: usize = 42;
pub const ROWS: usize = 3;
/// A bucket longer than this is only scanned over its most recent entries (heavy shared boilerplate).
const MAX_BUCKET_SCAN: usize = 256;

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    pub mins: Vec<u32>,
    /// Number of distinct shingles.
    pub shingles: u32,
    /// Hash of the whole word sequence: equal for identical texts.
    pub exact: u64,
}

/// The signature of a text (its body; headlines are left out so a changed headline is still a copy).
pub fn signature(text: &str) -> Signature {
    let mut word_hashes: Vec<u64> = Vec::with_capacity(text.len() / 5);
    crate::tokens::scan(text, |t| word_hashes.push(hash_bytes(t.lower.as_bytes(), 7)));
    let mut exact = 0x51_7cc1_b727_220a_u64;
    for &h in &word_hashes {
        exact = mix64(exact ^ h).wrapping_add(h);
    }
    let k = SHINGLE.min(word_hashes.len());
    let mut shingles: Vec<u64> = if k == 0 {
        Vec::new()
    } else {
        word_hashes
            .windows(k)
            .map(|w| w.iter().fold(0x2545_f491_4f6c_dd1d_u64, |acc, &h| mix64(acc.rotate_left(17) ^ h)))
            .collect()
    };
    shingles.sort_unstable();
    shingles.dedup();
    let mut mins = vec![u32::MAX; SIG_LEN];
    let mut filled = [false; SIG_LEN];
    for &h in &shingles {
        let bin = (h >> 57) as usize % SIG_LEN;
        let v = h as u32;
        if !filled[bin] || v < mins[bin] {
            mins[bin] = v;
            filled[bin] = true;
        }
    }
    if !shingles.is_empty() {
        // Rotation densification: an empty bin borrows from the next filled bin to its right.
        let orig = mins.clone();
        for i in 0..SIG_LEN {
            if filled[i] {
                continue;
            }
            let mut d = 1;
            while !filled[(i + d) % SIG_LEN] {
                d += 1;
            }
            mins[i] = mix64(u64::from(orig[(i + d) % SIG_LEN]) ^ (d as u64).wrapping_mul(0x9E37_79B9)) as u32;
        }
    }
    Signature { mins, shingles: shingles.len() as u32, exact }
}

impl Signature {
    /// Whether the text had no words at all.
    pub fn is_empty(&self) -> bool {
        self.shingles == 0
    }

    /// Estimated Jaccard similarity of the two shingle sets.
    pub fn jaccard(&self, other: &Signature) -> f64 {
        if self.is_empty() || other.is_empty() || self.mins.len() != other.mins.len() {
            return 0.0;
        }
        let same = self.mins.iter().zip(&other.mins).filter(|(a, b)| a == b).count();
        same as f64 / self.mins.len() as f64
    }

    /// Estimated share of the shorter text's shingles that appear in the longer one.
    pub fn containment(&self, other: &Signature) -> f64 {
        let j = self.jaccard(other);
        let (a, b) = (f64::from(self.shingles), f64::from(other.shingles));
        let small = a.min(b);
        if small <= 0.0 {
            return 0.0;
        }
        let inter = j * (a + b) / (1.0 + j);
        (inter / small).min(1.0)
    }
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
    let containment = a.containment(b);
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

/// Buckets of one LSH table: a single entry stays inline.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum Bucket {
    One(u64),
    Many(Vec<u64>),
}

/// LSH index from band hashes to the documents (by caller-chosen key) that have them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LshIndex {
    buckets: HashMap<u64, Bucket>,
    exact: HashMap<u64, Vec<u64>>,
}

fn band_keys(sig: &Signature) -> impl Iterator<Item = u64> + '_ {
    (0..BANDS).map(move |b| {
        let mut h = (b as u64).wrapping_mul(0xA24B_AED4_963E_E407);
        for v in sig.mins.get(b * ROWS..(b + 1) * ROWS).unwrap_or(&[]) {
            h = mix64(h ^ u64::from(*v));
        }
        h
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
        self.exact.entry(sig.exact).or_default().push(key);
        for band in band_keys(sig) {
            match self.buckets.get_mut(&band) {
                None => {
                    self.buckets.insert(band, Bucket::One(key));
                }
                Some(Bucket::One(k)) => {
                    let k = *k;
                    self.buckets.insert(band, Bucket::Many(vec![k, key]));
                }
                Some(Bucket::Many(v)) => v.push(key),
            }
        }
    }

    /// Remove a document indexed under `key` with this signature.
    pub fn remove(&mut self, key: u64, sig: &Signature) {
        if sig.is_empty() {
            return;
        }
        if let Some(v) = self.exact.get_mut(&sig.exact) {
            v.retain(|&k| k != key);
            if v.is_empty() {
                self.exact.remove(&sig.exact);
            }
        }
        for band in band_keys(sig) {
            let drop = match self.buckets.get_mut(&band) {
                Some(Bucket::One(k)) => *k == key,
                Some(Bucket::Many(v)) => {
                    v.retain(|&k| k != key);
                    if v.len() == 1 {
                        let k = v[0];
                        self.buckets.insert(band, Bucket::One(k));
                    }
                    false
                }
                None => false,
            };
            if drop {
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
        if let Some(v) = self.exact.get(&sig.exact) {
            out.extend(v.iter().rev().take(MAX_BUCKET_SCAN));
        }
        for band in band_keys(sig) {
            match self.buckets.get(&band) {
                Some(Bucket::One(k)) => out.push(*k),
                Some(Bucket::Many(v)) => out.extend(v.iter().rev().take(MAX_BUCKET_SCAN)),
                None => {}
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
