//! Property tests: no input makes a reader panic, and every record is either an article
//! with content or a bad record that names where it came from.

use std::io::Write;

use proptest::prelude::*;
use tidings_ingest::{Reader, expand_inputs};

fn read_file(name: &str, bytes: &[u8]) -> Vec<tidings_ingest::Record> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path).unwrap().write_all(bytes).unwrap();
    let (inputs, problems) = expand_inputs(&[path]);
    assert!(problems.is_empty());
    Reader::new(inputs).collect()
}

fn check(records: &[tidings_ingest::Record], file: &str) {
    for r in records {
        match r {
            Ok(a) => assert!(!a.title.trim().is_empty() || !a.text.trim().is_empty()),
            Err(bad) => assert!(bad.to_string().contains(file), "{bad}"),
        }
    }
}

/// Byte strings that look a little like the formats, so that parsers get past their
/// first check more often than with uniform noise.
fn jsonish() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            Just(b"{\"title\": \"".to_vec()),
            Just(b"\", \"published\": \"2019-04".to_vec()),
            Just(b"\"}\n".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"{\"id\": 1, \"text\": null}".to_vec()),
            Just("æøå\u{0}\"\\".as_bytes().to_vec()),
            prop::collection::vec(any::<u8>(), 0..12),
        ],
        0..30,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn json_lines_never_panic(bytes in jsonish()) {
        let records = read_file("x.jsonl", &bytes);
        check(&records, "x.jsonl");
    }

    #[test]
    fn text_files_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), header in "(  )?date [0-9]{4}(-[0-9]{2}){0,2}( [a-zæøå]+| ÅPNET: [A-Za-z ]+)?\n") {
        let mut with_header = header.into_bytes();
        with_header.extend_from_slice(&bytes);
        check(&read_file("a.txt", &with_header), "a.txt");
        check(&read_file("b.txt", &bytes), "b.txt");
    }

    #[test]
    fn feeds_never_panic(body in "[<>a-z/=\" \n&;]{0,300}") {
        let doc = format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><item>{body}</item></channel></rss>");
        check(&read_file("f.rss", doc.as_bytes()), "f.rss");
        check(&read_file("g.atom", body.as_bytes()), "g.atom");
    }

    #[test]
    fn sitemaps_never_panic(body in "[<>a-z:/=\" \n&;#0-9]{0,300}", zipped in prop::collection::vec(any::<u8>(), 0..200)) {
        for doc in [
            format!("<urlset xmlns:news=\"n\"><url><loc>https://a.example/{body}</loc>{body}</url></urlset>"),
            format!("<sitemapindex><sitemap>{body}</sitemap></sitemapindex>"),
        ] {
            let _ = tidings_ingest::parse_sitemap(doc.as_bytes(), std::sync::Arc::from("s.xml"));
        }
        let mut gz = vec![0x1f, 0x8b, 8, 0];
        gz.extend_from_slice(&zipped);
        let _ = tidings_ingest::parse_sitemap(&gz, std::sync::Arc::from("s.xml.gz"));
    }

    #[test]
    fn gzip_noise_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut gz = vec![0x1f, 0x8b, 8, 0];
        gz.extend_from_slice(&bytes);
        check(&read_file("z.jsonl.gz", &gz), "z.jsonl.gz");
    }
}

/// Byte strings that look a little like WARC records holding HTTP responses.
fn warcish() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            Just(b"WARC/1.0\r\nWARC-Type: response\r\n".to_vec()),
            Just(b"Content-Length: 40\r\n\r\n".to_vec()),
            Just(b"Content-Length: 99999999999999999999\r\n\r\n".to_vec()),
            Just(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec()),
            Just(b"<html><body><p>Ferja gikk p\xe5 grunn</p></body></html>".to_vec()),
            Just(b"ff\r\n".to_vec()),
            Just(b"\r\n".to_vec()),
            prop::collection::vec(any::<u8>(), 0..24),
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn warc_files_never_panic(bytes in warcish()) {
        check(&read_file("c.warc", &bytes), "c.warc");
        check(&read_file("p.html", &bytes), "p.html");
    }
}
