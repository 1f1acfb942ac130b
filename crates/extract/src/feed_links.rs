//! The feeds a web page announces (`<link rel="alternate" type="application/rss+xml">` and
//! its Atom and JSON Feed kin): how a reader finds a site's feeds from its home page.

use dom_query::Document;

/// One feed a page links to, as the page writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedLink {
    /// As written: absolute, or relative to the page.
    pub href: String,
    pub title: Option<String>,
    /// The media type, lowercase (`application/rss+xml`).
    pub media_type: String,
}

/// Media types of feeds (JSON Feed's older `application/json` only with `rel=alternate`,
/// which every link here has).
const FEED_TYPES: &[&str] = &[
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
];

/// The feeds `html` announces, in page order, each href once.
pub fn feed_links(html: &str) -> Vec<FeedLink> {
    let document = Document::from(html);
    let mut out: Vec<FeedLink> = Vec::new();
    for link in document.select("link[href]").iter() {
        let rel = link.attr("rel").map(|r| r.to_ascii_lowercase()).unwrap_or_default();
        if !rel.split_ascii_whitespace().any(|r| r == "alternate") {
            continue;
        }
        let media_type = link.attr("type").map(|t| t.trim().to_ascii_lowercase()).unwrap_or_default();
        let Some(href) = link.attr("href").map(|h| h.trim().to_string()).filter(|h| !h.is_empty()) else { continue };
        if !FEED_TYPES.contains(&media_type.as_str()) || out.iter().any(|f| f.href == href) {
            continue;
        }
        let title = link.attr("title").map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        out.push(FeedLink { href, title, media_type });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_home_page_announces_its_feeds() {
        let html = r#"<html><head><title>Avisa</title>
<link rel="stylesheet" href="/s.css">
<link rel="alternate" type="application/rss+xml" title="Siste nytt" href="/rss/siste.xml">
<link rel="Alternate" type="Application/Atom+XML" href="https://avis.example/atom">
<link rel="alternate" type="application/feed+json" title="JSON" href="feed.json">
<link rel="alternate" hreflang="en" href="/en/">
<link rel="alternate" type="application/rss+xml" href="/rss/siste.xml">
</head><body><a href="/rss/other.xml" type="application/rss+xml">not a link element</a></body></html>"#;
        let links = feed_links(html);
        let hrefs: Vec<&str> = links.iter().map(|l| l.href.as_str()).collect();
        assert_eq!(hrefs, ["/rss/siste.xml", "https://avis.example/atom", "feed.json"]);
        assert_eq!(links[0].title.as_deref(), Some("Siste nytt"));
        assert_eq!(links[1].media_type, "application/atom+xml");
        assert!(feed_links("<p>no head at all</p>").is_empty());
    }
}
