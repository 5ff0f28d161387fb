//! Fuzz target: gzip with a small cap, binary detection, encoding choice and decoding, format sniffing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use synoptic_extract::decode;

fuzz_target!(|data: &[u8]| {
    let _ = decode::gunzip(data, 1 << 16);
    let _ = decode::looks_binary(data);
    let _ = decode::to_text(data, Some("text/html; charset=\"x\""));
    let _ = decode::to_text(data, None);
    let _ = synoptic_extract::sniff(data, "fuzz.bin");
});
