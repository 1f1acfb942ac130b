//! `tidings watch`: the engine's feed watcher over a store, once or until stopped.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Result;
use tidings_engine::bus::BusTarget;
use tidings_engine::{CheckpointPolicy, WatchConfig, Watcher, Writer};
use tidings_fetch::FetchConfig;
use tidings_store::Feeds;

use crate::cli::{PollArgs, WatchArgs};

pub fn run(args: WatchArgs) -> Result<ExitCode> {
    if let Some(url) = &args.bus {
        return publish(&args, url);
    }
    let dir = &args.data.location();
    let feeds = Feeds::open(dir)?;
    let mut writer = Writer::open_with(dir, CheckpointPolicy::Periodic, super::load_model(&args.model)?)?;
    // SIGTERM or Ctrl-C ends a pass within moments, keeping what it fetched.
    let stop = stop_on_signal();
    let watcher = Watcher::stopped_by(watch_config(&args.poll), stop.clone());
    if args.once {
        let report = watcher.pass(&feeds, &mut writer, args.all)?;
        writer.close()?;
        out!("{report}")?;
        if stop.load(Ordering::SeqCst) {
            return Ok(ExitCode::SUCCESS);
        }
        super::ingest::deliver(dir, Duration::from_secs(args.deliver_timeout))?;
        return Ok(ExitCode::SUCCESS);
    }
    let deliverer = tidings_engine::delivery::Deliverer::spawn(dir, stop.clone())?;
    let followed = watcher.follow(&feeds, &mut writer, args.all);
    stop.store(true, Ordering::SeqCst);
    if deliverer.join().is_err() {
        anyhow::bail!("the webhook deliverer panicked");
    }
    followed?;
    writer.close()?;
    Ok(ExitCode::SUCCESS)
}

/// `watch --bus`: what the feeds bring is published for `tidings place`, not stored here;
/// watchers that share the store's feed list each poll their own share of the due feeds.
fn publish(args: &WatchArgs, url: &str) -> Result<ExitCode> {
    let feeds = Feeds::open(&args.data.location())?;
    let bus = tidings_bus::Bus::open(url)?;
    let mut target = BusTarget::new(&bus);
    let stop = stop_on_signal();
    let watcher = Watcher::stopped_by(watch_config(&args.poll), stop.clone());
    if args.once {
        let report = watcher.pass(&feeds, &mut target, args.all)?;
        out!("{report}")?;
        return Ok(ExitCode::SUCCESS);
    }
    watcher.follow(&feeds, &mut target, args.all)?;
    Ok(ExitCode::SUCCESS)
}

/// The watcher's settings from the command line.
pub(crate) fn watch_config(args: &PollArgs) -> WatchConfig {
    let fetch = FetchConfig {
        timeout: Duration::from_secs(args.timeout.max(1)),
        max_bytes: args.max_response_mib.max(1) << 20,
        host_delay: Duration::from_millis(args.host_delay_ms),
        retries: args.retries,
        backoff: Duration::from_millis(args.retry_backoff_ms),
        ..FetchConfig::default()
    };
    WatchConfig { fetch, interval: Duration::from_secs(args.interval.max(1)), workers: args.workers.max(1) }
}

/// A flag set by SIGTERM or Ctrl-C.
pub(crate) fn stop_on_signal() -> Arc<AtomicBool> {
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
