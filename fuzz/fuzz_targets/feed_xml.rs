//! Fuzz target: RSS 2.0, RSS 1.0 and Atom, each with a realistic opening so the fuzzer reaches the items.
#![no_main]

use libfuzzer_sys::fuzz_target;

const OPENINGS: [&str; 4] = [
    "",
    "<rss version=\"2.0\"><channel><title>T</title><item>",
    "<rdf:RDF><channel><title>T</title></channel><item>",
    "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title><entry>",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let text = format!("{}{}", OPENINGS[usize::from(pick) % OPENINGS.len()], String::from_utf8_lossy(rest));
    let _ = synoptic_extract::feed::read_xml(&text, "fuzz.xml");
});
