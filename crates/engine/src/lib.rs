//! The tidings engine: what turns incoming articles into stored stories, shared by the
//! command line, the server and the tests.
//!
//! - [`accepted`]: the articles of input files, bad records reported and counted;
//! - [`alerting`]: saved alerts matched as articles are placed, notices decided per batch;
//! - [`novelty`]: the one rule for which articles are new ([`NewArticles`]);
//! - [`order`]: publication order and display titles;
//! - [`placer`]: analysis in parallel, then dedup and clustering in order ([`Placer`],
//!   [`StreamingClusterer`]);
//! - [`writer`]: the store's single writer, batch by batch with checkpoints ([`Writer`]),
//!   and [`shared`], one writer for the threads of a server;
//! - [`body`]: the articles of a request body;
//! - [`bus`]: articles published to NATS JetStream, and the placer that reads them;
//! - [`delivery`]: webhooks delivered from the outbox, signed, retried, recorded;
//! - [`watcher`]: feeds polled and their pages fetched ([`Watcher`]).

pub mod accepted;
pub mod alerting;
pub mod body;
pub mod bus;
pub mod delivery;
pub mod discovery;
mod error;
pub mod novelty;
pub mod order;
pub mod placer;
pub mod shared;
pub mod watcher;
pub mod writer;

pub use accepted::{Accepted, ReadAll, Tally, read_all};
pub use body::{BodyArticles, InvalidBody, RejectedRecord, read_body};
pub use discovery::{Discovered, discover};
pub use error::EngineError;
pub use novelty::{Kept, NewArticles, Novelty};
pub use order::{SortedChunks, display_title, order_by_publication};
pub use placer::{
    BATCH, BatchSink, ModelTag, Placement, Placer, Prepared, STATE_FORMAT, Settings, StreamingClusterer, cluster_stream,
};
pub use shared::SharedWriter;
pub use watcher::{ArticleTarget, PassReport, WatchConfig, Watcher};
pub use writer::{CheckpointPolicy, FilesIngested, Writer};
