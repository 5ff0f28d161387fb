//! Bytes in, clean [`Article`]s out: format sniffing, plain text, HTML main-content extraction, JSON Lines,
//! feeds, boilerplate removal, metadata. Pure: no IO (callers hand in bytes and the name of the input).
//!
//! Invariants: reading never panics on any input; per-input problems come back as data
//! ([`ReadOutcome::problems`]), not as a failure of the whole run.

pub mod dates;
pub mod decode;
pub mod entities;
pub mod eval;
pub mod html;

pub use synoptic_model::Article;
