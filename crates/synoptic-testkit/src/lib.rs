//! Test support shared by the crates' integration tests: a database of its own per test on the PostgreSQL
//! server named by `SYNOPTIC_TEST_POSTGRES`, skipped loudly without one and failing under `CI=true`.

use std::path::Path;

/// The environment variable naming a PostgreSQL server for the tests (an administrator's URL, e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres`); each test creates a database of its own there.
pub const POSTGRES_ENV: &str = "SYNOPTIC_TEST_POSTGRES";

/// A database of its own on the test server, dropped (with its connections) when dropped.
pub struct PgDb {
    admin: String,
    name: String,
    /// The database's URL, as `--store` or `Store::open` take it.
    pub url: String,
}

/// Under CI (`CI=true`) a skipped PostgreSQL test is a failure (the backend must not go untested); elsewhere
/// the skip is said loudly on stderr.
pub fn skip_postgres(test: &str, why: &str) {
    assert!(
        std::env::var("CI").map(|v| v != "true").unwrap_or(true),
        "{why} under CI=true: the PostgreSQL tests of {test} cannot be skipped"
    );
    eprintln!("SKIPPED (PostgreSQL tests of {test}): {why}");
}

/// The test server's administrator URL, or `None` (see [`skip_postgres`]) when none is configured.
pub fn postgres_server(test: &str) -> Option<String> {
    let url = std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty());
    if url.is_none() {
        skip_postgres(test, &format!("{POSTGRES_ENV} is not set (postgres://USER@HOST:PORT/DB)"));
    }
    url
}

impl PgDb {
    /// A fresh, empty database for the test `name` on the configured server, or `None` when there is none
    /// (see [`postgres_server`]).
    pub fn new(name: &str) -> Option<PgDb> {
        postgres_server(name).map(|admin| PgDb::on(&admin, name))
    }

    /// A fresh, empty database for the test `name` on the server at `admin` (a URL ending in a database
    /// name). Named after the process, a counter and `name`, so tests running at once never share one.
    pub fn on(admin: &str, name: &str) -> PgDb {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let clean: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
        let name = format!("synoptic_t{}_{n}_{clean}", std::process::id());
        let mut client = postgres::Client::connect(admin, postgres::NoTls).expect("connect to the test server");
        client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).expect("drop a stale database");
        client.batch_execute(&format!("CREATE DATABASE {name}")).expect("create the test database");
        let base = admin.split('?').next().unwrap_or(admin);
        let url = format!("{}/{name}", &base[..base.rfind('/').expect("a database in the URL")]);
        PgDb { admin: admin.to_string(), name, url }
    }

    /// A plain connection to the test database (for setting up damaged or foreign states).
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("connect to the test database")
    }

    /// The URL as a path, for APIs that take a store location.
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
