//! `tidings serve`: the HTTP server, with the store's write path behind
//! `POST /api/v1/articles` when the operator gave a token.

use std::collections::HashSet;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, bail};
use tidings_article::{Article, Origin};
use tidings_serve::{ApiError, AppState, IngestReport, Intake, RejectedRecord, ServeConfig};

use crate::cli::ServeArgs;
use crate::commands::ingest::{CheckpointPolicy, Writer};
use crate::commands::watch::{ArticleSink, Watcher};
use crate::pipeline;
use tidings_store::Feeds;

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    let token = token(&args)?;
    let mut config = ServeConfig::new(args.data.data.clone());
    config.max_body = args.max_body_mib.max(1) << 20;
    // The writer (and the store's write lock) is held only when something writes: the
    // API (with a token) or the feed watcher.
    let writes_on = token.is_some();
    let writer = if writes_on || args.watch {
        Some(Arc::new(StoreIntake {
            writer: Mutex::new(Some(Writer::open(&args.data.data, CheckpointPolicy::Periodic)?)),
        }))
    } else {
        None
    };
    if let Some(w) = &writer {
        // Settle any articles a crash left after the checkpoint before taking requests.
        w.ingest(b"").map_err(|e| anyhow::anyhow!("{}", e.detail()))?;
    }
    config.token = token;
    let intake = writer.clone().map(|w| w as Arc<dyn Intake>);
    let state = Arc::new(AppState::open(config, intake).map_err(|e| anyhow::anyhow!("{}", e.detail()))?);
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
            if writes_on { "on" } else { "off" },
            if args.watch { ", watching feeds" } else { "" }
        )?;
        anyhow::Ok(listener)
    })?;
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = match (&writer, args.watch) {
        (Some(intake), true) => {
            Some(spawn_watcher(&args, intake.clone(), state.clone(), runtime.handle().clone(), stop.clone())?)
        }
        _ => None,
    };
    runtime.block_on(tidings_serve::server::run(
        listener,
        tidings_serve::router(state),
        tidings_serve::server::shutdown_signal(),
    ))?;
    stop.store(true, Ordering::SeqCst);
    if let Some(thread) = watcher {
        match thread.join() {
            Ok(result) => result?,
            Err(_) => anyhow::bail!("the feed watcher panicked"),
        }
    }
    if let Some(w) = writer {
        w.close()?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs the feed watcher on a thread of its own, storing through the server's writer.
fn spawn_watcher(
    args: &ServeArgs,
    intake: Arc<StoreIntake>,
    state: Arc<AppState>,
    runtime: tokio::runtime::Handle,
    stop: Arc<AtomicBool>,
) -> Result<std::thread::JoinHandle<Result<()>>> {
    let feeds = Feeds::open(&args.data.data)?;
    let watcher = Watcher::new(&args.poll);
    Ok(std::thread::spawn(move || {
        let mut sink = ServeSink { intake, state, runtime };
        watcher.follow(&feeds, &mut sink, &stop, false)
    }))
}

/// The watcher's articles go through the server's single writer; the search index and
/// page cache then catch up as after a POST.
struct ServeSink {
    intake: Arc<StoreIntake>,
    state: Arc<AppState>,
    runtime: tokio::runtime::Handle,
}

impl ArticleSink for ServeSink {
    fn contains(&mut self, id: &str) -> Result<bool> {
        let mut slot = self.intake.writer.lock().map_err(|_| anyhow::anyhow!("the writer lock is poisoned"))?;
        ArticleSink::contains(slot.as_mut().context("the server's writer is closed")?, id)
    }

    fn add(&mut self, articles: Vec<Article>) -> Result<()> {
        {
            let mut slot = self.intake.writer.lock().map_err(|_| anyhow::anyhow!("the writer lock is poisoned"))?;
            ArticleSink::add(slot.as_mut().context("the server's writer is closed")?, articles)?;
        }
        let _in_runtime = self.runtime.enter();
        self.state.stored_new_articles();
        Ok(())
    }
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

/// The write path: one writer, one request at a time.
struct StoreIntake {
    writer: Mutex<Option<Writer>>,
}

impl StoreIntake {
    fn close(&self) -> Result<()> {
        let mut slot = self.writer.lock().map_err(|_| anyhow::anyhow!("the writer lock is poisoned"))?;
        if let Some(w) = slot.take() {
            w.close()?;
        }
        Ok(())
    }
}

impl Intake for StoreIntake {
    fn ingest(&self, body: &[u8]) -> Result<IngestReport, ApiError> {
        let mut report = IngestReport::default();
        let articles = parse_body(body, &mut report)?;
        let mut slot = self.writer.lock().map_err(|_| ApiError::Internal("the writer lock is poisoned".into()))?;
        let writer = slot.as_mut().ok_or_else(|| ApiError::Unavailable("the server is shutting down".into()))?;
        let mut seen = HashSet::new();
        let mut new = Vec::with_capacity(articles.len());
        for a in articles {
            let stored = writer.contains(&a.id).map_err(|e| ApiError::Internal(format!("{e:#}")))?;
            if stored || !seen.insert(a.id.clone()) {
                report.skipped += 1;
            } else {
                new.push(a);
            }
        }
        report.added = new.len() as u64;
        writer
            .add(pipeline::order_by_publication(new).into_iter())
            .map_err(|e| ApiError::Internal(format!("{e:#}")))?;
        Ok(report)
    }
}

/// A JSON array of article objects, or JSON Lines; each record under the rules of
/// `tidings ingest` (bad ones are reported by number and skipped).
fn parse_body(body: &[u8], report: &mut IngestReport) -> Result<Vec<Article>, ApiError> {
    let origin: Arc<str> = Arc::from("request");
    let mut articles = Vec::new();
    let mut take = |record: u64, bytes: &[u8]| match tidings_ingest::parse_line(
        bytes,
        Origin::new(origin.clone(), Some(record)),
    ) {
        Ok(a) => articles.push(a),
        Err(bad) => report.rejected.push(RejectedRecord { record, reason: bad.reason }),
    };
    let trimmed = body.trim_ascii();
    if trimmed.starts_with(b"[") {
        let items: Vec<&serde_json::value::RawValue> = serde_json::from_slice(trimmed)
            .map_err(|e| ApiError::InvalidBody(format!("the body is not a JSON array of articles: {e}")))?;
        for (i, item) in items.iter().enumerate() {
            take(i as u64 + 1, item.get().as_bytes());
        }
    } else {
        for (i, line) in trimmed.split(|&b| b == b'\n').enumerate() {
            if !line.trim_ascii().is_empty() {
                take(i as u64 + 1, line.trim_ascii());
            }
        }
    }
    Ok(articles)
}
