//! RSS 2.0, Atom and JSON Feed files, parsed by feed-rs. Each item becomes an article;
//! its text is the item's content, else its summary, with HTML markup removed.

use std::sync::Arc;

use tidings_article::{Article, Origin, Precision, Published};

use crate::{BadRecord, Record, accept, derive_id};
use tidings_extract::html_to_text;

/// A parsed feed: what it says about itself, and its items.
#[derive(Debug)]
pub struct FeedDocument {
    /// The feed's title (the outlet's name), or its link.
    pub title: Option<String>,
    /// RSS `<ttl>`: minutes the feed may be cached.
    pub ttl_minutes: Option<u32>,
    /// One record per item, in feed order.
    pub items: Vec<Record>,
}

/// Parses a whole feed document into one record per item.
pub fn parse_feed(bytes: &[u8], file: Arc<str>) -> Vec<Record> {
    match parse_feed_document(bytes, file.clone()) {
        Ok(doc) if doc.items.is_empty() => vec![Err(BadRecord::new(Origin::new(file, None), "feed has no items"))],
        Ok(doc) => doc.items,
        Err(bad) => vec![Err(bad)],
    }
}

/// Parses a feed document; an unreadable document is one bad record.
pub fn parse_feed_document(bytes: &[u8], file: Arc<str>) -> Result<FeedDocument, BadRecord> {
    let feed = feed_rs::parser::parse(bytes).map_err(|err| {
        BadRecord::new(Origin::new(file.clone(), None), format!("not a readable RSS, Atom or JSON feed: {err}"))
    })?;
    let source = feed
        .title
        .as_ref()
        .map(|t| html_to_text(&t.content))
        .filter(|t| !t.is_empty())
        .or_else(|| feed.links.first().map(|l| l.href.clone()));
    let feed_lang = feed.language.clone();
    let ttl_minutes = feed.ttl;
    let items = feed
        .entries
        .into_iter()
        .enumerate()
        .map(|(i, entry)| {
            let origin = Origin::new(file.clone(), Some(i as u64 + 1));
            let title = entry.title.map(|t| html_to_text(&t.content)).unwrap_or_default();
            let body = entry.content.and_then(|c| c.body).or(entry.summary.map(|s| s.content));
            let text = body.map(|b| html_to_text(&b)).unwrap_or_default();
            let url = entry.links.first().map(|l| l.href.clone());
            let published = entry.published.or(entry.updated).and_then(|dt| {
                let at = jiff::Timestamp::from_second(dt.timestamp()).ok()?;
                Some(Published { at, precision: Precision::Instant })
            });
            let id = if entry.id.trim().is_empty() { derive_id(url.as_deref(), &title, &text) } else { entry.id };
            let mut article = Article {
                id,
                published,
                title,
                text,
                lang: entry.language.or_else(|| feed_lang.clone()),
                source: source.clone(),
                url,
                section: entry.categories.first().map(|c| c.term.clone()),
                origin: origin.clone(),
            };
            if accept(&mut article) {
                Ok(article)
            } else {
                Err(BadRecord::new(origin, "feed item has neither a title nor a text"))
            }
        })
        .collect();
    Ok(FeedDocument { title: source, ttl_minutes, items })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Nordlys Nett</title><link>https://nordlys.example</link><language>nb</language>
<item><title>Ferja gikk på grunn</title><link>https://nordlys.example/ferje</link><guid>n-1</guid>
<pubDate>Tue, 23 Apr 2019 08:00:00 +0200</pubDate><description>&lt;p&gt;Ingen &lt;b&gt;skadd&lt;/b&gt;.&lt;/p&gt;</description></item>
<item><guid>n-2</guid></item>
</channel></rss>"#;

    #[test]
    fn rss_items_become_articles() {
        let records = parse_feed(RSS.as_bytes(), Arc::from("f.rss"));
        assert_eq!(records.len(), 2);
        let a = records[0].as_ref().unwrap();
        assert_eq!(a.id, "n-1");
        assert_eq!(a.title, "Ferja gikk på grunn");
        assert_eq!(a.text, "Ingen skadd .");
        assert_eq!(a.source.as_deref(), Some("Nordlys Nett"));
        assert_eq!(a.lang.as_deref(), Some("nb"));
        assert_eq!(a.published.unwrap().at.to_string(), "2019-04-23T06:00:00Z");
        assert_eq!(records[1].as_ref().unwrap_err().origin.to_string(), "f.rss:2");
    }

    #[test]
    fn atom_and_json_feed() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:w</id><updated>2019-04-25T10:00:00Z</updated>
<entry><title>Summit opens</title><id>urn:w:1</id><updated>2019-04-25T10:00:00Z</updated><summary>Leaders met.</summary></entry></feed>"#;
        let a = parse_feed(atom.as_bytes(), Arc::from("w.atom"));
        assert_eq!(a[0].as_ref().unwrap().text, "Leaders met.");
        let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "j1", "title": "Hallo", "content_text": "Tekst her", "date_published": "2019-04-25T10:00:00Z"}]}"#;
        let j = parse_feed(json.as_bytes(), Arc::from("j.json"));
        assert_eq!(j[0].as_ref().unwrap().text, "Tekst her");
    }

    #[test]
    fn broken_feed_is_one_bad_record() {
        let r = parse_feed(b"<rss><channel><item><title>x", Arc::from("b.xml"));
        assert_eq!(r.len(), 1);
        assert!(r[0].as_ref().unwrap_err().to_string().starts_with("b.xml: not a readable"));
    }
}
