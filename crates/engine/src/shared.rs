//! One writer shared by the threads of a server: API requests and the feed watcher take
//! turns, each committing before the next begins.

use std::sync::Mutex;

use tidings_article::Article;

use crate::EngineError;
use crate::writer::Writer;

/// A [`Writer`] behind a lock, closed once at shutdown.
pub struct SharedWriter {
    writer: Mutex<Option<Writer>>,
}

impl SharedWriter {
    pub fn new(writer: Writer) -> Self {
        Self { writer: Mutex::new(Some(writer)) }
    }

    /// Runs `f` with the writer, waiting for any other user to finish.
    pub fn with<T>(&self, f: impl FnOnce(&mut Writer) -> Result<T, EngineError>) -> Result<T, EngineError> {
        let mut slot = self.writer.lock().map_err(|_| EngineError::Poisoned)?;
        f(slot.as_mut().ok_or(EngineError::Closed)?)
    }

    /// [`Writer::add_new`] under the lock.
    pub fn add_new(&self, articles: Vec<Article>) -> Result<(u64, u64), EngineError> {
        self.with(|w| w.add_new(articles))
    }

    /// Saves the checkpoint and closes the writer; later calls find it closed.
    pub fn close(&self) -> Result<(), EngineError> {
        let mut slot = self.writer.lock().map_err(|_| EngineError::Poisoned)?;
        if let Some(w) = slot.take() {
            w.close()?;
        }
        Ok(())
    }
}
