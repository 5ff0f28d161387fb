//! Annotation of one article: entities (people, organisations, places), quotes with speakers, figures.
