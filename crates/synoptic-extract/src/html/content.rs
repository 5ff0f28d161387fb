//! Finding the main article in a parsed page and turning it into paragraphs.
//!
//! 1. Boilerplate marking: elements that are never article text (scripts, navigation, asides, footers,
//!    figures and captions, forms controls, hidden elements, landmark roles) and elements whose class/id
//!    names say share/related/comment/newsletter/ad/... are marked junk with their whole subtree — except
//!    that a class name cannot remove an element holding most of the page's `<p>` text (unless three
//!    quarters of that text sits in list items: a gallery's captions), nor a tag, role or
//!    visibility rule one holding three quarters of it. The relaxed second pass ([`Options`]) keeps only
//!    the names of reader comments. Comment threads are recognised by structure
//!    (three or more same-tag items each with a dated line — the items alone when they follow one another
//!    inside the article's own container — or entries under a heading each closed by a short dated line)
//!    and forms with a text area are removed.
//! 2. Scoring (readability-style): every paragraph-like block adds a score, from its length and commas, to
//!    its ancestors (five levels; from the third on, a wrapper whose only element child is the previous
//!    ancestor shares its level); a line of inline content standing in a container (`<br>`-separated, its
//!    words split by links) is one such block; containers are weighted by tag, class names and semantic
//!    hints (`<article>`, `itemprop=articleBody`) and discounted by link density.
//! 3. When the page carries a JSON-LD `articleBody`, it locates the main node: among the best candidates and
//!    their ancestors, the one whose words agree best with it wins.
//! 4. Siblings of the winner that look like article text are merged, as are same-class sibling chunks of
//!    the winner or a close ancestor (articles split around ads); the result is flattened into blocks
//!    (paragraphs, headings, list items, quotes), and link-heavy, label-only ("Advertisement"), dateline,
//!    byline and repeated-headline blocks are dropped — except the items of a list that a paragraph of the
//!    text introduces with a colon, which are text even when they are only links.
//!
//! The rules are general statements about news pages; none names a site. Text directly in containers
//! (`<br>`-separated) counts as paragraphs, and a page with no paragraphs in its DOM falls back (in
//! [`super::extract`]) to its JSON-LD body.

use super::dom::{Dom, Kind, Tag};
use std::collections::HashMap;

/// Tuning that changes with the pass: the second pass relaxes class-name rules when the first found little
/// or when they removed much of the page's paragraph text.
#[derive(Clone, Copy)]
pub(crate) struct Options {
    /// Class and id names remove boilerplate and weight candidates; when false, only the names of reader
    /// comments still remove (see [`comment_name`]).
    pub class_rules: bool,
}

/// Per-node facts aggregated over the non-junk subtree.
#[derive(Clone, Copy, Default)]
struct Info {
    junk: bool,
    /// Non-whitespace bytes of text.
    text: u32,
    /// Non-whitespace bytes of text inside links.
    link: u32,
    commas: u32,
    /// Has a block-level element below it.
    has_block: bool,
    score: f32,
    scored: bool,
    /// Text of paragraph-like blocks with few links below this node.
    ptext: u32,
    /// What the class and id names say.
    verdict: Verdict,
    /// Dated lines (see below) in the non-junk subtree.
    dated: u16,
}

pub(crate) struct Found {
    pub paragraphs: Vec<String>,
    /// Whether class-name rules removed anything (if not, a relaxed pass would find the same).
    pub class_rules_applied: bool,
    /// Share of the page's `<p>` text that class-name rules removed.
    pub name_share: f32,
}

/// Extracts the main text. `hint` is the page's JSON-LD `articleBody`, if any; blocks repeating one of
/// `titles` (the headline in its forms) are dropped.
pub(crate) fn main_text(dom: &Dom<'_>, hint: Option<&str>, titles: &[&str], opts: Options) -> Found {
    let n = dom.nodes.len();
    let mut info = vec![Info::default(); n];
    // Forward pass: junk is inherited from ancestors. Class names repeat a lot within a page, so their
    // verdicts are cached.
    // Junk by tag, role or visibility is final; junk by class name is vetoed for an element that holds
    // most of the page's `<p>` text (a wrapper such as `content sidebar-left` around the article).
    let mut cache: HashMap<&str, (bool, bool)> = HashMap::new();
    // 0: kept, 1: furniture by tag, role or visibility, 2: boilerplate by class or id name, 3: comments by
    // structure (below).
    let mut soft = vec![0u8; n];
    for id in 1..n {
        let node = &dom.nodes[id];
        if info[node.parent as usize].junk {
            info[id].junk = true;
            continue;
        }
        if let Kind::Element(tag) = node.kind {
            let (hard, removal, verdict) = judge(dom, id as u32, tag, opts, &mut cache);
            info[id].junk = hard;
            info[id].verdict = verdict;
            soft[id] = removal;
        }
    }
    let mut by_name = false;
    let mut name_removed = 0u32;
    // First reverse pass over what is left: text in `<p>` (what the vetoes protect) and the structure of
    // reader comments: short blocks that carry a date ("dated lines": `<time>`, "March 3, 2012 at 10:31
    // pm", "5 hours ago"), and containers of three or more same-tag items each with a dated line, which
    // are comment threads or lists of other posts, never the article's own text. A form with a text area
    // is a comment or contact form.
    let mut total = vec![0u32; n];
    let mut in_p = vec![0u32; n];
    // `<p>` text inside list items.
    let mut in_li = vec![0u32; n];
    let mut dated = vec![0u16; n];
    let mut dated_leaf = vec![false; n];
    let mut flags = vec![0u8; n];
    // Containers whose same-tag children are dated items, and that tag (see [`dated_items`]).
    let mut item_groups: Vec<(u32, Tag)> = Vec::new();
    const BLOCK_BELOW: u8 = 1;
    const TIME_BELOW: u8 = 2;
    const TEXTAREA_BELOW: u8 = 4;
    const HEADING_BELOW: u8 = 8;
    // A table, quotation or code block: what a `<figure>` holds when it is text, not a picture.
    const TEXT_FIGURE_BELOW: u8 = 16;
    for id in (1..n).rev() {
        let node = &dom.nodes[id];
        let p = node.parent as usize;
        if info[id].junk {
            if matches!(node.kind, Kind::Element(Tag::Textarea)) {
                flags[p] |= TEXTAREA_BELOW;
            }
            continue;
        }
        match node.kind {
            Kind::Text(_) => {
                total[id] = dom.text_raw(id as u32).bytes().filter(|b| !b.is_ascii_whitespace()).count() as u32
            }
            Kind::Element(tag) => {
                if tag == Tag::P {
                    in_p[id] = total[id];
                }
                if tag == Tag::Li {
                    in_li[id] = in_p[id];
                }
                let leaf_block = tag.is_block() && flags[id] & BLOCK_BELOW == 0;
                if leaf_block
                    && (1..=160).contains(&total[id])
                    && (flags[id] & TIME_BELOW != 0 || dated_text(dom, id as u32))
                {
                    dated[id] = 1;
                    dated_leaf[id] = true;
                }
                if dated[id] >= 3 {
                    let items = dated_items(dom, &dated, &flags, id as u32);
                    if items != Items::None && total[id] <= u32::from(dated[id]) * 1500 {
                        soft[id] = soft[id].max(3);
                    }
                    if let Items::Same(tag) = items {
                        item_groups.push((id as u32, tag));
                    }
                }
                if tag == Tag::Form && flags[id] & TEXTAREA_BELOW != 0 {
                    soft[id] = soft[id].max(1);
                }
                // A figure that holds a table, a quotation or code is part of the text (a
                // `wp-block-table`), unlike a picture with its caption.
                if tag == Tag::Figure && soft[id] == 1 && flags[id] & TEXT_FIGURE_BELOW != 0 {
                    soft[id] = 0;
                }
                flags[p] |= flags[id] & (TEXTAREA_BELOW | HEADING_BELOW | TEXT_FIGURE_BELOW)
                    | if matches!(tag, Tag::Table | Tag::Blockquote | Tag::Pre) { TEXT_FIGURE_BELOW } else { 0 }
                    | if tag.is_heading() { HEADING_BELOW } else { 0 }
                    | if tag.is_block() && tag != Tag::Br { BLOCK_BELOW } else { flags[id] & BLOCK_BELOW }
                    | if tag == Tag::Time { TIME_BELOW } else { flags[id] & TIME_BELOW };
            }
            Kind::Root => {}
        }
        total[p] += total[id];
        in_p[p] += in_p[id];
        in_li[p] += in_li[id];
        dated[p] = dated[p].saturating_add(dated[id]);
    }
    let page_p = in_p[0];
    // A thread of dated items that shares its container with the article (comments as siblings of the
    // article's paragraphs, each a wrapper holding text and a `Posted by ... at date` line) cannot be
    // removed with its container: the items themselves are.
    for &(container, tag) in &item_groups {
        if soft[container as usize] >= 3 && !thread_vetoed(page_p, in_p[container as usize]) {
            continue;
        }
        let items: Vec<u32> =
            dom.children(container).filter(|&c| dom.tag(c) == Some(tag) && is_dated_item(&dated, &flags, c)).collect();
        // Comments follow one another; dated boxes between the article's paragraphs (a quotation with who
        // said it and when) are part of it.
        let (Some(&first), Some(&last)) = (items.first(), items.last()) else { continue };
        let interleaved = dom
            .children(container)
            .skip_while(|&c| c != first)
            .take_while(|&c| c != last)
            .any(|c| !items.contains(&c) && total[c as usize] >= 80);
        if interleaved {
            continue;
        }
        let items_p: u32 = items.iter().map(|&c| in_p[c as usize]).sum();
        let items_total: u32 = items.iter().map(|&c| total[c as usize]).sum();
        if items.len() >= 3 && items_total <= items.len() as u32 * 1500 && !thread_vetoed(page_p, items_p) {
            for c in items {
                soft[c as usize] = soft[c as usize].max(3);
            }
        }
    }
    // Signed threads: under a heading, three or more entries each closed by a short dated line ("text,
    // then who and when": `Posted by: name at date`) are a comment thread, though no element holds it.
    if page_p > 200 {
        for id in 1..n {
            if dated[id] >= 3 && !info[id].junk && dom.tag(id as u32).is_some() {
                signed_thread(dom, &dated, &dated_leaf, &flags, &in_p, page_p, id as u32, &mut soft);
            }
        }
    }
    if soft.iter().any(|&s| s > 0) {
        for id in 1..n {
            let parent_junk = info[dom.nodes[id].parent as usize].junk;
            // Furniture by tag or visibility must hold three quarters of the text to stay: a hidden or
            // aside feed can outweigh a short article. A comment thread recognised by its structure can
            // hold most of the page (fifty comments under a short post); it stays only when the page
            // would keep less than a twentieth of its text (or 300 bytes) without it.
            let vetoed = page_p > 200
                && match soft[id] {
                    2 => in_p[id] * 2 > page_p && in_li[id] * 4 < in_p[id] * 3,
                    3 => thread_vetoed(page_p, in_p[id]),
                    _ => in_p[id] * 4 > page_p * 3,
                };
            let removed = soft[id] > 0 && !vetoed && !parent_junk;
            if removed && soft[id] == 2 {
                by_name = true;
                // Removed list items (captions of a gallery, a list of links) are not a misread article.
                name_removed += in_p[id] - in_li[id].min(in_p[id]);
            }
            info[id].junk |= parent_junk || removed;
        }
    }
    let name_share = if page_p > 200 { name_removed as f32 / page_p as f32 } else { 0.0 };
    // Reverse pass: text and link lengths, commas, block structure.
    for id in (1..n).rev() {
        if info[id].junk {
            continue;
        }
        let node = &dom.nodes[id];
        match node.kind {
            Kind::Text(_) => {
                let raw = dom.text_raw(id as u32);
                info[id].text = raw.bytes().filter(|b| !b.is_ascii_whitespace()).count() as u32;
                info[id].commas = memchr::memchr_iter(b',', raw.as_bytes()).count() as u32;
            }
            Kind::Element(Tag::A) => info[id].link = info[id].text,
            _ => {}
        }
        let p = node.parent as usize;
        let me = info[id];
        let is_block = matches!(node.kind, Kind::Element(t) if t.is_block() && t != Tag::Br);
        let pi = &mut info[p];
        pi.dated = pi.dated.saturating_add(me.dated + u16::from(dated_leaf[id]));
        pi.text += me.text;
        pi.link += me.link;
        pi.commas += me.commas;
        pi.has_block |= me.has_block || is_block;
    }

    // Scoring: paragraph-like elements, and runs of text standing directly in a container (text separated
    // by `<br>` rather than wrapped in `<p>`), add to their ancestors.
    let mut candidates: Vec<u32> = Vec::new();
    // Element children left after the removals: a wrapper whose only element child is the block below it
    // is the same block (page builders nest each paragraph in six to eight such wrappers).
    let mut element_children = vec![0u16; n];
    for (id, node) in dom.nodes.iter().enumerate().skip(1) {
        if !info[id].junk && matches!(node.kind, Kind::Element(_)) {
            let p = node.parent as usize;
            element_children[p] = element_children[p].saturating_add(1);
        }
    }
    // Paragraph units: (the element their score starts at, text bytes, link bytes, commas).
    let mut units: Vec<(u32, u32, u32, u32)> = Vec::new();
    for id in 1..n {
        let i = info[id];
        if i.junk || i.text < 25 {
            continue;
        }
        let Kind::Element(tag) = dom.nodes[id].kind else { continue };
        if !scores_as_paragraph(tag, i.has_block) {
            continue;
        }
        if dom.attr_raw(id as u32, "itemprop").is_some_and(|v| v.to_ascii_lowercase().contains("articlebody")) {
            add_candidate(dom, &mut info, &mut candidates, id as u32, opts);
        }
        units.push((dom.nodes[id].parent, i.text, i.link, i.commas));
    }
    // Lines of inline content standing directly in a container: text separated by `<br>` or blocks rather
    // than wrapped in `<p>`, its words split by links and emphasis into many short text nodes. A line is
    // one unit of the container, however many nodes it spans.
    for id in 0..n {
        if info[id].junk || !info[id].has_block {
            continue;
        }
        let container = match dom.nodes[id].kind {
            Kind::Root => true,
            Kind::Element(Tag::Other) => true,
            Kind::Element(t) => {
                t.is_block() && !t.is_heading() && !matches!(t, Tag::P | Tag::Pre | Tag::Td | Tag::Blockquote | Tag::Li)
            }
            Kind::Text(_) => false,
        };
        if !container {
            continue;
        }
        let mut line = (0u32, 0u32, 0u32);
        let mut flush = |line: &mut (u32, u32, u32)| {
            if line.0 >= 25 {
                units.push((id as u32, line.0, line.1, line.2));
            }
            *line = (0, 0, 0);
        };
        for c in dom.children(id as u32) {
            let ci = info[c as usize];
            if ci.junk {
                continue;
            }
            match dom.nodes[c as usize].kind {
                Kind::Text(_) => {}
                Kind::Element(t) => {
                    // A block or a line break ends the line; an inline element that scores as a paragraph of
                    // its own (a long `<span>`) is not added twice.
                    if t == Tag::Br || t.is_block() || ci.has_block || (ci.text >= 25 && scores_as_paragraph(t, false))
                    {
                        flush(&mut line);
                        continue;
                    }
                }
                Kind::Root => continue,
            }
            line.0 += ci.text;
            line.1 += ci.link;
            line.2 += ci.commas;
        }
        flush(&mut line);
    }
    for (start, text, link, commas) in units {
        if link * 2 < text {
            // Summed up the tree after this loop.
            info[start as usize].ptext += text;
        }
        let content = 1.0 + commas as f32 + (text as f32 / 100.0).min(3.0);
        let mut anc = start;
        let mut level = 0;
        // The root (the document itself) only counts for text standing directly in it: fragments and
        // pages whose paragraphs sit right in `<body>`.
        while anc != u32::MAX && level < 5 && (anc != 0 || level == 0) {
            add_candidate(dom, &mut info, &mut candidates, anc, opts);
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f32 * 3.0,
            };
            info[anc as usize].score += content / divider;
            let parent = dom.nodes[anc as usize].parent;
            // From the third ancestor on, a wrapper around this one alone does not use up a level, so that
            // the element holding all of a deeply nested article's sections is still reached.
            let wrapper = level >= 2 && parent != u32::MAX && parent != 0 && element_children[parent as usize] == 1;
            if !wrapper {
                level += 1;
            }
            anc = parent;
        }
    }
    for id in (1..n).rev() {
        let p = dom.nodes[id].parent as usize;
        let v = info[id].ptext;
        info[p].ptext += v;
    }
    for &c in &candidates {
        let i = &mut info[c as usize];
        let density = if i.text > 0 { i.link as f32 / i.text as f32 } else { 0.0 };
        i.score *= 1.0 - density;
    }
    candidates.sort_by(|a, b| info[*b as usize].score.total_cmp(&info[*a as usize].score));

    let Some(&first) = candidates.first() else {
        return Found { paragraphs: Vec::new(), class_rules_applied: by_name, name_share };
    };
    let mut best = promote(dom, &info, &candidates, first);
    if let Some(hint) = hint.filter(|h| h.split_whitespace().count() >= 30) {
        best = best_by_hint(dom, &info, &candidates, hint).unwrap_or(best);
    }

    let best = extend(dom, &info, best);
    let roots = merge_siblings(dom, &info, best);
    let mut blocks = Vec::new();
    for r in roots {
        flatten(dom, &info, r, &mut blocks);
    }
    Found { paragraphs: filter_blocks(blocks, titles), class_rules_applied: by_name, name_share }
}

/// Whether an element with `tag` is a paragraph of the text for scoring: a `<p>`, preformatted text, a cell
/// or a quotation, or a container or inline element with no block below it.
fn scores_as_paragraph(tag: Tag, has_block: bool) -> bool {
    match tag {
        Tag::P | Tag::Pre | Tag::Td | Tag::Blockquote => true,
        Tag::Div
        | Tag::Section
        | Tag::Article
        | Tag::Main
        | Tag::Li
        | Tag::Dd
        | Tag::Span
        | Tag::Font
        | Tag::Center
        | Tag::Other => !has_block,
        _ => false,
    }
}

/// Whether the short block `id` reads like a date or time: a month name or a numeric date next to a number,
/// a clock time, or "N ... ago".
fn dated_text(dom: &Dom<'_>, id: u32) -> bool {
    let mut s = String::new();
    dom.text_content(id, &mut s);
    if !s.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let lower = s.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    const MONTHS: &[&str] = &[
        "jan",
        "january",
        "feb",
        "february",
        "mar",
        "march",
        "apr",
        "april",
        "may",
        "jun",
        "june",
        "jul",
        "july",
        "aug",
        "august",
        "sep",
        "sept",
        "september",
        "oct",
        "october",
        "nov",
        "november",
        "dec",
        "december",
    ];
    let number = |w: &str| w.len() <= 4 && w.bytes().all(|b| b.is_ascii_digit());
    let ordinal = |w: &str| {
        let d = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        !d.is_empty() && d.len() <= 2 && d.bytes().all(|b| b.is_ascii_digit())
    };
    for (i, w) in words.iter().enumerate() {
        if MONTHS.contains(w) {
            let near = |j: Option<usize>| j.and_then(|j| words.get(j)).is_some_and(|x| number(x) || ordinal(x));
            if near(i.checked_sub(1)) || near(Some(i + 1)) {
                return true;
            }
        }
        if *w == "ago" && i > 0 && words[..i].iter().rev().take(3).any(|x| number(x)) {
            return true;
        }
    }
    // 12:30, 3/4/2012, 2012-03-04.
    let b = lower.as_bytes();
    for i in 0..b.len() {
        if !b[i].is_ascii_digit() {
            continue;
        }
        let run = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if i > 0 && b[i - 1].is_ascii_digit() {
            continue;
        }
        let sep = b.get(i + run).copied();
        let next_digits = b.get(i + run + 1..).map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count());
        match sep {
            Some(b':') if run <= 2 && next_digits == 2 => return true,
            Some(c @ (b'/' | b'-' | b'.')) if run <= 4 && (1..=4).contains(&next_digits) => {
                let k = i + run + 1 + next_digits;
                if b.get(k) == Some(&c) && b.get(k + 1).is_some_and(u8::is_ascii_digit) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether `id` holds a comment thread or a list of posts: three or more children with the same tag and no
/// headings that each hold one to three dated lines (one date per item), and such children hold most of its
/// dated lines (not an article that contains one such list somewhere); or flat pairs of a dated line and a
/// text block.
fn dated_items(dom: &Dom<'_>, dated: &[u16], flags: &[u8], id: u32) -> Items {
    let mut counts: Vec<(Tag, u32, u32)> = Vec::new();
    for c in dom.children(id) {
        let Some(tag) = dom.tag(c) else { continue };
        if tag.is_heading() || !is_dated_item(dated, flags, c) {
            continue;
        }
        let d = u32::from(dated[c as usize]);
        match counts.iter_mut().find(|(t, _, _)| *t == tag) {
            Some((_, k, sum)) => {
                *k += 1;
                *sum += d;
            }
            None => counts.push((tag, 1, d)),
        }
    }
    // Flat threads: a short dated line (who and when) followed by a sibling block of text without a date
    // (what), as `<dt>`/`<dd>` pairs or a line and a `<div>`.
    let elements: Vec<u32> = dom.children(id).filter(|&c| dom.tag(c).is_some()).collect();
    let mut pairs = 0u32;
    // A dated paragraph after a heading is an entry of the article (a heading, its date, its text).
    for (i, w) in elements.windows(2).enumerate() {
        let (line, text) = (w[0] as usize, w[1] as usize);
        let after_heading = i > 0 && dom.tag(elements[i - 1]).is_some_and(Tag::is_heading);
        let leaf_dated = dated[line] == 1
            && flags[line] & 1 == 0
            && !after_heading
            && !dom.tag(w[0]).is_some_and(|t| t.is_heading() || t == Tag::P);
        let plain = dated[text] == 0 && dom.tag(w[1]).is_some_and(|t| t.is_block() && !t.is_heading());
        if leaf_dated && plain {
            pairs += 1;
        }
    }
    let all = u32::from(dated[id as usize]);
    if let Some(&(tag, _, _)) = counts.iter().find(|&&(_, k, sum)| k >= 3 && sum * 2 >= all) {
        Items::Same(tag)
    } else if pairs >= 3 && pairs * 2 >= all {
        Items::Pairs
    } else {
        Items::None
    }
}

/// What [`dated_items`] found in a container.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Items {
    None,
    /// Flat pairs of a dated line and a block of text.
    Pairs,
    /// Three or more children with this tag, each a container holding one to three dated lines.
    Same(Tag),
}

/// Whether child `c` can be a dated item (a comment: who and when, then what): a container with one to three
/// dated lines and no heading of its own (items with headings are sections or entries of a list the article
/// is made of; a dated paragraph is just text).
fn is_dated_item(dated: &[u16], flags: &[u8], c: u32) -> bool {
    (1..=3).contains(&dated[c as usize]) && flags[c as usize] & 8 == 0 && flags[c as usize] & 1 != 0
}

/// Marks (as a comment thread, `soft` 3) the children of `id` that form a signed thread: a run of
/// children that follows a heading (a child heading, or a heading just before `id` for its first run)
/// and holds three or more entries, each a text block without a date followed by a short dated line
/// (`Posted by: name at date`), those lines being most of the run's dates. The article's own closing
/// line (`Posted by the author at date`) is one entry, and a heading ("Comments") separates it from the
/// thread. Nothing is marked when the page would keep less than a twentieth of its `<p>` text (or 300
/// bytes) without the run, like the other thread rules (see [`thread_vetoed`]).
#[allow(clippy::too_many_arguments)]
fn signed_thread(
    dom: &Dom<'_>,
    dated: &[u16],
    dated_leaf: &[bool],
    flags: &[u8],
    in_p: &[u32],
    page_p: u32,
    id: u32,
    soft: &mut [u8],
) {
    const BLOCK_BELOW: u8 = 1;
    const HEADING_BELOW: u8 = 8;
    let parent = dom.nodes[id as usize].parent;
    let headed_before = parent != u32::MAX && {
        let mut prev = None;
        for c in dom.children(parent) {
            if c == id {
                break;
            }
            if dom.tag(c).is_some() {
                prev = Some(c);
            }
        }
        prev.and_then(|p| dom.tag(p)).is_some_and(Tag::is_heading)
    };
    let elements: Vec<u32> = dom.children(id).filter(|&c| dom.tag(c).is_some()).collect();
    let mut start = 0;
    let mut headed = headed_before;
    while start < elements.len() {
        // The run ends at the next heading (or a child holding one).
        let end = elements[start..]
            .iter()
            .position(|&c| dom.tag(c).is_some_and(Tag::is_heading) || flags[c as usize] & HEADING_BELOW != 0)
            .map_or(elements.len(), |k| start + k);
        if headed && end > start {
            let run = &elements[start..end];
            let mut signatures = 0u32;
            let mut last_signature = 0;
            let mut run_dated = 0u32;
            for (k, &c) in run.iter().enumerate() {
                run_dated += u32::from(dated_leaf[c as usize]);
                let signature = dated_leaf[c as usize] && dated[c as usize] == 1 && k > 0 && {
                    let prev = run[k - 1] as usize;
                    !dated_leaf[prev]
                        && dom.tag(run[k - 1]).is_some_and(|t| t.is_block() && t != Tag::Br)
                        && (flags[prev] & BLOCK_BELOW != 0 || in_p[prev] > 0 || dom.tag(run[k - 1]) == Some(Tag::P))
                };
                if signature {
                    signatures += 1;
                    last_signature = k;
                }
            }
            // Entries open with their text and the run closes with a signature (or short status lines
            // such as "comments are closed"): a list of dated items (an event list: date line, then
            // description) opens with a date and ends with text.
            let opens_with_text = !dated_leaf[run[0] as usize];
            let closes_signed = run[last_signature + 1..].iter().all(|&c| in_p[c as usize] < 80);
            if signatures >= 3 && signatures * 4 >= run_dated * 3 && opens_with_text && closes_signed {
                let marked = &run[..=last_signature];
                let run_p: u32 = marked.iter().map(|&c| in_p[c as usize]).sum();
                if !thread_vetoed(page_p, run_p) {
                    for &c in marked {
                        soft[c as usize] = soft[c as usize].max(3);
                    }
                }
            }
        }
        if end >= elements.len() {
            break;
        }
        headed = true;
        start = end + 1;
    }
}

/// Whether a comment thread holding `thread_p` of the page's `page_p` bytes of `<p>` text stays: when the
/// page would keep less than a twentieth of its text or 300 bytes without it (a misread article, or a post
/// too short to outscore the page's other blocks once its thread is gone).
fn thread_vetoed(page_p: u32, thread_p: u32) -> bool {
    let kept = page_p.saturating_sub(thread_p);
    kept * 20 < page_p || kept < 300
}

fn add_candidate(dom: &Dom<'_>, info: &mut [Info], candidates: &mut Vec<u32>, id: u32, opts: Options) {
    let i = &mut info[id as usize];
    if !i.scored {
        i.scored = true;
        i.score = initial_score(dom, id, i.verdict, opts);
        candidates.push(id);
    }
}

fn is_ancestor(dom: &Dom<'_>, anc: u32, mut id: u32) -> bool {
    while id != u32::MAX {
        if id == anc {
            return true;
        }
        id = dom.nodes[id as usize].parent;
    }
    false
}

/// Moves from the top candidate to an ancestor when the article is split over several strong candidates
/// (three of the top five under one ancestor), when a parent scores higher, or when the candidate is an
/// only child.
fn promote(dom: &Dom<'_>, info: &[Info], candidates: &[u32], top: u32) -> u32 {
    let top_score = info[top as usize].score;
    let alternatives: Vec<u32> =
        candidates.iter().skip(1).take(4).copied().filter(|&c| info[c as usize].score >= top_score * 0.75).collect();
    let mut best = top;
    if alternatives.len() >= 2 {
        let mut anc = dom.nodes[top as usize].parent;
        while anc != 0 && anc != u32::MAX {
            let under = alternatives.iter().filter(|&&a| is_ancestor(dom, anc, a)).count();
            if under + 1 >= 3 {
                best = anc;
                break;
            }
            anc = dom.nodes[anc as usize].parent;
        }
    }
    // Climb while the parents keep a good share of the score; take a parent that scores higher.
    let mut last = info[best as usize].score;
    let threshold = last / 3.0;
    let mut parent = dom.nodes[best as usize].parent;
    while parent != 0 && parent != u32::MAX {
        let pi = info[parent as usize];
        if !pi.scored {
            parent = dom.nodes[parent as usize].parent;
            continue;
        }
        if pi.score < threshold {
            break;
        }
        if pi.score > last {
            best = parent;
            break;
        }
        last = pi.score;
        parent = dom.nodes[parent as usize].parent;
    }
    // An only child stands for its parent.
    loop {
        let parent = dom.nodes[best as usize].parent;
        if parent == 0 || parent == u32::MAX {
            break;
        }
        let element_children = dom.children(parent).filter(|&c| dom.tag(c).is_some()).count();
        if element_children != 1 {
            break;
        }
        best = parent;
    }
    best
}

/// Widens the winner to its parent while what the parent adds reads like more of the same article: an
/// article split into sibling sections, paragraph groups, lists and tables. The added part must have few
/// links (menus, related links and footers are mostly links), hold some paragraph text, and carry no run
/// of dated lines (comments, lists of posts); the page's outer wrappers are never taken.
fn extend(dom: &Dom<'_>, info: &[Info], best: u32) -> u32 {
    let mut b = best;
    for _ in 0..3 {
        let p = dom.nodes[b as usize].parent;
        if p == 0 || p == u32::MAX || matches!(dom.tag(p), Some(Tag::Body | Tag::Html) | None) {
            break;
        }
        let (bi, pi) = (info[b as usize], info[p as usize]);
        if pi.junk {
            break;
        }
        let extra = pi.text.saturating_sub(bi.text);
        if extra == 0 {
            b = p;
            continue;
        }
        let extra_link = pi.link.saturating_sub(bi.link);
        let extra_p = pi.ptext.saturating_sub(bi.ptext);
        let extra_dated = pi.dated.saturating_sub(bi.dated);
        let article_like =
            extra_link * 5 < extra && extra_p * 10 >= extra * 3 && extra_dated < 3 && extra_p * 4 >= bi.ptext;
        if !article_like {
            break;
        }
        b = p;
    }
    b
}

/// The winner plus siblings that look like article text. When the winner (or one of its close ancestors)
/// is one of several same-class siblings full of paragraphs — an article split into chunks around ads —
/// all those chunks are taken.
fn merge_siblings(dom: &Dom<'_>, info: &[Info], best: u32) -> Vec<u32> {
    let good_chunk = |id: u32| {
        let i = info[id as usize];
        !i.junk && i.ptext >= 150 && i.ptext * 2 >= i.text && i.link * 10 < i.text * 3
    };
    let mut a = best;
    for _ in 0..4 {
        let parent = dom.nodes[a as usize].parent;
        if parent == u32::MAX || parent == 0 {
            break;
        }
        let class = dom.attr_raw(a, "class").map(str::trim).filter(|c| !c.is_empty());
        if let Some(class) = class {
            let same: Vec<u32> = dom
                .children(parent)
                .filter(|&c| {
                    c == a
                        || (dom.tag(c) == dom.tag(a)
                            && dom.attr_raw(c, "class").map(str::trim) == Some(class)
                            && good_chunk(c))
                })
                .collect();
            if same.len() > 1 {
                return same;
            }
        }
        a = parent;
    }

    let best_score = info[best as usize].score;
    let threshold = (best_score * 0.2).max(10.0);
    let parent = dom.nodes[best as usize].parent;
    if parent == u32::MAX || parent == 0 {
        return vec![best];
    }
    let mut roots = Vec::new();
    for sib in dom.children(parent) {
        let si = info[sib as usize];
        if sib == best {
            roots.push(sib);
            continue;
        }
        if si.junk || si.text == 0 || dom.tag(sib).is_none() {
            continue;
        }
        let density = si.link as f32 / si.text.max(1) as f32;
        let element_children: Vec<u32> = dom.children(sib).filter(|&c| dom.tag(c).is_some()).collect();
        let paragraph_like = !si.has_block
            || (element_children.len() == 1 && dom.tag(element_children[0]) == Some(Tag::P))
            || dom.tag(sib) == Some(Tag::P);
        let keep = (si.scored && si.score >= threshold)
            || (paragraph_like && si.text > 80 && density < 0.25)
            || (paragraph_like && density == 0.0 && si.text > 10 && ends_sentence(dom, sib));
        if keep {
            roots.push(sib);
        }
    }
    roots
}

fn ends_sentence(dom: &Dom<'_>, id: u32) -> bool {
    let mut s = String::new();
    dom.text_content(id, &mut s);
    let t = s.trim_end();
    t.ends_with('.') || t.ends_with('"') || t.ends_with('”')
}

fn initial_score(dom: &Dom<'_>, id: u32, verdict: Verdict, opts: Options) -> f32 {
    let mut s = match dom.tag(id) {
        Some(Tag::Div | Tag::Article | Tag::Main) => 5.0,
        Some(Tag::Pre | Tag::Td | Tag::Blockquote) => 3.0,
        Some(Tag::Address | Tag::Ol | Tag::Ul | Tag::Dl | Tag::Dd | Tag::Dt | Tag::Li | Tag::Form) => -3.0,
        Some(Tag::H1 | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6 | Tag::Th) => -5.0,
        _ => 0.0,
    };
    if dom.tag(id) == Some(Tag::Article) {
        s += 10.0;
    }
    if dom.attr_raw(id, "itemprop").is_some_and(|v| v.to_ascii_lowercase().contains("articlebody")) {
        s += 30.0;
    }
    if opts.class_rules {
        match verdict {
            Verdict::Positive => s += 25.0,
            Verdict::Negative => s -= 25.0,
            Verdict::Neutral => {}
        }
    }
    s
}

/// Chooses, among the best candidates and their ancestors, the node whose words agree best with `hint`.
fn best_by_hint(dom: &Dom<'_>, info: &[Info], candidates: &[u32], hint: &str) -> Option<u32> {
    let want = bag(hint);
    let want_total: usize = want.values().sum();
    let hint_size = hint.bytes().filter(|b| !b.is_ascii_whitespace()).count() as u64;
    let mut pool: Vec<u32> = Vec::new();
    for &c in candidates.iter().take(5) {
        let mut a = c;
        for _ in 0..4 {
            if a == 0 || a == u32::MAX {
                break;
            }
            if !pool.contains(&a) {
                pool.push(a);
            }
            a = dom.nodes[a as usize].parent;
        }
    }
    let mut best: Option<(f64, u32)> = None;
    for &c in &pool {
        // Nodes far smaller or larger than the hint cannot agree with it well; skip the work.
        let size = u64::from(info[c as usize].text);
        if size * 4 < hint_size || size > hint_size * 6 {
            continue;
        }
        let mut blocks = Vec::new();
        flatten(dom, info, c, &mut blocks);
        let mut text = String::new();
        for b in &blocks {
            text.push_str(&b.text);
            text.push(' ');
        }
        let got = bag(&text);
        let got_total: usize = got.values().sum();
        if got_total == 0 {
            continue;
        }
        let common: usize = got.iter().map(|(w, &k)| k.min(want.get(w).copied().unwrap_or(0))).sum();
        let p = common as f64 / got_total as f64;
        let r = common as f64 / want_total.max(1) as f64;
        let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        if best.is_none_or(|(bf, _)| f > bf + 1e-9) {
            best = Some((f, c));
        }
    }
    best.filter(|(f, _)| *f >= 0.5).map(|(_, c)| c)
}

/// Word counts, words identified by a hash of their lowercase form (FNV-1a).
fn bag(text: &str) -> HashMap<u64, usize> {
    let mut m = HashMap::new();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut in_word = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                h = (h ^ u64::from(u32::from(l))).wrapping_mul(0x0100_0000_01b3);
            }
            in_word = true;
        } else if in_word {
            *m.entry(h).or_default() += 1;
            h = 0xcbf2_9ce4_8422_2325;
            in_word = false;
        }
    }
    if in_word {
        *m.entry(h).or_default() += 1;
    }
    m
}

#[derive(Debug)]
pub(crate) struct Block {
    pub text: String,
    pub link: usize,
    /// Non-whitespace characters inside `<time>` elements.
    pub time: usize,
    pub kind: BlockKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Paragraph,
    Heading(u8),
    ListItem,
    Quote,
    /// A table cell in a row of text (a data table): its links are names, not navigation.
    Cell,
}

/// Whether the cell `id` sits in a row of two or more cells that is mostly text, not links.
fn text_row(dom: &Dom<'_>, info: &[Info], id: u32) -> bool {
    let row = dom.nodes[id as usize].parent;
    if row == u32::MAX || dom.tag(row) != Some(Tag::Tr) {
        return false;
    }
    let r = info[row as usize];
    r.link * 2 < r.text && dom.children(row).filter(|&c| matches!(dom.tag(c), Some(Tag::Td | Tag::Th))).count() >= 2
}

/// Emits the text blocks below `root` in document order, skipping junk.
fn flatten(dom: &Dom<'_>, info: &[Info], root: u32, out: &mut Vec<Block>) {
    let mut cur = Current { raw: String::new(), link: 0, time: 0, kind: BlockKind::Paragraph };
    // (node, entering, inside a link, inside a time) tuples: an explicit stack keeps deep trees from
    // overflowing the call stack.
    let mut stack: Vec<(u32, bool, bool, bool)> = vec![(root, true, false, false)];
    while let Some((id, entering, in_link, in_time)) = stack.pop() {
        let node = &dom.nodes[id as usize];
        if info[id as usize].junk {
            continue;
        }
        match node.kind {
            Kind::Text(refs) => {
                let raw = dom.text_raw(id);
                let before = cur.raw.len();
                if refs {
                    super::entities::decode_into(raw, &mut cur.raw);
                } else {
                    cur.raw.push_str(raw);
                }
                if in_link || in_time {
                    let added = cur.raw[before..].chars().filter(|c| !c.is_whitespace()).count();
                    if in_link {
                        cur.link += added;
                    }
                    if in_time {
                        cur.time += added;
                    }
                }
            }
            Kind::Element(tag) => {
                let block = tag.is_block();
                if entering {
                    if tag == Tag::Br || block {
                        cur.flush(out);
                    }
                    if block {
                        cur.kind = match tag {
                            Tag::H1 => BlockKind::Heading(1),
                            Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6 => BlockKind::Heading(2),
                            Tag::Li | Tag::Dd | Tag::Dt => BlockKind::ListItem,
                            Tag::Blockquote => BlockKind::Quote,
                            Tag::Td | Tag::Th if text_row(dom, info, id) => BlockKind::Cell,
                            _ if cur.kind == BlockKind::Quote && tag == Tag::P => BlockKind::Quote,
                            _ => BlockKind::Paragraph,
                        };
                        stack.push((id, false, in_link, in_time));
                    }
                    let link = in_link || tag == Tag::A;
                    let time = in_time || tag == Tag::Time;
                    let first = stack.len();
                    stack.extend(dom.children(id).map(|c| (c, true, link, time)));
                    stack[first..].reverse();
                } else {
                    cur.flush(out);
                    cur.kind = BlockKind::Paragraph;
                }
            }
            Kind::Root => {
                let first = stack.len();
                stack.extend(dom.children(id).map(|c| (c, true, in_link, in_time)));
                stack[first..].reverse();
            }
        }
    }
    cur.flush(out);
}

struct Current {
    raw: String,
    link: usize,
    time: usize,
    kind: BlockKind,
}

impl Current {
    fn flush(&mut self, out: &mut Vec<Block>) {
        let text = super::dom::collapse_ws(&self.raw);
        if !text.is_empty() {
            out.push(Block { text, link: self.link, time: self.time, kind: self.kind });
        }
        self.raw.clear();
        self.link = 0;
        self.time = 0;
    }
}

/// Drops link lists, label-only blocks ("Advertisement"), bylines and a repeated headline.
fn filter_blocks(blocks: Vec<Block>, titles: &[&str]) -> Vec<String> {
    let title_keys: Vec<String> = titles.iter().map(|t| normalize_key(t)).filter(|k| !k.is_empty()).collect();
    let mut out: Vec<(String, bool)> = Vec::with_capacity(blocks.len());
    // A body that only repeats the headline is still the body (a short article).
    let mut repeats: Vec<String> = Vec::new();
    // Whether the list being read was introduced by a paragraph of the text ending in a colon ("The
    // release notes:"): its items are part of the text even when they are only links.
    let mut introduced = false;
    for b in blocks {
        let chars = b.text.chars().filter(|c| !c.is_whitespace()).count().max(1);
        let density = b.link as f64 / chars as f64;
        if b.kind != BlockKind::ListItem {
            introduced = false;
        }
        // Short link-heavy blocks are navigation; long paragraphs may link most of their words.
        let limit = if chars >= 100 { 0.8 } else { 0.5 };
        if density > limit && b.kind != BlockKind::Cell && !(introduced && b.kind == BlockKind::ListItem) {
            continue;
        }
        if b.kind == BlockKind::Paragraph && density < 0.5 && b.text.trim_end().ends_with(':') {
            introduced = true;
        }
        // A block that is only a `<time>` is a dateline, not text.
        let dateline = b.time * 10 >= chars * 8;
        if dateline || is_label(&b.text) || is_byline(&b.text) {
            continue;
        }
        if b.text.len() < 400 && title_keys.contains(&normalize_key(&b.text)) {
            if b.kind != BlockKind::Heading(1) && repeats.is_empty() {
                repeats.push(b.text);
            }
            continue;
        }
        if b.kind == BlockKind::Heading(1) {
            continue;
        }
        out.push((b.text, matches!(b.kind, BlockKind::Heading(_))));
    }
    // A trailing heading with nothing under it is a section label of what follows the article.
    while out.last().is_some_and(|(_, heading)| *heading) {
        out.pop();
    }
    if out.is_empty() {
        return repeats;
    }
    out.into_iter().map(|(t, _)| t).collect()
}

fn normalize_key(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Short blocks that are labels of page furniture rather than text.
fn is_label(text: &str) -> bool {
    if text.len() > 60 {
        return false;
    }
    let key = normalize_key(text);
    if is_counter(&key) {
        return true;
    }
    const LABELS: &[&str] = &[
        "advertisement",
        "ad",
        "advert",
        "sponsored",
        "sponsoredcontent",
        "continuereading",
        "continuereadingthemainstory",
        "storycontinuesbelow",
        "storycontinuesbelowadvertisement",
        "articlecontinuesbelow",
        "articlecontinuesbelowadvertisement",
        "readmore",
        "readmorebelow",
        "skipadvertisement",
        "share",
        "sharethis",
        "sharethisarticle",
        "shareonfacebook",
        "shareontwitter",
        "clickheretosubscribe",
        "signupfornewsletter",
        "related",
        "relatedarticles",
        "relatedstories",
        "relatedcoverage",
        "relatedcontent",
        "recommended",
        "supportedby",
        "image",
        "photo",
        "video",
        "close",
        "loading",
        "comments",
        "comment",
        "tags",
        "tagged",
        "topics",
        "thisslideshowrequiresjavascript",
        "",
    ];
    LABELS.contains(&key.as_str())
}

/// Gallery counters: "Image 3 of 12", "Photo 1/5", "Slide 2 of 9" (key already normalised).
fn is_counter(key: &str) -> bool {
    let rest = ["image", "photo", "picture", "slide", "video"].iter().find_map(|w| key.strip_prefix(w));
    let Some(rest) = rest else { return false };
    let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    if digits.len() == rest.len() {
        return false;
    }
    let tail = digits.strip_prefix("of").unwrap_or(digits);
    !tail.is_empty() && tail.chars().all(|c| c.is_ascii_digit())
}

/// "By Jane Doe", "By Jane Doe and John Roe, Reuters": short lines that only name authors.
fn is_byline(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() < 2 || words.len() > 9 {
        return false;
    }
    let first = words[0].to_lowercase();
    if first != "by" {
        return false;
    }
    let capitalised = words[1..]
        .iter()
        .filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase()) || matches!(**w, "and" | "&" | "|"))
        .count();
    capitalised + 1 >= words.len() - 1 && !text.ends_with('.')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Verdict {
    Positive,
    Negative,
    #[default]
    Neutral,
}

/// Whether an element is boilerplate by its tag or attributes (final), whether its class/id names call it
/// boilerplate (subject to a veto), and what those names say.
fn judge<'a>(
    dom: &Dom<'a>,
    id: u32,
    tag: Tag,
    opts: Options,
    cache: &mut HashMap<&'a str, (bool, bool)>,
) -> (bool, u8, Verdict) {
    use Tag::*;
    if matches!(
        tag,
        Script
            | Style
            | Noscript
            | Template
            | Svg
            | Math
            | Iframe
            | Object
            | Embed
            | Canvas
            | Video
            | Audio
            | Button
            | Select
            | Input
            | Textarea
            | Option
            | Label
            | Picture
            | Img
            | Map
            | Title
            | Head
            | Meta
            | Link
            | Xmp
            | Noembed
            | Noframes
            | Frameset
    ) {
        return (true, 0, Verdict::Neutral);
    }
    // Page furniture by its tag: removed like a class-name rule, so an unclosed `<aside>` or a `<header>`
    // that swallowed the article cannot take most of the page's text with it.
    if matches!(tag, Nav | Aside | Footer | Figure | Figcaption | Dialog | Menu | Header) {
        return (false, 1, Verdict::Neutral);
    }
    let node = &dom.nodes[id as usize];
    let (mut class, mut idv, mut role, mut style) = (None, None, None, None);
    for a in &dom.attrs[node.attr_start as usize..node.attr_end as usize] {
        let name = dom.src.get(a.name.0 as usize..a.name.1 as usize).unwrap_or("");
        let value = dom.src.get(a.value.0 as usize..a.value.1 as usize).unwrap_or("");
        match name.len() {
            2 if name.eq_ignore_ascii_case("id") => idv = idv.or(Some(value)),
            4 if name.eq_ignore_ascii_case("role") => role = role.or(Some(value)),
            5 if name.eq_ignore_ascii_case("class") => class = class.or(Some(value)),
            5 if name.eq_ignore_ascii_case("style") => style = style.or(Some(value)),
            // Hidden content is removed subject to the same veto: scripts that stream a page move it into
            // view from a hidden container.
            6 if name.eq_ignore_ascii_case("hidden") => return (false, 1, Verdict::Neutral),
            11 if name.eq_ignore_ascii_case("aria-hidden") && value.trim().eq_ignore_ascii_case("true") => {
                return (false, 1, Verdict::Neutral);
            }
            _ => {}
        }
    }
    if let Some(style) = style {
        let s: String = style.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return (false, 1, Verdict::Neutral);
        }
    }
    if let Some(role) = role {
        let r = role.trim().to_ascii_lowercase();
        if matches!(
            r.as_str(),
            "navigation"
                | "complementary"
                | "contentinfo"
                | "banner"
                | "search"
                | "dialog"
                | "alertdialog"
                | "menu"
                | "menubar"
                | "toolbar"
                | "tablist"
        ) {
            return (false, 1, Verdict::Neutral);
        }
    }
    let (mut neg, mut pos) = (false, false);
    if let Some(c) = class {
        let (n, p) = *cache.entry(c).or_insert_with(|| name_flags(c));
        neg |= n;
        pos |= p;
    }
    if let Some(i) = idv {
        let (n, p) = name_flags(i);
        neg |= n;
        pos |= p;
    }
    let verdict = if pos {
        Verdict::Positive
    } else if neg {
        Verdict::Negative
    } else {
        Verdict::Neutral
    };
    // Inline elements and paragraphs rarely carry layout classes; only containers are dropped by name.
    let by_name = verdict == Verdict::Negative
        && !matches!(tag, P | A | B | I | Em | Strong | Span | Sup | Sub)
        && (opts.class_rules || class.is_some_and(comment_name) || idv.is_some_and(comment_name));
    (false, if by_name { 2 } else { 0 }, verdict)
}

/// Splits a class or id name into lowercase tokens at punctuation and camelCase boundaries.
fn tokens(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

const NEGATIVE: &[&str] = &[
    "share",
    "sharing",
    "sharebar",
    "social",
    "socials",
    "related",
    "recommended",
    "recommendations",
    "recommendation",
    "recirc",
    "newsletter",
    "newsletters",
    "subscribe",
    "subscription",
    "signup",
    "promo",
    "promos",
    "promotion",
    "advert",
    "advertisement",
    "advertising",
    "ad",
    "ads",
    "adslot",
    "adunit",
    "dfp",
    "gpt",
    "sponsor",
    "sponsored",
    "banner",
    "sidebar",
    "rail",
    "widget",
    "widgets",
    "footer",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "comment",
    "comments",
    "disqus",
    "byline",
    "bylines",
    "author",
    "authors",
    "timestamp",
    "dateline",
    "caption",
    "captions",
    "credit",
    "credits",
    "tags",
    "tag",
    "topics",
    "keywords",
    "toolbar",
    "tools",
    "print",
    "popup",
    "modal",
    "overlay",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "login",
    "signin",
    "register",
    "outbrain",
    "taboola",
    "trending",
    "popular",
    "mostread",
    "readmore",
    "pagination",
    "pager",
    "skip",
    "gallery",
    "slideshow",
    "carousel",
    "photo",
    "figure",
    "teaser",
    "teasers",
    "follow",
    "donate",
    "donation",
    "feedback",
    "masthead",
    "header",
    "headline",
    "headlines",
    "meta",
    "metadata",
    "sr",
    "offscreen",
    "visuallyhidden",
    "sronly",
    "newsletterform",
    "more",
    "next",
    "prev",
    "previous",
    "embed",
];

const POSITIVE: &[&str] =
    &["body", "content", "text", "entry", "prose", "article", "story", "main", "articlebody", "storybody", "tweet"];

/// Whether a name's first or last word is a compound that opens with a long boilerplate word (`relatedposts`,
/// `socialicons`, `sidebarwidget`): short words are left alone (`adapt`, `navy`, `tagline`), and so is a
/// word that only continues a boilerplate word into another one (`commentary`).
fn compound_negative(word: &str) -> bool {
    NEGATIVE.iter().any(|n| n.len() >= 6 && word.len() >= n.len() + 4 && word.starts_with(n))
}

/// Whether a class or id value names reader comments (`comments`, `comment-list`, `disqus_thread`).
fn comment_name(value: &str) -> bool {
    value.split_ascii_whitespace().any(|name| {
        let toks: Vec<String> = tokens(name).into_iter().filter(|t| t.len() > 1 && t != "js").collect();
        [toks.first(), toks.last()]
            .into_iter()
            .flatten()
            .any(|t| matches!(t.as_str(), "comment" | "comments" | "disqus"))
    })
}

/// What a class or id attribute value says: (negative, positive). A name is negative when its first or
/// last token is a boilerplate word (`share-tools`, `article-share`), positive when its last token is a
/// body word (`article-body`, `story`); negative wins inside one name, a positive name wins for the element.
fn name_flags(value: &str) -> (bool, bool) {
    let mut neg = false;
    let mut pos = false;
    for name in value.split_ascii_whitespace() {
        let toks: Vec<String> = tokens(name).into_iter().filter(|t| t.len() > 1 && t != "js").collect();
        let (Some(first), Some(last)) = (toks.first(), toks.last()) else { continue };
        // A name of five or more words is a slug of a heading (`sharing-with-a-single-developer`), not a
        // layout name: it says nothing about the element.
        if name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).count() >= 5 {
            continue;
        }
        // "more" opens the name of a list of other pages (`more-stories`); alone or at the end
        // (`entry-more`, `#more`) it is the rest of the text after a "read more" break.
        let more_tail = last == "more" && (toks.len() == 1 || first != "more");
        // State flags (`has-video`, `is-sticky`, `no-comments`) say nothing about what the element is.
        if matches!(first.as_str(), "is" | "has" | "no" | "with" | "show" | "hide" | "without") {
            continue;
        }
        let joined: String = toks.concat();
        if NEGATIVE.contains(&first.as_str()) && !(more_tail && toks.len() == 1)
            || NEGATIVE.contains(&last.as_str()) && !more_tail
            || compound_negative(first)
            || compound_negative(last)
            || matches!(joined.as_str(), "mostread" | "readmore" | "moreon" | "youmayalsolike" | "alsolike")
        {
            neg = true;
        } else if POSITIVE.contains(&last.as_str()) {
            pos = true;
        }
    }
    (neg, pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names() {
        let cases = [
            ("article-body", (false, true)),
            ("share-tools", (true, false)),
            ("article__share", (true, false)),
            ("relatedArticles", (true, false)),
            ("related-content", (true, false)),
            ("has-video no-comments", (false, false)),
            ("post-author", (true, false)),
            ("grid col-8", (false, false)),
            ("c-ad-slot", (true, false)),
            ("story", (false, true)),
            ("jp-relatedposts", (true, false)),
            ("socialicons-bar", (true, false)),
            ("commentary", (false, false)),
            ("tagline", (false, false)),
            ("entry-content", (false, true)),
        ];
        for (value, want) in cases {
            assert_eq!(name_flags(value), want, "class {value:?}");
        }
    }

    #[test]
    fn labels_bylines_and_counters() {
        for label in ["Advertisement", "ADVERTISEMENT", "Story continues below", "Image 3 of 12", "Share this article"]
        {
            assert!(is_label(label), "{label:?}");
        }
        for text in ["The advertisement ran for a week.", "Image quality improved", "Photo finish"] {
            assert!(!is_label(text), "{text:?}");
        }
        assert!(is_byline("By Jane Doe and John Roe"));
        assert!(is_byline("by JANE DOE, Staff Writer"));
        assert!(!is_byline("By the time the ferry arrived, the pier was closed."));
    }

    #[test]
    fn comment_names() {
        for value in ["comments", "comment-list", "post disqus_thread", "commentItem", "add_comment"] {
            assert!(comment_name(value), "{value:?}");
        }
        for value in ["widget widget_text", "so-panel", "commentary-body", "ck-block--embed", "sidebar"] {
            assert!(!comment_name(value), "{value:?}");
        }
    }

    #[test]
    fn class_tokens() {
        assert_eq!(tokens("relatedArticles__item"), ["related", "articles", "item"]);
        assert_eq!(tokens("c-share-bar"), ["c", "share", "bar"]);
        assert_eq!(tokens("ArticleBody"), ["article", "body"]);
    }
}
