//! One named input to articles: load its bytes (file, stdin or URL, under the size cap), then hand them to
//! the readers of `synoptic-extract`. Every failure comes back as a problem line, never as an error.

use std::time::{Duration, Instant};

use synoptic_extract::{Input, ReadOptions};
use synoptic_model::Article;

use crate::fetch::{DEFAULT_MAX_BYTES, FetchOptions, Fetcher};
use crate::inputs::{self, Source};

/// How inputs are read.
#[derive(Debug, Clone)]
pub struct ReadConfig {
    /// Largest input accepted (files, stdin, response bodies, and gzip output).
    pub max_bytes: u64,
    pub fetcher: Fetcher,
}

impl Default for ReadConfig {
    fn default() -> Self {
        ReadConfig::with_max_bytes(DEFAULT_MAX_BYTES)
    }
}

impl ReadConfig {
    pub fn with_max_bytes(max_bytes: u64) -> ReadConfig {
        ReadConfig { max_bytes, fetcher: Fetcher::new(FetchOptions { max_bytes, ..FetchOptions::default() }) }
    }
}

/// A problem with (part of) an input: which one and why. Printed as `<input>: <reason>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputIssue {
    pub input: String,
    pub reason: String,
}

impl std::fmt::Display for InputIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.input, self.reason)
    }
}

/// What reading one input gave.
#[derive(Debug, Clone, Default)]
pub struct InputRead {
    pub name: String,
    pub articles: Vec<Article>,
    pub issues: Vec<InputIssue>,
    /// Time spent getting the bytes, and turning them into articles.
    pub read_time: Duration,
    pub extract_time: Duration,
}

impl InputRead {
    /// The input gave nothing usable.
    pub fn skipped(&self) -> bool {
        self.articles.is_empty()
    }
}

/// Read one source. Never fails: what goes wrong is in [`InputRead::issues`].
pub fn read_source(source: &Source, cfg: &ReadConfig) -> InputRead {
    let name = source.name();
    let started = Instant::now();
    let loaded = inputs::load(source, cfg.max_bytes, &cfg.fetcher);
    let read_time = started.elapsed();
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(e) => {
            let issues = vec![InputIssue { input: name.clone(), reason: e.to_string() }];
            return InputRead { name, articles: Vec::new(), issues, read_time, extract_time: Duration::ZERO };
        }
    };
    let started = Instant::now();
    let input = Input {
        source: &name,
        bytes: &loaded.bytes,
        content_type: loaded.content_type.as_deref(),
        url: loaded.url.as_deref(),
    };
    let opts = ReadOptions { max_bytes: usize::try_from(cfg.max_bytes).unwrap_or(usize::MAX) };
    let outcome = synoptic_extract::read(&input, &opts);
    let extract_time = started.elapsed();
    let issues = outcome.problems.into_iter().map(|p| InputIssue { input: p.source, reason: p.reason }).collect();
    InputRead { name, articles: outcome.articles, issues, read_time, extract_time }
}
