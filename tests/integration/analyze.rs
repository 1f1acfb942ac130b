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

/// Language identification without hints, on the sample corpus's JSON Lines articles
/// (their `lang` fields are the truth): Bokmål, Nynorsk, Danish, Swedish, English, German.
#[test]
fn language_identification_without_hints() {
    let dir = crate::TestDir::new();
    let mut truth = std::collections::HashMap::new();
    for file in ["norsk.jsonl", "international.jsonl"] {
        let mut stripped = String::new();
        for mut v in crate::json_lines(&examples().join("news").join(file)) {
            let lang = v.as_object_mut().unwrap().remove("lang").unwrap();
            truth.insert(v["id"].as_str().unwrap().to_string(), lang.as_str().unwrap().to_string());
            stripped.push_str(&v.to_string());
            stripped.push('\n');
        }
        dir.write(&format!("in/{file}"), stripped);
    }
    let out = tidings!("analyze", dir.path("in"));
    let lines: Vec<serde_json::Value> = crate::stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), truth.len());
    let correct =
        lines.iter().filter(|l| l["lang"].as_str() == Some(truth[l["id"].as_str().unwrap()].as_str())).count();
    let accuracy = correct as f64 / lines.len() as f64;
    assert!(accuracy >= 0.95, "language accuracy {accuracy:.3} ({correct}/{})", lines.len());
    let nynorsk: Vec<_> = lines.iter().filter(|l| truth[l["id"].as_str().unwrap()] == "nn").collect();
    let nn_correct = nynorsk.iter().filter(|l| l["lang"] == "nn").count();
    assert!(nn_correct * 10 >= nynorsk.len() * 9, "Nynorsk {nn_correct}/{}", nynorsk.len());
}
