//! JSON Lines: one article object per line (`.jsonl`, `.ndjson`, gzip, or stdin).

use std::io::{BufRead, ErrorKind};
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;
use tidings_article::{Article, Origin, looks_like_date, parse_published};

use crate::{BadRecord, Record, accept, derive_id};

/// Lines longer than this are skipped with a message instead of being buffered: an
/// article is a few kilobytes, and one runaway line must not exhaust memory.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// The fields tidings reads; unknown fields are ignored. `id` and `published` are
/// loosely typed here so that a numeric id or a wrong type gets a clear message.
#[derive(Deserialize)]
struct RawArticle {
    id: Option<Value>,
    published: Option<Value>,
    title: Option<String>,
    text: Option<String>,
    lang: Option<String>,
    source: Option<String>,
    url: Option<String>,
    section: Option<String>,
}

/// Streams the records of one JSON Lines input. Stops after an I/O error (such as a
/// truncated gzip stream), which it reports as one last bad record.
pub struct JsonLines<R> {
    input: R,
    file: Arc<str>,
    line_no: u64,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> JsonLines<R> {
    pub fn new(input: R, file: Arc<str>) -> Self {
        Self { input, file, line_no: 0, buf: Vec::new(), done: false }
    }

    fn origin(&self) -> Origin {
        Origin::new(self.file.clone(), Some(self.line_no))
    }

    /// Reads one line into `buf` without ever holding more than [`MAX_LINE_BYTES`].
    /// Returns `Ok(None)` at end of input and `Ok(Some(false))` for an over-long line.
    fn read_line(&mut self) -> std::io::Result<Option<bool>> {
        self.buf.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                return Ok(any.then_some(!too_long));
            }
            any = true;
            let (part, found) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (&chunk[..i], true),
                None => (chunk, false),
            };
            if !too_long && self.buf.len() + part.len() <= MAX_LINE_BYTES {
                self.buf.extend_from_slice(part);
            } else {
                too_long = true;
                self.buf.clear();
            }
            let used = part.len() + usize::from(found);
            self.input.consume(used);
            if found {
                return Ok(Some(!too_long));
            }
        }
    }
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        while !self.done {
            self.line_no += 1;
            match self.read_line() {
                Ok(None) => self.done = true,
                Ok(Some(false)) => {
                    let reason = format!("line longer than {} MiB, skipped", MAX_LINE_BYTES >> 20);
                    return Some(Err(BadRecord::new(self.origin(), reason)));
                }
                Ok(Some(true)) => {
                    let line = self.buf.trim_ascii();
                    if line.is_empty() {
                        continue;
                    }
                    return Some(parse_line(line, self.origin()));
                }
                Err(err) => {
                    self.done = true;
                    let reason = format!("cannot read further ({err}); is the file truncated?");
                    return Some(Err(BadRecord::new(self.origin(), reason)));
                }
            }
        }
        None
    }
}

/// Parses one line into an article, or says exactly what is wrong with it.
pub fn parse_line(line: &[u8], origin: Origin) -> Record {
    let fail = |reason: String| Err(BadRecord::new(origin.clone(), reason));
    if let Err(e) = std::str::from_utf8(line) {
        return fail(format!("invalid UTF-8 at byte {}", e.valid_up_to()));
    }
    let raw: RawArticle = match serde_json::from_slice(line) {
        Ok(raw) => raw,
        Err(e) => return fail(format!("invalid JSON article: {e}")),
    };
    let published = match raw.published {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => match parse_published(&s) {
            Some(p) => Some(p),
            None if looks_like_date(&s) => {
                tracing::warn!(
                    "{origin}: \"published\" {s:?} is an implausible date; the article is kept without a date"
                );
                None
            }
            None => return fail(format!("unrecognised date in \"published\": {s:?}")),
        },
        Some(other) => return fail(format!("\"published\" must be a string or null, not {other}")),
    };
    let title = raw.title.unwrap_or_default();
    let text = raw.text.unwrap_or_default();
    let url = raw.url.filter(|u| !u.trim().is_empty());
    let id = match record_id(raw.id.as_ref(), url.as_deref(), &title, &text) {
        Ok(id) => id,
        Err(reason) => return fail(reason),
    };
    let mut article = Article {
        id,
        published,
        title,
        text,
        lang: raw.lang.filter(|l| !l.trim().is_empty()),
        source: raw.source.filter(|s| !s.trim().is_empty()),
        url,
        section: raw.section,
        origin: origin.clone(),
    };
    if !accept(&mut article) {
        return fail("article has neither a title nor a text".into());
    }
    Ok(article)
}

/// The id of a JSON record: its `id` (a string or a number), else one derived from its URL
/// or content. Shared with whoever must find the same ids again (gold label files).
pub fn record_id(id: Option<&Value>, url: Option<&str>, title: &str, text: &str) -> Result<String, String> {
    match id {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        None | Some(Value::Null) | Some(Value::String(_)) => Ok(derive_id(url, title, text)),
        Some(other) => Err(format!("\"id\" must be a string or number, not {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &[u8]) -> Vec<Record> {
        JsonLines::new(input, Arc::from("t.jsonl")).collect()
    }

    #[test]
    fn reads_articles_and_skips_blank_lines() {
        let input = br#"{"id": "a", "published": "2019-04-25T06:10:00+02:00", "title": "T", "text": "B", "lang": "nb", "extra": [1]}

{"title": "Only a title", "url": "https://example.no/x"}
{"id": 7, "text": "Only text", "published": null}
"#;
        let records = read(input);
        assert_eq!(records.len(), 3);
        let a = records[0].as_ref().unwrap();
        assert_eq!((a.id.as_str(), a.lang.as_deref()), ("a", Some("nb")));
        assert!(a.published.is_some());
        assert_eq!(records[1].as_ref().unwrap().id, "https://example.no/x");
        let c = records[2].as_ref().unwrap();
        assert_eq!(c.id, "7");
        assert_eq!(c.origin.to_string(), "t.jsonl:4");
    }

    #[test]
    fn bad_lines_name_their_line_and_reason() {
        let input = b"{\"title\": \"ok\"}\nnot json\n{\"published\": \"soon\", \"title\": \"x\"}\n{\"id\": \"e\"}\n{\"title\": \"\xff\"}\n{\"title\": \"still ok\"}";
        let records = read(input);
        let reasons: Vec<String> = records.iter().filter_map(|r| r.as_ref().err().map(|e| e.to_string())).collect();
        assert_eq!(records.len(), 6);
        assert!(reasons[0].starts_with("t.jsonl:2: invalid JSON"), "{}", reasons[0]);
        assert!(reasons[1].contains("t.jsonl:3") && reasons[1].contains("soon"));
        assert!(reasons[2].contains("neither a title nor a text"));
        assert!(reasons[3].contains("invalid UTF-8"));
        assert_eq!(records[5].as_ref().unwrap().title, "still ok");
    }

    #[test]
    fn derived_ids_are_stable_content_hashes() {
        let a = read(b"{\"title\": \"Same\"}\n{\"title\": \"Same\"}\n{\"title\": \"Other\"}");
        let ids: Vec<_> = a.iter().map(|r| r.as_ref().unwrap().id.clone()).collect();
        assert_eq!(ids[0], ids[1]);
        assert_ne!(ids[0], ids[2]);
        assert!(ids[0].starts_with('h'));
    }

    #[test]
    fn over_long_line_is_skipped_and_reading_continues() {
        let mut input = Vec::new();
        input.extend_from_slice(b"{\"title\": \"");
        input.resize(MAX_LINE_BYTES + 100, b'a');
        input.extend_from_slice(b"\"}\n{\"title\": \"after\"}\n");
        let records = read(&input);
        assert_eq!(records.len(), 2);
        assert!(records[0].as_ref().unwrap_err().reason.contains("longer than"));
        assert_eq!(records[1].as_ref().unwrap().title, "after");
    }
}
