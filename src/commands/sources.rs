//! `tidings sources add|import|list|remove`: the feeds `watch` follows, kept in the store.

use std::process::ExitCode;

use std::time::Duration;

use anyhow::{Context, Result, bail};
use tidings_engine::{Discovered, discover};
use tidings_fetch::{FetchConfig, Fetcher};
use tidings_store::{FeedRow, Feeds};

use crate::cli::SourcesCommand;

pub fn run(command: SourcesCommand) -> Result<ExitCode> {
    match command {
        SourcesCommand::Add { data, url, title, all } => {
            check_url(&url)?;
            let to_follow = what_to_follow(&url, title, all)?;
            let feeds = Feeds::open(&data.location())?;
            for (feed, title) in to_follow {
                if feeds.add(&feed, title.as_deref())? {
                    out!("following {feed}")?;
                } else {
                    out!("already following {feed}")?;
                }
            }
        }
        SourcesCommand::Import { data, file } => {
            let xml = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let listed = tidings_ingest::parse_opml(&xml).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let feeds = Feeds::open(&data.location())?;
            let (mut added, mut known, mut refused) = (0, 0, 0);
            for feed in &listed {
                if let Err(e) = check_url(&feed.url) {
                    eprintln!("warning: {}: {e:#}", file.display());
                    refused += 1;
                } else if feeds.add(&feed.url, feed.title.as_deref())? {
                    added += 1;
                } else {
                    known += 1;
                }
            }
            out!("{added} feeds added, {known} already followed, {refused} refused ({} listed)", listed.len())?;
        }
        SourcesCommand::List { data, json } => {
            let feeds = Feeds::open(&data.location())?.list()?;
            for feed in &feeds {
                if json {
                    out!("{}", serde_json::to_string(feed)?)?;
                } else {
                    out!("{}", line(feed))?;
                }
            }
            if !json && feeds.is_empty() {
                out!("no feeds followed yet (tidings sources add URL)")?;
            }
        }
        SourcesCommand::Remove { data, feed } => {
            if !Feeds::open(&data.location())?.remove(&feed)? {
                bail!("no followed feed is {feed}");
            }
            out!("stopped following {feed} (its articles stay in the store)")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The feeds to follow for `sources add URL`: the URL itself when it is a feed or a sitemap
/// (or cannot be fetched now: a feed that is down today is still worth following), else the
/// feeds the web page names: the one, or with `--all` every one.
fn what_to_follow(url: &str, title: Option<String>, all: bool) -> Result<Vec<(String, Option<String>)>> {
    let fetcher = Fetcher::new(FetchConfig { retries: 0, timeout: Duration::from_secs(20), ..FetchConfig::default() });
    match discover(&fetcher, url) {
        Err(e) => {
            eprintln!("warning: cannot fetch {url} now ({e}); following it as given");
            Ok(vec![(url.to_string(), title)])
        }
        Ok(Discovered::Source) => Ok(vec![(url.to_string(), title)]),
        Ok(Discovered::Unknown(what)) => bail!("{url} is {what}; give the URL of a feed or a sitemap"),
        Ok(Discovered::Page(feeds)) => match feeds.len() {
            0 => bail!(
                "{url} is a web page that names no feed (no <link rel=\"alternate\"> of a feed type); \
                 give the URL of a feed or a sitemap"
            ),
            1 => {
                let (feed, own_title) = feeds.into_iter().next().unwrap_or_default();
                out!("{url} names one feed: {feed}")?;
                Ok(vec![(feed, title.or(own_title))])
            }
            n if all => {
                out!("{url} names {n} feeds")?;
                Ok(feeds)
            }
            n => {
                out!("{url} names {n} feeds:")?;
                for (feed, own_title) in &feeds {
                    out!("  {feed}{}", own_title.as_ref().map(|t| format!("  ({t})")).unwrap_or_default())?;
                }
                bail!("add one of them by its URL, or all of them with --all")
            }
        },
    }
}

/// Only http(s) URLs with a host and a valid port can be followed.
fn check_url(url: &str) -> Result<()> {
    if tidings_fetch::check_url(url).is_err() {
        bail!("{url:?} is not an http(s) URL with a host and a valid port");
    }
    Ok(())
}

/// One feed as a table line: number, state, articles, URL and title, and the last error.
fn line(feed: &FeedRow) -> String {
    let state = match (&feed.last_error, &feed.last_polled_at) {
        (Some(_), _) => format!("FAILING ({}×)", feed.failures),
        (None, Some(_)) => "ok".to_string(),
        (None, None) => "new".to_string(),
    };
    let mut s = format!("{:>4}  {:<12} {:>6} articles  {}", feed.id, state, feed.articles, feed.url);
    if let Some(t) = &feed.title {
        s.push_str(&format!("  ({t})"));
    }
    if let Some(at) = &feed.last_polled_at {
        s.push_str(&format!("\n      last polled {at}"));
        if let Some(ok) = &feed.last_ok_at {
            s.push_str(&format!(", last ok {ok}"));
        }
    }
    if feed.disallowed > 0 {
        s.push_str(&format!("\n      {} pages disallowed by robots.txt (their feed summaries kept)", feed.disallowed));
    }
    if let Some(e) = &feed.last_error {
        s.push_str(&format!("\n      last error: {e}"));
    }
    s
}
