//! Speed of the whole HTML path (`read`: decoding, extraction, cleaning, language, id) on the extraction
//! benchmark pages, next to extraction alone. Pages are decompressed first; only reading is timed.
//!
//! `cargo run --release -p synoptic-extract --example read_speed [DIR]`

use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

use synoptic_extract::{Input, ReadOptions, html, read};

fn main() {
    let dir = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/extraction-benchmark/html")
    });
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("skipped: {} absent", dir.display());
        return;
    };
    let mut pages: Vec<(String, Vec<u8>)> = Vec::new();
    for e in entries.flatten() {
        let mut bytes = Vec::new();
        if std::fs::File::open(e.path()).and_then(|f| flate2::read::GzDecoder::new(f).read_to_end(&mut bytes)).is_ok() {
            pages.push((e.file_name().to_string_lossy().into_owned(), bytes));
        }
    }
    let total_mb = pages.iter().map(|(_, b)| b.len()).sum::<usize>() as f64 / 1e6;
    let opts = ReadOptions::default();
    let t = Instant::now();
    let mut articles = 0;
    for (name, bytes) in &pages {
        let source = format!("{name}.html");
        articles += read(&Input { source: &source, bytes, content_type: None, url: None }, &opts).articles.len();
    }
    let read_secs = t.elapsed().as_secs_f64();
    let texts: Vec<String> = pages.iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect();
    let t = Instant::now();
    for text in &texts {
        std::hint::black_box(html::extract(text, None));
    }
    let extract_secs = t.elapsed().as_secs_f64();
    let n = pages.len() as f64;
    println!(
        "{} pages ({total_mb:.1} MB), {articles} articles\nread (whole path): {:.0} pages/s, {:.1} MB/s\nextract only:      {:.0} pages/s",
        pages.len(),
        n / read_secs,
        total_mb / read_secs,
        n / extract_secs
    );
}
