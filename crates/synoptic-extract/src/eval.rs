//! The extraction benchmark metric: 4-token shingles of `\w+` tokens, per-page TP/FP/FN, averaged.
