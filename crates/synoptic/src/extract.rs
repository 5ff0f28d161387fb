//! `synoptic extract`: clean articles as JSON Lines on stdout (the contract's Article without `event` and
//! `copy_of`), nothing stored.

use std::io::Write;

use crate::cli::InputArgs;
use crate::reading::read_inputs;
use crate::ui::{self, Ui};

pub fn run(args: &InputArgs, ui: Ui) -> anyhow::Result<u8> {
    let mut out = ui::stdout();
    let summary = read_inputs(&args.paths, args.max_bytes, ui, |articles| {
        for a in articles {
            let mut v = serde_json::to_value(&a)?;
            if let Some(obj) = v.as_object_mut() {
                obj.remove("event");
                obj.remove("copy_of");
            }
            ui::write_json(&mut out, &v, false)?;
        }
        // Hand each input's lines on promptly (pipes into `head`, `jq`).
        out.flush()?;
        Ok(())
    })?;
    out.flush()?;
    ui.note(summary.line());
    Ok(summary.exit_code())
}
