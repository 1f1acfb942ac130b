//! Sitemaps (sitemaps.org) as news sources: a `<urlset>` lists pages, with Google News'
//! `news:` extension giving each its title, publication date, outlet and language; a
//! `<sitemapindex>` lists further sitemaps. Either may come gzipped (`sitemap.xml.gz`).
//!
//! A sitemap is followed like a feed: its recent pages become items whose pages the
//! watcher fetches and extracts. A site-wide sitemap can list a whole archive, so only its
//! newest pages are taken (see [`MAX_PAGES`] and [`RECENT_DAYS`]).

use std::io::Read;
use std::sync::Arc;

use quick_xml::events::Event;
use tidings_article::{Article, Origin, Published, parse_published};

use crate::feed::FeedDocument;
use crate::{BadRecord, derive_id, hygiene};

/// A sitemap's size once unzipped may not pass this (the protocol's own limit).
pub const MAX_SITEMAP_BYTES: u64 = 50 << 20;
/// Pages taken from one sitemap, newest first.
pub const MAX_PAGES: usize = 1000;
/// Dated pages older than this many days are left out (news sitemaps list two days).
pub const RECENT_DAYS: i64 = 7;
/// Sitemaps taken from an index, newest first.
pub const MAX_CHILD_SITEMAPS: usize = 10;

/// What a sitemap lists.
#[derive(Debug)]
pub enum Sitemap {
    /// Pages, as feed items (a title and date where the news extension gives them).
    Pages(FeedDocument),
    /// Further sitemaps (their URLs), newest first.
    Index(Vec<String>),
}

/// A sitemap's document, or `Ok(None)` when `bytes` (gzipped or not) are no sitemap.
pub fn parse_sitemap(bytes: &[u8], file: Arc<str>) -> Result<Option<Sitemap>, BadRecord> {
    let bad = |why: String| BadRecord::new(Origin::new(file.clone(), None), why);
    let unzipped;
    let xml = if bytes.starts_with(&[0x1f, 0x8b]) {
        unzipped = gunzip(bytes).map_err(|e| bad(format!("not a readable gzip file: {e}")))?;
        unzipped.as_slice()
    } else {
        bytes
    };
    let Some(root) = root_element(xml) else { return Ok(None) };
    let entries = read_entries(xml).map_err(bad)?;
    match root.as_str() {
        "urlset" => Ok(Some(Sitemap::Pages(pages(entries, &file)))),
        "sitemapindex" => {
            let newest = sorted(entries, None).into_iter().take(MAX_CHILD_SITEMAPS).map(|e| e.loc).collect();
            Ok(Some(Sitemap::Index(newest)))
        }
        _ => Ok(None),
    }
}

fn gunzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes).take(MAX_SITEMAP_BYTES + 1).read_to_end(&mut out)?;
    if out.len() as u64 > MAX_SITEMAP_BYTES {
        return Err(std::io::Error::other(format!("larger than {} MiB unzipped", MAX_SITEMAP_BYTES >> 20)));
    }
    Ok(out)
}

/// The local name of the first element, when it is a sitemap's (`urlset`, `sitemapindex`).
fn root_element(xml: &[u8]) -> Option<String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                return matches!(name.as_str(), "urlset" | "sitemapindex").then_some(name);
            }
            Event::Eof => return None,
            _ => {}
        }
        buf.clear();
    }
}

/// One `<url>` or `<sitemap>` entry.
#[derive(Debug, Default)]
struct Entry {
    loc: String,
    lastmod: Option<String>,
    /// From `news:news`.
    title: Option<String>,
    publication_date: Option<String>,
    outlet: Option<String>,
    language: Option<String>,
}

impl Entry {
    /// The entry's time: its news publication date, else its last modification.
    fn published(&self) -> Option<Published> {
        self.publication_date
            .as_deref()
            .and_then(parse_published)
            .or_else(|| self.lastmod.as_deref().and_then(parse_published))
    }
}

/// Every `<url>`/`<sitemap>` entry, by the local names of its children (prefixes vary).
fn read_entries(xml: &[u8]) -> Result<Vec<Entry>, String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut entries = Vec::new();
    let mut current: Option<Entry> = None;
    // The element whose text is being read, and its text so far (text and entity
    // references come as separate events).
    let mut field = String::new();
    let mut text = String::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("not well-formed XML at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                if matches!(name.as_str(), "url" | "sitemap") {
                    current = Some(Entry::default());
                }
                field = name;
                text.clear();
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.into_inner()),
            Event::GeneralRef(r) => text.push_str(&entity(&r)),
            Event::End(e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                if matches!(name.as_str(), "url" | "sitemap") {
                    if let Some(entry) = current.take().filter(|e| !e.loc.is_empty()) {
                        entries.push(entry);
                    }
                } else if let Some(entry) = current.as_mut()
                    && name == field
                {
                    set_field(entry, &field, text.trim().to_string());
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(entries)
}

/// An entity reference's text: a character, one of XML's five, or left as written.
fn entity(r: &quick_xml::events::BytesRef<'_>) -> String {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return c.to_string();
    }
    let name = r.clone().into_inner();
    match name.as_ref() {
        "amp" => "&".into(),
        "lt" => "<".into(),
        "gt" => ">".into(),
        "quot" => "\"".into(),
        "apos" => "'".into(),
        other => format!("&{other};"),
    }
}

fn set_field(entry: &mut Entry, field: &str, text: String) {
    match field {
        "loc" => entry.loc = text,
        "lastmod" => entry.lastmod = Some(text),
        "title" => entry.title = Some(text),
        "publication_date" => entry.publication_date = Some(text),
        "name" => entry.outlet = Some(text),
        "language" => entry.language = Some(text),
        _ => {}
    }
}

/// The entries dated since `since` (all with `None`), newest first, then the undated in
/// document order.
fn sorted(entries: Vec<Entry>, since: Option<jiff::Timestamp>) -> Vec<Entry> {
    let mut dated: Vec<(jiff::Timestamp, Entry)> = Vec::new();
    let mut undated = Vec::new();
    for entry in entries {
        match entry.published() {
            Some(p) if since.is_some_and(|s| p.at < s) => {}
            Some(p) => dated.push((p.at, entry)),
            None => undated.push(entry),
        }
    }
    dated.sort_by_key(|d| std::cmp::Reverse(d.0));
    dated.into_iter().map(|(_, e)| e).chain(undated).collect()
}

/// The pages of a `<urlset>` as feed items: recent ones, newest first.
fn pages(entries: Vec<Entry>, file: &Arc<str>) -> FeedDocument {
    let since = jiff::Timestamp::now().checked_sub(jiff::SignedDuration::from_hours(24 * RECENT_DAYS)).ok();
    let entries: Vec<Entry> = sorted(entries, since).into_iter().take(MAX_PAGES).collect();
    let title = entries.iter().find_map(|e| e.outlet.clone());
    let items = entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let published = e.published();
            let mut article = Article {
                id: derive_id(Some(&e.loc), "", ""),
                published,
                title: e.title.clone().unwrap_or_default(),
                text: String::new(),
                lang: e.language.clone(),
                source: e.outlet.clone(),
                url: Some(e.loc),
                section: None,
                origin: Origin::new(file.clone(), Some(i as u64 + 1)),
            };
            // A page needs no title here: the watcher fetches it for its own.
            hygiene::clean(&mut article, jiff::Timestamp::now());
            Ok(article)
        })
        .collect();
    FeedDocument { title, ttl_minutes: None, items }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn news_sitemap(now: &str, old: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://avis.example/a/1</loc><news:news><news:publication><news:name>Avisa</news:name><news:language>nb</news:language></news:publication>
<news:publication_date>{now}</news:publication_date><news:title>Brua &amp; vegen stengt</news:title></news:news></url>
<url><loc>https://avis.example/a/old</loc><lastmod>{old}</lastmod></url>
<url><loc><![CDATA[https://avis.example/a/2?x=1&y=2]]></loc></url>
</urlset>"#
        )
    }

    fn pages_of(xml: &[u8]) -> FeedDocument {
        match parse_sitemap(xml, Arc::from("s.xml")) {
            Ok(Some(Sitemap::Pages(doc))) => doc,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_news_sitemap_gives_its_recent_pages_with_titles_and_dates() {
        let now = jiff::Timestamp::now();
        let xml = news_sitemap(&now.to_string(), "2001-05-01");
        let doc = pages_of(xml.as_bytes());
        assert_eq!(doc.title.as_deref(), Some("Avisa"));
        let items: Vec<&Article> = doc.items.iter().flatten().collect();
        let urls: Vec<&str> = items.iter().filter_map(|a| a.url.as_deref()).collect();
        assert_eq!(urls, ["https://avis.example/a/1", "https://avis.example/a/2?x=1&y=2"], "the old page is left out");
        assert_eq!(items[0].title, "Brua & vegen stengt");
        assert_eq!(items[0].lang.as_deref(), Some("nb"));
        assert_eq!(items[0].published.map(|p| p.at.as_second()), Some(now.as_second()));
        assert!(items[1].title.is_empty() && items[1].published.is_none());
    }

    #[test]
    fn an_index_lists_its_newest_sitemaps_and_may_be_gzipped() {
        let xml = r#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://avis.example/s/2019.xml</loc><lastmod>2019-01-01</lastmod></sitemap>
<sitemap><loc>https://avis.example/s/news.xml</loc><lastmod>2026-11-30T10:00:00Z</lastmod></sitemap>
</sitemapindex>"#;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(xml.as_bytes()).expect("gzip");
        let zipped = gz.finish().expect("gzip");
        for bytes in [xml.as_bytes(), zipped.as_slice()] {
            match parse_sitemap(bytes, Arc::from("i.xml.gz")) {
                Ok(Some(Sitemap::Index(urls))) => {
                    assert_eq!(urls, ["https://avis.example/s/news.xml", "https://avis.example/s/2019.xml"])
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn feeds_are_no_sitemaps_and_broken_sitemaps_are_bad_records() {
        assert!(matches!(parse_sitemap(b"<rss><channel></channel></rss>", Arc::from("f")), Ok(None)));
        assert!(matches!(parse_sitemap(b"{\"version\": 1}", Arc::from("f")), Ok(None)));
        let broken = parse_sitemap(b"<urlset><url><loc>https://a.example/</loc></urlset>", Arc::from("b.xml"));
        assert!(broken.is_err_and(|e| e.to_string().starts_with("b.xml: not well-formed XML")));
        let bad_gzip = parse_sitemap(&[0x1f, 0x8b, 0, 1, 2], Arc::from("z.gz"));
        assert!(bad_gzip.is_err_and(|e| e.to_string().contains("gzip")));
    }
}
