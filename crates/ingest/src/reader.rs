//! The [`Reader`]: every input in turn, as one stream of records.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use tidings_article::{Article, Origin};

use crate::feed::parse_feed;
use crate::jsonl::JsonLines;
use crate::page::{PageHints, page_article};
use crate::text::parse_text_article;
use crate::warc::WarcRecords;
use crate::{BadRecord, Format, Input};

/// One accepted article, or one bad record to report and count.
pub type Record = Result<Article, BadRecord>;

/// Single-article and feed files are read whole; anything larger than this is refused
/// with a message rather than read into memory.
const MAX_WHOLE_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Streams the records of many inputs, in the order given. JSON Lines inputs are read
/// lazily line by line, so memory does not grow with the input.
pub struct Reader {
    pending: VecDeque<Input>,
    current: Box<dyn Iterator<Item = Record> + Send>,
}

impl Reader {
    pub fn new(inputs: Vec<Input>) -> Self {
        Self { pending: inputs.into(), current: Box::new(std::iter::empty()) }
    }
}

impl Iterator for Reader {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            if let Some(record) = self.current.next() {
                return Some(record);
            }
            let input = self.pending.pop_front()?;
            self.current = open(&input);
        }
    }
}

fn open(input: &Input) -> Box<dyn Iterator<Item = Record> + Send> {
    let name = input.name();
    let Some(path) = &input.path else {
        let stdin = BufReader::with_capacity(1 << 16, std::io::stdin());
        return Box::new(JsonLines::new(stdin, name));
    };
    match input.format {
        Format::JsonLines { gzip } | Format::Warc { gzip } => match open_stream(path, gzip) {
            Ok(reader) => stream_records(input.format, reader, name),
            Err(err) => single_error(name, format!("cannot open: {err}")),
        },
        Format::Text | Format::Feed | Format::Html => match read_whole(path, &name) {
            Ok(bytes) => whole_records(input.format, bytes, name, file_stem(path)),
            Err(bad) => Box::new(std::iter::once(Err(bad))),
        },
    }
}

/// Reads the bytes of one input held in memory as a file named `name` of that format
/// would be read (its id, for one-article formats, is the name without extension).
/// For callers that have the bytes already, and for fuzzing the readers.
pub fn read_bytes(format: Format, name: &str, bytes: Vec<u8>) -> Vec<Record> {
    let file: Arc<str> = Arc::from(name);
    match format {
        Format::JsonLines { gzip } | Format::Warc { gzip } => {
            let cursor = std::io::Cursor::new(bytes);
            let reader: Box<dyn BufRead + Send> = if gzip {
                Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(cursor)))
            } else {
                Box::new(cursor)
            };
            stream_records(format, reader, file).collect()
        }
        Format::Text | Format::Feed | Format::Html => {
            let stem = file_stem(Path::new(name));
            whole_records(format, bytes, file, stem).collect()
        }
    }
}

/// The records of a format read as a stream (JSON Lines, WARC).
fn stream_records(
    format: Format,
    reader: Box<dyn BufRead + Send>,
    name: Arc<str>,
) -> Box<dyn Iterator<Item = Record> + Send> {
    match format {
        Format::Warc { .. } => Box::new(WarcRecords::new(reader, name)),
        _ => Box::new(JsonLines::new(reader, name)),
    }
}

/// The records of a format read whole (one article, or one feed).
fn whole_records(
    format: Format,
    bytes: Vec<u8>,
    name: Arc<str>,
    stem: String,
) -> Box<dyn Iterator<Item = Record> + Send> {
    let origin = Origin::new(name.clone(), None);
    match format {
        Format::Feed => Box::new(parse_feed(&bytes, name).into_iter()),
        Format::Html => {
            let html = tidings_extract::decode(&bytes, None);
            Box::new(std::iter::once(page_article(&html, &PageHints::default(), origin)))
        }
        _ => {
            let record = String::from_utf8(bytes)
                .map_err(|e| {
                    BadRecord::new(origin.clone(), format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()))
                })
                .and_then(|content| parse_text_article(&content, stem, origin));
            Box::new(std::iter::once(record))
        }
    }
}

/// A file read as a stream, through gzip (all members, as concatenated archives have)
/// when it is compressed.
fn open_stream(path: &Path, gzip: bool) -> std::io::Result<Box<dyn BufRead + Send>> {
    let file = File::open(path)?;
    Ok(if gzip {
        Box::new(BufReader::with_capacity(1 << 16, flate2::read::MultiGzDecoder::new(file)))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, file))
    })
}

fn single_error(name: Arc<str>, reason: String) -> Box<dyn Iterator<Item = Record> + Send> {
    Box::new(std::iter::once(Err(BadRecord::new(Origin::new(name, None), reason))))
}

fn read_whole(path: &Path, name: &Arc<str>) -> Result<Vec<u8>, BadRecord> {
    let bad = |reason: String| BadRecord::new(Origin::new(name.clone(), None), reason);
    let file = File::open(path).map_err(|e| bad(format!("cannot open: {e}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_WHOLE_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| bad(format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_WHOLE_FILE_BYTES {
        return Err(bad(format!("file larger than {} MiB, skipped", MAX_WHOLE_FILE_BYTES >> 20)));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(bad("empty file".into()));
    }
    Ok(bytes)
}

/// The id of a one-article file: its name without the extension.
fn file_stem(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    #[test]
    fn reads_mixed_directory() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.jsonl", b"{\"id\": \"j1\", \"title\": \"Hei\"}\n");
        write(dir.path(), "b.txt", "date 2019-04-23\nOverskrift\nTekst.".as_bytes());
        write(dir.path(), "c.txt", b"");
        let (inputs, _) = crate::expand_inputs(&[dir.path().to_path_buf()]);
        let records: Vec<_> = Reader::new(inputs).collect();
        assert_eq!(records.len(), 3);
        assert_eq!(records[0].as_ref().unwrap().id, "j1");
        assert_eq!(records[1].as_ref().unwrap().id, "b");
        assert!(records[2].as_ref().unwrap_err().to_string().ends_with("c.txt: empty file"));
    }

    #[test]
    fn gzip_and_truncated_gzip() {
        let dir = tempfile::tempdir().unwrap();
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        for i in 0..2000 {
            writeln!(enc, "{{\"id\": \"{i}\", \"title\": \"Artikkel nummer {i} om været\"}}").unwrap();
        }
        let gz = enc.finish().unwrap();
        let whole = write(dir.path(), "ok.jsonl.gz", &gz);
        let cut = write(dir.path(), "cut.jsonl.gz", &gz[..gz.len() / 2]);
        let ok: Vec<_> = Reader::new(crate::expand_inputs(&[whole]).0).collect();
        assert_eq!(ok.len(), 2000);
        assert!(ok.iter().all(Result::is_ok));
        let records: Vec<_> = Reader::new(crate::expand_inputs(&[cut]).0).collect();
        let (good, bad): (Vec<_>, Vec<_>) = records.into_iter().partition(Result::is_ok);
        assert!(!good.is_empty(), "articles before the cut are kept");
        assert_eq!(bad.len(), 1);
        assert!(bad[0].as_ref().unwrap_err().reason.contains("truncated"));
    }

    #[test]
    fn invalid_utf8_text_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "bad.txt", b"Overskrift\n\xc3\x28 tekst");
        let records: Vec<_> = Reader::new(crate::expand_inputs(&[p]).0).collect();
        assert!(records[0].as_ref().unwrap_err().reason.contains("invalid UTF-8 at byte 11"));
    }
}
