//! Articles over the bus (NATS JetStream, `tidings-bus`): loaders publish, one placer reads.
//!
//! A loader publishes the new articles of its files in the order a direct `ingest` would
//! place them (publication order, a chunk at a time). The active placer reads the stream
//! from the sequence after the last one its store committed (each article's origin is
//! `nats:STREAM` with its sequence as the record number, stored with the article, so the
//! position is committed in the batch's own transaction), skips articles the store has,
//! moves unreadable messages aside, and places the rest in one unbroken run for as long as
//! messages keep coming: batches then fall where a direct ingest of the same articles puts
//! them, and the stories are the same. A run ends (and its last batch commits) when the
//! stream is idle, or when asked to stop.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rustc_hash::FxHashSet;
use tidings_article::{Article, Origin};
use tidings_bus::{Bus, BusMessage, Reader};
use tidings_store::{Access, Store};

use crate::writer::SORT_CHUNK;
use crate::{Accepted, EngineError, SortedChunks, Writer};

/// How often a waiting placer looks at its stop flag.
const TICK: Duration = Duration::from_millis(200);
/// Messages read ahead at most, so the store is asked about a chunk of ids at once.
const READ_AHEAD: usize = 512;
/// Ids remembered within one run to skip a repeat the store does not have yet (the
/// stream's duplicate window catches most before they are stored).
const SEEN_IDS: usize = 200_000;

/// What a loader published.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FilesPublished {
    pub published: u64,
    /// Articles the stream had already (published again within its duplicate window).
    pub duplicates: u64,
    pub bad: u64,
}

/// Publishes the articles of files (bad records reported and counted, as `ingest` does).
pub fn publish_files(bus: &Bus, inputs: &[PathBuf]) -> Result<FilesPublished, EngineError> {
    let accepted = Accepted::open(inputs);
    let tally = accepted.tally();
    let mut publisher = bus.publisher();
    for article in SortedChunks::new(accepted, SORT_CHUNK) {
        publisher.publish(&article.id, article_json(&article))?;
    }
    let done = publisher.flush()?;
    Ok(FilesPublished { published: done.stored, duplicates: done.duplicates, bad: tally.bad() })
}

/// A watcher's articles published to the stream instead of stored (`watch --bus`): the
/// placer skips what the store has. Each call returns once the stream has acknowledged
/// them all, so the watcher marks items seen only when they are safe; a stream away for
/// longer than [`WATCHER_PATIENCE`] makes the watcher hold the feed's items back.
pub struct BusTarget<'b> {
    bus: &'b Bus,
}

impl<'b> BusTarget<'b> {
    pub fn new(bus: &'b Bus) -> Self {
        Self { bus }
    }
}

/// How long a watcher's publish waits for a stream that is away before it holds its
/// items back (they are polled again later; a bulk loader waits longer).
const WATCHER_PATIENCE: Duration = Duration::from_secs(10);

impl crate::watcher::ArticleTarget for BusTarget<'_> {
    fn add_new(&mut self, articles: Vec<Article>) -> Result<u64, EngineError> {
        let mut publisher = self.bus.publisher_within(WATCHER_PATIENCE);
        for article in &articles {
            publisher.publish(&article.id, article_json(article))?;
        }
        Ok(publisher.flush()?.stored)
    }
}

/// An article as a JSON object of the input format (what `parse_line` reads back).
pub fn article_json(a: &Article) -> Vec<u8> {
    let value = serde_json::json!({
        "id": a.id,
        "published": a.published.map(|p| p.to_display_string()),
        "title": a.title,
        "text": a.text,
        "lang": a.lang,
        "source": a.source,
        "url": a.url,
        "section": a.section,
    });
    serde_json::to_vec(&value).unwrap_or_default()
}

/// What the placer did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Placed {
    pub placed: u64,
    /// Articles the store had already.
    pub skipped: u64,
    /// Messages moved to the dead-letter subject.
    pub dead: u64,
}

/// Places what the stream brings until `stop` is set, committing each run when the stream
/// goes quiet for `idle`. `progress` hears the totals after each run.
pub fn place_from_bus(
    writer: &mut Writer,
    bus: &Bus,
    stop: &AtomicBool,
    idle: Duration,
    mut progress: impl FnMut(&Placed),
) -> Result<Placed, EngineError> {
    writer.settle_replay()?;
    let origin: Arc<str> = Arc::from(bus.location().origin_name());
    let after = writer.store().last_origin_record(&origin)?.unwrap_or(0).max(0) as u64;
    tracing::info!("placing from {} after sequence {after}", bus.location());
    let reader = bus.reader(after)?;
    // Its own read connection: the articles are read on the analysis thread.
    let checker = Store::open(writer.store().location(), Access::Read)?;
    let mut run = BusArticles {
        reader,
        bus,
        checker,
        origin,
        idle,
        stop,
        position: after,
        seen: FxHashSet::default(),
        ready: VecDeque::new(),
        counts: Placed::default(),
        error: None,
    };
    let mut total = Placed::default();
    while !stop.load(Ordering::Relaxed) {
        writer.add(&mut run)?;
        let counts = std::mem::take(&mut run.counts);
        total.placed += counts.placed;
        total.skipped += counts.skipped;
        total.dead += counts.dead;
        if let Some(e) = run.error.take() {
            return Err(e);
        }
        if counts != Placed::default() {
            progress(&total);
        }
    }
    Ok(total)
}

/// The articles of the stream, read as runs of placing: unreadable ones set aside, stored
/// ones skipped; a run ends when the stream has been quiet for `idle` after at least one
/// article, when `stop` is set, or at an error (kept in `error`).
struct BusArticles<'a> {
    reader: Reader<'a>,
    bus: &'a Bus,
    checker: Store,
    origin: Arc<str>,
    idle: Duration,
    stop: &'a AtomicBool,
    /// The sequence of the last message taken from the stream.
    position: u64,
    seen: FxHashSet<String>,
    ready: VecDeque<Article>,
    counts: Placed,
    error: Option<EngineError>,
}

impl Iterator for BusArticles<'_> {
    type Item = Article;

    fn next(&mut self) -> Option<Article> {
        loop {
            if let Some(article) = self.ready.pop_front() {
                self.counts.placed += 1;
                return Some(article);
            }
            match self.fill() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    self.error = Some(e);
                    return None;
                }
            }
        }
    }
}

impl BusArticles<'_> {
    /// Reads the next messages (waiting for the first, then what is there) and queues
    /// their new articles. `false`: the run ends here.
    fn fill(&mut self) -> Result<bool, EngineError> {
        let mut messages = Vec::new();
        let waiting = Instant::now();
        while messages.is_empty() {
            if self.stop.load(Ordering::Relaxed) {
                return Ok(false);
            }
            match self.reader.next(TICK) {
                Ok(Some(m)) => self.take(&mut messages, m),
                Ok(None) if self.counts.placed > 0 && waiting.elapsed() >= self.idle => return Ok(false),
                Ok(None) => {}
                Err(e) => self.read_again(e),
            }
        }
        while messages.len() < READ_AHEAD {
            match self.reader.next(Duration::ZERO) {
                Ok(Some(m)) => self.take(&mut messages, m),
                Ok(None) => break,
                Err(e) => {
                    self.read_again(e);
                    break;
                }
            }
        }
        let articles = self.decode(messages)?;
        self.queue_new(articles)?;
        Ok(true)
    }

    /// Takes a message from the stream: past it, the stream is read again after a read error.
    fn take(&mut self, messages: &mut Vec<BusMessage>, m: BusMessage) {
        self.position = m.sequence;
        messages.push(m);
    }

    /// After a read error (the server went away, the consumer was lost): reads the stream
    /// again after the last message taken, once the server answers, for as long as it
    /// takes (nothing is lost meanwhile: the stream keeps the messages).
    fn read_again(&mut self, error: tidings_bus::BusError) {
        tracing::warn!("{error}; reading again after sequence {}", self.position);
        let mut pause = Duration::from_millis(500);
        while !self.stop.load(Ordering::Relaxed) {
            std::thread::sleep(pause);
            match self.bus.reader(self.position) {
                Ok(reader) => {
                    self.reader = reader;
                    tracing::info!("reading {} again after sequence {}", self.bus.location(), self.position);
                    return;
                }
                Err(e) => {
                    tracing::warn!("{e}; trying again in {:?}", pause * 2);
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    /// The articles of messages; those that are not one are moved to the dead letters.
    fn decode(&mut self, messages: Vec<BusMessage>) -> Result<Vec<Article>, EngineError> {
        let mut articles = Vec::with_capacity(messages.len());
        for m in messages {
            let origin = Origin::new(self.origin.clone(), Some(m.sequence));
            match tidings_ingest::parse_line(&m.payload, origin) {
                Ok(article) => articles.push(article),
                Err(bad) => {
                    tracing::warn!(
                        "{}: message {} is not an article ({}); moved to {}",
                        self.bus.location(),
                        m.sequence,
                        bad.reason,
                        self.bus.location().dead_subject()
                    );
                    self.bus.dead_letter(&m, &bad.reason)?;
                    self.counts.dead += 1;
                }
            }
        }
        Ok(articles)
    }

    /// Queues the articles neither the store nor this run has seen.
    fn queue_new(&mut self, articles: Vec<Article>) -> Result<(), EngineError> {
        let ids: Vec<&str> = articles.iter().map(|a| a.id.as_str()).collect();
        let stored = self.checker.stored_among(&ids)?;
        if self.seen.len() > SEEN_IDS {
            self.seen.clear();
        }
        for article in articles {
            if stored.contains(&article.id) || !self.seen.insert(article.id.clone()) {
                self.counts.skipped += 1;
            } else {
                self.ready.push_back(article);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_article::parse_published;

    fn article(published: Option<&str>) -> Article {
        Article {
            id: "kyst-17".into(),
            published: published.and_then(parse_published),
            title: "Ferja står i Kvalnes".into(),
            text: "Ferja ble stående etter en brann på kaia.\nMannskapet gikk i land.".into(),
            lang: Some("nb".into()),
            source: Some("kystposten".into()),
            url: Some("https://kystposten.example/ferje".into()),
            section: Some("nyheter".into()),
            origin: Origin::new(Arc::from("day1.jsonl"), Some(3)),
        }
    }

    #[test]
    fn a_published_article_reads_back_as_it_was() {
        for published in [Some("2019-04-09T10:15:00Z"), Some("2019-04-09"), Some("2019-04"), None] {
            let sent = article(published);
            let origin = Origin::new(Arc::from("nats:tidings"), Some(42));
            let back = tidings_ingest::parse_line(&article_json(&sent), origin).expect("an article");
            let fields = |a: &Article| {
                (a.id.clone(), a.published, a.title.clone(), a.text.clone(), a.lang.clone(), a.source.clone())
            };
            assert_eq!(fields(&back), fields(&sent), "published {published:?}");
            assert_eq!((back.url, back.section), (sent.url, sent.section));
            assert_eq!(back.origin.record, Some(42), "the stream sequence is the record number");
        }
    }
}
