//! Named entities of one article: capitalised runs split into titles and names, classified as person,
//! organisation, place or other (gazetteer, word shapes, context), and resolved so that every mention of
//! one thing ("NATO Secretary General Jane Roe", "Ms. Roe", "Roe's", "the NATO chief") names one entity.

use std::borrow::Cow;
use std::sync::LazyLock;

use synoptic_model::{EntityKind, Span};

use super::gazetteer::{self, HashMap, HashSet, fold};
use super::tokens::Tok;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

/// A title a person holds in the article: "NATO" + "secretary general", "Kremlin" + "spokesman".
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    /// Folded qualifier ("nato", "ukrainian", "russian foreign ministry"), may be empty.
    pub qualifier: String,
    /// Folded title ("secretary general", "president", "spokesman").
    pub title: String,
}

/// One entity of the article.
#[derive(Debug, Clone)]
pub struct Ent {
    pub canonical: String,
    pub key: String,
    pub kind: EntityKind,
    pub gender: Option<Gender>,
    pub roles: Vec<Role>,
    /// Folded words of the longest name (people).
    pub name_words: Vec<String>,
}

/// One mention of an entity.
#[derive(Debug, Clone)]
pub struct Mention {
    pub span: Span,
    pub surface: String,
    pub ent: usize,
    /// Token range of the mention (descriptions include "the").
    pub toks: (usize, usize),
    /// A description ("the NATO chief") rather than a name.
    pub description: bool,
}

/// Entities and their mentions, mentions in text order.
#[derive(Debug, Clone, Default)]
pub struct Entities {
    pub ents: Vec<Ent>,
    pub mentions: Vec<Mention>,
}

impl Entities {
    /// The mention whose token range contains token `t`.
    pub fn mention_at(&self, t: usize) -> Option<&Mention> {
        self.mentions.iter().find(|m| m.toks.0 <= t && t < m.toks.1)
    }
}

const HONORIFICS: &[(&str, Option<Gender>)] = &[
    ("mr", Some(Gender::Male)),
    ("mrs", Some(Gender::Female)),
    ("ms", Some(Gender::Female)),
    ("miss", Some(Gender::Female)),
    ("sir", Some(Gender::Male)),
    ("dame", Some(Gender::Female)),
    ("lord", Some(Gender::Male)),
    ("lady", Some(Gender::Female)),
    ("madame", Some(Gender::Female)),
    ("mme", Some(Gender::Female)),
    ("monsieur", Some(Gender::Male)),
    ("dr", None),
    ("prof", None),
    ("professor", None),
];

/// Words that make a capitalised word a title, not part of a name.
const TITLES: &[&str] = &[
    "sheriff",
    "inspector",
    "detective",
    "superintendent",
    "constable",
    "president",
    "vice",
    "prime",
    "minister",
    "secretary",
    "general",
    "secretary-general",
    "chancellor",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "senator",
    "sen",
    "governor",
    "gov",
    "mayor",
    "chief",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "director",
    "director-general",
    "chairman",
    "chairwoman",
    "chair",
    "commander",
    "gen",
    "col",
    "lt",
    "sgt",
    "adm",
    "maj",
    "capt",
    "rep",
    "representative",
    "judge",
    "justice",
    "ambassador",
    "ceo",
    "deputy",
    "foreign",
    "defence",
    "defense",
    "interior",
    "finance",
    "state",
    "premier",
    "emir",
    "sheikh",
    "ayatollah",
    "archbishop",
    "bishop",
    "cardinal",
    "envoy",
    "congressman",
    "congresswoman",
    "attorney",
    "speaker",
    "leader",
    "head",
    "commissioner",
    "coach",
    "colonel",
    "lieutenant",
    "sergeant",
    "captain",
    "admiral",
    "major",
    "marshal",
    "crown",
    "supreme",
    "executive",
    "officer",
    "treasurer",
    "economy",
    "trade",
    "health",
    "education",
    "labor",
    "labour",
    "energy",
    "transport",
    "culture",
    "mp",
    "lawmaker",
    "chief-of-staff",
    "vice-president",
    "president-elect",
    "manager",
    "administrator",
    "rabbi",
    "imam",
    "reverend",
    "rev",
    "father",
    "sister",
    "brother",
    "saint",
    "analyst",
    "economist",
    "strategist",
    "researcher",
    "lawyer",
    "activist",
];

/// Lowercase role words that, right before a name, make it a person and give their role.
const ROLE_WORDS: &[&str] = &[
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "minister",
    "president",
    "chief",
    "leader",
    "secretary",
    "official",
    "head",
    "envoy",
    "ambassador",
    "director",
    "chairman",
    "chairwoman",
    "ceo",
    "commander",
    "general",
    "senator",
    "governor",
    "mayor",
    "premier",
    "chancellor",
    "adviser",
    "advisor",
    "aide",
    "lawmaker",
    "prosecutor",
    "judge",
    "analyst",
    "researcher",
    "professor",
    "economist",
    "expert",
    "diplomat",
    "politician",
    "founder",
    "coach",
    "captain",
    "colonel",
    "officer",
    "negotiator",
    "representative",
    "deputy",
    "correspondent",
    "reporter",
    "journalist",
    "author",
    "activist",
    "candidate",
    "manager",
    "executive",
    "president-elect",
    "secretary-general",
];

const ORG_WORDS: &[&str] = &[
    "ministry",
    "council",
    "party",
    "union",
    "organization",
    "organisation",
    "agency",
    "bank",
    "fund",
    "committee",
    "commission",
    "court",
    "parliament",
    "congress",
    "senate",
    "assembly",
    "army",
    "navy",
    "forces",
    "force",
    "fleet",
    "group",
    "inc",
    "corp",
    "corporation",
    "ltd",
    "llc",
    "plc",
    "company",
    "university",
    "institute",
    "association",
    "office",
    "department",
    "service",
    "services",
    "news",
    "times",
    "post",
    "journal",
    "herald",
    "guardian",
    "telegraph",
    "tribune",
    "gazette",
    "independent",
    "press",
    "network",
    "alliance",
    "federation",
    "foundation",
    "administration",
    "authority",
    "command",
    "guard",
    "police",
    "government",
    "cabinet",
    "league",
    "club",
    "school",
    "college",
    "center",
    "centre",
    "airlines",
    "airways",
    "motors",
    "bureau",
    "directorate",
    "coalition",
    "movement",
    "brigade",
    "battalion",
    "regiment",
    "division",
    "corps",
    "reserve",
    "exchange",
    "board",
    "church",
    "agency",
    "nations",
    "bloc",
    "society",
    "institution",
    "industries",
    "holdings",
    "systems",
    "technologies",
    "media",
    "radio",
    "television",
    "tv",
    "channel",
    "magazine",
    "review",
    "daily",
    "observer",
    "mirror",
    "wire",
    "therapeutics",
    "pharmaceuticals",
    "pharma",
    "workers",
    "partners",
    "ventures",
    "labs",
    "laboratories",
    "bancorp",
    "financial",
    "securities",
    "investments",
    "brands",
    "foods",
    "entertainment",
    "studios",
    "pictures",
    "records",
    "communications",
    "telecom",
    "networks",
    "software",
    "solutions",
    "robotics",
    "biosciences",
    "biotech",
    "insurance",
    "stores",
    "restaurants",
    "hotels",
    "resorts",
    "automotive",
    "aerospace",
    "dynamics",
    "petroleum",
    "mining",
    "steel",
    "chemicals",
    "logistics",
    "shipping",
    "railways",
    "railway",
    "gmbh",
    "limited",
    "incorporated",
    "llp",
    "enterprises",
    "unions",
    "caucus",
    "tribunal",
    "cooperative",
    "consortium",
    "hospital",
    "clinic",
    "museum",
    "academy",
    "orchestra",
    "machines",
];

const PLACE_WORDS: &[&str] = &[
    "square",
    "street",
    "avenue",
    "road",
    "river",
    "sea",
    "ocean",
    "mountains",
    "mountain",
    "island",
    "islands",
    "bay",
    "lake",
    "gulf",
    "peninsula",
    "province",
    "region",
    "oblast",
    "county",
    "district",
    "valley",
    "airport",
    "bridge",
    "palace",
    "park",
    "strait",
    "coast",
    "desert",
    "canal",
    "highway",
    "port",
    "harbour",
    "harbor",
    "station",
    "plaza",
    "hill",
    "hills",
    "heights",
    "cathedral",
    "city",
    "republic",
    "kingdom",
    "territory",
    "territories",
    "basin",
    "plain",
    "forest",
    "beach",
    "border",
    "capital",
    "village",
    "town",
    "state",
    "stadium",
    "arena",
    "mountains",
    "range",
    "glacier",
    "falls",
    "key",
    "keys",
    "springs",
    "creek",
    "peak",
    "canyon",
    "cove",
    "lagoon",
    "shore",
    "shores",
    "isle",
    "isles",
    "archipelago",
    "plateau",
    "delta",
    "township",
    "borough",
    "parish",
    "prefecture",
    "governorate",
    "reservoir",
    "boulevard",
    "parkway",
    "neighborhood",
    "neighbourhood",
    "area",
];

/// Lowercase nouns that, right before a name, say it is an organisation.
const ORG_NOUNS_BEFORE: &[&str] = &[
    "group",
    "company",
    "firm",
    "bank",
    "agency",
    "union",
    "party",
    "carrier",
    "airline",
    "maker",
    "drugmaker",
    "automaker",
    "carmaker",
    "retailer",
    "giant",
    "startup",
    "exchange",
    "broker",
    "insurer",
    "lender",
    "conglomerate",
    "newspaper",
    "broadcaster",
    "network",
    "club",
    "team",
    "outlet",
    "publisher",
    "developer",
    "manufacturer",
    "operator",
    "chipmaker",
    "platform",
    "regulator",
    "watchdog",
    "ministry",
    "charity",
    "organisation",
    "organization",
    "militia",
    "rebels",
    "movement",
    "fund",
    "consultancy",
    "producer",
    "supplier",
];

const PLACE_PREFIXES: &[&str] = &[
    "st", "saint", "san", "santa", "fort", "port", "mount", "lake", "cape", "new", "inner", "outer", "upper", "lower",
    "greater", "north", "south", "east", "west", "northern", "southern", "eastern", "western",
];

const OTHER_WORDS: &[&str] = &[
    "hurricane",
    "typhoon",
    "cyclone",
    "storm",
    "summit",
    "conference",
    "games",
    "cup",
    "war",
    "forum",
    "festival",
    "olympics",
    "award",
    "prize",
    "act",
    "treaty",
    "agreement",
    "accord",
    "plan",
    "program",
    "programme",
    "operation",
    "day",
    "election",
    "elections",
    "championship",
    "initiative",
    "doctrine",
    "declaration",
    "convention",
    "strategy",
    "index",
    "report",
    "show",
    "series",
    "project",
    "deal",
    "pact",
    "talks",
    "meeting",
    "crisis",
    "revolution",
    "offensive",
];

/// Words that never start or end a name: function words and sentence openers.
const FUNCTION: &[&str] = &[
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "to",
    "for",
    "of",
    "and",
    "but",
    "or",
    "as",
    "by",
    "from",
    "with",
    "after",
    "before",
    "while",
    "when",
    "if",
    "this",
    "that",
    "these",
    "those",
    "his",
    "her",
    "its",
    "their",
    "our",
    "my",
    "your",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "there",
    "here",
    "however",
    "although",
    "though",
    "meanwhile",
    "since",
    "during",
    "according",
    "despite",
    "also",
    "yet",
    "so",
    "then",
    "now",
    "today",
    "yesterday",
    "tomorrow",
    "what",
    "who",
    "where",
    "why",
    "how",
    "some",
    "many",
    "most",
    "all",
    "both",
    "each",
    "every",
    "no",
    "not",
    "one",
    "two",
    "three",
    "another",
    "other",
    "such",
    "more",
    "last",
    "next",
    "first",
    "former",
    "late",
    "said",
    "says",
    "like",
    "unlike",
    "among",
    "under",
    "over",
    "about",
    "into",
    "through",
    "without",
    "within",
    "amid",
    "around",
    "even",
    "just",
    "only",
    "still",
    "because",
    "once",
    "until",
    "whether",
    "which",
    "whose",
    "whom",
    "let",
    "please",
    "yes",
    "well",
    "indeed",
    "instead",
    "later",
    "earlier",
    "again",
    "photo",
    "source",
    "written",
    "read",
    "watch",
    "see",
    "follow",
    "image",
    "video",
    "is",
    "are",
    "was",
    "were",
    "has",
    "have",
    "had",
    "will",
    "would",
    "can",
    "could",
    "should",
    "may",
    "might",
    "must",
    "do",
    "does",
    "did",
    "thanks",
    "dear",
    "hello",
    "oh",
    "mr.",
    "note",
    "update",
    "updated",
    "editor",
    "by",
    "via",
    "across",
    "behind",
    "near",
    "toward",
    "towards",
    "against",
    "between",
    "beyond",
    "up",
    "down",
    "out",
    "off",
    "top",
    "speaking",
    "asked",
    "told",
    "several",
    "few",
    "any",
    "much",
    "very",
    "too",
    "it's",
    "we're",
    "i'm",
    "don't",
    "can't",
    "won't",
    "that's",
    "there's",
    "here's",
    "what's",
    "let's",
    "our",
];

/// Adjectives that are never an entity on their own.
const STANDALONE_SKIP: &[&str] = &[
    "western",
    "eastern",
    "northern",
    "southern",
    "central",
    "european",
    "westerners",
    "international",
    "national",
    "global",
    "foreign",
    "african",
    "asian",
    "arab",
    "islamic",
    "muslim",
    "christian",
    "jewish",
    "catholic",
    "soviet",
    "allied",
    "federal",
    "democratic",
    "republican",
    "liberal",
    "conservative",
    "latin",
    "atlantic",
    "pacific",
];

const WEEKDAYS_MONTHS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

/// Verbs that, right after a lone capitalised word, make it a person.
const SPEECH_AFTER: &[&str] = &[
    "said",
    "says",
    "told",
    "tweeted",
    "added",
    "wrote",
    "posted",
    "explained",
    "insisted",
    "argued",
    "stressed",
    "noted",
    "warned",
    "recalled",
    "emphasized",
    "emphasised",
    "declared",
    "replied",
    "asked",
    "reiterated",
];

/// The word lowercased, without trailing dots; borrowed (no allocation) when it already is lowercase ASCII.
fn lower(w: &str) -> Cow<'_, str> {
    let w = w.trim_end_matches('.');
    if w.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(w)
    } else {
        Cow::Owned(w.to_lowercase())
    }
}

/// Membership in a word list, through its hash set (built once).
fn in_list(set: &HashSet<&'static str>, w: &str) -> bool {
    set.contains(w)
}

macro_rules! word_sets {
    ($($set:ident = $list:ident;)*) => {
        $(static $set: LazyLock<HashSet<&'static str>> = LazyLock::new(|| $list.iter().copied().collect());)*
    };
}

word_sets! {
    TITLES_SET = TITLES;
    ROLE_WORDS_SET = ROLE_WORDS;
    ORG_WORDS_SET = ORG_WORDS;
    PLACE_WORDS_SET = PLACE_WORDS;
    PLACE_PREFIXES_SET = PLACE_PREFIXES;
    OTHER_WORDS_SET = OTHER_WORDS;
    FUNCTION_SET = FUNCTION;
    WEEKDAYS_MONTHS_SET = WEEKDAYS_MONTHS;
    SPEECH_AFTER_SET = SPEECH_AFTER;
    CONNECTORS_SET = CONNECTORS;
    STANDALONE_SKIP_SET = STANDALONE_SKIP;
    ORG_NOUNS_BEFORE_SET = ORG_NOUNS_BEFORE;
    ROLE_NOUNS_SET = ROLE_NOUNS;
    ORG_AFTER_POSSESSIVE_SET = ORG_AFTER_POSSESSIVE;
    NAME_VERBS_SET = NAME_VERBS;
    COMPANY_VERBS_SET = COMPANY_VERBS;
    COMMON_OPENERS_SET = COMMON_OPENERS;
}

/// Common given names (`data/given_names.txt`): evidence that a name starting with one is a person.
static GIVEN_NAMES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/given_names.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .collect()
});

/// Is `w` (folded) a common given name?
pub fn is_given_name(w: &str) -> bool {
    GIVEN_NAMES.contains(w)
}

/// Verbs and nouns that, right after a sentence-initial capitalised word, show it acts as a name:
/// "Acme reported ...", "Acme shares fell ...".
const NAME_VERBS: &[&str] = &[
    "said",
    "says",
    "reported",
    "announced",
    "unveiled",
    "launched",
    "released",
    "acquired",
    "bought",
    "sold",
    "agreed",
    "plans",
    "expects",
    "hired",
    "employs",
    "raised",
    "shares",
    "stock",
    "posted",
    "confirmed",
    "denied",
    "told",
    "warned",
    "wrote",
    "tweeted",
    "declined",
    "filed",
    "sued",
    "won",
    "lost",
    "beat",
    "missed",
];

/// What companies do, right after their name: "X reported revenue", "X shares fell".
const COMPANY_VERBS: &[&str] = &[
    "reported",
    "unveiled",
    "launched",
    "acquired",
    "employs",
    "hired",
    "shares",
    "stock",
    "manufactures",
    "makes",
    "sells",
    "operates",
    "owns",
    "invested",
    "posted",
    "forecast",
    "forecasts",
    "shipped",
    "recalled",
];

/// Common words that open sentences capitalised: never a name on their own there.
const COMMON_OPENERS: &[&str] = &[
    "officials",
    "police",
    "residents",
    "people",
    "experts",
    "analysts",
    "critics",
    "supporters",
    "authorities",
    "investors",
    "shares",
    "prices",
    "sales",
    "revenue",
    "profit",
    "earnings",
    "workers",
    "officers",
    "troops",
    "voters",
    "lawmakers",
    "scientists",
    "researchers",
    "doctors",
    "prosecutors",
    "protesters",
    "witnesses",
    "families",
    "students",
    "teachers",
    "companies",
    "banks",
    "markets",
    "stocks",
    "oil",
    "gold",
    "inflation",
    "unemployment",
    "growth",
    "demand",
    "rates",
    "talks",
    "negotiations",
    "fighting",
    "violence",
    "rescuers",
    "firefighters",
    "emergency",
    "rescue",
    "damage",
    "flooding",
    "thousands",
    "hundreds",
    "dozens",
    "millions",
    "nobody",
    "everyone",
    "someone",
    "anyone",
    "everything",
    "nothing",
    "something",
    "whatever",
    "overall",
    "together",
    "still",
    "already",
    "perhaps",
    "maybe",
    "sometimes",
    "often",
    "never",
    "always",
    "almost",
    "rather",
    "otherwise",
    "further",
    "furthermore",
    "moreover",
    "nevertheless",
    "nonetheless",
    "besides",
    "regardless",
    "elsewhere",
    "inside",
    "outside",
    "above",
    "below",
    "before",
    "after",
    "first",
    "second",
    "third",
    "finally",
    "next",
    "then",
    "thus",
    "hence",
    "therefore",
    "instead",
    "sure",
    "enough",
    "asked",
    "given",
    "based",
    "born",
    "meanwhile",
    "ultimately",
    "eventually",
    "currently",
    "recently",
    "previously",
    "initially",
    "additionally",
    "similarly",
    "likewise",
    "consequently",
    "accordingly",
    "admittedly",
    "apparently",
    "clearly",
    "obviously",
    "certainly",
    "indeed",
    "no",
    "yes",
    "ok",
    "okay",
    "thank",
    "thanks",
    "please",
    "welcome",
    "sorry",
    "well",
    "good",
    "great",
    "new",
    "old",
    "big",
    "small",
    "more",
    "less",
    "most",
    "least",
    "much",
    "many",
    "few",
    "several",
    "all",
    "both",
    "either",
    "neither",
    "none",
    "each",
    "every",
];

/// A word that opens a sentence only because sentences open capitalised: written in lowercase elsewhere in
/// the article, a function or common word, or shaped like an adverb.
fn common_word(w: &str, lowercase: &HashSet<&str>) -> bool {
    let l = lower(w);
    if lowercase.contains(&*l) || crate::tokens::is_stopword(&l) {
        return true;
    }
    if in_list(&FUNCTION_SET, &l)
        || in_list(&COMMON_OPENERS_SET, &l)
        || in_list(&STANDALONE_SKIP_SET, &l)
        || in_list(&WEEKDAYS_MONTHS_SET, &l)
        || is_role_word(&l)
    {
        return true;
    }
    l.len() > 4 && l.ends_with("ly")
}

/// Context evidence about what a name is, summed over all its mentions in the article.
#[derive(Debug, Default, Clone, Copy)]
struct Votes {
    person: u32,
    org: u32,
    place: u32,
}

/// Lowercase words that, right after a name's possessive, make it an organisation ("X's chief executive").
const ORG_AFTER_POSSESSIVE: &[&str] = &[
    "ceo",
    "chief",
    "shares",
    "stock",
    "board",
    "headquarters",
    "employees",
    "staff",
    "workers",
    "founder",
    "revenue",
    "revenues",
    "profit",
    "profits",
    "sales",
    "earnings",
    "subsidiary",
    "products",
    "customers",
    "shareholders",
    "investors",
    "executives",
    "spokesperson",
    "spokeswoman",
    "spokesman",
    "members",
    "parent",
    "analysts",
    "chairman",
    "chairwoman",
    "president",
    "stake",
];

/// Context of one mention `(a, e)`: the words around it vote for person, organisation or place.
fn context_votes(text: &str, toks: &[Tok], a: usize, e: usize, v: &mut Votes) {
    let same = |i: usize| toks[i].sent == toks[a].sent;
    let prev = |k: usize| (a >= k && same(a - k)).then(|| lower(toks[a - k].text(text)));
    let p1 = prev(1);
    let p2 = prev(2);
    match (p2.as_deref(), p1.as_deref()) {
        (Some("shares" | "stake" | "stock" | "stakes"), Some("of" | "in")) => v.org += 2,
        (Some("based" | "headquartered" | "located" | "lives" | "born"), Some("in")) => v.place += 2,
        (_, Some("in" | "near" | "across" | "outside" | "inside")) if !toks[e - 1].possessive => v.place += 1,
        (Some("analysts" | "economists" | "researchers" | "scientists" | "engineers" | "executives"), Some("at")) => {
            v.org += 2
        }
        (_, Some("at")) if !toks[e - 1].possessive => v.org += 1,
        (_, Some("the")) if !toks[e - 1].possessive => v.org += 1,
        _ => {}
    }
    if toks[e - 1].possessive
        && let Some(n) = toks.get(e)
        && n.sent == toks[e - 1].sent
        && in_list(&ORG_AFTER_POSSESSIVE_SET, &lower(n.text(text)))
    {
        v.org += 2;
    }
    // "the agency, X,": an organisation noun in apposition right before.
    if a >= 1 && same(a - 1) && text[toks[a - 1].full_end..toks[a].start].trim() == "," {
        let w = lower(toks[a - 1].text(text));
        if in_list(&ORG_NOUNS_BEFORE_SET, &w) {
            v.org += 2;
        }
    }
    // "a X spokesperson", "X employees": a person or people of the organisation.
    if let Some(n) = toks.get(e)
        && n.sent == toks[e - 1].sent
        && !n.cap
        && !toks[e - 1].possessive
        && plain_gap(text, &toks[e - 1], n)
        && matches!(
            &*lower(n.text(text)),
            "spokesperson" | "spokesman" | "spokeswoman" | "employees" | "executives" | "shareholders" | "subsidiary"
        )
    {
        v.org += 2;
    }
    // "X reported revenue", "X shares fell", "X said it ...": what companies do (a lone word counts more:
    // a full name with no given name is rarely a person's).
    if let Some(n) = toks.get(e)
        && n.sent == toks[e - 1].sent
        && !n.cap
        && !toks[e - 1].possessive
    {
        let w = lower(n.text(text));
        let it = toks.get(e + 1).is_some_and(|t| matches!(t.text(text), "it" | "its"));
        if in_list(&COMPANY_VERBS_SET, &w) || (in_list(&SPEECH_AFTER_SET, &w) && it) {
            v.org += if e - a == 1 { 2 } else { 1 };
        }
    }
    let after = text[toks[e - 1].full_end..].trim_start();
    if let Some(rest) = after.strip_prefix(',') {
        let rest = rest.trim_start();
        if rest.starts_with("which ") {
            v.org += 2;
        } else if rest.starts_with("who ") || rest.starts_with("whose ") {
            v.person += 2;
        }
    }
    if is_given_name(&fold(toks[a].text(text))) {
        v.person += 1;
    }
}

fn honorific(w: &str) -> Option<Option<Gender>> {
    HONORIFICS.iter().find(|(h, _)| *h == w).map(|(_, g)| *g)
}

/// A lowercase role word ("spokesman", "secretary") or title.
pub fn is_role_word(w: &str) -> bool {
    in_list(&ROLE_WORDS_SET, w) || in_list(&TITLES_SET, w)
}

fn is_title(w: &str) -> bool {
    in_list(&TITLES_SET, w) || honorific(w).is_some()
}

fn is_demonym(folded: &str) -> bool {
    if folded.len() < 4 {
        return false;
    }
    gazetteer::country_of_demonym(folded).is_some()
        || (folded.ends_with('s') && gazetteer::country_of_demonym(&folded[..folded.len() - 1]).is_some())
}

/// Gender a role word implies.
fn role_gender(w: &str) -> Option<Gender> {
    match w {
        "spokesman" | "chairman" | "congressman" | "king" | "prince" | "father" | "brother" | "sultan" => {
            Some(Gender::Male)
        }
        "spokeswoman" | "chairwoman" | "congresswoman" | "queen" | "princess" | "sister" => Some(Gender::Female),
        _ => None,
    }
}

/// Is the gap between two tokens plain space (so they can belong to one name)?
fn plain_gap(text: &str, a: &Tok, b: &Tok) -> bool {
    let gap = &text[a.full_end..b.start];
    if gap.is_empty() || gap.len() > 3 {
        return false;
    }
    let rest = gap.strip_prefix('.').unwrap_or(gap);
    if rest.len() != gap.len() {
        // "Mr. Smith", "St. Louis", "J. Smith": a dot only after an abbreviation or initial
        let w = lower(a.text(text));
        let initial = a.end - a.start == 1;
        if !(initial || honorific(&w).is_some() || is_title(&w) || in_list(&PLACE_PREFIXES_SET, &w)) {
            return false;
        }
    }
    !rest.is_empty() && rest.chars().all(|c| c == ' ' || c == '\u{a0}')
}

const CONNECTORS: &[&str] = &["of", "for", "de", "del", "da", "van", "von", "der", "bin", "al", "la", "le", "du"];

/// A capitalised run split into its parts.
#[derive(Debug, Clone)]
struct Cand {
    /// Name token range (no titles, no leading function words).
    name: (usize, usize),
    /// Token range the mention covers, for descriptions.
    kind: Option<EntityKind>,
    gender: Option<Gender>,
    role: Option<Role>,
    /// Title with no name after it: a description to resolve ("The NATO Secretary General").
    description: Option<Role>,
    desc_range: (usize, usize),
}

/// Find the entities of an article.
pub fn find(text: &str, toks: &[Tok]) -> Entities {
    let cands = candidates(text, toks);
    resolve(text, toks, cands)
}

fn candidates(text: &str, toks: &[Tok]) -> Vec<Cand> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !toks[i].cap || is_break_token(text, &toks[i]) {
            i += 1;
            continue;
        }
        // Grow the run.
        let start = i;
        let mut end = i + 1;
        while end < toks.len() {
            let prev = &toks[end - 1];
            let next = &toks[end];
            // "St. Mary's Square": a possessive continues a name only into a place or organisation word.
            if prev.possessive {
                let w = lower(next.text(text));
                let tail_word = in_list(&PLACE_WORDS_SET, &w) || in_list(&ORG_WORDS_SET, &w);
                if !(next.cap && tail_word && plain_gap(text, prev, next)) {
                    break;
                }
            }
            if next.sent != prev.sent || !plain_gap(text, prev, next) {
                break;
            }
            if next.cap && !is_break_token(text, next) {
                end += 1;
                continue;
            }
            // Connector followed by a capitalised word: "Bank of England".
            let w = next.text(text);
            if in_list(&CONNECTORS_SET, w)
                && end + 1 < toks.len()
                && toks[end + 1].cap
                && !is_break_token(text, &toks[end + 1])
                && plain_gap(text, next, &toks[end + 1])
            {
                end += 2;
                continue;
            }
            break;
        }
        i = end;
        split_run(text, toks, start, end, &mut out);
    }
    out
}

/// Tokens that never belong to a name: dates, hyphenated adjectives ("Moscow-annexed"), hashtags' digits.
fn is_break_token(text: &str, t: &Tok) -> bool {
    let w = t.text(text);
    if w.len() <= 9 && in_list(&WEEKDAYS_MONTHS_SET, &w.to_ascii_lowercase()) {
        return true;
    }
    if let Some((_, tail)) = w.split_once('-')
        && tail.starts_with(|c: char| c.is_lowercase())
    {
        return true;
    }
    false
}

fn split_run(text: &str, toks: &[Tok], start: usize, end: usize, out: &mut Vec<Cand>) {
    let words: Vec<Cow<'_, str>> = toks[start..end].iter().map(|t| lower(t.text(text))).collect();
    // Trim function words and connectors at both ends.
    let mut a = 0;
    let mut b = words.len();
    // An acronym ("WHO", "IT") is never a function word.
    let function = |k: usize| {
        let raw = toks[start + k].text(text);
        let acronym = raw.len() >= 2 && raw.chars().all(|c| c.is_uppercase());
        !acronym && (in_list(&FUNCTION_SET, &words[k]) || in_list(&CONNECTORS_SET, &words[k]))
    };
    // A sentence-initial common word ("Shares of Acme", "Officials in Brussels") is no part of the name.
    let opener = |k: usize| {
        let w = &words[k];
        let shaped = w.len() > 4 && w.ends_with("ly") && gazetteer::lookup(w).is_none();
        toks[start + k].sent_start && (in_list(&COMMON_OPENERS_SET, w) || shaped)
    };
    while a < b && (function(a) || a == 0 && opener(a)) {
        a += 1;
    }
    while b > a && function(b - 1) {
        b -= 1;
    }
    if a >= b {
        return;
    }
    // Shouted headings ("FEELING LIKE SECOND RATE") are not names.
    let raw_caps = |k: usize| {
        let w = toks[start + k].text(text);
        w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase)
    };
    if b - a >= 2
        && (a..b).all(raw_caps)
        && gazetteer::lookup(&fold(span_str(text, toks, start + a, start + b))).is_none()
    {
        return;
    }
    // "Remember New Jersey", "Enter South Dakota": a sentence-initial word before a known place.
    if b - a >= 2 && toks[start + a].sent_start {
        let rest = fold(span_str(text, toks, start + a + 1, start + b));
        let whole = fold(span_str(text, toks, start + a, start + b));
        if gazetteer::lookup(&whole).is_none()
            && gazetteer::lookup(&rest).is_some_and(|k| k.prominent || k.population >= 100_000)
        {
            a += 1;
        }
    }
    let any_org = words[a..b].iter().any(|w| in_list(&ORG_WORDS_SET, w));
    // Titles: first title word F, contiguous titles to L, name after.
    let first_title = (a..b).find(|&k| is_title(&words[k]));
    if let Some(f) = first_title {
        let mut l = f;
        loop {
            if l + 1 < b && is_title(&words[l + 1]) {
                l += 1;
            } else if l + 2 < b && in_list(&CONNECTORS_SET, &words[l + 1]) && is_title(&words[l + 2]) {
                // "Secretary of State", "Minister of Defence"
                l += 2;
            } else {
                break;
            }
        }
        if l + 1 < b && in_list(&CONNECTORS_SET, &words[l + 1]) {
            // "Mayor of Springfield": the title's domain, no name. The domain is a name of its own.
            split_plain(text, toks, start + l + 2, start + b, out);
            return;
        }
        let name_has_org = words[l + 1..b].iter().any(|w| in_list(&ORG_WORDS_SET, w) || in_list(&OTHER_WORDS_SET, w));
        let last_is_org = in_list(&ORG_WORDS_SET, &words[b - 1]);
        if !name_has_org && !last_is_org {
            let mut gender = None;
            let mut title_words = Vec::new();
            for w in words[f..=l].iter().filter(|w| !in_list(&CONNECTORS_SET, w)) {
                if let Some(g) = honorific(w) {
                    gender = gender.or(g);
                } else {
                    gender = gender.or(role_gender(w));
                    title_words.push(&**w);
                }
            }
            let qualifier = fold(span_str(text, toks, start + a, start + f));
            let role = (!title_words.is_empty())
                .then(|| Role { qualifier: qualifier.clone(), title: fold(&title_words.join(" ")) });
            // The qualifier itself ("NATO", "Kremlin") is an entity unless it is an adjective.
            if f > a {
                split_plain(text, toks, start + a, start + f, out);
            }
            if l + 1 < b {
                out.push(Cand {
                    name: (start + l + 1, start + b),
                    kind: Some(EntityKind::Person),
                    gender,
                    role,
                    description: None,
                    desc_range: (0, 0),
                });
            } else if let Some(role) = role {
                // Title without a name: "the NATO Secretary General".
                let mut ds = start + a;
                if ds > 0 && toks[ds - 1].text(text).eq_ignore_ascii_case("the") {
                    ds -= 1;
                }
                out.push(Cand {
                    name: (start + a, start + b),
                    kind: None,
                    gender,
                    role: None,
                    description: Some(role),
                    desc_range: (ds, start + b),
                });
            }
            return;
        }
        if !any_org && !last_is_org {
            // e.g. a title inside something else; fall through to a plain name
        }
    }
    split_plain(text, toks, start + a, start + b, out);
}

/// A run without titles: strip leading adjectives ("Iranian drones", "Ukrainian") and emit the name.
fn split_plain(text: &str, toks: &[Tok], mut a: usize, b: usize, out: &mut Vec<Cand>) {
    let last = lower(toks[b - 1].text(text));
    let org_tail = in_list(&ORG_WORDS_SET, &last);
    while a < b && !org_tail && toks[a].cap && is_demonym(&fold(toks[a].text(text))) && !toks[a].possessive {
        a += 1;
    }
    if a >= b {
        return;
    }
    // Only adjectives ("Eastern European"): not a name.
    if (a..b).all(|k| {
        let l = lower(toks[k].text(text));
        in_list(&STANDALONE_SKIP_SET, &l) || is_demonym(&l)
    }) {
        return;
    }
    if b - a == 1 {
        let w = toks[a].text(text);
        let l = lower(w);
        let shouted = w.len() >= 2 && w.chars().all(char::is_uppercase);
        if !shouted && (in_list(&FUNCTION_SET, &l) || in_list(&STANDALONE_SKIP_SET, &l)) {
            return;
        }
        // Contractions ("They’ll", "We’re", "I’m") are not names.
        if let Some(i) = w.find(['\'', '\u{2019}']) {
            let rest = w[i..].trim_start_matches(['\'', '\u{2019}']);
            if rest.len() <= 3 && rest.chars().all(char::is_lowercase) {
                return;
            }
        }
        // Two-letter words that are not acronyms ("El", "Le") are not names on their own.
        if w.chars().count() < 2 || w.chars().count() < 3 && !w.chars().all(char::is_uppercase) {
            return;
        }
    }
    // A lowercase role word right before: "Kremlin spokesman Dmitry Ivanov", "spokeswoman Jane Roe".
    let mut role = None;
    let mut gender = None;
    let mut kind = None;
    if a > 0 {
        let prev = &toks[a - 1];
        let w = lower(prev.text(text));
        if !prev.cap && in_list(&ROLE_WORDS_SET, &w) && prev.sent == toks[a].sent && plain_gap(text, prev, &toks[a]) {
            let mut qs = a - 1;
            while qs > 0
                && toks[qs - 1].cap
                && toks[qs - 1].sent == prev.sent
                && plain_gap(text, &toks[qs - 1], &toks[qs])
                && !toks[qs - 1].sent_start
            {
                qs -= 1;
            }
            // Include a sentence-initial qualifier too ("Kremlin spokesman X said").
            if qs > 0
                && toks[qs - 1].cap
                && toks[qs - 1].sent_start
                && toks[qs - 1].sent == prev.sent
                && plain_gap(text, &toks[qs - 1], &toks[qs])
                && !in_list(&FUNCTION_SET, &lower(toks[qs - 1].text(text)))
            {
                qs -= 1;
            }
            let qualifier = fold(span_str(text, toks, qs, a - 1));
            gender = role_gender(&w);
            role = Some(Role { qualifier, title: fold(&w) });
            if b - a <= 4 && !org_tail {
                kind = Some(EntityKind::Person);
            }
        }
    }
    // "shipping group X", "drugmaker X": an organisation.
    if kind.is_none() && a >= 1 && !toks[a - 1].cap && plain_gap(text, &toks[a - 1], &toks[a]) {
        let w = lower(toks[a - 1].text(text));
        if in_list(&ORG_NOUNS_BEFORE_SET, &w) {
            kind = Some(EntityKind::Organization);
        }
    }
    // "X radio", "X newspaper": an organisation.
    if kind.is_none()
        && let Some(next) = toks.get(b)
        && !next.cap
        && plain_gap(text, &toks[b - 1], next)
        && matches!(
            &*lower(next.text(text)),
            "radio" | "television" | "tv" | "newspaper" | "daily" | "channel" | "broadcaster" | "magazine"
        )
    {
        kind = Some(EntityKind::Organization);
    }
    // "the village of X", "the city of X": a place.
    if kind.is_none() && a >= 2 && toks[a - 1].text(text) == "of" {
        let w = lower(toks[a - 2].text(text));
        if matches!(
            &*w,
            "village" | "town" | "city" | "region" | "province" | "district" | "county" | "state" | "island" | "port"
        ) {
            kind = Some(EntityKind::Place);
        }
    }
    out.push(Cand { name: (a, b), kind, gender, role, description: None, desc_range: (0, 0) });
}

fn span_text(text: &str, toks: &[Tok], a: usize, b: usize) -> String {
    span_str(text, toks, a, b).to_string()
}

/// The text of tokens `a..b` (empty when the range is).
fn span_str<'t>(text: &'t str, toks: &[Tok], a: usize, b: usize) -> &'t str {
    if a >= b {
        return "";
    }
    &text[toks[a].start..toks[b - 1].end]
}

/// Classify a name that has no title: gazetteer, shape and word lists.
fn classify(words: &[Cow<'_, str>], folded: &str, raw: &[&str]) -> (EntityKind, Option<&'static str>) {
    if let Some(k) = gazetteer::lookup(folded) {
        return (k.kind, Some(k.canonical));
    }
    let last = words.last().map(|w| &**w).unwrap_or("");
    if words.iter().any(|w| in_list(&ORG_WORDS_SET, w)) && !in_list(&PLACE_WORDS_SET, last) {
        return (EntityKind::Organization, None);
    }
    if in_list(&PLACE_WORDS_SET, last)
        || words.first().is_some_and(|w| in_list(&PLACE_PREFIXES_SET, w)) && words.len() > 1
    {
        return (EntityKind::Place, None);
    }
    if words.iter().any(|w| in_list(&OTHER_WORDS_SET, w)) {
        return (EntityKind::Other, None);
    }
    let acronym = |w: &str| w.len() >= 2 && w.chars().all(|c| c.is_uppercase() || c == '.' || c == '&');
    if raw.len() == 1 && acronym(raw[0]) {
        return (EntityKind::Organization, None);
    }
    let name_like = |w: &str| {
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '\u{2019}' || c == '.')
    };
    if raw.len() >= 2 && acronym(raw[0]) && !raw[0].contains('.') {
        // "FNV Havens", "UN Women": an acronym first makes an organisation.
        return (EntityKind::Organization, None);
    }
    let name_words: Vec<&&str> = raw.iter().filter(|w| !CONNECTORS_SET.contains(w.to_lowercase().as_str())).collect();
    if (2..=4).contains(&name_words.len())
        && name_words.iter().all(|w| name_like(w))
        && !name_words.iter().all(|w| acronym(w))
    {
        // Every word a known place ("Korea Japan") is unlikely a person; one known word is fine.
        return (EntityKind::Person, None);
    }
    (EntityKind::Other, None)
}

struct Builder {
    ents: Vec<Ent>,
    by_key: HashMap<(EntityKind, String), usize>,
}

impl Builder {
    fn add(&mut self, kind: EntityKind, canonical: &str) -> usize {
        let key = entity_key_with(canonical);
        let slot = match self.by_key.entry((kind, key)) {
            std::collections::hash_map::Entry::Occupied(o) => return *o.get(),
            std::collections::hash_map::Entry::Vacant(v) => v,
        };
        let key = slot.key().1.clone();
        let i = self.ents.len();
        slot.insert(i);
        let name_words = fold(canonical).split(' ').map(str::to_string).collect();
        self.ents.push(Ent {
            canonical: canonical.to_string(),
            key: key.clone(),
            kind,
            gender: None,
            roles: Vec::new(),
            name_words,
        });
        i
    }
}

/// Key of a canonical name: gazetteer canonical when known.
fn entity_key_with(name: &str) -> String {
    let f = fold(name);
    match gazetteer::lookup(&f) {
        Some(k) => fold(k.canonical),
        None => f,
    }
}

/// Does the person `p` (folded words) carry the name `n` (folded words)? "jane roe" ⊇ "roe".
fn name_matches(p: &[String], n: &[String]) -> bool {
    if n.is_empty() || n.len() > p.len() {
        return false;
    }
    let off = p.len() - n.len();
    n.iter().zip(&p[off..]).all(|(a, b)| a == b || close(a, b))
}

/// Spelling variants of one name word: equal after folding, or one edit apart on long words.
pub fn close(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.min(lb) < 6 || la.abs_diff(lb) > 1 || a.as_bytes()[..2] != b.as_bytes()[..2] {
        return false;
    }
    // Same first two letters, at most one edit.
    a.chars().take(2).eq(b.chars().take(2)) && edit_distance(a, b) <= 1
}

/// Levenshtein distance over chars, small inputs.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

fn resolve(text: &str, toks: &[Tok], cands: Vec<Cand>) -> Entities {
    let mut b = Builder { ents: Vec::new(), by_key: HashMap::default() };
    // Capitalised words seen mid-sentence: evidence that a sentence-initial word is a name.
    let mut mid: HashSet<&str> = HashSet::with_capacity_and_hasher(toks.len() / 4, Default::default());
    mid.extend(toks.iter().filter(|t| t.cap && !t.sent_start).map(|t| t.text(text)));
    // Words the article also writes in lowercase are common words, not names; and how often each capitalised
    // word opens a sentence (a name that recurs there, like a company's, is a name even if never mid-sentence).
    let mut lowercase: HashSet<&str> = HashSet::with_capacity_and_hasher(toks.len() / 2, Default::default());
    lowercase.extend(toks.iter().filter(|t| !t.cap).map(|t| t.text(text)));
    let mut openers: HashMap<&str, u32> = HashMap::default();
    for t in toks.iter().filter(|t| t.cap && t.sent_start) {
        *openers.entry(t.text(text)).or_default() += 1;
    }
    // Acronyms defined in the text: "Full Name (ACR)".
    let mut acronyms: HashMap<String, String> = HashMap::default();
    for c in &cands {
        let (a, e) = c.name;
        if e - a < 2 {
            continue;
        }
        let after = &text[toks[e - 1].full_end..];
        if let Some(rest) = after.strip_prefix(" (")
            && let Some(close_at) = rest.find(')')
        {
            let acr = &rest[..close_at];
            if (2..=8).contains(&acr.len())
                && acr.chars().all(|c| c.is_ascii_uppercase())
                && acr.starts_with(text[toks[a].start..].chars().next().unwrap_or(' '))
            {
                acronyms.insert(acr.to_string(), span_text(text, toks, a, e));
            }
        }
    }

    // Context votes per folded name, over all its untitled mentions: one kind for every mention.
    let mut votes: HashMap<String, Votes> = HashMap::default();
    for c in cands.iter().filter(|c| c.description.is_none() && c.kind.is_none()) {
        let (a, e) = c.name;
        let v = votes.entry(fold(span_str(text, toks, a, e))).or_default();
        context_votes(text, toks, a, e, v);
    }

    // Pass 1: people with titles or full names, so that lone surnames anywhere resolve to them.
    struct Pending {
        cand: Cand,
        kind: EntityKind,
        canonical: String,
        words: Vec<String>,
    }
    let mut pending = Vec::with_capacity(cands.len());
    for c in cands {
        if c.description.is_some() {
            pending.push(Pending { cand: c, kind: EntityKind::Person, canonical: String::new(), words: Vec::new() });
            continue;
        }
        let (a, e) = c.name;
        let raw: Vec<&str> = toks[a..e].iter().map(|t| t.text(text)).collect();
        let surface = span_str(text, toks, a, e);
        let folded = fold(surface);
        if folded.is_empty() {
            continue;
        }
        let words: Vec<String> = folded.split(' ').map(str::to_string).collect();
        let lower_words: Vec<Cow<'_, str>> = raw.iter().map(|w| lower(w)).collect();
        let (kind, canonical) = if let Some(full) = acronyms.get(surface) {
            let f = fold(full);
            match gazetteer::lookup(&f) {
                Some(k) => (k.kind, k.canonical.to_string()),
                None => (classify(&lower_words, &f, &[full.as_str()]).0.max_org(), full.clone()),
            }
        } else {
            match c.kind {
                Some(k) => (k, surface.to_string()),
                None => {
                    let (mut k, canon) = classify(&lower_words, &folded, &raw);
                    // A default reading (no gazetteer entry, no telling word) yields to the article's context.
                    // "Drug Use", "Staff Reports": a default person whose every word the article also
                    // writes in lowercase, with no given name, is a phrase in title case.
                    if canon.is_none()
                        && k == EntityKind::Person
                        && !is_given_name(&words[0])
                        && lower_words.iter().all(|w| lowercase.contains(&**w))
                    {
                        k = EntityKind::Other;
                    }
                    if canon.is_none()
                        && matches!(k, EntityKind::Person | EntityKind::Other)
                        && let Some(v) = votes.get(&folded)
                    {
                        let strong = if k == EntityKind::Person { v.person } else { 0 };
                        if v.org > strong && v.org >= v.place && (k == EntityKind::Person || v.org >= 2) {
                            k = EntityKind::Organization;
                        } else if v.place > strong && v.place > v.org && (k == EntityKind::Person || v.place >= 2) {
                            k = EntityKind::Place;
                        }
                    }
                    (k, canon.map(str::to_string).unwrap_or_else(|| surface.to_string()))
                }
            }
        };
        pending.push(Pending { cand: c, kind, canonical, words });
    }
    // Register people with two or more words (longest first) or a title.
    let mut people: Vec<usize> = Vec::new();
    let mut order: Vec<usize> = (0..pending.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(pending[i].words.len()));
    for &i in &order {
        let p = &pending[i];
        if p.kind != EntityKind::Person || p.cand.description.is_some() {
            continue;
        }
        if p.words.len() < 2 && p.cand.role.is_none() && p.cand.gender.is_none() {
            continue;
        }
        if people.iter().any(|&e| name_matches(&b.ents[e].name_words, &p.words)) {
            continue;
        }
        let e = b.add(EntityKind::Person, &p.canonical);
        people.push(e);
    }

    let mut mentions: Vec<Mention> = Vec::new();
    let mut descriptions: Vec<(Role, Option<Gender>, (usize, usize))> = Vec::new();
    for p in pending {
        if let Some(role) = p.cand.description {
            descriptions.push((role, p.cand.gender, p.cand.desc_range));
            continue;
        }
        let (a, e) = p.cand.name;
        let single = e - a == 1;
        // A lone word that names a person of the article.
        let person = people.iter().copied().find(|&pi| name_matches(&b.ents[pi].name_words, &p.words));
        let ent = if let Some(pi) = person.filter(|_| p.kind == EntityKind::Person || single || p.words.len() < 3) {
            if p.kind != EntityKind::Person && gazetteer::lookup(&p.words.join(" ")).is_some_and(|k| k.prominent) {
                // "Jordan" the country, not Mr. Jordan: keep the gazetteer's reading for prominent names.
                b.add(p.kind, &p.canonical)
            } else {
                pi
            }
        } else {
            if single && toks[a].sent_start {
                let w = toks[a].text(text);
                let known = gazetteer::lookup(&p.words[0]).is_some_and(|k| k.prominent || k.population >= 100_000);
                let acronym = w.len() >= 2 && w.chars().all(|c| c.is_uppercase());
                let speaks = toks.get(e).is_some_and(|t| {
                    t.sent == toks[a].sent && in_list(&SPEECH_AFTER_SET, t.text(text)) && plain_gap(text, &toks[a], t)
                });
                let appositive = appositive_role(text, toks, e);
                let common = common_word(w, &lowercase);
                if common && !known && !acronym && !mid.contains(w) && !acronyms.contains_key(w) {
                    continue;
                }
                let namey = !common
                    && (openers.get(w).is_some_and(|&n| n >= 2)
                        || toks[a].possessive
                        || toks.get(e).is_some_and(|t| {
                            t.sent == toks[a].sent && !t.cap && in_list(&NAME_VERBS_SET, &lower(t.text(text)))
                        }));
                if !(known || acronym || speaks || appositive || namey || mid.contains(w) || acronyms.contains_key(w)) {
                    continue;
                }
                if (speaks || appositive) && !known && !acronym && p.kind == EntityKind::Other {
                    let ent = b.add(EntityKind::Person, &p.canonical);
                    push_mention(text, toks, &mut mentions, ent, (a, e));
                    continue;
                }
            }
            let mut kind = p.kind;
            if single && kind == EntityKind::Other {
                if is_demonym(&p.words[0]) {
                    continue;
                }
                let next = toks.get(e).map(|t| t.text(text)).unwrap_or("");
                let after_prep = a > 0
                    && matches!(&*lower(toks[a - 1].text(text)), "at" | "of" | "from" | "for" | "by" | "with" | "to");
                if in_list(&SPEECH_AFTER_SET, next)
                    && !after_prep
                    && toks.get(e).is_some_and(|t| t.sent == toks[a].sent && plain_gap(text, &toks[e - 1], t))
                {
                    kind = EntityKind::Person;
                }
            }
            b.add(kind, &p.canonical)
        };
        let entity = &mut b.ents[ent];
        if let Some(g) = p.cand.gender {
            entity.gender.get_or_insert(g);
        }
        if let Some(role) = p.cand.role
            && !entity.roles.contains(&role)
        {
            entity.roles.push(role);
        }
        if entity.kind == EntityKind::Person && p.words.len() > entity.name_words.len() {
            entity.canonical = span_text(text, toks, a, e);
            entity.name_words = p.words.clone();
        }
        mentions.push(Mention {
            span: Span::new(toks[a].start, toks[e - 1].end),
            surface: span_text(text, toks, a, e),
            ent,
            toks: (a, e),
            description: false,
        });
    }
    // Descriptions: capitalised titles without a name, and "the <qualifier> <role>" phrases.
    for (role, _, range) in descriptions {
        if let Some(ent) = resolve_role(&b.ents, &role.qualifier, &role.title) {
            push_description(text, toks, &mut mentions, ent, range);
        }
    }
    for (ent, range) in the_phrases(text, toks, &mut b) {
        if mentions.iter().any(|m| m.description && m.toks.0 < range.1 && range.0 < m.toks.1) {
            continue;
        }
        if !mentions.iter().any(|m| m.toks.0 < range.1 && range.0 < m.toks.1 && !m.description) {
            push_description(text, toks, &mut mentions, ent, range);
        } else if let Some(m) =
            mentions.iter_mut().find(|m| m.toks.0 >= range.0 && m.toks.1 <= range.1 && !m.description)
        {
            // "the Ukrainian capital" never took "Ukrainian" as a name; a qualifier like "NATO" did: keep
            // that org mention, and add the description over the whole phrase only when it names a person.
            let _ = m;
            if b.ents[ent].kind == EntityKind::Person {
                push_description(text, toks, &mut mentions, ent, range);
            }
        }
    }
    kinds_from_coordination(text, toks, &mut b.ents, &mut mentions);
    merge_within_article(&b.ents, &mut mentions);
    infer_gender_from_pronouns(text, toks, &mut b.ents, &mentions);
    mentions.sort_by_key(|m| (m.span.start, m.description));
    Entities { ents: b.ents, mentions }
}

fn push_description(text: &str, toks: &[Tok], mentions: &mut Vec<Mention>, ent: usize, range: (usize, usize)) {
    let (a, e) = range;
    if a >= e || e > toks.len() {
        return;
    }
    mentions.push(Mention {
        span: Span::new(toks[a].start, toks[e - 1].end),
        surface: span_text(text, toks, a, e),
        ent,
        toks: (a, e),
        description: true,
    });
}

trait MaxOrg {
    fn max_org(self) -> EntityKind;
}
impl MaxOrg for EntityKind {
    /// An expansion in "Full Name (ACR)" names an organisation unless it is clearly something else.
    fn max_org(self) -> EntityKind {
        match self {
            EntityKind::Person | EntityKind::Other => EntityKind::Organization,
            k => k,
        }
    }
}

/// Nouns that, after "the" and a qualifier, stand for a person holding a title.
const ROLE_NOUNS: &[&str] = &[
    "chief",
    "leader",
    "head",
    "boss",
    "president",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "minister",
    "secretary",
    "premier",
    "chancellor",
    "diplomat",
    "official",
    "envoy",
    "ambassador",
    "commander",
    "general",
    "secretary-general",
    "politician",
    "mayor",
    "governor",
    "ceo",
    "director",
    "chairman",
    "chairwoman",
];

/// Is `qd` (a description's qualifier) compatible with `qp` (the qualifier of a person's title)?
fn qualifier_compatible(qd: &str, qp: &str) -> bool {
    if qd.is_empty() {
        return true;
    }
    if qp.is_empty() {
        return false;
    }
    let pw: Vec<&str> = qp.split(' ').collect();
    if qd.split(' ').all(|w| pw.contains(&w)) {
        return true;
    }
    let country = |q: &str| {
        let first = q.split(' ').next().unwrap_or(q);
        gazetteer::country_of_demonym(first)
            .or_else(|| gazetteer::country_named(q))
            .or_else(|| gazetteer::country_named(first))
            .map(|c| c.iso2)
    };
    matches!((country(qd), country(qp)), (Some(a), Some(b)) if a == b)
}

fn title_compatible(noun: &str, title: &str) -> bool {
    match noun {
        "chief" | "leader" | "head" | "boss" | "official" | "politician" | "diplomat" => !title.contains("spokes"),
        "spokesman" | "spokeswoman" | "spokesperson" => title.contains("spokes"),
        n => title.split(' ').any(|w| w == n) || title.replace(' ', "-") == n,
    }
}

/// The one person whose role fits; `None` when none or several do.
fn resolve_role(ents: &[Ent], qualifier: &str, noun: &str) -> Option<usize> {
    let mut found = None;
    for (i, e) in ents.iter().enumerate() {
        if e.kind != EntityKind::Person {
            continue;
        }
        let fits = e.roles.iter().any(|r| {
            qualifier_compatible(qualifier, &r.qualifier)
                && (noun.split(' ').any(|n| title_compatible(n, &r.title)) || r.title == noun)
        });
        if fits {
            if found.is_some() {
                return None;
            }
            found = Some(i);
        }
    }
    found
}

/// "the Ukrainian capital" → the capital; "the NATO chief" → the person titled so in the article.
fn the_phrases(text: &str, toks: &[Tok], b: &mut Builder) -> Vec<(usize, (usize, usize))> {
    let mut out = Vec::new();
    for i in 0..toks.len() {
        // "the NATO chief", or a headline's "NATO chief visits ..." at a sentence start.
        let the = toks[i].text(text).eq_ignore_ascii_case("the");
        let headline = !the && toks[i].sent_start && toks[i].cap;
        if !(the || headline) {
            continue;
        }
        let mut j = if the { i + 1 } else { i };
        let mut qual = Vec::new();
        while j < toks.len() && j <= i + 3 && toks[j].cap && toks[j].sent == toks[i].sent {
            let w = lower(toks[j].text(text));
            if in_list(&ROLE_NOUNS_SET, &w) || w == "capital" {
                break;
            }
            qual.push(j);
            j += 1;
        }
        let Some(t) = toks.get(j) else { continue };
        if t.sent != toks[i].sent {
            continue;
        }
        let noun = lower(t.text(text));
        let qualifier = match (qual.first(), qual.last()) {
            (Some(&a), Some(&e)) => fold(&text[toks[a].start..toks[e].end]),
            _ => String::new(),
        };
        if noun == "capital" {
            let country = gazetteer::country_of_demonym(&qualifier).or_else(|| gazetteer::country_named(&qualifier));
            if let Some(c) = country
                && !c.capital.is_empty()
            {
                let canonical = gazetteer::lookup(&fold(c.capital)).map(|k| k.canonical).unwrap_or(c.capital);
                let e = b.add(EntityKind::Place, canonical);
                out.push((e, (i, j + 1)));
            }
            continue;
        }
        if !in_list(&ROLE_NOUNS_SET, &noun) || qual.is_empty() && !noun.starts_with("spokes") {
            continue;
        }
        // "the NATO secretary general": take a second title word.
        let mut end = j + 1;
        if let Some(n2) = toks.get(j + 1)
            && n2.sent == t.sent
            && in_list(&ROLE_NOUNS_SET, &lower(n2.text(text)))
        {
            end += 1;
        }
        // A name right after the title makes it a title, not a description: "NATO Secretary General Jane Roe".
        if let Some(n) = toks.get(end)
            && n.cap
            && n.sent == t.sent
            && plain_gap(text, &toks[end - 1], n)
        {
            continue;
        }
        let nouns: Vec<Cow<'_, str>> = toks[j..end].iter().map(|t| lower(t.text(text))).collect();
        if let Some(e) = resolve_role(&b.ents, &qualifier, &nouns.join(" ")) {
            out.push((e, (i, end)));
        }
    }
    out
}

/// "Acme and Globex", "Acme, Globex and Initech": a name of no known kind coordinated with organisations (or
/// places) is one too. Only names with no other kind in the article change.
fn kinds_from_coordination(text: &str, toks: &[Tok], ents: &mut [Ent], mentions: &mut [Mention]) {
    let mut order: Vec<usize> = (0..mentions.len()).filter(|&i| !mentions[i].description).collect();
    order.sort_by_key(|&i| mentions[i].toks.0);
    let mut found: Vec<(usize, EntityKind)> = Vec::new();
    for w in order.windows(2) {
        let (m1, m2) = (&mentions[w[0]], &mentions[w[1]]);
        let gap = m2.toks.0.checked_sub(m1.toks.1);
        let joined = match gap {
            Some(1) => matches!(toks[m1.toks.1].text(text), "and" | "or"),
            Some(0) => text[toks[m1.toks.1 - 1].full_end..toks[m2.toks.0].start].trim() == ",",
            _ => false,
        };
        if !joined || toks[m1.toks.0].sent != toks[m2.toks.0].sent {
            continue;
        }
        let (k1, k2) = (ents[m1.ent].kind, ents[m2.ent].kind);
        for (other, known) in [(m1.ent, k2), (m2.ent, k1)] {
            if ents[other].kind == EntityKind::Other
                && matches!(known, EntityKind::Organization | EntityKind::Place)
                && gazetteer::lookup(&ents[other].key).is_none()
            {
                found.push((other, known));
            }
        }
    }
    for (e, k) in found {
        // Two mentions disagreeing (an org on one side, a place on the other) leave the name alone.
        if ents[e].kind == EntityKind::Other {
            ents[e].kind = k;
        }
    }
}

/// A sentence opening with "He"/"She" after a sentence whose only person is X tells X's gender.
fn infer_gender_from_pronouns(text: &str, toks: &[Tok], ents: &mut [Ent], mentions: &[Mention]) {
    for t in toks.iter().filter(|t| t.sent_start && t.sent > 0) {
        let g = match t.text(text) {
            "He" => Gender::Male,
            "She" => Gender::Female,
            _ => continue,
        };
        let prev_people: HashSet<usize> = mentions
            .iter()
            .filter(|m| toks[m.toks.0].sent + 1 == t.sent && ents[m.ent].kind == EntityKind::Person)
            .map(|m| m.ent)
            .collect();
        if prev_people.len() == 1
            && let Some(&e) = prev_people.iter().next()
        {
            ents[e].gender.get_or_insert(g);
        }
    }
}

/// Within one article: a name classified "other" that another mention names with a kind ("Lahaina" in a
/// quote, "the town of Lahaina"), an acronym of a multi-word name in the article ("GM" for "General
/// Motors"), or the first word of an organisation's name ("Acme" for "Acme Robotics") is that entity.
fn merge_within_article(ents: &[Ent], mentions: &mut [Mention]) {
    let used: HashSet<usize> = mentions.iter().map(|m| m.ent).collect();
    let mut target: HashMap<usize, usize> = HashMap::default();
    for (i, e) in ents.iter().enumerate() {
        if !used.contains(&i) || e.kind == EntityKind::Person {
            continue;
        }
        // A small place that shares its name with an organisation's first word ("Arcadia"), never a
        // well-known one ("Kyiv" in "Kyiv Independent").
        let minor = gazetteer::lookup(&e.key).is_none_or(|k| !k.prominent && k.population < 100_000);
        let acronym = e.canonical.len() >= 2 && e.canonical.chars().all(|c| c.is_ascii_uppercase());
        let single = e.name_words.len() == 1;
        let found = ents.iter().enumerate().find(|&(j, o)| {
            if j == i || !used.contains(&j) || o.kind == EntityKind::Other {
                return false;
            }
            if e.kind == EntityKind::Other && o.key == e.key {
                return true;
            }
            if !single || o.name_words.len() < 2 || o.kind == EntityKind::Person {
                return false;
            }
            if acronym {
                let initials: String = o
                    .canonical
                    .split([' ', '-'])
                    .filter(|w| w.starts_with(|c: char| c.is_uppercase()))
                    .filter_map(|w| w.chars().next())
                    .collect();
                return initials == e.canonical;
            }
            o.kind == EntityKind::Organization
                && minor
                && matches!(e.kind, EntityKind::Other | EntityKind::Place | EntityKind::Organization)
                && o.name_words.first() == e.name_words.first()
        });
        if let Some((j, _)) = found {
            target.insert(i, j);
        }
    }
    for m in mentions.iter_mut() {
        if let Some(&j) = target.get(&m.ent) {
            m.ent = j;
        }
    }
}

/// "X, the mayor of ...", "X, a spokesman for ...": a role in apposition right after token `e`.
fn appositive_role(text: &str, toks: &[Tok], e: usize) -> bool {
    let Some(prev) = e.checked_sub(1).and_then(|i| toks.get(i)) else { return false };
    let Some(det) = toks.get(e) else { return false };
    if !text[prev.full_end..det.start].trim_start().starts_with(',') {
        return false;
    }
    if !matches!(det.text(text), "the" | "a" | "an") {
        return false;
    }
    toks[e + 1..]
        .iter()
        .take(3)
        .take_while(|t| t.sent == det.sent)
        .any(|t| in_list(&ROLE_WORDS_SET, &lower(t.text(text))) || in_list(&TITLES_SET, &lower(t.text(text))))
}

fn push_mention(text: &str, toks: &[Tok], mentions: &mut Vec<Mention>, ent: usize, range: (usize, usize)) {
    let (a, e) = range;
    mentions.push(Mention {
        span: Span::new(toks[a].start, toks[e - 1].end),
        surface: span_text(text, toks, a, e),
        ent,
        toks: (a, e),
        description: false,
    });
}
