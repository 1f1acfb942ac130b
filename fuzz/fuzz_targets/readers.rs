//! Every reader (JSON Lines, plain text, feeds, OPML, HTML pages, WARC; plain and gzip):
//! the first byte chooses the format, the rest is the file. No input may panic, every
//! record is an article with content and clean, bounded fields, or a bad record that
//! names its file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings_ingest::{Format, MAX_TITLE_CHARS, parse_opml, read_bytes};

const FORMATS: [(Format, &str); 7] = [
    (Format::JsonLines { gzip: false }, "in.jsonl"),
    (Format::JsonLines { gzip: true }, "in.jsonl.gz"),
    (Format::Text, "in.txt"),
    (Format::Feed, "in.rss"),
    (Format::Html, "in.html"),
    (Format::Warc { gzip: false }, "in.warc"),
    (Format::Warc { gzip: true }, "in.warc.gz"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else { return };
    let Some(&(format, name)) = FORMATS.get(usize::from(choice) % (FORMATS.len() + 1)) else {
        let _ = parse_opml(bytes);
        return;
    };
    for record in read_bytes(format, name, bytes.to_vec()) {
        match record {
            Ok(a) => {
                assert!(!a.title.trim().is_empty() || !a.text.trim().is_empty(), "an article without content");
                assert!(a.title.chars().count() <= MAX_TITLE_CHARS + 1, "a title of {} characters", a.title.len());
                assert!(!a.title.chars().any(char::is_control), "a control character in {:?}", a.title);
                assert!(!a.text.contains('\0'), "a NUL in a body");
            }
            Err(bad) => assert!(bad.to_string().starts_with(name), "{bad}"),
        }
    }
});
