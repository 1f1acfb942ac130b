//! The feed watcher: polls the followed feeds, fetches each new item's page, extracts it
//! and stores the article, pass after pass (`tidings watch`, and `serve --watch` beside
//! the server).
//!
//! A pass has four steps, so that the store is touched by one thread only:
//! 1. claim the due feeds (watchers that share a store each poll their own share: a claim
//!    is a lease, see [`Feeds::claim`]) and poll them in parallel (conditional requests; an
//!    unchanged body is recognised by its hash when the server ignores the validators);
//! 2. keep the items not seen before and not stored already;
//! 3. fetch and extract their pages in parallel (the feed item stands in for a page that
//!    cannot be had);
//! 4. store the articles, mark the items seen, and record each feed's outcome and when
//!    it is next due. A failing feed is recorded and retried later with backoff; it
//!    never stops the others.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tidings_article::{Article, Origin, Precision, Published};
use tidings_fetch::{FetchConfig, FetchError, Fetched, Fetcher, Permission, Validators};
use tidings_ingest::{FeedDocument, PageHints, Sitemap, page_article, parse_feed_document, parse_sitemap};
use tidings_store::{FeedRow, Feeds, PollRecord};

use crate::EngineError;
use crate::writer::Writer;

/// The longest a feed waits between polls, whatever its ttl says.
const MAX_INTERVAL: Duration = Duration::from_secs(24 * 3600);
/// The longest backoff after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);

/// Where a watcher puts the articles it finds.
pub trait ArticleTarget {
    /// Places and stores the new ones of `articles` (the target skips what is stored or
    /// repeated), committing before it returns. Returns how many were added.
    fn add_new(&mut self, articles: Vec<Article>) -> Result<u64, EngineError>;
}

impl ArticleTarget for Writer {
    fn add_new(&mut self, articles: Vec<Article>) -> Result<u64, EngineError> {
        Ok(Writer::add_new(self, articles)?.0)
    }
}

/// How a watcher polls and fetches.
#[derive(Debug, Clone)]
pub struct WatchConfig {
    pub fetch: FetchConfig,
    /// The shortest time between two polls of one feed (a feed's ttl or Cache-Control can
    /// ask for longer).
    pub interval: Duration,
    /// Feeds polled and pages fetched at once.
    pub workers: usize,
}

impl Default for WatchConfig {
    fn default() -> Self {
        Self { fetch: FetchConfig::default(), interval: Duration::from_secs(300), workers: 8 }
    }
}

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PassReport {
    pub feeds: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub pages: usize,
    pub added: usize,
    /// Pages their site's robots.txt keeps from us (their feed items stand in for them).
    pub disallowed: usize,
    /// Pages of sites whose robots.txt cannot be had now: their items wait for a later poll.
    pub waiting: usize,
}

impl std::fmt::Display for PassReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "polled {} feeds ({} unchanged, {} failed), fetched {} pages, added {} articles",
            self.feeds, self.unchanged, self.failed, self.pages, self.added
        )?;
        if self.disallowed > 0 || self.waiting > 0 {
            write!(
                f,
                " ({} pages disallowed by robots.txt, {} waiting for a robots.txt to answer)",
                self.disallowed, self.waiting
            )?;
        }
        Ok(())
    }
}

/// Polls feeds and fetches pages with one polite [`Fetcher`].
pub struct Watcher {
    fetcher: Arc<Fetcher>,
    interval: Duration,
    workers: usize,
    /// Once set, the pass under way ends within moments, keeping what it fetched.
    stop: Arc<AtomicBool>,
}

/// What became of a feed item's page.
#[derive(Debug, Clone)]
enum Page {
    /// The article: the page extracted, or the item where the page could not be had.
    Read(Option<Article>),
    /// The site's robots.txt disallows the page: the item stands in for it.
    Disallowed(Option<Article>),
    /// The site's robots.txt cannot be had (why): the item waits, unseen.
    Waiting(String),
    /// The watcher stopped before the page was had: the item waits, unseen.
    Stopped,
}

/// What storing a feed's items did.
#[derive(Debug, Default)]
struct Stored {
    added: usize,
    disallowed: usize,
    /// Items left unseen, and why, for the robots.txt of their site to answer.
    waiting: usize,
    why_waiting: Option<String>,
    /// Items left unseen because the watcher stopped.
    stopped: usize,
}

/// The outcome of polling one feed.
enum FeedPoll {
    Failed {
        status: Option<u16>,
        error: String,
    },
    Unchanged {
        status: u16,
        max_age: Option<Duration>,
    },
    Fresh {
        doc: FeedDocument,
        validators: Validators,
        hash: String,
        max_age: Option<Duration>,
    },
    /// The watcher stopped before the feed answered.
    Stopped,
}

impl Watcher {
    pub fn new(config: WatchConfig) -> Self {
        Self::stopped_by(config, Arc::default())
    }

    /// A watcher that stops once `stop` is set (SIGTERM): the pass under way sends no
    /// more requests, waits for none that are under way, stores what it has, and leaves
    /// the rest (feeds not polled, pages not fetched) to be brought again by the next pass.
    pub fn stopped_by(config: WatchConfig, stop: Arc<AtomicBool>) -> Self {
        Self {
            fetcher: Arc::new(Fetcher::new(config.fetch).with_stop(stop.clone())),
            interval: config.interval.max(Duration::from_secs(1)),
            workers: config.workers.max(1),
            stop,
        }
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Passes until the watcher is stopped, sleeping until the next feed is due.
    pub fn follow(&self, feeds: &Feeds, target: &mut dyn ArticleTarget, all_first: bool) -> Result<(), EngineError> {
        let mut all = all_first;
        while !self.stopped() {
            let report = self.pass(feeds, target, all)?;
            all = false;
            if report.feeds > 0 {
                tracing::info!("{report}");
            }
            let wait = feeds
                .next_due()?
                .map(|due| Duration::from_secs(u64::try_from(due - unix_now()).unwrap_or(0)))
                .unwrap_or(self.interval)
                .clamp(Duration::from_secs(1), self.interval);
            let until = Instant::now() + wait;
            while Instant::now() < until && !self.stopped() {
                std::thread::sleep(Duration::from_millis(200));
            }
        }
        Ok(())
    }

    /// One pass over the due feeds (every feed with `all`).
    pub fn pass(&self, feeds: &Feeds, target: &mut dyn ArticleTarget, all: bool) -> Result<PassReport, EngineError> {
        let now = unix_now();
        let due = if all { feeds.list()? } else { feeds.due(now)? };
        // Watchers sharing a store each take their own share of the due feeds.
        let lease_until = now + self.lease().as_secs() as i64;
        let due = feeds.claim(due, lease_until)?;
        let fetcher = self.fetcher.clone();
        let polls = parallel_map(due.clone(), self.workers, &self.stop, move |feed| poll(&fetcher, &feed));
        let polls: Vec<FeedPoll> = polls.into_iter().map(|p| p.unwrap_or(FeedPoll::Stopped)).collect();
        let mut report = PassReport { feeds: due.len(), ..PassReport::default() };
        // Items to fetch, per feed: (key, feed item).
        let mut jobs: Vec<(usize, String, Article)> = Vec::new();
        for (i, (feed, poll)) in due.iter().zip(&polls).enumerate() {
            if let FeedPoll::Fresh { doc, .. } = poll {
                for item in doc.items.iter().flatten() {
                    if !feeds.seen(feed.id, &item.id)? {
                        jobs.push((i, item.id.clone(), item.clone()));
                    }
                }
            }
        }
        let items: Vec<Article> = jobs.iter().map(|(_, _, item)| item.clone()).collect();
        let fetcher = self.fetcher.clone();
        let pages = parallel_map(items, self.workers, &self.stop, move |item| page(&fetcher, &item));
        let pages: Vec<Page> = pages.into_iter().map(|p| p.unwrap_or(Page::Stopped)).collect();
        report.pages = pages.iter().filter(|p| !matches!(p, Page::Stopped)).count();
        let mut per_feed: Vec<Vec<(String, Page)>> = vec![Vec::new(); due.len()];
        for ((i, key, _), page) in jobs.into_iter().zip(pages) {
            per_feed[i].push((key, page));
        }
        // Why the target cannot take articles now (the stream is away), once it said so.
        let mut held_back: Option<String> = None;
        for ((feed, poll), items) in due.iter().zip(polls).zip(per_feed) {
            if matches!(poll, FeedPoll::Stopped) {
                // Not polled: the feed is due again as it was, for the next watcher.
                feeds.release(feed, lease_until)?;
                continue;
            }
            let record = match self.store(feeds, target, feed, items, &mut held_back)? {
                Some(stored) => {
                    report.added += stored.added;
                    report.disallowed += stored.disallowed;
                    report.waiting += stored.waiting;
                    // Items that wait make the poll a failed one: the validators stay as
                    // they were, so the next poll (after a backoff) brings them again.
                    let stopped = stored.stopped > 0;
                    let poll = match stored.why_waiting {
                        Some(why) => FeedPoll::Failed {
                            status: None,
                            error: format!("{} pages wait for robots.txt: {why}", stored.waiting),
                        },
                        None => poll,
                    };
                    let mut record = self.record(feed, poll, stored.added, now, &mut report);
                    record.disallowed = stored.disallowed as i64;
                    if stopped && record.error.is_none() {
                        // Items are left for the next pass: the feed is due at once, and
                        // its validators stay as they were so that it brings them again.
                        (record.etag, record.last_modified, record.body_hash) = (None, None, None);
                        record.next_poll_ts = now;
                    }
                    record
                }
                // Recorded as a failed poll: the items stay unseen and the validators as they
                // were, so the feed brings them again when it is next polled (with backoff).
                None => {
                    let error = format!("held back: {}", held_back.as_deref().unwrap_or_default());
                    self.record(feed, FeedPoll::Failed { status: None, error }, 0, now, &mut report)
                }
            };
            feeds.record_poll(feed.id, &record)?;
        }
        Ok(report)
    }

    /// How long a claimed feed is held for this watcher's poll: long enough for a slow
    /// pass (so no two watchers poll a feed in one interval), short enough that a dead
    /// watcher's feeds go to the others soon: twice the interval, at least two minutes.
    fn lease(&self) -> Duration {
        (self.interval * 2).max(Duration::from_secs(120))
    }

    /// Stores a feed's new articles and marks their items seen (not those that wait).
    /// Returns what it did, or `None` when the target cannot take them now (a stream that
    /// is away: the reason goes to `held_back`, and the rest of the pass does not wait for
    /// it again).
    fn store(
        &self,
        feeds: &Feeds,
        target: &mut dyn ArticleTarget,
        feed: &FeedRow,
        items: Vec<(String, Page)>,
        held_back: &mut Option<String>,
    ) -> Result<Option<Stored>, EngineError> {
        let mut stored = Stored::default();
        let mut articles = Vec::new();
        let mut seen = Vec::with_capacity(items.len());
        for (key, page) in items {
            let article = match page {
                Page::Read(article) => article,
                Page::Disallowed(article) => {
                    stored.disallowed += 1;
                    article
                }
                Page::Waiting(why) => {
                    stored.waiting += 1;
                    stored.why_waiting.get_or_insert(why);
                    continue;
                }
                Page::Stopped => {
                    stored.stopped += 1;
                    continue;
                }
            };
            seen.push((key, article.as_ref().map(|a| a.id.clone())));
            articles.extend(article);
        }
        let added = if articles.is_empty() {
            0
        } else if held_back.is_some() {
            return Ok(None);
        } else {
            match target.add_new(articles) {
                Ok(added) => added,
                Err(e) if e.is_unavailable() => {
                    tracing::warn!("{}: held back, {e}", feed.url);
                    *held_back = Some(e.to_string());
                    return Ok(None);
                }
                Err(e) => return Err(EngineError::Feed { feed: feed.url.clone(), source: Box::new(e) }),
            }
        };
        feeds.mark_seen(feed.id, &seen)?;
        stored.added = added as usize;
        Ok(Some(stored))
    }

    /// The record of a poll, with when the feed is next due.
    fn record(&self, feed: &FeedRow, poll: FeedPoll, added: usize, now: i64, report: &mut PassReport) -> PollRecord {
        let articles = added as i64;
        match poll {
            FeedPoll::Failed { status, error } => {
                report.failed += 1;
                tracing::warn!("{}: {error}", feed.url);
                let backoff = self.interval.saturating_mul(1 << feed.failures.clamp(0, 6)).min(MAX_BACKOFF);
                PollRecord {
                    status,
                    error: Some(error),
                    next_poll_ts: now + backoff.as_secs() as i64,
                    ..PollRecord::default()
                }
            }
            // Released before recording (see `pass`); recorded as unchanged if ever here.
            FeedPoll::Stopped => PollRecord { next_poll_ts: now, ..PollRecord::default() },
            FeedPoll::Unchanged { status, max_age } => {
                report.unchanged += 1;
                PollRecord {
                    status: Some(status),
                    next_poll_ts: self.next_poll(now, feed.ttl_s, max_age),
                    ..PollRecord::default()
                }
            }
            FeedPoll::Fresh { doc, validators, hash, max_age } => {
                let ttl_s = doc.ttl_minutes.map(|m| i64::from(m) * 60);
                PollRecord {
                    status: Some(200),
                    etag: validators.etag,
                    last_modified: validators.last_modified,
                    body_hash: Some(hash),
                    ttl_s,
                    next_poll_ts: self.next_poll(now, ttl_s.or(feed.ttl_s), max_age),
                    articles,
                    title: doc.title,
                    ..PollRecord::default()
                }
            }
        }
    }

    /// When a feed polled successfully now is due again: after our interval, or longer if
    /// the feed's ttl or Cache-Control asks, but within a day.
    fn next_poll(&self, now: i64, ttl_s: Option<i64>, max_age: Option<Duration>) -> i64 {
        let asked = ttl_s.unwrap_or(0).max(max_age.map_or(0, |a| a.as_secs() as i64));
        let wait = (self.interval.as_secs() as i64).max(asked).min(MAX_INTERVAL.as_secs() as i64);
        now + wait
    }
}

/// Polls one feed.
fn poll(fetcher: &Fetcher, feed: &FeedRow) -> FeedPoll {
    let validators = Validators { etag: feed.etag.clone(), last_modified: feed.last_modified.clone() };
    match fetcher.get(&feed.url, &validators) {
        Ok(Fetched::NotModified { max_age }) => FeedPoll::Unchanged { status: 304, max_age },
        Ok(Fetched::Body(body)) => {
            let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&body.bytes));
            if feed.body_hash.as_deref() == Some(hash.as_str()) {
                return FeedPoll::Unchanged { status: 200, max_age: body.max_age };
            }
            let file: Arc<str> = Arc::from(feed.url.as_str());
            match parse_sitemap(&body.bytes, file.clone()) {
                Ok(Some(Sitemap::Pages(doc))) => {
                    FeedPoll::Fresh { doc, validators: body.validators, hash, max_age: body.max_age }
                }
                Ok(Some(Sitemap::Index(children))) => sitemap_index(fetcher, &children, hash),
                Ok(None) => match parse_feed_document(&body.bytes, file) {
                    Ok(doc) => FeedPoll::Fresh { doc, validators: body.validators, hash, max_age: body.max_age },
                    Err(bad) => FeedPoll::Failed { status: Some(200), error: bad.reason },
                },
                Err(bad) => FeedPoll::Failed { status: Some(200), error: bad.reason },
            }
        }
        Err(FetchError::Stopped) => FeedPoll::Stopped,
        Err(e) => FeedPoll::Failed { status: status_of(&e), error: e.to_string() },
    }
}

/// The pages of a sitemap index's newest sitemaps, as one feed document. Its sitemaps
/// change while the index stays the same (a daily news sitemap keeps its address), so
/// the index keeps no validators and its hash covers what its sitemaps said: each poll
/// reads them again. A sitemap that fails is passed over (its pages come with the next
/// poll); an index inside an index is not followed.
fn sitemap_index(fetcher: &Fetcher, children: &[String], index_hash: String) -> FeedPoll {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(index_hash.as_bytes());
    let mut doc = FeedDocument { title: None, ttl_minutes: None, items: Vec::new() };
    for url in children {
        let body = match fetcher.get(url, &Validators::default()) {
            Ok(Fetched::Body(body)) => body,
            Ok(Fetched::NotModified { .. }) => continue,
            Err(FetchError::Stopped) => return FeedPoll::Stopped,
            Err(e) => {
                tracing::warn!("{url}: {e}; its pages wait for the next poll");
                continue;
            }
        };
        hasher.update(&body.bytes);
        match parse_sitemap(&body.bytes, Arc::from(url.as_str())) {
            Ok(Some(Sitemap::Pages(pages))) => {
                doc.title = doc.title.or(pages.title);
                doc.items.extend(pages.items);
            }
            Ok(_) => tracing::warn!("{url}: not a sitemap of pages; passed over"),
            Err(bad) => tracing::warn!("{bad}"),
        }
    }
    let hash = format!("{:016x}", hasher.digest());
    FeedPoll::Fresh { doc, validators: Validators::default(), hash, max_age: None }
}

/// What becomes of a feed item's page: read (see [`read_page`]) where the
/// site's robots.txt allows it, else the item stands in for it, or waits for the
/// robots.txt to answer.
fn page(fetcher: &Fetcher, item: &Article) -> Page {
    let Some(url) = item.url.as_deref() else { return Page::Read(summary(item).map(dated)) };
    match fetcher.permission(url) {
        Permission::Allowed => match read_page(fetcher, item, url) {
            Some(article) => Page::Read(article.map(dated)),
            None => Page::Stopped,
        },
        Permission::Disallowed => Page::Disallowed(summary(item).map(dated)),
        // robots.txt was not asked for because the watcher is stopping.
        Permission::Unreachable(_) if fetcher.stopped() => Page::Stopped,
        Permission::Unreachable(why) => Page::Waiting(why),
    }
}

/// The article behind a feed item: its page at `url`, extracted, or the item itself when
/// the page cannot be had or says nothing (see [`dated`] for its time); `None` when the
/// fetcher stopped before asking.
fn read_page(fetcher: &Fetcher, item: &Article, url: &str) -> Option<Option<Article>> {
    let fallback = || Some(summary(item));
    let body = match fetcher.get(url, &Validators::default()) {
        Ok(Fetched::Body(body)) if is_html(body.content_type.as_deref()) => body,
        Ok(_) => return fallback(),
        Err(FetchError::Stopped) => return None,
        Err(e) => {
            tracing::warn!("{url}: {e}; keeping the feed's summary");
            return fallback();
        }
    };
    let html = tidings_extract::decode(&body.bytes, body.content_type.as_deref());
    let hints = PageHints {
        url: Some(body.url.clone()),
        title: Some(item.title.clone()).filter(|t| !t.is_empty()),
        summary: Some(item.text.clone()).filter(|t| !t.is_empty()),
        published: item.published,
        source: item.source.clone(),
        lang: item.lang.clone(),
    };
    match page_article(&html, &hints, Origin::new(Arc::from(body.url.as_str()), None)) {
        Ok(article) => Some(Some(article)),
        Err(bad) => {
            tracing::warn!("{bad}; keeping the feed's summary");
            fallback()
        }
    }
}

/// A feed item as the article, when it says anything.
fn summary(item: &Article) -> Option<Article> {
    (!item.title.trim().is_empty() || !item.text.trim().is_empty()).then(|| item.clone())
}

fn status_of(e: &FetchError) -> Option<u16> {
    match e {
        FetchError::Status { status } => Some(*status),
        _ => None,
    }
}

fn is_html(content_type: Option<&str>) -> bool {
    content_type.is_none_or(|t| {
        let t = t.to_ascii_lowercase();
        t.contains("html") || t.starts_with("text/plain")
    })
}

fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// Maps `f` over `items` on up to `workers` threads (network-bound work, so not rayon's
/// CPU pool), keeping the order. Once `stop` is set, no new item is started and the
/// results so far are returned at once (`None` for the rest): the threads are not waited
/// for, since a request under way may take until its timeout, and what they still bring
/// is dropped.
fn parallel_map<T, R>(
    items: Vec<T>,
    workers: usize,
    stop: &Arc<AtomicBool>,
    f: impl Fn(T) -> R + Send + Sync + 'static,
) -> Vec<Option<R>>
where
    T: Send + 'static,
    R: Send + 'static,
{
    let count = items.len();
    let queue = Arc::new(std::sync::Mutex::new(items.into_iter().enumerate()));
    let f = Arc::new(f);
    let (sender, results) = std::sync::mpsc::channel();
    for _ in 0..workers.min(count) {
        let (queue, f, sender, stop) = (queue.clone(), f.clone(), sender.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                let next = queue.lock().ok().and_then(|mut q| q.next());
                let Some((i, item)) = next else { break };
                if sender.send((i, f(item))).is_err() {
                    break;
                }
            }
        });
    }
    drop(sender);
    let mut out: Vec<Option<R>> = (0..count).map(|_| None).collect();
    let mut received = 0;
    while received < count && !stop.load(Ordering::SeqCst) {
        match results.recv_timeout(Duration::from_millis(100)) {
            Ok((i, r)) => {
                out[i] = Some(r);
                received += 1;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    // What finished just as the stop came is kept.
    for (i, r) in results.try_iter() {
        out[i] = Some(r);
    }
    out
}

/// A watched article without a believable date (none given, or one the reader refused as
/// implausible) is dated by when it was fetched: it was published by then, and a feed
/// reader's views count back from the newest articles.
fn dated(mut article: Article) -> Article {
    if article.published.is_none() {
        article.published = Some(Published { at: jiff::Timestamp::now(), precision: Precision::Instant });
    }
    article
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    #[test]
    fn parallel_map_keeps_order() {
        let items: Vec<u32> = (0..100).collect();
        let go = Arc::new(AtomicBool::new(false));
        let doubled: Vec<Option<u32>> = items.iter().map(|x| Some(x * 2)).collect();
        assert_eq!(parallel_map(items, 7, &go, |x| x * 2), doubled);
        assert!(parallel_map(Vec::<u32>::new(), 4, &go, |x| x).is_empty());
    }

    #[test]
    fn parallel_map_stops_without_waiting_for_work_under_way() {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let started = Instant::now();
        // The first item sets the stop; the second never ends on its own in time.
        let out = parallel_map(vec![0u64, 3600], 2, &stop, move |secs| {
            if secs == 0 {
                flag.store(true, Ordering::SeqCst);
            } else {
                std::thread::sleep(Duration::from_secs(secs));
            }
            secs
        });
        assert!(started.elapsed() < Duration::from_secs(5), "did not wait for the hour-long item");
        assert_eq!(out[1], None);
    }

    /// Records what the watcher hands over.
    #[derive(Default)]
    struct Recorder(Vec<Article>);

    impl ArticleTarget for Recorder {
        fn add_new(&mut self, articles: Vec<Article>) -> Result<u64, EngineError> {
            let n = articles.len() as u64;
            self.0.extend(articles);
            Ok(n)
        }
    }

    const PAGE: &str = "<html><head><title>Bridge reopens</title></head><body><article><h1>Bridge reopens after \
        repairs</h1><p>The old bridge over the river reopened on Friday after eight months of repairs to its \
        steel frame.</p><p>Buses return to their usual route from Monday, the county said.</p></article></body></html>";

    /// A loopback server: `/feed.xml` (RSS with an ETag, 304 when it is sent back; any
    /// query is ignored),
    /// `/bridge` (a page), `/broken.xml` (500), anything else 404.
    fn serve() -> String {
        serve_site(Arc::default()).0
    }

    /// The answer a test site gives for `/robots.txt` (status line and body; none: 404),
    /// which the test may change while the site runs.
    type RobotsAnswer = Arc<std::sync::Mutex<Option<(&'static str, &'static str)>>>;

    /// [`serve`] with a robots.txt, and the paths it was asked for.
    fn serve_site(robots: RobotsAnswer) -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
        let asked: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
        let log = asked.clone();
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("its address"));
        let feed = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>County news</title>\
             <item><title>Bridge reopens</title><link>{base}/bridge</link><guid>bridge</guid>\
             <description>The bridge reopened.</description><pubDate>Fri, 05 Apr 2019 10:00:00 GMT</pubDate></item>\
             <item><title>Ferry timetable changes</title><link>{base}/gone</link><guid>ferry</guid>\
             <description>The summer timetable starts in May.</description>\
             <pubDate>Fri, 05 Apr 2019 11:00:00 GMT</pubDate></item></channel></rss>"
        );
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(&stream);
                let mut request = String::new();
                while reader.read_line(&mut request).map(|n| n > 2).unwrap_or(false) {}
                let target = request.split_whitespace().nth(1).unwrap_or("/");
                // The query is ignored: `/feed.xml?again` is a second feed with the same items.
                let path = target.split('?').next().unwrap_or("/").to_string();
                log.lock().expect("the log").push(path.clone());
                let robots_answer = *robots.lock().expect("the robots answer");
                let (status, etag, body) = match (path.as_str(), robots_answer) {
                    ("/robots.txt", Some((status, body))) => (status, "\"r\"", body.to_string()),
                    (path, _) => match path {
                        "/feed.xml" if request.contains("\"v1\"") => ("304 Not Modified", "\"v1\"", String::new()),
                        "/feed.xml" => ("200 OK", "\"v1\"", feed.clone()),
                        "/bridge" => ("200 OK", "\"p\"", PAGE.to_string()),
                        "/broken.xml" => ("500 Internal Server Error", "\"b\"", "down".to_string()),
                        _ => ("404 Not Found", "\"n\"", "no such page".to_string()),
                    },
                };
                let kind = if path.ends_with(".xml") { "application/rss+xml" } else { "text/html" };
                let _ = write!(
                    &stream,
                    "HTTP/1.1 {status}\r\nETag: {etag}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        (base, asked)
    }

    fn watcher() -> Watcher {
        let fetch = FetchConfig {
            host_delay: Duration::ZERO,
            retries: 0,
            robots_retry: Duration::ZERO,
            ..FetchConfig::default()
        };
        Watcher::new(WatchConfig { fetch, interval: Duration::from_secs(60), workers: 2 })
    }

    fn feeds_of(dir: &std::path::Path, urls: &[String]) -> Feeds {
        drop(tidings_store::Store::open(&dir.into(), tidings_store::Access::Write).expect("a new store"));
        let feeds = Feeds::open(&dir.into()).expect("its feeds");
        for url in urls {
            feeds.add(url, None).expect("a feed added");
        }
        feeds
    }

    #[test]
    fn a_pass_stores_pages_and_summaries_and_the_next_finds_the_feed_unchanged() {
        let base = serve();
        let dir = tempfile::tempdir().expect("dir");
        let feeds = feeds_of(dir.path(), &[format!("{base}/feed.xml")]);
        let (watcher, mut target) = (watcher(), Recorder::default());

        let first = watcher.pass(&feeds, &mut target, true).expect("a pass");
        assert_eq!((first.feeds, first.pages, first.added, first.failed), (1, 2, 2, 0));
        let bridge = target.0.iter().find(|a| a.title.starts_with("Bridge")).expect("the page");
        assert!(bridge.text.contains("steel frame"), "extracted from the page: {}", bridge.text);
        let ferry = target.0.iter().find(|a| a.title.starts_with("Ferry")).expect("the item");
        assert!(ferry.text.contains("summer timetable"), "a missing page keeps the summary: {}", ferry.text);

        let second = watcher.pass(&feeds, &mut target, true).expect("a pass");
        assert_eq!((second.unchanged, second.pages, second.added), (1, 0, 0));
        assert_eq!(target.0.len(), 2);
        assert!(feeds.next_due().expect("due").is_some_and(|t| t > unix_now()), "not due again at once");
    }

    #[test]
    fn pages_robots_txt_disallows_are_not_fetched_and_their_summaries_are_kept() {
        let robots: RobotsAnswer = Arc::new(std::sync::Mutex::new(Some(("200 OK", "User-agent: *\nDisallow: /\n"))));
        let (base, asked) = serve_site(robots);
        let dir = tempfile::tempdir().expect("dir");
        let feeds = feeds_of(dir.path(), &[format!("{base}/feed.xml")]);
        let mut target = Recorder::default();
        let report = watcher().pass(&feeds, &mut target, true).expect("a pass");
        assert_eq!((report.pages, report.disallowed, report.waiting, report.added), (2, 2, 0, 2));
        let bridge = target.0.iter().find(|a| a.title.starts_with("Bridge")).expect("the item");
        assert_eq!(bridge.text, "The bridge reopened.", "the feed's summary, not the page");
        let asked = asked.lock().expect("the log").clone();
        assert_eq!(asked, ["/feed.xml", "/robots.txt"], "no page was asked for, robots.txt once");
        let feed = &feeds.list().expect("feeds")[0];
        assert_eq!((feed.disallowed, feed.articles, feed.last_error.as_deref()), (2, 2, None));
    }

    #[test]
    fn pages_wait_while_robots_txt_fails_and_come_once_it_answers() {
        let robots: RobotsAnswer = Arc::new(std::sync::Mutex::new(Some(("503 Service Unavailable", "busy"))));
        let (base, asked) = serve_site(robots.clone());
        let dir = tempfile::tempdir().expect("dir");
        let feeds = feeds_of(dir.path(), &[format!("{base}/feed.xml")]);
        let (watcher, mut target) = (watcher(), Recorder::default());
        let report = watcher.pass(&feeds, &mut target, true).expect("a pass");
        assert_eq!((report.waiting, report.added, report.failed), (2, 0, 1));
        assert!(!asked.lock().expect("the log").iter().any(|p| p == "/bridge"), "no page fetched");
        let feed = &feeds.list().expect("feeds")[0];
        assert!(feed.last_error.as_deref().is_some_and(|e| e.contains("robots.txt") && e.contains("503")), "{feed:?}");
        assert_eq!(feed.etag, None, "the validators stay as they were, so the items come again");
        // The site answers now (no robots.txt at all: everything allowed).
        *robots.lock().expect("the robots answer") = None;
        let report = watcher.pass(&feeds, &mut target, true).expect("a pass");
        assert_eq!((report.waiting, report.added, report.failed), (0, 2, 0));
        let bridge = target.0.iter().find(|a| a.title.starts_with("Bridge")).expect("the page");
        assert!(bridge.text.contains("steel frame"), "the page itself: {}", bridge.text);
    }

    #[test]
    fn a_failing_feed_is_recorded_and_backs_off_without_stopping_the_others() {
        let base = serve();
        let dir = tempfile::tempdir().expect("dir");
        let feeds = feeds_of(dir.path(), &[format!("{base}/broken.xml"), format!("{base}/feed.xml")]);
        let mut target = Recorder::default();
        let report = watcher().pass(&feeds, &mut target, true).expect("a pass");
        assert_eq!((report.feeds, report.failed, report.added), (2, 1, 2));
        let broken = feeds.list().expect("feeds").into_iter().find(|f| f.url.ends_with("broken.xml")).expect("listed");
        assert_eq!(broken.failures, 1);
        assert_eq!(broken.last_status, Some(500));
        assert!(feeds.due(unix_now()).expect("due").is_empty(), "the broken feed waits too");
    }

    /// A stream that is away: every publish fails.
    struct Away(usize);

    impl ArticleTarget for Away {
        fn add_new(&mut self, _: Vec<Article>) -> Result<u64, EngineError> {
            self.0 += 1;
            Err(EngineError::Bus(tidings_bus::BusError::Publish {
                server: "127.0.0.1:4222".into(),
                stream: "tidings".into(),
                reason: "no acknowledgement within 10 s".into(),
            }))
        }
    }

    #[test]
    fn a_target_that_is_away_holds_the_items_back_for_the_next_poll() {
        let base = serve();
        let dir = tempfile::tempdir().expect("dir");
        let urls = [format!("{base}/feed.xml"), format!("{base}/feed.xml?again")];
        let feeds = feeds_of(dir.path(), &urls);
        let mut away = Away(0);
        let report = watcher().pass(&feeds, &mut away, true).expect("the pass goes on");
        assert_eq!((report.feeds, report.failed, report.added), (2, 2, 0));
        assert_eq!(away.0, 1, "the pass does not wait for the stream once per feed");
        for feed in feeds.list().expect("feeds") {
            assert!(feed.last_error.as_deref().is_some_and(|e| e.starts_with("held back: cannot publish")), "{feed:?}");
            assert_eq!(feed.etag, None, "the validators stay as they were");
        }
        // The stream is back: the next pass brings every item.
        let mut target = Recorder::default();
        let report = watcher().pass(&feeds, &mut target, true).expect("a pass");
        assert_eq!((report.failed, report.added), (0, 4));
    }

    #[test]
    fn a_feed_waits_as_long_as_it_asks_but_at_most_a_day() {
        let w = watcher();
        assert_eq!(w.next_poll(1000, None, None), 1060);
        assert_eq!(w.next_poll(1000, Some(3600), None), 4600);
        assert_eq!(w.next_poll(1000, None, Some(Duration::from_secs(7200))), 8200);
        assert_eq!(w.next_poll(1000, Some(30 * 86_400), None), 1000 + 86_400);
    }
}
