//! Reads the per-stage timings that `synoptic ingest --stats` prints, whatever their exact layout.
//!
//! Accepted forms, one stage per line, on stdout or stderr:
//! - a JSON object with `"stages"`: either `{"read": 1.2, ...}` (seconds) or
//!   `[{"stage"|"name": "read", "secs"|"seconds"|"ms"|"millis": ...}, ...]`;
//! - text: `read  1.234 s`, `copies+cluster: 812ms`, `annotate = 3.2s (41%)`, `store 0:00:01.5`;
//! - a table whose header names the unit (`stage  seconds  share`), then `read  1.234  12.3%` rows.
//!
//! Lines naming a total (`total`, `elapsed`, `wall`) are kept apart from the stages.

use serde::Serialize;
use serde_json::Value;

/// One stage's time and share of the sum of stages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stage {
    pub name: String,
    pub secs: f64,
    /// Share of the sum of all stage times, 0..=1.
    pub share: f64,
}

/// Stage timings found in the output of one run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stages {
    pub stages: Vec<Stage>,
    /// A total the program printed itself, if any.
    pub total_secs: Option<f64>,
}

impl Stages {
    /// The stage that took longest.
    pub fn slowest(&self) -> Option<&Stage> {
        self.stages.iter().max_by(|a, b| a.secs.total_cmp(&b.secs))
    }

    /// The time of the first stage whose name contains `needle` (case-insensitive).
    pub fn find(&self, needle: &str) -> Option<&Stage> {
        let needle = needle.to_lowercase();
        self.stages.iter().find(|s| s.name.to_lowercase().contains(&needle))
    }
}

/// Parses every line of `text`; later lines naming a stage already seen replace it (a final summary wins
/// over progress lines).
pub fn parse(text: &str) -> Stages {
    let mut found: Vec<(String, f64)> = Vec::new();
    let mut total = None;
    let mut seconds_table = false;
    for line in text.lines() {
        let line = line.trim();
        if !line.contains(|c: char| c.is_ascii_digit()) {
            let words: Vec<String> = line.split_whitespace().map(str::to_lowercase).collect();
            if words.iter().any(|w| w == "stage") {
                seconds_table = words.iter().any(|w| w == "seconds" || w == "secs" || w == "s");
            }
            continue;
        }
        let from_json = if line.starts_with('{') { parse_json(line) } else { None };
        let pairs = match from_json {
            Some(pairs) => pairs,
            None => parse_text(line, seconds_table).into_iter().collect(),
        };
        for (name, secs) in pairs {
            let lower = name.to_lowercase();
            if ["total", "elapsed", "wall", "overall"].iter().any(|t| lower == *t || lower.starts_with(t)) {
                total = Some(secs);
            } else if let Some(slot) = found.iter_mut().find(|(n, _)| *n == name) {
                slot.1 = secs;
            } else {
                found.push((name, secs));
            }
        }
    }
    let sum: f64 = found.iter().map(|(_, s)| s).sum();
    let stages = found
        .into_iter()
        .map(|(name, secs)| Stage { share: if sum > 0.0 { secs / sum } else { 0.0 }, name, secs })
        .collect();
    Stages { stages, total_secs: total }
}

fn parse_json(line: &str) -> Option<Vec<(String, f64)>> {
    let value: Value = serde_json::from_str(line).ok()?;
    let stages = value
        .get("stages")
        .or_else(|| value.get("timings"))
        .or_else(|| value.get("stats").and_then(|s| s.get("stages").or_else(|| s.get("timings"))))?;
    let mut out = Vec::new();
    match stages {
        Value::Object(map) => {
            for (name, v) in map {
                if let Some(secs) = json_secs(v) {
                    out.push((name.clone(), secs));
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                let name = item.get("stage").or_else(|| item.get("name")).and_then(Value::as_str);
                if let (Some(name), Some(secs)) = (name, json_secs(item)) {
                    out.push((name.to_string(), secs));
                }
            }
        }
        _ => return None,
    }
    if let Some(total) = value.get("total_secs").and_then(Value::as_f64) {
        out.push(("total".to_string(), total));
    }
    Some(out)
}

fn json_secs(v: &Value) -> Option<f64> {
    if let Some(x) = v.as_f64() {
        return Some(x);
    }
    // serde's own form of a `std::time::Duration`.
    if let (Some(secs), Some(nanos)) = (v.get("secs").and_then(Value::as_f64), v.get("nanos").and_then(Value::as_f64)) {
        return Some(secs + nanos * 1e-9);
    }
    for (key, scale) in [("secs", 1.0), ("seconds", 1.0), ("s", 1.0), ("ms", 1e-3), ("millis", 1e-3), ("us", 1e-6)] {
        if let Some(x) = v.get(key).and_then(Value::as_f64) {
            return Some(x * scale);
        }
    }
    None
}

/// `name [:=] <duration>` where the name starts with a letter and the duration carries a unit, or (in a
/// table whose header said the unit is seconds) `name <number> [<number>%] [(...)]`.
fn parse_text(line: &str, seconds_table: bool) -> Option<(String, f64)> {
    let first_digit = line.find(|c: char| c.is_ascii_digit())?;
    let (head, rest) = line.split_at(first_digit);
    let name = head.trim().trim_end_matches([':', '=', '\t']).trim();
    let starts_alpha = name.chars().next().is_some_and(char::is_alphabetic);
    let name_ok = starts_alpha
        && name.len() <= 40
        && name.chars().all(|c| c.is_alphanumeric() || " +/_-&".contains(c))
        && name.split_whitespace().count() <= 3;
    if !name_ok {
        return None;
    }
    let secs = parse_duration(rest).or_else(|| if seconds_table { bare_seconds(rest) } else { None })?;
    Some((name.to_string(), secs))
}

/// A bare number followed by nothing, a percentage or a parenthesis: `1.234`, `1.234  12.3%`, `2.0 (…)`.
fn bare_seconds(s: &str) -> Option<f64> {
    let mut tokens = s.split_whitespace();
    let number: f64 = tokens.next()?.parse().ok()?;
    match tokens.next() {
        None => Some(number),
        Some(t) if t.starts_with('(') || t.ends_with('%') => Some(number),
        Some(_) => None,
    }
}

/// The first duration in `s`: `1.5s`, `1.5 s`, `812ms`, `40µs`, `40us`, `1m2.5s`, `0:01:02.5`.
fn parse_duration(s: &str) -> Option<f64> {
    let s = s.trim_start();
    let token: &str = s.split_whitespace().next()?;
    if token.contains(':') {
        let mut secs = 0.0;
        for part in token.split(':') {
            secs = secs * 60.0 + part.trim_end_matches(',').parse::<f64>().ok()?;
        }
        return Some(secs);
    }
    let number_end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let number: f64 = s[..number_end].parse().ok()?;
    let unit: String = s[number_end..].trim_start().chars().take_while(|c| c.is_alphabetic()).collect();
    let scale = match unit.as_str() {
        "s" | "sec" | "secs" | "seconds" => 1.0,
        "ms" => 1e-3,
        "µs" | "us" => 1e-6,
        "ns" => 1e-9,
        "m" | "min" => {
            let rest = &s[number_end..].trim_start()[unit.len()..];
            return Some(number * 60.0 + parse_duration(rest).unwrap_or(0.0));
        }
        _ => return None,
    };
    Some(number * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &[(&str, f64)], total: Option<f64>) {
        let got = parse(input);
        let got_pairs: Vec<(&str, f64)> = got.stages.iter().map(|s| (s.name.as_str(), s.secs)).collect();
        assert_eq!(got_pairs.len(), expected.len(), "{got_pairs:?}");
        for ((gn, gs), (en, es)) in got_pairs.iter().zip(expected) {
            assert_eq!(gn, en);
            assert!((gs - es).abs() < 1e-9, "{gn}: {gs} != {es}");
        }
        assert_eq!(got.total_secs, total);
    }

    #[test]
    fn text_lines() {
        check(
            "stage timings:\n  read        1.5 s\n  copies+cluster: 812ms (40%)\n  annotate = 250µs\n  total 2.5s\n",
            &[("read", 1.5), ("copies+cluster", 0.812), ("annotate", 0.000_25)],
            Some(2.5),
        );
    }

    #[test]
    fn json_object_and_array() {
        check(
            r#"{"stages": {"read": 1.0, "store": {"ms": 500}}, "total_secs": 1.6}"#,
            &[("read", 1.0), ("store", 0.5)],
            Some(1.6),
        );
        check(
            r#"{"stages": [{"stage": "clean", "secs": 2.0}, {"name": "copies", "ms": 30}]}"#,
            &[("clean", 2.0), ("copies", 0.03)],
            None,
        );
    }

    #[test]
    fn ignores_prose_and_counts() {
        check("read 181 files: 179 articles, 2 skipped\ningested 10000\n", &[], None);
    }

    #[test]
    fn shares_sum_to_one() {
        let s = parse("a 1s\nb 3s\n");
        assert!((s.stages.iter().map(|x| x.share).sum::<f64>() - 1.0).abs() < 1e-9);
        assert_eq!(s.slowest().map(|x| x.name.as_str()), Some("b"));
    }

    #[test]
    fn seconds_table() {
        check(
            "ingested 10000 articles (3 duplicates, 2000 copies)\nstage               seconds   share\n\
             read                  1.250   25.0%\nclean/extract         0.500   10.0%\n\
             copies+cluster        3.250   65.0%\ntotal                 5.000          (2000 articles/s)\n",
            &[("read", 1.25), ("clean/extract", 0.5), ("copies+cluster", 3.25)],
            Some(5.0),
        );
    }

    #[test]
    fn clock_and_minutes() {
        check("store 0:01:02.5\nannotate 1m 30s\n", &[("store", 62.5), ("annotate", 90.0)], None);
    }
}
