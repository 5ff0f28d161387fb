//! Load tool: N concurrent keep-alive HTTP/1.1 clients for a fixed time against `/api/stories` and an
//! event page, reporting errors, requests/s and latency percentiles. Loopback only.
//!
//! ```text
//! cargo run --release -p synoptic-server --example load -- --store DIR [--clients 50] [--seconds 30] [--writes 20]
//!     [--event ID]
//! cargo run --release -p synoptic-server --example load -- --addr 127.0.0.1:7878
//! ```
//! With `--store`, the server runs in this process over that store; `--writes N` posts N new articles
//! through the API during the run (readers are served while ingest writes).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Args {
    addr: Option<SocketAddr>,
    store: Option<PathBuf>,
    clients: usize,
    seconds: u64,
    writes: usize,
    event: Option<String>,
}

fn args() -> Result<Args, String> {
    let mut a = Args { addr: None, store: None, clients: 50, seconds: 30, writes: 0, event: None };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => a.addr = Some(value()?.parse().map_err(|e| format!("--addr: {e}"))?),
            "--store" => a.store = Some(PathBuf::from(value()?)),
            "--clients" => a.clients = value()?.parse().map_err(|e| format!("--clients: {e}"))?,
            "--seconds" => a.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--event" => a.event = Some(value()?),
            "--writes" => a.writes = value()?.parse().map_err(|e| format!("--writes: {e}"))?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if a.addr.is_none() && a.store.is_none() {
        return Err("give --addr HOST:PORT or --store DIR".into());
    }
    if let Some(addr) = a.addr
        && !addr.ip().is_loopback()
    {
        return Err("only loopback addresses".into());
    }
    Ok(a)
}

/// One request on a keep-alive connection: status and body.
async fn request(
    conn: &mut TcpStream,
    method: &str,
    path: &str,
    extra: &str,
    body: &[u8],
) -> std::io::Result<(u16, Vec<u8>)> {
    let head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Content-Length: {}\r\n\r\n", body.len());
    conn.write_all(head.as_bytes()).await?;
    conn.write_all(body).await?;
    let mut buf = Vec::with_capacity(16 * 1024);
    let mut chunk = [0u8; 16 * 1024];
    let header_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "closed"));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
    let status: u16 = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let len = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("content-length")))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .ok_or_else(|| std::io::Error::other("no content-length"))?;
    while buf.len() < header_end + len {
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "closed"));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok((status, buf[header_end..header_end + len].to_vec()))
}

async fn get_json(addr: SocketAddr, path: &str) -> Result<serde_json::Value, String> {
    let mut c = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let (status, body) = request(&mut c, "GET", path, "", b"").await.map_err(|e| e.to_string())?;
    if status != 200 {
        return Err(format!("{path}: status {status}"));
    }
    serde_json::from_slice(&body).map_err(|e| e.to_string())
}

#[derive(Default)]
struct Tally {
    ok: u64,
    errors: u64,
    latencies_us: Vec<u32>,
}

async fn client(addr: SocketAddr, paths: Vec<String>, until: Instant, offset: usize) -> Tally {
    let mut t = Tally::default();
    let mut conn: Option<TcpStream> = None;
    let mut i = offset;
    while Instant::now() < until {
        let path = &paths[i % paths.len()];
        i += 1;
        if conn.is_none() {
            match TcpStream::connect(addr).await {
                Ok(c) => {
                    let _ = c.set_nodelay(true);
                    conn = Some(c);
                }
                Err(_) => {
                    t.errors += 1;
                    continue;
                }
            }
        }
        let Some(c) = conn.as_mut() else { continue };
        let started = Instant::now();
        match request(c, "GET", path, "", b"").await {
            Ok((200, _)) => {
                t.ok += 1;
                t.latencies_us.push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
            }
            Ok(_) => t.errors += 1,
            Err(_) => {
                t.errors += 1;
                conn = None;
            }
        }
    }
    t
}

fn synthetic_article(n: usize) -> String {
    let towns = ["Alderbrook", "Cresthaven", "Dunmore Falls", "Everlund", "Fairmont Bay"];
    let town = towns[n % towns.len()];
    serde_json::json!({
        "title": format!("{town} opens new community centre number {n}"),
        "outlet": format!("Load Test Gazette {}", n % 3),
        "published": "2025-05-01T12:00:00+00:00",
        "text": format!(
            "The town of {town} opened community centre number {n} on Thursday, officials said.\n\nThe building \
             cost {} thousand and will host classes, a library corner and a cafe run by volunteers.\n\nResidents \
             queued outside before the doors opened, and the mayor said more centres were planned.", 100 + n
        ),
    })
    .to_string()
}

#[tokio::main]
async fn main() {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("load: {e}");
            std::process::exit(2);
        }
    };
    const TOKEN: &str = "load-test-token";
    let (addr, _server) = match (&a.addr, &a.store) {
        (Some(addr), _) => (*addr, None),
        (None, Some(dir)) => {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("addr");
            let state = synoptic_server::AppState::open(dir, Some(TOKEN.into()), synoptic_server::Limits::default())
                .expect("open store");
            let server = tokio::spawn(synoptic_server::serve_on(listener, state, std::future::pending()));
            (addr, Some(server))
        }
        (None, None) => unreachable!("checked in args"),
    };

    // An event page to load: the one given, or the first event of the first story.
    let mut paths = vec!["/api/stories".to_string()];
    if let Some(event) = &a.event {
        paths.push(format!("/events/{event}"));
    }
    match get_json(addr, "/api/stories").await {
        Ok(_) if a.event.is_some() => {}
        Ok(v) => {
            if let Some(story) = v["stories"][0]["id"].as_str()
                && let Ok(doc) = get_json(addr, &format!("/api/stories/{story}")).await
                && let Some(event) = doc["events"][0]["id"].as_str()
            {
                paths.push(format!("/events/{event}"));
            }
        }
        Err(e) => {
            eprintln!("load: cannot read /api/stories: {e}");
            std::process::exit(1);
        }
    }
    println!("load: {} clients for {} s against {:?} on {addr}", a.clients, a.seconds, paths);

    let until = Instant::now() + Duration::from_secs(a.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..a.clients {
        tasks.push(tokio::spawn(client(addr, paths.clone(), until, i)));
    }
    let writer = (a.writes > 0 && a.store.is_some()).then(|| {
        let (writes, seconds) = (a.writes, a.seconds);
        tokio::spawn(async move {
            let gap = Duration::from_secs(seconds) / u32::try_from(writes + 1).unwrap_or(u32::MAX);
            let (mut ok, mut failed) = (0usize, 0usize);
            for n in 0..writes {
                tokio::time::sleep(gap).await;
                let body = synthetic_article(n + std::process::id() as usize * 1000);
                let auth = format!("Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n");
                let r = match TcpStream::connect(addr).await {
                    Ok(mut c) => request(&mut c, "POST", "/api/articles", &auth, body.as_bytes()).await.ok(),
                    Err(_) => None,
                };
                match r {
                    Some((200 | 201, _)) => ok += 1,
                    _ => failed += 1,
                }
            }
            (ok, failed)
        })
    });
    let mut total = Tally::default();
    for t in tasks {
        if let Ok(t) = t.await {
            total.ok += t.ok;
            total.errors += t.errors;
            total.latencies_us.extend(t.latencies_us);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    total.latencies_us.sort_unstable();
    let pct = |p: f64| {
        let v = &total.latencies_us;
        if v.is_empty() {
            return 0.0;
        }
        let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1;
        f64::from(v[i]) / 1000.0
    };
    println!(
        "requests ok: {}  errors: {}  requests/s: {:.0}  p50: {:.2} ms  p99: {:.2} ms  max: {:.2} ms",
        total.ok,
        total.errors,
        total.ok as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        pct(1.0)
    );
    if let Some(w) = writer
        && let Ok((ok, failed)) = w.await
    {
        println!("writes during the run: {ok} acknowledged, {failed} failed");
    }
}
