//! `tidings ingest`: articles into the store, joining the stories already there (see
//! `tidings_engine::writer` for how runs resume).

use std::process::ExitCode;

use anyhow::Result;
use tidings_engine::{CheckpointPolicy, Writer};

use crate::cli::IngestArgs;

pub fn run(args: IngestArgs) -> Result<ExitCode> {
    let mut writer = Writer::open(&args.data.location(), CheckpointPolicy::BeforeShortBatch)?;
    let started = std::time::Instant::now();
    let done = writer.ingest_files(&args.inputs)?;
    let store = writer.close()?;
    let secs = started.elapsed().as_secs_f64();
    tracing::info!(
        "stored {} articles in {secs:.1} s ({:.0} articles/s)",
        done.added,
        done.added as f64 / secs.max(1e-9)
    );
    let started = std::time::Instant::now();
    let indexed = super::search::current_index(&store)?.len();
    tracing::info!(
        "search index holds {indexed} articles (brought up to date in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let stats = store.stats()?;
    out!(
        "{} articles added, {} already stored, {} bad records; the store has {} articles in {} stories ({})",
        done.added,
        done.skipped,
        done.bad,
        stats.articles,
        stats.stories,
        store.location()
    )?;
    Ok(super::strict_exit(args.strict, done.bad))
}
