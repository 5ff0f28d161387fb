//! Dates as feeds and pages write them: RFC 3339, RFC 2822, ISO 8601 dates and times with or without an
//! offset, and common written forms ("April 20, 2023 10:05 AM EDT", "20 Apr 2023"). A time without an
//! offset is taken as UTC; a date without a time as midnight UTC.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use synoptic_model::Timestamp;

/// Parse a date or date-time. `None` when nothing sensible can be read.
pub fn parse(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if s.is_empty() || s.len() > 80 {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t);
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M%#z", "%Y-%m-%d %H:%M:%S %#z"] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Some(t);
        }
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(t);
    }
    // Unix time in seconds or milliseconds (JSON exports).
    if s.bytes().all(|b| b.is_ascii_digit()) && (s.len() == 10 || s.len() == 13) {
        let n: i64 = s.parse().ok()?;
        let secs = if s.len() == 13 { n / 1000 } else { n };
        return DateTime::from_timestamp(secs, 0).map(|t| t.fixed_offset());
    }
    loose(s)
}

/// Written forms: drop a weekday, "at", "on", dots after abbreviations; read a trailing zone name.
fn loose(s: &str) -> Option<Timestamp> {
    let chars: Vec<char> = s.chars().collect();
    let mut cleaned = String::with_capacity(s.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let prev_digit = i > 0 && chars[i - 1].is_ascii_digit();
        let next = chars.get(i + 1).copied();
        match c {
            '.' | ',' => cleaned.push(' '),
            'T' if prev_digit && next.is_some_and(|n| n.is_ascii_digit()) => cleaned.push(' '),
            'Z' if prev_digit && next.is_none_or(char::is_whitespace) => cleaned.push_str(" UTC"),
            c => cleaned.push(c),
        }
    }
    let mut words: Vec<String> = cleaned.split_whitespace().map(str::to_string).collect();
    if words.first().is_some_and(|w| is_weekday(w)) {
        words.remove(0);
    }
    words.retain(|w| !matches!(w.to_ascii_lowercase().as_str(), "at" | "on" | "published" | "updated" | "posted"));
    let mut offset_secs = 0;
    if let Some(last) = words.last() {
        if let Some(off) = zone_offset(last) {
            offset_secs = off;
            words.pop();
        } else if let Some(off) = numeric_offset(last) {
            offset_secs = off;
            words.pop();
        }
    }
    // "10:05 AM" and "10:05am" become one token.
    let mut joined: Vec<String> = Vec::new();
    for w in words {
        let lw = w.to_ascii_lowercase();
        if (lw == "am" || lw == "pm")
            && joined.last().is_some_and(|p| p.contains(':') || p.chars().all(|c| c.is_ascii_digit()))
        {
            if let Some(p) = joined.last_mut() {
                p.push_str(&lw);
            }
        } else {
            let lw = lw.replace("sept", "sep");
            joined.push(if lw.len() > 3 && lw.starts_with("sep") && !lw.starts_with("september") {
                "sep".into()
            } else {
                lw
            });
        }
    }
    let (date_words, time): (Vec<&String>, Option<NaiveTime>) = match joined.last().and_then(|w| time_of(w)) {
        Some(t) => (joined[..joined.len() - 1].iter().collect(), Some(t)),
        None => (joined.iter().collect(), None),
    };
    let date_text = date_words.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ");
    let date =
        ["%Y-%m-%d", "%Y/%m/%d", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%d/%m/%Y", "%Y %m %d", "%B %d%Y"]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(&date_text, f).ok())?;
    let naive = NaiveDateTime::new(date, time.unwrap_or(NaiveTime::MIN));
    let offset = FixedOffset::east_opt(offset_secs)?;
    offset.from_local_datetime(&naive).single()
}

fn is_weekday(w: &str) -> bool {
    let w = w.to_ascii_lowercase();
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].iter().any(|d| w.starts_with(d)) && w.len() <= 9
}

fn time_of(w: &str) -> Option<NaiveTime> {
    let (body, pm) = if let Some(b) = w.strip_suffix("pm") {
        (b, Some(true))
    } else if let Some(b) = w.strip_suffix("am") {
        (b, Some(false))
    } else {
        (w, None)
    };
    let mut parts = body.split(':');
    let h: u32 = parts.next()?.parse().ok()?;
    let m: u32 = match parts.next() {
        Some(m) => m.parse().ok()?,
        None if pm.is_some() => 0,
        None => return None,
    };
    let sec: f64 = match parts.next() {
        Some(x) => x.parse().ok()?,
        None => 0.0,
    };
    let h = match pm {
        Some(true) if h < 12 => h + 12,
        Some(false) if h == 12 => 0,
        _ => h,
    };
    NaiveTime::from_hms_opt(h, m, sec as u32)
}

fn numeric_offset(w: &str) -> Option<i32> {
    let sign = match w.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = w[1..].chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = digits[2..].parse().ok()?;
    Some(sign * (h * 3600 + m * 60))
}

/// Offsets of the zone names news sites write after a time.
fn zone_offset(w: &str) -> Option<i32> {
    let h = match w.to_ascii_uppercase().as_str() {
        "UTC" | "GMT" | "UT" | "Z" | "WET" => 0,
        "BST" | "CET" | "WEST" | "WAT" => 1,
        "CEST" | "EET" | "SAST" | "CAT" => 2,
        "EEST" | "MSK" | "EAT" | "AST3" => 3,
        "PKT" => 5,
        "ICT" | "WIB" => 7,
        "HKT" | "SGT" | "AWST" => 8,
        "JST" | "KST" => 9,
        "AEST" => 10,
        "AEDT" => 11,
        "NZST" => 12,
        "NZDT" => 13,
        "ADT" => -3,
        "EDT" | "AST" => -4,
        "EST" | "CDT" => -5,
        "CST" | "MDT" => -6,
        "MST" | "PDT" => -7,
        "PST" => -8,
        "IST" => return Some(5 * 3600 + 1800),
        _ => return None,
    };
    Some(h * 3600)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn forms() {
        for (input, want) in [
            ("2023-04-20T10:00:00+02:00", "2023-04-20T10:00:00+02:00"),
            ("2023-04-20T10:00:00Z", "2023-04-20T10:00:00+00:00"),
            ("2023-04-20T10:00:00.123Z", "2023-04-20T10:00:00.123+00:00"),
            ("2023-04-20T10:00:00+0200", "2023-04-20T10:00:00+02:00"),
            ("2023-04-20 10:00:00", "2023-04-20T10:00:00+00:00"),
            ("2023-04-20T10:00", "2023-04-20T10:00:00+00:00"),
            ("2023-04-20", "2023-04-20T00:00:00+00:00"),
            ("2023/04/20", "2023-04-20T00:00:00+00:00"),
            ("Thu, 20 Apr 2023 10:00:00 +0000", "2023-04-20T10:00:00+00:00"),
            ("Thu, 20 Apr 2023 10:00:00 GMT", "2023-04-20T10:00:00+00:00"),
            ("Thu, 20 Apr 2023 10:00:00 CEST", "2023-04-20T10:00:00+02:00"),
            ("20 Apr 2023 10:00 EST", "2023-04-20T10:00:00-05:00"),
            ("April 20, 2023", "2023-04-20T00:00:00+00:00"),
            ("Apr. 20, 2023 10:05 AM EDT", "2023-04-20T10:05:00-04:00"),
            ("Thursday, April 20, 2023 at 3:15 pm", "2023-04-20T15:15:00+00:00"),
            ("20 September 2023", "2023-09-20T00:00:00+00:00"),
            ("Sept. 28, 2023", "2023-09-28T00:00:00+00:00"),
            ("28 Sept 2023 18:00", "2023-09-28T18:00:00+00:00"),
            ("1700000000", "2023-11-14T22:13:20+00:00"),
            ("1700000000000", "2023-11-14T22:13:20+00:00"),
        ] {
            let got = parse(input).map(|t| t.to_rfc3339());
            assert_eq!(got.as_deref(), Some(want), "{input}");
        }
        for bad in ["", "yesterday", "2023-13-45", "99:99", "not a date at all", "Thu, 2023"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
