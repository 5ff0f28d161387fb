//! Helpers shared by the store's integration tests: scratch directories and article builders.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use synoptic_model::Article;

/// A fresh, empty scratch directory, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("synoptic-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
    pub fn db(&self) -> PathBuf {
        self.0.join(synoptic_store::DB_FILE)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A small article numbered `n`, with an outlet and a date.
pub fn article(n: usize) -> Article {
    let mut a = Article::new(
        format!("gen/{n}.txt"),
        Some(format!("Report number {n} from the valley")),
        format!("The council of Lindqvist met on day {n}.\n\nIt discussed the ferry timetable and item {n}."),
    );
    a.outlet = Some(format!("Outlet {}", n % 7));
    a.published = chrono::DateTime::parse_from_rfc3339("2024-05-01T08:00:00+02:00").ok();
    a
}
