//! Articles sent in a request body: a JSON array of article objects, or JSON Lines, each
//! record under the rules of `tidings ingest` (a bad one is reported by its number and
//! skipped; the others are kept).

use std::sync::Arc;

use serde::Serialize;
use tidings_article::{Article, Origin};

/// A body that is not a JSON array although it starts like one.
#[derive(Debug, thiserror::Error)]
#[error("the body is not a JSON array of articles: {0}")]
pub struct InvalidBody(String);

/// A record of a body that was refused, with its place and the reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RejectedRecord {
    /// 1-based record number in the body.
    pub record: u64,
    pub reason: String,
}

/// The articles of a body, and the records refused.
#[derive(Debug, Default)]
pub struct BodyArticles {
    pub articles: Vec<Article>,
    pub rejected: Vec<RejectedRecord>,
}

/// Reads a request body. Only a body that starts as a JSON array and is not one fails as
/// a whole; JSON Lines are read record by record.
pub fn read_body(body: &[u8]) -> Result<BodyArticles, InvalidBody> {
    let origin: Arc<str> = Arc::from("request");
    let mut read = BodyArticles::default();
    let mut take = |record: u64, bytes: &[u8]| match tidings_ingest::parse_line(
        bytes,
        Origin::new(origin.clone(), Some(record)),
    ) {
        Ok(a) => read.articles.push(a),
        Err(bad) => read.rejected.push(RejectedRecord { record, reason: bad.reason }),
    };
    let trimmed = body.trim_ascii();
    if trimmed.starts_with(b"[") {
        let items: Vec<&serde_json::value::RawValue> =
            serde_json::from_slice(trimmed).map_err(|e| InvalidBody(e.to_string()))?;
        for (i, item) in items.iter().enumerate() {
            take(i as u64 + 1, item.get().as_bytes());
        }
    } else {
        for (i, line) in trimmed.split(|&b| b == b'\n').enumerate() {
            if !line.trim_ascii().is_empty() {
                take(i as u64 + 1, line.trim_ascii());
            }
        }
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_keep_good_records_and_number_bad_ones() {
        let body = b"{\"id\":\"a\",\"title\":\"One\",\"text\":\"Body one.\"}\n\nnot json\n{\"id\":\"b\",\"title\":\"Two\",\"text\":\"Body two.\"}\n";
        let read = read_body(body).expect("JSON Lines are read record by record");
        let ids: Vec<&str> = read.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(read.rejected.len(), 1);
        assert_eq!(read.rejected[0].record, 3);
    }

    #[test]
    fn a_json_array_is_read_item_by_item() {
        let body = br#" [{"id":"a","title":"One","text":"Body."}, {"title": 5}] "#;
        let read = read_body(body).expect("an array");
        assert_eq!(read.articles.len(), 1);
        assert_eq!(read.rejected[0].record, 2);
        assert!(read_body(b"[{\"id\":").is_err());
    }
}
