//! `synoptic serve` and `synoptic watch`: hand over to the server crate and the feed watcher.

use std::path::Path;

use anyhow::bail;

use crate::cli::{ServeArgs, WatchArgs};
use crate::ui::Ui;

pub fn serve(args: &ServeArgs, store_dir: &Path, ui: Ui) -> anyhow::Result<u8> {
    let _ = (args, store_dir, ui);
    bail!("serve: not available in this build yet")
}

pub fn watch(args: &WatchArgs, store_dir: &Path, ui: Ui) -> anyhow::Result<u8> {
    let _ = (args, store_dir, ui);
    bail!("watch: not available in this build yet")
}
