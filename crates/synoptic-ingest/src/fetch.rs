//! HTTP(S) fetching for URL inputs and the feed watcher: redirects, time-outs, a size cap, a User-Agent
//! naming Synoptic, and conditional GET (ETag / Last-Modified in, "not modified" out).

use std::time::Duration;

use ureq::ResponseExt;

/// The User-Agent every request carries.
pub const USER_AGENT: &str =
    concat!("Synoptic/", env!("CARGO_PKG_VERSION"), " (+https://github.com/synoptic-news/synoptic)");

/// Default cap on a response body (and on any input): 16 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// How a [`Fetcher`] behaves.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Largest body accepted; a larger one is an error, not a truncated read.
    pub max_bytes: u64,
    /// Time allowed to open the connection.
    pub connect_timeout: Duration,
    /// Time allowed for the response headers, and again for the body.
    pub read_timeout: Duration,
    /// Redirects followed before giving up.
    pub max_redirects: u32,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            max_bytes: DEFAULT_MAX_BYTES,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            max_redirects: 10,
        }
    }
}

/// Validators from an earlier fetch of the same URL, for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A successful response body.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL asked for.
    pub requested: String,
    /// The URL the body came from, after redirects.
    pub url: String,
    pub bytes: Vec<u8>,
    /// The `Content-Type` header, as sent.
    pub content_type: Option<String>,
    /// Validators to send next time.
    pub validators: Validators,
}

/// What a (conditional) GET gave.
#[derive(Debug, Clone)]
pub enum FetchOutcome {
    Fetched(Fetched),
    /// `304 Not Modified`: the validators still hold.
    NotModified,
}

/// Why a fetch failed. Each is one line for the user.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("not an http(s) URL")]
    BadUrl,
    #[error("HTTP status {0}")]
    Status(u16),
    #[error("timed out")]
    Timeout,
    #[error("larger than the {0}-byte limit")]
    TooLarge(u64),
    #[error("too many redirects")]
    TooManyRedirects,
    #[error("host not found")]
    HostNotFound,
    #[error("connection failed: {0}")]
    Connection(String),
    #[error("{0}")]
    Other(String),
}

impl From<ureq::Error> for FetchError {
    fn from(e: ureq::Error) -> Self {
        match e {
            ureq::Error::StatusCode(code) => FetchError::Status(code),
            ureq::Error::Timeout(_) => FetchError::Timeout,
            ureq::Error::BodyExceedsLimit(n) => FetchError::TooLarge(n),
            ureq::Error::TooManyRedirects => FetchError::TooManyRedirects,
            ureq::Error::HostNotFound => FetchError::HostNotFound,
            ureq::Error::BadUri(_) => FetchError::BadUrl,
            ureq::Error::Io(io) => match io.kind() {
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => FetchError::Timeout,
                _ => FetchError::Connection(io.to_string()),
            },
            ureq::Error::ConnectionFailed => FetchError::Connection("no connection".into()),
            other => FetchError::Other(other.to_string()),
        }
    }
}

/// Whether an input names a URL this module fetches.
pub fn is_url(input: &str) -> bool {
    let lower = input.get(..8).unwrap_or(input).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// An HTTP client with Synoptic's settings; cheap to clone, reuses connections.
#[derive(Debug, Clone)]
pub struct Fetcher {
    agent: ureq::Agent,
    options: FetchOptions,
}

impl Fetcher {
    pub fn new(options: FetchOptions) -> Fetcher {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(options.max_redirects)
            .user_agent(USER_AGENT)
            .timeout_connect(Some(options.connect_timeout))
            .timeout_recv_response(Some(options.read_timeout))
            .timeout_recv_body(Some(options.read_timeout))
            .build();
        Fetcher { agent: config.into(), options }
    }

    pub fn options(&self) -> &FetchOptions {
        &self.options
    }

    /// GET `url`, following redirects. With `validators`, asks for the body only when it changed.
    pub fn get(&self, url: &str, validators: Option<&Validators>) -> Result<FetchOutcome, FetchError> {
        if !is_url(url) {
            return Err(FetchError::BadUrl);
        }
        let mut request = self.agent.get(url);
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                request = request.header("If-None-Match", etag.as_str());
            }
            if let Some(lm) = &v.last_modified {
                request = request.header("If-Modified-Since", lm.as_str());
            }
        }
        let mut response = request.call()?;
        let status = response.status().as_u16();
        if status == 304 {
            return Ok(FetchOutcome::NotModified);
        }
        if !(200..300).contains(&status) {
            return Err(FetchError::Status(status));
        }
        let header =
            |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(|s| s.trim().to_string());
        let content_type = header("content-type");
        let validators = Validators { etag: header("etag"), last_modified: header("last-modified") };
        if let Some(len) = header("content-length").and_then(|v| v.parse::<u64>().ok())
            && len > self.options.max_bytes
        {
            return Err(FetchError::TooLarge(self.options.max_bytes));
        }
        let final_url = response.get_uri().to_string();
        let bytes =
            response.body_mut().with_config().limit(self.options.max_bytes).read_to_vec().map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge(self.options.max_bytes),
                e => FetchError::from(e),
            })?;
        Ok(FetchOutcome::Fetched(Fetched {
            requested: url.to_string(),
            url: final_url,
            bytes,
            content_type,
            validators,
        }))
    }
}

impl Default for Fetcher {
    fn default() -> Self {
        Fetcher::new(FetchOptions::default())
    }
}
