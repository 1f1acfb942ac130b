//! WARC files (`.warc`, `.warc.gz` as in CC-NEWS): every `response` record that holds an
//! HTML page with status 200 becomes an article, extracted like a fetched page. The
//! article's time is the page's own publication time, never the crawl's `WARC-Date`.
//!
//! The record framing (a `WARC/1.x` line, headers, `Content-Length` bytes of block) is
//! read here directly: the `warc` crate would bring chrono, url, uuid and a second
//! deflate implementation for these forty lines. The HTTP head inside a record is parsed
//! by httparse. Pages are extracted in parallel, a batch at a time, in file order.

use std::io::{BufRead, Read};
use std::sync::Arc;

use rayon::prelude::*;
use tidings_article::Origin;
use tidings_extract::decode;

use crate::page::{PageHints, page_article};
use crate::{BadRecord, Record};

/// Larger records are skipped with a message (a page is rarely over a few MiB).
const MAX_RECORD_BYTES: u64 = 32 << 20;
/// Records extracted in parallel at a time.
const BATCH: usize = 128;
/// HTTP header lines a response head may have.
const MAX_HEADERS: usize = 128;

/// The records of one WARC stream, as articles and bad records.
pub struct WarcRecords<R> {
    input: R,
    file: Arc<str>,
    /// Number of the last record read (1-based, counting every WARC record).
    record: u64,
    ready: std::vec::IntoIter<Record>,
    done: bool,
    /// A record's first line, read while skipping a bad record.
    pending: Option<String>,
}

/// A page found in the archive, not yet extracted.
struct RawPage {
    record: u64,
    url: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl<R: BufRead> WarcRecords<R> {
    pub fn new(input: R, file: Arc<str>) -> Self {
        Self { input, file, record: 0, ready: Vec::new().into_iter(), done: false, pending: None }
    }

    fn origin(&self, record: u64) -> Origin {
        Origin::new(self.file.clone(), Some(record))
    }

    /// Reads raw pages (and problems) until a batch is full or the input ends.
    fn fill(&mut self) -> Vec<Result<RawPage, BadRecord>> {
        let mut batch = Vec::with_capacity(BATCH);
        while batch.len() < BATCH && !self.done {
            match self.next_block() {
                Ok(Some((headers, block))) => {
                    if let Some(page) = self.response_page(&headers, block) {
                        batch.push(page);
                    }
                }
                Ok(None) => self.done = true,
                Err(bad) => batch.push(Err(bad)),
            }
        }
        batch
    }

    /// The next record's headers (lowercased names) and block; `None` at the end.
    /// A record whose framing cannot be trusted (no `WARC/` line where one should be, no
    /// valid `Content-Length`, or one over the limit) is reported, and reading resumes at
    /// the next `WARC/1.x` line, so one bad record does not hide the ones after it.
    #[allow(clippy::type_complexity)]
    fn next_block(&mut self) -> Result<Option<(Vec<(String, String)>, Vec<u8>)>, BadRecord> {
        let mut line = match self.pending.take() {
            Some(line) => line,
            None => {
                let mut line = String::new();
                loop {
                    line.clear();
                    match self.read_line(&mut line)? {
                        0 => return Ok(None),
                        _ if line.trim().is_empty() => continue,
                        _ => break line,
                    }
                }
            }
        };
        self.record += 1;
        let record = self.record;
        if !line.starts_with("WARC/") {
            let start: String = line.trim().chars().take(40).collect();
            return Err(self.skip_to_next_record(record, &format!("not a WARC record (starts with {start:?})")));
        }
        let mut headers = Vec::new();
        loop {
            line.clear();
            if self.read_line(&mut line)? == 0 || line.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
        let declared = header(&headers, "content-length");
        let Some(length) = declared.and_then(|v| v.parse::<u64>().ok()) else {
            let why = match declared {
                Some(v) => {
                    format!("WARC record with an invalid Content-Length {:?}", v.chars().take(40).collect::<String>())
                }
                None => "WARC record without a Content-Length".to_string(),
            };
            return Err(self.skip_to_next_record(record, &why));
        };
        if length > MAX_RECORD_BYTES {
            let why = format!("record of {} MiB (larger than {} MiB)", length >> 20, MAX_RECORD_BYTES >> 20);
            return Err(self.skip_to_next_record(record, &why));
        }
        let mut block = Vec::with_capacity(length as usize);
        (&mut self.input).take(length).read_to_end(&mut block).map_err(|e| self.io(e))?;
        if (block.len() as u64) < length {
            self.done = true;
            return Err(BadRecord::new(self.origin(record), "truncated WARC record (the file ends inside it)"));
        }
        Ok(Some((headers, block)))
    }

    /// Reads on to the next line that starts a WARC record (kept for [`Self::next_block`])
    /// and returns the bad record's message, which says how much was skipped, or that
    /// the rest of the file was, and why.
    fn skip_to_next_record(&mut self, record: u64, why: &str) -> BadRecord {
        let mut skipped = 0u64;
        let mut line = String::new();
        loop {
            line.clear();
            match self.read_line(&mut line) {
                Ok(0) => {
                    self.done = true;
                    let reason = format!(
                        "{why}; no WARC record follows it, so the rest of the file ({skipped} bytes) was skipped"
                    );
                    return BadRecord::new(self.origin(record), reason);
                }
                Ok(_) if line.starts_with("WARC/1.") => {
                    self.pending = Some(std::mem::take(&mut line));
                    let reason = format!("{why}; skipped {skipped} bytes to the next record");
                    return BadRecord::new(self.origin(record), reason);
                }
                Ok(n) => skipped += n as u64,
                Err(bad) => return bad,
            }
        }
    }

    fn read_line(&mut self, line: &mut String) -> Result<usize, BadRecord> {
        let mut bytes = Vec::new();
        let n = (&mut self.input).take(64 * 1024).read_until(b'\n', &mut bytes).map_err(|e| self.io(e))?;
        line.push_str(&String::from_utf8_lossy(&bytes));
        Ok(n)
    }

    fn io(&mut self, e: std::io::Error) -> BadRecord {
        self.done = true;
        let reason = if e.kind() == std::io::ErrorKind::UnexpectedEof || e.to_string().contains("corrupt deflate") {
            format!("truncated or corrupt archive: {e}")
        } else {
            format!("cannot read: {e}")
        };
        BadRecord::new(self.origin(self.record), reason)
    }

    /// The HTML page of a `response` record with status 200; other records are not
    /// articles and are passed over quietly (request, metadata, redirects, images).
    fn response_page(&self, headers: &[(String, String)], block: Vec<u8>) -> Option<Result<RawPage, BadRecord>> {
        if header(headers, "warc-type") != Some("response") {
            return None;
        }
        let head = HttpHead::parse(&block);
        let Some(head) = head else {
            return Some(Err(BadRecord::new(self.origin(self.record), "response record without an HTTP head")));
        };
        if head.status != 200 {
            return None;
        }
        let content_type = head.get("content-type");
        if !content_type.as_deref().is_some_and(|t| t.to_ascii_lowercase().contains("html")) {
            return None;
        }
        let http = |name: &str| head.get(name);
        let head_len = head.len;
        let mut body = block;
        body.drain(..head_len);
        if http("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
            body = dechunk(&body);
        }
        if http("content-encoding").is_some_and(|e| e.eq_ignore_ascii_case("gzip")) {
            let mut plain = Vec::new();
            if flate2::read::MultiGzDecoder::new(body.as_slice()).read_to_end(&mut plain).is_ok() {
                body = plain;
            }
        }
        let url = header(headers, "warc-target-uri").map(|u| u.trim_matches(['<', '>']).to_string());
        Some(Ok(RawPage { record: self.record, url, content_type, body }))
    }
}

impl<R: BufRead> Iterator for WarcRecords<R> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            if let Some(record) = self.ready.next() {
                return Some(record);
            }
            if self.done {
                return None;
            }
            let raw = self.fill();
            let file = self.file.clone();
            let extracted: Vec<Record> = raw
                .into_par_iter()
                .map(|page| {
                    let page = page?;
                    let html = decode(&page.body, page.content_type.as_deref());
                    let hints = PageHints { url: page.url, ..PageHints::default() };
                    page_article(&html, &hints, Origin::new(file.clone(), Some(page.record)))
                })
                .collect();
            self.ready = extracted.into_iter();
        }
    }
}

/// The parts of an HTTP response head that decide how to read its body.
struct HttpHead {
    status: u16,
    headers: Vec<(String, String)>,
    /// Bytes of the head, where the body starts.
    len: usize,
}

impl HttpHead {
    fn parse(block: &[u8]) -> Option<HttpHead> {
        let mut parsed = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut parsed);
        let httparse::Status::Complete(len) = response.parse(block).ok()? else { return None };
        let headers = response
            .headers
            .iter()
            .map(|h| (h.name.to_ascii_lowercase(), String::from_utf8_lossy(h.value).into_owned()))
            .collect();
        Some(HttpHead { status: response.code?, headers, len })
    }

    fn get(&self, name: &str) -> Option<String> {
        header(&self.headers, name).map(str::to_string)
    }
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// Undoes HTTP chunked transfer coding; a malformed tail keeps what came before it.
fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size_field = String::from_utf8_lossy(&b[..eol]);
        let Ok(size) = usize::from_str_radix(size_field.split(';').next().unwrap_or("").trim(), 16) else { break };
        let start = eol + 2;
        if size == 0 || start + size > b.len() {
            break;
        }
        out.extend_from_slice(&b[start..start + size]);
        b = &b[(start + size + 2).min(b.len())..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// One WARC record with the given type and block.
    pub fn record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2026-11-01T00:00:00Z\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn http(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
        let mut b = format!("HTTP/1.1 {status}\r\n{headers}\r\n").into_bytes();
        b.extend_from_slice(body);
        b
    }

    const PAGE: &str = r#"<html lang="en"><head><meta property="article:published_time" content="2026-10-30T08:00:00Z">
<meta property="og:title" content="Harbour strike ends after nine days"></head><body><article>
<p>Dock workers in the northern port returned to work on Thursday after nine days on strike, when the union accepted a pay rise of four per cent over two years.</p>
</article></body></html>"#;

    fn archive() -> Vec<u8> {
        let mut w = Vec::new();
        w.extend(record("warcinfo", "", b"software: test\r\n"));
        w.extend(record("request", "https://port.example/strike", b"GET /strike HTTP/1.1\r\n\r\n"));
        w.extend(record(
            "response",
            "https://port.example/strike",
            &http("200 OK", "Content-Type: text/html\r\n", PAGE.as_bytes()),
        ));
        w.extend(record(
            "response",
            "https://port.example/logo.png",
            &http("200 OK", "Content-Type: image/png\r\n", b"\x89PNG"),
        ));
        w.extend(record("response", "https://port.example/old", &http("301 Moved", "Location: /new\r\n", b"")));
        let latin1 = b"<html><body><article><p>Str\xf8mprisen i nord steg igjen denne uka, og mange husholdninger i Troms og Finnmark f\xe5r regninger som er dobbelt s\xe5 store som i fjor, viser nye tall.</p></article></body></html>";
        let chunked = [format!("{:x}\r\n", latin1.len()).as_bytes(), latin1, b"\r\n0\r\n\r\n"].concat();
        w.extend(record(
            "response",
            "<https://nord.example/strom>",
            &http("200 OK", "Content-Type: text/html; charset=iso-8859-1\r\nTransfer-Encoding: chunked\r\n", &chunked),
        ));
        w
    }

    #[test]
    fn html_responses_become_articles_with_the_pages_own_time() {
        let records: Vec<Record> = WarcRecords::new(archive().as_slice(), Arc::from("a.warc")).collect();
        assert_eq!(records.len(), 2, "{records:?}");
        let a = records[0].as_ref().expect("first page");
        assert_eq!(a.title, "Harbour strike ends after nine days");
        assert_eq!(a.id, "https://port.example/strike");
        assert_eq!(a.published.map(|p| p.at.to_string()).as_deref(), Some("2026-10-30T08:00:00Z"), "not the WARC date");
        assert_eq!(a.origin.to_string(), "a.warc:3");
        let b = records[1].as_ref().expect("latin-1, chunked page");
        assert!(b.text.contains("Strømprisen i nord") && b.text.contains("får regninger"), "{}", b.text);
        assert_eq!(b.url.as_deref(), Some("https://nord.example/strom"));
        assert!(b.published.is_none());
    }

    #[test]
    fn gzip_members_and_truncation() {
        let mut gz = Vec::new();
        for chunk in archive().chunks(400) {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(chunk).expect("gzip");
            gz.extend(enc.finish().expect("gzip"));
        }
        let read = |bytes: &[u8]| -> Vec<Record> {
            let input = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(bytes));
            WarcRecords::new(input, Arc::from("a.warc.gz")).collect()
        };
        assert_eq!(read(&gz).iter().filter(|r| r.is_ok()).count(), 2);
        let cut = read(&gz[..gz.len() * 3 / 4]);
        let (ok, bad): (Vec<_>, Vec<_>) = cut.iter().partition(|r| r.is_ok());
        assert_eq!(ok.len(), 1, "the page before the cut is kept");
        assert_eq!(bad.len(), 1, "{bad:?}");
        let reason = &bad[0].as_ref().expect_err("bad").reason;
        assert!(reason.contains("truncated"), "{reason}");
    }

    #[test]
    fn garbage_is_one_clear_error() {
        let records: Vec<Record> = WarcRecords::new(b"hello\nworld\n".as_slice(), Arc::from("x.warc")).collect();
        assert_eq!(records.len(), 1);
        let message = records[0].as_ref().expect_err("bad").to_string();
        assert!(message.starts_with("x.warc:1: not a WARC record"), "{message}");
        assert!(message.contains("the rest of the file (6 bytes) was skipped"), "{message}");
    }

    /// A page record whose `Content-Length` is replaced by `length`.
    fn bad_length(length: &str) -> Vec<u8> {
        let good = record(
            "response",
            "https://port.example/x",
            &http("200 OK", "Content-Type: text/html\r\n", PAGE.as_bytes()),
        );
        let text = String::from_utf8(good).expect("ascii");
        let start = text.find("Content-Length: ").expect("length") + "Content-Length: ".len();
        let end = start + text[start..].find('\r').expect("eol");
        format!("{}{length}{}", &text[..start], &text[end..]).into_bytes()
    }

    #[test]
    fn reading_resumes_after_a_record_with_a_bad_length() {
        for length in ["abc", "99999999999999999999999", "1099511627776", ""] {
            let mut w = bad_length(length);
            w.extend(archive());
            let records: Vec<Record> = WarcRecords::new(w.as_slice(), Arc::from("a.warc")).collect();
            let (ok, bad): (Vec<_>, Vec<_>) = records.iter().partition(|r| r.is_ok());
            assert_eq!(ok.len(), 2, "the pages after the bad record are read ({length:?}): {records:?}");
            assert_eq!(bad.len(), 1, "{bad:?}");
            let message = bad[0].as_ref().expect_err("bad").to_string();
            assert!(message.starts_with("a.warc:1: ") && message.contains("to the next record"), "{message}");
            assert_eq!(ok[0].as_ref().expect("page").origin.to_string(), "a.warc:4", "records keep their numbers");
        }
        // A length that is a number but wrong cuts the block short: its rest is skipped.
        let mut w = bad_length("12");
        w.extend(archive());
        let records: Vec<Record> = WarcRecords::new(w.as_slice(), Arc::from("a.warc")).collect();
        assert_eq!(records.iter().filter(|r| r.is_ok()).count(), 2, "{records:?}");
    }
}
