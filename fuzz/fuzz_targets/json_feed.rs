//! Fuzz target: JSON Feed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = synoptic_extract::feed::read_json_feed(&String::from_utf8_lossy(data), "fuzz.json");
});
