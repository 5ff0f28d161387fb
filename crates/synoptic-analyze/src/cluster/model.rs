//! The join decision as a fitted model: named features of (article, candidate event), logistic weights
//! read from `data/join_model.json` (written by `cargo xtask fit`), and the deterministic fit itself.
//!
//! An article joins its best candidate when `sigmoid(bias + Σ wᵢ·xᵢ)` (times the time decay when both have
//! dates) reaches the model's event threshold. The features are general (cosines, shares of named things by
//! kind, conflicts of specific things); none names a topic or a word.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// Names of the join features, in the order of [`JoinModel::weights`].
pub const FEATURES: [&str; NF] = [
    "text",
    "text_member",
    "names",
    "names_member",
    "title",
    "facts",
    "people_shared",
    "orgs_shared",
    "places_shared",
    "people_conflict",
    "orgs_conflict",
    "places_conflict",
    "figures_conflict",
    "dates_shared",
    "dates_conflict",
    "event_size",
    "text_mean",
    "names_mean",
    "text_names_member",
];

/// Number of join features.
pub const NF: usize = 19;

/// Indices into the feature vector (same order as [`FEATURES`]).
pub(crate) mod fi {
    pub const TEXT: usize = 0;
    pub const TEXT_MEMBER: usize = 1;
    pub const NAMES: usize = 2;
    pub const NAMES_MEMBER: usize = 3;
    pub const TITLE: usize = 4;
    pub const FACTS: usize = 5;
    pub const SHARED: usize = 6;
    pub const CONFLICT: usize = 9;
    pub const FIGURES_CONFLICT: usize = 12;
    pub const DATES_SHARED: usize = 13;
    pub const DATES_CONFLICT: usize = 14;
    pub const SIZE: usize = 15;
    pub const TEXT_MEAN: usize = 16;
    pub const NAMES_MEAN: usize = 17;
    pub const TEXT_NAMES_MEMBER: usize = 18;
}

/// The fitted decision: logistic weights over [`FEATURES`] and the thresholds chosen with them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinModel {
    pub bias: f64,
    pub weights: Vec<f64>,
    /// An article joins its best event when the model's probability reaches this.
    pub event_threshold: f64,
    /// A new event joins a story when its rare-things score reaches this.
    pub story_threshold: f64,
    /// The story score is the rarity mass the new event shares with the story divided by the event's own
    /// rarity mass raised to this power (0: absolute mass; 1: the share of its own; chosen by the fit).
    #[serde(default)]
    pub story_norm: f64,
    /// Two open events merge when the model's probability between them (each event's centroid, named
    /// things, figures and days taken as one article against the other event, the lower of the two ways)
    /// reaches this; 0 disables merging (chosen by the fit).
    #[serde(default)]
    pub merge_threshold: f64,
    /// The merge decision's own logistic weights over the same features (measured between two events),
    /// fitted on event pairs labelled by the gold; empty: the join weights serve.
    #[serde(default)]
    pub merge_bias: f64,
    #[serde(default)]
    pub merge_weights: Vec<f64>,
}

/// The shipped weights file (as `cargo xtask fit` writes it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelFile {
    /// What wrote it and from which data.
    pub about: String,
    pub data: Vec<DataUsed>,
    pub features: Vec<String>,
    pub bias: f64,
    pub weights: Vec<f64>,
    pub event_threshold: f64,
    pub story_threshold: f64,
    #[serde(default)]
    pub story_norm: f64,
    #[serde(default)]
    pub merge_threshold: f64,
    #[serde(default)]
    pub merge_bias: f64,
    #[serde(default)]
    pub merge_weights: Vec<f64>,
    /// Training pairs and how many were positive.
    pub samples: usize,
    pub positives: usize,
}

/// One data set a model was fitted on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DataUsed {
    pub name: String,
    pub articles: usize,
    /// FNV-1a of the gold file's bytes (hex), so a changed set is noticed.
    pub gold_hash: String,
}

const SHIPPED: &str = include_str!("../../data/join_model.json");

impl JoinModel {
    /// The model the engine ships with (`data/join_model.json`).
    pub fn shipped() -> JoinModel {
        static M: OnceLock<JoinModel> = OnceLock::new();
        M.get_or_init(|| match parse(SHIPPED) {
            Some(m) => m,
            // Unreachable with the file in the repository (a unit test parses it); a neutral model else.
            None => JoinModel {
                bias: -2.0,
                weights: vec![0.0; NF],
                event_threshold: 0.5,
                story_threshold: 1.0,
                story_norm: 0.0,
                merge_threshold: 0.0,
                merge_bias: 0.0,
                merge_weights: Vec::new(),
            },
        })
        .clone()
    }

    /// Linear score (log-odds) of a feature vector.
    pub fn logit(&self, x: &[f64; NF]) -> f64 {
        self.bias + x.iter().zip(&self.weights).map(|(a, w)| a * w).sum::<f64>()
    }

    /// Probability of "same event".
    pub fn prob(&self, x: &[f64; NF]) -> f64 {
        sigmoid(self.logit(x))
    }

    /// Probability that two events are one happening (features measured between the events): the merge
    /// weights when fitted, else the join weights.
    pub fn merge_prob(&self, x: &[f64; NF]) -> f64 {
        if self.merge_weights.len() == NF {
            sigmoid(self.merge_bias + x.iter().zip(&self.merge_weights).map(|(a, w)| a * w).sum::<f64>())
        } else {
            self.prob(x)
        }
    }
}

/// Parse a weights file; `None` when it is not one or its feature names differ from [`FEATURES`].
pub fn parse(json: &str) -> Option<JoinModel> {
    let f: ModelFile = serde_json::from_str(json).ok()?;
    if f.features.len() != NF || f.features.iter().zip(FEATURES).any(|(a, b)| a != b) || f.weights.len() != NF {
        return None;
    }
    Some(JoinModel {
        bias: f.bias,
        weights: f.weights,
        event_threshold: f.event_threshold,
        story_threshold: f.story_threshold,
        story_norm: f.story_norm,
        merge_threshold: f.merge_threshold,
        merge_bias: f.merge_bias,
        merge_weights: if f.merge_weights.len() == NF { f.merge_weights } else { Vec::new() },
    })
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// One labelled pair: the features of an article against a candidate event at its arrival, and whether
/// the gold puts them together.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinSample {
    pub x: [f64; NF],
    pub same: bool,
}

/// L2-regularised logistic regression by Newton's method (iteratively reweighted least squares): fixed
/// iterations, sums in sample order, so the same samples give the same weights bit for bit. `l2` is the
/// penalty on the weights (not the bias). Returns (bias, weights).
#[allow(clippy::needless_range_loop)] // matrix code reads best with indices
pub fn fit_logistic(samples: &[JoinSample], l2: f64) -> (f64, Vec<f64>) {
    const D: usize = NF + 1;
    let mut beta = [0.0f64; D];
    if samples.is_empty() {
        return (0.0, vec![0.0; NF]);
    }
    let row = |s: &JoinSample| {
        let mut r = [0.0; D];
        r[0] = 1.0;
        r[1..].copy_from_slice(&s.x);
        r
    };
    for _ in 0..50 {
        let mut grad = [0.0f64; D];
        let mut hess = [[0.0f64; D]; D];
        for s in samples {
            let r = row(s);
            let z: f64 = r.iter().zip(&beta).map(|(a, b)| a * b).sum();
            let p = sigmoid(z);
            let y = if s.same { 1.0 } else { 0.0 };
            let w = (p * (1.0 - p)).max(1e-9);
            for i in 0..D {
                grad[i] += (p - y) * r[i];
                for j in 0..D {
                    hess[i][j] += w * r[i] * r[j];
                }
            }
        }
        for i in 1..D {
            grad[i] += l2 * beta[i];
            hess[i][i] += l2;
        }
        hess[0][0] += 1e-6;
        let Some(step) = solve(hess, grad) else { break };
        let mut moved = 0.0f64;
        for i in 0..D {
            beta[i] -= step[i];
            moved = moved.max(step[i].abs());
        }
        if moved < 1e-10 {
            break;
        }
    }
    (beta[0], beta[1..].to_vec())
}

/// Solve `a·x = b` by Gaussian elimination with partial pivoting; `None` when singular.
#[allow(clippy::needless_range_loop)] // matrix code reads best with indices
fn solve<const D: usize>(mut a: [[f64; D]; D], mut b: [f64; D]) -> Option<[f64; D]> {
    for c in 0..D {
        let p = (c..D).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[p][c].abs() < 1e-12 {
            return None;
        }
        a.swap(c, p);
        b.swap(c, p);
        for r in c + 1..D {
            let f = a[r][c] / a[c][c];
            for k in c..D {
                a[r][k] -= f * a[c][k];
            }
            b[r] -= f * b[c];
        }
    }
    let mut x = [0.0; D];
    for c in (0..D).rev() {
        let s: f64 = (c + 1..D).map(|k| a[c][k] * x[k]).sum();
        x[c] = (b[c] - s) / a[c][c];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_model_parses_and_names_every_feature() {
        let m = parse(SHIPPED).expect("data/join_model.json parses and lists FEATURES in order");
        assert_eq!(m.weights.len(), NF);
        assert!(m.event_threshold > 0.0 && m.event_threshold < 1.0);
    }

    #[test]
    fn fit_separates_a_separable_feature_and_is_deterministic() {
        let mut samples = Vec::new();
        for i in 0..200 {
            let mut x = [0.0; NF];
            x[0] = f64::from(i % 10) / 10.0;
            x[1] = f64::from(i % 7) / 7.0;
            samples.push(JoinSample { x, same: x[0] >= 0.5 });
        }
        let (b, w) = fit_logistic(&samples, 0.1);
        assert!(w[0] > 5.0, "{w:?}");
        assert!(w[1].abs() < 1.0, "{w:?}");
        let m = JoinModel {
            bias: b,
            weights: w.clone(),
            event_threshold: 0.5,
            story_threshold: 1.0,
            story_norm: 0.0,
            merge_threshold: 0.0,
            merge_bias: 0.0,
            merge_weights: Vec::new(),
        };
        let mut lo = [0.0; NF];
        lo[0] = 0.2;
        let mut hi = [0.0; NF];
        hi[0] = 0.8;
        assert!(m.prob(&lo) < 0.5 && m.prob(&hi) > 0.5);
        assert_eq!(fit_logistic(&samples, 0.1), (b, w));
    }
}
