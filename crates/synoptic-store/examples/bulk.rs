//! Bulk ingest speed and size: store N generated ~600-word articles with annotations, placement and a
//! placement explanation, in batches (one transaction per batch), into a fresh on-disk store, the way the
//! ingest pipeline does; report inserts per second (wall and CPU) and bytes per article; then the same
//! articles again (all duplicates).
//!
//! `cargo run --release -p synoptic-store --example bulk -- [COUNT=20000] [BATCH=500] [DIR]`
//! - `BULK_KEEP=1` keeps the store (to look into it with `sqlite3`);
//! - `BULK_SQL=...` runs SQL on the fresh store first (to try settings);
//! - `BULK_NO_FTS=1` measures the same without the full-text index, to show its share;
//! - `BULK_PER_CALL=1` stores each article with three calls (`insert_article`, `set_placement`, `put_state`
//!   of `explain/<id>`, as the pipeline did before `insert_articles`) instead of one batch call.

use std::time::Instant;
use synoptic_model::{Annotations, Article, EntityKind, EntityMention, FigureMention, QuoteMention, Span};
use synoptic_store::{NewArticle, Store, StoreError};

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

/// One generated article: 8 paragraphs of about 75 words, and annotations the size of a real article's
/// (24 entity mentions of 8 names, 4 quotes, 6 figures), their spans inside the text.
fn article(n: usize) -> (Article, Annotations, Vec<u8>) {
    let mut state = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut rand = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    // Zipf-like: small indices (common words) are far more frequent than large ones.
    let mut next = || {
        let u = rand();
        word((27_000.0 * u * u * u) as usize)
    };
    let title: Vec<String> = (0..8).map(|_| next()).collect();
    let names: Vec<String> = (0..8).map(|i| format!("Name{} Family{}", (n + i) % 500, (n * 7 + i) % 300)).collect();
    let mut text = String::new();
    let mut ann = Annotations::default();
    for p in 0..8 {
        if p > 0 {
            text.push_str("\n\n");
        }
        for w in 0..70 {
            if w > 0 {
                text.push(' ');
            }
            let start = text.len();
            match w % 20 {
                3 | 13 | 17 => {
                    let name = &names[(p * 5 + w) % names.len()];
                    let surface = match name.split_once(' ') {
                        Some((_, family)) if w % 2 == 1 => family.to_string(),
                        _ => name.clone(),
                    };
                    text.push_str(&surface);
                    let kind = if w % 3 == 0 { EntityKind::Person } else { EntityKind::Organization };
                    let span = Span::new(start, text.len());
                    ann.entities.push(EntityMention { span, surface, canonical: name.clone(), kind });
                }
                9 if p % 2 == 0 && w < 20 => {
                    let words: Vec<String> = (0..8).map(|_| next()).collect();
                    let quote = words.join(" ");
                    text.push('“');
                    let q = text.len();
                    text.push_str(&quote);
                    let span = Span::new(q, text.len());
                    text.push('”');
                    let speaker = Some(names[p % names.len()].clone());
                    ann.quotes.push(QuoteMention { span, text: quote, speaker, attribution: Some("explicit".into()) });
                }
                12 if p < 6 && w < 20 => {
                    let value = (n % 1000) as f64 * 1.5 + p as f64;
                    let figure = format!("{value} million");
                    text.push_str(&figure);
                    ann.figures.push(FigureMention {
                        span: Span::new(start, text.len()),
                        text: figure,
                        value: value * 1e6,
                        unit: "people".into(),
                        about: "the people affected".into(),
                        qualifier: None,
                        alternate: None,
                        sentence: Span::new(start.saturating_sub(80), text.len() + 20),
                    });
                }
                _ => text.push_str(&next()),
            }
        }
        text.push('.');
    }
    let mut a = Article::new(format!("bulk/{n}.txt"), Some(title.join(" ")), text);
    a.outlet = Some(format!("Outlet {}", n % 40));
    a.published = chrono::DateTime::parse_from_rfc3339("2025-03-01T12:00:00+00:00").ok();
    let terms: Vec<String> = (0..8).map(|_| format!("{:?}", next())).collect();
    let explain = format!(
        r#"{{"score":{},"threshold":0.2,"text":{},"entities":{},"title":{},"facts":1.0,"decay":1.0,"top_terms":[{}],"runner_up":"ev{}","reason":"score reaches threshold"}}"#,
        rand(),
        rand(),
        rand(),
        rand(),
        terms.join(","),
        n / 10
    );
    (a, ann, explain.into_bytes())
}

/// CPU time of this (single-threaded) process in seconds, where Linux reports it; the machine may be busy,
/// so inserts per CPU-second is the steadier figure.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

type Item = (Article, Annotations, Vec<u8>);

/// The event an article is placed in (ten articles an event).
fn event_of(a: &Article) -> String {
    format!("ev-{}", a.source.len() + a.text.len() / 10)
}

fn store_batch(tx: &synoptic_store::Db, chunk: &[Item], per_call: bool) -> Result<usize, StoreError> {
    let events: Vec<String> = chunk.iter().map(|(a, _, _)| event_of(a)).collect();
    if per_call {
        let mut n = 0;
        for ((a, ann, why), event) in chunk.iter().zip(&events) {
            if tx.insert_article(a, ann)? {
                tx.set_placement(&a.id, None, event)?;
                tx.put_state(&format!("explain/{}", a.id), why)?;
                n += 1;
            }
        }
        return Ok(n);
    }
    let batch: Vec<NewArticle<'_>> = chunk
        .iter()
        .zip(&events)
        .map(|((a, ann, why), event)| NewArticle {
            event: Some(event),
            explanation: Some(why),
            ..NewArticle::new(a, ann)
        })
        .collect();
    Ok(tx.insert_articles(&batch)?.into_iter().filter(|added| *added).count())
}

fn ingest(
    store: &mut Store,
    items: &[Item],
    batch: usize,
    per_call: bool,
) -> Result<(usize, f64, Option<f64>), StoreError> {
    let cpu = cpu_seconds();
    let start = Instant::now();
    let mut added = 0;
    for chunk in items.chunks(batch.max(1)) {
        added += store.transaction(|tx| store_batch(tx, chunk, per_call))?;
    }
    let cpu = cpu.and_then(|before| Some(cpu_seconds()? - before));
    Ok((added, start.elapsed().as_secs_f64(), cpu))
}

/// Print a line; a closed pipe (`| head`) is not an error worth a panic.
fn say(line: String) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

fn db_bytes(dir: &std::path::Path) -> u64 {
    ["", "-wal"]
        .iter()
        .filter_map(|ext| std::fs::metadata(dir.join(format!("{}{ext}", synoptic_store::DB_FILE))).ok())
        .map(|m| m.len())
        .sum()
}

fn main() -> Result<(), StoreError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let batch: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(500);
    let dir = args
        .get(2)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("synoptic-bulk-{}", std::process::id())));
    let per_call = std::env::var_os("BULK_PER_CALL").is_some();
    let _ = std::fs::remove_dir_all(&dir);
    let items: Vec<Item> = (0..count).map(article).collect();
    let words: usize = items.iter().map(|(a, _, _)| a.text.split_whitespace().count()).sum();
    let ann_json: usize = items.iter().map(|(_, ann, _)| serde_json::to_string(ann).map_or(0, |s| s.len())).sum();

    let mut store = Store::open(&dir)?;
    if std::env::var_os("BULK_NO_FTS").is_some() {
        // For comparison only: without the full-text index (its insert trigger dropped; search finds nothing).
        let c = rusqlite::Connection::open(dir.join(synoptic_store::DB_FILE)).map_err(StoreError::from)?;
        c.execute_batch("DROP TRIGGER articles_fts_insert").map_err(StoreError::from)?;
    }
    if let Some(sql) = std::env::var_os("BULK_SQL") {
        // Experiments: settings to try (e.g. full-text index options) before ingesting.
        let c = rusqlite::Connection::open(dir.join(synoptic_store::DB_FILE)).map_err(StoreError::from)?;
        c.execute_batch(&sql.to_string_lossy()).map_err(StoreError::from)?;
    }
    let (added, secs, cpu) = ingest(&mut store, &items, batch, per_call)?;
    let per_cpu =
        cpu.map(|c| format!(", {:.0} inserts per CPU-second ({c:.2} s CPU)", added as f64 / c)).unwrap_or_default();
    say(format!(
        "inserted {added} articles (avg {} words, annotations {} bytes as JSON) in {secs:.2} s, batches of {batch}{}: \
         {:.0} inserts/s{per_cpu}",
        words / count.max(1),
        ann_json / count.max(1),
        if per_call { ", one call per write" } else { "" },
        added as f64 / secs
    ));
    let (again, secs, _) = ingest(&mut store, &items, batch, per_call)?;
    say(format!("re-inserted the same {count} (added {again}) in {secs:.2} s: {:.0} checks/s", count as f64 / secs));
    let before = db_bytes(&dir);
    let start = Instant::now();
    store.optimize()?;
    say(format!("optimize (merge the search index, checkpoint) in {:.2} s", start.elapsed().as_secs_f64()));
    let start = Instant::now();
    let hits = store.search(&format!("{} {}", word(200), word(300)), 10)?;
    say(format!(
        "search over {} articles: {} hits in {:.1} ms",
        store.article_count()?,
        hits.len(),
        start.elapsed().as_secs_f64() * 1e3
    ));
    let size = db_bytes(&dir);
    say(format!(
        "database size: {:.1} MB before optimize, {:.1} MB after: {:.0} bytes per article",
        before as f64 / 1e6,
        size as f64 / 1e6,
        size as f64 / count.max(1) as f64
    ));
    store.close()?;
    if std::env::var_os("BULK_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
