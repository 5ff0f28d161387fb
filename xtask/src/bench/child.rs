//! Runs one child process and measures it: wall time, exit status and peak resident memory (via `wait4`).
//!
//! The only unsafe code in the workspace lives here: `wait4(2)` is how Linux reports the peak resident set
//! of one child precisely (`ru_maxrss`), without polling `/proc` and missing a short-lived peak.
//!
//! Caveat: Linux carries the parent's peak over into a spawned child's `ru_maxrss` (the peak of the memory
//! image replaced at exec is kept), so the figure is max(child's peak, this process's peak at spawn time).
//! The bench therefore keeps xtask itself small (tens of MiB) until every timed child has run.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// What to do with the child's standard output.
#[derive(Debug, Clone)]
pub enum Output {
    /// Keep it in memory (small outputs: JSON documents, eval results).
    Capture,
    /// Count lines and bytes, keep nothing (large JSON Lines outputs).
    Count,
    /// Write it to this file (generated inputs).
    File(PathBuf),
}

/// How a measured child ended.
#[derive(Debug, Clone)]
pub struct Measured {
    /// Exit code, or `None` when killed by a signal.
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub wall: Duration,
    /// User plus system CPU time of the child (and its reaped descendants).
    pub cpu: Duration,
    /// Peak resident set size of the child, in bytes.
    pub peak_rss: u64,
    /// Captured standard output (empty unless `Output::Capture`).
    pub stdout: Vec<u8>,
    pub stdout_lines: u64,
    /// The last 64 KiB of standard error.
    pub stderr: String,
}

impl Measured {
    /// Exit 0, or 1 ("some inputs skipped", which the CLI uses for partially bad input).
    pub fn ran(&self) -> bool {
        matches!(self.code, Some(0) | Some(1))
    }

    /// One line saying how the child ended, with the end of its stderr, for error messages.
    pub fn failure(&self) -> String {
        let how = match (self.code, self.signal) {
            (Some(c), _) => format!("exit status {c}"),
            (None, Some(s)) => format!("killed by signal {s}"),
            (None, None) => "unknown exit".to_string(),
        };
        let tail: Vec<&str> = self.stderr.lines().rev().take(3).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("{how}: {}", tail.join(" | "))
    }
}

const STDERR_KEEP: usize = 64 * 1024;

/// Spawns `cmd` (stdin closed, stderr captured), handles its stdout as asked and waits for it.
pub fn run(cmd: &mut Command, output: Output) -> Result<Measured> {
    cmd.stdin(Stdio::null()).stderr(Stdio::piped());
    match &output {
        Output::File(path) => {
            let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
            cmd.stdout(Stdio::from(file));
        }
        Output::Capture | Output::Count => {
            cmd.stdout(Stdio::piped());
        }
    }
    let program = format!("{:?}", cmd.get_program());
    let start = Instant::now();
    let mut child = cmd.spawn().with_context(|| format!("starting {program}"))?;
    let pid = child.id();

    let stdout_reader = child.stdout.take().map(|out| {
        let capture = matches!(output, Output::Capture);
        thread::spawn(move || read_stdout(out, capture))
    });
    let stderr_reader = child.stderr.take().map(|err| thread::spawn(move || read_stderr(err)));

    let (status, peak_rss, cpu) = wait_for(pid)?;
    let wall = start.elapsed();

    let (stdout, stdout_lines) = match stdout_reader {
        Some(handle) => handle.join().unwrap_or_default(),
        None => (Vec::new(), 0),
    };
    let stderr = match stderr_reader {
        Some(handle) => handle.join().unwrap_or_default(),
        None => String::new(),
    };
    let (code, signal) = decode_status(status);
    let stdout_lines = match &output {
        Output::File(path) => count_file(path).unwrap_or(0),
        _ => stdout_lines,
    };
    Ok(Measured { code, signal, wall, cpu, peak_rss, stdout, stdout_lines, stderr })
}

fn read_stdout(out: impl Read, capture: bool) -> (Vec<u8>, u64) {
    let mut reader = BufReader::with_capacity(1 << 16, out);
    let mut kept = Vec::new();
    let mut lines = 0u64;
    loop {
        let chunk = match reader.fill_buf() {
            Ok([]) | Err(_) => break,
            Ok(chunk) => chunk,
        };
        lines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        if capture {
            kept.extend_from_slice(chunk);
        }
        let n = chunk.len();
        reader.consume(n);
    }
    (kept, lines)
}

fn read_stderr(err: impl Read) -> String {
    let mut reader = BufReader::new(err);
    let mut tail: Vec<u8> = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                tail.extend_from_slice(&buf[..n]);
                if tail.len() > 2 * STDERR_KEEP {
                    tail.drain(..tail.len() - STDERR_KEEP);
                }
            }
        }
    }
    if tail.len() > STDERR_KEEP {
        tail.drain(..tail.len() - STDERR_KEEP);
    }
    String::from_utf8_lossy(&tail).into_owned()
}

fn count_file(path: &std::path::Path) -> Result<u64> {
    let file = File::open(path)?;
    Ok(read_stdout(file, false).1)
}

fn decode_status(status: i32) -> (Option<i32>, Option<i32>) {
    if libc::WIFEXITED(status) {
        (Some(libc::WEXITSTATUS(status)), None)
    } else if libc::WIFSIGNALED(status) {
        (None, Some(libc::WTERMSIG(status)))
    } else {
        (None, None)
    }
}

/// Waits for the child `pid` and returns its raw wait status, peak resident set size in bytes and CPU time.
#[allow(unsafe_code)]
fn wait_for(pid: u32) -> Result<(i32, u64, Duration)> {
    let pid = libc::pid_t::try_from(pid).context("child pid out of range")?;
    loop {
        let mut status: libc::c_int = 0;
        // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `pid` is our own child, not yet reaped (the `Child` handle is never waited on), and both
        // out-pointers point to live, writable locals for the duration of the call.
        let ret = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if ret == pid {
            // Linux reports ru_maxrss in KiB.
            let kib = u64::try_from(usage.ru_maxrss).unwrap_or(0);
            let cpu = timeval(usage.ru_utime) + timeval(usage.ru_stime);
            return Ok((status, kib * 1024, cpu));
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            bail!("wait4({pid}): {err}");
        }
    }
}

fn timeval(tv: libc::timeval) -> Duration {
    let secs = u64::try_from(tv.tv_sec).unwrap_or(0);
    let micros = u32::try_from(tv.tv_usec).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_micros(u64::from(micros))
}

/// A line-oriented reader over a file, for the gold of a generated stream.
pub fn file_lines(path: &std::path::Path) -> Result<impl Iterator<Item = std::io::Result<String>>> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    Ok(BufReader::with_capacity(1 << 16, file).lines())
}
