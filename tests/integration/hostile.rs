//! Input chosen by someone who wants the tool to fall over: one test per finding of the
//! hostile-input review, against the real binary (and a real server where it serves).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::serve::{Server, TOKEN, sample_store};
use crate::{TestDir, stderr, tidings};

/// `GET path` on a fresh connection; the status and body.
fn get(server: &Server, path: &str) -> (u16, String) {
    let (status, _, body) = server.request("GET", path, &[], b"");
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// The server still answers an ordinary request.
fn alive(server: &Server) {
    let (status, body) = get(server, "/api/v1/stats");
    assert_eq!(status, 200, "the server no longer answers: {body}");
}

#[test]
fn deeply_nested_and_huge_queries_are_refused_and_the_server_lives() {
    let dir = TestDir::new();
    let server = Server::start(&sample_store(&dir), None);
    // The reported crash: about 3,000 `(` overflowed a worker's stack and aborted the server.
    let parens = "%28".repeat(3000);
    let not_so_many = "%28".repeat(900);
    let long_word = "a".repeat(40_000);
    for q in [&parens, &not_so_many, &long_word] {
        for path in [format!("/api/v1/search?q={q}"), format!("/api/v1/stories?q={q}"), format!("/search?q={q}")] {
            let (status, body) = get(&server, &path);
            assert_eq!(status, 400, "{}: {body}", &path[..40]);
            assert!(
                body.contains("parentheses") || body.contains("characters"),
                "the message names the limit: {}",
                &body[..body.len().min(300)]
            );
            alive(&server);
        }
    }
    // Field and range syntax is text, not an error about fields.
    let (status, body) = get(&server, "/api/v1/search?q=title%3Aatomprogram");
    assert_eq!(status, 200, "{body}");
    let (status, body) = get(&server, "/api/v1/search?q=%5B1%20TO%205%5D");
    assert_eq!(status, 200, "{body}");
    // A prefix finds the word it begins.
    let (status, body) = get(&server, "/api/v1/search?q=Vladivost*");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("dagbladet-2019-04-25-kim-putin"), "{body}");
    let (status, body) = get(&server, "/api/v1/search?q=-putin");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("only excludes"), "{body}");
}

#[test]
fn the_search_command_refuses_a_deep_query_without_aborting() {
    let dir = TestDir::new();
    let data = sample_store(&dir);
    let out = tidings!("search", "--data", &data, "(".repeat(20_000));
    assert_eq!(out.status.code(), Some(1), "an error exit, not an abort: {}", stderr(&out));
    assert!(stderr(&out).contains("20000 characters long (at most 1000)"), "{}", stderr(&out));
}

/// Sends a POST's headers with a large `Content-Length` and no body, and reads the
/// answer: the server must answer without waiting for a body it is not going to read.
fn post_headers_only(server: &Server, headers: &str) -> String {
    let mut s = TcpStream::connect(&server.addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let request = format!(
        "POST /api/v1/articles HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 15000000\r\n{headers}\r\n",
        server.addr
    );
    s.write_all(request.as_bytes()).expect("send headers");
    let mut answer = vec![0u8; 4096];
    let n = s.read(&mut answer).expect("an answer before any body byte is sent");
    String::from_utf8_lossy(&answer[..n]).into_owned()
}

#[test]
fn a_write_is_refused_before_its_body_is_read() {
    let dir = TestDir::new();
    let data = sample_store(&dir);
    let server = Server::start_with(&data, Some(TOKEN), &["--max-body-mib", "1"]);
    let answer = post_headers_only(&server, "");
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let answer = post_headers_only(&server, "Authorization: Bearer wrong-token-0123456789ab\r\n");
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    let answer = post_headers_only(&server, &format!("Authorization: Bearer {TOKEN}\r\n"));
    assert!(answer.starts_with("HTTP/1.1 413") && answer.contains("payload_too_large"), "{answer}");
    // A body sent without a length is counted as it arrives.
    let bearer = format!("Bearer {TOKEN}");
    let (status, _, body) = server.request("POST", "/api/v1/articles", &[("Authorization", &bearer)], b"");
    assert_eq!(status, 400, "an empty body: {}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("the body is empty"));
    alive(&server);
}

#[test]
fn without_writes_a_post_is_refused_before_its_body_is_read() {
    let dir = TestDir::new();
    let server = Server::start(&sample_store(&dir), None);
    let answer = post_headers_only(&server, &format!("Authorization: Bearer {TOKEN}\r\n"));
    assert!(answer.starts_with("HTTP/1.1 403") && answer.contains("writes_disabled"), "{answer}");
}

#[test]
fn a_date_far_in_the_future_is_not_believed() {
    let dir = TestDir::new();
    let data = sample_store(&dir);
    let count = |since: &str| -> usize {
        let out = tidings!("stories", "--data", &data, "--since", since, "--json", "--limit", "1000");
        assert!(out.status.success(), "{}", stderr(&out));
        crate::stdout(&out).lines().count()
    };
    let before = count("7d");
    assert!(before > 0);
    let future = dir.write(
        "future.jsonl",
        concat!(
            r#"{"id": "f1", "published": "9998-12-31", "title": "Fremtidig sak om brua i Rognvika", "text": "Denne datoen kan ikke stemme."}"#,
            "\n",
            r#"{"id": "f2", "published": "9999-12-31T23:59:59Z", "title": "Enda en", "text": "Heller ikke denne."}"#,
            "\n",
        ),
    );
    let out = tidings!("ingest", "--data", &data, &future);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("future.jsonl:1: the publication date 9998-12-31 is implausible"), "{err}");
    assert!(err.contains("future.jsonl:2: \"published\" \"9999-12-31T23:59:59Z\" is an implausible date"), "{err}");
    assert!(!err.contains("unrecognised"), "{err}");
    assert_eq!(count("7d"), before, "the views still count back from the newest believable date");
    let out = tidings!("export", "articles", "--data", &data);
    let exported = crate::stdout(&out);
    let f1 = exported.lines().find(|l| l.contains("\"f1\"")).expect("the article is kept");
    assert!(f1.contains("\"published\":null"), "{f1}");
}

#[test]
fn control_characters_and_bidi_overrides_do_not_reach_titles() {
    let dir = TestDir::new();
    let nul = dir.write("nul.txt", vec![0u8; 100_000]);
    let input = dir.write(
        "odd.jsonl",
        "{\"id\": \"o1\", \"title\": \"Brua\\u0000 er \\u202eåpnet\\u001b[2J\", \"text\": \"Tekst om brua.\"}\n",
    );
    let assignments = dir.path("a.jsonl");
    let stories = dir.path("s.jsonl");
    let out = tidings!("cluster", &nul, &input, "--assignments", &assignments, "--stories", &stories);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("nul.txt: empty article"), "a file of NUL bytes is one bad record: {}", stderr(&out));
    let story = &crate::json_lines(&stories)[0];
    assert_eq!(story["title"], "Brua er åpnet[2J");
}

/// A command that runs tidings as a user who may read the test's files but not write
/// them: `nobody` when the tests run as root (root may write anything), else the user
/// itself (the files are made read-only). `None`, with a message, where that cannot be
/// arranged.
fn reader_command() -> Option<std::process::Command> {
    let bin = assert_cmd::cargo::cargo_bin("tidings");
    let uid = std::process::Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some(std::process::Command::new(bin));
    }
    let setpriv = std::process::Command::new("setpriv").arg("--version").output();
    if setpriv.is_err() {
        eprintln!("skipped: running as root without setpriv, so no user can be denied writing");
        return None;
    }
    let mut cmd = std::process::Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(bin);
    Some(cmd)
}

/// Makes everything under `root` readable by all and writable by none.
fn read_only(root: &std::path::Path) {
    let status = std::process::Command::new("chmod").args(["-R", "a+rX,a-w"]).arg(root).status().expect("chmod");
    assert!(status.success());
}

#[test]
fn a_read_only_data_directory_can_be_searched_and_served() {
    let Some(_) = reader_command() else { return };
    let dir = TestDir::new();
    let data = sample_store(&dir);
    read_only(&dir.path(""));
    let reader = |args: &[&str]| {
        let mut cmd = reader_command().expect("checked above");
        cmd.args(args).arg("--data").arg(&data);
        cmd.output().expect("runs")
    };
    let out = reader(&["search", "atomprogram"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(crate::stdout(&out).contains("articles match"), "{}", crate::stdout(&out));
    let out = reader(&["reindex"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("this user may not write to the data directory"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("Lockfile"), "{}", stderr(&out));

    let server = Server::start_command(reader_command().expect("checked above"), &data, None, &[]);
    let (status, body) = get(&server, "/api/v1/search?q=atomprogram");
    assert_eq!(status, 200, "{body}");
    let (status, body) = get(&server, "/search?q=atomprogram");
    assert_eq!(status, 200, "{body}");
    drop(server);

    // Without an index, a reader cannot build one, and is told what to do.
    let writable =
        || std::process::Command::new("chmod").args(["-R", "u+w"]).arg(dir.path("")).status().expect("chmod");
    writable();
    std::fs::remove_dir_all(data.join("index")).expect("index removed");
    read_only(&data);
    let out = reader(&["search", "atomprogram"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("run `tidings reindex` once as a user who may"), "{}", stderr(&out));
    writable();
}

#[test]
fn a_file_of_repeated_ids_prints_a_few_messages_and_a_count() {
    let dir = TestDir::new();
    let line = "{\"id\": \"same\", \"title\": \"Samme sak igjen\", \"text\": \"Teksten gjentas.\"}\n";
    let input = dir.write("repeated.jsonl", line.repeat(5000));
    let out = tidings!("cluster", &input, "--assignments", dir.path("a.jsonl"));
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.matches("duplicate id").count(), 10, "{err}");
    assert!(err.contains("repeated.jsonl: 4999 bad records in all (4989 not shown)"), "{err}");
    assert!(crate::stdout(&out).contains("4999 bad records skipped"), "{}", crate::stdout(&out));
    assert!(!err.contains('\u{1b}'), "no colour codes when stderr is not a terminal: {err:?}");
}

#[test]
fn a_query_padded_with_white_space_is_measured_as_sent() {
    let dir = TestDir::new();
    let server = Server::start(&sample_store(&dir), None);
    // U+0085 is white space: trimmed first, 1,200 of them made a query look short.
    let padded = format!("putin{}", "%C2%85".repeat(1200));
    for path in [format!("/api/v1/stories?q={padded}"), format!("/api/v1/search?q={padded}")] {
        let (status, body) = get(&server, &path);
        assert_eq!(status, 400, "{body}");
        assert!(body.contains("characters long (at most 1000)"), "{body}");
    }
}
