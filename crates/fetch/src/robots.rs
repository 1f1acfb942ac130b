//! robots.txt (RFC 9309): what a site lets the `tidings` crawler fetch.
//!
//! The rules of a site are fetched once per origin (scheme, host and port) and kept for
//! as long as the response's `Cache-Control` says, at most a day (the RFC's limit). The
//! parsing and matching (groups for our product token, else `*`; the longest matching
//! path wins, `Allow` over `Disallow` at equal length; `*` and `$` in paths; `Crawl-delay`)
//! is the `texting_robots` crate's, which is tested against Google's own suite.
//!
//! What an answer means follows the RFC: a robots.txt that is missing or refused (4xx) lets
//! everything be fetched; one that cannot be had (5xx, no connection, a timeout) means
//! *wait*: nothing of the site is fetched until it answers, asked again after a short
//! while.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use texting_robots::Robot;

/// The product token robots.txt groups are matched against.
pub const PRODUCT_TOKEN: &str = "tidings";

/// The longest a robots.txt is trusted without asking again (RFC 9309, 2.4).
pub const MAX_RULES_AGE: Duration = Duration::from_secs(24 * 3600);

/// The longest `Crawl-delay` honoured: a site asking for more still gets one request per
/// this long, and a watcher's worker is not tied up for hours.
pub const MAX_CRAWL_DELAY: Duration = Duration::from_secs(120);

/// Whether a URL may be fetched.
#[derive(Debug, Clone, PartialEq)]
pub enum Permission {
    Allowed,
    /// The site's robots.txt disallows it for us.
    Disallowed,
    /// The site's robots.txt cannot be had now (why): wait and ask again later.
    Unreachable(String),
}

/// One site's rules as last fetched.
pub(crate) enum Rules {
    /// No robots.txt (4xx), or one that could not be read as rules: everything allowed.
    Everything,
    Parsed(Box<Robot>),
    /// 5xx or no answer: nothing allowed until it answers.
    Unreachable(String),
}

impl Rules {
    /// The rules a robots.txt body gives.
    pub(crate) fn parse(body: &[u8]) -> Rules {
        match Robot::new(PRODUCT_TOKEN, body) {
            Ok(robot) => Rules::Parsed(Box::new(robot)),
            // The crate refuses a file with a pattern it cannot compile; the RFC asks
            // crawlers to read what they can, and a file we cannot read restricts nothing.
            Err(e) => {
                tracing::warn!("robots.txt not understood ({e}); treating it as allowing everything");
                Rules::Everything
            }
        }
    }

    pub(crate) fn permission(&self, url: &str) -> Permission {
        match self {
            Rules::Everything => Permission::Allowed,
            Rules::Parsed(robot) if robot.allowed(url) => Permission::Allowed,
            Rules::Parsed(_) => Permission::Disallowed,
            Rules::Unreachable(why) => Permission::Unreachable(why.clone()),
        }
    }

    /// The `Crawl-delay` the rules ask of us, within [`MAX_CRAWL_DELAY`].
    pub(crate) fn crawl_delay(&self) -> Option<Duration> {
        let Rules::Parsed(robot) = self else { return None };
        let seconds = robot.delay.filter(|d| d.is_finite() && *d > 0.0)?;
        Some(Duration::from_secs_f32(seconds).min(MAX_CRAWL_DELAY))
    }
}

/// A site's rules and until when they hold.
struct Entry {
    rules: Rules,
    until: Instant,
}

/// The rules of every site asked about, per origin. Each origin has its own lock, held
/// while its robots.txt is fetched, so that workers asking about one site at once fetch
/// it once, and other sites do not wait.
#[derive(Default)]
pub(crate) struct RobotsCache {
    sites: Mutex<HashMap<String, Arc<Mutex<Option<Entry>>>>>,
}

impl RobotsCache {
    /// The permission for `url` on the site `origin`, fetching its rules with `fetch`
    /// (which gives the rules and how long they hold) when they are not known or too old.
    pub(crate) fn permission(
        &self,
        origin: &str,
        url: &str,
        fetch: impl FnOnce() -> (Rules, Duration),
    ) -> (Permission, Option<Duration>) {
        let site = {
            let mut sites = self.sites.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            sites.entry(origin.to_string()).or_default().clone()
        };
        let mut entry = site.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if entry.as_ref().is_none_or(|e| e.until <= Instant::now()) {
            let (rules, age) = fetch();
            *entry = Some(Entry { rules, until: Instant::now() + age.min(MAX_RULES_AGE) });
        }
        match entry.as_ref() {
            Some(e) => (e.rules.permission(url), e.rules.crawl_delay()),
            None => (Permission::Allowed, None),
        }
    }
}

/// The origin of an http(s) URL (`https://nrk.no:443`) and its robots.txt URL.
pub(crate) fn robots_url(url: &url::Url) -> Option<(String, String)> {
    let origin = url.origin();
    origin.is_tuple().then(|| {
        let origin = origin.ascii_serialization();
        let robots = format!("{origin}/robots.txt");
        (origin, robots)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(txt: &str, path: &str) -> bool {
        Rules::parse(txt.as_bytes()).permission(&format!("https://example.com{path}")) == Permission::Allowed
    }

    /// RFC 9309, 5.1: the example file's groups, read as the `tidings` token sees them
    /// (no group names it, so the `*` group holds) and as `foobot` would.
    #[test]
    fn the_rfc_example_groups() {
        let txt = "User-Agent: *\nDisallow: *.gif$\nDisallow: /example/\nAllow: /publications/\n\n\
                   User-Agent: foobot\nDisallow:/\nAllow:/example/page.html\nAllow:/example/allowed.gif\n\n\
                   User-Agent: barbot\nUser-Agent: bazbot\nDisallow: /example/page.html\n\n\
                   User-Agent: quxbot\n\nEOF\n";
        assert!(!allowed(txt, "/example/page.html"));
        assert!(!allowed(txt, "/images/cat.gif"), "the $ end anchor and * wildcard");
        assert!(allowed(txt, "/images/cat.gif?size=2"), "$ anchors the end");
        assert!(allowed(txt, "/publications/2024.html"));
        assert!(allowed(txt, "/news/index.html"), "nothing matches: allowed");
        let foobot = Robot::new("foobot", txt.as_bytes()).expect("parses");
        assert!(foobot.allowed("/example/page.html") && !foobot.allowed("/news/"));
    }

    /// RFC 9309, 2.2.2: the most specific (longest) match wins; Allow wins a tie.
    #[test]
    fn the_longest_match_wins_and_allow_wins_a_tie() {
        let txt = "User-agent: *\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n";
        assert!(allowed(txt, "/example/page/"));
        assert!(!allowed(txt, "/example/page/disallowed.gif"));
        let tie = "User-agent: *\nDisallow: /news/\nAllow: /news/\n";
        assert!(allowed(tie, "/news/today"));
    }

    /// RFC 9309, 2.2.1: our own group (matched case-insensitively) replaces `*`, and groups
    /// naming us twice are merged.
    #[test]
    fn our_token_picks_our_groups() {
        let txt = "User-agent: *\nDisallow: /\n\nUser-agent: Tidings\nDisallow: /private/\n\n\
                   User-agent: tidings\nDisallow: /drafts/\n";
        assert!(allowed(txt, "/news/1.html"), "our group, not *, holds");
        assert!(!allowed(txt, "/private/x") && !allowed(txt, "/drafts/y"), "both of our groups hold");
        assert!(!allowed("User-agent: *\nDisallow: /\n", "/news/1.html"));
        assert!(allowed("", "/anything"), "an empty file allows everything");
    }

    #[test]
    fn crawl_delay_is_read_and_bounded() {
        let delay = |txt: &str| Rules::parse(txt.as_bytes()).crawl_delay();
        assert_eq!(delay("User-agent: *\nCrawl-delay: 5\n"), Some(Duration::from_secs(5)));
        assert_eq!(delay("User-agent: *\nCrawl-delay: 86400\n"), Some(MAX_CRAWL_DELAY));
        assert_eq!(delay("User-agent: *\nDisallow: /x\n"), None);
        assert_eq!(Rules::Everything.crawl_delay(), None);
    }

    #[test]
    fn an_unreachable_site_is_waited_for_and_asked_again_later() {
        let cache = RobotsCache::default();
        let mut asked = 0;
        let mut ask = |rules: Rules, age: Duration| {
            cache.permission("https://example.com", "https://example.com/a", || {
                asked += 1;
                (rules, age)
            })
        };
        let (p, _) = ask(Rules::Unreachable("HTTP 503".into()), Duration::ZERO);
        assert_eq!(p, Permission::Unreachable("HTTP 503".into()));
        let (p, _) = ask(Rules::parse(b"User-agent: *\nDisallow: /a\n"), Duration::from_secs(3600));
        assert_eq!(p, Permission::Disallowed, "asked again once the wait is over");
        let (p, _) = ask(Rules::Everything, Duration::from_secs(3600));
        assert_eq!(p, Permission::Disallowed, "kept while it holds");
        assert_eq!(asked, 2);
    }

    #[test]
    fn origins_keep_scheme_host_and_port() {
        let url = url::Url::parse("https://NRK.no/nyheter/1?x=2").expect("url");
        assert_eq!(robots_url(&url), Some(("https://nrk.no".into(), "https://nrk.no/robots.txt".into())));
        let url = url::Url::parse("http://127.0.0.1:8080/a").expect("url");
        assert_eq!(robots_url(&url).map(|r| r.1), Some("http://127.0.0.1:8080/robots.txt".into()));
    }
}
