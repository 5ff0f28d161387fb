//! Printing a contract document in the format asked for: terminal text (wrapped, colour only on a terminal),
//! Markdown, JSON or standalone HTML.

use std::io::Write;

use synoptic_model::Document;
use synoptic_render::RenderOptions;

use crate::cli::Format;
use crate::ui;

pub fn write_document(out: &mut impl Write, doc: &Document, format: Format) -> anyhow::Result<()> {
    let mut text = match format {
        Format::Json => return ui::write_json(out, doc, true),
        Format::Text => {
            let opts = RenderOptions { width: ui::width(), color: ui::colour_stdout() };
            synoptic_render::terminal(doc, &opts)
        }
        Format::Markdown => synoptic_render::markdown(doc),
        Format::Html => synoptic_render::html(doc),
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    out.write_all(text.as_bytes())?;
    Ok(())
}
