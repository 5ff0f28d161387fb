//! `synoptic extract`: clean articles as JSON Lines on stdout (the contract's Article without `event` and
//! `copy_of`), nothing stored. Inputs are read on `--jobs` worker threads; output and problem lines come
//! out in input order, exactly as one thread would write them.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

use serde::Serialize;
use synoptic_ingest::inputs::{self, Source};
use synoptic_ingest::read::{InputIssue, InputRead, ReadConfig, read_source_each};
use synoptic_model::{Article, Timestamp};

use crate::cli::ExtractArgs;
use crate::reading::ReadSummary;
use crate::ui::{self, Ui};

pub fn run(args: &ExtractArgs, ui: Ui) -> anyhow::Result<u8> {
    let (sources, missing) = inputs::expand(&args.input.paths);
    let mut summary = ReadSummary { inputs: sources.len() + missing.len(), ..ReadSummary::default() };
    for p in &missing {
        ui.problem(format_args!("{}: {}", p.input, p.error));
        summary.problems += 1;
        summary.skipped += 1;
    }
    let cfg = ReadConfig::with_max_bytes(args.input.max_bytes);
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .clamp(1, sources.len().max(1));
    let mut sink = Sink { out: ui::stdout(), bar: ui.progress(sources.len() as u64, "reading"), ui, summary };
    if jobs == 1 {
        for source in &sources {
            sink.bar.set_message(source.name());
            let mut articles = 0usize;
            let mut failed: Option<anyhow::Error> = None;
            read_source_each(source, &cfg, &mut |read| {
                if failed.is_none() {
                    let part = render(read);
                    articles += part.articles;
                    failed = sink.write(part).err();
                }
            });
            if let Some(e) = failed {
                return Err(e);
            }
            sink.input_done(articles);
        }
    } else {
        run_parallel(&sources, &cfg, jobs, &mut sink)?;
    }
    sink.out.flush()?;
    sink.bar.finish_and_clear();
    ui.note(sink.summary.line());
    Ok(sink.summary.exit_code())
}

/// One input's part, ready to print: its problems and its articles as JSON Lines.
struct Part {
    issues: Vec<InputIssue>,
    articles: usize,
    json: Vec<u8>,
}

/// Serialise the articles of one read (pure work, done on the workers).
fn render(read: InputRead) -> Part {
    let mut json = Vec::with_capacity(read.articles.iter().map(|a| a.text.len() + 512).sum());
    let mut articles = 0;
    for a in &read.articles {
        // Serialising borrowed strings and timestamps cannot fail; an article that somehow did is left out
        // rather than half-written.
        let start = json.len();
        if serde_json::to_writer(&mut json, &Extracted::from(a)).is_ok() {
            json.push(b'\n');
            articles += 1;
        } else {
            json.truncate(start);
        }
    }
    Part { issues: read.issues, articles, json }
}

/// Where parts go, in input order: stdout, the problem lines on stderr, the progress bar, the summary.
struct Sink {
    out: std::io::BufWriter<std::io::StdoutLock<'static>>,
    bar: indicatif::ProgressBar,
    ui: Ui,
    summary: ReadSummary,
}

impl Sink {
    fn write(&mut self, part: Part) -> anyhow::Result<()> {
        for issue in &part.issues {
            self.bar.suspend(|| self.ui.problem(issue));
            self.summary.problems += 1;
        }
        if !part.json.is_empty() {
            self.out.write_all(&part.json)?;
            // Hand each input's lines on promptly (pipes into `head`, `jq`).
            self.out.flush()?;
        }
        Ok(())
    }

    fn input_done(&mut self, articles: usize) {
        self.summary.articles += articles;
        if articles == 0 {
            self.summary.skipped += 1;
        }
        self.bar.inc(1);
    }
}

/// What a worker sends: a part of input `index`, or `None` when that input is finished.
type Message = (usize, Option<Part>);

/// Read `sources` on `jobs` threads; the calling thread writes the parts in input order. Workers stay at
/// most a window of inputs ahead of the writer, so memory stays bounded whatever the number of inputs.
fn run_parallel(sources: &[Source], cfg: &ReadConfig, jobs: usize, sink: &mut Sink) -> anyhow::Result<()> {
    let window = jobs * 4;
    // (next input to claim, next input to write).
    let progress = Mutex::new((0usize, 0usize));
    let moved = Condvar::new();
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<Message>();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (progress, moved, stop) = (&progress, &moved, &stop);
            scope.spawn(move || {
                loop {
                    let index = {
                        let Ok(mut g) = progress.lock() else { return };
                        while !stop.load(Ordering::Relaxed) && g.0 < sources.len() && g.0 >= g.1 + window {
                            g = match moved.wait(g) {
                                Ok(g) => g,
                                Err(_) => return,
                            };
                        }
                        if stop.load(Ordering::Relaxed) || g.0 >= sources.len() {
                            return;
                        }
                        g.0 += 1;
                        g.0 - 1
                    };
                    read_source_each(&sources[index], cfg, &mut |read| {
                        if !stop.load(Ordering::Relaxed) {
                            let _ = tx.send((index, Some(render(read))));
                        }
                    });
                    if tx.send((index, None)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let result = write_in_order(sources, &rx, sink, &progress, &moved);
        {
            // Under the lock, so no worker can check `stop` and then miss the wake-up.
            let _guard = progress.lock();
            stop.store(true, Ordering::Relaxed);
        }
        moved.notify_all();
        drop(rx);
        result
    })
}

/// Write the parts the workers send, input by input in order, buffering those that arrive early.
fn write_in_order(
    sources: &[Source],
    rx: &mpsc::Receiver<Message>,
    sink: &mut Sink,
    progress: &Mutex<(usize, usize)>,
    moved: &Condvar,
) -> anyhow::Result<()> {
    let mut next = 0usize;
    let mut waiting: BTreeMap<usize, (VecDeque<Part>, bool)> = BTreeMap::new();
    let mut articles = 0usize;
    while next < sources.len() {
        let Ok((index, part)) = rx.recv() else { break };
        let entry = waiting.entry(index).or_default();
        match part {
            Some(p) => entry.0.push_back(p),
            None => entry.1 = true,
        }
        // Write whatever the head of the line now allows.
        while let Some((parts, done)) = waiting.get_mut(&next) {
            while let Some(p) = parts.pop_front() {
                articles += p.articles;
                sink.write(p)?;
            }
            if !*done {
                break;
            }
            waiting.remove(&next);
            sink.bar.set_message(sources.get(next + 1).map(Source::name).unwrap_or_default());
            sink.input_done(std::mem::take(&mut articles));
            next += 1;
            if let Ok(mut g) = progress.lock() {
                g.1 = next;
            }
            moved.notify_all();
        }
    }
    Ok(())
}

/// The Article as `synoptic extract` prints it: without `event` and `copy_of`, keys in alphabetical order
/// (the order of the contract's JSON objects).
#[derive(Serialize)]
struct Extracted<'a> {
    author: &'a Option<String>,
    credits: &'a [String],
    #[serde(skip_serializing_if = "SortedExtra::is_empty")]
    extra: SortedExtra<'a>,
    id: &'a str,
    language: &'a Option<String>,
    outlet: &'a Option<String>,
    published: &'a Option<Timestamp>,
    source: &'a str,
    text: &'a str,
    title: &'a Option<String>,
    url: &'a Option<String>,
}

/// `ArticleExtra` with its keys in alphabetical order.
#[derive(Serialize)]
struct SortedExtra<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    description: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    modified: &'a Option<Timestamp>,
}

impl SortedExtra<'_> {
    fn is_empty(&self) -> bool {
        self.description.is_none() && self.modified.is_none()
    }
}

impl<'a> From<&'a Article> for Extracted<'a> {
    fn from(a: &'a Article) -> Self {
        Extracted {
            author: &a.author,
            credits: &a.credits,
            extra: SortedExtra { description: &a.extra.description, modified: &a.extra.modified },
            id: &a.id,
            language: &a.language,
            outlet: &a.outlet,
            published: &a.published,
            source: &a.source,
            text: &a.text,
            title: &a.title,
            url: &a.url,
        }
    }
}
