//! Article pages (HTML) to articles: the page's own metadata first, then what the feed
//! item or archive record said about it. Used by `tidings watch` for fetched pages, by
//! the WARC reader, and for `.html` files.

use tidings_article::{Article, Origin, Published, parse_published};
use tidings_extract::{Page, extract};

use crate::{BadRecord, Record, accept, derive_id};

/// What is known about a page before it is read: from the feed item that linked it, or
/// from the archive record that holds it. The page's own metadata wins where it has any.
#[derive(Debug, Clone, Default)]
pub struct PageHints {
    /// Where the page was fetched from.
    pub url: Option<String>,
    pub title: Option<String>,
    /// The feed item's summary: the text when the page gives none (a paywall).
    pub summary: Option<String>,
    pub published: Option<Published>,
    /// The outlet's name (the feed's title).
    pub source: Option<String>,
    pub lang: Option<String>,
}

/// Reads one HTML page into an article.
pub fn page_article(html: &str, hints: &PageHints, origin: Origin) -> Record {
    let page = extract(html, hints.url.as_deref()).unwrap_or_default();
    if let Some(note) = &page.note {
        tracing::warn!("{origin}: {note}");
    }
    article_from(page, hints, origin)
}

fn article_from(page: Page, hints: &PageHints, origin: Origin) -> Record {
    let title = page.title.or_else(|| hints.title.clone()).unwrap_or_default();
    let text = match &hints.summary {
        // The feed's summary beats a page that gave only its own description, when longer.
        Some(summary) if !page.has_body && summary.len() > page.text.len() => summary.clone(),
        _ if page.has_body => without_datelines(page.text),
        _ => page.text,
    };
    let url = page.canonical_url.or_else(|| hints.url.clone());
    // A page's own implausible date gives way to the feed's (checked with the rest in
    // `accept`); a year-1 or far-future date in the markup is a template's placeholder.
    // A date written for readers (a byline's "Publisert 02.03.2026 kl. 07.15") comes after
    // the feed's: it is read from prose, the feed's from markup.
    let now = jiff::Timestamp::now();
    let plausible = |p: &Published| p.implausible(now).is_none();
    let own = page.published.as_deref().and_then(parse_published);
    let written = page.datelines.iter().filter_map(|d| crate::dateline::written_date(d)).find(plausible);
    let published = own.filter(plausible).or(hints.published).or(written).or(own);
    let source = hints.source.clone().or(page.site_name).or_else(|| url.as_deref().and_then(host));
    let mut article = Article {
        id: derive_id(url.as_deref(), &title, &text),
        published,
        title,
        text,
        lang: page.lang.or_else(|| hints.lang.clone()),
        source,
        url,
        section: None,
        origin: origin.clone(),
    };
    if !accept(&mut article) {
        return Err(BadRecord::new(origin, "the page has neither a headline nor any text"));
    }
    Ok(article)
}

/// Paragraphs this short that hold a date, at the start or the end of a body, say when
/// it was written ("Publisert 02.03.2026 kl. 07.15", "Updated Nov 19, 2019"), not what.
const DATELINE_CHARS: usize = 120;

/// A body without the datelines at its edges (page furniture that Readability keeps).
fn without_datelines(text: String) -> String {
    let paragraphs: Vec<&str> = text.split("\n\n").collect();
    let furniture = |p: &&str| p.chars().count() <= DATELINE_CHARS && crate::dateline::written_date(p).is_some();
    let start = paragraphs.iter().position(|p| !furniture(p)).unwrap_or(paragraphs.len());
    let end = paragraphs.iter().rposition(|p| !furniture(p)).map_or(start, |e| e + 1);
    if start == 0 && end == paragraphs.len() || start >= end {
        return text;
    }
    paragraphs[start..end].join("\n\n")
}

/// The host of a URL, as an outlet name of last resort.
fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?.trim_start_matches("www.");
    (!host.is_empty()).then(|| host.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn origin() -> Origin {
        Origin::new(Arc::from("page.html"), None)
    }

    #[test]
    fn the_page_wins_over_hints_and_hints_fill_gaps() {
        let html = r#"<html lang="nn"><head><link rel="canonical" href="https://fjord.example/a/1">
<meta property="article:published_time" content="2026-02-01T10:00:00Z"></head><body><article>
<h1>Rasfare stengde vegen</h1><p>Fylkesvegen gjennom dalen vart stengd laurdag etter at geologar fann sprekker i fjellsida over vegen, og bebuarane må køyre omvegen over fjellet i minst to veker.</p>
</article></body></html>"#;
        let hints = PageHints {
            url: Some("https://fjord.example/a/1?utm_source=rss".into()),
            title: Some("Feed title".into()),
            published: parse_published("2026-02-01T11:30:00Z"),
            source: Some("Fjordavisa".into()),
            ..PageHints::default()
        };
        let a = page_article(html, &hints, origin()).expect("article");
        assert_eq!(a.id, "https://fjord.example/a/1", "the canonical URL is the id");
        assert_eq!(a.published, parse_published("2026-02-01T10:00:00Z"), "the page's own time");
        assert_eq!(a.lang.as_deref(), Some("nn"));
        assert_eq!(a.source.as_deref(), Some("Fjordavisa"));
        assert!(a.text.contains("geologar fann sprekker"));
    }

    #[test]
    fn a_page_without_body_keeps_the_feed_summary() {
        let html = r#"<html><head><title>Lønnsoppgjøret er i havn</title></head><body><a href="/login">Logg inn</a></body></html>"#;
        let hints = PageHints {
            url: Some("https://www.avis.example/lonn".into()),
            summary: Some("Partene ble enige natt til fredag, og streiken er avverget.".into()),
            ..PageHints::default()
        };
        let a = page_article(html, &hints, origin()).expect("article");
        assert_eq!(a.text, "Partene ble enige natt til fredag, og streiken er avverget.");
        assert_eq!(a.source.as_deref(), Some("avis.example"));
        assert!(a.published.is_none(), "no date is invented");
    }

    #[test]
    fn a_placeholder_date_gives_way_to_the_date_written_for_readers() {
        let page = |meta: &str, byline: &str| {
            format!(
                r#"<html><head>{meta}</head><body><article><h1>Ferja gikk på grunn</h1>
<div class="meta">3 kommentarer</div><p class="byline">Av Kari Nordmann · {byline}</p>
<p>Ferja gikk på grunn like utenfor kaia i morgentimene, og alle de 43 passasjerene ble tatt i land i livbåtene uten skader.</p>
<p>Rederiet sier at ferja blir tatt ut av drift resten av uka mens skroget blir undersøkt.</p></article></body></html>"#
            )
        };
        let year_one = r#"<meta property="article:published_time" content="0001-01-01T00:00:00Z">"#;
        let a = page_article(&page(year_one, "Publisert 02.03.2026 kl. 07.15"), &PageHints::default(), origin())
            .expect("article");
        assert_eq!(a.published.map(|p| p.to_display_string()).as_deref(), Some("2026-03-02T07:15:00Z"));
        let a = page_article(&page("", "2. mars 2026"), &PageHints::default(), origin()).expect("article");
        assert_eq!(a.published.map(|p| p.to_display_string()).as_deref(), Some("2026-03-02"));
        let a =
            page_article(&page(year_one, "Kari skriver om sjøfart"), &PageHints::default(), origin()).expect("article");
        assert!(a.published.is_none(), "a year-1 date is never a publication date: {:?}", a.published);
    }

    #[test]
    fn datelines_at_a_bodys_edges_are_left_out() {
        let story = "Ferja gikk på grunn like utenfor kaia i morgentimene, og alle de 43 passasjerene kom seg i land.";
        let text = format!(
            "Publisert 02.03.2026 kl. 07.15\n\n{story}\n\nRederiet melder om skader.\n\nOppdatert 3. mars 2026"
        );
        assert_eq!(without_datelines(text), format!("{story}\n\nRederiet melder om skader."));
        let inside = format!("{story}\n\nMøtet 12.05.2026 avgjør saken.\n\n{story}");
        assert_eq!(without_datelines(inside.clone()), inside, "a date inside the story stays");
        assert_eq!(without_datelines("2. mars 2026".into()), "2. mars 2026", "nothing but a date: kept");
    }

    #[test]
    fn an_empty_page_is_a_bad_record() {
        let err = page_article("<html></html>", &PageHints::default(), origin()).expect_err("nothing to keep");
        assert!(err.to_string().starts_with("page.html: the page has neither"));
    }
}
