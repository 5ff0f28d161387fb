//! Fuzz target: one HTML page through extraction, cleaning and metadata (`read_html`), and the fragment
//! reader used for feed items.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = synoptic_extract::read_html(data, "fuzz.html", Some("https://example.org/a/b"));
    let _ = synoptic_extract::fragment::paragraphs(&String::from_utf8_lossy(data));
});
