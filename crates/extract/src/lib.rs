//! Extract: the main text and the metadata of a news article page.
//!
//! The main text comes from dom_smoothie (a port of Firefox's Readability), run on the
//! page without its scripts, stylesheets and icons ([`skim`]); the metadata
//! (headline, publication time, author, language, canonical URL) from the page's JSON-LD
//! and meta tags, which news sites fill for search engines and are more reliable than
//! anything inferred from the layout. Pages whose body cannot be extracted (a paywall
//! that leaves only a lead, a page of links) keep their description as text, so that
//! what the outlet gave is not lost.
//!
//! [`decode`] turns fetched bytes into text with the charset the server or the page
//! declares (Norwegian pages in ISO-8859-1 and Windows-1252 still exist).

mod charset;
mod feed_links;
mod html_text;
mod nesting;
mod skim;
mod survey;

use dom_query::{Document, NodeRef};
use dom_smoothie::{Config, Readability, TextMode};
use survey::Survey;

pub use charset::decode;
pub use feed_links::{FeedLink, feed_links};
pub use html_text::html_to_text;
pub use nesting::{Nesting, nesting};
pub use skim::skim;

/// Pages with more elements than this are not laid out for reading; their metadata and
/// description are still used.
const MAX_ELEMENTS: usize = 60_000;

/// Pages that nest elements deeper than this, or have more start tags than
/// [`MAX_TAGS`], are read as plain text without being parsed: parsing and scoring cost
/// time that grows with the square of the depth (see [`nesting`]). Article pages nest a
/// few dozen deep; at this depth a page still takes well under a second.
pub const MAX_DEPTH: usize = 256;
/// Start tags a page may have before it is read as plain text.
pub const MAX_TAGS: usize = 200_000;

/// What a page says about itself, and its main text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// The headline, without the site name that `<title>` often appends.
    pub title: Option<String>,
    /// The main text, paragraphs separated by blank lines; the description when the
    /// body could not be extracted.
    pub text: String,
    /// As the page gives it (usually RFC 3339); the caller parses it.
    pub published: Option<String>,
    /// Where the page shows its date to readers (bylines, `<time>` elements' text), in
    /// page order, for the caller to read a date from when the markup gives none it can
    /// believe.
    pub datelines: Vec<String>,
    pub author: Option<String>,
    /// The page's language tag (`nb`, `nn-NO`, `en-GB`…), from `<html lang>` or metadata.
    pub lang: Option<String>,
    /// `<link rel=canonical>` or `og:url`, absolute.
    pub canonical_url: Option<String>,
    pub site_name: Option<String>,
    pub description: Option<String>,
    /// Whether `text` is the extracted body (`true`) or only the description.
    pub has_body: bool,
    /// Why the page was read in a simpler way than usual, for the caller to report.
    pub note: Option<String>,
}

/// Why a page gave nothing usable.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ExtractError {
    #[error("the page has neither a headline nor any text")]
    Empty,
}

/// Extracts a page. `url` is where it was fetched from (used to resolve a relative
/// canonical link); it may be `None` for pages read from files.
pub fn extract(html: &str, url: Option<&str>) -> Result<Page, ExtractError> {
    let skimmed = skim(html);
    let html = skimmed.as_ref();
    let shape = nesting(html);
    if shape.depth > MAX_DEPTH || shape.elements > MAX_TAGS {
        return plain_page(html, shape);
    }
    let document = Document::from(html);
    let mut page = Page::default();
    let (headline, published) = {
        let survey = Survey::of(&document);
        page.canonical_url =
            canonical_url(nonempty(survey.canonical.clone()).or_else(|| survey.meta(&["og:url"])), url);
        page.description = survey.meta(&["og:description", "description", "twitter:description"]);
        page.datelines = datelines(&survey.datelines);
        remove_clutter(&survey.clutter);
        let published = survey.meta(&["article:published_time", "og:published_time", "pubdate", "date", "dc.date"]);
        (survey.meta(&["og:title", "twitter:title"]), published.or_else(|| nonempty(survey.time.clone())))
    };
    let absolute = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let article = Readability::with_document(document, absolute, Some(readability_config()))
        .ok()
        .and_then(|mut r| r.parse().ok());
    if let Some(a) = article {
        let text = tidy(&a.text_content);
        page.has_body = is_body(&text, page.description.as_deref());
        page.text = text;
        // og:title is the bare headline; Readability's title may carry the site's name.
        page.title = headline.or(nonempty(Some(a.title.clone())));
        // Readability reads JSON-LD first and meta tags second, as we would.
        page.published = nonempty(a.published_time.clone()).or(published);
        page.author = nonempty(a.byline.clone());
        page.lang = nonempty(a.lang.clone());
        page.site_name = nonempty(a.site_name.clone());
        if page.description.is_none() {
            page.description = nonempty(a.excerpt.clone());
        }
    } else {
        page.title = headline;
        page.published = published;
    }
    if !page.has_body {
        page.text = page.description.clone().unwrap_or_default();
    }
    if page.text.trim().is_empty() && page.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        return Err(ExtractError::Empty);
    }
    Ok(page)
}

/// Removes the page furniture the survey found (consent banners, share bars, newsletter
/// boxes) that is small enough to be furniture: a class name such as `has-share-bar` or
/// `social-layout` also marks containers that hold the story, and removing those left
/// Readability without a body. On the evaluation pages (`tidings eval-extract`) removing
/// every match gave F1 0.893 (trafilatura's pages), 0.833 (Dragnet), 0.876 (CleanEval);
/// removing none 0.895, 0.846, 0.875; removing those of at most 50 words 0.897, 0.845,
/// 0.875, the same from 50 to 200 words.
fn remove_clutter(furniture: &[NodeRef]) {
    for element in furniture {
        if element.text().split_whitespace().nth(MAX_CLUTTER_WORDS).is_none() {
            element.remove_from_parent();
        }
    }
}

/// The most words a piece of page furniture (a consent banner, a share bar, a newsletter
/// box) has.
const MAX_CLUTTER_WORDS: usize = 50;

/// How Readability reads our pages: paragraphs kept apart, pages with very many
/// elements refused.
fn readability_config() -> Config {
    Config { max_elements_to_parse: MAX_ELEMENTS, text_mode: TextMode::Formatted, ..Config::default() }
}

/// A page too complex to parse, read as plain text: its `<title>` and the text of its
/// body. Not taken for an extracted body, so a feed's summary still wins when it says more.
fn plain_page(html: &str, shape: Nesting) -> Result<Page, ExtractError> {
    let note = if shape.depth > MAX_DEPTH {
        format!("the page nests elements {} deep (more than {MAX_DEPTH}); read as plain text", shape.depth)
    } else {
        format!("the page has {} elements (more than {MAX_TAGS}); read as plain text", shape.elements)
    };
    let title = html_text::element_text(html, "title").map(|t| html_to_text(&t)).filter(|t| !t.trim().is_empty());
    let body = html_text::find_opening_tag(html, "body").map_or(html, |at| &html[at..]);
    let page = Page { title, text: html_to_text(body), note: Some(note), ..Page::default() };
    if page.text.trim().is_empty() && page.title.is_none() {
        return Err(ExtractError::Empty);
    }
    Ok(page)
}

/// Whether extracted text is an article body rather than the leftovers of a page that
/// has none (a login link, a caption): Readability's last attempt keeps whatever it
/// finds. A body has a few sentences' worth of words and says more than the page's own
/// description.
fn is_body(text: &str, description: Option<&str>) -> bool {
    let words = text.split_whitespace().count();
    words >= MIN_BODY_WORDS && description.is_none_or(|d| words >= d.split_whitespace().count())
}

/// The fewest words an extracted body has (a short news brief has about 40).
const MIN_BODY_WORDS: usize = 20;

/// Candidates checked for a written date, at most.
const MAX_DATELINES: usize = 8;

/// The texts of the first elements that may show the page's date to readers: short, with
/// a digit in them (the caller finds the date in them, if any).
fn datelines(candidates: &[NodeRef]) -> Vec<String> {
    candidates
        .iter()
        .filter_map(|element| {
            let text = element.text().split_whitespace().collect::<Vec<_>>().join(" ");
            (text.len() <= 160 && text.chars().any(|c| c.is_ascii_digit())).then_some(text)
        })
        .take(MAX_DATELINES)
        .collect()
}

/// The canonical URL the page gives (`<link rel=canonical>`, else `og:url`), made absolute
/// against the page's own URL.
fn canonical_url(given: Option<String>, url: Option<&str>) -> Option<String> {
    let given = given?;
    if given.starts_with("http://") || given.starts_with("https://") {
        return Some(given);
    }
    let base = url?;
    let origin_end = base.find("://").map(|i| i + 3).and_then(|s| base[s..].find('/').map(|p| s + p));
    let origin = origin_end.map_or(base, |end| &base[..end]);
    if given.starts_with("//") {
        let scheme = base.split("://").next().unwrap_or("https");
        return Some(format!("{scheme}:{given}"));
    }
    if given.starts_with('/') {
        return Some(format!("{origin}{given}"));
    }
    None
}

/// Trims every line, and keeps at most one blank line between paragraphs.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push_str("\n\n");
        } else if !out.is_empty() {
            out.push('\n');
        }
        blank = false;
        let mut words = line.split_whitespace();
        if let Some(first) = words.next() {
            out.push_str(first);
            for w in words {
                out.push(' ');
                out.push_str(w);
            }
        }
    }
    out
}

fn nonempty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEWS: &str = r#"<!doctype html><html lang="nb"><head><meta charset="utf-8">
<title>Ferja gikk på grunn utenfor Bodø | Nordlys Nett</title>
<link rel="canonical" href="/nyheter/ferja-gikk-pa-grunn">
<meta property="og:title" content="Ferja gikk på grunn utenfor Bodø">
<meta property="og:description" content="Ingen ble skadd da ferja gikk på grunn.">
<meta property="og:site_name" content="Nordlys Nett">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Ferja gikk på grunn utenfor Bodø","datePublished":"2026-03-02T07:15:00+01:00","author":{"@type":"Person","name":"Kari Nordmann"}}</script>
</head><body>
<nav><a href="/">Forsiden</a> <a href="/sport">Sport</a> <a href="/kultur">Kultur</a></nav>
<article><h1>Ferja gikk på grunn utenfor Bodø</h1>
<p>Ferja MS «Landegode» gikk på grunn ved Helligvær søndag kveld med 43 passasjerer om bord. Ingen ble skadd, opplyser Hovedredningssentralen.</p>
<p>Redningsskøyta kom fram etter en halvtime, og passasjerene ble ført i land i Bodø like før midnatt. Kystverket undersøker nå skroget.</p>
<p>Rederiet sier at ferja tas ut av trafikk i minst en uke, og at det settes opp erstatningsbåt fra tirsdag.</p>
</article>
<aside><h2>Mest lest</h2><ul><li><a href="/a">Noe annet</a></li><li><a href="/b">Enda noe</a></li></ul></aside>
<footer>© Nordlys Nett · Personvern · Kontakt oss</footer>
</body></html>"#;

    #[test]
    fn a_news_page_gives_its_body_and_metadata() {
        let page = extract(NEWS, Some("https://nordlys.example/nyheter/ferja?utm=x")).expect("extracts");
        assert_eq!(page.title.as_deref(), Some("Ferja gikk på grunn utenfor Bodø"));
        assert_eq!(page.published.as_deref(), Some("2026-03-02T07:15:00+01:00"));
        assert_eq!(page.author.as_deref(), Some("Kari Nordmann"));
        assert_eq!(page.lang.as_deref(), Some("nb"));
        assert_eq!(page.canonical_url.as_deref(), Some("https://nordlys.example/nyheter/ferja-gikk-pa-grunn"));
        assert_eq!(page.site_name.as_deref(), Some("Nordlys Nett"));
        assert!(page.has_body);
        assert!(page.text.contains("43 passasjerer"), "{}", page.text);
        assert!(page.text.contains("erstatningsbåt fra tirsdag"));
        assert!(!page.text.contains("Mest lest") && !page.text.contains("Personvern"), "{}", page.text);
        assert!(page.text.contains("\n\n"), "paragraphs stay apart: {}", page.text);
    }

    #[test]
    fn a_paywalled_page_keeps_its_lead() {
        let html = r#"<html><head><meta property="og:title" content="Strømprisen doblet i nord">
<meta name="description" content="Strømprisen i Nord-Norge er doblet på en uke. Les hele saken som abonnent.">
<meta property="article:published_time" content="2026-01-10T06:00:00Z"></head>
<body><div class="paywall"><a href="/login">Logg inn</a></div></body></html>"#;
        let page = extract(html, None).expect("the lead is kept");
        assert_eq!(page.title.as_deref(), Some("Strømprisen doblet i nord"));
        assert!(!page.has_body);
        assert!(page.text.starts_with("Strømprisen i Nord-Norge er doblet"));
        assert_eq!(page.published.as_deref(), Some("2026-01-10T06:00:00Z"));
    }

    #[test]
    fn furniture_goes_but_a_container_named_like_it_stays() {
        let story = "<p>Kommunestyret vedtok torsdag å bygge ny skole på Bjørnstad, etter tre års strid om tomta og prisen.</p>\
            <p>Skolen skal stå klar høsten 2029 og få plass til 450 elever fra hele bydelen, ifølge rådmannen.</p>\
            <p>Opposisjonen stemte imot og mente at kostnadene er for høyt anslått, men fikk ikke flertall for utsettelse.</p>";
        let html = format!(
            "<html><body><div class='cookie-consent'>Vi bruker informasjonskapsler. <button>Godta</button></div>\
             <div class='story has-share-bar'><h1>Ny skole på Bjørnstad</h1>\
             <div class='share-buttons'><a href='/fb'>Del på Facebook</a> <a href='/x'>Del på X</a></div>{story}</div></body></html>"
        );
        let page = extract(&html, None).expect("extracts");
        assert!(page.has_body, "{page:?}");
        assert!(page.text.contains("450 elever") && page.text.contains("utsettelse"), "{}", page.text);
        assert!(!page.text.contains("Del på") && !page.text.contains("informasjonskapsler"), "{}", page.text);
    }

    #[test]
    fn an_empty_page_is_an_error() {
        assert_eq!(extract("<html><body><nav><a href='/'>x</a></nav></body></html>", None), Err(ExtractError::Empty));
        assert_eq!(extract("", None), Err(ExtractError::Empty));
    }

    #[test]
    fn a_page_nested_too_deep_is_read_as_plain_text_and_says_so() {
        let n = 200_000;
        let html = format!(
            "<html><head><TITLE>Brua er åpnet</TITLE></head><body>{}<p>Ordføreren klippet snoret lørdag.</p>{}</body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let page = extract(&html, None).expect("a page");
        assert_eq!(page.title.as_deref(), Some("Brua er åpnet"));
        assert_eq!(page.text, "Ordføreren klippet snoret lørdag.");
        assert!(!page.has_body);
        let note = page.note.expect("a note");
        assert!(note.contains("200000 deep (more than 256)"), "{note}");
        // Just within the limit, the page is parsed as usual.
        let html = format!(
            "{}<p>Ordføreren klippet snoret lørdag.</p>{}",
            "<div>".repeat(MAX_DEPTH),
            "</div>".repeat(MAX_DEPTH)
        );
        assert!(extract(&html, None).expect("a page").note.is_none());
    }

    #[test]
    fn tidy_keeps_paragraphs_and_collapses_space() {
        assert_eq!(tidy("  a   b \n\n\n  c\n d  "), "a b\n\nc\nd");
    }
}
