//! `tidings cluster`: articles in, stories out.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};

use tidings_article::Article;
use tidings_cluster::{StorylineConfig, Storylines};

use crate::cli::ClusterArgs;
use crate::output::{JsonLinesOut, assignment_json, print_summary, story_json};

pub fn run(args: ClusterArgs) -> Result<ExitCode> {
    let mut assignments = JsonLinesOut::create(args.assignments.as_deref())?;
    let mut stories_out = JsonLinesOut::create(args.stories.as_deref())?;
    let accepted = tidings_engine::Accepted::open(&args.input.inputs);
    let tally = accepted.tally();
    let out_of_order = Arc::new(AtomicU64::new(0));
    let (articles, progress): (Box<dyn Iterator<Item = Article> + Send>, ProgressBar) = if args.sorted {
        (Box::new(count_out_of_order(accepted, out_of_order.clone())), progress_bar(None))
    } else {
        let articles: Vec<Article> = accepted.collect();
        tracing::info!("read {} articles, {} bad records", articles.len(), tally.bad());
        let bar = progress_bar(Some(articles.len() as u64));
        (Box::new(tidings_engine::order_by_publication(articles).into_iter()), bar)
    };
    let mut total = 0u64;
    let mut write_error = None;
    let stories = tidings_engine::cluster_stream(articles, super::settings(&args.tuning)?, |article, _, placement| {
        progress.inc(1);
        total += 1;
        if write_error.is_none() {
            write_error = assignments.write(&assignment_json(article, placement)).err();
        }
    });
    progress.finish_and_clear();
    if let Some(err) = write_error {
        return Err(err);
    }
    assignments.finish()?;
    let threads = Storylines::new(StorylineConfig::default()).thread(&stories);
    for (story, thread) in stories.iter().zip(&threads) {
        stories_out.write(&story_json(story, thread))?;
    }
    stories_out.finish()?;
    let late = out_of_order.load(Ordering::Relaxed);
    if late > 0 {
        tracing::warn!("{late} articles were older than an article before them (--sorted); clustered where they came");
    }
    let bad = tally.bad();
    print_summary(&stories, &threads, total, bad, args.top)?;
    Ok(super::strict_exit(args.input.strict, bad))
}

/// Counts articles dated before the newest article seen so far.
fn count_out_of_order(articles: impl Iterator<Item = Article>, late: Arc<AtomicU64>) -> impl Iterator<Item = Article> {
    let mut newest = None;
    articles.inspect(move |a| {
        if let Some(p) = a.published {
            if newest.is_some_and(|n| p < n) {
                late.fetch_add(1, Ordering::Relaxed);
            }
            newest = Some(newest.map_or(p, |n: tidings_article::Published| n.max(p)));
        }
    })
}

/// A progress bar on stderr when it is a terminal; hidden otherwise.
fn progress_bar(total: Option<u64>) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let (bar, template) = match total {
        Some(n) => (ProgressBar::new(n), "{spinner} clustering {bar:40} {pos}/{len} articles ({per_sec}, {eta})"),
        None => (ProgressBar::new_spinner(), "{spinner} clustering {pos} articles ({per_sec})"),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}
