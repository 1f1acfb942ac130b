//! `tidings analyze`: the analyzer's view of each article, as JSON lines.

use crate::{examples, stderr, stdout, tidings};

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

/// A CoNLL-U file we wrote, in NorNE's layout (name tags in the last column).
const TREEBANK: &str = "# text = Jonas Gahr Støre møtte Erna Solberg i Bergen.
1\tJonas\tJonas\tPROPN\t_\t_\t4\tnsubj\t_\tname=B-PER
2\tGahr\tGahr\tPROPN\t_\t_\t1\tflat:name\t_\tname=I-PER
3\tStøre\tStøre\tPROPN\t_\t_\t1\tflat:name\t_\tname=I-PER
4\tmøtte\tmøte\tVERB\t_\t_\t0\troot\t_\tname=O
5\tErna\tErna\tPROPN\t_\t_\t4\tobj\t_\tname=B-PER
6\tSolberg\tSolberg\tPROPN\t_\t_\t5\tflat:name\t_\tname=I-PER
7\ti\ti\tADP\t_\t_\t8\tcase\t_\tname=O
8\tBergen\tBergen\tPROPN\t_\t_\t4\tobl\t_\tSpaceAfter=No|name=B-GPE_LOC
9\t.\t$.\tPUNCT\t_\t_\t4\tpunct\t_\tname=O

# text = Været var fint.
1\tVæret\tvær\tNOUN\t_\t_\t3\tnsubj\t_\tname=O
2\tvar\tvære\tAUX\t_\t_\t3\tcop\t_\tname=O
3\tfint\tfin\tADJ\t_\t_\t0\troot\t_\tSpaceAfter=No|name=O
4\t.\t$.\tPUNCT\t_\t_\t3\tpunct\t_\tname=O
";

#[test]
fn eval_entities_scores_the_names_of_a_treebank() {
    let dir = crate::TestDir::new();
    let file = dir.path("dev.conllu");
    std::fs::write(&file, TREEBANK).unwrap();
    let out = tidings!("eval-entities", &file, "--lang", "nb", "--json");
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["sentences"], 2);
    assert_eq!(v["gold_names"], 3);
    assert_eq!(v["untyped"]["recall"], 1.0, "{v}");
    assert_eq!(v["person_place_recall"], 1.0, "{v}");
    assert_eq!(v["per_type"]["PER"]["recall"], 1.0, "both people typed as people: {v}");

    // Read as one document (the file is its own document): the same names, and with
    // --mistakes, each sentence whose names differ is shown.
    let out = tidings!("eval-entities", &file, "--lang", "nb", "--json", "--documents", &file);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!((v["sentences"].as_u64(), v["untyped"]["recall"].as_f64()), (Some(2), Some(1.0)), "{v}");
    let odd = dir.path("odd.conllu");
    std::fs::write(
        &odd,
        TREEBANK.replace(
            "fint\tfin\tADJ\t_\t_\t0\troot\t_\tSpaceAfter=No|name=O",
            "fint\tfin\tADJ\t_\t_\t0\troot\t_\tSpaceAfter=No|name=B-ORG",
        ),
    )
    .unwrap();
    let out = tidings!("eval-entities", &odd, "--lang", "nb", "--documents", &odd, "--mistakes");
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(printed.contains("Været var fint.\n  missed [\"fint (ORG)\"]\n  found  []"), "{printed}");
    assert!(!printed.contains("Jonas Gahr Støre møtte"), "a sentence without mistakes is not shown: {printed}");

    let bad = dir.path("bad.conllu");
    std::fs::write(&bad, "# text = x\n1\tx\tx\n").unwrap();
    let out = tidings!("eval-entities", &bad);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("bad.conllu") && err.contains("line 2"), "{err}");
}

#[test]
fn train_names_writes_weights_the_analyzer_can_use_and_bad_weights_are_refused() {
    let dir = crate::TestDir::new();
    let treebank = dir.path("train.conllu");
    std::fs::write(&treebank, TREEBANK).unwrap();
    let weights = dir.path("names.tagger");
    let out = tidings!("train-names", &treebank, "--out", &weights, "--bits", "12");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("trained on 1 documents"), "{}", stderr(&out));

    // The weights learned their one example, and the analyzer uses them when named.
    let mut cmd = assert_cmd::Command::cargo_bin("tidings").expect("binary builds");
    cmd.env("TIDINGS_NAME_TAGGER", &weights).args(["eval-entities", "--lang", "nb", "--json"]).arg(&treebank);
    let out = cmd.output().expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["typed"]["recall"], 1.0, "{v}");

    // Excluding the only document leaves nothing to learn from: an error, no file.
    let excluded = dir.path("excluded.tagger");
    let out = tidings!("train-names", &treebank, "--out", &excluded, "--exclude", &treebank);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("nothing left to learn from"), "{}", stderr(&out));
    assert!(!excluded.exists());

    // Weights that are not weights stop the binary before any work, naming the file.
    let bad = dir.path("bad.tagger");
    std::fs::write(&bad, "not weights").unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("tidings").expect("binary builds");
    cmd.env("TIDINGS_NAME_TAGGER", &bad).args(["eval-entities"]).arg(&treebank);
    let out = cmd.output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("TIDINGS_NAME_TAGGER") && err.contains("bad.tagger"), "{err}");
}

#[test]
fn eval_extract_scores_pages_against_hand_written_main_texts() {
    let dir = crate::TestDir::new();
    let root = dir.path("bodies");
    std::fs::create_dir_all(root.join("input")).unwrap();
    std::fs::create_dir_all(root.join("GoldStandard")).unwrap();
    let paragraphs = [
        "The ferry Fjordlys ran aground outside Florø early on Tuesday morning, with forty passengers on board.",
        "All passengers were brought ashore by the rescue service within two hours, and nobody was hurt.",
        "The shipping company says the ferry will be towed to the yard in Bergen for repairs this week.",
        "Investigators from the accident board will interview the crew about the route they chose in the fog.",
    ];
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    let page = format!(
        "<html><head><title>Ferry aground</title></head><body><nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav>\
         <article><h1>Ferry ran aground outside Florø</h1>{body}</article>\
         <footer>Copyright Example News. All rights reserved. Contact us.</footer></body></html>"
    );
    std::fs::write(root.join("input/ferry.html"), page).unwrap();
    let gold: String = paragraphs.iter().map(|p| format!("<p> {p}\n")).collect();
    std::fs::write(root.join("GoldStandard/ferry.txt"), format!("URL: http://example.com/ferry\n\n{gold}")).unwrap();
    // A page without a gold text is not scored.
    std::fs::write(root.join("input/orphan.html"), "<html><body><p>No gold for this one.</p></body></html>").unwrap();
    // A broken table (text straight inside it) is repaired by the HTML parser with a
    // warning about someone else's markup: nothing to print.
    let ferry = std::fs::read_to_string(root.join("input/ferry.html")).unwrap();
    let broken = ferry.replace("<footer>", "<footer><table>Stray text<tr><td>cell</td></tr></table>");
    std::fs::write(root.join("input/ferry.html"), broken).unwrap();
    let out = tidings!("eval-extract", &root);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("foster"), "the parser's repairs are not logged: {}", stderr(&out));
    let out = tidings!("eval-extract", &root, "--json");
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["pages"], 1, "{v}");
    assert_eq!(v["metric"], "4-gram shingles per page");
    assert!(v["recall"].as_f64().unwrap() > 0.95, "the four paragraphs are the main text: {v}");
    assert!(v["precision"].as_f64().unwrap() > 0.8, "navigation and footer left out: {v}");

    let empty = dir.path("empty");
    std::fs::create_dir_all(empty.join("input")).unwrap();
    std::fs::create_dir_all(empty.join("GoldStandard")).unwrap();
    let out = tidings!("eval-extract", &empty);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no page with a gold text"), "{}", stderr(&out));
}
