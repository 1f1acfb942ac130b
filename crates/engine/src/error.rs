//! What can stop the engine: the store, a checkpoint it cannot read or write, a writer
//! that is closed. Bad input is never an error here: readers report it as bad records.

use tidings_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Bus(#[from] tidings_bus::BusError),
    #[error("cannot serialize the placer's state: {0}")]
    Snapshot(postcard::Error),
    #[error("{store}: the placer's checkpoint is damaged ({source}); move the store aside or re-ingest into a new one")]
    DamagedCheckpoint { store: String, source: postcard::Error },
    /// The shared writer was closed (the server is shutting down).
    #[error("the writer is closed")]
    Closed,
    /// A thread panicked while it held the shared writer; nothing it did was committed
    /// after the panic, but the process should be restarted.
    #[error("the writer is unusable: a thread panicked while writing")]
    Poisoned,
    /// The semantic model a store was placed with cannot be read.
    #[error("the store was placed with the semantic model in {dir}, which cannot be read ({source}); give --model DIR")]
    Model { dir: String, source: tidings_analyze::ModelError },
    #[error("cannot store the articles of {feed}: {source}")]
    Feed { feed: String, source: Box<EngineError> },
}

impl EngineError {
    /// Whether the error means "not now" rather than "never": the stream the articles go
    /// to is away (a watcher holds its items back and polls the feed again later).
    pub fn is_unavailable(&self) -> bool {
        match self {
            EngineError::Bus(_) => true,
            EngineError::Feed { source, .. } => source.is_unavailable(),
            _ => false,
        }
    }
}
