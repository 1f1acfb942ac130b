//! Copy detection on the generated corpus (originals, edited copies, template texts):
//! copy-pair precision and recall, and no template text ever declared a copy.

use std::collections::HashMap;

use tidings_dedup::{DedupConfig, Detector, shingles};
use tidings_synth::CopyCorpus;

/// Runs the detector over the corpus in order and returns `id → id of its group's root`.
fn detect(corpus: &CopyCorpus, config: DedupConfig) -> HashMap<String, String> {
    let mut detector: Detector<String> = Detector::new(config);
    let mut root = HashMap::new();
    for t in &corpus.texts {
        let s = shingles(&t.text);
        let r = detector.find(&s).map_or_else(|| t.id.clone(), |c| c.original);
        detector.remember(s, None, r.clone());
        root.insert(t.id.clone(), r);
    }
    root
}

#[test]
fn copies_are_found_and_templates_are_not() {
    let corpus = CopyCorpus::generate(7, 400, 300);
    let root = detect(&corpus, DedupConfig::default());
    let labels: Vec<(u64, String)> = corpus.texts.iter().map(|t| (t.group, root[&t.id].clone())).collect();
    let scores = tidings_eval::score(&labels);
    let (p, r) = (scores.pairwise.precision, scores.pairwise.recall);
    eprintln!("copy pairs: precision {p:.4}, recall {r:.4} over {} texts", corpus.texts.len());
    assert!(p >= 0.99, "precision {p:.4}");
    assert!(r >= 0.95, "recall {r:.4}");
    let template_copies = corpus.texts.iter().filter(|t| t.template).filter(|t| root[&t.id] != t.id).count();
    assert_eq!(template_copies, 0, "template texts declared copies");
}

#[test]
fn a_stricter_threshold_finds_fewer_copies() {
    let corpus = CopyCorpus::generate(3, 150, 0);
    let copies = |threshold: f32, containment: f32| {
        let root = detect(&corpus, DedupConfig { threshold, containment, ..DedupConfig::default() });
        root.iter().filter(|(id, r)| id != r).count()
    };
    assert!(copies(0.99, 1.01) < copies(0.8, 0.9));
}
