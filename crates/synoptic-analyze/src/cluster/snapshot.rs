//! The engine's compact binary snapshot: a versioned, hand-written little-endian encoding of its state.
//!
//! Layout: magic `SYNE`, version (u32), then the state's fields in a fixed order. Maps are written sorted
//! by key, so the same state always gives the same bytes. The copy index (LSH buckets) and the id lookup
//! are not written: both are rebuilt from the open articles in arrival order, which gives the same buckets
//! in the same order as the live engine. Every read is bounds-checked: bad bytes give an error, never a
//! panic, and lengths are checked against the bytes left before anything is allocated.

use std::collections::{HashMap, VecDeque};

use super::{ArticleRec, Bag, EventRec, Member, SNAPSHOT_VERSION, SnapshotError, State, StoryRec};
use crate::copies::{LshIndex, SIG_LEN, Signature};
use crate::tokens::PassBuild;

const MAGIC: &[u8; 4] = b"SYNE";

struct W(Vec<u8>);

impl W {
    fn u8(&mut self, x: u8) {
        self.0.push(x);
    }
    fn u16(&mut self, x: u16) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn u32(&mut self, x: u32) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn u64(&mut self, x: u64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn f32(&mut self, x: f32) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn f64(&mut self, x: f64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn opt_i64(&mut self, x: Option<i64>) {
        match x {
            Some(v) => {
                self.u8(1);
                self.u64(v as u64);
            }
            None => self.u8(0),
        }
    }
    fn bag(&mut self, b: &Bag) {
        self.len(b.w.len());
        for &(h, x) in &b.w {
            self.u64(h);
            self.f32(x);
        }
    }
    fn u64s<'a>(&mut self, v: impl ExactSizeIterator<Item = &'a u64>) {
        self.len(v.len());
        for x in v {
            self.u64(*x);
        }
    }
}

struct R<'a> {
    b: &'a [u8],
}

fn bad(what: &'static str) -> SnapshotError {
    SnapshotError::Corrupt(what)
}

impl<'a> R<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], SnapshotError> {
        if n > self.b.len() {
            return Err(bad("truncated"));
        }
        let (x, rest) = self.b.split_at(n);
        self.b = rest;
        Ok(x)
    }
    fn arr<const N: usize>(&mut self) -> Result<[u8; N], SnapshotError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn u8(&mut self) -> Result<u8, SnapshotError> {
        Ok(self.arr::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16, SnapshotError> {
        Ok(u16::from_le_bytes(self.arr()?))
    }
    fn u32(&mut self) -> Result<u32, SnapshotError> {
        Ok(u32::from_le_bytes(self.arr()?))
    }
    fn u64(&mut self) -> Result<u64, SnapshotError> {
        Ok(u64::from_le_bytes(self.arr()?))
    }
    fn f32(&mut self) -> Result<f32, SnapshotError> {
        Ok(f32::from_le_bytes(self.arr()?))
    }
    fn f64(&mut self) -> Result<f64, SnapshotError> {
        Ok(f64::from_le_bytes(self.arr()?))
    }
    fn bool(&mut self) -> Result<bool, SnapshotError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(bad("flag")),
        }
    }
    /// A count of items of at least `min_bytes` each, checked against the bytes left.
    fn len(&mut self, min_bytes: usize) -> Result<usize, SnapshotError> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_bytes.max(1)) > self.b.len() {
            return Err(bad("length"));
        }
        Ok(n)
    }
    fn str(&mut self) -> Result<String, SnapshotError> {
        let n = self.len(1)?;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| bad("text"))
    }
    fn opt_i64(&mut self) -> Result<Option<i64>, SnapshotError> {
        Ok(if self.bool()? { Some(self.u64()? as i64) } else { None })
    }
    fn bag(&mut self) -> Result<Bag, SnapshotError> {
        let n = self.len(12)?;
        let mut w = Vec::with_capacity(n);
        for _ in 0..n {
            w.push((self.u64()?, self.f32()?));
        }
        if !w.windows(2).all(|p| p[0].0 < p[1].0) {
            return Err(bad("bag order"));
        }
        Ok(Bag { w })
    }
    fn u64s(&mut self) -> Result<Vec<u64>, SnapshotError> {
        let n = self.len(8)?;
        (0..n).map(|_| self.u64()).collect()
    }
}

fn sorted_keys<V, S>(m: &HashMap<u64, V, S>) -> Vec<u64> {
    let mut k: Vec<u64> = m.keys().copied().collect();
    k.sort_unstable();
    k
}

pub(super) fn encode(s: &State) -> Vec<u8> {
    let mut w = W(Vec::with_capacity(1 << 16));
    w.0.extend_from_slice(MAGIC);
    w.u32(SNAPSHOT_VERSION);
    w.u64(s.seq);
    w.u64(s.next_slot);
    w.opt_i64(s.now);
    w.f64(s.df_docs);
    w.u8(u8::from(s.frozen_df));
    let keys = sorted_keys(&s.df);
    w.len(keys.len());
    for k in keys {
        w.u64(k);
        w.u32(s.df.get(&k).copied().unwrap_or(0));
    }
    // Open articles in arrival order (the order the copy index is rebuilt in).
    let arts: Vec<(u64, &ArticleRec)> =
        s.article_order.iter().filter_map(|slot| s.articles.get(slot).map(|a| (*slot, a))).collect();
    w.len(arts.len());
    for (slot, a) in arts {
        w.u64(slot);
        w.str(&a.id);
        if a.origin == a.id {
            w.u8(0);
        } else {
            w.u8(1);
            w.str(&a.origin);
        }
        w.u64(a.event);
        w.u64(a.seq);
        w.opt_i64(a.time);
        for &m in &a.sig.mins {
            w.u16(m);
        }
        w.u32(a.sig.shingles);
        w.u64(a.sig.exact);
    }
    let keys = sorted_keys(&s.events);
    w.len(keys.len());
    for k in keys {
        let Some(e) = s.events.get(&k) else { continue };
        w.u64(k);
        w.str(&e.id);
        w.u64(e.story);
        w.u64(e.last_seq);
        w.opt_i64(e.first_time);
        w.opt_i64(e.last_time);
        w.bag(&e.terms);
        w.bag(&e.ents);
        w.bag(&e.title);
        w.u64s(e.facts.iter());
        let mut posted: Vec<u64> = e.posted.iter().copied().collect();
        posted.sort_unstable();
        w.u64s(posted.iter());
        for n in e.norms {
            w.f64(n);
        }
        w.u64(e.norm_seq);
        w.u32(e.articles);
        w.len(e.members.len());
        for m in &e.members {
            w.bag(&m.terms);
            w.bag(&m.ents);
            w.f64(m.norms[0]);
            w.f64(m.norms[1]);
            w.u64(m.norm_seq);
        }
        w.u64s(e.kinds.iter());
        w.u64s(e.figs.iter());
        w.len(e.dates.len());
        for d in &e.dates {
            w.u64(*d as u64);
        }
    }
    let keys = sorted_keys(&s.stories);
    w.len(keys.len());
    for k in keys {
        let Some(st) = s.stories.get(&k) else { continue };
        w.u64(k);
        w.str(&st.id);
        w.str(&st.title);
        w.u64(st.last_seq);
        w.opt_i64(st.last_time);
        w.bag(&st.terms);
        w.bag(&st.ents);
        let mut posted: Vec<u64> = st.posted.iter().copied().collect();
        posted.sort_unstable();
        w.u64s(posted.iter());
        w.f64(st.norms[0]);
        w.f64(st.norms[1]);
        w.u64(st.norm_seq);
    }
    for postings in [&s.event_postings, &s.story_postings] {
        let keys = sorted_keys(postings);
        w.len(keys.len());
        for k in keys {
            w.u64(k);
            w.u64s(postings.get(&k).map(|v| v.iter()).unwrap_or_default());
        }
    }
    w.0
}

pub(super) fn decode(bytes: &[u8]) -> Result<State, SnapshotError> {
    if bytes.first() == Some(&b'{') {
        // The JSON snapshots of earlier versions.
        return Err(SnapshotError::Version { found: 1, expected: SNAPSHOT_VERSION });
    }
    let mut r = R { b: bytes };
    if r.take(4).map_err(|_| bad("magic"))? != MAGIC {
        return Err(bad("magic"));
    }
    let version = r.u32()?;
    // Version 2 lacks the events' kinds, figures and days (read as empty).
    if version != SNAPSHOT_VERSION && version != 2 {
        return Err(SnapshotError::Version { found: version, expected: SNAPSHOT_VERSION });
    }
    let mut s = State { version, ..State::default() };
    s.seq = r.u64()?;
    s.next_slot = r.u64()?;
    s.now = r.opt_i64()?;
    s.df_docs = r.f64()?;
    s.frozen_df = r.bool()?;
    let n = r.len(12)?;
    s.df = HashMap::with_capacity_and_hasher(n, PassBuild::default());
    for _ in 0..n {
        let k = r.u64()?;
        s.df.insert(k, r.u32()?);
    }
    let n = r.len(8 + 4 + 1 + 16 + 1 + 2 * SIG_LEN + 12)?;
    s.articles = HashMap::with_capacity_and_hasher(n, PassBuild::default());
    s.article_order = VecDeque::with_capacity(n);
    let mut lsh = LshIndex::new();
    for _ in 0..n {
        let slot = r.u64()?;
        let id = r.str()?;
        let origin = if r.bool()? { r.str()? } else { id.clone() };
        let event = r.u64()?;
        let seq = r.u64()?;
        let time = r.opt_i64()?;
        let mut mins = [0u16; SIG_LEN];
        for m in &mut mins {
            *m = r.u16()?;
        }
        let sig = Signature { mins, shingles: r.u32()?, exact: r.u64()? };
        if s.article_order.back().is_some_and(|&last| last >= slot) {
            return Err(bad("article order"));
        }
        lsh.insert(slot, &sig);
        s.by_id.insert(id.clone(), slot);
        s.article_order.push_back(slot);
        s.articles.insert(slot, ArticleRec { id, origin, event, seq, time, sig });
    }
    s.lsh = lsh;
    let n = r.len(100)?;
    s.events = HashMap::with_capacity_and_hasher(n, PassBuild::default());
    for _ in 0..n {
        let k = r.u64()?;
        let id = r.str()?;
        let story = r.u64()?;
        let last_seq = r.u64()?;
        let first_time = r.opt_i64()?;
        let last_time = r.opt_i64()?;
        let (terms, ents, title) = (r.bag()?, r.bag()?, r.bag()?);
        let facts = r.u64s()?;
        let posted = r.u64s()?.into_iter().collect();
        let norms = [r.f64()?, r.f64()?, r.f64()?];
        let norm_seq = r.u64()?;
        let articles = r.u32()?;
        let m = r.len(32)?;
        let mut members = VecDeque::with_capacity(m);
        for _ in 0..m {
            let (terms, ents) = (r.bag()?, r.bag()?);
            let norms = [r.f64()?, r.f64()?];
            members.push_back(Member { terms, ents, norms, norm_seq: r.u64()? });
        }
        let (kinds, figs, dates) = if version >= 3 {
            let (k, f) = (r.u64s()?, r.u64s()?);
            let d: Vec<i64> = r.u64s()?.into_iter().map(|x| x as i64).collect();
            (k, f, d)
        } else {
            Default::default()
        };
        let ev = EventRec {
            id,
            story,
            last_seq,
            first_time,
            last_time,
            terms,
            ents,
            title,
            facts,
            posted,
            norms,
            norm_seq,
            articles,
            members,
            kinds,
            figs,
            dates,
        };
        s.events.insert(k, ev);
    }
    let n = r.len(60)?;
    s.stories = HashMap::with_capacity_and_hasher(n, PassBuild::default());
    for _ in 0..n {
        let k = r.u64()?;
        let (id, title) = (r.str()?, r.str()?);
        let last_seq = r.u64()?;
        let last_time = r.opt_i64()?;
        let (terms, ents) = (r.bag()?, r.bag()?);
        let posted = r.u64s()?.into_iter().collect();
        let norms = [r.f64()?, r.f64()?];
        let norm_seq = r.u64()?;
        s.stories.insert(k, StoryRec { id, title, last_seq, last_time, terms, ents, posted, norms, norm_seq });
    }
    for which in 0..2 {
        let n = r.len(12)?;
        let mut m: HashMap<u64, Vec<u64>, PassBuild> = HashMap::with_capacity_and_hasher(n, PassBuild::default());
        for _ in 0..n {
            let k = r.u64()?;
            m.insert(k, r.u64s()?);
        }
        if which == 0 {
            s.event_postings = m;
        } else {
            s.story_postings = m;
        }
    }
    if !r.b.is_empty() {
        return Err(bad("trailing bytes"));
    }
    Ok(s)
}
