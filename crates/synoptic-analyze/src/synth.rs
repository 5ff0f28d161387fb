//! A generator of realistic synthetic news streams with known gold, for benchmarks and property tests.
//!
//! The world: topics (shared vocabulary across unrelated stories, e.g. two different trials), stories
//! (recurring actors and subject over weeks), events (a bounded happening: its own places, people, words,
//! figures and quotes, reported in a burst over hours to a couple of days) and articles (function words,
//! Zipf-distributed background words, topic, story and event words, names, quotes, figures, outlet
//! boilerplate). A share of articles are copies of an earlier article of the same event with light edits:
//! a new headline, paragraphs cut, boilerplate added, words changed.
//!
//! Streaming: articles come out in published order from a priority queue of pending happenings; only the
//! active events and stories are held, so a million-article stream runs in constant memory. Deterministic
//! for a given seed (its own SplitMix64 generator, no global randomness).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use chrono::DateTime;
use synoptic_model::Article;

/// What stream to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthConfig {
    pub seed: u64,
    /// Number of articles in the stream.
    pub articles: usize,
    /// Mean words per article body (about 600 in real news).
    pub words: usize,
    /// Articles published per day (all stories together).
    pub articles_per_day: f64,
    /// Mean events per story and articles per event (heavy-tailed).
    pub events_per_story: f64,
    pub articles_per_event: f64,
    /// Share of articles that are copies of an earlier article of their event.
    pub copy_rate: f64,
    /// Number of topics (pools of vocabulary shared by unrelated stories).
    pub topics: usize,
    /// Background vocabulary size (Zipf distributed).
    pub vocabulary: usize,
    /// Unix seconds of the first article.
    pub start: i64,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            seed: 1,
            articles: 10_000,
            words: 600,
            articles_per_day: 400.0,
            events_per_story: 2.5,
            articles_per_event: 8.0,
            copy_rate: 0.2,
            topics: 40,
            vocabulary: 20_000,
            start: 1_672_531_200, // 2023-01-01T00:00:00Z
        }
    }
}

/// One generated article with its gold labels.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthArticle {
    pub article: Article,
    pub event: String,
    pub story: String,
    /// Stream index of the origin when this article is a copy.
    pub copy_of: Option<usize>,
}

/// The stream of articles, in published order.
pub fn stream(cfg: &SynthConfig) -> impl Iterator<Item = SynthArticle> + use<> {
    Generator::new(cfg.clone())
}

/// SplitMix64: small, fast, deterministic.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        crate::tokens::mix64(self.0)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// Exponential with the given mean.
    fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).max(1e-12).ln()
    }
    /// At least 1, heavy-tailed (Pareto, shape 1.6) with roughly the given mean.
    fn heavy(&mut self, mean: f64) -> usize {
        let shape = 1.6;
        let xm = (mean * (shape - 1.0) / shape).max(1.0);
        let x = xm / (1.0 - self.unit()).max(1e-9).powf(1.0 / shape);
        (x.round() as usize).clamp(1, (mean * 40.0) as usize + 1)
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ru", "te", "san", "vo", "bel", "dar", "ni", "po", "qua", "rex", "sil", "tor", "ul", "ven", "wa",
    "yel", "zo", "bra", "cre", "dri", "fen", "gal", "hom", "jus", "kel", "lim", "mor", "nes", "pra", "ro", "stu",
    "tri", "vel", "zan", "mar", "lun", "gor",
];

/// A pseudo-word for an index: the index in base 40 over syllables, at least two syllables.
fn word(mut i: u64) -> String {
    let n = SYLLABLES.len() as u64;
    let mut out = String::new();
    let mut count = 0;
    while i > 0 || count < 2 {
        out.push_str(SYLLABLES[(i % n) as usize]);
        i /= n;
        count += 1;
    }
    out
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

const FUNCTION_WORDS: &[&str] = &[
    "the", "of", "and", "to", "in", "a", "that", "for", "on", "with", "was", "said", "as", "by", "at", "from", "his",
    "her", "it", "is", "an", "have", "has", "be", "were", "which", "their", "after", "its", "this",
];

const OUTLET_BOILERPLATE: &[&str] = &[
    "Sign up for our morning newsletter to get the day's top stories delivered to your inbox.",
    "This article was produced with support from our readers. Subscribe to read more.",
    "Follow our live coverage for the latest updates, analysis and video from the scene.",
    "Copyright the news agency. All rights reserved. This material may not be redistributed.",
];

struct Story {
    label: String,
    topic: usize,
    names: Vec<String>,
    words: Vec<u64>,
    events_left: usize,
}

struct Event {
    label: String,
    story: usize,
    names: Vec<String>,
    words: Vec<u64>,
    quotes: Vec<String>,
    figures: Vec<String>,
    left: usize,
    /// Recent original articles (stream index, title, paragraphs) that later copies may take from.
    originals: Vec<(usize, Vec<String>)>,
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Pending {
    NewStory,
    NewEvent(usize),
    Article(usize),
}

struct Generator {
    cfg: SynthConfig,
    rng: Rng,
    zipf: Vec<f64>,
    topics: Vec<Vec<u64>>,
    queue: BinaryHeap<Reverse<(i64, u64, Pending)>>,
    stories: HashMap<usize, Story>,
    events: HashMap<usize, Event>,
    next_id: usize,
    next_word: u64,
    emitted: usize,
    tick: u64,
}

impl Generator {
    fn new(cfg: SynthConfig) -> Generator {
        let mut rng = Rng(cfg.seed ^ 0x5EED_5EED);
        let v = cfg.vocabulary.max(10);
        let mut zipf = Vec::with_capacity(v);
        let mut acc = 0.0;
        for r in 1..=v {
            acc += 1.0 / r as f64;
            zipf.push(acc);
        }
        // Topic pools: 300 words each, drawn from the mid-frequency band of the background vocabulary.
        let topics = (0..cfg.topics.max(1))
            .map(|_| (0..300).map(|_| (200 + rng.below(v.saturating_sub(200).max(1))) as u64).collect())
            .collect();
        let mut g = Generator {
            cfg,
            rng,
            zipf,
            topics,
            queue: BinaryHeap::new(),
            stories: HashMap::new(),
            events: HashMap::new(),
            next_id: 0,
            next_word: 1_000_000,
            emitted: 0,
            tick: 0,
        };
        let start = g.cfg.start;
        g.push(start, Pending::NewStory);
        g
    }

    fn push(&mut self, t: i64, p: Pending) {
        self.tick += 1;
        self.queue.push(Reverse((t, self.tick, p)));
    }

    fn fresh_words(&mut self, n: usize) -> Vec<u64> {
        (0..n)
            .map(|_| {
                self.next_word += 1;
                self.next_word
            })
            .collect()
    }

    fn fresh_name(&mut self) -> String {
        let parts = 1 + self.rng.below(2);
        self.fresh_words(parts).into_iter().map(|w| capitalise(&word(w))).collect::<Vec<_>>().join(" ")
    }

    fn background(&mut self) -> u64 {
        let total = self.zipf.last().copied().unwrap_or(1.0);
        let x = self.rng.unit() * total;
        self.zipf.partition_point(|&c| c < x) as u64
    }

    fn new_story(&mut self, t: i64) {
        let id = self.next_id;
        self.next_id += 1;
        let topic = self.rng.below(self.topics.len());
        let names = (0..4 + self.rng.below(4)).map(|_| self.fresh_name()).collect();
        let mut words = self.fresh_words(15);
        for _ in 0..25 {
            let pool = &self.topics[topic];
            words.push(pool[self.rng.below(pool.len())]);
        }
        let events_left = self.rng.heavy(self.cfg.events_per_story).min(12);
        self.stories.insert(id, Story { label: format!("story-{id}"), topic, names, words, events_left });
        self.push(t, Pending::NewEvent(id));
        let stories_per_day =
            self.cfg.articles_per_day / (self.cfg.events_per_story * self.cfg.articles_per_event).max(1e-6);
        let gap = self.rng.exp(86_400.0 / stories_per_day.max(1e-6)) as i64;
        self.push(t + gap.max(1), Pending::NewStory);
    }

    fn new_event(&mut self, t: i64, story: usize) {
        let Some(st) = self.stories.get_mut(&story) else { return };
        st.events_left = st.events_left.saturating_sub(1);
        let more = st.events_left > 0;
        let id = self.next_id;
        self.next_id += 1;
        let names: Vec<String> = (0..1 + self.rng.below(2)).map(|_| self.fresh_name()).collect();
        // An event's own words: a few new ones (its places, specifics) and some of its story's.
        let mut words = self.fresh_words(12);
        if let Some(st) = self.stories.get(&story) {
            for _ in 0..8 {
                words.push(st.words[self.rng.below(st.words.len())]);
            }
        }
        let quotes = (0..2)
            .map(|_| {
                let n = 8 + self.rng.below(6);
                let ws: Vec<String> = (0..n)
                    .map(
                        |i| if i % 3 == 0 { word(words[self.rng.below(words.len())]) } else { word(self.background()) },
                    )
                    .collect();
                ws.join(" ")
            })
            .collect();
        let figures = (0..2).map(|_| format!("{} {}", 2 + self.rng.below(9_000), word(words[0]))).collect();
        let size = self.rng.heavy(self.cfg.articles_per_event);
        self.events.insert(
            id,
            Event {
                label: format!("event-{id}"),
                story,
                names,
                words,
                quotes,
                figures,
                left: size,
                originals: Vec::new(),
            },
        );
        for k in 0..size {
            // A burst: the first report at once, most within hours, a tail over two days.
            let delay = if k == 0 { 0.0 } else { self.rng.exp(6.0 * 3600.0).min(3.0 * 86_400.0) };
            self.push(t + delay as i64, Pending::Article(id));
        }
        if more {
            // The next event of the story: sometimes the next day, usually days or weeks later.
            let gap = (0.5 + self.rng.exp(7.0)) * 86_400.0;
            self.push(t + gap as i64, Pending::NewEvent(story));
        }
    }

    fn sentence(&mut self, ev: usize, len: usize) -> String {
        let mut out: Vec<String> = Vec::with_capacity(len);
        for i in 0..len {
            let r = self.rng.unit();
            let w = if r < 0.40 {
                FUNCTION_WORDS[self.rng.below(FUNCTION_WORDS.len())].to_string()
            } else if r < 0.70 {
                word(self.background())
            } else {
                let (r2, k) = (self.rng.unit(), self.rng.next() as usize);
                let Some(e) = self.events.get(&ev) else { return String::new() };
                let Some(st) = self.stories.get(&e.story) else { return String::new() };
                if r2 < 0.25 {
                    let pool = &self.topics[st.topic];
                    word(pool[k % pool.len()])
                } else if r2 < 0.55 {
                    word(st.words[k % st.words.len()])
                } else if r2 < 0.78 {
                    word(e.words[k % e.words.len()])
                } else if r2 < 0.92 {
                    st.names[k % st.names.len()].clone()
                } else {
                    e.names[k % e.names.len()].clone()
                }
            };
            if !w.is_empty() {
                out.push(if i == 0 { capitalise(&w) } else { w });
            }
        }
        format!("{}.", out.join(" "))
    }

    fn original(&mut self, ev: usize) -> (String, Vec<String>) {
        let title_len = 6 + self.rng.below(5);
        let title = self.sentence(ev, title_len).trim_end_matches('.').to_string();
        let target = (self.cfg.words as f64 * (0.5 + self.rng.unit())) as usize;
        let mut paras = Vec::new();
        let mut words = 0;
        while words < target.max(20) {
            let mut sents = Vec::new();
            for _ in 0..2 + self.rng.below(3) {
                let n = 12 + self.rng.below(14);
                words += n;
                sents.push(self.sentence(ev, n));
            }
            if let Some(e) = self.events.get(&ev) {
                if self.rng.chance(0.15) {
                    let q = e.quotes[self.rng.below(e.quotes.len())].clone();
                    let who = e.names[0].clone();
                    sents.push(format!("\u{201C}{}\u{201D} {who} said.", capitalise(&q)));
                }
                if self.rng.chance(0.1) {
                    sents.push(format!("Officials counted {}.", e.figures[self.rng.below(e.figures.len())]));
                }
            }
            paras.push(sents.join(" "));
        }
        if self.rng.chance(0.3) {
            paras.push(OUTLET_BOILERPLATE[self.rng.below(OUTLET_BOILERPLATE.len())].to_string());
        }
        (title, paras)
    }

    fn copy_of(&mut self, ev: usize, title: &str, paras: &[String]) -> (String, Vec<String>) {
        let mut paras = paras.to_vec();
        let title = if self.rng.chance(0.5) {
            self.sentence(ev, 7).trim_end_matches('.').to_string()
        } else {
            title.to_string()
        };
        if self.rng.chance(0.4) && paras.len() > 3 {
            // Cut: keep the first 60-90% of paragraphs.
            let keep = ((paras.len() as f64) * (0.6 + 0.3 * self.rng.unit())).ceil() as usize;
            paras.truncate(keep.max(2));
        }
        if self.rng.chance(0.5) {
            paras.push(OUTLET_BOILERPLATE[self.rng.below(OUTLET_BOILERPLATE.len())].to_string());
        }
        if self.rng.chance(0.3) && !paras.is_empty() {
            let i = self.rng.below(paras.len());
            paras[i] = paras[i].replacen(" the ", " a ", 2).replacen(" said", " stated", 1);
        }
        (title, paras)
    }

    fn article(&mut self, t: i64, ev: usize) -> Option<SynthArticle> {
        let index = self.emitted;
        let copy_from = {
            let e = self.events.get(&ev)?;
            (!e.originals.is_empty() && self.rng.chance(self.cfg.copy_rate))
                .then(|| e.originals[self.rng.below(e.originals.len())].clone())
        };
        let (title, paras, copy_of) = match copy_from {
            Some((origin, stored)) => {
                let (title, paras) = self.copy_of(ev, &stored[0], &stored[1..]);
                (title, paras, Some(origin))
            }
            None => {
                let (title, paras) = self.original(ev);
                (title, paras, None)
            }
        };
        let e = self.events.get_mut(&ev)?;
        if copy_of.is_none() && e.originals.len() < 4 {
            let mut stored = vec![title.clone()];
            stored.extend(paras.iter().cloned());
            e.originals.push((index, stored));
        }
        e.left = e.left.saturating_sub(1);
        let event = e.label.clone();
        let story_label = self.stories.get(&e.story).map(|s| s.label.clone()).unwrap_or_default();
        let done = e.left == 0;
        let story = e.story;
        if done {
            self.events.remove(&ev);
            let story_done = self.stories.get(&story).is_some_and(|s| s.events_left == 0)
                && !self.events.values().any(|x| x.story == story);
            if story_done {
                self.stories.remove(&story);
            }
        }
        let mut article = Article::new(format!("synth/{index}"), Some(title), paras.join("\n\n"));
        article.published = DateTime::from_timestamp(t, 0).map(|d| d.fixed_offset());
        article.outlet = Some(format!("Outlet {}", self.rng.below(50)));
        self.emitted += 1;
        Some(SynthArticle { article, event, story: story_label, copy_of })
    }
}

impl Iterator for Generator {
    type Item = SynthArticle;

    fn next(&mut self) -> Option<SynthArticle> {
        while self.emitted < self.cfg.articles {
            let Reverse((t, _, p)) = self.queue.pop()?;
            match p {
                Pending::NewStory => self.new_story(t),
                Pending::NewEvent(s) => self.new_event(t, s),
                Pending::Article(e) => {
                    if let Some(a) = self.article(t, e) {
                        return Some(a);
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_ordered_and_sized() {
        let cfg = SynthConfig { articles: 300, ..SynthConfig::default() };
        let a: Vec<SynthArticle> = stream(&cfg).collect();
        let b: Vec<SynthArticle> = stream(&cfg).collect();
        assert_eq!(a.len(), 300);
        assert_eq!(a, b);
        assert!(a.windows(2).all(|w| w[0].article.published <= w[1].article.published));
        let copies = a.iter().filter(|x| x.copy_of.is_some()).count();
        assert!(copies > 20 && copies < 120, "{copies} copies");
        for x in &a {
            if let Some(o) = x.copy_of {
                assert!(o < a.len() && a[o].copy_of.is_none() && a[o].event == x.event);
            }
        }
        let words: usize = a.iter().map(|x| x.article.word_count()).sum::<usize>() / a.len();
        assert!((400..=800).contains(&words), "{words} words per article");
        assert_ne!(word(1), word(2));
    }
}
