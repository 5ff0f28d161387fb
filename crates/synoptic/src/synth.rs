//! `synoptic synth`: the synthetic news stream with its gold labels, as JSON Lines on stdout.

use std::io::Write;

use serde::Serialize;
use synoptic_analyze::synth::{SynthConfig, stream};
use synoptic_model::Article;

use crate::cli::SynthArgs;
use crate::ui;

/// One line: the article's fields plus its gold labels.
#[derive(Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    article: &'a Article,
    gold_event: &'a str,
    gold_story: &'a str,
    /// Article id of the origin when the generator made this article as a copy.
    gold_copy_of: Option<&'a str>,
}

pub fn run(args: &SynthArgs) -> anyhow::Result<u8> {
    let cfg =
        SynthConfig { seed: args.seed, articles: args.articles, words: args.words.max(1), ..SynthConfig::default() };
    let mut out = ui::stdout();
    let mut ids: Vec<String> = Vec::with_capacity(args.articles.min(1 << 20));
    for item in stream(&cfg) {
        let origin = item.copy_of.and_then(|i| ids.get(i)).map(String::as_str);
        let line =
            Line { article: &item.article, gold_event: &item.event, gold_story: &item.story, gold_copy_of: origin };
        ui::write_json(&mut out, &line, false)?;
        ids.push(item.article.id.clone());
    }
    out.flush()?;
    Ok(0)
}
