//! Extraction speed on the shared benchmark pages: decompresses every page first, then times only
//! [`synoptic_extract::html::extract`] on one thread.
//!
//! `cargo run --release -p synoptic-extract --example extract_speed [-- DIR [ROUNDS]]`
//! (DIR defaults to the shared extraction benchmark, ROUNDS to 5; the best round is reported). On Linux the
//! thread's own CPU time is reported too (from `/proc/thread-self/schedstat`), which stays meaningful when
//! other processes compete for the core.

use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/extraction-benchmark/html")
    });
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5).max(1);
    let mut pages = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry?.path();
        let mut bytes = Vec::new();
        if path.extension().is_some_and(|e| e == "gz") {
            flate2::read::GzDecoder::new(std::fs::File::open(&path)?).read_to_end(&mut bytes)?;
        } else {
            bytes = std::fs::read(&path)?;
        }
        pages.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    let total_bytes: usize = pages.iter().map(String::len).sum();
    let mut best = f64::MAX;
    let mut best_cpu = f64::MAX;
    let mut words = 0usize;
    for _ in 0..rounds {
        let cpu_start = thread_cpu_seconds();
        let start = Instant::now();
        words = 0;
        for page in &pages {
            let got = synoptic_extract::html::extract(page, None);
            words += got.paragraphs.iter().map(|p| p.split_whitespace().count()).sum::<usize>();
        }
        best = best.min(start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu_start, thread_cpu_seconds()) {
            best_cpu = best_cpu.min(b - a);
        }
    }
    println!(
        "{} pages, {:.1} MB: best of {rounds} rounds {:.3} s = {:.0} pages/s, {:.1} MB/s ({} words extracted)",
        pages.len(),
        total_bytes as f64 / 1e6,
        best,
        pages.len() as f64 / best,
        total_bytes as f64 / 1e6 / best,
        words
    );
    if best_cpu < f64::MAX {
        println!(
            "thread CPU time: best {:.3} s = {:.0} pages/s, {:.1} MB/s",
            best_cpu,
            pages.len() as f64 / best_cpu,
            total_bytes as f64 / 1e6 / best_cpu
        );
    }
    Ok(())
}

/// CPU time this thread has run, in seconds (Linux); `None` elsewhere.
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}
