//! The command line's shape: every command, flag and its help text (clap derive). `--help` is the manual.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  synoptic brief examples/corpus                 synopsis of a folder of articles, in the terminal
  synoptic brief feed.xml page.html --format html > brief.html
  synoptic ingest ~/news/*.jsonl --stats         add articles to the store, show where the time went
  synoptic stories                               the stories in the store
  synoptic show e1a2b3c4d5e6                     one event's synopsis (or an article, or a story)
  synoptic search \"ceasefire talks\" --limit 5    full-text search with snippets
  synoptic extract page.html | jq .title         clean articles as JSON Lines
  synoptic serve --addr 127.0.0.1:7878           web pages, JSON API and Atom feed

Inputs are files (plain text, HTML, JSON Lines or arrays, RSS/Atom/JSON Feed, gzip of any), directories
(read recursively, hidden entries skipped), `-` for standard input, and http(s):// URLs.

Exit status: 0 when every input was read, 1 when some were skipped (each named on stderr), 2 on usage
errors.";

/// Synoptic reads news articles from many outlets, finds copies, groups articles into events and stories,
/// and writes a cited synopsis: what sources agree on, what only one reports, and where they disagree.
#[derive(Debug, Parser)]
#[command(name = "synoptic", version, about, after_long_help = EXAMPLES, max_term_width = 110)]
pub struct Cli {
    /// Store: a directory (SQLite) or a PostgreSQL URL (postgres://USER@HOST:PORT/DB). Default: the platform
    /// data directory, e.g. ~/.local/share/synoptic.
    #[arg(long, global = true, env = "SYNOPTIC_STORE", value_name = "DIR|URL")]
    pub store: Option<PathBuf>,

    /// No progress bar and no summary line; problems with inputs are still reported.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print clean articles as JSON Lines (one Article of the JSON contract per line), storing nothing.
    ///
    /// Like a boilerplate remover's command line: `synoptic extract page.html feed.xml > articles.jsonl`.
    Extract(ExtractArgs),

    /// Add articles to the store: copies found, events and stories updated, synopses recomputed.
    ///
    /// Ingesting the same content again adds nothing (articles are keyed by a content id). Articles are
    /// committed in batches; an article counts as ingested only once its batch is committed, so an
    /// interrupted run loses nothing it reported and the next run completes the rest.
    Ingest(IngestArgs),

    /// One-shot synopsis of the given inputs over a temporary store (the store is not touched).
    ///
    /// Example: `synoptic brief examples/corpus --format markdown --sentences 3`.
    Brief(BriefArgs),

    /// Full-text search over the stored articles, best matches first, with snippets.
    ///
    /// The query is words (all must match); "quoted phrases" match as phrases.
    Search(SearchArgs),

    /// Print the whole store as the JSON contract document.
    Export(ExportArgs),

    /// Show one article, event or story by id.
    ///
    /// An article is shown with its entities, quotes and figures marked and why it joined its event; an
    /// event with its synopsis; a story with its timeline.
    Show(ShowArgs),

    /// List the stories in the store: title, events, articles, origins, first and last seen.
    Stories(StoriesArgs),

    /// Rebuild the synopses of events that changed since they were last built (after `ingest --no-synopses`).
    ///
    /// Reading commands (show, stories, export, serve) do this themselves first; this is for doing it ahead.
    /// With `--follow`, a synopsis worker: any number of them share the work of writers in other processes.
    Refresh(RefreshArgs),

    /// Re-cluster every stored article in one batch (document frequencies over the whole collection).
    Recluster(ReclusterArgs),

    /// Measure extraction or clustering quality against gold data.
    #[command(subcommand)]
    Eval(EvalCommand),

    /// Work on whole stores: copy one into another (SQLite to PostgreSQL, or back).
    #[command(subcommand)]
    Store(StoreCommand),

    /// Print a synthetic news stream with known gold as JSON Lines (for benchmarks and tests).
    ///
    /// Each line is an Article plus `gold_event`, `gold_story` and `gold_copy_of`.
    Synth(SynthArgs),

    /// Serve the web pages, the JSON API and the Atom feed over the store.
    Serve(ServeArgs),

    /// Poll feeds (an OPML file or URLs) and ingest new items as they appear.
    Watch(WatchArgs),

    /// Ingest article records (the JSON records `ingest` reads) from a Kafka topic.
    ///
    /// The position in the topic is stored in the store, in the same transaction as the articles it covers:
    /// a crash anywhere loses nothing and counts nothing twice, and a record delivered again adds nothing.
    /// Every partition of the topic is read (one writer owns the clustering state).
    /// Example: `synoptic consume --brokers 127.0.0.1:9092 --topic news`.
    #[cfg(feature = "kafka")]
    Consume(ConsumeArgs),

    /// Publish inputs to a Kafka topic, one JSON record per article (read and cleaned as `ingest` does).
    ///
    /// Example: `synoptic produce --brokers 127.0.0.1:9092 --topic news ~/news/*.jsonl`.
    #[cfg(feature = "kafka")]
    Produce(ProduceArgs),
}

#[cfg(feature = "kafka")]
#[derive(Debug, Args)]
pub struct ConsumeArgs {
    /// Bootstrap brokers, HOST:PORT[,HOST:PORT...].
    #[arg(long, value_name = "HOST:PORT")]
    pub brokers: String,

    #[arg(long, value_name = "TOPIC")]
    pub topic: String,

    /// Consumer group the position is also committed under (for lag monitoring; the store's position is
    /// the one that counts).
    #[arg(long, value_name = "GROUP", default_value = "synoptic")]
    pub group: String,

    /// Stop once the topic's end as of the start is reached (default: follow until ctrl-c).
    #[arg(long)]
    pub to_end: bool,

    /// Stop after this many records.
    #[arg(long, value_name = "N")]
    pub max_records: Option<usize>,

    /// Read the topic again from its beginning, whatever the stored position (stored articles add nothing).
    #[arg(long)]
    pub from_beginning: bool,

    /// Records per committed batch.
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub batch_size: usize,

    /// Worker threads for reading records, annotation and synopses (0: all cores).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// Leave synopses stale (rebuilt by `refresh` or the first reader), as `ingest --no-synopses`.
    #[arg(long)]
    pub no_synopses: bool,

    /// Print `ingested N` and `consumed N` lines on stderr after each committed batch.
    #[arg(long)]
    pub progress_lines: bool,

    /// Print the stage table and the rate, as `ingest --stats`.
    #[arg(long)]
    pub stats: bool,

    /// Largest record read, in bytes; larger ones are skipped with a message.
    #[arg(long, value_name = "BYTES", default_value_t = synoptic_ingest::fetch::DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
}

#[cfg(feature = "kafka")]
#[derive(Debug, Args)]
pub struct ProduceArgs {
    /// Bootstrap brokers, HOST:PORT[,HOST:PORT...].
    #[arg(long, value_name = "HOST:PORT")]
    pub brokers: String,

    #[arg(long, value_name = "TOPIC")]
    pub topic: String,

    /// Partitions of the topic when it does not exist yet (it is created).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub partitions: i32,

    #[command(flatten)]
    pub input: InputArgs,
}

/// Inputs and how to read them.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files, directories, `-` (standard input) or http(s):// URLs.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,

    /// Largest input read, in bytes; larger ones are skipped with a message.
    #[arg(long, value_name = "BYTES", default_value_t = synoptic_ingest::fetch::DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Worker threads reading inputs (default: the available cores). The output does not depend on it.
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Print how long each stage took (read, clean/extract, annotate+prepare, copies+cluster, store,
    /// synopses) and the wall-clock rate.
    #[arg(long)]
    pub stats: bool,

    /// Leave the synopses of the events this run touched to be rebuilt later: by `synoptic refresh`, or by
    /// the first command that reads them (show, stories, export, serve). Ingest then only places and stores.
    #[arg(long)]
    pub no_synopses: bool,

    /// Worker threads for annotation and synopses (0: all cores).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// Print one machine-readable line `ingested N` on stderr after each committed batch (N: total so far).
    #[arg(long)]
    pub progress_lines: bool,

    /// Articles per committed batch.
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub batch_size: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Wrapped text for a terminal (colour only when stdout is one).
    Text,
    Markdown,
    /// The JSON contract document.
    Json,
    /// One standalone HTML file.
    Html,
}

#[derive(Debug, Args)]
pub struct BriefArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Sentences in each event's cited summary.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub sentences: usize,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to find.
    #[arg(value_name = "QUERY", required = true)]
    pub query: Vec<String>,

    #[arg(long, value_name = "N", default_value_t = 10)]
    pub limit: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// An article, event or story id (as printed by `stories`, `search`, `brief` or `export`).
    #[arg(value_name = "ID")]
    pub id: String,

    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct StoriesArgs {
    /// At most this many stories, most recent first.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Args)]
pub struct ReclusterArgs {}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Copy everything a store holds into another store, on either backend: articles with their
    /// annotations and placements, events, stories, synopses, the engine state and feed-watching state.
    ///
    /// The source is read from one snapshot (a writer may go on writing to it meanwhile); the target
    /// must be empty, and is written as its writer (the copy waits while another process writes to it).
    /// An interrupted copy resumes where it stopped when run again with the same source. Example, moving
    /// from SQLite to PostgreSQL: `synoptic store copy --from ~/.local/share/synoptic --to
    /// postgres://synoptic@db.example:5432/news`.
    Copy(CopyArgs),
}

#[derive(Debug, Args)]
pub struct CopyArgs {
    /// The store to copy: a directory (SQLite) or a PostgreSQL URL. Default: `--store`.
    #[arg(long, value_name = "DIR|URL")]
    pub from: Option<PathBuf>,

    /// The store to fill: a directory (SQLite) or a PostgreSQL URL.
    #[arg(long, value_name = "DIR|URL")]
    pub to: PathBuf,

    /// Articles (events, stories) per committed batch.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub batch_size: usize,
}

#[derive(Debug, Args)]
pub struct RefreshArgs {
    /// Worker threads (0: all cores).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// Keep running: build synopses as ingests (in other processes) leave them stale, until ctrl-c or
    /// SIGTERM. Any number of `refresh --follow` processes can share the work; each event is claimed by one.
    #[arg(long)]
    pub follow: bool,

    /// With --follow: milliseconds between looks at the store when there is nothing to build.
    #[arg(long, value_name = "MS", default_value_t = 250)]
    pub poll_ms: u64,

    /// Events claimed (and built, then stored in one transaction) at a time.
    #[arg(long, value_name = "N", default_value_t = synoptic_ingest::synopses::GROUP_EVENTS)]
    pub claim: usize,

    /// Print one machine-readable line `built EVENT_ID` on stderr for each synopsis stored.
    #[arg(long)]
    pub progress_lines: bool,
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Extraction quality: precision, recall and F1 of 4-word shingles against gold article bodies.
    ///
    /// Example: `synoptic eval extract --gold ground-truth.json --html html/`
    /// Pages are read from `<DIR>/<id>.html.gz` or `<DIR>/<id>.html`. After the totals comes one line per
    /// source (`sources.json` beside the gold file) and per half of the set (a fixed hash of the page id;
    /// half 1 is the held-out half when rules are developed on half 0).
    Extract(EvalExtractArgs),

    /// Clustering quality: B-cubed and pairwise precision, recall and F1 of events (and stories).
    ///
    /// Gold is JSON Lines: `{"id"|"source": ..., "event": label, "story": label?}`. Scores the store, or
    /// with `--input`, a one-shot run over those inputs.
    Cluster(EvalClusterArgs),

    /// Copy detection alone, against a generated stream's gold (`gold_copy_of`): recall, precision, speed.
    ///
    /// Runs signature, LSH candidates and tier classification in stream order over the records' bodies,
    /// linking each to the origin of its best copy; the time is of the detection only (not the reading).
    /// Example: `synoptic synth --articles 10000 > s.jsonl && synoptic eval copies --input s.jsonl`.
    Copies(EvalCopiesArgs),
}

#[derive(Debug, Args)]
pub struct EvalExtractArgs {
    /// Gold bodies: a JSON object `{id: {"articleBody": ...}}`.
    #[arg(long, value_name = "FILE")]
    pub gold: PathBuf,

    /// Folder of pages named `<id>.html.gz` or `<id>.html`.
    #[arg(long, value_name = "DIR")]
    pub html: PathBuf,

    /// Also print one line per page (id, precision, recall).
    #[arg(long)]
    pub pages: bool,

    /// Page sources for the per-source lines: a JSON object `{id: {"source": name}}` (default:
    /// `sources.json` beside the gold file, else the id up to its first `-`).
    #[arg(long, value_name = "FILE")]
    pub sources: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EvalClusterArgs {
    /// Gold labels as JSON Lines.
    #[arg(long, value_name = "FILE")]
    pub gold: PathBuf,

    /// Inputs to cluster one shot (instead of the store).
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub input: Vec<String>,

    /// Largest input read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = synoptic_ingest::fetch::DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
}

#[derive(Debug, Args)]
pub struct EvalCopiesArgs {
    /// A JSON Lines stream with gold copy links (as `synoptic synth` writes).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,

    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,

    /// Also print each missed gold copy and each wrong link (position, origin, similarities).
    #[arg(long)]
    pub misses: bool,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Number of articles.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub articles: usize,

    /// Random seed: the same seed gives the same stream.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,

    /// Mean words per article.
    #[arg(long, value_name = "W", default_value_t = 600)]
    pub words: usize,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:7878")]
    pub addr: String,

    /// Bearer token required for writes (POST /api/articles). Without one, writes are refused.
    #[arg(long, env = "SYNOPTIC_TOKEN", value_name = "TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Publish posted articles to a Kafka topic (HOST:PORT/TOPIC) instead of ingesting them; a `consume`
    /// process ingests them. POST then answers 202 once the broker acknowledged them.
    #[cfg(feature = "kafka")]
    #[arg(long, value_name = "HOST:PORT/TOPIC")]
    pub publish_to: Option<String>,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// An OPML file listing feeds, or feed URLs.
    #[arg(value_name = "FEEDS.opml|URL", required = true)]
    pub feeds: Vec<String>,

    /// Seconds between polls of one feed.
    #[arg(long, value_name = "SECS", default_value_t = 900)]
    pub interval: u64,

    /// Publish new items to a Kafka topic (HOST:PORT/TOPIC) instead of ingesting them.
    #[cfg(feature = "kafka")]
    #[arg(long, value_name = "HOST:PORT/TOPIC")]
    pub publish_to: Option<String>,
}
