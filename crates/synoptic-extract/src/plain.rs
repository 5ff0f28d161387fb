//! Plain-text articles in the form people save them: an optional title line (or the same title twice, or a
//! title with a standfirst) before a blank line, then paragraphs separated by blank lines or single newlines.
//!
//! Whether the opening lines are a title is decided by general signals only: a line alone before a blank
//! line, short, not ending like a sentence, not a caption or promo, repeated, and followed by a body.

use crate::clean::{self, Verdict};

/// The parts of a plain-text article, before cleaning.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlainText {
    pub title: Option<String>,
    /// A standfirst found among the heading lines.
    pub description: Option<String>,
    /// A date line among the heading lines.
    pub published: Option<synoptic_model::Timestamp>,
    pub paragraphs: Vec<String>,
}

/// One paragraph and whether it stood alone in its blank-line-separated block.
struct Para {
    text: String,
    alone: bool,
    block: usize,
}

/// Split `text` into title, standfirst and paragraphs.
pub fn parse(text: &str) -> PlainText {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut paras: Vec<Para> = Vec::new();
    for (b, block) in blocks(&text).into_iter().enumerate() {
        if is_hard_wrapped(&block) {
            paras.push(Para { text: block.join(" "), alone: true, block: b });
        } else {
            let alone = block.len() == 1;
            paras.extend(block.into_iter().map(|l| Para { text: l.to_string(), alone, block: b }));
        }
    }
    let (headings, body_start) = heading_lines(&paras);
    let mut out =
        PlainText { published: paras.iter().take(6).find_map(|p| clean::date_line(&p.text)), ..PlainText::default() };
    if !headings.is_empty() {
        let title = headings
            .iter()
            .filter(|h| word_count(h) >= 3)
            .min_by_key(|h| h.chars().count())
            .or(headings.first())
            .map(|s| s.to_string());
        out.description = headings
            .iter()
            .filter(|h| Some(h.as_str()) != title.as_deref() && word_count(h) >= 8)
            .max_by_key(|h| h.chars().count())
            .cloned();
        out.title = title;
    }
    out.paragraphs = paras.into_iter().skip(body_start).map(|p| p.text).collect();
    out
}

/// Blocks of non-blank lines (trimmed), separated by blank lines.
fn blocks(text: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in text.split('\n') {
        let l = line.trim();
        if l.is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(l);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A block typed with hard line breaks (lines of similar length that do not end sentences) is one
/// paragraph; otherwise each line is its own paragraph.
fn is_hard_wrapped(block: &[&str]) -> bool {
    if block.len() < 2 {
        return false;
    }
    let body = &block[..block.len() - 1];
    let lens: Vec<usize> = body.iter().map(|l| l.chars().count()).collect();
    let (min, max) = (lens.iter().copied().min().unwrap_or(0), lens.iter().copied().max().unwrap_or(0));
    // Wrapped lines fill the width: the last line is not longer than the others.
    let last = block.last().map_or(0, |l| l.chars().count());
    if max > 100 || min * 10 < max * 6 || last > max + 5 {
        return false;
    }
    if block.iter().any(|l| l.starts_with(['-', '*', '•']) || l.starts_with(|c: char| c.is_ascii_digit())) {
        return false;
    }
    let open = body.iter().filter(|l| !ends_like_sentence(l)).count();
    open * 2 > body.len()
}

/// Leading heading lines and the index of the first body paragraph.
fn heading_lines(paras: &[Para]) -> (Vec<String>, usize) {
    let mut headings: Vec<String> = Vec::new();
    let mut i = 0;
    while i < paras.len() && headings.len() < 3 {
        let p = &paras[i];
        let doubled = paras.get(i + 1).is_some_and(|n| same(&n.text, &p.text));
        // A date line among the headings is skipped here (cleaning drops it; `parse` keeps the date).
        if clean::date_line(&p.text).is_some() {
            i += 1;
            continue;
        }
        if !(p.alone || doubled || is_heading_block(paras, p.block)) || !is_heading_like(&p.text) {
            break;
        }
        headings.push(p.text.clone());
        i += if doubled { 2 } else { 1 };
    }
    // A title needs a body after it.
    if i >= paras.len() {
        return (Vec::new(), 0);
    }
    (headings, i)
}

/// A short block of two or three heading-like lines (title and standfirst typed without a blank line
/// between them) followed by more text.
fn is_heading_block(paras: &[Para], block: usize) -> bool {
    let lines: Vec<&Para> = paras.iter().filter(|p| p.block == block).collect();
    (2..=3).contains(&lines.len())
        && paras.iter().any(|p| p.block > block)
        && lines.iter().all(|p| is_heading_like(&p.text))
}

fn same(a: &str, b: &str) -> bool {
    synoptic_model::text::matching_form(a).to_lowercase() == synoptic_model::text::matching_form(b).to_lowercase()
}

/// Short, does not end like a sentence, starts like a headline, and is not boilerplate.
fn is_heading_like(line: &str) -> bool {
    let words = word_count(line);
    if words == 0 || words > 30 || line.chars().count() > 200 {
        return false;
    }
    if line.starts_with(|c: char| c.is_lowercase()) {
        return false;
    }
    let end = line.trim_end_matches(['"', '\'', '\u{201D}', '\u{2019}', '\u{BB}', ')', ']', ' ']);
    if end.ends_with(['.', ',', ';', ':']) && !end.ends_with("...") {
        return false;
    }
    matches!(clean::judge(line), Verdict::Keep)
}

fn ends_like_sentence(line: &str) -> bool {
    let end = line.trim_end_matches(['"', '\'', '\u{201D}', '\u{2019}', '\u{BB}', ')', ']']);
    end.ends_with(['.', '!', '?', ':', '\u{2026}'])
}

fn word_count(s: &str) -> usize {
    synoptic_model::text::words(s).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, title: Option<&str>, description: Option<&str>, paragraphs: &[&str]) {
        let got = parse(input);
        assert_eq!(got.title.as_deref(), title, "title of {input:?}");
        assert_eq!(got.description.as_deref(), description, "description of {input:?}");
        assert_eq!(got.paragraphs, paragraphs, "paragraphs of {input:?}");
    }

    #[test]
    fn titles_and_paragraphs() {
        check(
            "Rain floods the valley\n\nIt rained. A lot.\n\nThen it stopped.",
            Some("Rain floods the valley"),
            None,
            &["It rained. A lot.", "Then it stopped."],
        );
        check(
            "Rain floods the valley\n\nRain floods the valley\n\nIt rained.",
            Some("Rain floods the valley"),
            None,
            &["It rained."],
        );
        check(
            "The mayor of the valley town has met farmers to discuss the damage and the help they need this winter\n\nMayor promises help after floods\n\nIt rained.",
            Some("Mayor promises help after floods"),
            Some(
                "The mayor of the valley town has met farmers to discuss the damage and the help they need this winter",
            ),
            &["It rained."],
        );
        check(
            "It rained in the valley on Monday, officials said.\n\nThen it stopped.",
            None,
            None,
            &["It rained in the valley on Monday, officials said.", "Then it stopped."],
        );
        check(
            "Line one is a paragraph.\nLine two is another one.\r\nLine three.",
            None,
            None,
            &["Line one is a paragraph.", "Line two is another one.", "Line three."],
        );
        check(
            "Title here\n\nThis paragraph was typed with hard\nline breaks at a fixed width so it\nreads as one paragraph.",
            Some("Title here"),
            None,
            &["This paragraph was typed with hard line breaks at a fixed width so it reads as one paragraph."],
        );
        check("Only a line without end", None, None, &["Only a line without end"]);
        check(
            "Mayor promises help after floods\nFarmers count the cost of the worst floods in forty years in the valley\n\nIt rained.",
            Some("Mayor promises help after floods"),
            Some("Farmers count the cost of the worst floods in forty years in the valley"),
            &["It rained."],
        );
        check(
            "Rain floods the valley\n\nMarch 3, 2024\n\nIt rained.",
            Some("Rain floods the valley"),
            None,
            &["It rained."],
        );
        assert_eq!(
            parse("Title words here\n\nUpdated: 2024-03-03 10:00\n\nBody.")
                .published
                .map(|t| t.to_rfc3339())
                .as_deref(),
            Some("2024-03-03T10:00:00+00:00")
        );
        check("", None, None, &[]);
    }
}
