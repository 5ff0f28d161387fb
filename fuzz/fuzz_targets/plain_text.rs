//! Fuzz target: the plain-text reader (title detection, paragraph splitting) and the finishing step.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = synoptic_extract::plain::parse(&text);
    let _ = synoptic_extract::clean::clean_paragraphs(parsed.paragraphs, parsed.title.as_deref());
});
