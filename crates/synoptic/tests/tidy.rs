//! Checks that are not behaviour tests but keep the tree honest: every module says what it is for, and the
//! pure crates stay pure (no IO runtimes, no database, no HTTP in extraction and analysis).

use std::fs;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" || name == "fixtures" {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, out);
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_module_opens_with_a_doc_line() {
    let root = repo_root();
    let mut files = Vec::new();
    for dir in ["crates", "xtask"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 10, "found only {} Rust files under {}", files.len(), root.display());
    let missing: Vec<String> = files
        .iter()
        .filter(|p| {
            let text = fs::read_to_string(p).unwrap_or_default();
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            !first.starts_with("//!")
        })
        .map(|p| p.strip_prefix(&root).unwrap_or(p).display().to_string())
        .collect();
    assert!(missing.is_empty(), "modules without a `//!` first line:\n{}", missing.join("\n"));
}

/// The crates that must stay pure, and the dependencies that would make them impure.
const PURE: &[&str] = &["synoptic-model", "synoptic-extract", "synoptic-analyze", "synoptic-render"];
const IMPURE_DEPS: &[&str] =
    &["tokio", "rusqlite", "ureq", "axum", "hyper", "reqwest", "synoptic-store", "synoptic-ingest", "synoptic-server"];

#[test]
fn pure_crates_have_no_io_dependencies() {
    let root = repo_root();
    for krate in PURE {
        let manifest = root.join("crates").join(krate).join("Cargo.toml");
        let text = fs::read_to_string(&manifest).unwrap_or_else(|e| panic!("{}: {e}", manifest.display()));
        // Only the [dependencies] table matters: dev-dependencies may use anything.
        let deps = text.split("[dependencies]").nth(1).unwrap_or("").split("\n[").next().unwrap_or("");
        for bad in IMPURE_DEPS {
            let found = deps.lines().any(|l| {
                l.trim_start().starts_with(&format!("{bad} "))
                    || l.trim_start().starts_with(&format!("{bad}."))
                    || l.trim_start().starts_with(&format!("{bad}="))
            });
            assert!(!found, "{krate} must stay pure but depends on {bad}");
        }
    }
}

#[test]
fn pure_crates_do_no_io() {
    let root = repo_root();
    for krate in PURE {
        let mut files = Vec::new();
        rust_files(&root.join("crates").join(krate).join("src"), &mut files);
        for file in files {
            let text = fs::read_to_string(&file).unwrap_or_default();
            // Unit tests (the `#[cfg(test)]` module closing a file) may read fixtures; the code may not.
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            for needle in [
                "std::fs::",
                "std::net::",
                "File::open",
                "std::process::Command",
                "SystemTime::now",
                "Utc::now",
                "Local::now",
            ] {
                assert!(
                    !text.contains(needle),
                    "{} uses {needle}: pure crates do no IO and read no clock",
                    file.display()
                );
            }
        }
    }
}
