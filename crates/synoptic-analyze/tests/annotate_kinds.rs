//! Entity kinds from general evidence (suffix and place words, given names, context words, consistency over
//! the article's mentions) and names that only ever open sentences, on sentences written for these tests.

use synoptic_analyze::annotate::annotate;
use synoptic_model::{Article, EntityKind};

/// The kind the article gives the entity whose canonical name is `name`, or `None` when it is not found.
fn check(text: &str, name: &str) -> Option<EntityKind> {
    let ann = annotate(&Article::new("t", None, text));
    ann.entities.iter().find(|e| e.canonical == name).map(|e| e.kind)
}

use EntityKind::{Organization as Org, Person, Place};

#[test]
fn kinds_from_words_and_context() {
    let cases: &[(&str, &str, Option<EntityKind>)] = &[
        // Suffix and head words.
        ("The deal was backed by Lumen Therapeutics on Monday.", "Lumen Therapeutics", Some(Org)),
        ("The Allied Steel Workers called a strike.", "Allied Steel Workers", Some(Org)),
        ("Visitors crowded the beaches of Pelican Key this week.", "Pelican Key", Some(Place)),
        ("Floods reached Maple Springs overnight.", "Maple Springs", Some(Place)),
        // Context: people at an organisation, shares of it, its chief executive, "which".
        ("Analysts at Draper Lowell cut their forecast.", "Draper Lowell", Some(Org)),
        ("Shares of Corvin Hale rose 4% after the report.", "Corvin Hale", Some(Org)),
        ("The board said Fenwick Marsh's chief executive would leave.", "Fenwick Marsh", Some(Org)),
        // A given name keeps a person a person, even after "at".
        ("Reporters waited at the door. At noon they met Maria Lindqvist.", "Maria Lindqvist", Some(Person)),
        ("Talks with Carlos Mendes ended, and Carlos Mendes left.", "Carlos Mendes", Some(Person)),
        // Title case of words the article also writes in lowercase, with no given name: not a person.
        ("We cover Drug Use in this series: drug use is rising.", "Drug Use", Some(EntityKind::Other)),
        // Coordination with an organisation.
        ("Talks between Brenlow Motors and Zentrova broke down.", "Zentrova", Some(Org)),
        // Consistency: every mention of a name takes the kind its telling mentions give.
        (
            "Quenton Ash said profits rose. Investors at Quenton Ash were pleased. Quenton Ash shares rose.",
            "Quenton Ash",
            Some(Org),
        ),
        // A lone word: "the agency, X,", "a X spokesperson", "X reported revenue".
        ("The weather agency, Meteorix, issued a warning.", "Meteorix", Some(Org)),
        ("A Zentrova spokesperson declined to comment.", "Zentrova", Some(Org)),
    ];
    for (text, name, want) in cases {
        assert_eq!(check(text, name), *want, "{name:?} in {text:?}");
    }
}

#[test]
fn names_that_only_open_sentences_are_kept() {
    let t = "Zentrova reported revenue of $3 billion. Analysts had expected less. Zentrova shares rose 5%.";
    assert_eq!(check(t, "Zentrova"), Some(Org));
    // Named once at a sentence start, with a telling verb.
    assert!(check("Kolvex announced a recall on Monday. The cars are safe, it said.", "Kolvex").is_some());
    // Common words opening sentences are not names, even before "said".
    for (t, w) in [
        ("Prosecutors said the trial would resume. Prosecutors declined to comment.", "Prosecutors"),
        ("Officials said the road was closed.", "Officials"),
        ("Gradually the water fell. Gradually the town recovered.", "Gradually"),
        ("Shares fell. Shares of the bank fell too.", "Shares"),
    ] {
        assert_eq!(check(t, w), None, "{w:?} in {t:?}");
    }
    // A capitalised common word seen in lowercase elsewhere in the article is not a name.
    assert_eq!(check("Growth slowed. Analysts said growth would recover.", "Growth"), None);
}
