//! `tidings cluster` on the sample corpus: output contracts, quality and the brief's cases.

use std::collections::{HashMap, HashSet};

use crate::{TestDir, examples, gold, json_lines, sample_articles, stdout, tidings};

fn cluster_examples(dir: &TestDir) -> (Vec<serde_json::Value>, Vec<serde_json::Value>, String) {
    let (a, s) = (dir.path("a.jsonl"), dir.path("s.jsonl"));
    let out = tidings!("cluster", examples().join("news"), "--assignments", &a, "--stories", &s);
    assert!(out.status.success(), "{}", crate::stderr(&out));
    (json_lines(&a), json_lines(&s), stdout(&out))
}

/// `article id → story` from assignment lines.
pub(crate) fn story_of(assignments: &[serde_json::Value]) -> HashMap<String, String> {
    assignments
        .iter()
        .map(|v| (v["id"].as_str().unwrap().to_string(), v["story"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn assignments_and_stories_follow_the_contract() {
    let dir = TestDir::new();
    let (assignments, stories, summary) = cluster_examples(&dir);
    let gold = gold();
    assert_eq!(assignments.len(), gold.len(), "one line per accepted article");
    for a in &assignments {
        assert!(a["id"].is_string() && a["story"].is_string(), "{a}");
        assert!(a["duplicate_of"].is_null() || a["duplicate_of"].is_string(), "{a}");
    }
    let total: u64 = stories.iter().map(|s| s["articles"].as_u64().unwrap()).sum();
    assert_eq!(total as usize, assignments.len());
    for s in &stories {
        for field in
            ["story", "title", "articles", "first_seen", "last_seen", "languages", "sources", "keywords", "entities"]
        {
            assert!(s.get(field).is_some(), "story lacks {field}: {s}");
        }
        assert!(!s["title"].as_str().unwrap().is_empty(), "{s}");
        assert_eq!(s["article_ids"].as_array().unwrap().len() as u64, s["articles"].as_u64().unwrap());
    }
    assert!(summary.starts_with(&format!("{} articles in {} stories", gold.len(), stories.len())), "{summary}");
}

#[test]
fn sample_corpus_meets_the_quality_floor() {
    let dir = TestDir::new();
    let (assignments, _, _) = cluster_examples(&dir);
    let gold = gold();
    let pairs: Vec<(String, String)> = assignments
        .iter()
        .map(|a| (gold[a["id"].as_str().unwrap()].clone(), a["story"].as_str().unwrap().to_string()))
        .collect();
    let scores = tidings_eval::score(&pairs);
    assert!(scores.bcubed.f1 >= 0.90, "BCubed F1 {:.3} below the 0.90 floor", scores.bcubed.f1);
}

#[test]
fn the_brief_example_is_one_story_and_similar_events_stay_apart() {
    let dir = TestDir::new();
    let (assignments, _, _) = cluster_examples(&dir);
    let story = story_of(&assignments);
    // Jurij/Juri Usjakov, atomprogram/atomvåpenprogram, a caption in the header and no headline.
    let tuesday = &story["ntb-2019-04-23-usjakov"];
    assert_eq!(&story["dagbladet-2019-04-25-kim-putin"], tuesday);
    assert_eq!(&story["wire-en-2019-04-23-ushakov"], tuesday, "Yuri Ushakov in English");
    assert_eq!(&story["dpa-2019-04-24-uschakow"], tuesday, "Juri Uschakow in German");
    // Two ferry accidents in one week, two avalanches in one week, the earlier summit.
    assert_ne!(story["ntb-2019-04-09-ferje-grunn"], story["ntb-2019-04-12-ferje-kai"]);
    assert_ne!(story["ntb-2019-03-20-skred-lyngen"], story["ntb-2019-03-22-tirol"]);
    assert_ne!(story["ntb-2019-02-27-hanoi"], *tuesday);
}

#[test]
fn reads_from_stdin() {
    let dir = TestDir::new();
    let a = dir.path("a.jsonl");
    let input = std::fs::read(examples().join("news/norsk.jsonl")).unwrap();
    let out = assert_cmd::Command::cargo_bin("tidings")
        .unwrap()
        .args(["cluster", "-", "--assignments"])
        .arg(&a)
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(json_lines(&a).len(), input.iter().filter(|&&b| b == b'\n').count());
}

#[test]
fn runs_are_deterministic() {
    let (d1, d2) = (TestDir::new(), TestDir::new());
    let (a1, s1, _) = cluster_examples(&d1);
    let (a2, s2, _) = cluster_examples(&d2);
    assert_eq!(a1, a2);
    assert_eq!(s1, s2);
    let stories: HashSet<_> = a1.iter().map(|a| a["story"].as_str().unwrap().to_string()).collect();
    assert_eq!(stories.len(), s1.len());
}

#[test]
fn wire_copies_join_their_original_and_are_counted_once() {
    let dir = TestDir::new();
    let (assignments, stories, _) = cluster_examples(&dir);
    let story = story_of(&assignments);
    let duplicate_of: HashMap<&str, &str> =
        assignments.iter().filter_map(|a| Some((a["id"].as_str()?, a["duplicate_of"].as_str()?))).collect();
    let expected = [
        ("nordlandsposten-2019-04-09-ferje", "ntb-2019-04-09-ferje-grunn"),
        ("lofotposten-2019-04-09-ferje", "ntb-2019-04-09-ferje-grunn"),
        ("hegnar-2019-03-21-rente", "ntb-2019-03-21-rente"),
        ("newsdaily-2019-03-10-crash", "wire-en-2019-03-10-crash"),
    ];
    assert_eq!(duplicate_of.len(), expected.len(), "{duplicate_of:?}");
    for (copy, original) in expected {
        assert_eq!(duplicate_of.get(copy), Some(&original));
        assert_eq!(story[copy], story[original], "a copy joins its original's story");
    }
    let ferry = stories.iter().find(|s| s["story"] == story["ntb-2019-04-09-ferje-grunn"].as_str()).unwrap();
    assert_eq!(ferry["unique_articles"].as_u64().unwrap() + 2, ferry["articles"].as_u64().unwrap());
    let groups = ferry["copy_groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["original"], "ntb-2019-04-09-ferje-grunn");
    assert_eq!(
        groups[0]["sources"],
        serde_json::json!(["ntb.example", "nordlandsposten.example", "lofotposten.example"])
    );
}

#[test]
fn dedup_can_be_turned_off_and_a_looser_threshold_adds_no_false_copies() {
    let dir = TestDir::new();
    let copies = |flags: &[&str]| {
        let a = dir.path("a.jsonl");
        let out = assert_cmd::Command::cargo_bin("tidings")
            .unwrap()
            .arg("cluster")
            .arg(examples().join("news"))
            .args(flags)
            .arg("--assignments")
            .arg(&a)
            .output()
            .unwrap();
        assert!(out.status.success());
        json_lines(&a).iter().filter(|v| !v["duplicate_of"].is_null()).count()
    };
    assert_eq!(copies(&["--no-dedup"]), 0);
    assert_eq!(copies(&["--dup-threshold", "0.5"]), 4);
}

#[test]
fn sorted_streaming_gives_the_same_stories_and_counts_late_articles() {
    let dir = TestDir::new();
    let mut lines: Vec<(String, String)> = std::fs::read_to_string(examples().join("news/international.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["published"].as_str().unwrap().to_string(), l.to_string())
        })
        .collect();
    lines.sort();
    let sorted: Vec<String> = lines.into_iter().map(|(_, l)| l).collect();
    let input = dir.write("sorted.jsonl", sorted.join("\n"));
    let run = |extra: &[&str], name: &str| {
        let a = dir.path(name);
        let out = assert_cmd::Command::cargo_bin("tidings")
            .unwrap()
            .arg("cluster")
            .arg(&input)
            .args(extra)
            .arg("--assignments")
            .arg(&a)
            .output()
            .unwrap();
        assert!(out.status.success());
        (json_lines(&a), crate::stderr(&out))
    };
    let (buffered, _) = run(&[], "a.jsonl");
    let (streamed, warnings) = run(&["--sorted"], "b.jsonl");
    assert_eq!(buffered, streamed);
    assert!(!warnings.contains("older than"), "{warnings}");
    let mut reversed = sorted.clone();
    reversed.reverse();
    let reversed_path = dir.write("reversed.jsonl", reversed.join("\n"));
    let out = tidings!("cluster", "--sorted", &reversed_path);
    let late = format!("{} articles were older", reversed.len() - 1);
    assert!(crate::stderr(&out).contains(&late), "{}", crate::stderr(&out));
}

#[test]
fn bench_times_a_stream_of_ones_own_per_slice() {
    let news = examples().join("news");
    let out = tidings!("bench", "--input", &news, "--slice", "20");
    assert!(out.status.success(), "{}", crate::stderr(&out));
    let text = stdout(&out);
    let n = sample_articles();
    let slices = text.lines().filter(|l| l.starts_with("articles ") && l.contains("articles/s")).count();
    assert_eq!(slices, n.div_ceil(20), "one line per slice of 20:\n{text}");
    assert!(text.contains(&format!("total: {n} articles in ")), "{text}");
    assert!(text.contains("storylines: ") && text.contains("% of the clustering time"), "{text}");
    let limited = stdout(&tidings!("bench", "--input", &news, "--articles", "25", "--slice", "20"));
    assert!(limited.contains("total: 25 articles in "), "{limited}");
    let both = tidings!("bench", "--input", &news, "--headlines");
    assert!(!both.status.success(), "--headlines makes articles; it cannot apply to a file");
}
