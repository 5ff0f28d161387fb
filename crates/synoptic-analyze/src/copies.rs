//! Near-duplicate detection: MinHash signatures over word shingles, LSH banding, copy tiers.
