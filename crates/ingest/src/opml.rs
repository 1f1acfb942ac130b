//! OPML files, as feed readers export them: every `<outline>` with an `xmlUrl` is a feed,
//! however deeply the reader nested its folders.

use quick_xml::events::Event;
use tidings_extract::html_to_text;

/// One feed listed in an OPML file.
#[derive(Debug, Clone, PartialEq)]
pub struct OpmlFeed {
    pub url: String,
    /// `title`, else `text`.
    pub title: Option<String>,
}

/// The feeds of an OPML document, in document order; an error names the byte where the
/// XML broke.
pub fn parse_opml(xml: &[u8]) -> Result<Vec<OpmlFeed>, String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut feeds = Vec::new();
    let mut saw_opml = false;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("not well-formed XML at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name();
                if name.as_ref().eq_ignore_ascii_case("opml") {
                    saw_opml = true;
                }
                if name.as_ref().eq_ignore_ascii_case("outline") {
                    let attr = |key: &str| {
                        e.attributes().flatten().find(|a| a.key.local_name().as_ref().eq_ignore_ascii_case(key)).map(
                            |a| match a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                                Ok(v) => v.trim().to_string(),
                                // HTML entities (`&eacute;`, `&nbsp;`) are not XML's, but
                                // feed readers write them: decoded as HTML, not dropped.
                                Err(_) => html_to_text(&a.value),
                            },
                        )
                    };
                    if let Some(url) = attr("xmlUrl").filter(|u| !u.is_empty()) {
                        let title = attr("title").or_else(|| attr("text")).filter(|t| !t.is_empty());
                        feeds.push(OpmlFeed { url, title });
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !saw_opml {
        return Err("not an OPML document (no <opml> element)".into());
    }
    Ok(feeds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_outlines_and_escapes() {
        let xml = br#"<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>
<outline text="Norsk"><outline type="rss" text="Nordlys &amp; Co" xmlUrl="https://nordlys.example/rss?a=1&amp;b=2"/>
<outline text="Fjordavisa" title="Fjordavisa nyheter" xmlUrl="https://fjord.example/feed"/></outline>
<outline text="A folder without feeds"/></body></opml>"#;
        let feeds = parse_opml(xml).expect("parses");
        assert_eq!(feeds.len(), 2);
        assert_eq!(feeds[0].url, "https://nordlys.example/rss?a=1&b=2");
        assert_eq!(feeds[0].title.as_deref(), Some("Nordlys & Co"));
        assert_eq!(feeds[1].title.as_deref(), Some("Fjordavisa nyheter"));
    }

    #[test]
    fn html_entities_do_not_drop_an_outline() {
        let xml = br#"<opml><body><outline text="Caf&eacute; &amp; Fjord&nbsp;TV" xmlUrl="https://cafe.example/rss?x=1&amp;y=&eacute;"/></body></opml>"#;
        let feeds = parse_opml(xml).expect("parses");
        assert_eq!(feeds.len(), 1, "{feeds:?}");
        assert_eq!(feeds[0].title.as_deref(), Some("Café & Fjord TV"));
        assert_eq!(feeds[0].url, "https://cafe.example/rss?x=1&y=é");
    }

    #[test]
    fn broken_and_foreign_documents() {
        assert!(parse_opml(b"<opml><body><outline xmlUrl='x'></body>").expect_err("broken").contains("byte"));
        assert!(parse_opml(b"<rss></rss>").expect_err("foreign").contains("not an OPML"));
    }
}
