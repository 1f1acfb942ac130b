//! `serve --watch`: the feed watcher on a thread of its own beside the server, storing
//! through the server's writer; the search index and page cache then catch up as after a
//! POST.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use tidings_article::Article;
use tidings_engine::{ArticleTarget, EngineError, SharedWriter, WatchConfig, Watcher};
use tidings_store::{Feeds, Location};

use crate::state::AppState;

/// Starts the watcher over the feeds of the store at `location`; it stops when `stop` is set.
pub fn spawn_watcher(
    location: &Location,
    config: WatchConfig,
    state: Arc<AppState>,
    runtime: tokio::runtime::Handle,
    stop: Arc<AtomicBool>,
) -> Result<std::thread::JoinHandle<Result<(), EngineError>>, EngineError> {
    let feeds = Feeds::open(location)?;
    let writer = state.writer.clone().ok_or(EngineError::Closed)?;
    let watcher = Watcher::stopped_by(config, stop);
    Ok(std::thread::spawn(move || {
        let mut target = ServerTarget { writer, state, runtime };
        watcher.follow(&feeds, &mut target, false)
    }))
}

/// The server's writer, with the index and cache told of what was added.
struct ServerTarget {
    writer: Arc<SharedWriter>,
    state: Arc<AppState>,
    runtime: tokio::runtime::Handle,
}

impl ArticleTarget for ServerTarget {
    fn add_new(&mut self, articles: Vec<Article>) -> Result<u64, EngineError> {
        let (added, _) = self.writer.add_new(articles)?;
        if added > 0 {
            let _in_runtime = self.runtime.enter();
            self.state.stored_new_articles();
        }
        Ok(added)
    }
}
