//! Bad input: each bad record is reported with its file and line, skipped and counted;
//! good records are kept; `--strict` fails the run.

use crate::{TestDir, json_lines, stderr, stdout, tidings};

fn messy_inputs(dir: &TestDir) {
    dir.write(
        "in/a.jsonl",
        "{\"id\": \"ok1\", \"title\": \"Ferje på grunn\", \"text\": \"Ferja gikk på grunn.\"}\nthis is not json\n{\"id\": \"ok2\", \"title\": \"Storm\", \"published\": \"2019-13-45\"}\n{\"id\": \"ok1\", \"title\": \"Same id again\"}\n{\"id\": \"ok3\", \"text\": \"Tekst uten tittel.\", \"published\": \"2019-04\"}\n",
    );
    dir.write("in/empty.txt", "");
    dir.write("in/latin1.txt", b"Overskrift\nBl\xe5b\xe6r".as_slice());
    dir.write("in/broken.rss", "<rss><channel><item><title>Halv");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..500 {
        std::io::Write::write_all(
            &mut gz,
            format!("{{\"id\": \"gz{i}\", \"title\": \"Nyhet nummer {i}\"}}\n").as_bytes(),
        )
        .unwrap();
    }
    let gz = gz.finish().unwrap();
    dir.write("in/cut.jsonl.gz", &gz[..gz.len() * 2 / 3]);
}

#[test]
fn bad_records_are_reported_skipped_and_counted() {
    let dir = TestDir::new();
    messy_inputs(&dir);
    let a = dir.path("a.jsonl");
    let out = tidings!("cluster", dir.path("in"), "--assignments", &a);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    for expected in [
        "a.jsonl:2: invalid JSON",
        "a.jsonl:3: unrecognised date",
        "a.jsonl:4: duplicate id \"ok1\"",
        "empty.txt: empty file",
        "latin1.txt: invalid UTF-8",
        "broken.rss: not a readable",
        "cut.jsonl.gz:",
    ] {
        assert!(err.contains(expected), "stderr lacks {expected:?}:\n{err}");
    }
    let ids: Vec<String> = json_lines(&a).iter().map(|v| v["id"].as_str().unwrap().to_string()).collect();
    assert!(ids.contains(&"ok1".to_string()) && ids.contains(&"ok3".to_string()));
    assert!(ids.iter().filter(|i| i.starts_with("gz")).count() > 50, "articles before the cut are kept");
    assert!(stdout(&out).contains("7 bad records skipped"), "{}", stdout(&out));
}

#[test]
fn strict_mode_fails_but_still_writes() {
    let dir = TestDir::new();
    messy_inputs(&dir);
    let a = dir.path("a.jsonl");
    let out = tidings!("cluster", "--strict", dir.path("in"), "--assignments", &a);
    assert_eq!(out.status.code(), Some(2));
    assert!(!json_lines(&a).is_empty());
}

#[test]
fn missing_input_and_unwritable_output_are_clear_errors() {
    let dir = TestDir::new();
    let out = tidings!("cluster", dir.path("nope.jsonl"));
    assert!(stderr(&out).contains("nope.jsonl: no such file or directory"), "{}", stderr(&out));
    let good = dir.write("g.jsonl", "{\"title\": \"Hei\"}\n");
    let out = tidings!("cluster", &good, "--assignments", dir.path("no/such/dir/a.jsonl"));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot create"), "{}", stderr(&out));
}
