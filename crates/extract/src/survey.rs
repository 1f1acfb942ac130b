//! What a page's markup says about the page, read in one walk over the parsed document:
//! its `<meta>` tags, its canonical link, the `<time datetime>` of the story, the elements
//! where it shows readers a date, and the page furniture to remove before Readability.
//!
//! These were CSS selectors, each a walk over every element with its attribute lookups
//! (a tenth of extraction time on news pages); one walk that reads each element's
//! attributes once answers them all, in the same document order.

use dom_query::{Document, NodeRef};

/// Consent banners, share bars and newsletter boxes, as substrings of `id` or `class`
/// (as the selector `[id*=cookie], [class*=cookie], …` matched them).
const CLUTTER_IDS: &[&str] = &["cookie", "consent", "newsletter"];
const CLUTTER_CLASSES: &[&str] = &["cookie", "consent", "gdpr", "newsletter", "share", "social"];

/// Elements where pages show readers when a story was published: `time` elements,
/// `[itemprop=datePublished]`, and these substrings of `class`.
const DATELINE_CLASSES: &[&str] = &["publish", "dateline", "byline", "date", "timestamp", "meta"];

/// What one walk found, in document order.
#[derive(Default)]
pub(crate) struct Survey<'a> {
    /// `<meta>` tags with a `content`: their key (`property`, else `name`, else `itemprop`)
    /// and content.
    metas: Vec<(String, String)>,
    /// The first `<link rel=canonical href>`'s `href`.
    pub canonical: Option<String>,
    /// The first `time[datetime]` inside an `<article>` or marked `pubdate`.
    pub time: Option<String>,
    /// Elements that may show the page's date.
    pub datelines: Vec<NodeRef<'a>>,
    /// Page furniture, to be removed when small.
    pub clutter: Vec<NodeRef<'a>>,
}

impl<'a> Survey<'a> {
    /// Walks `document` once.
    pub fn of(document: &'a Document) -> Self {
        let mut survey = Survey::default();
        for node in document.root().descendants_it() {
            if node.is_element() {
                survey.look_at(node);
            }
        }
        survey
    }

    fn look_at(&mut self, node: NodeRef<'a>) {
        let found = node.query(|tree_node| {
            let element = tree_node.as_element()?;
            let attr = |name: &str| element.attrs.iter().find(|a| &*a.name.local == name).map(|a| &*a.value);
            let contains =
                |value: Option<&str>, parts: &[&str]| value.is_some_and(|v| parts.iter().any(|p| v.contains(p)));
            let class = attr("class");
            let tag = &*element.name.local;
            let meta = (tag == "meta")
                .then(|| {
                    let content = attr("content")?;
                    let key = attr("property").or_else(|| attr("name")).or_else(|| attr("itemprop"))?;
                    Some((key.to_string(), content.to_string()))
                })
                .flatten();
            let canonical = (tag == "link" && attr("rel") == Some("canonical")).then(|| attr("href")).flatten();
            let time = (tag == "time").then(|| attr("datetime").map(|d| (d.to_string(), attr("pubdate").is_some())));
            Some(Found {
                meta,
                canonical: canonical.map(str::to_string),
                time: time.flatten(),
                dateline: tag == "time"
                    || attr("itemprop") == Some("datePublished")
                    || contains(class, DATELINE_CLASSES),
                clutter: contains(attr("id"), CLUTTER_IDS) || contains(class, CLUTTER_CLASSES),
            })
        });
        let Some(found) = found.flatten() else { return };
        if let Some(meta) = found.meta {
            self.metas.push(meta);
        }
        if self.canonical.is_none() {
            self.canonical = found.canonical;
        }
        if self.time.is_none()
            && let Some((datetime, pubdate)) = found.time
            && (pubdate || node.ancestors_it(None).any(|a| a.has_name("article")))
        {
            self.time = Some(datetime);
        }
        if found.dateline {
            self.datelines.push(node);
        }
        if found.clutter {
            self.clutter.push(node);
        }
    }

    /// The first non-empty `content` of the named `<meta>` tags, in the order of `names`
    /// (names compared in any letter case).
    pub fn meta(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|wanted| {
            self.metas.iter().find_map(|(key, content)| {
                if key.eq_ignore_ascii_case(wanted) { crate::nonempty(Some(content.clone())) } else { None }
            })
        })
    }
}

/// What one element is, for the survey.
struct Found {
    meta: Option<(String, String)>,
    canonical: Option<String>,
    /// `datetime`, and whether it is marked `pubdate`.
    time: Option<(String, bool)>,
    dateline: bool,
    clutter: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><head>
<meta name="description" content="">
<meta property="OG:Description" name="description" content="Fra eieren.">
<meta name="description" content="Den andre.">
<meta itemprop="datePublished" content="2026-03-02">
<link rel="stylesheet" href="/a.css"><link rel="canonical" href="/saken"><link rel="canonical" href="/ikke">
</head><body>
<div id="cookie-wall">Godta</div><div class="top-share-bar">Del</div>
<time datetime="2026-01-01">Utenfor</time>
<article><p class="byline">Av Kari, 2. mars</p><time datetime="2026-03-02T07:15">2. mars</time></article>
<span itemprop="datePublished">I går</span><div class="Cookie">Stor C</div>
</body></html>"#;

    #[test]
    fn one_walk_finds_what_the_selectors_found() {
        let document = Document::from(PAGE);
        let survey = Survey::of(&document);
        // The first non-empty content in page order, keys in any case, property before name.
        assert_eq!(survey.meta(&["og:description", "description"]).as_deref(), Some("Fra eieren."));
        assert_eq!(survey.meta(&["description"]).as_deref(), Some("Den andre."));
        assert_eq!(survey.meta(&["datepublished"]).as_deref(), Some("2026-03-02"));
        assert_eq!(survey.meta(&["twitter:title"]), None);
        assert_eq!(survey.canonical.as_deref(), Some("/saken"));
        // Only a <time> in an <article> (or marked pubdate) is the story's.
        assert_eq!(survey.time.as_deref(), Some("2026-03-02T07:15"));
        let texts = |nodes: &[NodeRef]| nodes.iter().map(|n| n.text().to_string()).collect::<Vec<_>>();
        // (The <meta itemprop=datePublished> is one too, without text.)
        assert_eq!(texts(&survey.datelines), ["", "Utenfor", "Av Kari, 2. mars", "2. mars", "I går"]);
        // Class names are matched in their own letter case, as CSS attribute selectors do.
        assert_eq!(texts(&survey.clutter), ["Godta", "Del"]);
    }

    #[test]
    fn a_pubdate_time_counts_outside_an_article() {
        let document = Document::from(r#"<p><time pubdate datetime="2026-05-17">17. mai</time></p>"#);
        assert_eq!(Survey::of(&document).time.as_deref(), Some("2026-05-17"));
    }
}
