//! `tidings place`: the placer of a NATS JetStream stream. One is active at a time (the
//! store's writer lock); another waits as a hot standby and takes over when the lock is
//! released, which PostgreSQL does the moment the active placer's connection ends
//! (SIGKILL included).

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Result;
use tidings_bus::Bus;
use tidings_engine::{CheckpointPolicy, EngineError, Writer};
use tidings_store::StoreError;

use crate::cli::PlaceArgs;

pub fn run(args: PlaceArgs) -> Result<ExitCode> {
    let stop = super::watch::stop_on_signal();
    let location = args.data.location();
    let bus = Bus::open(&args.bus)?;
    let idle = Duration::from_millis(args.idle_ms.max(1));
    loop {
        let Some(mut writer) = take_over(&args, &stop)? else { return Ok(ExitCode::SUCCESS) };
        tracing::info!("placing from {} into {}", bus.location(), location);
        let result = tidings_engine::bus::place_from_bus(&mut writer, &bus, &stop, idle, |total| {
            tracing::info!(
                "{} articles placed, {} already stored, {} set aside",
                total.placed,
                total.skipped,
                total.dead
            );
        });
        match result {
            Ok(done) => {
                let store = writer.close()?;
                out!(
                    "{} articles placed, {} already stored, {} messages set aside; the store has {} articles ({})",
                    done.placed,
                    done.skipped,
                    done.dead,
                    store.stats()?.articles,
                    store.location()
                )?;
                return Ok(ExitCode::SUCCESS);
            }
            // What was committed stays; the next writer replays and reads on from there.
            Err(EngineError::Store(e)) if e.is_connection_lost() => {
                tracing::warn!("{e}; connecting to the store again");
                drop(writer);
                if sleep_unless_stopped(&stop, RECONNECT_PAUSE) {
                    return Ok(ExitCode::SUCCESS);
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// How long a placer that lost its store waits before connecting again.
const RECONNECT_PAUSE: Duration = Duration::from_secs(1);

/// Opens the store's writer: at once, or as a standby once the active placer stops (or
/// once the store answers again). `None` when asked to stop meanwhile.
fn take_over(args: &PlaceArgs, stop: &AtomicBool) -> Result<Option<Writer>> {
    let model = super::load_model(&args.model)?;
    let mut waiting = false;
    loop {
        match Writer::open_with(&args.data.location(), CheckpointPolicy::BeforeShortBatch, model.clone()) {
            Ok(writer) => return Ok(Some(writer)),
            Err(EngineError::Store(StoreError::Locked { holder, .. })) => {
                if !waiting {
                    tracing::info!("standby: {holder} is placing; taking over when it stops");
                    waiting = true;
                }
            }
            Err(EngineError::Store(e)) if e.is_connection_lost() => {
                tracing::warn!("{e}; trying again");
            }
            Err(e) => return Err(e.into()),
        }
        if sleep_unless_stopped(stop, Duration::from_secs(args.standby_every.max(1))) {
            return Ok(None);
        }
    }
}

/// Sleeps for `pause` in short steps; `true` if asked to stop meanwhile.
fn sleep_unless_stopped(stop: &AtomicBool, pause: Duration) -> bool {
    let until = std::time::Instant::now() + pause;
    while std::time::Instant::now() < until {
        if stop.load(Ordering::SeqCst) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    stop.load(Ordering::SeqCst)
}
