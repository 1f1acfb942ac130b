//! The optional semantic model (`--model DIR`): a tiny static model that the test writes
//! (model2vec's layout) carries a story across languages where the words cannot, a bad
//! model directory is refused with its path, and a store remembers the model it was
//! placed with.

use std::path::Path;

use crate::{TestDir, json_lines, stderr, tidings};

/// Words of the tiny model and the axis each leans on: the grounded ferry (0), the
/// budget (1), the strike (2), the storm (3), in Norwegian and English alike.
const WORDS: [(&str, usize); 12] = [
    ("ferja", 0),
    ("grunnstøtte", 0),
    ("vessel", 0),
    ("aground", 0),
    ("budsjett", 1),
    ("budget", 1),
    ("streik", 2),
    ("strike", 2),
    ("uvær", 3),
    ("storm", 3),
    ("passasjerene", 0),
    ("passengers", 0),
];
const DIMS: usize = 4;

/// Writes tokenizer.json (Unigram over whole words) and model.safetensors (F32).
fn write_model(dir: &Path) {
    std::fs::create_dir_all(dir).expect("model directory");
    let mut vocab = vec![serde_json::json!(["<unk>", 0.0])];
    vocab.extend(WORDS.iter().map(|(w, _)| serde_json::json!([format!("\u{2581}{w}"), -5.0])));
    let tokenizer = serde_json::json!({
        "version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u{2581}", "prepend_scheme": "always", "split": true},
        "post_processor": null, "decoder": null,
        "model": {"type": "Unigram", "unk_id": 0, "vocab": vocab, "byte_fallback": false}
    });
    std::fs::write(dir.join("tokenizer.json"), tokenizer.to_string()).expect("tokenizer written");
    let mut rows = vec![0.0f32; DIMS];
    for (_, axis) in WORDS {
        let mut row = [0.0f32; DIMS];
        row[axis] = 1.0;
        rows.extend(row);
    }
    let data: Vec<u8> = rows.iter().flat_map(|v| v.to_le_bytes()).collect();
    let header = serde_json::json!({"embeddings": {"dtype": "F32", "shape": [WORDS.len() + 1, DIMS], "data_offsets": [0, data.len()]}});
    let mut header = header.to_string().into_bytes();
    header.resize(header.len().div_ceil(8) * 8, b' ');
    let mut file = (header.len() as u64).to_le_bytes().to_vec();
    file.extend(header);
    file.extend(data);
    std::fs::write(dir.join("model.safetensors"), file).expect("matrix written");
}

/// Background news in both languages (so each language has a mean to remove), and one
/// grounding reported in Norwegian and in English that share one number and no word: the
/// number finds the other report as a candidate, too little to join it.
fn articles(path: &Path) {
    let lines = [
        ("bg-nb-1", "nb", "Budsjett lagt fram", "Regjeringen la fram budsjett for neste år med lavere skatt."),
        ("bg-en-1", "en", "Budget unveiled", "The government unveiled its budget for next year with lower taxes."),
        ("bg-nb-2", "nb", "Lærerne i streik", "Lærerne gikk ut i streik i morges etter brudd i meklingen."),
        ("bg-en-2", "en", "Teachers strike", "Teachers went on strike this morning after mediation broke down."),
        ("bg-nb-3", "nb", "Uvær over kysten", "Uvær med sterk vind stengte veier og fjelloverganger i natt."),
        ("bg-en-3", "en", "Storm hits coast", "A storm with strong winds closed roads and mountain passes overnight."),
        (
            "ferry-nb",
            "nb",
            "Ferja grunnstøtte",
            "Ferja fikk grunnstøtte i leia, og de 42 passasjerene ble fraktet i land.",
        ),
        (
            "ferry-en",
            "en",
            "Vessel aground",
            "The vessel ran aground in the channel and its 42 passengers were taken ashore.",
        ),
    ];
    let text: String = lines
        .iter()
        .map(|(id, lang, title, text)| {
            serde_json::json!({"id": id, "lang": lang, "title": title, "text": text, "source": "test"}).to_string()
                + "\n"
        })
        .collect();
    std::fs::write(path, text).expect("articles written");
}

fn stories_of(out_path: &Path) -> std::collections::HashMap<String, String> {
    crate::cluster::story_of(&json_lines(out_path))
}

#[test]
fn a_model_carries_a_story_across_languages_where_the_words_cannot() {
    let dir = TestDir::new();
    let (model, input, plain, with) =
        (dir.path("model"), dir.path("in.jsonl"), dir.path("plain.jsonl"), dir.path("with.jsonl"));
    write_model(&model);
    articles(&input);
    let out = tidings!("cluster", &input, "--assignments", &plain);
    assert!(out.status.success(), "{}", stderr(&out));
    let story = stories_of(&plain);
    assert_ne!(story["ferry-nb"], story["ferry-en"], "without a model nothing links them");
    let out = tidings!("cluster", &input, "--assignments", &with, "--model", &model);
    assert!(out.status.success(), "{}", stderr(&out));
    let story = stories_of(&with);
    assert_eq!(story["ferry-nb"], story["ferry-en"], "the model links them");
    assert_ne!(story["bg-nb-1"], story["ferry-en"]);
    assert_eq!(story["bg-nb-2"], story["bg-en-2"], "strike and streik meet as before (the lexicon)");
}

#[test]
fn a_model_directory_that_cannot_be_read_is_refused_with_its_path() {
    let dir = TestDir::new();
    let input = dir.path("in.jsonl");
    articles(&input);
    let missing = dir.path("no-model");
    let out = tidings!("cluster", &input, "--model", &missing);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("tokenizer.json"), "{}", stderr(&out));

    let broken = dir.path("broken");
    write_model(&broken);
    std::fs::write(broken.join("model.safetensors"), b"not a matrix").expect("written");
    let out = tidings!("cluster", &input, "--model", &broken);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("model.safetensors") && !err.contains("panicked"), "{err}");
}

#[test]
fn a_store_remembers_its_model_and_another_model_places_everything_again() {
    let dir = TestDir::new();
    let (model, input, store) = (dir.path("model"), dir.path("in.jsonl"), dir.path("store"));
    write_model(&model);
    articles(&input);
    let out = tidings!("ingest", &input, "--data", &store, "--model", &model);
    assert!(out.status.success(), "{}", stderr(&out));
    let stories = |store: &Path| {
        let out = tidings!("export", "--data", store);
        assert!(out.status.success(), "{}", stderr(&out));
        let lines: Vec<serde_json::Value> =
            crate::stdout(&out).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
        lines
            .iter()
            .map(|v| (v["id"].as_str().unwrap_or("").to_string(), v["story"].to_string()))
            .collect::<std::collections::HashMap<_, _>>()
    };
    let first = stories(&store);
    assert_eq!(first["ferry-nb"], first["ferry-en"]);

    // Later articles without --model: the store's model is used (the checkpoint resumes).
    let later = dir.path("later.jsonl");
    std::fs::write(
        &later,
        serde_json::json!({"id": "ferry-en-2", "lang": "en", "title": "Passengers ashore", "text": "All passengers of the vessel that ran aground are ashore.", "source": "test"}).to_string() + "\n",
    )
    .expect("written");
    let out = tidings!("ingest", &later, "--data", &store, "-v");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("re-placing"), "{}", stderr(&out));
    assert_eq!(stories(&store)["ferry-en-2"], first["ferry-en"]);

    // A model somewhere else: every article is placed again, with a warning.
    let other = dir.path("other-model");
    write_model(&other);
    let out = tidings!("ingest", &later, "--data", &store, "--model", &other);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("re-placing every article"), "{}", stderr(&out));

    // The store's model gone: a clear error that names it.
    std::fs::remove_dir_all(&other).expect("removed");
    let out = tidings!("ingest", &later, "--data", &store);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("other-model"), "{}", stderr(&out));
}
