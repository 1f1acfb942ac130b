//! Entity quality on articles we wrote and annotated (`tests/data/entities.jsonl`: the
//! people and places a reader would list, in any spelling). Prints precision and recall
//! for people and places per language; run with `-- --nocapture` to see them.
//!
//! An entity counts as found when its type is right and its name key matches the gold
//! name's key (places through the gazetteer, so *Moskva* in the gold list matches the
//! analyzer's *Moscow*).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tidings_analyze::{Analyzer, EntityKind, Gazetteer, name_key};
use tidings_article::{Article, Origin};

#[derive(Default)]
struct Counts {
    found: usize,
    predicted: usize,
    gold: usize,
}

impl Counts {
    fn precision(&self) -> f64 {
        self.found as f64 / self.predicted.max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.found as f64 / self.gold.max(1) as f64
    }
}

/// The key a name is compared by: a place's gazetteer name, else the name's own key.
fn key(name: &str) -> String {
    let key = name_key(name);
    Gazetteer::get().lookup(&key).map_or(key, |p| name_key(p.name))
}

fn gold_names(record: &serde_json::Value, field: &str) -> BTreeSet<String> {
    record[field].as_array().expect("gold list").iter().map(|v| key(v.as_str().expect("gold name"))).collect()
}

/// Measures one annotated file; returns the counts per (language, people|places).
fn measure(name: &str, data: &str) -> BTreeMap<(String, &'static str), Counts> {
    let analyzer = Analyzer::new();
    let mut counts: BTreeMap<(String, &'static str), Counts> = BTreeMap::new();
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        let record: serde_json::Value = serde_json::from_str(line).expect("annotated article");
        let text = |f: &str| record[f].as_str().expect("field").to_string();
        let lang = text("lang");
        let article = Article {
            id: text("id"),
            published: None,
            title: text("title"),
            text: text("text"),
            lang: Some(lang.clone()),
            source: None,
            url: None,
            section: None,
            origin: Origin::new(Arc::from("entities.jsonl"), None),
        };
        let analysis = analyzer.analyze(&article);
        for (field, kind, label) in [("people", EntityKind::Person, "people"), ("places", EntityKind::Place, "places")]
        {
            let gold = gold_names(&record, field);
            let predicted: BTreeSet<String> =
                analysis.entities.iter().filter(|e| e.kind == kind).map(|e| key(&e.name)).collect();
            let c = counts.entry((lang.clone(), label)).or_default();
            c.gold += gold.len();
            c.predicted += predicted.len();
            c.found += gold.intersection(&predicted).count();
            for missed in gold.difference(&predicted) {
                println!("{name} {} {label}: missed {missed}", article.id);
            }
            for wrong in predicted.difference(&gold) {
                println!("{name} {} {label}: wrong {wrong}", article.id);
            }
        }
    }
    for ((lang, label), c) in &counts {
        println!("{name} {lang} {label}: precision {:.3} recall {:.3} ({} gold)", c.precision(), c.recall(), c.gold);
    }
    counts
}

/// The articles the typing rules were developed on, and articles written afterwards and
/// not used to change the rules: both must meet the targets. Norwegian names are typed by
/// the learned tagger (trained on NorNE, which none of these articles are in), so both
/// files are unseen text for it; its people precision on public text is about 0.82
/// (`tidings eval-entities` on NorNE dev), hence a lower floor for Norwegian people.
#[test]
fn people_and_places_in_norwegian_and_english() {
    for (name, data) in [
        ("development", include_str!("data/entities.jsonl")),
        ("held-out", include_str!("data/entities-heldout.jsonl")),
    ] {
        check(&measure(name, data));
    }
}

fn check(counts: &BTreeMap<(String, &'static str), Counts>) {
    for ((lang, label), c) in counts {
        let floor = if lang.starts_with('n') && *label == "people" { 0.8 } else { 0.85 };
        assert!(c.precision() >= floor, "{lang} {label}: precision {:.3} < {floor}", c.precision());
        assert!(c.recall() >= 0.75, "{lang} {label}: recall {:.3} < 0.75", c.recall());
    }
}
