//! `/feed.atom`: one Atom entry per event, newest first, updated as sources join it (entry `updated` is
//! the latest report's time), naming the outlets that carry it ("Also reported by: ..."). Entry ids are
//! stable (`urn:synoptic:event:<id>`), so a reader shows each event once and refreshes it in place.

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use synoptic_model::Timestamp;
use synoptic_store::EventSummary;

use crate::error::ApiError;
use crate::html::{escape, url_component};
use crate::state::AppState;

/// Entries in the feed: the most recently updated events.
pub const FEED_ENTRIES: usize = 200;

pub async fn feed(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let events = state.read(|db| db.recent_events(FEED_ENTRIES)).await?;
    let base = base_url(&headers);
    let now = chrono::Utc::now().fixed_offset();
    let body = render(&events, &base, now);
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], body).into_response())
}

/// `http://<Host>` from the request (Atom wants absolute links), or loopback when absent or odd.
fn base_url(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let ok =
        !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if ok { format!("http://{host}") } else { "http://127.0.0.1".to_string() }
}

fn ts(t: &Timestamp) -> String {
    t.to_rfc3339()
}

/// The feed document. `now` is only used for a feed with no dated entry.
pub fn render(events: &[EventSummary], base: &str, now: Timestamp) -> String {
    let updated = events.iter().filter_map(|e| e.last_seen.or(e.first_seen)).max().unwrap_or(now);
    let mut o = String::with_capacity(512 + events.len() * 600);
    o.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    o.push_str("<title>Synoptic: events</title>\n");
    o.push_str("<subtitle>One entry per event, with every outlet that reported it.</subtitle>\n");
    let _ = writeln!(o, "<id>{}/feed.atom</id>", escape(base));
    let _ = writeln!(o, "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}/feed.atom\"/>", escape(base));
    let _ = writeln!(o, "<link rel=\"alternate\" type=\"text/html\" href=\"{}/\"/>", escape(base));
    let _ = writeln!(o, "<updated>{}</updated>", ts(&updated));
    o.push_str("<author><name>Synoptic</name></author>\n<generator>Synoptic</generator>\n");
    for e in events {
        let entry_updated = e.last_seen.or(e.first_seen).unwrap_or(updated);
        let title = if e.title.trim().is_empty() { "Untitled event" } else { e.title.as_str() };
        o.push_str("<entry>\n");
        let _ = writeln!(o, "<id>urn:synoptic:event:{}</id>", escape(&e.id));
        let _ = writeln!(o, "<title>{}</title>", escape(title));
        let _ = writeln!(
            o,
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}/events/{}\"/>",
            escape(base),
            url_component(&e.id)
        );
        let _ = writeln!(o, "<updated>{}</updated>", ts(&entry_updated));
        if let Some(first) = e.first_seen {
            let _ = writeln!(o, "<published>{}</published>", ts(&first));
        }
        for outlet in &e.outlets {
            let _ = writeln!(o, "<category term=\"{}\" label=\"{}\"/>", escape(outlet), escape(outlet));
        }
        let _ = writeln!(o, "<summary type=\"text\">{}</summary>", escape(&summary_line(e)));
        o.push_str("</entry>\n");
    }
    o.push_str("</feed>\n");
    o
}

/// "3 articles from 2 independent origins. Reported by X. Also reported by: Y, Z."
pub fn summary_line(e: &EventSummary) -> String {
    let mut s = format!(
        "{} article{} from {} independent origin{}.",
        e.articles,
        if e.articles == 1 { "" } else { "s" },
        e.origins,
        if e.origins == 1 { "" } else { "s" }
    );
    if let Some((first, rest)) = e.outlets.split_first() {
        let _ = write!(s, " Reported by {first}.");
        if !rest.is_empty() {
            let _ = write!(s, " Also reported by: {}.", rest.join(", "));
        }
    }
    s
}
