//! Checks that are not about behaviour: every module of this crate opens with a `//!` line saying what it
//! is for, and the pure crates' rule that no SQLite type appears in the public API is kept here too.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_module_has_a_doc_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "examples"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() >= 8, "found only {files:?}");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(text.starts_with("//!"), "{} does not open with a //! line", f.display());
    }
}

/// No `rusqlite` name in a public signature of the library: a PostgreSQL backend must fit behind it.
#[test]
fn no_backend_types_in_public_api() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let l = line.trim_start();
            let public = l.starts_with("pub ") && !l.starts_with("pub(crate)");
            assert!(!(public && l.contains("rusqlite")), "{}:{}: {line}", f.display(), n + 1);
        }
    }
}
