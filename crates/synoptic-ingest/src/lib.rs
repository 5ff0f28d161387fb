//! The IO edge shared by the command line and the server: inputs (paths, directories, stdin, URLs) to bytes,
//! bytes to Articles, Articles through analysis into the store.
//!
//! Design: everything that touches the file system, the network or the store sits here (or in the binary),
//! so the analysis crates stay pure. One bad input never stops a run: each comes back as an issue naming
//! the input and the reason.
//!
//! - [`inputs`]: what the user named → [`Source`]s (directories walked in sorted order, hidden skipped).
//! - [`fetch`]: HTTP(S) with redirects, time-outs, a size cap and conditional GET.
//! - [`read`]: one source → articles plus issues (through `synoptic_extract::read`).
//! - [`pipeline`]: articles → store (annotate and prepare on worker threads, place, batch commits).
//! - [`synopses`]: stale event synopses and stories rebuilt in parallel, outside the per-article path.
//! - [`par`]: the ordered parallel map both use.
//! - [`publish`]: the [`Publisher`] seam (`watch` and the server publishing to a stream instead).

pub mod fetch;
pub mod inputs;
pub mod par;
pub mod pipeline;
pub mod publish;
pub mod read;
pub mod synopses;
pub mod watch;

pub use fetch::{FetchError, FetchOptions, FetchOutcome, Fetched, Fetcher, Validators};
pub use inputs::{InputError, InputProblem, Loaded, Source};
pub use pipeline::{
    BatchDone, IngestError, IngestOptions, IngestReport, Ingester, StageTimings, ingest_articles, ingest_articles_with,
};
pub use publish::{Publisher, SharedPublisher};
pub use read::{InputIssue, InputRead, ReadConfig, read_source, read_source_each};
pub use synopses::{RefreshReport, refresh_pending};
