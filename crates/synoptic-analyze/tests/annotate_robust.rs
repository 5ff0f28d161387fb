//! Annotation never panics and keeps its invariants (spans inside the text, on char boundaries; speakers are
//! entities of the article; values finite) on messy input and on 181 real article bodies.

use std::path::PathBuf;

use synoptic_analyze::annotate::{annotate, sentences};
use synoptic_model::{Annotations, Article, Span};

fn check(text: &str) -> Annotations {
    let mut a = Article::new("t", None, text);
    a.published = chrono::DateTime::parse_from_rfc3339("2024-02-29T23:30:00-11:00").ok();
    let ann = annotate(&a);
    let ok = |s: &Span| {
        s.start <= s.end && s.end <= text.len() && text.is_char_boundary(s.start) && text.is_char_boundary(s.end)
    };
    for e in &ann.entities {
        assert!(ok(&e.span), "entity span {:?} in {text:?}", e.span);
        assert_eq!(e.span.slice(text), e.surface);
    }
    for q in &ann.quotes {
        assert!(ok(&q.span), "quote span {:?}", q.span);
        if let Some(s) = &q.speaker {
            assert!(ann.entities.iter().any(|e| &e.canonical == s), "speaker {s:?} is an entity of the article");
        }
    }
    for f in &ann.figures {
        assert!(ok(&f.span) && ok(&f.sentence), "figure span {:?}", f.span);
        assert!(f.value.is_finite());
        assert_eq!(f.span.slice(text), f.text);
    }
    for s in sentences(text) {
        assert!(ok(&s) && !s.is_empty());
    }
    ann
}

#[test]
fn messy_inputs_do_not_panic() {
    for t in [
        "",
        " ",
        "\"",
        "“",
        "”",
        "‘",
        "\"\"\"\"",
        "“a\n\n“b\n\n“c",
        "$",
        "$.",
        "$1,,,000",
        "€ 5 bn",
        "1.2.3.4 billion euros ($)",
        "99999999999999999999999999999999999999 dollars",
        "Mr.",
        "Mr. . . Dr.",
        "The the The",
        "He said he said she said.",
        "🙂 “🙂,” said 🙂.",
        "Thursday Monday last week a day after 2 days ago on February 30, 2023 and 31 April",
        "A. B. C. D. E.",
        "O’Brien’s ‘quote’ isn’t ‘closed",
        "al- al-Jaber el-",
        "(ABC) (X) ( ) ()",
        "\u{00A0}\u{2028}\u{200B}",
        "Straße Zürich São Paulo Kraków Łódź İstanbul",
        "NATO NATO NATO NATO",
        "\"Unclosed quote at the end of a long paragraph with Jane Roe said",
    ] {
        check(t);
    }
    // Long and repetitive input.
    let long = "“We will,” said Jane Roe, the Acme chief executive. She added: “$5 billion.” ".repeat(300);
    let ann = check(&long);
    assert!(ann.quotes.len() >= 300);
}

#[test]
fn real_article_bodies_keep_invariants() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/extraction-benchmark/ground-truth.json");
    let Ok(raw) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} absent", path.display());
        return;
    };
    let v: serde_json::Value = serde_json::from_str(&raw).expect("ground truth is JSON");
    let bodies: Vec<&str> =
        v.as_object().map(|o| o.values().filter_map(|x| x["articleBody"].as_str()).collect()).unwrap_or_default();
    assert!(bodies.len() > 100);
    let (mut e, mut q, mut qs, mut f) = (0, 0, 0, 0);
    for b in &bodies {
        let ann = check(b);
        e += ann.entities.len();
        q += ann.quotes.len();
        qs += ann.quotes.iter().filter(|x| x.speaker.is_some()).count();
        f += ann.figures.len();
    }
    eprintln!("{} bodies: {e} entity mentions, {q} quotes ({qs} with a speaker), {f} figures", bodies.len());
    assert!(e > bodies.len() * 5 && q > 50 && f > 100);
}

#[test]
fn generated_inputs_do_not_panic() {
    // Deterministic pseudo-random texts over pieces that stress marks, numbers, names and boundaries.
    const PIECES: &[&str] = &[
        " ",
        "\n",
        "\n\n",
        ".",
        ",",
        "\"",
        "“",
        "”",
        "‘",
        "’",
        "'",
        "(",
        ")",
        "$",
        "€",
        "£",
        "US$",
        "5",
        "2.4",
        "1,000",
        " billion",
        " euros",
        "%",
        " percent",
        "Mr. ",
        "Dr. ",
        "the ",
        "The ",
        "said",
        " he said",
        " she said",
        "Jane",
        " Roe",
        " Kyiv",
        " NATO",
        " (NATO)",
        "Thursday",
        " last week",
        " a day after",
        "April 3, 2023",
        "é",
        "🙂",
        "-",
        "al-",
        "Secretary General ",
        "spokesman ",
        " according to ",
        " told reporters",
        "Zelenskyy",
        "’s",
        "F-16s",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..1500 {
        let mut t = String::new();
        let n = (state >> 60) as usize + 3;
        for _ in 0..n * 4 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            t.push_str(PIECES[(state >> 33) as usize % PIECES.len()]);
        }
        check(&t);
    }
}
