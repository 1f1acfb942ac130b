//! The article stream between machines: NATS JetStream.
//!
//! Fetchers, bulk loaders and API nodes *publish* articles (one JSON object per message, in
//! the input format, with the article's id as JetStream's message id, so that a publish
//! retried within the stream's duplicate window is stored once). The one active placer
//! *reads* them in stream order from the sequence after the last one its store has
//! committed: the position lives in the store, in the same transaction as the articles,
//! so it is exact however the placer stops. Messages the placer cannot read are moved
//! aside to a dead-letter subject with their reason.
//!
//! - `location.rs`: `nats://HOST:PORT/STREAM` and the names derived from it.
//! - `client.rs`: a blocking face over the async client (the engine is blocking code on its
//!   own threads): connect, make sure the stream exists, publish, read, dead letters.

mod client;
mod location;

pub use client::{Bus, BusMessage, CONNECT_PATIENCE, Published, Publisher, Reader};
pub use location::{BusLocation, is_bus_url};

/// What can go wrong on the bus; every message names the server or stream.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("{0}")]
    Location(String),
    #[error("cannot reach NATS at {server}: {reason}")]
    Connect { server: String, reason: String },
    #[error("NATS stream {stream} at {server}: {reason}")]
    Stream { server: String, stream: String, reason: String },
    #[error("cannot publish to {stream} at {server}: {reason}")]
    Publish { server: String, stream: String, reason: String },
    #[error("cannot read {stream} at {server}: {reason}")]
    Read { server: String, stream: String, reason: String },
    #[error("cannot start the NATS client: {0}")]
    Runtime(std::io::Error),
}

/// Streams of their own for tests, removed when dropped.
pub mod testing {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use crate::{Bus, BusLocation};

    /// The server tests use: `TIDINGS_TEST_NATS`, or the local one.
    fn server() -> String {
        std::env::var("TIDINGS_TEST_NATS").unwrap_or_else(|_| "127.0.0.1:4222".into())
    }

    /// A new stream on the test server; removed when dropped.
    pub struct TestStream {
        bus: Bus,
    }

    impl TestStream {
        /// `None` (with a message) where no server answers, unless `TIDINGS_REQUIRE_NATS=1`,
        /// which makes that a panic.
        pub fn create() -> Option<TestStream> {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let name = format!("tidings_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
            let url = format!("nats://{}/{name}", server());
            let location = BusLocation::parse(&url).expect("a test stream URL");
            match Bus::connect(&location) {
                Ok(bus) => Some(TestStream { bus }),
                Err(e) if std::env::var("TIDINGS_REQUIRE_NATS").is_ok_and(|v| v == "1") => {
                    panic!("TIDINGS_REQUIRE_NATS=1 but NATS at {} does not answer: {e}", server())
                }
                Err(e) => {
                    eprintln!(
                        "skipped: no NATS JetStream at {} ({e}); set TIDINGS_REQUIRE_NATS=1 to fail instead",
                        server()
                    );
                    None
                }
            }
        }

        pub fn url(&self) -> String {
            self.bus.location().to_string()
        }

        pub fn bus(&self) -> &Bus {
            &self.bus
        }
    }

    impl Drop for TestStream {
        fn drop(&mut self) {
            let _ = self.bus.remove_stream();
        }
    }
}
