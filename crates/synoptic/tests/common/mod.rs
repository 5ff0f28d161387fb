//! Helpers shared by the binary's tests: run the built `synoptic`, make scratch directories, read the
//! contract document back from a store.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The built binary, with a private store directory and no inherited store or token settings.
pub fn synoptic(store: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_synoptic"));
    cmd.env_remove("SYNOPTIC_STORE").env_remove("SYNOPTIC_TOKEN").env("NO_COLOR", "1");
    cmd.arg("--store").arg(store);
    cmd
}

/// Run and capture; the binary must not have crashed (a panic exits 101).
pub fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("the synoptic binary runs");
    assert_ne!(out.status.code(), Some(101), "panicked: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.code().is_some(), "killed by a signal: {}", String::from_utf8_lossy(&out.stderr));
    out
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fresh, empty scratch directory for one test.
pub fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synoptic-cli-test-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// The whole store as the contract document (`synoptic export`).
pub fn export(store: &Path) -> serde_json::Value {
    let out = run(synoptic(store).arg("export"));
    assert_eq!(out.status.code(), Some(0), "export failed: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("export prints JSON")
}

/// Number of articles in the store.
pub fn article_count(store: &Path) -> usize {
    export(store)["articles"].as_array().map_or(0, Vec::len)
}

/// The repository's `shared/` folder (beside the repository), when present.
pub fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    dir.is_dir().then_some(dir)
}

/// A plain-text article in the seeds' form: a title line, a blank line, paragraphs.
pub fn text_article(title: &str, paragraphs: &[&str]) -> String {
    format!("{title}\n\n{}\n", paragraphs.join("\n\n"))
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
                "{POSTGRES_ENV} is not set under CI=true: the PostgreSQL tests cannot be skipped"
            );
            eprintln!("SKIPPED (PostgreSQL test {name}): set {POSTGRES_ENV}=postgres://USER@HOST:PORT/DB to run it");
            return None;
        };
        let clean: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
        let name = format!("synoptic_c{}_{clean}", std::process::id());
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("connect to the test server");
        client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).unwrap();
        client.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let base = admin.split('?').next().unwrap_or(&admin);
        let url = format!("{}/{name}", &base[..base.rfind('/').expect("a database in the URL")]);
        Some(PgDb { admin, name, url })
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
