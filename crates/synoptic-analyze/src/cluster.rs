//! Online two-level clustering: articles into events, events into stories, with explanations.
//!
//! One article at a time ([`Engine::add`]): its copies are looked up in an LSH index
//! ([`crate::copies`]); a copy or rewrite joins its origin's event. Otherwise candidate events come from
//! an inverted index (terms and named things → open events) over the active window, each candidate is
//! scored, and the article joins the best one when the score reaches the threshold, else starts an event.
//! A new event joins the best-matching open story or starts one.
//!
//! The score of an article against an event is a weighted mean of cosines between TF-IDF vectors (content
//! terms; named things; title words) and the share of the article's figures and quotes the event already
//! carries, multiplied by a time decay when both have dates. The text and named-things cosines are blended
//! with the best cosine against one of the event's few most recent members, so a centroid that has summed
//! generic shared terms (the same actors, places) over many members does not draw in a different happening. Document frequencies grow with the stream
//! (copies count once) and are halved when the table outgrows its cap, so old vocabulary fades.
//!
//! Invariants: deterministic (same articles in the same order give the same placements, also across a
//! snapshot and restore); memory bounded by the active window (events, stories, signatures and postings
//! older than the window are evicted; the DF table is capped); no panics on any input.

pub mod model;
mod snapshot;

use std::collections::{HashMap, HashSet, VecDeque};

use serde::{Deserialize, Serialize};
use synoptic_model::ids::prefixed_id;
use synoptic_model::{Annotations, Article};

pub use crate::copies::CopyTier;
use crate::copies::{CopyConfig, LshIndex, Signature, classify, signature};
use crate::tokens::{PassBuild, content_terms, hash_bytes, term_hash};
use model::fi;
pub use model::{FEATURES, JoinModel, JoinSample, NF};

/// Thresholds, the join model and the window of the engine.
///
/// The join decision is [`JoinModel`]: logistic weights over named features, fitted by `cargo xtask fit` on
/// labelled real news (ECB+ development set) and the bundled corpus, shipped in `data/join_model.json`; the
/// event and story thresholds are chosen by the same command. None of them depends on dates being present:
/// dates only add a time decay when both sides have them. Windows and decays are set from how long events
/// and stories last in news (days; weeks).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EngineConfig {
    /// An article joins the best event when the model's probability (times the time decay) reaches this,
    /// else it starts an event.
    pub event_threshold: f64,
    /// A new event joins the best story when its rare-things score reaches this, else it starts a story.
    pub story_threshold: f64,
    /// The fitted join model (weights of the features in [`FEATURES`]).
    pub model: JoinModel,
    /// Add adjacent-term bigrams to the content terms.
    pub bigrams: bool,
    /// Days around an event's span within which dates do not lower the score.
    pub event_grace_days: f64,
    /// Beyond the grace, the score is multiplied by `exp(-days / event_decay_days)`.
    pub event_decay_days: f64,
    /// Same for stories (successive events over weeks).
    pub story_decay_days: f64,
    /// Events whose last article is older than this (by dates) close and leave memory.
    pub window_days: f64,
    /// Events and signatures not touched in this many articles close and leave memory (with or without dates).
    pub window_articles: u64,
    /// Stories not touched in this many days / articles close.
    pub story_window_days: f64,
    pub story_window_articles: u64,
    /// Candidate events scored per article.
    pub max_candidates: usize,
    /// Highest-weighted terms of an article used to find candidates and posted to the index.
    pub query_terms: usize,
    /// Highest-weighted terms (and bigrams) of an article kept for scoring.
    pub article_terms: usize,
    /// Terms kept per event or story centroid.
    pub centroid_terms: usize,
    /// Recent member vectors kept per open event: the model sees the best single recent member besides the
    /// centroid (a centroid summed over many members favours large events on generic shared terms).
    pub member_vectors: usize,
    /// Index terms with more open events than this are too common to find candidates with.
    pub max_posting: usize,
    /// Distinct terms in the document-frequency table before it is halved.
    pub df_capacity: usize,
    pub copies: CopyConfig,
}

impl Default for EngineConfig {
    fn default() -> Self {
        let model = JoinModel::shipped();
        EngineConfig {
            event_threshold: model.event_threshold,
            story_threshold: model.story_threshold,
            model,
            bigrams: false,
            event_grace_days: 1.0,
            event_decay_days: 2.0,
            story_decay_days: 30.0,
            window_days: 7.0,
            window_articles: 50_000,
            story_window_days: 90.0,
            story_window_articles: 200_000,
            max_candidates: 32,
            query_terms: 24,
            article_terms: 200,
            centroid_terms: 300,
            member_vectors: 8,
            max_posting: 2_000,
            df_capacity: 300_000,
            copies: CopyConfig::default(),
        }
    }
}

/// Why an article landed where it did (for `synoptic show ARTICLE`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// Score against the chosen (or best) event (the model's probability times the time decay), and the
    /// threshold it was compared with.
    pub score: f64,
    pub threshold: f64,
    /// The model's features against the chosen (or best) event, in the order of [`FEATURES`]: each as
    /// (value, contribution = value × weight), rounded to 3 decimals; with the bias, the contributions sum
    /// to the log-odds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<[f64; 2]>,
    #[serde(default)]
    pub bias: f64,
    /// The runner-up's contributions (same order), to see what set the two apart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runner_up_features: Vec<f64>,
    /// Some parts in plain terms: cosines of terms, named things and title words, share of facts, time decay.
    pub text: f64,
    pub entities: Option<f64>,
    pub title: Option<f64>,
    pub facts: Option<f64>,
    pub decay: f64,
    /// Terms shared with the event, heaviest first.
    pub top_terms: Vec<String>,
    /// Named things shared with the event.
    pub shared_entities: Vec<String>,
    /// The best other event and its score.
    pub runner_up: Option<String>,
    pub runner_up_score: Option<f64>,
    /// The nearest earlier text and how similar (when a copy or rewrite was found).
    pub copy_of: Option<String>,
    pub copy_jaccard: Option<f64>,
    pub copy_containment: Option<f64>,
    /// Score of the event against its story when the event was new (rare named things shared), the story
    /// threshold, and the shared named things, rarest first.
    pub story_score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub story_threshold: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub story_shared: Vec<String>,
    /// Events merged after this article's placement (by it, or later: the store appends the merges that
    /// relabel the article).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<Merge>,
    /// One line in words.
    pub reason: String,
}

/// Two open events found to be one happening: `absorbed` (the younger) joined `into` (the older, whose id
/// stays), and its articles now belong to `into` and its story `story`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Merge {
    pub absorbed: String,
    pub into: String,
    pub story: String,
    /// The model's probability between the two events (the lower of the two ways) and the merge threshold.
    pub score: f64,
    pub threshold: f64,
}

/// Event and story names after later merges: [`Relabel::note`] every placement in processing order, then
/// [`Relabel::resolve`] any earlier placement's names to where its article is now.
#[derive(Debug, Clone, Default)]
pub struct Relabel {
    into: HashMap<String, (String, String)>,
}

impl Relabel {
    pub fn note(&mut self, p: &Placement) {
        for m in &p.merges {
            self.into.insert(m.absorbed.clone(), (m.into.clone(), m.story.clone()));
        }
    }

    /// The current (event, story) of an article placed in `event` / `story`.
    pub fn resolve(&self, event: &str, story: &str) -> (String, String) {
        let (mut e, mut s) = (event.to_string(), story.to_string());
        // Merges always go to an older event, so the chain ends; the bound only guards bad input.
        for _ in 0..self.into.len() {
            match self.into.get(&e) {
                Some((to, st)) => (e, s) = (to.clone(), st.clone()),
                None => break,
            }
        }
        (e, s)
    }
}

/// Where one article was placed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    /// The origin's article id when this article is a copy (identical or lightly edited).
    pub copy_of: Option<String>,
    pub tier: CopyTier,
    pub event: String,
    pub story: String,
    pub new_event: bool,
    pub new_story: bool,
    pub story_title: String,
    pub explanation: Explanation,
    /// Events merged just after this placement (in order): the store relabels the absorbed events'
    /// articles. `event` and `story` above already name the survivor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merges: Vec<Merge>,
}

/// A snapshot could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("snapshot is not valid: {0}")]
    Invalid(#[from] serde_json::Error),
    #[error("snapshot version {found} is not supported (expected {expected})")]
    Version { found: u32, expected: u32 },
    #[error("snapshot is damaged: {0}")]
    Corrupt(&'static str),
}

/// Version 3: the compact binary encoding of `cluster/snapshot.rs` with the events' named things by kind,
/// figures and days (version 2 lacked them and is still read; version 1 was JSON).
const SNAPSHOT_VERSION: u32 = 3;

/// Indices of `articles` in processing order: dated articles by published time (ties: the longer text
/// first, so the most complete copy becomes the origin), then undated ones in input order (they have no
/// time to sort by, and join the events the dated ones formed). Without any dates: input order.
pub fn processing_order(articles: &[Article]) -> Vec<usize> {
    let mut keys: Vec<(u8, i64, std::cmp::Reverse<usize>, usize)> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| match a.published {
            Some(p) => (0, p.timestamp(), std::cmp::Reverse(a.text.len()), i),
            None => (1, 0, std::cmp::Reverse(0), i),
        })
        .collect();
    keys.sort();
    keys.into_iter().map(|k| k.3).collect()
}

/// Batch re-optimisation: the whole collection's document frequencies are known before the first article
/// is placed, then every article is placed in processing order. Returns placements in input order.
pub fn recluster(items: &[(Article, Annotations)], cfg: &EngineConfig) -> Vec<Placement> {
    let mut engine = Engine::new(cfg.clone());
    let arts: Vec<Article> = items.iter().map(|(a, _)| a.clone()).collect();
    let order = processing_order(&arts);
    let mut seen = HashSet::new();
    for &i in &order {
        let (a, ann) = &items[i];
        let sig = signature(&a.text);
        if !sig.is_empty() && !seen.insert((sig.exact, sig.shingles)) {
            continue;
        }
        let f = Features::of(a, ann, cfg.bigrams);
        let _ = engine.state.count_df(&f, usize::MAX);
    }
    engine.state.frozen_df = true;
    let mut out: Vec<Option<Placement>> = vec![None; items.len()];
    let mut relabel = Relabel::default();
    for &i in &order {
        let (a, ann) = &items[i];
        let p = engine.add(a, ann);
        relabel.note(&p);
        out[i] = Some(p);
    }
    // Events merged later: every article names where it ended.
    let mut out: Vec<Placement> = out.into_iter().flatten().collect();
    for p in &mut out {
        (p.event, p.story) = relabel.resolve(&p.event, &p.story);
    }
    out
}

/// What the engine extracts from one article: hashed terms with their weight before IDF (1 + ln tf).
#[derive(Debug, Clone)]
struct Features {
    /// Content terms and adjacent-term bigrams of title and body.
    terms: Vec<(u64, f64)>,
    /// Named things: entity annotations when present, else capitalised words.
    ents: Vec<(u64, f64)>,
    title: Vec<(u64, f64)>,
    facts: Vec<u64>,
    /// Named things with their kind: `(hash & !3) | kind` (see [`kind_code`]), sorted, distinct.
    kinds: Vec<u64>,
    /// Figures (not dates) as `unit << 32 | value` hashes, sorted, distinct: same unit, other value is a
    /// conflict.
    figs: Vec<u64>,
    /// Days of the explicit dates (written with digits), sorted, distinct.
    dates: Vec<i64>,
    time: Option<i64>,
}

/// Kinds of named things as two bits.
fn kind_code(k: synoptic_model::EntityKind) -> u64 {
    use synoptic_model::EntityKind::*;
    match k {
        Person => 0,
        Organization => 1,
        Place => 2,
        Other => 3,
    }
}

/// A figure's unit and value packed for conflicts: the unit's hash in the high half, the value's low.
fn fig_key(unit: &str, value: f64) -> u64 {
    let u = hash_bytes(unit.as_bytes(), 0xF3) & 0xFFFF_FFFF_0000_0000;
    let v = hash_bytes(format!("{value:.3e}").as_bytes(), 0xF4) & 0xFFFF_FFFF;
    u | v
}

/// The title words of an article: its title, else its first sentence (real inputs often have none).
fn title_of(a: &Article) -> &str {
    match a.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => t,
        None => {
            let text = a.text.trim_start();
            let end = crate::annotate::sentences(text).first().map_or(text.len(), |s| s.end.min(text.len()));
            text.get(..end).unwrap_or("")
        }
    }
}

/// Count equal hashes: sorted (hash, 1 + ln count).
fn tf(mut hashes: Vec<u64>) -> Vec<(u64, f64)> {
    hashes.sort_unstable();
    let mut out: Vec<(u64, f64)> = Vec::new();
    let mut i = 0;
    while i < hashes.len() {
        let mut j = i + 1;
        while j < hashes.len() && hashes[j] == hashes[i] {
            j += 1;
        }
        out.push((hashes[i], 1.0 + ((j - i) as f64).ln()));
        i = j;
    }
    out
}

/// A named thing's matching key (spelling variants folded), from the annotation stage.
fn entity_key(name: &str) -> String {
    crate::annotate::entity_key(name)
}

const SALT_ENTITY: u64 = 0xE1;
const SALT_TITLE: u64 = 0x71;
const SALT_BIGRAM: u64 = 0xB2;

fn bigram(a: u64, b: u64) -> u64 {
    crate::tokens::mix64(a.rotate_left(23) ^ b ^ SALT_BIGRAM)
}

/// Visit the content terms (stemmed) of a text with whether each is a named-looking word.
fn each_term(text: &str, mut f: impl FnMut(&str, bool)) {
    let mut buf = String::new();
    crate::tokens::scan(text, |t| {
        if crate::tokens::is_content(t.lower) {
            buf.clear();
            buf.push_str(t.lower);
            crate::tokens::stem_in_place(&mut buf);
            let named = !t.sentence_start && t.original.chars().next().is_some_and(char::is_uppercase);
            f(&buf, named);
        }
    });
}

impl Features {
    fn of(a: &Article, ann: &Annotations, bigrams: bool) -> Features {
        let title = title_of(a);
        // A title that is the text's first sentence (or a first sentence standing in for a missing title)
        // counts once in the content terms.
        let title_in_text = a.text.trim_start().starts_with(title);
        let mut terms = Vec::with_capacity(a.text.len() / 4);
        let mut caps = Vec::new();
        let mut titles = Vec::new();
        let mut prev: Option<u64> = None;
        for (part, is_title) in [(title, true), (a.text.as_str(), false)] {
            each_term(part, |w, named| {
                let h = term_hash(w);
                if is_title && title_in_text {
                    titles.push(hash_bytes(w.as_bytes(), SALT_TITLE));
                    return;
                }
                terms.push(h);
                if let (Some(p), true) = (prev, bigrams) {
                    terms.push(bigram(p, h));
                }
                prev = Some(h);
                if is_title {
                    titles.push(hash_bytes(w.as_bytes(), SALT_TITLE));
                }
                if named && ann.entities.is_empty() {
                    caps.push(hash_bytes(w.as_bytes(), SALT_ENTITY));
                }
            });
        }
        let ents = if ann.entities.is_empty() {
            tf(caps)
        } else {
            let keys = ann.entities.iter().map(|e| entity_key(&e.canonical)).filter(|k| !k.is_empty());
            tf(keys.map(|k| hash_bytes(k.as_bytes(), SALT_ENTITY)).collect())
        };
        let mut facts: Vec<u64> = Vec::new();
        let mut figs: Vec<u64> = Vec::new();
        let mut dates: Vec<i64> = Vec::new();
        for f in &ann.figures {
            if !f.value.is_finite() {
                continue;
            }
            if f.unit == "date" {
                if f.text.bytes().any(|b| b.is_ascii_digit()) {
                    dates.push((f.value / 86_400.0).floor() as i64);
                }
                continue;
            }
            let key = format!("{}|{:.3e}", f.unit, f.value);
            facts.push(hash_bytes(key.as_bytes(), 0xF1));
            figs.push(fig_key(&f.unit, f.value));
        }
        figs.sort_unstable();
        figs.dedup();
        dates.sort_unstable();
        dates.dedup();
        let mut kinds: Vec<u64> = ann
            .entities
            .iter()
            .filter_map(|e| {
                let k = entity_key(&e.canonical);
                (!k.is_empty()).then(|| (hash_bytes(k.as_bytes(), SALT_ENTITY) & !3) | kind_code(e.kind))
            })
            .collect();
        kinds.sort_unstable();
        kinds.dedup_by_key(|x| *x & !3);
        for q in &ann.quotes {
            let words: Vec<String> = content_terms(&q.text).into_iter().take(8).collect();
            if words.len() >= 3 {
                facts.push(hash_bytes(words.join(" ").as_bytes(), 0xF2));
            }
        }
        facts.sort_unstable();
        facts.dedup();
        Features {
            terms: tf(terms),
            ents,
            title: tf(titles),
            facts,
            kinds,
            figs,
            dates,
            time: a.published.map(|p| p.timestamp()),
        }
    }
}

/// Display names of the wanted hashes (terms, bigrams, named things) of an article: a second pass, only
/// for explanations.
fn names_of(a: &Article, entity_names: &[(u64, String)], wanted: &HashSet<u64>) -> HashMap<u64, String> {
    let mut out = HashMap::new();
    let mut prev: Option<u64> = None;
    let mut prev_word = String::new();
    for part in [a.title.as_deref().unwrap_or(""), a.text.as_str()] {
        each_term(part, |w, _| {
            let h = term_hash(w);
            if wanted.contains(&h) {
                out.entry(h).or_insert_with(|| w.to_string());
            }
            let e = hash_bytes(w.as_bytes(), SALT_ENTITY);
            if wanted.contains(&e) {
                out.entry(e).or_insert_with(|| w.to_string());
            }
            if let Some(p) = prev {
                let b = bigram(p, h);
                if wanted.contains(&b) {
                    out.entry(b).or_insert_with(|| format!("{prev_word} {w}"));
                }
            }
            prev = Some(h);
            prev_word.clear();
            prev_word.push_str(w);
        });
    }
    for (h, name) in entity_names {
        if wanted.contains(h) {
            out.entry(*h).or_insert_with(|| name.clone());
        }
    }
    out
}

/// What [`Engine::add_prepared`] needs of one article that depends on no engine state: its features, copy
/// signature and the display names of its named things. Computed by [`prepare`], on any thread.
#[derive(Debug, Clone)]
pub struct Prepared {
    features: Features,
    sig: Signature,
    /// (hash, canonical name) of the entity annotations, for explanations.
    entity_names: Vec<(u64, String)>,
}

/// The pure half of [`Engine::add`]: features and copy signature of an article (no engine state, no IO).
pub fn prepare(article: &Article, ann: &Annotations, cfg: &EngineConfig) -> Prepared {
    let features = Features::of(article, ann, cfg.bigrams);
    let sig = signature(&article.text);
    let entity_names = ann
        .entities
        .iter()
        .map(|e| (hash_bytes(entity_key(&e.canonical).as_bytes(), SALT_ENTITY), e.canonical.clone()))
        .collect();
    Prepared { features, sig, entity_names }
}

/// A weighted bag of term hashes (a centroid), sorted by hash, capped in size. A sorted list rather than a
/// map so sums over it run in one order everywhere (a restored snapshot gives bit-identical scores).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Bag {
    w: Vec<(u64, f32)>,
}

impl Bag {
    fn get(&self, h: u64) -> Option<f32> {
        self.w.binary_search_by_key(&h, |x| x.0).ok().map(|i| self.w[i].1)
    }

    fn is_empty(&self) -> bool {
        self.w.is_empty()
    }

    /// Add a vector sorted by hash.
    fn add(&mut self, v: &[(u64, f64)], cap: usize) {
        let mut out = Vec::with_capacity(self.w.len() + v.len());
        let (mut i, mut j) = (0, 0);
        while i < self.w.len() || j < v.len() {
            match (self.w.get(i), v.get(j)) {
                (Some(a), Some(b)) if a.0 == b.0 => {
                    out.push((a.0, a.1 + b.1 as f32));
                    i += 1;
                    j += 1;
                }
                (Some(a), Some(b)) if a.0 < b.0 => {
                    out.push(*a);
                    i += 1;
                }
                (Some(a), None) => {
                    out.push(*a);
                    i += 1;
                }
                (_, Some(b)) => {
                    out.push((b.0, b.1 as f32));
                    j += 1;
                }
                (None, None) => break,
            }
        }
        if out.len() > cap + cap / 2 {
            out.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            out.truncate(cap);
            out.sort_unstable_by_key(|x| x.0);
        }
        self.w = out;
    }
}

/// A happening in the active window.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct EventRec {
    id: String,
    story: u64,
    last_seq: u64,
    first_time: Option<i64>,
    last_time: Option<i64>,
    terms: Bag,
    ents: Bag,
    title: Bag,
    facts: Vec<u64>,
    posted: HashSet<u64, PassBuild>,
    /// Norms of the IDF-weighted centroids and the article count when they were computed.
    norms: [f64; 3],
    norm_seq: u64,
    articles: u32,
    /// The most recent members' term and named-thing vectors (bounded by `member_vectors`).
    #[serde(default)]
    members: VecDeque<Member>,
    /// Named things with kinds, figures and explicit days of its articles (as in [`Features`], capped).
    #[serde(default)]
    kinds: Vec<u64>,
    #[serde(default)]
    figs: Vec<u64>,
    #[serde(default)]
    dates: Vec<i64>,
}

/// One recent member of an event: its term and named-thing vectors and their IDF-weighted norms (refreshed
/// with the event's).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Member {
    terms: Bag,
    ents: Bag,
    norms: [f64; 2],
    /// Article count when the norms were computed (0: not yet). A member's bags never change, only the
    /// IDF under them drifts, so its norms are refreshed on the same schedule as a quiet event's.
    norm_seq: u64,
}

/// Events that belong together over weeks.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoryRec {
    id: String,
    title: String,
    last_seq: u64,
    last_time: Option<i64>,
    terms: Bag,
    ents: Bag,
    posted: HashSet<u64, PassBuild>,
    /// Norms of the IDF-weighted centroids and the article count when they were computed (0: stale).
    norms: [f64; 2],
    norm_seq: u64,
}

/// An article in the active window (for copy detection).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ArticleRec {
    id: String,
    origin: String,
    event: u64,
    seq: u64,
    time: Option<i64>,
    sig: Signature,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct State {
    version: u32,
    seq: u64,
    next_slot: u64,
    now: Option<i64>,
    df: HashMap<u64, u32, PassBuild>,
    df_docs: f64,
    frozen_df: bool,
    articles: HashMap<u64, ArticleRec, PassBuild>,
    article_order: VecDeque<u64>,
    by_id: rustc_hash::FxHashMap<String, u64>,
    lsh: LshIndex,
    events: HashMap<u64, EventRec, PassBuild>,
    event_postings: HashMap<u64, Vec<u64>, PassBuild>,
    stories: HashMap<u64, StoryRec, PassBuild>,
    story_postings: HashMap<u64, Vec<u64>, PassBuild>,
}

/// The online clustering engine. See the module documentation.
#[derive(Debug, Clone)]
pub struct Engine {
    cfg: EngineConfig,
    state: State,
    /// Gold event label → event slot, only for [`Engine::add_supervised`].
    gold_slots: HashMap<String, u64>,
    /// Event pairs met by the merge check, kept only while fitting ([`Engine::collect_merge_pairs`]).
    merge_pairs: Option<Vec<MergePair>>,
}

/// Two events the merge check compared (after a join: the grown event and a rival the article also
/// reached), with the features between them (the lower-scoring way), for fitting the merge weights.
#[derive(Debug, Clone, PartialEq)]
pub struct MergePair {
    pub events: [String; 2],
    pub x: [f64; NF],
}

/// A number rounded to 3 decimals (explanations are stored; shorter JSON).
fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Sizes of what the engine holds (for memory reports and tests of the window bound).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EngineStats {
    pub articles_seen: u64,
    pub open_articles: usize,
    pub open_events: usize,
    pub open_stories: usize,
    pub df_terms: usize,
    pub postings: usize,
}

/// Result of scoring one candidate.
#[derive(Debug, Clone, Default)]
struct Scored {
    score: f64,
    x: [f64; NF],
    decay: f64,
}

const SWEEP_EVERY: u64 = 512;

/// Rival events (the article's next-best candidates) checked for a merge after each join.
const MERGE_RIVALS: usize = 3;

impl Engine {
    pub fn new(cfg: EngineConfig) -> Engine {
        Engine {
            cfg,
            state: State { version: SNAPSHOT_VERSION, ..State::default() },
            gold_slots: HashMap::new(),
            merge_pairs: None,
        }
    }

    /// Restore an engine from [`Engine::snapshot`] bytes.
    pub fn from_snapshot(bytes: &[u8], cfg: EngineConfig) -> Result<Engine, SnapshotError> {
        let state = snapshot::decode(bytes)?;
        Ok(Engine { cfg, state, gold_slots: HashMap::new(), merge_pairs: None })
    }

    /// The engine's state as bytes (a versioned little-endian binary encoding), bounded by the active window.
    pub fn snapshot(&self) -> Vec<u8> {
        snapshot::encode(&self.state)
    }

    pub fn config(&self) -> &EngineConfig {
        &self.cfg
    }

    pub fn stats(&self) -> EngineStats {
        let s = &self.state;
        EngineStats {
            articles_seen: s.seq,
            open_articles: s.articles.len(),
            open_events: s.events.len(),
            open_stories: s.stories.len(),
            df_terms: s.df.len(),
            postings: s.event_postings.values().map(Vec::len).sum::<usize>()
                + s.story_postings.values().map(Vec::len).sum::<usize>(),
        }
    }

    /// Keep the event pairs the merge check compares from now on (whether or not they merge), for fitting.
    pub fn collect_merge_pairs(&mut self) {
        self.merge_pairs.get_or_insert_with(Vec::new);
    }

    /// The event pairs compared since the last call (see [`Engine::collect_merge_pairs`]).
    pub fn take_merge_pairs(&mut self) -> Vec<MergePair> {
        self.merge_pairs.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// The event and story an article in the active window belongs to now (after any merges).
    pub fn event_of(&self, article_id: &str) -> Option<(String, String)> {
        let slot = self.state.by_id.get(article_id)?;
        let rec = self.state.articles.get(slot)?;
        self.state.events.contains_key(&rec.event).then(|| {
            let (e, s, _) = self.names_of(rec.event);
            (e, s)
        })
    }

    /// Place one article (online): find its copies, join the best open event or start one.
    /// Same as [`prepare`] followed by [`Engine::add_prepared`].
    pub fn add(&mut self, article: &Article, ann: &Annotations) -> Placement {
        if let Some(p) = self.placement_of_known(&article.id) {
            return p;
        }
        let prepared = prepare(article, ann, &self.cfg);
        self.add_prepared(article, prepared)
    }

    /// Place one article from its [`prepare`]d features (the stateful half of [`Engine::add`]).
    /// `prepared` must come from the same article and an equal configuration.
    pub fn add_prepared(&mut self, article: &Article, prepared: Prepared) -> Placement {
        self.add_inner(article, prepared, None)
    }

    /// Supervised placement, for fitting the join model: the article is scored against its candidate
    /// events exactly as [`Engine::add`] would (plus its gold event when open), each pair is returned with
    /// its label, and the article is then placed by the gold (`gold` names its true event) so the next
    /// article meets the state a correct engine would have. Copies (decided by the copy tiers, not by the
    /// model) give no pairs.
    pub fn add_supervised(&mut self, article: &Article, ann: &Annotations, gold: &str) -> Vec<JoinSample> {
        if self.placement_of_known(&article.id).is_some() {
            return Vec::new();
        }
        let prepared = prepare(article, ann, &self.cfg);
        let mut out = Vec::new();
        self.add_inner(article, prepared, Some((gold, &mut out)));
        out
    }

    fn add_inner(
        &mut self,
        article: &Article,
        prepared: Prepared,
        mut supervised: Option<(&str, &mut Vec<JoinSample>)>,
    ) -> Placement {
        // The same content again: report where it already is, change nothing.
        if let Some(p) = self.placement_of_known(&article.id) {
            return p;
        }
        let cfg = self.cfg.clone();
        let Prepared { features: f, sig, entity_names } = prepared;
        self.state.seq += 1;
        let seq = self.state.seq;
        if let Some(t) = f.time {
            self.state.now = Some(self.state.now.map_or(t, |n| n.max(t)));
        }
        if seq.is_multiple_of(SWEEP_EVERY) {
            self.sweep();
        }

        // Copies and rewrites among open articles.
        let mut best_copy: Option<(crate::copies::Relation, u64)> = None;
        for slot in self.state.lsh.candidates(&sig) {
            let Some(rec) = self.state.articles.get(&slot) else { continue };
            let rel = classify(&sig, &rec.sig, &cfg.copies);
            if rel.tier == CopyTier::Distinct {
                continue;
            }
            let better = match &best_copy {
                None => true,
                Some((b, bslot)) => {
                    let bseq = self.state.articles.get(bslot).map_or(u64::MAX, |r| r.seq);
                    (rel.tier, -rel.jaccard, rec.seq) < (b.tier, -b.jaccard, bseq)
                }
            };
            if better {
                best_copy = Some((rel, slot));
            }
        }
        let copy = best_copy.and_then(|(rel, slot)| self.state.articles.get(&slot).map(|r| (rel, r.clone())));
        let tier = copy.as_ref().map_or(CopyTier::Distinct, |c| c.0.tier);
        let copy_of = match &copy {
            Some((rel, rec)) if rel.tier <= CopyTier::Copy => Some(rec.origin.clone()),
            _ => None,
        };
        let counts =
            if copy_of.is_none() && !self.state.frozen_df { self.state.count_df(&f, cfg.df_capacity) } else { None };

        // Candidate events and their scores.
        let (qvec, evec, tvec) = match &counts {
            Some(c) if c.len() == f.terms.len() + f.ents.len() + f.title.len() => {
                let (ct, rest) = c.split_at(f.terms.len());
                let (ce, cti) = rest.split_at(f.ents.len());
                (
                    self.state.weighted_from(&f.terms, ct, cfg.article_terms),
                    self.state.weighted_from(&f.ents, ce, cfg.article_terms),
                    self.state.weighted_from(&f.title, cti, cfg.article_terms),
                )
            }
            _ => (
                self.state.weighted(&f.terms, cfg.article_terms),
                self.state.weighted(&f.ents, cfg.article_terms),
                self.state.weighted(&f.title, cfg.article_terms),
            ),
        };
        let post: Vec<(u64, f64)> =
            top_terms(&qvec, cfg.query_terms).into_iter().chain(top_terms(&evec, cfg.query_terms)).collect();
        let rarity = self.state.rarity(&f.facts);
        let mut cands = self.candidates(&post);
        if let Some((_, rec)) = &copy
            && self.state.events.contains_key(&rec.event)
            && !cands.contains(&rec.event)
        {
            cands.push(rec.event);
        }
        let gold_slot = supervised
            .as_ref()
            .and_then(|(g, _)| self.gold_slots.get(*g).copied())
            .filter(|e| self.state.events.contains_key(e));
        if let Some(g) = gold_slot
            && !cands.contains(&g)
        {
            cands.push(g);
        }
        let mut scored: Vec<(u64, Scored)> = Vec::with_capacity(cands.len());
        for e in cands {
            self.refresh_norms(e);
            if let Some(ev) = self.state.events.get(&e) {
                let s = score_event(&cfg, ev, &qvec, &evec, &tvec, &f, &rarity);
                scored.push((e, s));
            }
        }
        scored.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then(a.0.cmp(&b.0)));

        let forced = copy.as_ref().filter(|(_, rec)| self.state.events.contains_key(&rec.event)).map(|(_, r)| r.event);
        let mut chosen = match forced {
            Some(e) => Some(e),
            None => scored.first().filter(|(_, s)| s.score >= cfg.event_threshold).map(|(e, _)| *e),
        };
        if let Some((_, out)) = supervised.as_mut() {
            if forced.is_none() {
                out.extend(scored.iter().map(|(e, s)| JoinSample { x: s.x, same: Some(*e) == gold_slot }));
            }
            chosen = gold_slot;
        }
        let chosen_score = chosen.and_then(|e| scored.iter().find(|(x, _)| *x == e)).map(|(_, s)| s.clone());
        // The best other event: after the chosen one, or after the best when none was chosen.
        let runner = scored.iter().filter(|(e, _)| Some(*e) != chosen).nth(usize::from(chosen.is_none()));

        let mut expl =
            Explanation { threshold: cfg.event_threshold, bias: round3(cfg.model.bias), ..Explanation::default() };
        if let Some((e, s)) = runner {
            expl.runner_up = self.state.events.get(e).map(|ev| ev.id.clone());
            expl.runner_up_score = Some(s.score);
            expl.runner_up_features = s.x.iter().zip(&cfg.model.weights).map(|(x, w)| round3(x * w)).collect();
        }
        if let Some((rel, rec)) = &copy {
            expl.copy_of = Some(rec.id.clone());
            expl.copy_jaccard = Some(rel.jaccard);
            expl.copy_containment = Some(rel.containment);
        }
        let best_shown = chosen_score.clone().or_else(|| scored.first().map(|x| x.1.clone()));
        if let Some(s) = &best_shown {
            expl.score = s.score;
            expl.features = s.x.iter().zip(&cfg.model.weights).map(|(x, w)| [round3(*x), round3(x * w)]).collect();
            expl.text = s.x[fi::TEXT];
            expl.entities = Some(s.x[fi::NAMES]);
            expl.title = Some(s.x[fi::TITLE]);
            expl.facts = Some(s.x[fi::FACTS]);
            expl.decay = s.decay;
        }
        let shown_event = chosen.or_else(|| scored.first().map(|x| x.0));
        if let Some(ev) = shown_event.and_then(|e| self.state.events.get(&e)) {
            let terms = shared(&qvec, &ev.terms, 8);
            let ents = shared(&evec, &ev.ents, 8);
            let wanted: HashSet<u64> = terms.iter().chain(&ents).copied().collect();
            let names = names_of(article, &entity_names, &wanted);
            expl.top_terms = terms.iter().filter_map(|h| names.get(h).cloned()).collect();
            expl.shared_entities = ents.iter().filter_map(|h| names.get(h).cloned()).collect();
        }

        let (eslot, new_event) = match chosen {
            Some(e) => (e, false),
            None => (self.new_event(article), true),
        };
        if let Some((g, _)) = &supervised
            && new_event
        {
            self.gold_slots.insert((*g).to_string(), eslot);
        }
        expl.reason = match (&forced, new_event, tier) {
            (Some(_), _, CopyTier::Rewrite) => "rewrite of an article of this event (shared passages)".to_string(),
            (Some(_), _, _) => "copy of an article of this event".to_string(),
            (None, true, _) if scored.is_empty() => "no open event shares its terms: new event".to_string(),
            (None, true, _) if supervised.is_some() => "placed by the gold (fitting)".to_string(),
            (None, true, _) => format!("best score {:.3} below threshold {:.3}: new event", expl.score, expl.threshold),
            (None, false, _) => format!("score {:.3} reaches threshold {:.3}", expl.score, expl.threshold),
        };

        // Story: decided when the event starts.
        let mut new_story = false;
        if new_event {
            let (sslot, fresh, sscore) = self.place_story(article, &evec, &post);
            new_story = fresh;
            expl.story_score = sscore.map(round3);
            expl.story_threshold = Some(cfg.story_threshold);
            if let Some(ev) = self.state.events.get_mut(&eslot) {
                ev.story = sslot;
            }
        }
        let is_copy = copy_of.is_some();
        self.update_event(eslot, &f, &post, seq, is_copy);

        // Remember the article for later copies.
        let slot = self.state.next_slot;
        self.state.next_slot += 1;
        let origin = copy_of.clone().unwrap_or_else(|| article.id.clone());
        self.state.lsh.insert(slot, &sig);
        self.state
            .articles
            .insert(slot, ArticleRec { id: article.id.clone(), origin, event: eslot, seq, time: f.time, sig });
        self.state.article_order.push_back(slot);
        self.state.by_id.insert(article.id.clone(), slot);

        // The grown event against its nearest rivals: merge when the model says one happening.
        let mut merges = Vec::new();
        let mut eslot = eslot;
        let merging = cfg.model.merge_threshold > 0.0 || self.merge_pairs.is_some();
        if !new_event && !is_copy && supervised.is_none() && merging {
            // Rivals: other events this article would have joined too (a bridge between two events is
            // the evidence they may be one; the event-level score then decides).
            let rivals: Vec<u64> = scored
                .iter()
                .filter(|(e, s)| *e != eslot && s.score >= cfg.event_threshold)
                .map(|(e, _)| *e)
                .take(MERGE_RIVALS)
                .collect();
            for r in rivals {
                if !self.state.events.contains_key(&r) || r == eslot {
                    continue;
                }
                let (score, x) = self.merge_score(eslot, r);
                if let Some(pairs) = self.merge_pairs.as_mut() {
                    let id = |e: u64| self.state.events.get(&e).map(|v| v.id.clone()).unwrap_or_default();
                    pairs.push(MergePair { events: [id(eslot), id(r)], x });
                }
                if cfg.model.merge_threshold <= 0.0 || score < cfg.model.merge_threshold {
                    continue;
                }
                // The older event (lower slot) keeps its id and story.
                let (keep, gone) = if r < eslot { (r, eslot) } else { (eslot, r) };
                let absorbed = self.state.events.get(&gone).map(|e| e.id.clone()).unwrap_or_default();
                self.merge_events(keep, gone, gone == eslot);
                eslot = keep;
                let (into, story, _) = self.names_of(keep);
                merges.push(Merge {
                    absorbed,
                    into,
                    story,
                    score: round3(score),
                    threshold: cfg.model.merge_threshold,
                });
            }
        }
        expl.merged.clone_from(&merges);

        let (event, story, story_title) = self.names_of(eslot);
        Placement { copy_of, tier, event, story, new_event, new_story, story_title, explanation: expl, merges }
    }

    /// Probability that two open events are one happening: each event's centroid (with its named things by
    /// kind, figures and days) is scored as one article against the other event, the way the join model finds
    /// weaker is taken, and the merge model scores it. The size feature is left at a single article's (it describes an article
    /// meeting an event, not two events meeting).
    fn merge_score(&mut self, a: u64, b: u64) -> (f64, [f64; NF]) {
        self.refresh_norms(a);
        self.refresh_norms(b);
        let (Some(ea), Some(eb)) = (self.state.events.get(&a), self.state.events.get(&b)) else {
            return (0.0, [0.0; NF]);
        };
        let one_way = |from: &EventRec, to: &EventRec| {
            let f = Features {
                terms: from.terms.w.iter().map(|&(h, x)| (h, f64::from(x))).collect(),
                ents: from.ents.w.iter().map(|&(h, x)| (h, f64::from(x))).collect(),
                title: from.title.w.iter().map(|&(h, x)| (h, f64::from(x))).collect(),
                facts: from.facts.clone(),
                kinds: from.kinds.clone(),
                figs: from.figs.clone(),
                dates: from.dates.clone(),
                time: None,
            };
            let keep = self.cfg.article_terms;
            let (q, e, t) = (
                self.state.weighted(&f.terms, keep),
                self.state.weighted(&f.ents, keep),
                self.state.weighted(&f.title, keep),
            );
            let rarity = self.state.rarity(&f.facts);
            let mut x = event_features(to, &q, &e, &t, &f, &rarity);
            x[fi::SIZE] = 0.0;
            let decay = match (from.first_time, from.last_time, to.first_time, to.last_time) {
                (Some(a0), Some(a1), Some(b0), Some(b1)) => {
                    let gap = (a0.max(b0) - a1.min(b1)).max(0) as f64 / 86_400.0;
                    (-(gap - self.cfg.event_grace_days).max(0.0) / self.cfg.event_decay_days.max(1e-6)).exp()
                }
                _ => 1.0,
            };
            (x, decay)
        };
        // The weaker way is chosen by the join model, which the fit does not change, so the pairs the merge
        // fit collects do not depend on the merge weights shipped before it (the fit is a fixed point).
        let (ab, ba) = (one_way(ea, eb), one_way(eb, ea));
        let (x, decay) = if self.cfg.model.prob(&ab.0) * ab.1 <= self.cfg.model.prob(&ba.0) * ba.1 { ab } else { ba };
        (self.cfg.model.merge_prob(&x) * decay, x)
    }

    /// Fold event `gone` into event `keep`: centroids, recent members, named things, figures, days and
    /// postings; its open articles now point at `keep`. `gone_is_recent`: `gone` holds the latest article
    /// (its recent members stay the most recent).
    fn merge_events(&mut self, keep: u64, gone: u64, gone_is_recent: bool) {
        let cap = self.cfg.centroid_terms;
        let members = self.cfg.member_vectors;
        let Some(g) = self.state.events.remove(&gone) else { return };
        let Some(k) = self.state.events.get_mut(&keep) else {
            self.state.events.insert(gone, g);
            return;
        };
        let as_vec = |b: &Bag| b.w.iter().map(|&(h, x)| (h, f64::from(x))).collect::<Vec<_>>();
        k.terms.add(&as_vec(&g.terms), cap);
        k.ents.add(&as_vec(&g.ents), cap);
        k.title.add(&as_vec(&g.title), cap / 4);
        k.articles += g.articles;
        k.last_seq = k.last_seq.max(g.last_seq);
        k.first_time = match (k.first_time, g.first_time) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        k.last_time = k.last_time.max(g.last_time);
        let union = |a: &mut Vec<u64>, b: &[u64], cap: usize| {
            a.extend_from_slice(b);
            a.sort_unstable();
            a.dedup();
            a.truncate(cap);
        };
        union(&mut k.facts, &g.facts, cap);
        union(&mut k.figs, &g.figs, cap);
        k.kinds.extend_from_slice(&g.kinds);
        k.kinds.sort_unstable_by_key(|x| (x & !3, x & 3));
        k.kinds.dedup_by_key(|x| *x & !3);
        k.kinds.truncate(cap);
        k.dates.extend_from_slice(&g.dates);
        k.dates.sort_unstable();
        k.dates.dedup();
        k.dates.truncate(64);
        let mut m: VecDeque<Member> = if gone_is_recent {
            k.members.drain(..).chain(g.members).collect()
        } else {
            g.members.into_iter().chain(k.members.drain(..)).collect()
        };
        while m.len() > members {
            m.pop_front();
        }
        k.members = m;
        k.norm_seq = 0;
        let mut posted: Vec<u64> = g.posted.into_iter().collect();
        posted.sort_unstable();
        let mut newly = Vec::new();
        for h in posted {
            if k.posted.len() < cap && k.posted.insert(h) {
                newly.push(h);
            }
        }
        for h in newly {
            self.state.event_postings.entry(h).or_default().push(keep);
        }
        for rec in self.state.articles.values_mut() {
            if rec.event == gone {
                rec.event = keep;
            }
        }
    }

    fn placement_of_known(&self, id: &str) -> Option<Placement> {
        let slot = self.state.by_id.get(id)?;
        let rec = self.state.articles.get(slot)?;
        if !self.state.events.contains_key(&rec.event) {
            return None;
        }
        let (event, story, story_title) = self.names_of(rec.event);
        let copy_of = (rec.origin != rec.id).then(|| rec.origin.clone());
        let tier = if copy_of.is_some() { CopyTier::Copy } else { CopyTier::Identical };
        Some(Placement {
            copy_of,
            tier,
            event,
            story,
            new_event: false,
            new_story: false,
            story_title,
            explanation: Explanation {
                reason: "already placed (same content id)".to_string(),
                ..Explanation::default()
            },
            merges: Vec::new(),
        })
    }

    fn names_of(&self, eslot: u64) -> (String, String, String) {
        let Some(ev) = self.state.events.get(&eslot) else { return Default::default() };
        match self.state.stories.get(&ev.story) {
            Some(st) => (ev.id.clone(), st.id.clone(), st.title.clone()),
            None => (ev.id.clone(), String::new(), String::new()),
        }
    }

    fn candidates(&self, post: &[(u64, f64)]) -> Vec<u64> {
        let mut acc: HashMap<u64, f64, PassBuild> = HashMap::default();
        for &(h, w) in post {
            if let Some(list) = self.state.event_postings.get(&h)
                && list.len() <= self.cfg.max_posting
            {
                for e in list {
                    *acc.entry(*e).or_insert(0.0) += w;
                }
            }
        }
        let mut v: Vec<(u64, f64)> = acc.into_iter().filter(|(e, _)| self.state.events.contains_key(e)).collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(self.cfg.max_candidates);
        v.into_iter().map(|x| x.0).collect()
    }

    fn refresh_norms(&mut self, e: u64) {
        let seq = self.state.seq;
        let stale = |at: u64| at == 0 || seq.saturating_sub(at) > seq / 50;
        let st = &mut self.state;
        let Some(ev) = st.events.get(&e) else { return };
        let centroid = stale(ev.norm_seq);
        if !centroid && !ev.members.iter().any(|m| stale(m.norm_seq)) {
            return;
        }
        let idf = st.idf_table();
        let norms = centroid.then(|| [idf.norm(&ev.terms), idf.norm(&ev.ents), idf.norm(&ev.title)]);
        let member_norms: Vec<Option<[f64; 2]>> =
            ev.members.iter().map(|m| stale(m.norm_seq).then(|| [idf.norm(&m.terms), idf.norm(&m.ents)])).collect();
        if let Some(ev) = st.events.get_mut(&e) {
            if let Some(n) = norms {
                ev.norms = n;
                ev.norm_seq = seq;
            }
            for (m, n) in ev.members.iter_mut().zip(member_norms) {
                if let Some(n) = n {
                    m.norms = n;
                    m.norm_seq = seq;
                }
            }
        }
    }

    fn refresh_story_norms(&mut self, s: u64) {
        let seq = self.state.seq;
        let st = &mut self.state;
        let Some(story) = st.stories.get(&s) else { return };
        if story.norm_seq != 0 && seq.saturating_sub(story.norm_seq) <= seq / 50 {
            return;
        }
        let idf = st.idf_table();
        let norms = [idf.norm(&story.terms), idf.norm(&story.ents)];
        if let Some(story) = st.stories.get_mut(&s) {
            story.norms = norms;
            story.norm_seq = seq;
        }
    }

    fn new_event(&mut self, article: &Article) -> u64 {
        let slot = self.state.next_slot;
        self.state.next_slot += 1;
        self.state.events.insert(
            slot,
            EventRec {
                id: prefixed_id('e', &article.id),
                story: u64::MAX,
                last_seq: self.state.seq,
                first_time: None,
                last_time: None,
                terms: Bag::default(),
                ents: Bag::default(),
                title: Bag::default(),
                facts: Vec::new(),
                posted: HashSet::default(),
                norms: [0.0; 3],
                norm_seq: 0,
                articles: 0,
                members: VecDeque::new(),
                kinds: Vec::new(),
                figs: Vec::new(),
                dates: Vec::new(),
            },
        );
        slot
    }

    fn update_event(&mut self, e: u64, f: &Features, post: &[(u64, f64)], seq: u64, copy: bool) {
        let cap = self.cfg.centroid_terms;
        let Some(ev) = self.state.events.get_mut(&e) else { return };
        // Facts new to the event: counted once per event in the document frequencies, so a fact's rarity
        // says in how many happenings it appears, not how often one happening's coverage repeats it.
        let mut new_facts = Vec::new();
        ev.articles += 1;
        ev.last_seq = seq;
        if let Some(t) = f.time {
            ev.first_time = Some(ev.first_time.map_or(t, |x| x.min(t)));
            ev.last_time = Some(ev.last_time.map_or(t, |x| x.max(t)));
        }
        // Copies add no new evidence to the centroid; they only keep the event open.
        if !copy || ev.articles == 1 {
            ev.terms.add(&f.terms, cap);
            ev.ents.add(&f.ents, cap);
            ev.title.add(&f.title, cap / 4);
            if self.cfg.member_vectors > 0 {
                let mut m = Member::default();
                m.terms.add(&f.terms, cap);
                m.ents.add(&f.ents, cap);
                ev.members.push_back(m);
                while ev.members.len() > self.cfg.member_vectors {
                    ev.members.pop_front();
                }
            }
            for x in &f.facts {
                if let Err(i) = ev.facts.binary_search(x)
                    && ev.facts.len() < cap
                {
                    ev.facts.insert(i, *x);
                    new_facts.push(*x);
                }
            }
            for x in &f.kinds {
                if let Err(i) = ev.kinds.binary_search_by_key(&(x & !3), |y| y & !3)
                    && ev.kinds.len() < cap
                {
                    ev.kinds.insert(i, *x);
                }
            }
            for x in &f.figs {
                if let Err(i) = ev.figs.binary_search(x)
                    && ev.figs.len() < cap
                {
                    ev.figs.insert(i, *x);
                }
            }
            for x in &f.dates {
                if let Err(i) = ev.dates.binary_search(x)
                    && ev.dates.len() < 64
                {
                    ev.dates.insert(i, *x);
                }
            }
            ev.norm_seq = 0;
        }
        let story = ev.story;
        let mut newly = Vec::new();
        for &(h, _) in post {
            if ev.posted.len() < cap && ev.posted.insert(h) {
                newly.push(h);
            }
        }
        for h in newly {
            self.state.event_postings.entry(h).or_default().push(e);
        }
        // (Also when the table is frozen by a batch re-clustering: facts are never counted ahead, the
        // events they are counted by form only as the articles are placed.)
        for h in new_facts {
            *self.state.df.entry(h).or_insert(0) += 1;
        }
        // The story follows its events.
        if let Some(st) = self.state.stories.get_mut(&story) {
            st.last_seq = seq;
            if let Some(t) = f.time {
                st.last_time = Some(st.last_time.map_or(t, |x| x.max(t)));
            }
            if !copy {
                st.terms.add(&f.terms, cap);
                st.ents.add(&f.ents, cap);
                st.norm_seq = 0;
            }
        }
    }

    fn place_story(&mut self, article: &Article, evec: &Weighted, post: &[(u64, f64)]) -> (u64, bool, Option<f64>) {
        let mut acc: HashMap<u64, f64, PassBuild> = HashMap::default();
        let cfg = &self.cfg;
        for &(h, w) in post {
            if let Some(list) = self.state.story_postings.get(&h)
                && list.len() <= cfg.max_posting
            {
                for s in list {
                    *acc.entry(*s).or_insert(0.0) += w;
                }
            }
        }
        let mut cands: Vec<(u64, f64)> = acc.into_iter().filter(|(s, _)| self.state.stories.contains_key(s)).collect();
        cands.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        cands.truncate(self.cfg.max_candidates);
        for &(s, _) in &cands {
            self.refresh_story_norms(s);
        }
        let cfg = &self.cfg;
        let st = &self.state;
        let time = article.published.map(|p| p.timestamp());
        let ln_docs = (st.df_docs + IDF_PRIOR).ln().max(1.0);
        let mut best: Option<(u64, f64)> = None;
        for (s, _) in cands {
            let Some(story) = st.stories.get(&s) else { continue };
            let decay = match (time, story.last_time) {
                (Some(t), Some(l)) => (-(((t - l).abs() as f64) / 86_400.0) / cfg.story_decay_days).exp(),
                _ => 1.0,
            };
            let score = story_score(evec, &story.ents, ln_docs, cfg.model.story_norm) * decay;
            if best.is_none_or(|b| score > b.1) {
                best = Some((s, score));
            }
        }
        let threshold = cfg.story_threshold;
        let cap = cfg.centroid_terms;
        let title = article.title.clone().filter(|t| !t.trim().is_empty());
        let (slot, fresh) = match best.filter(|b| b.1 >= threshold) {
            Some((s, _)) => (s, false),
            None => {
                let slot = self.state.next_slot;
                self.state.next_slot += 1;
                self.state.stories.insert(
                    slot,
                    StoryRec {
                        id: prefixed_id('s', &article.id),
                        title: String::new(),
                        last_seq: self.state.seq,
                        last_time: time,
                        terms: Bag::default(),
                        ents: Bag::default(),
                        posted: HashSet::default(),
                        norms: [0.0; 2],
                        norm_seq: 0,
                    },
                );
                (slot, true)
            }
        };
        if let Some(story) = self.state.stories.get_mut(&slot) {
            if story.title.is_empty() {
                story.title = title.unwrap_or_else(|| fallback_title(&article.text));
            }
            let mut newly = Vec::new();
            for &(h, _) in post {
                if story.posted.len() < cap && story.posted.insert(h) {
                    newly.push(h);
                }
            }
            for h in newly {
                self.state.story_postings.entry(h).or_default().push(slot);
            }
        }
        (slot, fresh, best.map(|b| b.1))
    }

    /// Close events, stories and signatures that left the window; drop dead postings.
    fn sweep(&mut self) {
        let cfg = &self.cfg;
        let s = &mut self.state;
        let seq = s.seq;
        let now = s.now;
        let old = |last_seq: u64, last_time: Option<i64>, max_articles: u64, days: f64| {
            seq.saturating_sub(last_seq) > max_articles
                || matches!((now, last_time), (Some(n), Some(t)) if (n - t) as f64 > days * 86_400.0)
        };
        s.events.retain(|_, ev| !old(ev.last_seq, ev.last_time, cfg.window_articles, cfg.window_days));
        s.stories.retain(|_, st| !old(st.last_seq, st.last_time, cfg.story_window_articles, cfg.story_window_days));
        while let Some(&slot) = s.article_order.front() {
            let gone = match s.articles.get(&slot) {
                None => true,
                Some(a) => old(a.seq, a.time, cfg.window_articles, cfg.window_days) || !s.events.contains_key(&a.event),
            };
            if !gone {
                break;
            }
            s.article_order.pop_front();
            if let Some(a) = s.articles.remove(&slot) {
                s.lsh.remove(slot, &a.sig);
                if s.by_id.get(&a.id) == Some(&slot) {
                    s.by_id.remove(&a.id);
                }
            }
        }
        // Postings: drop closed events and stories (amortised: a full pass every few sweeps).
        if seq.is_multiple_of(SWEEP_EVERY * 8) {
            let events = &s.events;
            s.event_postings.retain(|_, list| {
                list.retain(|e| events.contains_key(e));
                !list.is_empty()
            });
            let stories = &s.stories;
            s.story_postings.retain(|_, list| {
                list.retain(|x| stories.contains_key(x));
                !list.is_empty()
            });
        }
    }
}

impl State {
    /// Count an article's terms in the document frequencies. Returns the counts after the update, in the
    /// order of terms, named things and title words, so weighting needs no second look-up; `None` when the
    /// table was halved (counts changed under them).
    fn count_df(&mut self, f: &Features, capacity: usize) -> Option<Vec<u32>> {
        let mut counts = Vec::with_capacity(f.terms.len() + f.ents.len() + f.title.len());
        for (h, _) in f.terms.iter().chain(&f.ents).chain(&f.title) {
            let c = self.df.entry(*h).or_insert(0);
            *c += 1;
            counts.push(*c);
        }
        self.df_docs += 1.0;
        if self.df.len() > capacity {
            df_halve(&mut self.df, &mut self.df_docs);
            return None;
        }
        Some(counts)
    }

    /// IDF-weighted vector from document frequencies already looked up (`dfs` parallel to `v`).
    fn weighted_from(&self, v: &[(u64, f64)], dfs: &[u32], keep: usize) -> Weighted {
        let ln_docs = (self.df_docs + IDF_PRIOR).ln();
        let w = v
            .iter()
            .zip(dfs)
            .map(|(&(h, x), &df)| {
                let i = (ln_docs - ln_half(df)).max(0.01);
                (h, x * i, i)
            })
            .collect();
        Weighted::cut(w, keep)
    }

    /// How rare each of `facts` is in the stream: its IDF (facts are counted once per event that gives
    /// them) over the table's IDF ceiling: about 1 for a fact of one happening, about 0 for one every
    /// article gives.
    fn rarity(&self, facts: &[u64]) -> Vec<f64> {
        let idf = self.idf_table();
        let top = (self.df_docs + IDF_PRIOR).ln().max(1e-6);
        facts.iter().map(|h| (idf.of(*h) / top).min(1.0)).collect()
    }

    /// The IDF of the current table, for many look-ups in a row.
    fn idf_table(&self) -> Idf<'_> {
        Idf { df: &self.df, ln_docs: (self.df_docs + IDF_PRIOR).ln() }
    }

    /// IDF-weighted vector, cut to its `keep` heaviest terms.
    fn weighted(&self, v: &[(u64, f64)], keep: usize) -> Weighted {
        let idf = self.idf_table();
        let w = v
            .iter()
            .map(|&(h, x)| {
                let i = idf.of(h);
                (h, x * i, i)
            })
            .collect();
        Weighted::cut(w, keep)
    }
}

impl Weighted {
    /// Keep the `keep` heaviest terms (sorted by hash) and compute the norm.
    fn cut(mut w: Vec<(u64, f64, f64)>, keep: usize) -> Weighted {
        if w.len() > keep {
            w.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            w.truncate(keep);
            w.sort_unstable_by_key(|x| x.0);
        }
        let norm = w.iter().map(|x| x.1 * x.1).sum::<f64>().sqrt();
        Weighted { v: w, norm }
    }
}

/// Inverse document frequencies: `ln((docs + prior) / (df + 0.5))`, at least 0.01, computed as a difference
/// of logarithms with `ln(df + 0.5)` from a table for common counts (no `ln` per look-up).
struct Idf<'a> {
    df: &'a HashMap<u64, u32, PassBuild>,
    ln_docs: f64,
}

/// Counts below this have their `ln(df + 0.5)` in a table.
const LN_TABLE: usize = 4096;

fn ln_half(df: u32) -> f64 {
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let t = TABLE.get_or_init(|| (0..LN_TABLE).map(|k| (k as f64 + 0.5).ln()).collect());
    match t.get(df as usize) {
        Some(x) => *x,
        None => (f64::from(df) + 0.5).ln(),
    }
}

impl Idf<'_> {
    fn of(&self, h: u64) -> f64 {
        let df = self.df.get(&h).copied().unwrap_or(0);
        (self.ln_docs - ln_half(df)).max(0.01)
    }

    /// Norm of a bag weighted by IDF.
    fn norm(&self, b: &Bag) -> f64 {
        b.w.iter().map(|&(h, x)| (f64::from(x) * self.of(h)).powi(2)).sum::<f64>().sqrt()
    }
}

/// An article's IDF-weighted vector, sorted by term hash: (hash, weight, the IDF in the weight), and its
/// norm. Carrying the IDF lets cosines against centroids run without a single table look-up.
struct Weighted {
    v: Vec<(u64, f64, f64)>,
    norm: f64,
}

impl Weighted {
    fn is_empty(&self) -> bool {
        self.v.is_empty()
    }
}

/// Pseudo-documents of prior in the IDF: every term starts as if rare in 20 unseen documents, so IDF
/// stays sensible while the stream is short and converges to the observed one as it grows.
const IDF_PRIOR: f64 = 5.0;

fn df_halve(df: &mut HashMap<u64, u32, PassBuild>, docs: &mut f64) {
    df.retain(|_, c| {
        *c /= 2;
        *c > 0
    });
    *docs /= 2.0;
}

/// The `k` heaviest terms of a weighted vector as (hash, weight), heaviest first.
fn top_terms(v: &Weighted, k: usize) -> Vec<(u64, f64)> {
    let mut t: Vec<(u64, f64)> = v.v.iter().map(|x| (x.0, x.1)).collect();
    t.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    t.truncate(k);
    t
}

/// Cosine of an article vector and an IDF-weighted centroid (its norm given): one merge of two lists
/// sorted by hash, summed in the article's order.
fn cosine(v: &Weighted, bag: &Bag, bag_norm: f64) -> f64 {
    if v.norm <= 0.0 || bag_norm <= 0.0 {
        return 0.0;
    }
    let (a, b) = (&v.v, &bag.w);
    let (mut i, mut j) = (0, 0);
    let mut dot = 0.0;
    while i < a.len() && j < b.len() {
        let (ha, hb) = (a[i].0, b[j].0);
        if ha < hb {
            i += 1;
        } else if ha > hb {
            j += 1;
        } else {
            dot += a[i].1 * f64::from(b[j].1) * a[i].2;
            i += 1;
            j += 1;
        }
    }
    (dot / (v.norm * bag_norm)).clamp(0.0, 1.0)
}

/// The model's features of an article against one event (see [`FEATURES`]).
/// `rarity` is parallel to `f.facts` (see [`State::rarity`]).
fn event_features(
    ev: &EventRec,
    qvec: &Weighted,
    evec: &Weighted,
    tvec: &Weighted,
    f: &Features,
    rarity: &[f64],
) -> [f64; NF] {
    let mut x = [0.0; NF];
    let text = cosine(qvec, &ev.terms, ev.norms[0]);
    let names = if evec.is_empty() || ev.ents.is_empty() { 0.0 } else { cosine(evec, &ev.ents, ev.norms[1]) };
    // Best and mean cosine over the recent members (single and average linkage).
    let best_mean = |v: &Weighted, pick: fn(&Member) -> (&Bag, f64)| {
        let (mut best, mut sum) = (0.0f64, 0.0);
        for (b, n) in ev.members.iter().map(pick) {
            let c = cosine(v, b, n);
            best = best.max(c);
            sum += c;
        }
        (best, sum / ev.members.len().max(1) as f64)
    };
    x[fi::TEXT] = text;
    x[fi::NAMES] = names;
    if ev.members.len() > 1 {
        (x[fi::TEXT_MEMBER], x[fi::TEXT_MEAN]) = best_mean(qvec, |m| (&m.terms, m.norms[0]));
        if !evec.is_empty() {
            (x[fi::NAMES_MEMBER], x[fi::NAMES_MEAN]) = best_mean(evec, |m| (&m.ents, m.norms[1]));
        }
    } else {
        (x[fi::TEXT_MEMBER], x[fi::TEXT_MEAN]) = (text, text);
        (x[fi::NAMES_MEMBER], x[fi::NAMES_MEAN]) = (names, names);
    }
    // Both the words and the named things of one member agree (a cross the linear model cannot form).
    x[fi::TEXT_NAMES_MEMBER] = x[fi::TEXT_MEMBER] * x[fi::NAMES_MEMBER];
    x[fi::TITLE] = if tvec.is_empty() || ev.title.is_empty() { 0.0 } else { cosine(tvec, &ev.title, ev.norms[2]) };
    // Shared facts, each counted by its rarity in the stream: a figure every article of the kind gives
    // ("two games", "one person") is weak evidence of the same happening, a rare one or a quote strong.
    if !f.facts.is_empty() && !ev.facts.is_empty() {
        let shared: f64 =
            f.facts.iter().zip(rarity).filter(|(x, _)| ev.facts.binary_search(x).is_ok()).map(|(_, r)| *r).sum();
        x[fi::FACTS] = (shared / f.facts.len().min(4) as f64).min(1.0);
    }
    // Named things by kind: the IDF-weighted share of the article's people (organisations, places) the
    // event also names, and, when both name some, the share it does not (evidence of another happening).
    let mut ev_has = [false; 4];
    for k in &ev.kinds {
        ev_has[(k & 3) as usize] = true;
    }
    let (mut mass, mut hit) = ([0.0f64; 3], [0.0f64; 3]);
    for k in &f.kinds {
        let kind = (k & 3) as usize;
        if kind > 2 {
            continue;
        }
        let h = k & !3;
        // The IDF the article vector carries for this named thing (its hash is the same but for 2 bits).
        let idf = match evec.v.binary_search_by_key(&h, |e| e.0 & !3) {
            Ok(i) => evec.v[i].2,
            Err(_) => continue,
        };
        mass[kind] += idf;
        if ev.kinds.binary_search_by_key(&h, |y| y & !3).is_ok() {
            hit[kind] += idf;
        }
    }
    for kind in 0..3 {
        if mass[kind] > 0.0 {
            let share = hit[kind] / mass[kind];
            x[fi::SHARED + kind] = share;
            if ev_has[kind] {
                x[fi::CONFLICT + kind] = 1.0 - share;
            }
        }
    }
    // Figures: among units both give, the share where no value agrees.
    let (mut common, mut apart) = (0usize, 0usize);
    let mut i = 0;
    while i < f.figs.len() {
        let unit = f.figs[i] & 0xFFFF_FFFF_0000_0000;
        let mut j = i;
        while j < f.figs.len() && f.figs[j] & 0xFFFF_FFFF_0000_0000 == unit {
            j += 1;
        }
        let lo = ev.figs.partition_point(|y| *y < unit);
        let hi = ev.figs.partition_point(|y| *y <= unit | 0xFFFF_FFFF);
        if lo < hi {
            common += 1;
            if !f.figs[i..j].iter().any(|v| ev.figs[lo..hi].binary_search(v).is_ok()) {
                apart += 1;
            }
        }
        i = j;
    }
    if common > 0 {
        x[fi::FIGURES_CONFLICT] = apart as f64 / common as f64;
    }
    if !f.dates.is_empty() && !ev.dates.is_empty() {
        let near = f.dates.iter().any(|d| (d - 1..=d + 1).any(|e| ev.dates.binary_search(&e).is_ok()));
        x[if near { fi::DATES_SHARED } else { fi::DATES_CONFLICT }] = 1.0;
    }
    x[fi::SIZE] = f64::from(ev.articles.max(1)).ln();
    x
}

fn score_event(
    cfg: &EngineConfig,
    ev: &EventRec,
    qvec: &Weighted,
    evec: &Weighted,
    tvec: &Weighted,
    f: &Features,
    rarity: &[f64],
) -> Scored {
    let x = event_features(ev, qvec, evec, tvec, f, rarity);
    let decay = match (f.time, ev.first_time, ev.last_time) {
        (Some(t), Some(a), Some(b)) => {
            let gap = if t < a { a - t } else { t.saturating_sub(b).max(0) } as f64 / 86_400.0;
            let gap = (gap - cfg.event_grace_days).max(0.0);
            (-gap / cfg.event_decay_days.max(1e-6)).exp()
        }
        _ => 1.0,
    };
    Scored { score: cfg.model.prob(&x) * decay, x, decay }
}

/// How strongly a new event's named things tie it to a story: the sum over the named things both share of
/// their squared rarity (IDF over the stream's IDF ceiling, so a thing in every article weighs about 0 and
/// one seen once about 1). Content terms do not count: the same kind of happening shares words, one
/// ongoing affair shares its people, organisations, places, vessels, cases. The shared mass is divided
/// by the event's own mass raised to `norm` (fitted): an article naming many rare things needs to share
/// more of them than one naming few.
fn story_score(evec: &Weighted, story_ents: &Bag, ln_docs: f64, norm: f64) -> f64 {
    let rarity = |idf: f64| (idf / ln_docs).powi(2);
    let (mut shared, mut own) = (0.0, 0.0);
    for &(h, _, idf) in &evec.v {
        own += rarity(idf);
        if story_ents.get(h).is_some() {
            shared += rarity(idf);
        }
    }
    if norm == 0.0 {
        shared
    } else if own > 0.0 {
        shared / own.powf(norm)
    } else {
        0.0
    }
}

fn shared(v: &Weighted, bag: &Bag, k: usize) -> Vec<u64> {
    let mut s: Vec<(u64, f64)> =
        v.v.iter().filter_map(|&(h, x, _)| bag.get(h).map(|y| (h, x * f64::from(y)))).collect();
    s.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    s.into_iter().take(k).map(|(h, _)| h).collect()
}

/// A title from the text when the article has none: its first sentence, cut at 80 characters.
fn fallback_title(text: &str) -> String {
    let first = text.split(['\n', '.', '!', '?']).map(str::trim).find(|s| !s.is_empty()).unwrap_or("");
    let mut out: String = first.chars().take(80).collect();
    if first.chars().count() > 80 {
        out.push('…');
    }
    out
}
