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

/// The environment variable naming a PostgreSQL server for the tests (an administrator's URL, e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres`); each test creates a database of its own there.
pub const POSTGRES_ENV: &str = "SYNOPTIC_TEST_POSTGRES";

/// A database of its own on the test server, dropped (with its connections) when dropped.
pub struct PgDb {
    admin: String,
    name: String,
    pub url: String,
}

impl PgDb {
    /// A fresh, empty database for the test `name`, or `None` (said loudly) when no server is configured.
    /// Under CI (`CI=true`) a missing server fails the test: the PostgreSQL backend must not go untested.
    pub fn new(name: &str) -> Option<PgDb> {
        let Some(admin) = std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty()) else {
            assert!(
                std::env::var("CI").map(|v| v != "true").unwrap_or(true),
                "{POSTGRES_ENV} is not set under CI=true: the PostgreSQL half of the store tests cannot be skipped"
            );
            eprintln!("SKIPPED (PostgreSQL half of {name}): set {POSTGRES_ENV}=postgres://USER@HOST:PORT/DB to run it");
            return None;
        };
        let clean: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
        let name = format!("synoptic_t{}_{clean}", std::process::id());
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("connect to the test server");
        client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).unwrap();
        client.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let base = admin.split('?').next().unwrap_or(&admin);
        let url = format!("{}/{name}", &base[..base.rfind('/').expect("a database in the URL")]);
        Some(PgDb { admin, name, url })
    }

    /// A plain connection to the test database (for setting up damaged or foreign states).
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).unwrap()
    }

    pub fn path(&self) -> &Path {
        Path::new(&self.url)
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}
