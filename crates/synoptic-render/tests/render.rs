//! Snapshot tests of the three renderings: each fixture document (`tests/fixtures/*.json`) rendered and
//! compared with `tests/expected/<name>.<format>`. Refresh the expected files with `UPDATE_EXPECT=1`.

use std::path::{Path, PathBuf};

use synoptic_model::Document;
use synoptic_render::{RenderOptions, html, markdown, terminal};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn load(name: &str) -> Document {
    let path = dir().join("fixtures").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Compare `actual` with the expected file, or write it when `UPDATE_EXPECT` is set.
fn expect(file: &Path, actual: &str) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(file, actual).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        return;
    }
    let expected = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_EXPECT=1 to create it)", file.display()));
    if expected != actual {
        let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "{} differs at line {}:\n expected: {:?}\n   actual: {:?}\n(run with UPDATE_EXPECT=1 to refresh)",
            file.display(),
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

/// Render a fixture in every format, check the invariants, and compare with the expected outputs.
fn check(name: &str) {
    let doc = load(name);
    let out = dir().join("expected");
    let plain = terminal(&doc, &RenderOptions { width: 80, color: false });
    let colour = terminal(&doc, &RenderOptions { width: 100, color: true });
    let md = markdown(&doc);
    let page = html(&doc);

    assert!(!plain.contains('\x1b'), "no ANSI codes without colour");
    assert!(colour.contains("\x1b["), "colour when asked");
    for line in plain.lines() {
        assert!(line.chars().count() <= 80, "line wider than 80: {line:?}");
    }
    for (what, text) in [("markdown", &md), ("html", &page)] {
        let lower = text.to_lowercase();
        assert!(!lower.contains("<script"), "{what}: unescaped <script");
        assert!(!lower.contains("<img"), "{what}: unescaped <img");
        assert!(!lower.contains("<b>"), "{what}: unescaped <b>");
        assert!(!lower.contains("javascript:"), "{what}: javascript: link");
    }
    assert!(!page.contains("src=\"http") && !page.contains("href=\"//"), "no external assets");
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("<style>"), "standalone page with inline CSS");
    for a in &doc.articles {
        if let Some(t) = &a.title
            && !t.contains('<')
        {
            assert!(plain.contains(t.split_whitespace().next().unwrap_or("")), "title shown: {t}");
        }
    }

    expect(&out.join(format!("{name}.txt")), &plain);
    expect(&out.join(format!("{name}.color.txt")), &colour);
    expect(&out.join(format!("{name}.md")), &md);
    expect(&out.join(format!("{name}.html")), &page);
}

#[test]
fn articles_only() {
    check("articles_only");
    let doc = load("articles_only");
    let plain = terminal(&doc, &RenderOptions::default());
    for needle in ["3 articles", "Dravnik Herald", "2024-03-05", "words", "en", "date unknown"] {
        assert!(plain.contains(needle), "article list shows {needle:?}:\n{plain}");
    }
}

#[test]
fn story_with_events() {
    check("story");
    let doc = load("story");
    let plain = terminal(&doc, &RenderOptions { width: 80, color: false });
    for needle in ["Story: The Dravnik bridge", "Timeline", "Sources differ", "copy of [1]", "[1][2][3]", "variant"] {
        assert!(plain.contains(needle), "terminal shows {needle:?}:\n{plain}");
    }
    let md = markdown(&doc);
    assert!(md.contains("| \\[1\\] Dravnik Herald | \\[2\\] Coastal &lt;Courier&gt; |"), "side-by-side table:\n{md}");
    let page = html(&doc);
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "escaped title in page");
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"), "escaped text in page");
}

#[test]
fn narrow_terminal_wraps_everything() {
    let doc = load("story");
    let text = terminal(&doc, &RenderOptions { width: 10, color: false });
    for line in text.lines() {
        assert!(line.chars().count() <= 40, "the width floor is 40: {line:?}");
    }
}
