//! Temporary diagnostics.
fn main() {
    let p = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&p).unwrap();
    let input = synoptic_extract::Input { source: &p, bytes: &bytes, content_type: None, url: None };
    for a in synoptic_extract::read(&input, &synoptic_extract::ReadOptions::default()).articles {
        println!("{:?} {:?}\n{}\n---", a.title, a.published, &a.text[..a.text.len().min(600)]);
        let ann = synoptic_analyze::annotate::annotate(&a);
        println!("{:?}", ann.entities.iter().map(|e| e.canonical.as_str()).collect::<Vec<_>>());
    }
}
