//! Fuzz target: the cleaning rules on one paragraph, date parsing, and character references.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let _ = synoptic_extract::clean::judge(&s);
    let _ = synoptic_extract::clean::tidy(&s);
    let _ = synoptic_extract::dates::parse(&s);
    let _ = synoptic_extract::entities::decode(&s);
});
