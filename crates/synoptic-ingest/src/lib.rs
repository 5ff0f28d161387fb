//! The IO edge shared by the command line and the server: inputs (paths, directories, stdin, URLs) to bytes,
//! bytes to Articles, Articles through analysis into the store.
//!
//! Design: everything that touches the file system, the network or the store sits here (or in the binary),
//! so the analysis crates stay pure. One bad input never stops a run: each comes back as a problem naming
//! the input and the reason.

pub mod fetch;
pub mod inputs;
pub mod watch;

pub use fetch::{FetchError, FetchOptions, FetchOutcome, Fetched, Fetcher, Validators};
pub use inputs::{InputError, InputProblem, Loaded, Source};
