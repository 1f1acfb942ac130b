//! `tidings sources add|import|list|remove`: the feeds `watch` follows, kept in the store.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use tidings_store::{FeedRow, Feeds};

use crate::cli::SourcesCommand;

pub fn run(command: SourcesCommand) -> Result<ExitCode> {
    match command {
        SourcesCommand::Add { data, url, title } => {
            check_url(&url)?;
            let feeds = Feeds::open(&data.location())?;
            if feeds.add(&url, title.as_deref())? {
                out!("following {url}")?;
            } else {
                out!("already following {url}")?;
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
