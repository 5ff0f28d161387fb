//! Printing a contract document in the format asked for: terminal text (wrapped, colour only on a terminal),
//! Markdown, JSON or standalone HTML.

use std::io::Write;

use synoptic_model::Document;
use synoptic_render::RenderOptions;

use crate::cli::Format;
use crate::ui;

pub fn write_document(out: &mut impl Write, doc: &Document, format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => ui::write_json(out, doc, true)?,
        Format::Text => {
            let opts = RenderOptions { width: ui::width(), color: ui::colour_stdout() };
            out.write_all(synoptic_render::terminal(doc, &opts).as_bytes())?;
        }
        Format::Markdown => out.write_all(synoptic_render::markdown(doc).as_bytes())?,
        Format::Html => out.write_all(synoptic_render::html(doc).as_bytes())?,
    }
    Ok(())
}
