//! `tidings search` and `tidings reindex`: the full-text index over the store.

use std::process::ExitCode;

use anyhow::{Context, Result};
use serde_json::json;
use tidings_search::{SearchIndex, SearchRequest};
use tidings_store::{Access, Store, parse_story_label};

use crate::cli::{ReindexArgs, SearchArgs};
use crate::commands::browse::parse_since;

pub fn search(args: SearchArgs) -> Result<ExitCode> {
    let store = Store::open(&args.data.location(), Access::Read)?;
    let index = current_index(&store)?;
    let story = match &args.story {
        Some(s) => Some(parse_story_label(s).with_context(|| format!("{s:?} is not a story id"))?),
        None => None,
    };
    let request = SearchRequest {
        query: args.query.join(" "),
        since: args.since.as_deref().map(|s| parse_since(&store, s)).transpose()?,
        until: args.until.as_deref().map(|s| parse_since(&store, s)).transpose()?,
        lang: args.lang,
        source: args.source,
        story,
        limit: args.limit,
        offset: 0,
    };
    let results = index.search(&request)?;
    let seqs: Vec<i64> = results.hits.iter().map(|h| h.seq).collect();
    let articles = store.articles_by_seq(&seqs)?;
    if !args.json {
        out!("{} articles match; the best {}:", results.total, articles.len())?;
    }
    for (hit, mut a) in results.hits.iter().zip(articles) {
        if args.json {
            a.body = None;
            out!("{}", json!({"score": hit.score, "article": a}))?;
        } else {
            out!(
                "{:>6.2}  {}  {:<20}  {:<16}  {}",
                hit.score,
                a.story,
                a.published.as_deref().unwrap_or("undated"),
                a.source.as_deref().unwrap_or("—"),
                a.display_title
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn reindex(args: ReindexArgs) -> Result<ExitCode> {
    let store = Store::open(&args.data.location(), Access::Read)?;
    let index = SearchIndex::open(store.index_dir())?;
    let n = index.rebuild(&store)?;
    out!("indexed {n} articles ({} bytes)", index.disk_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The index, brought up to date first: it is derived from the store and never trusted
/// when the store has moved on (or when it is missing).
pub fn current_index(store: &Store) -> Result<SearchIndex> {
    let index = SearchIndex::open(store.index_dir())?;
    match index.catch_up(store) {
        Ok(0) => {}
        Ok(caught_up) => tracing::info!("indexed {caught_up} articles the index was missing"),
        // A reader of a store it may not write searches the index as it is.
        Err(e) if e.is_read_only() => {
            tracing::warn!("{e}; searching the index as it is, which may miss the newest articles")
        }
        Err(e) => return Err(e.into()),
    }
    Ok(index)
}
