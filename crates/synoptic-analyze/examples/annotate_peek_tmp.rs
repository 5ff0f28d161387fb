//! Temporary: print quotes and figures of a few benchmark bodies.
fn main() {
    let raw = std::fs::read_to_string("../../../shared/data/extraction-benchmark/ground-truth.json").unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(&raw).unwrap_or_default();
    let bodies: Vec<String> = v.as_object().map(|o| o.values().filter_map(|x| x["articleBody"].as_str().map(String::from)).collect()).unwrap_or_default();
    for b in bodies.iter().skip(10).step_by(17).take(8) {
        let a = synoptic_model::Article::new("x", None, b.clone());
        let ann = synoptic_analyze::annotate::annotate(&a);
        println!("=====");
        for q in ann.quotes.iter().take(8) { println!("Q {:?} <- {:?} {:?}", q.text.chars().take(60).collect::<String>(), q.speaker, q.attribution); }
        for f in ann.figures.iter().take(6) { println!("F {:?} {} {} about={:?}", f.text, f.value, f.unit, f.about); }
        let mut ents: Vec<String> = ann.entities.iter().map(|e| format!("{:?}:{}", e.kind, e.canonical)).collect(); ents.dedup(); ents.truncate(25);
        println!("E {}", ents.join(" | "));
    }
}
