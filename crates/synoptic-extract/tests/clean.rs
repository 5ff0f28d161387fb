//! The cleaning rules, driven by a fixture table (`tests/fixtures/clean/paragraphs.tsv`): each line is one
//! paragraph and what cleaning must do with it (keep, drop and why, byline, wire credit).

use std::path::Path;

use synoptic_extract::clean::{Verdict, judge};

/// Check one table line: `verdict <TAB> detail <TAB> paragraph [<TAB> kept text]`; a mismatch is returned.
fn check(line: &str) -> Option<String> {
    let cols: Vec<&str> = line.split('\t').collect();
    assert!(cols.len() >= 3, "bad fixture line: {line:?}");
    let (verdict, detail, paragraph) = (cols[0], cols[1], cols[2]);
    let got = judge(paragraph);
    let want = match verdict {
        "keep" => Verdict::Keep,
        "drop" => match got {
            Verdict::Drop(why) => Verdict::Drop(if why == detail { why } else { "<other rule>" }),
            _ => Verdict::Drop("<expected a drop>"),
        },
        "byline" => Verdict::Byline { name: detail.to_string(), agency: None },
        "credit" => Verdict::Credit { agency: detail.to_string(), rest: cols.get(3).map(|s| s.to_string()) },
        other => panic!("unknown verdict {other:?}"),
    };
    let got = match (got, verdict) {
        (Verdict::Drop(why), "drop") if why == detail => Verdict::Drop(why),
        (Verdict::Drop(_), "drop") => Verdict::Drop("<other rule>"),
        (g, _) => g,
    };
    (got != want).then(|| format!("{paragraph:?}\n    got  {got:?}\n    want {want:?}"))
}

#[test]
fn cleaning_table() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean/paragraphs.tsv");
    let table = std::fs::read_to_string(&path).expect("fixture table");
    let lines: Vec<&str> = table.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).collect();
    let failures: Vec<String> = lines.iter().filter_map(|l| check(l)).collect();
    assert!(failures.is_empty(), "{} of {} cases fail:\n{}", failures.len(), lines.len(), failures.join("\n"));
    assert!(lines.len() > 40, "only {} cases", lines.len());
}
