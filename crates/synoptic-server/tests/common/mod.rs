//! Helpers shared by the server's integration tests: temporary store directories and fixture articles.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use synoptic_extract::{Input, ReadOptions};
use synoptic_model::Article;
use synoptic_server::{AppState, Limits};
use synoptic_store::Store;

pub const TOKEN: &str = "test-token-1234";

/// A fresh, empty store directory, removed when dropped.
pub struct TempStore {
    pub dir: PathBuf,
}

impl TempStore {
    pub fn new(tag: &str) -> TempStore {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("synoptic-server-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempStore { dir }
    }

    pub fn state(&self, token: Option<&str>, limits: Limits) -> AppState {
        AppState::open(&self.dir, token.map(str::to_string), limits).unwrap()
    }
}

impl Drop for TempStore {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture_dir().join(name)).unwrap()
}

/// A fixture record read into articles, as the CLI would.
pub fn fixture_articles(name: &str) -> Vec<Article> {
    let bytes = fixture_bytes(name);
    let input = Input { source: name, bytes: &bytes, content_type: None, url: None };
    let out = synoptic_extract::read(&input, &ReadOptions::default());
    assert!(out.problems.is_empty(), "{name}: {:?}", out.problems);
    out.articles
}

/// Ingest fixtures into the store in `dir` through the ingest pipeline.
pub fn ingest_fixtures(dir: &Path, names: &[&str]) {
    let mut store = Store::open(dir).unwrap();
    let articles: Vec<Article> = names.iter().flat_map(|n| fixture_articles(n)).collect();
    synoptic_ingest::ingest_articles(&mut store, articles, &synoptic_ingest::IngestOptions::default()).unwrap();
}
