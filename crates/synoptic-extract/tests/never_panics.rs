//! `read` on arbitrary bytes never panics, whatever the format sniffing decides, and every article it
//! returns has a non-empty body and an id that matches its content.

use proptest::prelude::*;
use synoptic_extract::{Input, ReadOptions, read};

/// Byte strings that look like each format's start, followed by arbitrary bytes.
fn inputs() -> impl Strategy<Value = Vec<u8>> {
    let prefixes = prop::sample::select(vec![
        &b""[..],
        b"<?xml version=\"1.0\"?><rss><channel><item><title>",
        b"<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><content type=\"xhtml\"><div>",
        b"<rdf:RDF><item><description>",
        b"<!DOCTYPE html><html><body><article><p>",
        b"{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [",
        b"{\"title\": \"x\", \"text\": \"",
        b"[{\"html\": \"<p>",
        b"Title line\n\n",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
    ]);
    (prefixes, prop::collection::vec(any::<u8>(), 0..600)).prop_map(|(p, rest)| {
        let mut v = p.to_vec();
        v.extend(rest);
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn read_never_panics(bytes in inputs(), name in prop::sample::select(vec!["a.txt", "a.html", "a.xml", "a.jsonl", "a.json", "a.gz", "-"])) {
        let out = read(&Input { source: name, bytes: &bytes, content_type: None, url: None }, &ReadOptions { max_bytes: 1 << 16 });
        for a in &out.articles {
            prop_assert!(!a.text.trim().is_empty());
            prop_assert_eq!(&a.id, &synoptic_model::ids::article_id(a.title.as_deref(), &a.text));
        }
    }

    #[test]
    fn text_soup_never_panics(s in "[ -~\n\u{A0}\u{201C}\u{201D}\u{2014}()/|<>&;#]{0,400}") {
        let _ = read(&Input { source: "s.txt", bytes: s.as_bytes(), content_type: Some("text/plain; charset=utf-8"), url: None }, &ReadOptions::default());
        let _ = synoptic_extract::dates::parse(&s);
        let _ = synoptic_extract::clean::judge(&s);
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let mut feed = String::from("<rss><channel><item><description>");
    feed.push_str(&"<x>".repeat(200_000));
    feed.push_str("text");
    let out = read(
        &Input { source: "deep.xml", bytes: feed.as_bytes(), content_type: None, url: None },
        &ReadOptions::default(),
    );
    assert!(out.articles.len() + out.problems.len() >= 1);
    let atom = format!("<feed><entry><content type=\"xhtml\">{}</content></entry></feed>", "<div>".repeat(200_000));
    let out = read(
        &Input { source: "deep.atom", bytes: atom.as_bytes(), content_type: None, url: None },
        &ReadOptions::default(),
    );
    assert!(out.articles.len() + out.problems.len() >= 1);
}
