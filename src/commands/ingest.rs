//! `tidings ingest`: articles into the store, joining the stories already there (see
//! `tidings_engine::writer` for how runs resume).

use std::process::ExitCode;

use anyhow::Result;
use tidings_engine::{CheckpointPolicy, Writer};

use crate::cli::IngestArgs;

pub fn run(args: IngestArgs) -> Result<ExitCode> {
    if let Some(url) = &args.bus {
        return publish(url, &args);
    }
    let mut writer =
        Writer::open_with(&args.data.location(), CheckpointPolicy::BeforeShortBatch, super::load_model(&args.model)?)?;
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
    deliver(&args.data.location(), std::time::Duration::from_secs(args.deliver_timeout))?;
    Ok(super::strict_exit(args.strict, done.bad))
}

/// `ingest --bus`: the articles published for `tidings place`, not stored here.
fn publish(url: &str, args: &IngestArgs) -> Result<ExitCode> {
    let bus = tidings_bus::Bus::open(url)?;
    let started = std::time::Instant::now();
    let done = tidings_engine::bus::publish_files(&bus, &args.inputs)?;
    tracing::info!("published {} articles in {:.1} s", done.published, started.elapsed().as_secs_f64());
    out!(
        "{} articles published to {}, {} already in the stream, {} bad records",
        done.published,
        bus.location(),
        done.duplicates,
        done.bad
    )?;
    Ok(super::strict_exit(args.strict, done.bad))
}

/// Delivers the webhooks of the notices waiting (this run's, and any an earlier run left),
/// for at most `timeout`; what is left waits in the outbox for the next run or a running
/// `serve`/`watch`.
pub(crate) fn deliver(location: &tidings_store::Location, timeout: std::time::Duration) -> Result<()> {
    let deliverer = tidings_engine::delivery::Deliverer::open(location)?;
    if deliverer.pending()? == 0 {
        return Ok(());
    }
    let done = deliverer.deliver_due(std::time::Instant::now() + timeout)?;
    let waiting = deliverer.pending()?;
    out!(
        "webhooks: {} delivered, {} to retry, {} given up; {waiting} waiting in the outbox",
        done.delivered,
        done.retrying,
        done.failed
    )?;
    Ok(())
}
