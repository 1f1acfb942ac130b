//! Quality on the shared development corpora (skipped where ../shared is absent). The
//! floors guard against regressions; the figures themselves are in the notes.

use crate::{bench_corpus, tidings};

fn bcubed_f1(corpus: &std::path::Path) -> f64 {
    let out = tidings!("eval", "--gold", corpus, "--json");
    assert!(out.status.success(), "{}", crate::stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&crate::stdout(&out)).unwrap();
    assert!(v["gold_stories"].as_u64().unwrap() > 0);
    v["bcubed"]["f1"].as_f64().unwrap()
}

#[test]
fn ecbplus_dev_floor() {
    if let Some(path) = bench_corpus("ecbplus-dev.jsonl") {
        let f1 = bcubed_f1(&path);
        assert!(f1 >= 0.90, "ECB+ dev BCubed F1 {f1:.3}");
    }
}

#[test]
fn uci_headlines_dev_floor() {
    if let Some(path) = bench_corpus("uci-headlines-dev.jsonl") {
        let f1 = bcubed_f1(&path);
        assert!(f1 >= 0.88, "UCI headlines dev BCubed F1 {f1:.3} (0.912 with the tempo prior, 0.820 without)");
    }
}
