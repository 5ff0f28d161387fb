//! HTML extraction on small fixture pages: each `fixtures/html/NAME.html` is extracted (with the page URL
//! `https://fixture.example/NAME`) and compared with `fixtures/html/NAME.json`.
//!
//! Refresh the expected files after an intended change with
//! `UPDATE_EXPECT=1 cargo test -p synoptic-extract --test html_fixtures`, then review the diff.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use synoptic_extract::html::{Extracted, extract};

fn as_json(e: &Extracted) -> Value {
    json!({
        "title": e.title,
        "paragraphs": e.paragraphs,
        "canonical_url": e.canonical_url,
        "site_name": e.site_name,
        "published": e.published,
        "modified": e.modified,
        "author": e.author,
        "language": e.language,
        "description": e.description,
    })
}

fn check(html_path: &Path) {
    let name = html_path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let html = std::fs::read_to_string(html_path).unwrap_or_else(|e| panic!("{}: {e}", html_path.display()));
    let got = as_json(&extract(&html, Some(&format!("https://fixture.example/{name}"))));
    let expect_path = html_path.with_extension("json");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let text = serde_json::to_string_pretty(&got).unwrap_or_default() + "\n";
        std::fs::write(&expect_path, text).unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&expect_path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_EXPECT=1 to create it)", expect_path.display()));
    let expected: Value = serde_json::from_str(&expected).unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
    assert_eq!(got, expected, "fixture {name}: got\n{}", serde_json::to_string_pretty(&got).unwrap_or_default());
}

#[test]
fn fixtures() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    pages.sort();
    assert!(pages.len() >= 4, "expected the fixture pages in {}", dir.display());
    for page in &pages {
        check(page);
    }
}

/// Any input, however broken, gives a result without panicking.
#[test]
fn never_panics_on_garbage() {
    let pieces = [
        "<",
        ">",
        "</",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<!DOCTYPE",
        "&",
        "&#",
        "&#x",
        "&#1114112;",
        "&amp",
        ";",
        "<p>",
        "</p>",
        "<div class=a>",
        "</div>",
        "<li>",
        "<table><td>",
        "<script>",
        "</script>",
        "<style>",
        "<title>",
        "<svg/>",
        "<a href='",
        "\"",
        "'",
        "=",
        " ",
        "\n",
        "é",
        "日本",
        "\u{0}",
        "<br/>",
        "<b><i>",
        "</b></i>",
        "<script type=application/ld+json>{\"@type\":\"NewsArticle\",\"articleBody\":",
        "}",
        "text words here ",
        "<meta property=og:title content=",
        "<html lang=",
        "<h1>",
        "<noscript>",
        "<textarea>",
        "<plaintext>",
    ];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..300 {
        let mut page = String::new();
        for _ in 0..(seed % 200) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            page.push_str(pieces[(seed % pieces.len() as u64) as usize]);
        }
        let got = extract(&page, Some("https://x.example/a/b"));
        assert!(got.paragraphs.iter().all(|p| !p.trim().is_empty()));
    }
}

/// Every prefix of a fixture page (a truncated download) still extracts without panicking.
#[test]
fn truncated_pages() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html");
    for name in ["opengraph_jsonld.html", "malformed.html", "script_rendered.html"] {
        let html = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        for cut in (0..html.len()).step_by(7).filter(|&c| html.is_char_boundary(c)) {
            let got = extract(&html[..cut], None);
            assert!(got.paragraphs.iter().all(|p| !p.is_empty()), "{name} cut at {cut}");
        }
    }
}

/// Huge flat and deeply nested pages stay fast enough to finish (no quadratic blow-up) and keep their text.
#[test]
fn large_and_deep_pages() {
    let para = "<p>Officials said the new ferry line would start in May, with six crossings a day, and that fares would match the bus.</p>";
    let flat = format!("<html><body><article>{}</article></body></html>", para.repeat(20_000));
    let got = extract(&flat, None);
    assert_eq!(got.paragraphs.len(), 20_000);

    let deep = format!("{}{}{}", "<div><span>".repeat(50_000), para.repeat(5), "</span></div>".repeat(50_000));
    let got = extract(&deep, None);
    assert!(got.paragraphs.iter().any(|p| p.contains("ferry line")), "{:?}", got.paragraphs);
}
