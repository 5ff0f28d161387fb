//! Annotation of one article: entities (people, organisations, places), quotes with speakers, figures.
//!
//! Pure and deterministic: the gazetteer tables are compiled in (`data/`, parsed once, lazily), regexes are
//! compiled once, and every function accepts any text without panicking. Spans are byte offsets into
//! `Article::text`.
//!
//! Pipeline: [`sentences`] → tokens → entities (runs of capitalised words split into titles and names,
//! classified, resolved within the article) → quotes (marks, then speakers through verbs, pronouns and
//! roles) → figures (money, percentages, counts, dates).

pub mod entities;
pub mod figures;
pub mod gazetteer;
pub mod quotes;
pub mod sentences;
pub mod tokens;
pub mod translit;

use synoptic_model::{Annotations, Article, EntityMention, Span};

/// Annotate one article: entities, quotes and figures with their spans.
pub fn annotate(article: &Article) -> Annotations {
    let text = article.text.as_str();
    let sents = sentences::sentences(text);
    let toks = tokens::tokenize(text, &sents);
    let ents = entities::find(text, &toks);
    let raw_quotes = quotes::find_marks(text);
    let quotes = quotes::attribute(text, &toks, &ents, &raw_quotes);
    let figures = figures::find(text, &sents, article.published.as_ref());
    let entities = ents
        .mentions
        .iter()
        .map(|m| {
            let e = &ents.ents[m.ent];
            EntityMention { span: m.span, surface: m.surface.clone(), canonical: e.canonical.clone(), kind: e.kind }
        })
        .collect();
    Annotations { entities, quotes, figures }
}

/// The variant-folded key of a name: case, diacritics, possessives, transliteration endings
/// (Dobrovolsky / Dobrovolskyy / Dobrovolskiy), and gazetteer variants (Kiev → Kyiv, NATO ↔ its expansion) fold to
/// one key.
pub fn entity_key(name: &str) -> String {
    let f = gazetteer::fold(name);
    match gazetteer::lookup(&f) {
        Some(k) => gazetteer::fold(k.canonical),
        None => f,
    }
}

/// Sentence spans of a text (abbreviations, initials, numbers and closing quotes handled).
pub fn sentences(text: &str) -> Vec<Span> {
    sentences::sentences(text)
}
