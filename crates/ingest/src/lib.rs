//! Ingest: turns input paths into a stream of [`Article`]s.
//!
//! Readers exist for JSON Lines (optionally gzip-compressed, or stdin), plain-text article
//! files with an optional `date` header, RSS 2.0 / Atom / JSON Feed files, article pages
//! (`.html`) and web archives (`.warc`, `.warc.gz`), whose pages are extracted; a directory
//! stands for every supported file below it. Readers never panic and never stop at a bad
//! record: each one becomes a [`BadRecord`] naming the file, line and reason, and reading
//! goes on with the next record.

mod dateline;
mod error;
mod feed;
mod hygiene;
mod input;
mod jsonl;
mod opml;
mod page;
mod reader;
mod sitemap;
mod text;
mod warc;

pub use error::BadRecord;
pub use feed::{FeedDocument, parse_feed, parse_feed_document};
pub use hygiene::MAX_TITLE_CHARS;
pub use input::{Format, Input, expand_inputs};
pub use jsonl::{parse_line, record_id};
pub use opml::{OpmlFeed, parse_opml};
pub use page::{PageHints, page_article};
pub use reader::{Reader, Record, read_bytes};
pub use sitemap::{MAX_CHILD_SITEMAPS, MAX_PAGES, RECENT_DAYS, Sitemap, parse_sitemap};

use tidings_article::Article;

/// Derives an id for an article that came without one: its URL where it has one, else a
/// stable hash of its content, so that re-reading the same input gives the same ids.
pub fn derive_id(url: Option<&str>, title: &str, text: &str) -> String {
    if let Some(url) = url.filter(|u| !u.trim().is_empty()) {
        return url.trim().to_string();
    }
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(title.as_bytes());
    h.update(b"\0");
    h.update(text.as_bytes());
    format!("h{:016x}", h.digest())
}

/// The last step of every reader: cleans the article (see [`hygiene`]) and says whether
/// it may be accepted: the brief requires a title or a text.
pub(crate) fn accept(article: &mut Article) -> bool {
    hygiene::clean(article, jiff::Timestamp::now());
    !article.title.trim().is_empty() || !article.text.trim().is_empty()
}
