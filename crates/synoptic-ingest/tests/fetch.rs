//! Fetching against a tiny HTTP server on 127.0.0.1: redirects, 404, a server that never answers (time-out),
//! an oversize body, conditional GET, and the User-Agent.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use synoptic_ingest::fetch::{FetchError, FetchOptions, FetchOutcome, Fetcher, USER_AGENT, Validators};

/// A request line with its headers (lower-cased names).
type Head = (String, Vec<(String, String)>);

/// Reads one request's head.
fn read_head(stream: &mut TcpStream) -> Head {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    let _ = reader.read_line(&mut line);
    let request = line.trim().to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    (request, headers)
}

fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, &str)], body: &[u8]) {
    let mut head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

/// A server that answers by path; reports each request's head on `seen`. Serves `count` connections.
fn serve(count: usize) -> (String, mpsc::Receiver<Head>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let Ok(mut stream) = stream else { continue };
            let (request, headers) = read_head(&mut stream);
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            let header = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
            match path.as_str() {
                "/page" => {
                    respond(&mut stream, "200 OK", &[("Content-Type", "text/html; charset=utf-8")], b"<p>hi</p>")
                }
                "/moved" => respond(&mut stream, "301 Moved Permanently", &[("Location", "/page")], b""),
                "/loop" => respond(&mut stream, "302 Found", &[("Location", "/loop")], b""),
                "/big" => respond(&mut stream, "200 OK", &[], &vec![b'x'; 4096]),
                "/feed" => {
                    if header("if-none-match").as_deref() == Some("\"v1\"") {
                        respond(&mut stream, "304 Not Modified", &[("ETag", "\"v1\"")], b"");
                    } else {
                        respond(
                            &mut stream,
                            "200 OK",
                            &[("ETag", "\"v1\""), ("Last-Modified", "Sat, 01 Jan 2000 00:00:00 GMT")],
                            b"<rss/>",
                        );
                    }
                }
                "/silent" => {
                    // Never answer: hold the connection until the client gives up and closes it.
                    let _ = tx.send((request, headers));
                    let mut sink = [0u8; 64];
                    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
                    continue;
                }
                _ => respond(&mut stream, "404 Not Found", &[], b"no"),
            }
            let _ = tx.send((request, headers));
        }
    });
    (base, rx)
}

fn fetcher(max_bytes: u64) -> Fetcher {
    Fetcher::new(FetchOptions {
        max_bytes,
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_millis(300),
        max_redirects: 3,
    })
}

fn body(outcome: FetchOutcome) -> synoptic_ingest::Fetched {
    match outcome {
        FetchOutcome::Fetched(f) => f,
        FetchOutcome::NotModified => panic!("expected a body"),
    }
}

#[test]
fn follows_redirects_and_names_itself() {
    let (base, seen) = serve(2);
    let got = body(fetcher(1024).get(&format!("{base}/moved"), None).unwrap());
    assert_eq!(got.bytes, b"<p>hi</p>");
    assert_eq!(got.url, format!("{base}/page"));
    assert_eq!(got.content_type.as_deref(), Some("text/html; charset=utf-8"));
    let (_, headers) = seen.recv().unwrap();
    let ua = headers.iter().find(|(k, _)| k == "user-agent").map(|(_, v)| v.clone());
    assert_eq!(ua.as_deref(), Some(USER_AGENT));
    assert!(USER_AGENT.starts_with("Synoptic/"));
}

#[test]
fn not_found_is_an_error_with_the_status() {
    let (base, _seen) = serve(1);
    let err = fetcher(1024).get(&format!("{base}/missing"), None).unwrap_err();
    assert!(matches!(err, FetchError::Status(404)), "{err}");
}

#[test]
fn redirect_loop_stops() {
    let (base, _seen) = serve(10);
    let err = fetcher(1024).get(&format!("{base}/loop"), None).unwrap_err();
    assert!(matches!(err, FetchError::TooManyRedirects), "{err}");
}

#[test]
fn silent_server_times_out() {
    let (base, seen) = serve(1);
    let err = fetcher(1024).get(&format!("{base}/silent"), None).unwrap_err();
    assert!(matches!(err, FetchError::Timeout), "{err}");
    // The server did get the request: the time-out was the client's.
    assert!(seen.recv().unwrap().0.contains("/silent"));
}

#[test]
fn oversize_body_is_refused() {
    let (base, _seen) = serve(1);
    let err = fetcher(1000).get(&format!("{base}/big"), None).unwrap_err();
    assert!(matches!(err, FetchError::TooLarge(1000)), "{err}");
}

#[test]
fn conditional_get_gets_not_modified() {
    let (base, _seen) = serve(2);
    let f = fetcher(1024);
    let first = body(f.get(&format!("{base}/feed"), None).unwrap());
    assert_eq!(first.validators.etag.as_deref(), Some("\"v1\""));
    assert_eq!(first.validators.last_modified.as_deref(), Some("Sat, 01 Jan 2000 00:00:00 GMT"));
    let again = f.get(&format!("{base}/feed"), Some(&first.validators)).unwrap();
    assert!(matches!(again, FetchOutcome::NotModified));
    let _ = Validators::default();
}

#[test]
fn non_urls_are_refused() {
    assert!(matches!(fetcher(10).get("ftp://example.org/x", None), Err(FetchError::BadUrl)));
}
