//! What the user named, turned into byte sources: files, directories (recursive, sorted, hidden entries
//! skipped), `-` for standard input, and `http(s)://` URLs; each read whole under a size cap.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::fetch::{self, FetchError, FetchOutcome, Fetcher};

/// One input to read, named the way the user (or the directory walk) named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Stdin,
    Url(String),
}

impl Source {
    /// The name used in messages and in `Article::source`.
    pub fn name(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Stdin => "-".to_string(),
            Source::Url(u) => u.clone(),
        }
    }
}

/// The bytes of one input, with what the transport said about them.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub name: String,
    pub bytes: Vec<u8>,
    /// `Content-Type` of a URL response.
    pub content_type: Option<String>,
    /// The final URL of a fetched page, after redirects.
    pub url: Option<String>,
}

/// Why one input could not be read. The run goes on with the others.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("no such file or directory")]
    NotFound,
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("too large: {size} bytes, the limit is {cap} (--max-bytes)")]
    TooLarge { size: u64, cap: u64 },
    #[error("{0}")]
    Fetch(#[from] FetchError),
}

/// A problem with one named input: which one and why.
#[derive(Debug)]
pub struct InputProblem {
    pub input: String,
    pub error: InputError,
}

/// Expand the user's inputs into sources, in order: directories are walked recursively in sorted order,
/// skipping hidden entries (names starting with `.`). Paths that do not exist come back as problems.
pub fn expand(inputs: &[String]) -> (Vec<Source>, Vec<InputProblem>) {
    let mut sources = Vec::new();
    let mut problems = Vec::new();
    for input in inputs {
        if input == "-" {
            sources.push(Source::Stdin);
        } else if fetch::is_url(input) {
            sources.push(Source::Url(input.clone()));
        } else {
            let path = PathBuf::from(input);
            match fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => walk(&path, &mut sources, &mut problems),
                Ok(_) => sources.push(Source::File(path)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    problems.push(InputProblem { input: input.clone(), error: InputError::NotFound })
                }
                Err(e) => problems.push(InputProblem { input: input.clone(), error: InputError::Io(e) }),
            }
        }
    }
    (sources, problems)
}

fn walk(dir: &Path, sources: &mut Vec<Source>, problems: &mut Vec<InputProblem>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(InputProblem { input: dir.display().to_string(), error: InputError::Io(e) });
            return;
        }
    };
    let mut children: Vec<(PathBuf, bool)> = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                problems.push(InputProblem { input: dir.display().to_string(), error: InputError::Io(e) });
                continue;
            }
        };
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        // Follow symlinks when deciding what the entry is.
        let is_dir = fs::metadata(&path).map(|m| m.is_dir()).unwrap_or(false);
        children.push((path, is_dir));
    }
    children.sort();
    for (path, is_dir) in children {
        if is_dir {
            walk(&path, sources, problems);
        } else {
            sources.push(Source::File(path));
        }
    }
}

/// Read one source whole, refusing anything over `max_bytes` without reading it into memory.
pub fn load(source: &Source, max_bytes: u64, fetcher: &Fetcher) -> Result<Loaded, InputError> {
    let name = source.name();
    match source {
        Source::File(path) => {
            let file = fs::File::open(path).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => InputError::NotFound,
                _ => InputError::Io(e),
            })?;
            let size = file.metadata()?.len();
            if size > max_bytes {
                return Err(InputError::TooLarge { size, cap: max_bytes });
            }
            let bytes = read_capped(file, max_bytes)?;
            Ok(Loaded { name, bytes, content_type: None, url: None })
        }
        Source::Stdin => {
            let bytes = read_capped(std::io::stdin().lock(), max_bytes)?;
            Ok(Loaded { name, bytes, content_type: None, url: None })
        }
        Source::Url(url) => match fetcher.get(url, None)? {
            FetchOutcome::Fetched(f) => {
                Ok(Loaded { name, bytes: f.bytes, content_type: f.content_type, url: Some(f.url) })
            }
            // Only a conditional request can get 304; treat a stray one as an empty answer.
            FetchOutcome::NotModified => Ok(Loaded { name, bytes: Vec::new(), content_type: None, url: None }),
        },
    }
}

fn read_capped(reader: impl Read, max_bytes: u64) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::new();
    reader.take(max_bytes.saturating_add(1)).read_to_end(&mut bytes)?;
    let size = bytes.len() as u64;
    if size > max_bytes {
        return Err(InputError::TooLarge { size, cap: max_bytes });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("synoptic-inputs-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn walks_sorted_skipping_hidden_and_reports_missing() {
        let dir = tempdir("walk");
        fs::create_dir_all(dir.join("b")).unwrap();
        fs::create_dir_all(dir.join(".git")).unwrap();
        for f in ["b/2.txt", "a.txt", ".hidden", ".git/x", "c.txt"] {
            fs::write(dir.join(f), "x").unwrap();
        }
        let missing = dir.join("nope").display().to_string();
        let (sources, problems) = expand(&[dir.display().to_string(), missing.clone(), "-".into()]);
        let names: Vec<String> = sources.iter().map(|s| s.name()).collect();
        let rel: Vec<String> =
            names.iter().map(|n| n.strip_prefix(&dir.display().to_string()).unwrap_or(n).to_string()).collect();
        assert_eq!(rel, ["/a.txt", "/b/2.txt", "/c.txt", "-"]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].input, missing);
        assert!(matches!(problems[0].error, InputError::NotFound));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn size_cap_refuses_large_files() {
        let dir = tempdir("cap");
        let path = dir.join("big.txt");
        fs::write(&path, vec![b'a'; 100]).unwrap();
        let fetcher = Fetcher::default();
        let err = load(&Source::File(path.clone()), 99, &fetcher).unwrap_err();
        assert!(matches!(err, InputError::TooLarge { size: 100, cap: 99 }), "{err}");
        let ok = load(&Source::File(path), 100, &fetcher).unwrap();
        assert_eq!(ok.bytes.len(), 100);
        let _ = fs::remove_dir_all(&dir);
    }
}
