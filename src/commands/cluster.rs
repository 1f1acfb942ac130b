//! `tidings cluster`: articles in, stories out.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::ClusterArgs;
use crate::output::{JsonLinesOut, assignment_json, print_summary, story_json};
use crate::pipeline;

pub fn run(args: ClusterArgs) -> Result<ExitCode> {
    let mut assignments = JsonLinesOut::create(args.assignments.as_deref())?;
    let mut stories_out = JsonLinesOut::create(args.stories.as_deref())?;
    let intake = pipeline::read(&args.input.inputs);
    let total = intake.articles.len() as u64;
    tracing::info!("read {total} articles, {} bad records", intake.bad);
    let progress = progress_bar(total);
    let mut write_error = None;
    let stories = pipeline::cluster_stream(
        pipeline::order_by_publication(intake.articles).into_iter(),
        pipeline::settings(&args.tuning),
        |article, _, placement| {
            progress.inc(1);
            if write_error.is_none() {
                write_error = assignments.write(&assignment_json(article, placement)).err();
            }
        },
    );
    progress.finish_and_clear();
    if let Some(err) = write_error {
        return Err(err);
    }
    assignments.finish()?;
    for story in &stories {
        stories_out.write(&story_json(story))?;
    }
    stories_out.finish()?;
    print_summary(&stories, total, intake.bad, args.top)?;
    Ok(super::strict_exit(args.input.strict, intake.bad))
}

/// A progress bar on stderr when it is a terminal; hidden otherwise.
fn progress_bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} clustering {bar:40} {pos}/{len} articles ({per_sec}, {eta})")
    {
        bar.set_style(style);
    }
    bar
}
