//! Fuzz target: JSON Lines and JSON arrays of article records.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = synoptic_extract::records::read_json_lines(&text, "fuzz.jsonl");
    let _ = synoptic_extract::records::read_json_array(&text, "fuzz.json");
});
