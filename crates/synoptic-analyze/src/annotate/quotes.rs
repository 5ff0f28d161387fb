//! Direct quotations and their speakers: straight and curly marks, quotes spanning paragraphs, partial
//! quotes; the speaker from "X said", "said X", "according to X", pronouns and roles resolved to a person of
//! the article, or `None` when the text does not tell.

use std::borrow::Cow;
use std::sync::LazyLock;

use synoptic_model::{EntityKind, QuoteMention, Span};

use super::entities::{Entities, Gender};
use super::gazetteer::HashSet;
use super::tokens::Tok;

/// A quotation found by its marks.
#[derive(Debug, Clone)]
pub struct RawQuote {
    /// From the opening mark to the closing mark, both included.
    pub outer: Span,
    /// The quoted words, without marks.
    pub content: Span,
    /// The quoted words; paragraphs of a multi-paragraph quote joined by a space, inner marks removed.
    pub text: String,
}

fn is_open_double(c: char) -> bool {
    matches!(c, '\u{201C}' | '\u{00AB}' | '\u{201E}')
}

fn is_close_double(c: char) -> bool {
    matches!(c, '\u{201D}' | '\u{00BB}')
}

/// Find quotations by their marks. Never panics; unmatched marks are ignored.
pub fn find_marks(text: &str) -> Vec<RawQuote> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        let straight = c == '"';
        let single = c == '\u{2018}' && opens_single(text, pos);
        if !(is_open_double(c) || straight || single) {
            i += 1;
            continue;
        }
        let content_start = pos + c.len_utf8();
        let mut j = i + 1;
        let mut pieces: Vec<Span> = Vec::new();
        let mut piece_start = content_start;
        let mut found = None;
        while j < chars.len() {
            let (p, d) = chars[j];
            let closes = if single {
                d == '\u{2019}' && !text[p + d.len_utf8()..].starts_with(|n: char| n.is_alphanumeric())
            } else if straight {
                d == '"'
            } else {
                is_close_double(d) || d == '"'
            };
            if closes {
                found = Some((p, p + d.len_utf8()));
                break;
            }
            if !single && !straight && is_open_double(d) {
                // A new opening before any close: the first mark was stray.
                break;
            }
            if d == '\n' {
                // Paragraph end inside a quote: it continues if the next paragraph opens with a mark.
                pieces.push(Span::new(piece_start, p));
                let mut k = j;
                while k < chars.len() && chars[k].1.is_whitespace() {
                    k += 1;
                }
                let reopens = k < chars.len()
                    && !single
                    && (is_open_double(chars[k].1) || (straight && chars[k].1 == '"'))
                    && has_close_later(&chars, k + 1, straight);
                if reopens {
                    piece_start = chars[k].0 + chars[k].1.len_utf8();
                    j = k + 1;
                    continue;
                }
                // Unclosed at paragraph end: the quote ends with its paragraph.
                found = Some((p, p));
                pieces.pop();
                break;
            }
            j += 1;
        }
        let Some((close_start, close_end)) = found else {
            i += 1;
            continue;
        };
        pieces.push(Span::new(piece_start, close_start));
        let mut qtext = String::new();
        for s in &pieces {
            let t = s.slice(text).trim();
            if t.is_empty() {
                continue;
            }
            if !qtext.is_empty() {
                qtext.push(' ');
            }
            qtext.push_str(t);
        }
        let content = trim_span(text, Span::new(content_start, close_start));
        if qtext.chars().any(char::is_alphabetic) && !content.is_empty() {
            out.push(RawQuote { outer: Span::new(pos, close_end), content, text: qtext });
        }
        // Continue after the closing mark.
        i = chars.partition_point(|&(p, _)| p < close_end.max(pos + 1));
    }
    out
}

fn has_close_later(chars: &[(usize, char)], from: usize, straight: bool) -> bool {
    chars[from.min(chars.len())..]
        .iter()
        .take_while(|&&(_, c)| c != '\n')
        .any(|&(_, c)| if straight { c == '"' } else { is_close_double(c) || c == '"' })
}

/// A left single mark opens a quote only after space or start and before a letter.
fn opens_single(text: &str, pos: usize) -> bool {
    let before = text[..pos].chars().next_back();
    let after = text[pos + '\u{2018}'.len_utf8()..].chars().next();
    before.is_none_or(|b| b.is_whitespace() || b == '(' || b == '\u{201C}') && after.is_some_and(char::is_alphanumeric)
}

fn trim_span(text: &str, s: Span) -> Span {
    let t = s.slice(text);
    let lead = t.len() - t.trim_start().len();
    let trail = t.len() - t.trim_end().len();
    let (a, b) = (s.start + lead, s.end.saturating_sub(trail));
    if a < b { Span::new(a, b) } else { Span::new(s.start, s.start) }
}

/// Speech verbs, finite forms: the speaker is next to them.
const VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "tweeted",
    "tweets",
    "wrote",
    "writes",
    "posted",
    "added",
    "adds",
    "stated",
    "states",
    "noted",
    "notes",
    "explained",
    "explains",
    "stressed",
    "lamented",
    "insisted",
    "insists",
    "warned",
    "warns",
    "recalled",
    "argued",
    "argues",
    "declared",
    "urged",
    "asked",
    "replied",
    "reiterated",
    "emphasized",
    "emphasised",
    "announced",
    "acknowledged",
    "admitted",
    "claimed",
    "claims",
    "confirmed",
    "continued",
    "described",
    "called",
    "calls",
    "pledged",
    "vowed",
    "promised",
    "suggested",
    "cautioned",
    "conceded",
    "complained",
    "concluded",
    "observed",
    "remarked",
    "commented",
    "responded",
    "countered",
    "quipped",
    "wondered",
    "shouted",
    "stresses",
    "notes",
    "highlighted",
    "condemned",
    "praised",
    "welcomed",
    "denounced",
    "dismissed",
    "accused",
    "hailed",
    "promises",
    "pledges",
    "predicted",
    "predicts",
    "thanked",
    "expressed",
    "maintained",
    "maintains",
    "believes",
    "believed",
    "estimated",
    "mused",
    "joked",
    "boasted",
    "blasted",
];

static VERB_SET: LazyLock<HashSet<&'static str>> = LazyLock::new(|| VERBS.iter().copied().collect());
static PARTICIPLE_SET: LazyLock<HashSet<&'static str>> = LazyLock::new(|| PARTICIPLES.iter().copied().collect());

/// Participles: the speaker is the nearest person before them in the sentence.
const PARTICIPLES: &[&str] = &[
    "saying",
    "adding",
    "telling",
    "noting",
    "writing",
    "tweeting",
    "arguing",
    "warning",
    "stressing",
    "insisting",
    "explaining",
    "calling",
    "describing",
    "declaring",
    "urging",
    "emphasizing",
    "emphasising",
    "stating",
    "promising",
    "vowing",
    "pledging",
    "acknowledging",
    "admitting",
    "claiming",
    "asking",
    "recalling",
];

/// Verbs that make a following quote (in the next sentence) a continuation of the subject's words.
const INTRO_VERBS: &[&str] =
    &["speaking", "encouraged", "urged", "appealed", "addressed", "spoke", "speaks", "continued", "went", "told"];

const SKIP_BEFORE_VERB: &[&str] = &[
    "also",
    "later",
    "then",
    "again",
    "has",
    "have",
    "had",
    "was",
    "is",
    "previously",
    "further",
    "repeatedly",
    "recently",
    "reportedly",
    "once",
    "would",
    "will",
    "earlier",
    "separately",
    "simply",
    "only",
    "similarly",
    "subsequently",
    "publicly",
    "privately",
    "explicitly",
    "frequently",
    "often",
    "been",
    "has",
    "once",
    "however",
    "meanwhile",
    "too",
    "later",
    "repeatedly",
    "himself",
    "herself",
    "themselves",
    "on",
    "thursday",
    "monday",
    "tuesday",
    "wednesday",
    "friday",
    "saturday",
    "sunday",
    "today",
    "yesterday",
    "last",
    "week",
    "night",
];

const PREPOSITIONS: &[&str] = &["in", "from", "at", "on", "to", "near", "outside", "inside", "during"];

struct Ctx<'a> {
    text: &'a str,
    toks: &'a [Tok],
    ents: &'a Entities,
    /// Mention index for each token (descriptions win over the names inside them).
    mention_of: Vec<Option<usize>>,
    /// Quote index for each token inside a quote's marks.
    quote_of: Vec<Option<usize>>,
    /// Paragraph number of each token.
    para_of: Vec<usize>,
}

/// How a speaker was found.
type Found = (usize, &'static str);

impl<'a> Ctx<'a> {
    /// The token lowercased; borrowed (no allocation) when it already is lowercase ASCII.
    fn word(&self, t: usize) -> Cow<'a, str> {
        let w = self.toks[t].text(self.text);
        if w.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
            Cow::Borrowed(w)
        } else {
            Cow::Owned(w.to_lowercase())
        }
    }

    fn mention(&self, t: usize) -> Option<(usize, bool)> {
        self.mention_of[t].map(|m| (self.ents.mentions[m].ent, self.ents.mentions[m].description))
    }

    fn kind(&self, e: usize) -> EntityKind {
        self.ents.ents[e].kind
    }

    /// Resolve "he"/"she"/"who" at token `p` to the nearest compatible person before it.
    fn pronoun(&self, p: usize, gender: Option<Gender>) -> Option<usize> {
        let sent = self.toks[p].sent;
        let mut k = p;
        while k > 0 {
            k -= 1;
            if self.toks[k].sent + 4 < sent {
                break;
            }
            if self.quote_of[k].is_some() {
                continue;
            }
            if let Some((e, _)) = self.mention(k)
                && self.kind(e) == EntityKind::Person
            {
                let g = self.ents.ents[e].gender;
                if gender.is_none() || g.is_none() || g == gender {
                    return Some(e);
                }
            }
        }
        None
    }

    fn pronoun_at(&self, k: usize) -> Option<Option<Gender>> {
        match &*self.word(k) {
            "he" => Some(Some(Gender::Male)),
            "she" => Some(Some(Gender::Female)),
            "who" => Some(None),
            _ => None,
        }
    }

    /// The speaker right before a finite verb: "X said", "X also told", "X in Paris says", "he said".
    fn before(&self, v: usize, floor: usize) -> Option<Found> {
        let sent = self.toks[v].sent;
        let mut k = v;
        let mut place_fallback = None;
        while k > floor {
            k -= 1;
            if self.toks[k].sent != sent || self.quote_of[k].is_some() || v - k > 9 {
                break;
            }
            if let Some((e, desc)) = self.mention(k) {
                match self.kind(e) {
                    EntityKind::Person | EntityKind::Organization => {
                        return Some((e, if desc { "role" } else { "explicit" }));
                    }
                    _ => {
                        // A country may speak ("Russia said"); a city next to a comma is no speaker.
                        let country = super::gazetteer::country_named(&self.ents.ents[e].key).is_some();
                        let comma = self.text[self.toks[k].full_end..self.toks[v].start].contains(',');
                        if place_fallback.is_none() && k + 1 == v && country && !comma {
                            place_fallback = Some((e, "explicit"));
                        }
                        // Skip the whole mention, then a preposition before it.
                        let m = &self.ents.mentions[self.mention_of[k].unwrap_or(0)];
                        k = m.toks.0.max(floor);
                        if k > floor && PREPOSITIONS.contains(&&*self.word(k - 1)) {
                            k -= 1;
                            continue;
                        }
                        return place_fallback;
                    }
                }
            }
            if let Some(g) = self.pronoun_at(k) {
                return self.pronoun(k, g).map(|e| (e, "pronoun"));
            }
            let w = self.word(k);
            if SKIP_BEFORE_VERB.contains(&&*w) {
                continue;
            }
            break;
        }
        place_fallback
    }

    /// The speaker right after a verb: "said X", "lamented the Ukrainian leader".
    fn after(&self, v: usize) -> Option<Found> {
        let sent = self.toks[v].sent;
        for k in v + 1..(v + 5).min(self.toks.len()) {
            if self.toks[k].sent != sent || self.quote_of[k].is_some() {
                break;
            }
            if let Some((e, desc)) = self.mention(k) {
                if self.kind(e) != EntityKind::Person {
                    // "said White House press secretary Jane Roe": the person after the organisation.
                    let m = &self.ents.mentions[self.mention_of[k].unwrap_or(0)];
                    for j in m.toks.1..(m.toks.1 + 4).min(self.toks.len()) {
                        if self.toks[j].sent != sent || self.quote_of[j].is_some() {
                            break;
                        }
                        if let Some((p, pd)) = self.mention(j)
                            && self.kind(p) == EntityKind::Person
                        {
                            return Some((p, if pd { "role" } else { "explicit" }));
                        }
                        let w = self.word(j);
                        if !(self.toks[j].cap
                            || ["press", "foreign", "defense", "defence"].contains(&&*w)
                            || super::entities::is_role_word(&w))
                        {
                            break;
                        }
                    }
                }
                return matches!(self.kind(e), EntityKind::Person | EntityKind::Organization)
                    .then_some((e, if desc { "role" } else { "explicit" }));
            }
            if let Some(g) = self.pronoun_at(k) {
                return self.pronoun(k, g).map(|e| (e, "pronoun"));
            }
            let tok = &self.toks[k];
            let w = self.word(k);
            // Titles before the name ("said Foreign Minister X") and articles may sit in between.
            if !(tok.cap || w == "the" || w == "a") {
                break;
            }
        }
        None
    }

    /// The nearest person (or he/she) before a participle in the same sentence.
    fn nearest_person(&self, v: usize) -> Option<Found> {
        let sent = self.toks[v].sent;
        let mut k = v;
        while k > 0 {
            k -= 1;
            if self.toks[k].sent != sent {
                break;
            }
            if self.quote_of[k].is_some() {
                continue;
            }
            if let Some((e, desc)) = self.mention(k)
                && self.kind(e) == EntityKind::Person
            {
                return Some((e, if desc { "role" } else { "explicit" }));
            }
            if let Some(g) = self.pronoun_at(k) {
                return self.pronoun(k, g).map(|e| (e, "pronoun"));
            }
        }
        None
    }

    /// Speaker from the verb at token `v`.
    fn speaker_of_verb(&self, v: usize, floor: usize) -> Option<Found> {
        let w = self.word(v);
        if w == "according" {
            if self.toks.get(v + 1).is_some_and(|t| t.text(self.text) == "to") {
                return self.after(v + 1);
            }
            return None;
        }
        if PARTICIPLE_SET.contains(&*w) {
            return self.nearest_person(v);
        }
        self.before(v, floor).or_else(|| self.after(v))
    }

    fn is_verb(&self, t: usize) -> bool {
        let w = self.toks[t].text(self.text);
        if w.len() > 15 || w.starts_with(|c: char| c.is_uppercase()) {
            return false;
        }
        VERB_SET.contains(w) || PARTICIPLE_SET.contains(w) || w == "according"
    }
}

/// Attribute each quotation to its speaker.
pub fn attribute(text: &str, toks: &[Tok], ents: &Entities, raw: &[RawQuote]) -> Vec<QuoteMention> {
    let mut mention_of = vec![None; toks.len()];
    for (i, m) in ents.mentions.iter().enumerate() {
        for slot in mention_of.iter_mut().take(m.toks.1.min(toks.len())).skip(m.toks.0) {
            if slot.is_none() || m.description {
                *slot = Some(i);
            }
        }
    }
    let mut quote_of = vec![None; toks.len()];
    let mut para_of = vec![0; toks.len()];
    let mut para = 0;
    let mut last_end = 0;
    for (ti, t) in toks.iter().enumerate() {
        if text[last_end..t.start].contains("\n") {
            para += 1;
        }
        last_end = t.start;
        para_of[ti] = para;
        if let Some(qi) = raw.iter().position(|q| q.outer.start <= t.start && t.end <= q.outer.end) {
            quote_of[ti] = Some(qi);
        }
    }
    let cx = Ctx { text, toks, ents, mention_of, quote_of, para_of };
    let mut out: Vec<QuoteMention> = Vec::with_capacity(raw.len());
    let mut found_for: Vec<Option<Found>> = Vec::with_capacity(raw.len());
    for (qi, q) in raw.iter().enumerate() {
        let first_in = toks.partition_point(|t| t.start < q.outer.start);
        let after_close = toks.partition_point(|t| t.start < q.outer.end);
        let tweet_context = {
            let tail_end = toks.get(after_close + 8).map(|t| t.start).unwrap_or(text.len());
            let tail = &text[q.outer.end.min(tail_end)..tail_end].to_lowercase();
            tail.contains("tweet") || tail.contains("on x") || tail.contains("on twitter") || tail.contains("posted")
        };
        let mut found = None;
        // 1. After the closing mark, in the same sentence: ", X said" / ", said X".
        if after_close < toks.len() && first_in < toks.len() {
            let close_sent = toks[after_close.saturating_sub(1).max(first_in)].sent;
            let mut k = after_close;
            while k < toks.len() && k < after_close + 8 && toks[k].sent == close_sent && cx.quote_of[k].is_none() {
                if cx.is_verb(k) {
                    found = cx.speaker_of_verb(k, after_close);
                    break;
                }
                k += 1;
            }
        }
        // 2. Before the opening mark in the same sentence: nearest verb first.
        if found.is_none() && first_in < toks.len() {
            let sent = toks[first_in].sent;
            let mut k = first_in;
            while k > 0 {
                k -= 1;
                if toks[k].sent != sent || cx.quote_of[k].is_some_and(|o| o != qi) && cx.quote_of[k].is_some() {
                    if toks[k].sent != sent {
                        break;
                    }
                    continue;
                }
                if cx.is_verb(k) {
                    found = cx.speaker_of_verb(k, 0);
                    break;
                }
            }
            // 3. A partial quote inside a sentence whose only person before it is its subject.
            if found.is_none() && k_sentence_has_no_verb(&cx, first_in, sent) {
                found = sole_person_before(&cx, first_in, sent);
            }
        }
        // 4. Continuation: an unattributed quote right after an attributed one, or after a sentence in
        // which a person speaks ("Speaking in Paris, X urged ...").
        if found.is_none() && first_in < toks.len() && sentence_without_verb(&cx, q, first_in) {
            let sent = toks[first_in].sent;
            let para = cx.para_of[first_in];
            if let Some(prev) = qi.checked_sub(1)
                && let Some(Some(f)) = found_for.get(prev)
            {
                let prev_q = &raw[prev];
                let prev_tok = toks.partition_point(|t| t.start < prev_q.outer.start);
                if prev_tok < toks.len()
                    && (cx.para_of[prev_tok] == para || toks[prev_tok].sent + 1 >= sent)
                    && toks[prev_tok].sent + 2 >= sent
                {
                    found = Some((f.0, "context"));
                }
            }
            if found.is_none() && sent > 0 {
                found = intro_sentence(&cx, first_in, sent - 1, para);
            }
        }
        let found = found.map(|(e, how)| (e, if tweet_context && how == "explicit" { "tweet" } else { how }));
        found_for.push(found);
        out.push(QuoteMention {
            span: q.content,
            text: q.text.clone(),
            speaker: found.map(|(e, _)| ents.ents[e].canonical.clone()),
            attribution: found.map(|(_, how)| how.to_string()),
        });
    }
    out
}

/// True when no speech verb sits in the sentence outside quotes.
fn k_sentence_has_no_verb(cx: &Ctx<'_>, around: usize, sent: usize) -> bool {
    let (a, b) = sentence_tokens(cx, around, sent);
    !(a..b).any(|k| cx.quote_of[k].is_none() && cx.is_verb(k))
}

fn sentence_without_verb(cx: &Ctx<'_>, _q: &RawQuote, first_in: usize) -> bool {
    k_sentence_has_no_verb(cx, first_in, cx.toks[first_in].sent)
}

fn sentence_tokens(cx: &Ctx<'_>, around: usize, sent: usize) -> (usize, usize) {
    let mut a = around;
    while a > 0 && cx.toks[a - 1].sent == sent {
        a -= 1;
    }
    let mut b = around;
    while b < cx.toks.len() && cx.toks[b].sent == sent {
        b += 1;
    }
    (a, b)
}

/// The one person mentioned before `first_in` in the sentence (outside quotes), as its subject.
fn sole_person_before(cx: &Ctx<'_>, first_in: usize, sent: usize) -> Option<Found> {
    let (a, _) = sentence_tokens(cx, first_in, sent);
    let mut person = None;
    for k in a..first_in {
        if cx.quote_of[k].is_some() {
            continue;
        }
        let e = if let Some((e, _)) = cx.mention(k) {
            if cx.kind(e) != EntityKind::Person {
                continue;
            }
            e
        } else if let Some(g) = cx.pronoun_at(k) {
            if cx.word(k) == "who" {
                continue;
            }
            cx.pronoun(k, g)?
        } else {
            continue;
        };
        match person {
            None => person = Some(e),
            Some(p) if p == e => {}
            Some(_) => return None,
        }
    }
    person.map(|e| (e, "subject"))
}

/// A previous sentence in the paragraph whose subject speaks: its first person.
fn intro_sentence(cx: &Ctx<'_>, first_in: usize, prev_sent: usize, para: usize) -> Option<Found> {
    let mut b = first_in;
    while b > 0 && cx.toks[b - 1].sent > prev_sent {
        b -= 1;
    }
    let mut a = b;
    while a > 0 && cx.toks[a - 1].sent == prev_sent {
        a -= 1;
    }
    if a == b || cx.para_of[a] != para && cx.para_of[b.saturating_sub(1)] != para {
        return None;
    }
    let speaks = (a..b).any(|k| {
        let w = cx.word(k);
        INTRO_VERBS.contains(&&*w) || VERBS.contains(&&*w) || PARTICIPLES.contains(&&*w)
    });
    if !speaks {
        return None;
    }
    for k in a..b {
        if cx.quote_of[k].is_some() {
            continue;
        }
        if let Some((e, _)) = cx.mention(k)
            && cx.kind(e) == EntityKind::Person
        {
            return Some((e, "context"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_curly_straight_partial_and_multi_paragraph_quotes() {
        let t = "He said “we will win” and ‘soon’.\n\n“First part.\n\n“Second part,” she said. Then \"plain\".";
        let q = find_marks(t);
        let texts: Vec<&str> = q.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(texts, ["we will win", "soon", "First part. Second part,", "plain"]);
        assert_eq!(q[0].content.slice(t), "we will win");
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        assert!(find_marks("Kyiv’s mayor didn’t say").is_empty());
        assert!(find_marks("a \" stray").is_empty() || find_marks("a \" stray")[0].text == "stray");
    }
}
