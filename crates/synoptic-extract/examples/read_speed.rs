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
    let extracted: Vec<html::Extracted> = texts.iter().map(|t| html::extract(t, None)).collect();
    let t = Instant::now();
    for ex in &extracted {
        std::hint::black_box(synoptic_extract::clean::clean_paragraphs(ex.paragraphs.clone(), ex.title.as_deref()));
    }
    let clean_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for ex in &extracted {
        std::hint::black_box(synoptic_extract::lang::language(&ex.paragraphs.join("\n\n"), None));
    }
    let lang_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for (_, bytes) in &pages {
        std::hint::black_box(synoptic_extract::decode::to_text(bytes, None));
    }
    let decode_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for text in &texts {
        std::hint::black_box(synoptic_extract::page::read(text, "p", None).ok());
    }
    println!("page::read (extract + finish): {:.2} ms per page", t.elapsed().as_secs_f64() * 1e3 / pages.len() as f64);
    println!(
        "time per page: clean {:.2} ms, language {:.2} ms, decode {:.2} ms",
        clean_secs * 1e3 / pages.len() as f64,
        lang_secs * 1e3 / pages.len() as f64,
        decode_secs * 1e3 / pages.len() as f64
    );
    if std::env::var_os("READ_SPEED_RULES").is_some() {
        use synoptic_extract::clean;
        let paras: Vec<String> = extracted.iter().flat_map(|e| e.paragraphs.iter().map(|p| clean::tidy(p))).collect();
        type Rule = (&'static str, fn(&str) -> bool);
        let rules: [Rule; 7] = [
            ("wire_credit", |p| clean::wire_credit(p).is_some()),
            ("byline", |p| clean::byline(p).is_some()),
            ("is_caption", clean::is_caption),
            ("is_photo_credit", clean::is_photo_credit),
            ("is_promo", clean::is_promo),
            ("date_line", |p| clean::date_line(p).is_some()),
            ("tidy", |p| !clean::tidy(p).is_empty()),
        ];
        for (name, rule) in rules {
            let t = Instant::now();
            let hits = paras.iter().filter(|p| rule(p)).count();
            println!(
                "{name}: {:.2} ms total over {} paragraphs ({hits} hits)",
                t.elapsed().as_secs_f64() * 1e3,
                paras.len()
            );
        }
    }
    let n = pages.len() as f64;
    println!(
        "{} pages ({total_mb:.1} MB), {articles} articles\nread (whole path): {:.0} pages/s, {:.1} MB/s\nextract only:      {:.0} pages/s",
        pages.len(),
        n / read_secs,
        total_mb / read_secs,
        n / extract_secs
    );
}
