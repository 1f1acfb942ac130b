//! A blocking face over `async-nats`: the engine's callers are blocking code on their own
//! threads, as with the stores. One runtime thread per `Bus` keeps the connection served
//! (pings, an ordered consumer's heartbeats) while the caller is busy placing a batch.

use std::collections::VecDeque;
use std::future::IntoFuture;
use std::time::{Duration, Instant};

use async_nats::HeaderMap;
use async_nats::jetstream::consumer::DeliverPolicy;
use async_nats::jetstream::consumer::pull::{Ordered, OrderedConfig};
use async_nats::jetstream::context::PublishAckFuture;
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::stream::{Config as StreamConfig, StorageType};
use async_nats::jetstream::{self, Context};
use bytes::Bytes;
use futures_util::StreamExt;

use crate::{BusError, BusLocation};

/// Publishes awaiting the stream's acknowledgement at once: enough to keep the connection
/// busy, few enough that a loader holds little in memory when the server is away.
const IN_FLIGHT: usize = 256;
/// How long a publish keeps being retried while the server is away before the publisher
/// gives up with an error (the caller keeps what it has not published).
const PUBLISH_PATIENCE: Duration = Duration::from_secs(60);
/// How long a loader or placer started while the server is away waits for it.
pub const CONNECT_PATIENCE: Duration = Duration::from_secs(60);
/// How long one attempt to connect may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The window within which JetStream stores a message id once (its default is 2 minutes;
/// a loader that retries after a long outage may republish older articles, which the
/// placer then skips by id).
const DUPLICATE_WINDOW: Duration = Duration::from_secs(10 * 60);
/// Headers of a dead letter.
pub const REASON_HEADER: &str = "Tidings-Reason";
pub const SEQUENCE_HEADER: &str = "Tidings-Sequence";

/// A connection to a NATS server and its tidings stream.
pub struct Bus {
    location: BusLocation,
    /// Dropped before the runtime it runs on (fields drop in this order).
    context: Context,
    runtime: tokio::runtime::Runtime,
}

/// One article message read from the stream.
#[derive(Debug, Clone)]
pub struct BusMessage {
    /// Its stream sequence: the placer's position.
    pub sequence: u64,
    pub payload: Bytes,
}

impl Bus {
    /// Connects and makes sure the stream exists (file storage, both subjects).
    pub fn connect(location: &BusLocation) -> Result<Self, BusError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("nats-client")
            .enable_all()
            .build()
            .map_err(BusError::Runtime)?;
        let connect_err = |reason: String| BusError::Connect { server: location.server.clone(), reason };
        let client = runtime.block_on(async {
            let options = async_nats::ConnectOptions::new()
                .connection_timeout(CONNECT_TIMEOUT)
                .name("tidings")
                .event_callback(|event| async move { tracing::info!("NATS: {event}") });
            tokio::time::timeout(CONNECT_TIMEOUT, options.connect(location.server.as_str()))
                .await
                .map_err(|_| connect_err("no answer within 5 s".into()))?
                .map_err(|e| connect_err(e.to_string()))
        })?;
        // The context spawns its acknowledgement task on the runtime.
        let context = {
            let _inside = runtime.enter();
            jetstream::new(client)
        };
        let bus = Self { location: location.clone(), context, runtime };
        bus.ensure_stream()?;
        Ok(bus)
    }

    /// Connects to the stream a URL names (`nats://HOST:PORT/STREAM`), waiting up to
    /// [`CONNECT_PATIENCE`] for a server that does not answer yet: what every role does.
    pub fn open(url: &str) -> Result<Self, BusError> {
        Self::connect_within(&BusLocation::parse(url)?, CONNECT_PATIENCE)
    }

    /// Connects, trying again while the server does not answer, for up to `patience` (a
    /// loader or placer started during an outage waits for the server).
    pub fn connect_within(location: &BusLocation, patience: Duration) -> Result<Self, BusError> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(500);
        loop {
            match Self::connect(location) {
                Err(e @ (BusError::Connect { .. } | BusError::Stream { .. })) if started.elapsed() < patience => {
                    tracing::warn!("{e}; trying again in {pause:?}");
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
                result => return result,
            }
        }
    }

    pub fn location(&self) -> &BusLocation {
        &self.location
    }

    fn stream_err(&self, reason: impl ToString) -> BusError {
        BusError::Stream {
            server: self.location.server.clone(),
            stream: self.location.stream.clone(),
            reason: reason.to_string(),
        }
    }

    fn ensure_stream(&self) -> Result<(), BusError> {
        let config = StreamConfig {
            name: self.location.stream.clone(),
            subjects: vec![self.location.articles_subject(), self.location.dead_subject()],
            storage: StorageType::File,
            duplicate_window: DUPLICATE_WINDOW,
            ..Default::default()
        };
        self.runtime.block_on(self.context.get_or_create_stream(config)).map_err(|e| self.stream_err(e))?;
        Ok(())
    }

    /// Removes the stream and everything in it (tests, and `tidings` never otherwise).
    pub fn remove_stream(&self) -> Result<(), BusError> {
        self.runtime.block_on(self.context.delete_stream(&self.location.stream)).map_err(|e| self.stream_err(e))?;
        Ok(())
    }

    /// Messages on a subject of the stream now (articles or dead letters).
    pub fn count(&self, subject: &str) -> Result<u64, BusError> {
        self.runtime.block_on(async {
            let stream = self.context.get_stream(&self.location.stream).await.map_err(|e| self.stream_err(e))?;
            let mut info = stream.info_with_subjects(subject).await.map_err(|e| self.stream_err(e))?;
            let mut total = 0;
            while let Some(entry) = info.next().await {
                total += entry.map_err(|e| self.stream_err(e))?.1 as u64;
            }
            Ok(total)
        })
    }

    /// A publisher that keeps retrying for up to a minute while the server is away.
    pub fn publisher(&self) -> Publisher<'_> {
        self.publisher_within(PUBLISH_PATIENCE)
    }

    /// A publisher that gives up after `patience` without the server (a request handler
    /// answers "unavailable" sooner than a bulk loader gives up).
    pub fn publisher_within(&self, patience: Duration) -> Publisher<'_> {
        Publisher { bus: self, pending: VecDeque::new(), published: 0, duplicates: 0, patience }
    }

    /// Reads articles in stream order from the one after `after` (0: from the start).
    pub fn reader(&self, after: u64) -> Result<Reader<'_>, BusError> {
        let read_err = |reason: String| BusError::Read {
            server: self.location.server.clone(),
            stream: self.location.stream.clone(),
            reason,
        };
        let messages = self.runtime.block_on(async {
            let stream = self.context.get_stream(&self.location.stream).await.map_err(|e| read_err(e.to_string()))?;
            let deliver_policy = if after == 0 {
                DeliverPolicy::All
            } else {
                DeliverPolicy::ByStartSequence { start_sequence: after + 1 }
            };
            let config = OrderedConfig {
                filter_subject: self.location.articles_subject(),
                deliver_policy,
                ..Default::default()
            };
            let consumer = stream.create_consumer(config).await.map_err(|e| read_err(e.to_string()))?;
            consumer.messages().await.map_err(|e| read_err(e.to_string()))
        })?;
        Ok(Reader { bus: self, messages: Some(messages) })
    }

    /// Moves an unreadable message aside, with its reason and sequence in headers.
    pub fn dead_letter(&self, message: &BusMessage, reason: &str) -> Result<(), BusError> {
        let mut headers = HeaderMap::new();
        headers.insert(REASON_HEADER, reason.replace(['\r', '\n'], " ").as_str());
        headers.insert(SEQUENCE_HEADER, message.sequence.to_string().as_str());
        // One dead letter per message however often a restarted placer reads it again.
        let id = format!("dead-{}", message.sequence);
        let publish = PublishMessage::build().payload(message.payload.clone()).headers(headers).message_id(id);
        let subject = self.location.dead_subject();
        self.runtime
            .block_on(async { self.context.send_publish(subject, publish).await?.await })
            .map_err(|e| self.stream_err(format!("cannot set aside message {}: {e}", message.sequence)))?;
        Ok(())
    }
}

/// Publishes articles with a bounded number awaiting acknowledgement, retrying while the
/// server is away for up to a minute.
pub struct Publisher<'a> {
    bus: &'a Bus,
    pending: VecDeque<Pending>,
    published: u64,
    duplicates: u64,
    patience: Duration,
}

struct Pending {
    id: String,
    payload: Bytes,
    ack: PublishAckFuture,
}

/// What a publisher has had acknowledged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Published {
    pub stored: u64,
    /// Ids the stream already had within its duplicate window (stored once).
    pub duplicates: u64,
}

impl Publisher<'_> {
    /// Publishes one article (`id` is its id, `payload` its JSON), waiting for earlier
    /// acknowledgements when too many are outstanding.
    pub fn publish(&mut self, id: &str, payload: Vec<u8>) -> Result<(), BusError> {
        if self.pending.len() >= IN_FLIGHT {
            self.settle_oldest()?;
        }
        let payload = Bytes::from(payload);
        let ack = self.send(id, &payload)?;
        self.pending.push_back(Pending { id: id.to_string(), payload, ack });
        Ok(())
    }

    /// Waits until the stream has acknowledged everything published.
    pub fn flush(&mut self) -> Result<Published, BusError> {
        while !self.pending.is_empty() {
            self.settle_oldest()?;
        }
        Ok(Published { stored: self.published, duplicates: self.duplicates })
    }

    fn publish_err(&self, reason: impl ToString) -> BusError {
        let l = &self.bus.location;
        BusError::Publish { server: l.server.clone(), stream: l.stream.clone(), reason: reason.to_string() }
    }

    /// Sends one message, retrying with backoff while the server cannot take it.
    fn send(&self, id: &str, payload: &Bytes) -> Result<PublishAckFuture, BusError> {
        let subject = self.bus.location.articles_subject();
        let started = Instant::now();
        let mut pause = Duration::from_millis(250);
        loop {
            let message = PublishMessage::build().payload(payload.clone()).message_id(id);
            match self.bus.runtime.block_on(self.bus.context.send_publish(subject.clone(), message)) {
                Ok(ack) => return Ok(ack),
                Err(e) if started.elapsed() < self.patience => {
                    tracing::warn!("cannot publish article {id:?} ({e}); retrying in {pause:?}");
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
                Err(e) => return Err(self.publish_err(format!("article {id:?}: {e}"))),
            }
        }
    }

    /// Awaits the oldest acknowledgement; a failed one is published again (the message id
    /// keeps a message that did arrive from being stored twice).
    fn settle_oldest(&mut self) -> Result<(), BusError> {
        let Some(mut pending) = self.pending.pop_front() else { return Ok(()) };
        let started = Instant::now();
        loop {
            match self.bus.runtime.block_on(pending.ack.into_future()) {
                Ok(ack) => {
                    self.published += u64::from(!ack.duplicate);
                    self.duplicates += u64::from(ack.duplicate);
                    return Ok(());
                }
                Err(e) if started.elapsed() < self.patience => {
                    tracing::warn!("no acknowledgement for article {:?} ({e}); publishing it again", pending.id);
                    std::thread::sleep(Duration::from_millis(500));
                    pending.ack = self.send(&pending.id, &pending.payload)?;
                }
                Err(e) => return Err(self.publish_err(format!("article {:?}: {e}", pending.id))),
            }
        }
    }
}

/// Reads article messages in stream order.
pub struct Reader<'a> {
    bus: &'a Bus,
    /// Always `Some` until dropped (it must be dropped inside the runtime).
    messages: Option<Ordered>,
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        let _inside = self.bus.runtime.enter();
        self.messages.take();
    }
}

impl Reader<'_> {
    /// The next message, or `None` when none came within `wait`.
    pub fn next(&mut self, wait: Duration) -> Result<Option<BusMessage>, BusError> {
        let l = &self.bus.location;
        let read_err = |reason: String| BusError::Read { server: l.server.clone(), stream: l.stream.clone(), reason };
        let Some(messages) = self.messages.as_mut() else { return Err(read_err("the reader was closed".into())) };
        let next = self.bus.runtime.block_on(async { tokio::time::timeout(wait, messages.next()).await });
        match next {
            Err(_) => Ok(None),
            Ok(None) => Err(read_err("the consumer ended".into())),
            Ok(Some(Err(e))) => Err(read_err(e.to_string())),
            Ok(Some(Ok(message))) => {
                let sequence = message.info().map_err(|e| read_err(e.to_string()))?.stream_sequence;
                Ok(Some(BusMessage { sequence, payload: message.payload.clone() }))
            }
        }
    }
}
