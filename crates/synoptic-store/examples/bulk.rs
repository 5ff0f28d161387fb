//! Bulk ingest speed: insert N small generated articles in batches (one transaction per batch) into a
//! fresh on-disk store and report inserts per second; then the same articles again (all duplicates).
//!
//! `cargo run --release -p synoptic-store --example bulk -- [COUNT=100000] [BATCH=1000] [DIR]`
//! (`BULK_NO_FTS=1` measures the same without the full-text index, to show its share.)

use std::time::Instant;
use synoptic_model::{Annotations, Article};
use synoptic_store::{Store, StoreError};

/// Syllables for a generated vocabulary: real news text has tens of thousands of distinct words with a
/// few very frequent ones, and the full-text index cost depends on that shape.
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mer", "vin", "dra", "tes", "sol", "ur", "pen", "ha", "rik", "mo", "sta", "ne", "gal", "or", "bri",
    "tu", "len", "cas", "fi", "dor", "am", "we", "zel", "pa", "quin", "sy", "ther", "ol",
];

/// Word `i` of a 27 000-word vocabulary (30³ syllable triples).
fn word(i: usize) -> String {
    let n = SYLLABLES.len();
    let mut w = String::new();
    let mut i = i;
    loop {
        w.push_str(SYLLABLES[i % n]);
        i /= n;
        if i == 0 {
            break;
        }
    }
    w
}

fn article(n: usize) -> Article {
    let mut state = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        // Zipf-like: small indices (common words) are far more frequent than large ones.
        let u = (state >> 11) as f64 / (1u64 << 53) as f64;
        word((27_000.0 * u * u * u) as usize)
    };
    let title: Vec<String> = (0..7).map(|_| next()).collect();
    let mut text = String::new();
    for p in 0..3 {
        if p > 0 {
            text.push_str("\n\n");
        }
        let words: Vec<String> = (0..25).map(|_| next()).collect();
        text.push_str(&words.join(" "));
        text.push_str(&format!(" {n}."));
    }
    let mut a = Article::new(format!("bulk/{n}.txt"), Some(title.join(" ")), text);
    a.outlet = Some(format!("Outlet {}", n % 40));
    a.published = chrono::DateTime::parse_from_rfc3339("2025-03-01T12:00:00+00:00").ok();
    a
}

/// CPU time of this (single-threaded) process in seconds, where Linux reports it; the machine may be busy,
/// so inserts per CPU-second is the steadier figure.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn ingest(store: &mut Store, articles: &[Article], batch: usize) -> Result<(usize, f64, Option<f64>), StoreError> {
    let ann = Annotations::default();
    let cpu = cpu_seconds();
    let start = Instant::now();
    let mut added = 0;
    for chunk in articles.chunks(batch.max(1)) {
        added += store.transaction(|tx| {
            let mut n = 0;
            for a in chunk {
                n += usize::from(tx.insert_article(a, &ann)?);
            }
            Ok(n)
        })?;
    }
    let cpu = cpu.and_then(|before| Some(cpu_seconds()? - before));
    Ok((added, start.elapsed().as_secs_f64(), cpu))
}

/// Print a line; a closed pipe (`| head`) is not an error worth a panic.
fn say(line: String) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

fn main() -> Result<(), StoreError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let batch: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let dir = args
        .get(2)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("synoptic-bulk-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&dir);
    let articles: Vec<Article> = (0..count).map(article).collect();
    let bytes: usize = articles.iter().map(|a| a.text.len()).sum();

    let mut store = Store::open(&dir)?;
    if std::env::var_os("BULK_NO_FTS").is_some() {
        // For comparison only: without the full-text index (its insert trigger dropped; search finds nothing).
        let c = rusqlite::Connection::open(dir.join(synoptic_store::DB_FILE)).map_err(StoreError::from)?;
        c.execute_batch("DROP TRIGGER articles_fts_insert").map_err(StoreError::from)?;
    }
    let (added, secs, cpu) = ingest(&mut store, &articles, batch)?;
    let per_cpu =
        cpu.map(|c| format!(", {:.0} inserts per CPU-second ({c:.2} s CPU)", added as f64 / c)).unwrap_or_default();
    say(format!(
        "inserted {added} articles (avg {} bytes) in {secs:.2} s, batches of {batch}: {:.0} inserts/s{per_cpu}",
        bytes / count.max(1),
        added as f64 / secs
    ));
    let (again, secs, _) = ingest(&mut store, &articles, batch)?;
    say(format!("re-inserted the same {count} (added {again}) in {secs:.2} s: {:.0} checks/s", count as f64 / secs));
    let start = Instant::now();
    store.optimize()?;
    say(format!("optimize (merge the search index, checkpoint) in {:.2} s", start.elapsed().as_secs_f64()));
    let start = Instant::now();
    let hits = store.search(&format!("{} {}", word(2000), word(3000)), 10)?;
    say(format!(
        "search over {} articles: {} hits in {:.1} ms",
        store.article_count()?,
        hits.len(),
        start.elapsed().as_secs_f64() * 1e3
    ));
    let size = std::fs::metadata(dir.join(synoptic_store::DB_FILE)).map(|m| m.len()).unwrap_or(0);
    say(format!("database size: {:.1} MB", size as f64 / 1e6));
    store.close()?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
