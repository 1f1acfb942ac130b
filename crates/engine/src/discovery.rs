//! What a URL given to `sources add` is: a feed or a sitemap to follow as it is, or a web
//! page (a site's home page) whose `<link rel="alternate">` elements name its feeds.

use std::sync::Arc;

use tidings_fetch::{FetchError, Fetched, Fetcher, Validators, resolve_url};
use tidings_ingest::{parse_feed_document, parse_sitemap};

/// What a URL turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Discovered {
    /// A feed or a sitemap: follow the URL itself.
    Source,
    /// A web page naming these feeds (absolute URLs, with the page's titles for them).
    Page(Vec<(String, Option<String>)>),
    /// Neither a feed nor a sitemap nor a web page (what it is instead).
    Unknown(String),
}

/// Fetches `url` once and says what it is. A fetch that fails is an error for the caller
/// to weigh (a feed that is down today is still worth following).
pub fn discover(fetcher: &Fetcher, url: &str) -> Result<Discovered, FetchError> {
    let body = match fetcher.get(url, &Validators::default())? {
        Fetched::Body(body) => body,
        Fetched::NotModified { .. } => return Ok(Discovered::Source),
    };
    let file: Arc<str> = Arc::from(url);
    if matches!(parse_sitemap(&body.bytes, file.clone()), Ok(Some(_))) || parse_feed_document(&body.bytes, file).is_ok()
    {
        return Ok(Discovered::Source);
    }
    let html_type = body.content_type.as_deref().is_none_or(|t| t.to_ascii_lowercase().contains("html"));
    let html = tidings_extract::decode(&body.bytes, body.content_type.as_deref());
    if !html_type && !html.trim_start().starts_with('<') {
        let what = body.content_type.unwrap_or_else(|| "no content type".into());
        return Ok(Discovered::Unknown(format!("neither a feed, a sitemap nor a web page ({what})")));
    }
    let feeds = tidings_extract::feed_links(&html)
        .into_iter()
        .filter_map(|link| resolve_url(&body.url, &link.href).map(|href| (href, link.title)))
        .collect();
    Ok(Discovered::Page(feeds))
}
