//! `tidings place`: the placer of a NATS JetStream stream. One is active at a time (the
//! store's writer lock); another waits as a hot standby and takes over when the lock is
//! released, which PostgreSQL does the moment the active placer's connection ends
//! (SIGKILL included).

use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::Result;
use tidings_bus::{Bus, BusLocation};
use tidings_engine::{CheckpointPolicy, EngineError, Writer};
use tidings_store::StoreError;

use crate::cli::PlaceArgs;

pub fn run(args: PlaceArgs) -> Result<ExitCode> {
    let stop = super::watch::stop_on_signal();
    let location = args.data.location();
    let bus = Bus::connect_within(&BusLocation::parse(&args.bus)?, tidings_bus::CONNECT_PATIENCE)?;
    let mut waiting = false;
    let mut writer = loop {
        match Writer::open(&location, CheckpointPolicy::BeforeShortBatch) {
            Ok(writer) => break writer,
            Err(EngineError::Store(StoreError::Locked { holder, .. })) => {
                if !waiting {
                    tracing::info!("standby: {holder} is placing; taking over when it stops");
                    waiting = true;
                }
                if sleep_unless_stopped(&stop, Duration::from_secs(args.standby_every.max(1))) {
                    return Ok(ExitCode::SUCCESS);
                }
            }
            Err(e) => return Err(e.into()),
        }
    };
    tracing::info!("placing from {} into {}", bus.location(), location);
    let idle = Duration::from_millis(args.idle_ms.max(1));
    let done = tidings_engine::bus::place_from_bus(&mut writer, &bus, &stop, idle, |total| {
        tracing::info!("{} articles placed, {} already stored, {} set aside", total.placed, total.skipped, total.dead);
    })?;
    let store = writer.close()?;
    out!(
        "{} articles placed, {} already stored, {} messages set aside; the store has {} articles ({})",
        done.placed,
        done.skipped,
        done.dead,
        store.stats()?.articles,
        store.location()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Sleeps for `pause` in short steps; `true` if asked to stop meanwhile.
fn sleep_unless_stopped(stop: &std::sync::atomic::AtomicBool, pause: Duration) -> bool {
    let until = std::time::Instant::now() + pause;
    while std::time::Instant::now() < until {
        if stop.load(Ordering::SeqCst) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    stop.load(Ordering::SeqCst)
}
