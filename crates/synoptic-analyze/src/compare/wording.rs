//! Quote wordings compared: whether a passage is a real quotation (inside its marks), and whether two
//! quotations are one utterance worded differently — with the words that differ — rather than the same
//! words (identical or cut short) or two different utterances.

use synoptic_model::Span;

use super::text;

/// Tiny words whose presence or absence does not change a quote's wording.
const TRIVIAL: &[&str] = &["and", "or", "the", "a", "an", "this", "that", "these", "those"];
/// Most words one run of a change may hold: a longer run is another sentence, not another wording.
const MAX_RUN: usize = 4;
/// Fewest words two wordings must share, in order, to be one utterance.
const MIN_SHARED: usize = 3;
/// Share of the shorter wording's words the two must share, in order, to be one utterance.
const SHARED_SHARE: f64 = 0.6;

fn is_mark(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}' | '\u{201E}' | '\u{2018}' | '\u{2019}')
}

/// Whether `span` of `text` is quoted words: a quotation mark right before it (no space between) that is
/// itself at a word's start, and right after it a mark (or the paragraph's end) not followed by a letter.
/// A passage between a closing mark and the next opening one ("... ," he said. " ...") is not a quote.
pub(crate) fn marked(text: &str, span: Span) -> bool {
    let (Some(before), Some(after)) = (text.get(..span.start), text.get(span.end..)) else { return false };
    let mut back = before.chars().rev();
    let Some(open) = back.next() else { return false };
    if !is_mark(open) {
        return false;
    }
    if back.next().is_some_and(|c| c.is_alphanumeric()) {
        return false;
    }
    let mut fwd = after.chars();
    match fwd.next() {
        None | Some('\n') => true,
        Some(c) if is_mark(c) => !fwd.next().is_some_and(char::is_alphanumeric),
        _ => false,
    }
}

/// Longest common subsequence table of two word lists: `dp[i][j]` for `a[i..]`, `b[j..]`.
fn lcs_table(a: &[String], b: &[String]) -> Vec<Vec<u32>> {
    let (n, m) = (a.len(), b.len());
    let mut dp = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            dp[i][j] = if a[i] == b[j] { dp[i + 1][j + 1] + 1 } else { dp[i + 1][j].max(dp[i][j + 1]) };
        }
    }
    dp
}

/// Words of one side that differ, with the runs of the other side they stand against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    pub a: String,
    pub b: String,
}

/// How two quotations relate as wordings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Wording {
    /// Not one utterance: too little in common.
    Different,
    /// The same words, or one cut out of the other.
    Same,
    /// One utterance, worded differently: what differs, run by run.
    Changed(Vec<Change>),
}

/// Compare two quotations word by word (lowercase, punctuation aside). Words left over at either end count
/// only when both sides have some there (one quote cut shorter than the other is the same wording);
/// articles and "and"/"or" alone are no change.
/// A word in one spelling: British and American forms ("neighbourhood", "organise"), "okay" and "ok" meet.
fn spelling(w: String) -> String {
    let w = if w == "okay" { "ok".to_string() } else { w };
    let w = w.replace("our", "or").replace("ise", "ize").replace("yse", "yze");
    match w.strip_suffix("tre") {
        Some(stem) => format!("{stem}ter"),
        None => w,
    }
}

/// Words of a quotation for comparison: bracketed insertions ("her (Tara Reid)", "[US]") are the
/// writer's, not the speaker's, and are left out.
fn quote_words(q: &str) -> Vec<String> {
    let mut kept = String::with_capacity(q.len());
    let mut depth = 0usize;
    for c in q.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => kept.push(c),
            _ => {}
        }
    }
    text::plain_words(&kept).into_iter().map(spelling).collect()
}

/// Words (by stem) two quotations share in order, and the length of the shorter.
#[cfg(test)]
pub(crate) fn shared_words(a: &str, b: &str) -> (usize, usize) {
    shared_stems(&quote_stems(a), &quote_stems(b), 0)
}

/// The words of a quotation by stem, as [`shared_stems`] compares them (computed once per quotation).
pub(crate) fn quote_stems(q: &str) -> Vec<String> {
    quote_words(q).iter().map(|w| text::stem(w)).collect()
}

/// Words two quotations (by [`quote_stems`]) share in order, and the length of the shorter; 0 shared,
/// without comparing, when the shorter has fewer than `at_least` words (it cannot share that many).
pub(crate) fn shared_stems(wa: &[String], wb: &[String], at_least: usize) -> (usize, usize) {
    let shorter = wa.len().min(wb.len());
    if shorter == 0 || shorter < at_least || wa.len() * wb.len() > 400_000 {
        return (0, shorter);
    }
    (lcs_table(wa, wb)[0][0] as usize, shorter)
}

pub(crate) fn compare(a: &str, b: &str) -> Wording {
    // Words are matched by their stems ("fights" and "fighting" are one word; the tense is no change).
    let (oa, ob) = (quote_words(a), quote_words(b));
    let (wa, wb): (Vec<String>, Vec<String>) =
        (oa.iter().map(|w| text::stem(w)).collect(), ob.iter().map(|w| text::stem(w)).collect());
    let (n, m) = (wa.len(), wb.len());
    if n < MIN_SHARED || m < MIN_SHARED || n * m > 400_000 {
        return Wording::Different;
    }
    let dp = lcs_table(&wa, &wb);
    let shared = dp[0][0] as usize;
    if shared < MIN_SHARED || (shared as f64) < SHARED_SHARE * n.min(m) as f64 {
        return Wording::Different;
    }
    // The alignment that matches early and the one that matches late (the same walk over the reversed
    // words): a short quote inside a longer one may align either way; the tighter result counts.
    let forward = changes_of(&oa, &ob, &wa, &wb, &dp);
    let rev = |v: &[String]| v.iter().rev().cloned().collect::<Vec<String>>();
    let (ra, rb, rwa, rwb) = (rev(&oa), rev(&ob), rev(&wa), rev(&wb));
    let backward = changes_of(&ra, &rb, &rwa, &rwb, &lcs_table(&rwa, &rwb)).map(|cs| {
        let back = |s: &str| s.split(' ').rev().collect::<Vec<_>>().join(" ");
        cs.iter().rev().map(|c| Change { a: back(&c.a), b: back(&c.b) }).collect::<Vec<_>>()
    });
    let size = |c: &Vec<Change>| c.iter().map(|x| x.a.split(' ').count() + x.b.split(' ').count()).sum::<usize>();
    let best = match (forward, backward) {
        (Some(f), Some(b)) => Some(if size(&b) < size(&f) { b } else { f }),
        (f, b) => f.or(b),
    };
    match best {
        None => Wording::Different,
        Some(c) if c.is_empty() => Wording::Same,
        Some(c) => Wording::Changed(c),
    }
}

/// The changes along one walk of the alignment table `dp` of `wa`/`wb` (stems; `oa`/`ob` the words as
/// shown), or None when a run of changed words is too long to be another wording of one utterance.
fn changes_of(oa: &[String], ob: &[String], wa: &[String], wb: &[String], dp: &[Vec<u32>]) -> Option<Vec<Change>> {
    let (n, m) = (wa.len(), wb.len());
    // Walk the alignment into gaps: runs of unmatched words between matches (and at the ends).
    let mut gaps: Vec<(Vec<&str>, Vec<&str>, bool)> = vec![(Vec::new(), Vec::new(), true)];
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && wa[i] == wb[j] && dp[i][j] == dp[i + 1][j + 1] + 1 {
            gaps.push((Vec::new(), Vec::new(), false));
            i += 1;
            j += 1;
        } else if j >= m || (i < n && dp[i + 1][j] >= dp[i][j + 1]) {
            if let Some(g) = gaps.last_mut() {
                g.0.push(&oa[i]);
            }
            i += 1;
        } else {
            if let Some(g) = gaps.last_mut() {
                g.1.push(&ob[j]);
            }
            j += 1;
        }
    }
    // A lone matched word at either end (a stray "I", "we") does not anchor the wordings: gaps up to the
    // first run of two matched words, and after the last, are ends.
    let runs: Vec<bool> = (0..gaps.len()).map(|k| k > 0 && k + 1 < gaps.len() && gap_empty(&gaps[k])).collect();
    let first = (1..gaps.len()).find(|&k| runs[k]).unwrap_or(gaps.len() - 1);
    let last_run = (1..gaps.len()).rev().find(|&k| runs[k]).map_or(0, |k| k + 1);
    let (head, tail) = gap_merge(&gaps, first, last_run.max(first));
    let mut gaps: Vec<(Vec<&str>, Vec<&str>, bool)> =
        gaps.into_iter().enumerate().filter(|(k, _)| *k >= first && *k < last_run.max(first)).map(|(_, g)| g).collect();
    gaps.insert(0, head);
    gaps.push(tail);
    let mut changes = Vec::new();
    for (ga, gb, edge) in gaps {
        let ga: Vec<&str> = ga.into_iter().filter(|w| !TRIVIAL.contains(w)).collect();
        let gb: Vec<&str> = gb.into_iter().filter(|w| !TRIVIAL.contains(w)).collect();
        if ga.is_empty() && gb.is_empty() || edge && (ga.is_empty() || gb.is_empty()) {
            continue;
        }
        if ga.len() > MAX_RUN || gb.len() > MAX_RUN {
            return None;
        }
        // Numbers written another way ("6:41pm" / "18:41") are no change of wording.
        let numeric = |g: &[&str]| g.iter().all(|w| w.chars().any(|c| c.is_ascii_digit()) || w.len() <= 3);
        if numeric(&ga) && numeric(&gb) {
            continue;
        }
        changes.push(Change { a: ga.join(" "), b: gb.join(" ") });
    }
    Some(changes)
}

type Gap<'a> = (Vec<&'a str>, Vec<&'a str>, bool);

/// Whether a gap is empty on both sides (two matched words in a row).
fn gap_empty(g: &Gap<'_>) -> bool {
    g.0.is_empty() && g.1.is_empty()
}

/// The head (gaps before `first`) and tail (gaps from `last`) of an alignment, as end gaps.
fn gap_merge<'a>(gaps: &[Gap<'a>], first: usize, last: usize) -> (Gap<'a>, Gap<'a>) {
    let join = |range: std::ops::Range<usize>| -> Gap<'a> {
        let mut g: Gap<'a> = (Vec::new(), Vec::new(), true);
        for x in &gaps[range] {
            g.0.extend(&x.0);
            g.1.extend(&x.1);
        }
        g
    };
    (join(0..first), join(last.min(gaps.len())..gaps.len()))
}

/// "«deceptions» vs «delusions»; «» vs «now»": what differs, for a disagreement's `about`.
pub(crate) fn describe(changes: &[Change]) -> String {
    let show = |s: &str| if s.is_empty() { "(nothing)".to_string() } else { format!("\u{201C}{s}\u{201D}") };
    changes.iter().take(3).map(|c| format!("{} vs {}", show(&c.a), show(&c.b))).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(a: &str, b: &str, want: &str) {
        let got = match compare(a, b) {
            Wording::Different => "different".to_string(),
            Wording::Same => "same".to_string(),
            Wording::Changed(c) => describe(&c),
        };
        assert_eq!(got, want, "{a:?} / {b:?}");
    }

    #[test]
    fn wordings_compared() {
        check(
            "Russia fights for old imperial deceptions in this war",
            "Russia fights for old imperial delusions in this war",
            "\u{201C}deceptions\u{201D} vs \u{201C}delusions\u{201D}",
        );
        // Cut short at either end: the same wording.
        check("we will stay here and we will never leave", "we will never leave", "same");
        check("We will stay here, and never leave.", "we will stay here and never leave", "same");
        // An inserted word inside.
        check(
            "we will stay right here for the people",
            "we will stay here for the people",
            "\u{201C}right\u{201D} vs (nothing)",
        );
        // Two utterances sharing a few words are not one.
        check(
            "the talks were constructive and we will meet again",
            "we will not accept these terms at all",
            "different",
        );
        // Different ends on both sides: changed; another form of one word ("end" / "ending") is not.
        check(
            "the closer we are to peace in the east",
            "the closer we are to victory",
            "\u{201C}peace in east\u{201D} vs \u{201C}victory\u{201D}",
        );
        check("the closer we are to an end of it", "the closer we are to ending", "same");
    }

    #[test]
    fn shared_words_in_order() {
        let (a, b) = (
            "We never thought it was wrong; it was better than sitting at a desk all day.",
            "We never thought it was wrong. It's just that it was much better than sitting at a desk all day.",
        );
        assert_eq!(shared_words(a, b), (16, 16));
        assert_eq!(shared_words("we will stay", "they left early").0, 0);
    }

    #[test]
    fn marked_passages_only() {
        let t = "\"We will stay,\" he said. \"Never leave.\"";
        // The quoted words, and the passage between a closing and an opening mark.
        let stay = Span::new(1, 14);
        assert_eq!(stay.slice(t), "We will stay,");
        assert!(marked(t, stay));
        let between = Span::new(16, 24);
        assert_eq!(between.slice(t), "he said.");
        assert!(!marked(t, between));
        let plain = "He said we will stay.";
        assert!(!marked(plain, Span::new(8, 20)));
    }
}
