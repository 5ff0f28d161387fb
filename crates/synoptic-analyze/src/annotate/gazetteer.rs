//! Gazetteer: countries, cities, currencies and curated aliases, loaded once from the compact tables in
//! `crates/synoptic-analyze/data/` (see `data/ATTRIBUTION.md`), plus the name folding behind `entity_key`.
//!
//! Lookups take a *folded* name ([`fold`]): lowercase, diacritics removed, dots and possessives dropped,
//! transliteration endings unified. The tables are parsed lazily on first use and never change after.

use std::sync::LazyLock;

use synoptic_model::EntityKind;
use unicode_normalization::UnicodeNormalization;

/// Hash map and set with rustc's Fx hasher: fast on short string keys (the tables are fixed data and the
/// per-article maps hold words of one text, so hash flooding is not a concern).
pub type HashMap<K, V> = rustc_hash::FxHashMap<K, V>;
pub type HashSet<K> = rustc_hash::FxHashSet<K>;

const CITIES: &str = include_str!("../../data/cities.tsv");
const COUNTRIES: &str = include_str!("../../data/countries.tsv");
const REGIONS: &str = include_str!("../../data/regions.tsv");
const CURRENCIES: &str = include_str!("../../data/currencies.tsv");
const ALIASES: &str = include_str!("../../data/aliases.tsv");
const DEMONYMS: &str = include_str!("../../data/demonyms.tsv");
const CURRENCY_WORDS: &str = include_str!("../../data/currency_words.tsv");

/// A name the gazetteer knows.
#[derive(Debug, Clone, Copy)]
pub struct Known {
    /// The canonical display name.
    pub canonical: &'static str,
    pub kind: EntityKind,
    /// Population for places from GeoNames (0 when unknown or not a place).
    pub population: u64,
    /// True for countries and curated entries (well-known names, safe even at a sentence start).
    pub prominent: bool,
}

/// One country of ISO 3166-1.
#[derive(Debug, Clone, Copy)]
pub struct Country {
    pub iso2: &'static str,
    pub name: &'static str,
    pub capital: &'static str,
}

struct Tables {
    countries: Vec<Country>,
    country_by_iso2: HashMap<&'static str, usize>,
    country_by_name: HashMap<String, usize>,
    demonyms: HashMap<String, usize>,
    currency_words: HashMap<String, &'static str>,
    currency_codes: HashMap<&'static str, &'static str>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(build);

/// The names table (`data/names.tsv`): every folded name with its entry, compiled from the source tables by
/// [`compile_names`] (`cargo run -p synoptic-analyze --example gazetteer_compile`), so that loading it is one
/// pass over the text with no folding and no allocation per name.
const NAMES: &str = include_str!("../../data/names.tsv");

static NAME_INDEX: LazyLock<rustc_hash::FxHashMap<&'static str, Known>> = LazyLock::new(|| {
    let mut map = rustc_hash::FxHashMap::with_capacity_and_hasher(NAMES.len() / 24, Default::default());
    for line in NAMES.split_terminator('\n') {
        let mut cols = line.split('\t');
        let (Some(key), Some(canonical), Some(kind), Some(pop), Some(prom)) =
            (cols.next(), cols.next(), cols.next(), cols.next(), cols.next())
        else {
            continue;
        };
        let known =
            Known { canonical, kind: kind_of(kind), population: pop.parse().unwrap_or(0), prominent: prom == "1" };
        map.entry(key).or_insert(known);
    }
    map
});

fn rows(table: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    table.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(|l| l.split('\t').collect())
}

fn kind_of(s: &str) -> EntityKind {
    match s {
        "person" => EntityKind::Person,
        "organization" => EntityKind::Organization,
        "place" => EntityKind::Place,
        _ => EntityKind::Other,
    }
}

fn kind_name(k: EntityKind) -> &'static str {
    match k {
        EntityKind::Person => "person",
        EntityKind::Organization => "organization",
        EntityKind::Place => "place",
        _ => "other",
    }
}

/// Compile the names table from the source tables (aliases, countries, regions, cities): one line per
/// folded name, `key\tcanonical\tkind\tpopulation\tprominent`, sorted by key; the first source to name a
/// key wins (curated aliases, then countries, regions, cities). Its output is `data/names.tsv`.
pub fn compile_names() -> String {
    let mut names: HashMap<String, Known> = HashMap::with_capacity_and_hasher(250_000, Default::default());
    // Curated aliases first: they win over everything else.
    for r in rows(ALIASES) {
        if r.len() < 2 {
            continue;
        }
        let known = Known { canonical: r[1], kind: kind_of(r[0]), population: 0, prominent: true };
        names.entry(fold(r[1])).or_insert(known);
        if let Some(aliases) = r.get(2) {
            for a in aliases.split('|').filter(|a| !a.trim().is_empty()) {
                names.entry(fold(a)).or_insert(known);
            }
        }
    }
    for r in rows(COUNTRIES) {
        if r.len() < 6 {
            continue;
        }
        let population = r[5].trim().parse().unwrap_or(0);
        let known = Known { canonical: r[2], kind: EntityKind::Place, population, prominent: true };
        names.entry(fold(r[2])).or_insert(known);
        if !r[3].is_empty() {
            names.entry(fold(r[3])).or_insert(known);
        }
    }
    for r in rows(REGIONS) {
        if let Some(name) = r.first() {
            let known = Known { canonical: name, kind: EntityKind::Place, population: 0, prominent: true };
            names.entry(fold(name)).or_insert(known);
        }
    }
    for r in rows(CITIES) {
        if r.len() < 3 {
            continue;
        }
        let population = r[2].trim().parse().unwrap_or(0);
        let known = Known { canonical: r[0], kind: EntityKind::Place, population, prominent: false };
        names.entry(fold(r[0])).or_insert(known);
        if let Some(alts) = r.get(3) {
            for a in alts.split('|').filter(|a| !a.is_empty()) {
                names.entry(fold(a)).or_insert(known);
            }
        }
    }
    let mut entries: Vec<(String, Known)> = names.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::with_capacity(entries.len() * 40);
    for (key, k) in entries {
        out.push_str(&key);
        for col in [k.canonical, kind_name(k.kind), &k.population.to_string(), if k.prominent { "1" } else { "0" }] {
            out.push('\t');
            out.push_str(col);
        }
        out.push('\n');
    }
    out
}

fn build() -> Tables {
    let mut countries = Vec::new();
    let mut country_by_iso2 = HashMap::default();
    let mut country_by_name = HashMap::default();
    for r in rows(COUNTRIES) {
        if r.len() < 6 {
            continue;
        }
        let c = Country { iso2: r[0], name: r[2], capital: r[4] };
        country_by_iso2.insert(r[0], countries.len());
        country_by_name.insert(fold(r[2]), countries.len());
        countries.push(c);
    }
    let mut demonyms = HashMap::default();
    for r in rows(DEMONYMS) {
        if let (Some(adj), Some(iso2)) = (r.first(), r.get(1))
            && let Some(&i) = country_by_iso2.get(iso2)
        {
            demonyms.insert(fold(adj), i);
        }
    }
    let mut currency_codes = HashMap::default();
    for r in rows(CURRENCIES) {
        if r.len() >= 2 {
            currency_codes.insert(r[0], r[1]);
        }
    }
    let mut currency_words = HashMap::default();
    for r in rows(CURRENCY_WORDS) {
        if r.len() >= 2 {
            currency_words.insert(r[0].to_lowercase(), r[1]);
        }
    }
    Tables { countries, country_by_iso2, country_by_name, demonyms, currency_words, currency_codes }
}

/// The known entry for a folded name.
pub fn lookup(folded: &str) -> Option<Known> {
    NAME_INDEX.get(folded).copied()
}

/// The country an adjective such as "Ukrainian" or "South Korean" refers to (folded input).
pub fn country_of_demonym(folded: &str) -> Option<Country> {
    TABLES.demonyms.get(folded).map(|&i| TABLES.countries[i])
}

/// The country a folded name refers to ("ukraine", "united states", "us").
pub fn country_named(folded: &str) -> Option<Country> {
    let known = lookup(folded)?;
    if known.kind != EntityKind::Place || !known.prominent {
        return None;
    }
    let key = fold(known.canonical);
    TABLES.country_by_name.get(&key).map(|&i| TABLES.countries[i])
}

/// The country by ISO 3166-1 alpha-2 code.
pub fn country_by_iso2(iso2: &str) -> Option<Country> {
    TABLES.country_by_iso2.get(iso2).map(|&i| TABLES.countries[i])
}

/// The ISO 4217 code for a currency word or symbol ("euros", "$", "US$"); case-insensitive for words.
pub fn currency(word: &str) -> Option<&'static str> {
    if let Some(c) = TABLES.currency_words.get(word) {
        return Some(c);
    }
    let lower = word.to_lowercase();
    if let Some(c) = TABLES.currency_words.get(&lower) {
        return Some(c);
    }
    let upper = word.to_uppercase();
    if word.len() == 3 && word == upper {
        return TABLES.currency_codes.get_key_value(upper.as_str()).map(|(k, _)| *k);
    }
    None
}

/// Is this an ISO 4217 code?
pub fn is_currency_code(code: &str) -> bool {
    TABLES.currency_codes.contains_key(code)
}

/// Fold a name for matching: NFD without combining marks, lowercase, curly apostrophes straight, a final
/// possessive `'s` dropped, dots dropped, hyphens and other punctuation made spaces, one space between
/// words, and common transliteration endings unified per word (`-iy`, `-yy`, `-yi`, `-ij`, `-ii` → `-y`).
pub fn fold(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    if name.is_ascii() {
        for c in name.chars() {
            push_folded(&mut s, c.to_ascii_lowercase());
        }
    } else {
        for c in name.nfd() {
            if unicode_normalization::char::is_combining_mark(c) {
                continue;
            }
            let c = match c {
                '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' => '\'',
                'ß' => 's',
                'ø' | 'Ø' => 'o',
                'æ' | 'Æ' => 'a',
                'ł' | 'Ł' => 'l',
                'đ' | 'Đ' => 'd',
                c => c,
            };
            for l in c.to_lowercase() {
                push_folded(&mut s, l);
            }
        }
    }
    while s.ends_with(' ') {
        s.pop();
    }
    if let Some(stripped) = s.strip_suffix("'s") {
        s.truncate(stripped.len());
    } else if s.ends_with('\'') {
        s.pop();
    }
    s.retain(|c| c != '\'');
    // Most names have no transliteration ending and no empty word (left by a removed apostrophe): the folded
    // text is final.
    if !s.split(' ').any(|w| w.is_empty() || translit_ending(w)) {
        return s;
    }
    let mut out = String::with_capacity(s.len());
    for (i, w) in s.split(' ').filter(|w| !w.is_empty()).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(translit_word(w));
        if translit_ending(w) {
            out.push('y');
        }
    }
    out
}

fn push_folded(s: &mut String, c: char) {
    if c.is_alphanumeric() || c == '\'' {
        s.push(c);
    } else if c == '.' {
        // "U.S." → "us"
    } else if !s.is_empty() && !s.ends_with(' ') {
        s.push(' ');
    }
}

const ENDINGS: [&str; 5] = ["iy", "yy", "yi", "ij", "ii"];

fn translit_ending(w: &str) -> bool {
    w.len() >= 5 && ENDINGS.iter().any(|e| w.ends_with(e))
}

/// The word without a transliteration ending (the caller adds the unified `y`).
fn translit_word(w: &str) -> &str {
    if translit_ending(w) { &w[..w.len() - 2] } else { w }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_diacritics_possessive_and_endings() {
        assert_eq!(fold("Dobrovolskyy’s"), "dobrovolsky");
        assert_eq!(fold("Dobrovolskiy"), "dobrovolsky");
        assert_eq!(fold("Dobrovolsky"), "dobrovolsky");
        assert_eq!(fold("U.S."), "us");
        assert_eq!(fold("Secretary-General"), "secretary general");
        assert_eq!(fold("Kraków"), "krakow");
        assert_eq!(fold("  "), "");
    }

    #[test]
    fn names_table_is_compiled_from_the_sources() {
        // data/names.tsv must be regenerated (examples/gazetteer_compile.rs) whenever a source table or
        // `fold` changes.
        assert!(compile_names() == NAMES, "data/names.tsv is stale: run the gazetteer_compile example");
    }

    #[test]
    fn gazetteer_knows_places_and_currencies() {
        assert_eq!(lookup(&fold("Kiev")).map(|k| k.canonical), Some("Kyiv"));
        assert_eq!(lookup(&fold("Kharkov")).map(|k| k.canonical), Some("Kharkiv"));
        assert_eq!(lookup("nato").map(|k| k.kind), Some(EntityKind::Organization));
        assert_eq!(country_of_demonym("ukrainian").map(|c| c.capital), Some("Kyiv"));
        assert_eq!(currency("euros"), Some("EUR"));
        assert_eq!(currency("$"), Some("USD"));
        assert_eq!(currency("GBP"), Some("GBP"));
        assert!(is_currency_code("JPY"));
    }
}
