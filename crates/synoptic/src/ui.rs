//! The terminal edge: stdout writing (a closed pipe ends the run quietly), problem lines on stderr, the
//! progress bar (only when stderr is a terminal), colour and width decisions.

use std::io::{self, IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How the run talks to the user on stderr.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub quiet: bool,
}

impl Ui {
    /// One problem with one input: `synoptic: <input>: <reason>`. Printed even when quiet.
    pub fn problem(&self, what: impl std::fmt::Display) {
        let _ = writeln!(io::stderr().lock(), "synoptic: {what}");
    }

    /// A closing summary or note; silent when quiet.
    pub fn note(&self, what: impl std::fmt::Display) {
        if !self.quiet {
            let _ = writeln!(io::stderr().lock(), "{what}");
        }
    }

    /// A progress bar over `len` steps, drawn only when stderr is a terminal and the run is not quiet.
    pub fn progress(&self, len: u64, what: &str) -> ProgressBar {
        if self.quiet || !io::stderr().is_terminal() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {wide_msg}")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_prefix(what.to_string());
        bar
    }
}

/// Whether stdout is a terminal that wants colour (not when `NO_COLOR` is set).
pub fn colour_stdout() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Width to wrap text output to: the terminal's when stdout is one, else 100.
pub fn width() -> usize {
    if io::stdout().is_terminal()
        && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size()
    {
        return usize::from(w).clamp(40, 160);
    }
    100
}

/// Standard output, buffered. Write errors propagate; [`is_broken_pipe`] tells a closed reader apart.
pub fn stdout() -> io::BufWriter<io::StdoutLock<'static>> {
    io::BufWriter::with_capacity(64 * 1024, io::stdout().lock())
}

/// The reader of our output went away (`synoptic extract ... | head`): not an error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| e.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe))
}

/// Print a JSON value on one line, or pretty over several.
pub fn write_json<T: serde::Serialize>(out: &mut impl Write, value: &T, pretty: bool) -> anyhow::Result<()> {
    // Serialise first, so a closed pipe surfaces as the io::Error that `is_broken_pipe` recognises.
    let mut bytes = if pretty { serde_json::to_vec_pretty(value)? } else { serde_json::to_vec(value)? };
    bytes.push(b'\n');
    out.write_all(&bytes)?;
    Ok(())
}
