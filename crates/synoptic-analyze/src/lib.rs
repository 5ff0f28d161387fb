//! Pure, deterministic analysis: copies, online event and story clustering, entities, quotes, figures,
//! alignment across sources, comparison, summary, timeline.
//!
//! Invariants: no IO, no clocks, no randomness without an explicit seed; the same inputs in the same order
//! give the same output.

use synoptic_model::{Annotations, Article};

/// One article of an event as the event-level stages (alignment, comparison, summary) see it.
#[derive(Debug, Clone, Copy)]
pub struct EventMember<'a> {
    pub article: &'a Article,
    pub annotations: &'a Annotations,
    /// Id of the independent origin this article belongs to: its own id, or its `copy_of`.
    pub origin: &'a str,
}

pub mod align;
pub mod annotate;
pub mod cluster;
pub mod compare;
pub mod copies;
pub mod eval;
pub mod synth;
pub mod tokens;
