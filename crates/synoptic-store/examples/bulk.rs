//! Bulk ingest speed: insert N small generated articles in batches (one transaction per batch) into a
//! fresh on-disk store and report inserts per second; then the same articles again (all duplicates).
//!
//! `cargo run --release -p synoptic-store --example bulk -- [COUNT=100000] [BATCH=1000] [DIR]`

use std::time::Instant;
use synoptic_model::{Annotations, Article};
use synoptic_store::{Store, StoreError};

const WORDS: &[&str] = &[
    "council", "river", "harbour", "minister", "election", "budget", "storm", "bridge", "court", "market", "school",
    "hospital", "strike", "ferry", "festival", "police", "border", "treaty", "museum", "airport", "farmers", "prices",
    "report", "mayor", "rail", "energy", "water", "forest", "union", "talks", "said", "on", "the", "a", "of", "in",
    "and", "to", "for", "with", "after", "before", "new", "old", "week", "Monday", "Friday", "city", "village",
];

fn article(n: usize) -> Article {
    let mut state = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        WORDS[(state % WORDS.len() as u64) as usize]
    };
    let title: Vec<&str> = (0..7).map(|_| next()).collect();
    let mut text = String::new();
    for p in 0..3 {
        if p > 0 {
            text.push_str("\n\n");
        }
        let words: Vec<&str> = (0..25).map(|_| next()).collect();
        text.push_str(&words.join(" "));
        text.push_str(&format!(" {n}."));
    }
    let mut a = Article::new(format!("bulk/{n}.txt"), Some(title.join(" ")), text);
    a.outlet = Some(format!("Outlet {}", n % 40));
    a.published = chrono::DateTime::parse_from_rfc3339("2025-03-01T12:00:00+00:00").ok();
    a
}

fn ingest(store: &mut Store, articles: &[Article], batch: usize) -> Result<(usize, f64), StoreError> {
    let ann = Annotations::default();
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
    Ok((added, start.elapsed().as_secs_f64()))
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
    let (added, secs) = ingest(&mut store, &articles, batch)?;
    println!(
        "inserted {added} articles (avg {} bytes) in {secs:.2} s, batches of {batch}: {:.0} inserts/s",
        bytes / count.max(1),
        added as f64 / secs
    );
    let (again, secs) = ingest(&mut store, &articles, batch)?;
    println!("re-inserted the same {count} (added {again}) in {secs:.2} s: {:.0} checks/s", count as f64 / secs);
    let start = Instant::now();
    let hits = store.search("harbour ferry", 10)?;
    println!(
        "search over {} articles: {} hits in {:.1} ms",
        store.article_count()?,
        hits.len(),
        start.elapsed().as_secs_f64() * 1e3
    );
    let size = std::fs::metadata(dir.join(synoptic_store::DB_FILE)).map(|m| m.len()).unwrap_or(0);
    println!("database size: {:.1} MB", size as f64 / 1e6);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
