//! `tidings analyze`: the analyzer's view of each article, as JSON lines.

use crate::{examples, tidings};

#[test]
fn analyze_reports_language_terms_and_entities() {
    let out = tidings!("analyze", examples().join("news"));
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = crate::stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), crate::gold().len());
    let by_id = |id: &str| lines.iter().find(|l| l["id"] == id).unwrap_or_else(|| panic!("{id} missing")).clone();
    for l in &lines {
        for field in ["id", "lang", "lang_confidence", "title", "terms", "entities"] {
            assert!(l.get(field).is_some(), "{field} missing in {l}");
        }
    }
    let ntb = by_id("ntb-2019-04-23-usjakov");
    assert_eq!(ntb["lang"], "nb");
    let keys: Vec<&str> = ntb["entities"].as_array().unwrap().iter().map(|e| e["key"].as_str().unwrap()).collect();
    assert!(keys.contains(&"iuri usakov"), "{keys:?}");
    let entity = ntb["entities"].as_array().unwrap().iter().find(|e| e["key"] == "iuri usakov").unwrap();
    assert_eq!(entity["text"], "Jurij Usjakov");
    assert_eq!(entity["type"], "person");
    let english = by_id("wire-en-2019-04-23-ushakov");
    assert!(english["entities"].as_array().unwrap().iter().any(|e| e["key"] == "iuri usakov"), "{english}");
    assert_eq!(by_id("nrk-2019-04-25-vladivostok")["lang"], "nn");
    assert_eq!(by_id("tt-2019-04-25-vladivostok")["lang"], "sv");
    assert_eq!(by_id("ritzau-2019-04-26-sas")["lang"], "da");
    // The text file without a headline gets its first sentence as title.
    let tabloid = by_id("dagbladet-2019-04-25-kim-putin");
    assert!(tabloid["title"].as_str().unwrap().starts_with("MØTTES:"), "{tabloid}");
}
