//! The embedded store: SQLite (WAL, FTS5), schema versions and migrations. All SQL of Synoptic lives here.
