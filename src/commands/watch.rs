//! `tidings watch`: polls the followed feeds, fetches each new item's page, extracts it
//! and stores the article, pass after pass. `serve --watch` runs the same [`Watcher`]
//! beside the server.
//!
//! A pass has four steps, so that the store is touched by one thread only:
//! 1. poll the due feeds in parallel (conditional requests; an unchanged body is
//!    recognised by its hash when the server ignores the validators);
//! 2. keep the items not seen before and not stored already;
//! 3. fetch and extract their pages in parallel (the feed item stands in for a page that
//!    cannot be had);
//! 4. store the articles, mark the items seen, and record each feed's outcome and when
//!    it is next due. A failing feed is recorded and retried later with backoff; it
//!    never stops the others.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use tidings_article::{Article, Origin, Precision, Published};
use tidings_fetch::{FetchConfig, FetchError, Fetched, Fetcher, Validators};
use tidings_ingest::{FeedDocument, PageHints, page_article, parse_feed_document};
use tidings_store::{FeedRow, Feeds, PollRecord};

use crate::cli::{PollArgs, WatchArgs};
use crate::commands::ingest::{CheckpointPolicy, Writer};
use crate::pipeline;

/// The longest a feed waits between polls, whatever its ttl says.
const MAX_INTERVAL: Duration = Duration::from_secs(24 * 3600);
/// The longest backoff after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);

pub fn run(args: WatchArgs) -> Result<ExitCode> {
    let dir = &args.data.data;
    let feeds = Feeds::open(dir)?;
    let mut writer = Writer::open(dir, CheckpointPolicy::Periodic)?;
    let watcher = Watcher::new(&args.poll);
    if args.once {
        let report = watcher.pass(&feeds, &mut writer, args.all)?;
        writer.close()?;
        out!("{report}")?;
        return Ok(ExitCode::SUCCESS);
    }
    let stop = stop_on_signal();
    watcher.follow(&feeds, &mut writer, &stop, args.all)?;
    writer.close()?;
    Ok(ExitCode::SUCCESS)
}

/// A flag set by SIGTERM or Ctrl-C.
pub fn stop_on_signal() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::spawn(move || {
        if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
            rt.block_on(tidings_serve::server::shutdown_signal());
            flag.store(true, Ordering::SeqCst);
        }
    });
    stop
}

/// Where a watcher puts the articles it finds.
pub trait ArticleSink {
    /// Whether the store has an article with this id already.
    fn contains(&mut self, id: &str) -> Result<bool>;
    /// Places and stores articles (already new), committing before it returns.
    fn add(&mut self, articles: Vec<Article>) -> Result<()>;
}

impl ArticleSink for Writer {
    fn contains(&mut self, id: &str) -> Result<bool> {
        Writer::contains(self, id)
    }

    fn add(&mut self, articles: Vec<Article>) -> Result<()> {
        Writer::add(self, pipeline::order_by_publication(articles).into_iter())
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
}

impl std::fmt::Display for PassReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "polled {} feeds ({} unchanged, {} failed), fetched {} pages, added {} articles",
            self.feeds, self.unchanged, self.failed, self.pages, self.added
        )
    }
}

/// Polls feeds and fetches pages with one polite [`Fetcher`].
pub struct Watcher {
    fetcher: Fetcher,
    interval: Duration,
    workers: usize,
}

/// The outcome of polling one feed.
enum FeedPoll {
    Failed { status: Option<u16>, error: String },
    Unchanged { status: u16, max_age: Option<Duration> },
    Fresh { doc: FeedDocument, validators: Validators, hash: String, max_age: Option<Duration> },
}

impl Watcher {
    pub fn new(args: &PollArgs) -> Self {
        let config = FetchConfig {
            timeout: Duration::from_secs(args.timeout.max(1)),
            max_bytes: args.max_response_mib.max(1) << 20,
            host_delay: Duration::from_millis(args.host_delay_ms),
            retries: args.retries,
            backoff: Duration::from_millis(args.retry_backoff_ms),
            ..FetchConfig::default()
        };
        Self {
            fetcher: Fetcher::new(config),
            interval: Duration::from_secs(args.interval.max(1)),
            workers: args.workers.max(1),
        }
    }

    /// Passes until `stop` is set, sleeping until the next feed is due.
    pub fn follow(&self, feeds: &Feeds, sink: &mut dyn ArticleSink, stop: &AtomicBool, all_first: bool) -> Result<()> {
        let mut all = all_first;
        while !stop.load(Ordering::SeqCst) {
            let report = self.pass(feeds, sink, all)?;
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
            while Instant::now() < until && !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(200));
            }
        }
        Ok(())
    }

    /// One pass over the due feeds (every feed with `all`).
    pub fn pass(&self, feeds: &Feeds, sink: &mut dyn ArticleSink, all: bool) -> Result<PassReport> {
        let now = unix_now();
        let due = if all { feeds.list()? } else { feeds.due(now)? };
        let polls = parallel_map(&due, self.workers, |feed| self.poll(feed));
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
        let pages = parallel_map(&jobs, self.workers, |(_, _, item)| self.page(item).map(dated));
        report.pages = jobs.len();
        let mut per_feed: Vec<Vec<(String, Option<Article>)>> = vec![Vec::new(); due.len()];
        for ((i, key, _), article) in jobs.into_iter().zip(pages) {
            per_feed[i].push((key, article));
        }
        for ((feed, poll), items) in due.iter().zip(polls).zip(per_feed) {
            let added = self.store(feeds, sink, feed, items)?;
            report.added += added;
            let record = self.record(feed, poll, added, now, &mut report);
            feeds.record_poll(feed.id, &record)?;
        }
        Ok(report)
    }

    /// Polls one feed.
    fn poll(&self, feed: &FeedRow) -> FeedPoll {
        let validators = Validators { etag: feed.etag.clone(), last_modified: feed.last_modified.clone() };
        match self.fetcher.get(&feed.url, &validators) {
            Ok(Fetched::NotModified { max_age }) => FeedPoll::Unchanged { status: 304, max_age },
            Ok(Fetched::Body(body)) => {
                let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&body.bytes));
                if feed.body_hash.as_deref() == Some(hash.as_str()) {
                    return FeedPoll::Unchanged { status: 200, max_age: body.max_age };
                }
                match parse_feed_document(&body.bytes, Arc::from(feed.url.as_str())) {
                    Ok(doc) => FeedPoll::Fresh { doc, validators: body.validators, hash, max_age: body.max_age },
                    Err(bad) => FeedPoll::Failed { status: Some(200), error: bad.reason },
                }
            }
            Err(e) => FeedPoll::Failed { status: status_of(&e), error: e.to_string() },
        }
    }

    /// The article behind a feed item: its page, extracted, or the item itself when the
    /// page cannot be had or says nothing. See [`dated`] for its time.
    fn page(&self, item: &Article) -> Option<Article> {
        let fallback = || (!item.title.trim().is_empty() || !item.text.trim().is_empty()).then(|| item.clone());
        let Some(url) = item.url.as_deref() else { return fallback() };
        let body = match self.fetcher.get(url, &Validators::default()) {
            Ok(Fetched::Body(body)) if is_html(body.content_type.as_deref()) => body,
            Ok(_) => return fallback(),
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
            Ok(article) => Some(article),
            Err(bad) => {
                tracing::warn!("{bad}; keeping the feed's summary");
                fallback()
            }
        }
    }

    /// Stores a feed's new articles and marks its items seen. Returns how many were added.
    fn store(
        &self,
        feeds: &Feeds,
        sink: &mut dyn ArticleSink,
        feed: &FeedRow,
        items: Vec<(String, Option<Article>)>,
    ) -> Result<usize> {
        let mut new = Vec::new();
        let mut seen = Vec::with_capacity(items.len());
        let mut ids = std::collections::HashSet::new();
        for (key, article) in items {
            let id = article.as_ref().map(|a| a.id.clone());
            if let Some(a) = article
                && !sink.contains(&a.id)?
                && ids.insert(a.id.clone())
            {
                new.push(a);
            }
            seen.push((key, id));
        }
        let added = new.len();
        if !new.is_empty() {
            sink.add(new).with_context(|| format!("cannot store the articles of {}", feed.url))?;
        }
        feeds.mark_seen(feed.id, &seen)?;
        Ok(added)
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
/// CPU pool), keeping the order.
fn parallel_map<T: Sync, R: Send>(items: &[T], workers: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<R>>> = items.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers.min(items.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    if let Ok(mut slot) = results[i].lock() {
                        *slot = Some(r);
                    }
                }
            });
        }
    });
    results.into_iter().filter_map(|slot| slot.into_inner().ok().flatten()).collect()
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

    #[test]
    fn parallel_map_keeps_order() {
        let items: Vec<u32> = (0..100).collect();
        assert_eq!(parallel_map(&items, 7, |x| x * 2), items.iter().map(|x| x * 2).collect::<Vec<_>>());
        assert!(parallel_map(&Vec::<u32>::new(), 4, |x| *x).is_empty());
    }
}
