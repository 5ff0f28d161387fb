//! One named input to articles: load its bytes (file, stdin or URL, under the size cap), then hand them to
//! the readers of `synoptic-extract`. Every failure comes back as a problem line, never as an error.
//!
//! Large JSON Lines files (exports, generated streams) are read in chunks of whole lines, so their size is
//! not limited by the cap (each record is) and memory stays bounded; every other input over the cap is
//! skipped with a message.

use std::io::{BufRead, Read};
use std::time::{Duration, Instant};

use synoptic_extract::{Input, ReadOptions};
use synoptic_model::Article;

use crate::fetch::{DEFAULT_MAX_BYTES, FetchOptions, Fetcher};
use crate::inputs::{self, Source};

/// How inputs are read.
#[derive(Debug, Clone)]
pub struct ReadConfig {
    /// Largest input accepted (files, stdin, response bodies, and gzip output).
    pub max_bytes: u64,
    pub fetcher: Fetcher,
}

impl Default for ReadConfig {
    fn default() -> Self {
        ReadConfig::with_max_bytes(DEFAULT_MAX_BYTES)
    }
}

impl ReadConfig {
    pub fn with_max_bytes(max_bytes: u64) -> ReadConfig {
        ReadConfig { max_bytes, fetcher: Fetcher::new(FetchOptions { max_bytes, ..FetchOptions::default() }) }
    }
}

/// A problem with (part of) an input: which one and why. Printed as `<input>: <reason>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputIssue {
    pub input: String,
    pub reason: String,
}

impl std::fmt::Display for InputIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.input, self.reason)
    }
}

/// What reading one input gave.
#[derive(Debug, Clone, Default)]
pub struct InputRead {
    pub name: String,
    pub articles: Vec<Article>,
    pub issues: Vec<InputIssue>,
    /// Time spent getting the bytes, and turning them into articles.
    pub read_time: Duration,
    pub extract_time: Duration,
}

impl InputRead {
    /// The input gave nothing usable.
    pub fn skipped(&self) -> bool {
        self.articles.is_empty()
    }
}

/// Read one source. Never fails: what goes wrong is in [`InputRead::issues`].
pub fn read_source(source: &Source, cfg: &ReadConfig) -> InputRead {
    let name = source.name();
    let started = Instant::now();
    let loaded = inputs::load(source, cfg.max_bytes, &cfg.fetcher);
    let read_time = started.elapsed();
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(e) => {
            let issues = vec![InputIssue { input: name.clone(), reason: e.to_string() }];
            return InputRead { name, articles: Vec::new(), issues, read_time, extract_time: Duration::ZERO };
        }
    };
    let started = Instant::now();
    let input = Input {
        source: &name,
        bytes: &loaded.bytes,
        content_type: loaded.content_type.as_deref(),
        url: loaded.url.as_deref(),
    };
    let opts = ReadOptions { max_bytes: usize::try_from(cfg.max_bytes).unwrap_or(usize::MAX) };
    let outcome = synoptic_extract::read(&input, &opts);
    let extract_time = started.elapsed();
    let issues = outcome.problems.into_iter().map(|p| InputIssue { input: p.source, reason: p.reason }).collect();
    InputRead { name, articles: outcome.articles, issues, read_time, extract_time }
}

/// JSON Lines files larger than this (or than the input cap) are read in chunks of about this size.
pub const STREAM_CHUNK: usize = 8 << 20;

/// Read one source, handing on its articles and issues in one or more parts (several for a large JSON
/// Lines file). Never fails.
pub fn read_source_each(source: &Source, cfg: &ReadConfig, each: &mut dyn FnMut(InputRead)) {
    if let Source::File(path) = source
        && let Ok(meta) = std::fs::metadata(path)
        && meta.len() > chunk_limit(cfg) as u64
        && is_json_lines(path, &source.name())
    {
        stream_json_lines(path, &source.name(), cfg, each);
        return;
    }
    each(read_source(source, cfg));
}

/// Size of one chunk of a streamed JSON Lines file: at most the input cap.
fn chunk_limit(cfg: &ReadConfig) -> usize {
    STREAM_CHUNK.min(usize::try_from(cfg.max_bytes).unwrap_or(usize::MAX)).max(1)
}

/// A plain (not gzip) file whose start the readers take for JSON Lines.
fn is_json_lines(path: &std::path::Path, name: &str) -> bool {
    let mut head = Vec::with_capacity(8192);
    let Ok(file) = std::fs::File::open(path) else { return false };
    if file.take(8192).read_to_end(&mut head).is_err() {
        return false;
    }
    !head.starts_with(&[0x1f, 0x8b]) && synoptic_extract::sniff(&head, name) == synoptic_extract::Format::JsonLines
}

fn stream_json_lines(path: &std::path::Path, name: &str, cfg: &ReadConfig, each: &mut dyn FnMut(InputRead)) {
    let started = Instant::now();
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            let issue = InputIssue { input: name.to_string(), reason: e.to_string() };
            each(InputRead { name: name.to_string(), issues: vec![issue], ..InputRead::default() });
            return;
        }
    };
    let max_record = usize::try_from(cfg.max_bytes).unwrap_or(usize::MAX);
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut st = Chunker {
        name,
        cfg,
        chunk: Vec::with_capacity(STREAM_CHUNK + (1 << 20)),
        lines: 0,
        offset: 0,
        issues: Vec::new(),
        read_time: started.elapsed(),
    };
    let mut line: Vec<u8> = Vec::new();
    let mut oversize = false;
    loop {
        let t = Instant::now();
        let (eof, newline) = match reader.fill_buf() {
            Ok([]) => (true, false),
            Ok(buf) => {
                let (take, newline) = match buf.iter().position(|&b| b == b'\n') {
                    Some(i) => (i + 1, true),
                    None => (buf.len(), false),
                };
                if !oversize {
                    line.extend_from_slice(&buf[..take]);
                }
                reader.consume(take);
                (false, newline)
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                st.issues.push(InputIssue { input: name.to_string(), reason: format!("read error: {e}") });
                (true, false)
            }
        };
        st.read_time += t.elapsed();
        if !oversize && line.len() > max_record {
            oversize = true;
            line = Vec::new();
        }
        if newline || (eof && (oversize || !line.is_empty())) {
            if oversize {
                // Records after it keep their numbers: close the chunk, count the record, skip it.
                st.flush(each);
                st.offset += 1;
                let n = st.offset;
                st.issues.push(InputIssue {
                    input: format!("{name}#{n}"),
                    reason: format!("line {n}: record larger than the {max_record}-byte limit"),
                });
                oversize = false;
            } else if !line.iter().all(u8::is_ascii_whitespace) {
                if st.lines == 0 && serde_json::from_slice::<serde_json::Value>(&line).is_err() {
                    // A chunk must open with a valid record, or the readers would not take it for JSON Lines.
                    st.offset += 1;
                    let n = st.offset;
                    st.issues
                        .push(InputIssue { input: format!("{name}#{n}"), reason: format!("line {n}: invalid JSON") });
                } else {
                    st.chunk.extend_from_slice(&line);
                    if !st.chunk.ends_with(b"\n") {
                        st.chunk.push(b'\n');
                    }
                    st.lines += 1;
                }
            }
            line.clear();
        }
        if st.chunk.len() >= chunk_limit(cfg) || eof {
            st.flush(each);
        }
        if eof {
            break;
        }
    }
}

/// The state of a chunked JSON Lines read.
struct Chunker<'a> {
    name: &'a str,
    cfg: &'a ReadConfig,
    chunk: Vec<u8>,
    /// Records in `chunk`.
    lines: usize,
    /// Records before `chunk`.
    offset: usize,
    issues: Vec<InputIssue>,
    read_time: Duration,
}

impl Chunker<'_> {
    /// Read the records gathered so far and hand them on with the issues met.
    fn flush(&mut self, each: &mut dyn FnMut(InputRead)) {
        if self.chunk.is_empty() && self.issues.is_empty() {
            return;
        }
        let mut part = read_chunk(self.name, &self.chunk, self.offset, self.cfg);
        part.read_time = std::mem::take(&mut self.read_time);
        let mut issues = std::mem::take(&mut self.issues);
        issues.append(&mut part.issues);
        part.issues = issues;
        self.offset += self.lines;
        self.lines = 0;
        self.chunk.clear();
        each(part);
    }
}

/// Read one chunk of whole JSON Lines, numbering its records after the `offset` records before it.
fn read_chunk(name: &str, chunk: &[u8], offset: usize, cfg: &ReadConfig) -> InputRead {
    let started = Instant::now();
    let mut part = InputRead { name: name.to_string(), ..InputRead::default() };
    if chunk.is_empty() {
        return part;
    }
    let input = Input { source: name, bytes: chunk, content_type: None, url: None };
    let opts = ReadOptions { max_bytes: chunk.len().max(usize::try_from(cfg.max_bytes).unwrap_or(usize::MAX)) };
    let outcome = synoptic_extract::read(&input, &opts);
    let renumber = |s: String| -> String {
        match s.strip_prefix(name).and_then(|r| r.strip_prefix('#')).and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => format!("{name}#{}", n + offset),
            None => s,
        }
    };
    part.articles = outcome
        .articles
        .into_iter()
        .map(|mut a| {
            a.source = renumber(std::mem::take(&mut a.source));
            a
        })
        .collect();
    part.issues = outcome
        .problems
        .into_iter()
        .map(|p| {
            let reason = match p.reason.strip_prefix("line ").and_then(|r| r.split_once(':')) {
                Some((n, rest)) if n.parse::<usize>().is_ok() => {
                    format!("line {}:{rest}", n.parse::<usize>().unwrap_or(0) + offset)
                }
                _ => p.reason,
            };
            InputIssue { input: renumber(p.source), reason }
        })
        .collect();
    part.extract_time = started.elapsed();
    part
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_json_lines_stream_in_chunks_keeping_record_numbers() {
        let dir = std::env::temp_dir().join(format!("synoptic-read-stream-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.jsonl");
        let mut text = String::new();
        for i in 1..=40 {
            match i {
                10 => text.push_str("{not json\n"),
                20 => text.push_str(&format!("{{\"title\": \"x\", \"text\": \"{}\"}}\n", "long ".repeat(400))),
                25 => text.push_str("\n   \n"), // blank lines do not count as records
                _ => {}
            }
            if i == 10 || i == 20 {
                continue;
            }
            text.push_str(&serde_json::json!({
                "title": format!("Record number {i} of the stream"),
                "text": format!("The council of town {i} met on Monday and agreed a budget for the new school, the harbour and the roads after a long debate.")
            }).to_string());
            text.push('\n');
        }
        std::fs::write(&path, &text).unwrap();
        let cfg = ReadConfig::with_max_bytes(1000);
        let mut parts = Vec::new();
        read_source_each(&Source::File(path.clone()), &cfg, &mut |part| parts.push(part));
        assert!(parts.len() > 5, "read in many chunks: {}", parts.len());
        let name = path.display().to_string();
        let sources: Vec<String> = parts.iter().flat_map(|p| p.articles.iter().map(|a| a.source.clone())).collect();
        let want: Vec<String> = (1..=40).filter(|i| *i != 10 && *i != 20).map(|i| format!("{name}#{i}")).collect();
        assert_eq!(sources, want);
        let titles_match = parts.iter().flat_map(|p| &p.articles).all(|a| {
            let n = a.source.rsplit('#').next().unwrap_or("");
            a.title.as_deref() == Some(&format!("Record number {n} of the stream"))
        });
        assert!(titles_match, "each record keeps its own number");
        let issues: Vec<String> = parts.iter().flat_map(|p| p.issues.iter().map(|i| i.input.clone())).collect();
        assert_eq!(issues, [format!("{name}#10"), format!("{name}#20")]);
        // Small files are read whole, as one part.
        let small = dir.join("small.jsonl");
        std::fs::write(&small, text.lines().next().unwrap()).unwrap();
        let mut n = 0;
        read_source_each(&Source::File(small), &cfg, &mut |_| n += 1);
        assert_eq!(n, 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
