//! `tidings serve`: the HTTP server, with the store's write path behind
//! `POST /api/v1/articles` when the operator gave a token.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};
use tidings_engine::{CheckpointPolicy, SharedWriter, Writer};
use tidings_serve::{AppState, ServeConfig};

use crate::cli::ServeArgs;
use crate::commands::watch::watch_config;

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    let token = token(&args)?;
    let mut config = ServeConfig::new(args.data.location());
    config.max_body = args.max_body_mib.max(1) << 20;
    // The writer (and the store's write lock) is held only when something writes: the
    // API (with a token) or the feed watcher.
    let writes_on = token.is_some();
    if args.bus.is_some() && args.watch {
        bail!(
            "serve --watch stores what it fetches and cannot publish to --bus: run `tidings watch --bus` beside it, or serve without --watch"
        );
    }
    let bus = args.bus.as_deref().map(tidings_bus::Bus::open).transpose()?;
    let writer = if (writes_on && bus.is_none()) || args.watch {
        let mut writer =
            Writer::open_with(&args.data.location(), CheckpointPolicy::Periodic, super::load_model(&args.model)?)?;
        // Settle any articles a crash left after the checkpoint before taking requests.
        writer.settle_replay()?;
        Some(Arc::new(SharedWriter::new(writer)))
    } else {
        None
    };
    config.token = token;
    let mut state = AppState::open(config, writer.clone()).map_err(|e| anyhow::anyhow!("{}", e.detail()))?;
    if let Some(bus) = bus {
        state = state.with_bus(bus);
    }
    let state = Arc::new(state);
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
    let listener = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.bind)
            .await
            .with_context(|| format!("cannot listen on {}", args.bind))?;
        let addr = listener.local_addr()?;
        if !addr.ip().is_loopback() {
            tracing::warn!("listening on a public address ({addr}): anyone who can reach it can read the store");
        }
        out!(
            "listening on http://{addr}/ (writes {}{})",
            match (writes_on, &args.bus) {
                (false, _) => "off".to_string(),
                (true, None) => "on".to_string(),
                (true, Some(url)) => format!("published to {url}"),
            },
            if args.watch { ", watching feeds" } else { "" }
        )?;
        anyhow::Ok(listener)
    })?;
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = if args.watch {
        let config = watch_config(&args.poll);
        let handle = runtime.handle().clone();
        Some(tidings_serve::watching::spawn_watcher(
            &args.data.location(),
            config,
            state.clone(),
            handle,
            stop.clone(),
        )?)
    } else {
        None
    };
    // A server that writes delivers its notices' webhooks as they are made.
    let deliverer = match &writer {
        Some(_) => Some(tidings_engine::delivery::Deliverer::spawn(&args.data.location(), stop.clone())?),
        None => None,
    };
    let stopping = state.clone();
    runtime.block_on(tidings_serve::server::run(listener, tidings_serve::router(state), async move {
        tidings_serve::server::shutdown_signal().await;
        // Live event streams never end by themselves.
        stopping.stopping.store(true, Ordering::SeqCst);
    }))?;
    stop.store(true, Ordering::SeqCst);
    if let Some(thread) = watcher {
        match thread.join() {
            Ok(result) => result?,
            Err(_) => anyhow::bail!("the feed watcher panicked"),
        }
    }
    if let Some(thread) = deliverer
        && thread.join().is_err()
    {
        anyhow::bail!("the webhook deliverer panicked");
    }
    if let Some(w) = writer {
        w.close()?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The token from `--token-file` or `TIDINGS_TOKEN`; an empty one is refused (it would
/// look like writing is protected when it is not).
fn token(args: &ServeArgs) -> Result<Option<String>> {
    let raw = match &args.token_file {
        Some(path) => Some(
            std::fs::read_to_string(path).with_context(|| format!("cannot read the token file {}", path.display()))?,
        ),
        None => std::env::var("TIDINGS_TOKEN").ok(),
    };
    match raw.map(|t| t.trim().to_string()) {
        Some(t) if t.len() < 16 => bail!("the token must be at least 16 characters long"),
        other => Ok(other),
    }
}
