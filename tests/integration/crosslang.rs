//! Events reported in several languages (`examples/crosslang.jsonl`: 34 events, each in
//! three or four of Norwegian, English, German and Swedish, written by us) end up in one
//! story, and similar events in the same days stay apart.

use crate::{TestDir, examples, json_lines, stdout, tidings};

fn corpus() -> std::path::PathBuf {
    examples().join("crosslang.jsonl")
}

#[test]
fn one_event_in_several_languages_is_one_story() {
    let out = tidings!("eval", "--gold", corpus(), "--json");
    assert!(out.status.success(), "{}", crate::stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let bcubed = v["bcubed"]["f1"].as_f64().unwrap();
    assert!(bcubed >= 0.85, "BCubed F1 {bcubed:.3} below the 0.85 target");
    let across = &v["across_languages"];
    assert!(across["gold_pairs"].as_u64().unwrap() > 100, "{v}");
    let (p, r) = (across["pairwise"]["precision"].as_f64().unwrap(), across["pairwise"]["recall"].as_f64().unwrap());
    assert!(p >= 0.9 && r >= 0.85, "pairs across languages: precision {p:.3}, recall {r:.3}");
}

/// Each article's story when `input` is clustered.
fn stories(input: &std::path::Path) -> std::collections::HashMap<String, String> {
    let dir = TestDir::new();
    let a = dir.path("a.jsonl");
    let out = tidings!("cluster", input, "--assignments", &a);
    assert!(out.status.success(), "{}", crate::stderr(&out));
    crate::cluster::story_of(&json_lines(&a))
}

fn together(story: &std::collections::HashMap<String, String>, pairs: &[(&str, &str)]) {
    for (one, other) in pairs {
        assert_eq!(story[*one], story[*other], "{one} and {other} report one event");
    }
}

fn apart(story: &std::collections::HashMap<String, String>, pairs: &[(&str, &str)]) {
    for (one, other) in pairs {
        assert_ne!(story[*one], story[*other], "{one} and {other} are different events");
    }
}

#[test]
fn similar_events_in_the_same_days_stay_apart() {
    let story = stories(&corpus());
    // Two central banks decide on the same morning; two ferries and two earthquakes within days.
    apart(
        &story,
        &[
            ("xl-riksbank-cut-en", "xl-norges-bank-hold-en"),
            ("xl-riksbank-cut-nb", "xl-norges-bank-hold-nb"),
            ("xl-riksbank-cut-de", "xl-norges-bank-hold-de"),
            ("xl-ferry-helsingor-en", "xl-ferry-gotland-fire-en"),
            ("xl-ferry-helsingor-sv", "xl-ferry-gotland-fire-sv"),
            ("xl-crete-quake-en", "xl-izmir-quake-en"),
            ("xl-crete-quake-sv", "xl-izmir-quake-sv"),
        ],
    );
    together(
        &story,
        &[("xl-riksbank-cut-sv", "xl-riksbank-cut-en"), ("xl-norges-bank-hold-nb", "xl-norges-bank-hold-en")],
    );
}

/// Reports whose only shared words are the event's noun and its numbers (*Erdbeben* and
/// *earthquake*, *Felssturz* and *rockfall*, *Streik* and *strike*; *fem* and *five*) end in
/// one story through the cross-language lexicon, while the strike stories and the two
/// earthquakes of those days stay apart.
#[test]
fn event_nouns_and_number_words_carry_a_story_across_languages() {
    let story = stories(&corpus());
    together(
        &story,
        &[
            ("xl-crete-quake-de", "xl-crete-quake-en"),
            ("xl-gotthard-rockfall-de", "xl-gotthard-rockfall-en"),
            ("xl-port-strike-ends-de", "xl-port-strike-ends-en"),
        ],
    );
    apart(
        &story,
        &[
            ("xl-crete-quake-de", "xl-izmir-quake-de"),
            ("xl-port-strike-ends-de", "xl-ber-security-strike-de"),
            ("xl-port-strike-begins-en", "xl-ber-security-strike-en"),
        ],
    );
    together(&stories(&examples().join("news")), &[("wire-en-2019-04-11-measles", "ntb-2019-04-11-meslinger")]);
}
