//! Clustering evaluation: B-cubed and pairwise precision, recall and F1 against gold labels.
