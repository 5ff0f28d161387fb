//! Alignment across the articles of an event: one entity per real-world thing, one quote per utterance
//! with each article's wording, figures about the same thing compared.

use synoptic_model::{Disagreement, Entity, Figure, Quote};

use crate::EventMember;

/// What alignment finds across an event's articles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Aligned {
    pub entities: Vec<Entity>,
    pub quotes: Vec<Quote>,
    pub figures: Vec<Figure>,
    /// Conflicts found while aligning: figure value/unit differences, quote wordings, dates, places.
    pub disagreements: Vec<Disagreement>,
}

/// Align the annotations of an event's articles. (Interface fixed; body being written.)
pub fn align(members: &[EventMember<'_>]) -> Aligned {
    let _ = members;
    Aligned::default()
}
