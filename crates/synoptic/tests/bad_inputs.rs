//! Bad inputs mixed with good ones: each bad one gives one stderr line naming it, the run goes on, the exit
//! status is 1, the good articles are stored and nothing stored before is lost.

mod common;

use std::fs;
use std::io::Write;

use common::{article_count, export, run, scratch, stderr, synoptic, text_article};

const PARAS: &[&str] = &[
    "The harbour authority of Velmora said on Monday that the new ferry terminal would open in the autumn, two years later than first planned, after engineers found the old pier could not carry the weight of the cranes.",
    "Officials told reporters the delay would cost the port about 14 million in lost fees, and that the ferry operators had agreed to keep using the temporary berth on the north quay until the work is done.",
    "Residents of the old town welcomed the decision to keep the fish market where it is, a point the council had fought over for months before the plans were redrawn in the spring.",
];

fn good_jsonl() -> String {
    let rec = |title: &str, lead: &str| {
        serde_json::json!({
            "title": title,
            "text": format!("{lead}\n\n{}\n\n{}", PARAS[1], PARAS[2]),
            "outlet": "The Velmora Courier",
            "published": "2026-02-02T09:00:00Z"
        })
        .to_string()
    };
    format!(
        "{}\n{}\n",
        rec(
            "Rail link to the airport approved",
            "The regional assembly of Velmora voted on Tuesday to build a rail link to the airport, ending a debate that had run for a decade and split the coalition twice."
        ),
        rec(
            "Library reopens after flood repairs",
            "The central library of Velmora reopened on Wednesday after eight months of repairs, with a new reading room on the upper floor and the rare books moved out of the basement for good."
        )
    )
}

const FEED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Velmora Radio</title><link>https://radio.example/</link>
<item><title>Bridge closed for inspection</title><link>https://radio.example/bridge</link>
<description>The old stone bridge over the Sarn river in Velmora was closed to traffic on Thursday for an inspection that the city said would take at least three weeks. Buses will use the ring road while divers check the piers, which were last examined in 2019. The city engineer said there was no sign of danger but that the bridge had carried far more lorries than it was built for.</description></item>
<item><title></title><link>https://radio.example/empty</link><description></description></item>
</channel></rss>"#;

#[test]
fn bad_inputs_are_named_and_skipped_good_ones_stored() {
    let dir = scratch("bad");
    let store = dir.join("store");
    let inputs = dir.join("in");
    fs::create_dir_all(&inputs).unwrap();

    // Something stored before the run, which must survive it.
    let before = inputs.join("before.txt");
    fs::write(&before, text_article("Harbour terminal delayed to autumn", PARAS)).unwrap();
    let out = run(synoptic(&store).arg("ingest").arg(&before));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(article_count(&store), 1);

    let good_jsonl_path = inputs.join("good.jsonl");
    fs::write(&good_jsonl_path, good_jsonl()).unwrap();
    let feed = inputs.join("feed.xml");
    fs::write(&feed, FEED).unwrap();

    let binary = inputs.join("binary.bin");
    fs::write(&binary, (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect::<Vec<u8>>()).unwrap();
    let empty = inputs.join("empty.txt");
    fs::write(&empty, "").unwrap();
    let truncated = inputs.join("truncated.txt.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text_article("A title", PARAS).repeat(20).as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    fs::write(&truncated, &gz[..gz.len() / 2]).unwrap();
    let no_article = inputs.join("nav.html");
    fs::write(
        &no_article,
        "<!doctype html><html><head><title>Menu</title></head><body><nav><a href=/>Home</a> <a href=/news>News</a></nav></body></html>",
    )
    .unwrap();
    let big = inputs.join("big.txt");
    {
        let mut f = fs::File::create(&big).unwrap();
        let block = "word ".repeat(200_000);
        for _ in 0..50 {
            f.write_all(block.as_bytes()).unwrap();
        }
    }
    let missing = inputs.join("does-not-exist.txt");

    let out = run(synoptic(&store).arg("ingest").args([
        &binary,
        &good_jsonl_path,
        &empty,
        &truncated,
        &no_article,
        &big,
        &feed,
        &missing,
    ]));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("synoptic: ")).collect();
    for bad in [&binary, &empty, &truncated, &no_article, &big, &missing] {
        let name = bad.display().to_string();
        let n = lines.iter().filter(|l| l.starts_with(&format!("synoptic: {name}: "))).count();
        assert_eq!(n, 1, "one line for {name} in:\n{err}");
    }
    assert!(lines.iter().any(|l| l.contains("big.txt") && l.contains("too large")), "{err}");
    let feed_name = feed.display().to_string();
    assert!(lines.iter().any(|l| l.starts_with(&format!("synoptic: {feed_name}"))), "broken feed item named: {err}");
    assert!(err.contains("skipped"), "summary line: {err}");

    // Two JSON Lines records, one good feed item, and the article stored before.
    let doc = export(&store);
    let titles: Vec<&str> = doc["articles"].as_array().unwrap().iter().filter_map(|a| a["title"].as_str()).collect();
    assert_eq!(titles.len(), 4, "{titles:?}");
    for t in [
        "Harbour terminal delayed to autumn",
        "Rail link to the airport approved",
        "Library reopens after flood repairs",
        "Bridge closed for inspection",
    ] {
        assert!(titles.contains(&t), "{t} missing from {titles:?}");
    }
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_exit_2_and_help_is_documentation() {
    let dir = scratch("usage");
    let out = run(synoptic(&dir).arg("no-such-command"));
    assert_eq!(out.status.code(), Some(2));
    let out = run(synoptic(&dir).arg("brief"));
    assert_eq!(out.status.code(), Some(2), "brief needs inputs");
    let out = run(synoptic(&dir).arg("--help"));
    assert_eq!(out.status.code(), Some(0));
    let help = common::stdout(&out);
    for word in
        ["brief", "ingest", "extract", "search", "export", "show", "stories", "eval", "Examples:", "Exit status"]
    {
        assert!(help.contains(word), "--help mentions {word}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn closed_pipe_is_not_an_error() {
    let dir = scratch("pipe");
    let mut child = synoptic(&dir)
        .args(["synth", "--articles", "3000", "--words", "50"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then hang up.
    {
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
        assert!(line.starts_with('{'));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}
