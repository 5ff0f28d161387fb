//! Fuzz target: the whole `read` pipeline (gzip, sniffing, decoding, every reader) on arbitrary bytes; the
//! first byte picks the file name hint.
#![no_main]

use libfuzzer_sys::fuzz_target;
use synoptic_extract::{Input, ReadOptions, read};

const NAMES: [&str; 8] = ["a.txt", "a.html", "a.xml", "a.rss", "a.atom", "a.jsonl", "a.json", "a.gz"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let source = NAMES[usize::from(pick) % NAMES.len()];
    let out = read(&Input { source, bytes, content_type: None, url: None }, &ReadOptions { max_bytes: 1 << 20 });
    for a in &out.articles {
        assert!(!a.text.trim().is_empty(), "empty article text");
    }
});
