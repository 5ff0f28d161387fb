//! `synoptic extract --jobs N`: the same bytes on stdout and the same problem lines on stderr, in the same
//! order, whatever the number of worker threads.

mod common;

use std::path::Path;

use common::{run, scratch, stderr, synoptic};

/// Runs `extract` over `inputs` with `jobs` threads: (exit code, stdout, stderr).
fn extract(store: &Path, jobs: usize, inputs: &[&Path]) -> (Option<i32>, Vec<u8>, String) {
    let out = run(synoptic(store).arg("extract").arg("--jobs").arg(jobs.to_string()).args(inputs));
    let err = stderr(&out);
    (out.status.code(), out.stdout, err)
}

/// One check: `--jobs 1` and `--jobs 3` agree byte for byte, and gave `expect_lines` articles.
fn check(tag: &str, inputs: &[&Path], expect_lines: usize) {
    let dir = scratch(tag);
    let one = extract(&dir, 1, inputs);
    let three = extract(&dir, 3, inputs);
    assert_eq!(one.0, three.0, "exit codes");
    assert_eq!(one.2, three.2, "stderr differs");
    assert!(one.1 == three.1, "stdout differs between --jobs 1 and --jobs 3");
    assert_eq!(one.1.iter().filter(|&&b| b == b'\n').count(), expect_lines, "{}", one.2);
}

#[test]
fn jobs_do_not_change_output_on_fixtures_and_bad_inputs() {
    let dir = scratch("extract-jobs-mixed");
    // Good inputs with a missing path, an empty file and a binary file between them: one problem line each.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval-cluster");
    let empty = dir.join("empty.txt");
    let binary = dir.join("image.png");
    let missing = dir.join("missing.html");
    std::fs::write(&empty, "").expect("write");
    std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("write");
    check("extract-jobs-a", &[&fixtures, &empty, &fixtures, &binary, &missing, &fixtures], 12);
    let (code, _, err) = extract(&dir, 3, &[&fixtures, &empty, &binary, &missing]);
    assert_eq!(code, Some(1));
    assert_eq!(err.lines().filter(|l| l.starts_with("synoptic: ")).count(), 3, "{err}");
}

#[test]
fn jobs_do_not_change_output_on_the_extraction_benchmark() {
    let Some(shared) = common::shared() else {
        println!("skipped: ../shared absent");
        return;
    };
    let html = shared.join("data/extraction-benchmark/html");
    if !html.is_dir() {
        println!("skipped: {} absent", html.display());
        return;
    }
    let pages = std::fs::read_dir(&html).map_or(0, Iterator::count);
    check("extract-jobs-bench", &[&html], pages);
}
