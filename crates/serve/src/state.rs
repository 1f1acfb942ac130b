//! What every request handler shares: read connections to the store, the search index,
//! the store's writer (when the operator allows writes) and a short-lived page cache.

use std::collections::HashMap;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tidings_engine::{RejectedRecord, SharedWriter};
use tidings_search::SearchIndex;
use tidings_store::{Access, Location, Store};

use crate::error::ApiError;

/// Rendered lists are reused for this long: the front page is the most requested page
/// and changes only when articles arrive (which clears the cache at once).
const CACHE_TTL: Duration = Duration::from_secs(5);
/// Entries the cache holds before it starts over (each is one rendered page or list).
const CACHE_ENTRIES: usize = 512;
/// Request bodies read at once by the write endpoint; others wait before reading theirs.
/// Writes go through one writer, so more would only hold more bodies in memory.
const BODY_SLOTS: usize = 4;
/// Live event streams open at once; each asks the store for news twice a second.
pub const EVENT_STREAMS: usize = 256;

/// What an ingest request did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct IngestReport {
    /// Articles stored (and placed in stories).
    pub added: u64,
    /// Articles whose id the store already had.
    pub skipped: u64,
    /// Records refused, each with its place in the body and the reason.
    pub rejected: Vec<RejectedRecord>,
}

/// Settings of a running server.
#[derive(Clone)]
pub struct ServeConfig {
    pub data: Location,
    /// The bearer token that allows `POST /api/v1/articles`; `None` turns writes off.
    pub token: Option<String>,
    /// Largest request body accepted, in bytes.
    pub max_body: usize,
    /// A request (body included) that takes longer is answered 408.
    pub request_timeout: Duration,
}

impl ServeConfig {
    pub fn new(data: Location) -> Self {
        Self { data, token: None, max_body: 16 << 20, request_timeout: Duration::from_secs(30) }
    }
}

pub struct AppState {
    pub config: ServeConfig,
    pool: Pool,
    index: SearchIndex,
    /// The write path: `None` when writes are off, or when they go to the bus.
    pub writer: Option<Arc<SharedWriter>>,
    /// Where written articles are published instead (`serve --bus`), for `tidings place`.
    pub bus: Option<Arc<tidings_bus::Bus>>,
    cache: Mutex<HashMap<String, (Instant, Arc<str>)>>,
    /// A search index catch-up is scheduled and has not started yet.
    index_due: AtomicBool,
    /// Held while the index catches up, so that catch-ups run one at a time.
    indexing: Mutex<()>,
    /// Permits to read a write request's body (see [`BODY_SLOTS`]).
    pub body_slots: tokio::sync::Semaphore,
    /// Permits to hold a live event stream open (see [`EVENT_STREAMS`]).
    pub event_streams: Arc<tokio::sync::Semaphore>,
    /// Set when the server stops: live event streams end, so shutdown need not wait.
    pub stopping: AtomicBool,
}

impl AppState {
    /// Opens read connections and the search index (brought up to date).
    pub fn open(config: ServeConfig, writer: Option<Arc<SharedWriter>>) -> Result<Self, ApiError> {
        let pool = Pool::new(&config.data)?;
        let index = SearchIndex::open(config.data.index_dir())?;
        match pool.with_store(|s| Ok(index.catch_up(s))) {
            Ok(Err(e)) if e.is_read_only() => {
                tracing::warn!("{e}; serving the search index as it is, which may miss the newest articles")
            }
            result => {
                result??;
            }
        }
        Ok(Self {
            config,
            pool,
            index,
            writer,
            bus: None,
            cache: Mutex::new(HashMap::new()),
            index_due: AtomicBool::new(false),
            indexing: Mutex::new(()),
            body_slots: tokio::sync::Semaphore::new(BODY_SLOTS),
            event_streams: Arc::new(tokio::sync::Semaphore::new(EVENT_STREAMS)),
            stopping: AtomicBool::new(false),
        })
    }

    /// Publishes written articles to the bus instead of storing them.
    pub fn with_bus(mut self, bus: tidings_bus::Bus) -> Self {
        self.bus = Some(Arc::new(bus));
        self
    }

    /// Runs `f` with a read connection on a blocking thread.
    pub async fn read<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&AppState, &Store) -> Result<T, ApiError> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || state.pool.with_store(|s| f(&state, s)))
            .await
            .map_err(|e| ApiError::Internal(format!("a request handler failed: {e}")))?
    }

    /// The search index for reading.
    pub fn index(&self) -> Result<&SearchIndex, ApiError> {
        Ok(&self.index)
    }

    /// After a write commits: drops the cached pages (stories changed) and schedules a
    /// search index catch-up on a blocking thread. Writes that arrive while one is
    /// scheduled are folded into it, so a stream of small batches costs one catch-up per
    /// catch-up's duration, not one per batch. The index is derived from the store, so a
    /// catch-up cut short by shutdown is finished when the server next opens it.
    pub fn stored_new_articles(self: &Arc<Self>) {
        self.clear_cache();
        if self.index_due.swap(true, Ordering::AcqRel) {
            return;
        }
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let _one_at_a_time = state.indexing.lock();
            // Cleared before reading the store: a write committed after this point
            // schedules another catch-up, one committed before it is read by this one.
            state.index_due.store(false, Ordering::Release);
            if let Err(e) = state.refresh_index() {
                tracing::error!("the search index could not catch up with the store: {e}");
            }
        });
    }

    pub fn clear_cache(&self) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.clear();
        }
    }

    /// Brings the search index up to date with the store and drops the cached pages.
    /// Searches go on meanwhile, against the index's last commit.
    fn refresh_index(&self) -> Result<(), ApiError> {
        self.pool.with_store(|store| {
            self.index.catch_up(store)?;
            Ok(())
        })?;
        self.clear_cache();
        Ok(())
    }

    /// A cached rendering, if fresh.
    pub fn cached(&self, key: &str) -> Option<Arc<str>> {
        let cache = self.cache.lock().ok()?;
        cache.get(key).filter(|(at, _)| at.elapsed() < CACHE_TTL).map(|(_, v)| v.clone())
    }

    pub fn remember(&self, key: String, value: Arc<str>) {
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CACHE_ENTRIES {
                cache.clear();
            }
            cache.insert(key, (Instant::now(), value));
        }
    }
}

/// Read connections, opened on demand and kept for reuse.
struct Pool {
    location: Location,
    idle: Mutex<Vec<Store>>,
}

impl Pool {
    fn new(location: &Location) -> Result<Self, ApiError> {
        let first = Store::open(location, Access::Read)?;
        Ok(Self { location: location.clone(), idle: Mutex::new(vec![first]) })
    }

    fn with_store<T>(&self, f: impl FnOnce(&Store) -> Result<T, ApiError>) -> Result<T, ApiError> {
        let reused = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let store = match reused {
            Some(s) => s,
            None => Store::open(&self.location, Access::Read)?,
        };
        let result = f(&store);
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(store);
        }
        result
    }
}
