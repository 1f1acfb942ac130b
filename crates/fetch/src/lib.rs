//! Fetch: polite HTTP GETs of feeds and article pages.
//!
//! One [`Fetcher`] is shared by every worker of a polling pass. It sends a User-Agent that
//! says who we are, talks to each host one request at a time with a minimum delay between
//! requests, makes conditional requests (ETag / Last-Modified), bounds redirects, time and
//! response size, accepts gzip and brotli, and retries transient failures (connection
//! errors, timeouts, 429 and 5xx) with exponential backoff. It never follows a host's
//! failure to other hosts: every outcome is returned to the caller, which records it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ureq::ResponseExt;

mod robots;

pub use robots::{MAX_CRAWL_DELAY, MAX_RULES_AGE, PRODUCT_TOKEN, Permission};
use robots::{RobotsCache, Rules};

/// Settings of a fetcher; [`FetchConfig::default`] is what `tidings watch` uses.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    pub user_agent: String,
    /// The whole request, body included.
    pub timeout: Duration,
    /// Larger responses are refused (the bytes read so far are dropped).
    pub max_bytes: u64,
    pub max_redirects: u32,
    /// Least time between the end of one request to a host and the start of the next.
    pub host_delay: Duration,
    /// Attempts after the first, for transient failures.
    pub retries: u32,
    /// The first retry waits this long; each further one twice as long.
    pub backoff: Duration,
    /// How long a site whose robots.txt cannot be had (5xx, no answer) is left alone
    /// before it is asked again.
    pub robots_retry: Duration,
}

impl Default for FetchConfig {
    fn default() -> Self {
        Self {
            user_agent: format!(
                "tidings/{} (news story engine; +https://github.com/tidings-news/tidings)",
                env!("CARGO_PKG_VERSION")
            ),
            timeout: Duration::from_secs(30),
            max_bytes: 10 << 20,
            max_redirects: 5,
            host_delay: Duration::from_secs(1),
            retries: 2,
            backoff: Duration::from_secs(2),
            robots_retry: Duration::from_secs(300),
        }
    }
}

/// The validators of an earlier response, for a conditional request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A successful response.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched {
    /// 304: what we have is current.
    NotModified { max_age: Option<Duration> },
    /// 200 with its body (decompressed).
    Body(Body),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
    /// The URL after redirects.
    pub url: String,
    pub validators: Validators,
    /// `Cache-Control: max-age` (or `s-maxage`), when given.
    pub max_age: Option<Duration>,
}

/// Why a fetch failed, after its retries.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum FetchError {
    #[error("HTTP {status}")]
    Status { status: u16 },
    #[error("more than {0} redirects")]
    TooManyRedirects(u32),
    #[error("response larger than {} MiB", .0 >> 20)]
    TooLarge(u64),
    #[error("no answer within {} s", .0.as_secs())]
    Timeout(Duration),
    #[error("{0}")]
    Network(String),
    #[error("not an http(s) URL: {0}")]
    BadUrl(String),
    /// Only http(s) redirects are followed (`Location: file:///etc/passwd` is not).
    #[error("redirected to {0}, which is not an http(s) URL; not followed")]
    BadRedirect(String),
    /// The fetcher was told to stop (see [`Fetcher::with_stop`]) before the request went out.
    #[error("stopped before the request was sent")]
    Stopped,
}

/// Checks that `url` is an http(s) URL with a host and a valid port, as a feed's or a
/// page's address must be.
pub fn check_url(url: &str) -> Result<url::Url, FetchError> {
    let bad = || FetchError::BadUrl(url.to_string());
    let parsed = url::Url::parse(url.trim()).map_err(|_| bad())?;
    let web = matches!(parsed.scheme(), "http" | "https");
    if !web || parsed.host_str().is_none_or(str::is_empty) || parsed.port() == Some(0) {
        return Err(bad());
    }
    Ok(parsed)
}

/// `href` (absolute, or relative to the page at `base`) as an absolute http(s) URL, if it
/// is one.
pub fn resolve_url(base: &str, href: &str) -> Option<String> {
    let joined = url::Url::parse(base).ok()?.join(href.trim()).ok()?;
    check_url(joined.as_str()).ok().map(|u| u.to_string())
}

/// What one request gave: an answer, or where to go next.
enum Hop {
    Done(Fetched),
    Redirect(String),
}

impl FetchError {
    /// Whether trying again later may succeed.
    fn is_transient(&self) -> bool {
        match self {
            FetchError::Status { status } => *status == 429 || *status >= 500,
            FetchError::Timeout(_) | FetchError::Network(_) => true,
            _ => false,
        }
    }
}

/// A shared, polite HTTP client.
pub struct Fetcher {
    agent: ureq::Agent,
    config: FetchConfig,
    /// Per host: held for the whole of a request (one at a time), holding when the host
    /// may next be asked.
    hosts: Mutex<HashMap<String, Arc<Mutex<Instant>>>>,
    /// Per host: the `Crawl-delay` its robots.txt asks for, where longer than ours.
    crawl_delays: Mutex<HashMap<String, Duration>>,
    robots: RobotsCache,
    /// Once set, no request is sent and no wait (for a host, before a retry) goes on.
    stop: Arc<AtomicBool>,
}

/// How often a wait looks at the stop flag.
const STOP_CHECK: Duration = Duration::from_millis(100);

impl Fetcher {
    pub fn new(config: FetchConfig) -> Self {
        let agent = ureq::Agent::config_builder()
            .user_agent(config.user_agent.as_str())
            .timeout_global(Some(config.timeout))
            .timeout_connect(Some(config.timeout.min(Duration::from_secs(10))))
            // Redirects are followed by `Fetcher::get`, hop by hop.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .http_status_as_error(false)
            .build()
            .new_agent();
        Self {
            agent,
            config,
            hosts: Mutex::new(HashMap::new()),
            crawl_delays: Mutex::new(HashMap::new()),
            robots: RobotsCache::default(),
            stop: Arc::default(),
        }
    }

    /// The fetcher, stopping once `stop` is set: requests not yet sent fail with
    /// [`FetchError::Stopped`] at once, waits included (a request under way runs to its
    /// end or its timeout).
    pub fn with_stop(mut self, stop: Arc<AtomicBool>) -> Self {
        self.stop = stop;
        self
    }

    /// Whether the fetcher was told to stop.
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Sleeps until `until`, or returns `false` as soon as the fetcher is stopped.
    fn wait_until(&self, until: Instant) -> bool {
        loop {
            if self.stopped() {
                return false;
            }
            let now = Instant::now();
            if now >= until {
                return true;
            }
            std::thread::sleep((until - now).min(STOP_CHECK));
        }
    }

    /// Whether the site's robots.txt lets us fetch `url` (RFC 9309, see `robots.rs`):
    /// its rules are fetched politely, like any request, when not known or too old, and
    /// its `Crawl-delay` then spaces our requests to the host.
    pub fn permission(&self, url: &str) -> Permission {
        let Ok(parsed) = check_url(url) else { return Permission::Allowed };
        let (Some((origin, robots_url)), Some(host)) = (robots::robots_url(&parsed), host_of(parsed.as_str())) else {
            return Permission::Allowed;
        };
        let (permission, delay) = self.robots.permission(&origin, parsed.as_str(), || self.fetch_rules(&robots_url));
        if let Some(delay) = delay.filter(|d| *d > self.config.host_delay) {
            let known =
                self.crawl_delays.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(host.clone(), delay);
            if known.is_none() {
                // The robots.txt request itself was spaced by our delay alone.
                let gate = self.gate(&host);
                let mut next = gate.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                *next = (*next).max(Instant::now() + delay);
            }
        }
        permission
    }

    /// A site's robots.txt as rules, and how long they hold: as its `Cache-Control` says
    /// (at most a day); an unreachable one for [`FetchConfig::robots_retry`].
    fn fetch_rules(&self, robots_url: &str) -> (Rules, Duration) {
        match self.get(robots_url, &Validators::default()) {
            Ok(Fetched::Body(body)) => (Rules::parse(&body.bytes), body.max_age.unwrap_or(MAX_RULES_AGE)),
            Ok(Fetched::NotModified { .. }) => (Rules::Everything, MAX_RULES_AGE),
            // "Unavailable" (RFC 9309, 2.3.1.3): no rules, everything allowed.
            Err(FetchError::Status { status }) if (400..500).contains(&status) => (Rules::Everything, MAX_RULES_AGE),
            // Not asked: nothing of the site is fetched now, and it is asked next time.
            Err(FetchError::Stopped) => (Rules::Unreachable("stopped".into()), Duration::ZERO),
            Err(e @ (FetchError::Status { .. } | FetchError::Timeout(_) | FetchError::Network(_))) => {
                tracing::warn!("{robots_url}: {e}; fetching nothing from the site until it answers");
                (Rules::Unreachable(format!("{robots_url}: {e}")), self.config.robots_retry)
            }
            // Too many redirects, a redirect elsewhere than the web, a huge file: treated
            // as unavailable, as the RFC allows.
            Err(e) => {
                tracing::warn!("{robots_url}: {e}; treating the site as having no robots.txt");
                (Rules::Everything, MAX_RULES_AGE)
            }
        }
    }

    /// The least time between two requests to `host`: ours, or its `Crawl-delay`.
    fn host_delay(&self, host: &str) -> Duration {
        let delays = self.crawl_delays.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        delays.get(host).copied().unwrap_or(self.config.host_delay).max(self.config.host_delay)
    }

    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// GETs `url`, conditionally when `validators` has any, retrying transient failures.
    /// Redirects are followed here, not by the HTTP client, so that each hop waits its
    /// turn at its host like any request, and only http(s) targets are followed.
    pub fn get(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        let mut current = check_url(url)?;
        for _ in 0..=self.config.max_redirects {
            match self.get_retrying(&current, validators)? {
                Hop::Done(fetched) => return Ok(fetched),
                Hop::Redirect(location) => {
                    let next = current.join(&location).map_err(|_| FetchError::BadRedirect(location.clone()))?;
                    current = check_url(next.as_str()).map_err(|_| FetchError::BadRedirect(next.to_string()))?;
                }
            }
        }
        Err(FetchError::TooManyRedirects(self.config.max_redirects))
    }

    /// One URL, politely, with retries for transient failures.
    fn get_retrying(&self, url: &url::Url, validators: &Validators) -> Result<Hop, FetchError> {
        let host = host_of(url.as_str()).ok_or_else(|| FetchError::BadUrl(url.to_string()))?;
        let mut attempt = 0;
        loop {
            let result = self.polite(&host, || self.once(url.as_str(), validators));
            match result {
                Err(e) if e.is_transient() && attempt < self.config.retries => {
                    if !self.wait_until(Instant::now() + self.config.backoff * 2u32.pow(attempt)) {
                        return Err(FetchError::Stopped);
                    }
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// Runs `request` while holding the host: one request per host at a time, and at
    /// least `host_delay` after the previous one ended. A stopped fetcher sends nothing.
    fn polite(&self, host: &str, request: impl FnOnce() -> Result<Hop, FetchError>) -> Result<Hop, FetchError> {
        let gate = self.gate(host);
        let mut next = gate.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !self.wait_until(*next) {
            return Err(FetchError::Stopped);
        }
        let out = request();
        *next = Instant::now() + self.host_delay(host);
        out
    }

    /// A host's gate: held during a request to it, holding when it may next be asked.
    fn gate(&self, host: &str) -> Arc<Mutex<Instant>> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        hosts.entry(host.to_string()).or_insert_with(|| Arc::new(Mutex::new(Instant::now()))).clone()
    }

    fn once(&self, url: &str, validators: &Validators) -> Result<Hop, FetchError> {
        let mut request = self.agent.get(url);
        if let Some(etag) = &validators.etag {
            request = request.header("If-None-Match", etag);
        }
        if let Some(lm) = &validators.last_modified {
            request = request.header("If-Modified-Since", lm);
        }
        let mut response = request.call().map_err(|e| self.error(e))?;
        let status = response.status().as_u16();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let max_age = header("cache-control").as_deref().and_then(max_age);
        match status {
            304 => Ok(Hop::Done(Fetched::NotModified { max_age })),
            301 | 302 | 303 | 307 | 308 => match header("location") {
                Some(location) => Ok(Hop::Redirect(location)),
                None => Err(FetchError::Status { status }),
            },
            200..=299 => {
                let content_type = header("content-type");
                let validators = Validators { etag: header("etag"), last_modified: header("last-modified") };
                let final_url = response.get_uri().to_string();
                let bytes = response
                    .body_mut()
                    .with_config()
                    .limit(self.config.max_bytes)
                    .read_to_vec()
                    .map_err(|e| self.error(e))?;
                Ok(Hop::Done(Fetched::Body(Body { bytes, content_type, url: final_url, validators, max_age })))
            }
            status => Err(FetchError::Status { status }),
        }
    }

    fn error(&self, e: ureq::Error) -> FetchError {
        match e {
            ureq::Error::StatusCode(status) => FetchError::Status { status },
            ureq::Error::TooManyRedirects => FetchError::TooManyRedirects(self.config.max_redirects),
            ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge(self.config.max_bytes),
            ureq::Error::Timeout(_) => FetchError::Timeout(self.config.timeout),
            ureq::Error::BadUri(u) => FetchError::BadUrl(u),
            other => FetchError::Network(other.to_string()),
        }
    }
}

/// The host (and port) of an http(s) URL, lowercased.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// `max-age` (or `s-maxage`) of a `Cache-Control` value; `no-cache`/`no-store` give 0.
fn max_age(cache_control: &str) -> Option<Duration> {
    let mut age = None;
    for directive in cache_control.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if lower == "no-cache" || lower == "no-store" {
            return Some(Duration::ZERO);
        }
        if let Some(v) = lower.strip_prefix("max-age=").or_else(|| lower.strip_prefix("s-maxage=")) {
            age = v.trim_matches('"').parse::<u64>().ok().map(Duration::from_secs).or(age);
        }
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_cache_control() {
        assert_eq!(host_of("https://NRK.no/nyheter?x=1").as_deref(), Some("nrk.no"));
        assert_eq!(host_of("http://127.0.0.1:8080/feed").as_deref(), Some("127.0.0.1:8080"));
        assert_eq!(host_of("ftp://x/y"), None);
        assert_eq!(max_age("public, max-age=600"), Some(Duration::from_secs(600)));
        assert_eq!(max_age("no-cache"), Some(Duration::ZERO));
        assert_eq!(max_age("public"), None);
    }

    #[test]
    fn relative_links_resolve_against_their_page() {
        let page = "https://avis.example/nyheter/i-dag.html";
        assert_eq!(resolve_url(page, "/rss/siste.xml").as_deref(), Some("https://avis.example/rss/siste.xml"));
        assert_eq!(resolve_url(page, "feed.json").as_deref(), Some("https://avis.example/nyheter/feed.json"));
        assert_eq!(resolve_url(page, "//cdn.example/a.xml").as_deref(), Some("https://cdn.example/a.xml"));
        assert_eq!(resolve_url(page, "javascript:alert(1)"), None);
    }

    #[test]
    fn only_web_urls_with_valid_ports_pass() {
        assert!(check_url("https://nrk.no/toppsaker.rss").is_ok());
        assert!(check_url("http://[::1]:8080/feed").is_ok());
        for bad in
            ["http://[::1]:99999/", "http://example.no:0/", "file:///etc/passwd", "ftp://x/y", "http://", "nrk.no/rss"]
        {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
