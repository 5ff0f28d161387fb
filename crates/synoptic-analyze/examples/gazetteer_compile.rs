//! Regenerate `data/names.tsv` (the folded names table the gazetteer loads) from the source tables:
//! `cargo run --release -p synoptic-analyze --example gazetteer_compile`. Run it after editing a table in
//! `data/` or changing `gazetteer::fold`; a unit test fails while the file is stale.

use std::path::PathBuf;

fn main() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/names.tsv");
    let table = synoptic_analyze::annotate::gazetteer::compile_names();
    if let Err(e) = std::fs::write(&path, &table) {
        eprintln!("cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
    eprintln!("wrote {} ({} names)", path.display(), table.lines().count());
}
