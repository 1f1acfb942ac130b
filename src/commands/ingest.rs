//! `tidings ingest`: articles into the store, joining the stories already there.
//!
//! The store holds the stream so far and a checkpoint of the placer (dedup window and
//! clusterer) at a batch boundary. A run resumes from the checkpoint, replays the stored
//! articles after it, then places the new articles (in publication order): the same
//! batches as if everything had been ingested at once, so ingesting day 1 then day 2 gives
//! the same stories as ingesting both together. The replayed articles are the last,
//! incomplete batch of the previous run (or whatever a crash left after the checkpoint);
//! their placements can change, as they would have with the new articles in one run.

use std::collections::{BTreeSet, HashMap};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use tidings_article::Article;
use tidings_cluster::StoryId;
use tidings_store::{Access, ArticleWrite, BatchEnd, Checkpoint, Store, StoryWrite};

use crate::cli::IngestArgs;
use crate::pipeline::{self, BATCH, Placement, Placer, Prepared, STATE_FORMAT, Settings, Sink, StreamingClusterer};

/// A checkpoint is written at least every this many articles, bounding what a crash
/// makes the next run replay.
const CHECKPOINT_EVERY: i64 = 64 * BATCH as i64;

/// Articles between progress lines in the log.
const PROGRESS_EVERY: i64 = 10 * BATCH as i64;

/// New articles are put in publication order this many at a time, so that memory stays
/// bounded however large the input; a day's news fits in one chunk many times over.
const SORT_CHUNK: usize = 50_000;

pub fn run(args: IngestArgs) -> Result<ExitCode> {
    let mut writer = Writer::open(&args.data.data, CheckpointPolicy::BeforeShortBatch)?;
    let inputs: Vec<String> = args.inputs.iter().map(|p| p.display().to_string()).collect();
    let run = writer.store.begin_ingest(&inputs)?;
    let accepted = pipeline::Accepted::open(&args.inputs);
    let bad = accepted.bad_records();
    let intake = Intake::new(accepted, Store::open(&args.data.data, Access::Read)?);
    let counts = intake.counts.clone();
    let new = SortedChunks { articles: intake, chunk: SORT_CHUNK, sorted: Vec::new().into_iter() };

    let started = std::time::Instant::now();
    writer.add(new)?;
    let (added, skipped) = counts.get();
    if let Some(e) = counts.error.lock().ok().and_then(|mut e| e.take()) {
        return Err(e.into());
    }
    let bad = bad.load(Ordering::Relaxed);
    let store = writer.close()?;
    store.finish_ingest(run, added, skipped, bad)?;
    let secs = started.elapsed().as_secs_f64();
    tracing::info!("stored {added} articles in {secs:.1} s ({:.0} articles/s)", added as f64 / secs.max(1e-9));
    let started = std::time::Instant::now();
    let indexed = super::search::current_index(&store)?.len();
    tracing::info!(
        "search index holds {indexed} articles (brought up to date in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let stats = store.stats()?;
    out!(
        "{added} articles added, {skipped} already stored, {bad} bad records; the store has {} articles in {} stories ({})",
        stats.articles,
        stats.stories,
        store.dir().display()
    )?;
    Ok(super::strict_exit(args.strict, bad))
}

/// When the writer saves the placer's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckpointPolicy {
    /// Before a short batch (a run's last), so that the next run replays it with the
    /// articles that complete it: ingesting day by day equals ingesting at once.
    BeforeShortBatch,
    /// Only every [`CHECKPOINT_EVERY`] articles and on close: for a server taking many
    /// small requests, where a snapshot per request would cost more than the request.
    /// Articles after the last checkpoint are replayed after a crash.
    Periodic,
}

/// The store's single writer: the placer resumed from the checkpoint, with the stored
/// articles after it still to replay. Articles given to [`Writer::add`] are placed after
/// them, in the order given, and committed batch by batch.
pub struct Writer {
    store: Store,
    stream: StreamingClusterer,
    /// The seq of the next article placed.
    seq: i64,
    last_checkpoint: i64,
    policy: CheckpointPolicy,
    /// Stored articles after the checkpoint, placed again before the first new ones.
    replay: Vec<tidings_store::Replayed>,
    last_batch_full: bool,
}

impl Writer {
    /// Opens the store for writing (failing if another process writes it).
    pub fn open(dir: &std::path::Path, policy: CheckpointPolicy) -> Result<Self> {
        let store = Store::open(dir, Access::Write)?;
        let (stream, resume_at) = resume(&store)?;
        let replay = store.replay_from(resume_at)?;
        if !replay.is_empty() {
            tracing::info!("replaying {} stored articles after the checkpoint", replay.len());
        }
        Ok(Self { store, stream, seq: resume_at, last_checkpoint: resume_at, policy, replay, last_batch_full: false })
    }

    /// Whether the store already has an article with this id.
    pub fn contains(&self, id: &str) -> Result<bool> {
        Ok(self.store.contains(id)?)
    }

    /// Places and stores new articles (after any replay), in the order given.
    pub fn add(&mut self, articles: impl Iterator<Item = Article> + Send) -> Result<()> {
        let replay = std::mem::take(&mut self.replay);
        let old_stories: HashMap<i64, i64> = replay.iter().map(|r| (r.seq, r.old_story)).collect();
        let stream = replay.into_iter().map(|r| r.article).chain(articles);
        let mut sink = StoreSink::new(&mut self.store, self.seq, self.last_checkpoint, self.policy, old_stories);
        let result = self.stream.process_into(stream, &mut sink);
        (self.seq, self.last_checkpoint, self.last_batch_full) = (sink.seq, sink.last_checkpoint, sink.last_batch_full);
        result
    }

    /// Saves the placer where a run can resume from it, and hands the store back.
    pub fn close(mut self) -> Result<Store> {
        let at_boundary = self.last_batch_full || self.policy == CheckpointPolicy::Periodic;
        if at_boundary && self.last_checkpoint != self.seq {
            let state = self.stream.placer_mut().snapshot().context("cannot serialize the clusterer state")?;
            let checkpoint = Checkpoint { next_seq: self.seq, format: STATE_FORMAT, state };
            self.store.begin_batch()?;
            self.store.end_batch(&BatchEnd { checkpoint: Some(checkpoint), ..BatchEnd::default() })?;
        }
        Ok(self.store)
    }
}

/// How many new articles the intake passed on and how many it skipped as stored, and
/// the first error it met (which ends the intake).
#[derive(Default)]
struct IntakeCounts {
    added: AtomicU64,
    skipped: AtomicU64,
    error: Mutex<Option<tidings_store::StoreError>>,
}

impl IntakeCounts {
    fn get(&self) -> (u64, u64) {
        (self.added.load(Ordering::Relaxed), self.skipped.load(Ordering::Relaxed))
    }
}

/// The accepted articles that are not stored yet. Runs on the analysis thread, so it
/// asks its own read connection (it sees what earlier runs committed).
struct Intake {
    accepted: pipeline::Accepted,
    store: Store,
    counts: Arc<IntakeCounts>,
}

impl Intake {
    fn new(accepted: pipeline::Accepted, store: Store) -> Self {
        Self { accepted, store, counts: Arc::default() }
    }
}

impl Iterator for Intake {
    type Item = Article;

    fn next(&mut self) -> Option<Article> {
        for article in self.accepted.by_ref() {
            match self.store.contains(&article.id) {
                Ok(true) => {
                    self.counts.skipped.fetch_add(1, Ordering::Relaxed);
                }
                Ok(false) => {
                    self.counts.added.fetch_add(1, Ordering::Relaxed);
                    return Some(article);
                }
                Err(e) => {
                    if let Ok(mut slot) = self.counts.error.lock() {
                        *slot = Some(e);
                    }
                    return None;
                }
            }
        }
        None
    }
}

/// Puts each chunk of a stream in publication order.
struct SortedChunks<I> {
    articles: I,
    chunk: usize,
    sorted: std::vec::IntoIter<Article>,
}

impl<I: Iterator<Item = Article>> Iterator for SortedChunks<I> {
    type Item = Article;

    fn next(&mut self) -> Option<Article> {
        if let Some(a) = self.sorted.next() {
            return Some(a);
        }
        let chunk: Vec<Article> = self.articles.by_ref().take(self.chunk).collect();
        self.sorted = pipeline::order_by_publication(chunk).into_iter();
        self.sorted.next()
    }
}

/// The placer to continue with, and the seq of the first article it has not seen.
fn resume(store: &Store) -> Result<(StreamingClusterer, i64)> {
    match store.checkpoint()? {
        Some(c) if c.format == STATE_FORMAT => {
            let stream = StreamingClusterer::resume(&c.state)
                .with_context(|| format!("{}: the clusterer checkpoint is damaged", store.database_path().display()))?;
            Ok((stream, c.next_seq))
        }
        Some(c) => {
            tracing::warn!(
                "the store's checkpoint has format {} (this tidings writes {STATE_FORMAT}); re-placing every article",
                c.format
            );
            Ok((StreamingClusterer::new(Settings::default()), 0))
        }
        None => Ok((StreamingClusterer::new(Settings::default()), 0)),
    }
}

/// Writes each batch in one transaction: its articles, the stories they touched, and now
/// and then a checkpoint of the placer as it was before the batch.
struct StoreSink<'s> {
    store: &'s mut Store,
    /// The seq of the next article placed.
    seq: i64,
    last_checkpoint: i64,
    policy: CheckpointPolicy,
    /// The checkpoint taken at the start of the open batch, written with it.
    pending_checkpoint: Option<Checkpoint>,
    /// Replayed articles' previous stories, by seq.
    old_stories: HashMap<i64, i64>,
    /// Stories whose summary changes with the open batch.
    touched: BTreeSet<StoryId>,
    /// Stories a replayed article left.
    left: BTreeSet<StoryId>,
    /// Whether the last batch was full (then the state after it is a batch boundary).
    last_batch_full: bool,
    /// For the progress log: when and at which seq the current slice began.
    slice_start: (std::time::Instant, i64),
}

impl<'s> StoreSink<'s> {
    fn new(
        store: &'s mut Store,
        seq: i64,
        last_checkpoint: i64,
        policy: CheckpointPolicy,
        old_stories: HashMap<i64, i64>,
    ) -> Self {
        Self {
            store,
            seq,
            last_checkpoint,
            policy,
            pending_checkpoint: None,
            old_stories,
            touched: BTreeSet::new(),
            left: BTreeSet::new(),
            last_batch_full: false,
            slice_start: (std::time::Instant::now(), seq),
        }
    }

    fn checkpoint(&self, placer: &Placer) -> Result<Checkpoint> {
        let state = placer.snapshot().context("cannot serialize the clusterer state")?;
        Ok(Checkpoint { next_seq: self.seq, format: STATE_FORMAT, state })
    }
}

impl StoreSink<'_> {
    /// Every `PROGRESS_EVERY` articles, the rate of the last slice (`-v`), so that a
    /// slowdown as the store grows shows.
    fn log_progress(&mut self) {
        let (since, from) = self.slice_start;
        if self.seq - from >= PROGRESS_EVERY {
            let rate = (self.seq - from) as f64 / since.elapsed().as_secs_f64().max(1e-9);
            tracing::info!(
                "{} articles placed and stored; the last {} at {rate:.0} articles/s",
                self.seq,
                self.seq - from
            );
            self.slice_start = (std::time::Instant::now(), self.seq);
        }
    }
}

impl Sink for StoreSink<'_> {
    fn batch_start(&mut self, placer: &Placer, len: usize) -> Result<()> {
        // A run's last batch is usually short: the next run starts again before it, so
        // that it is placed with the articles that complete it.
        let short = len < BATCH && self.policy == CheckpointPolicy::BeforeShortBatch;
        if short || self.seq - self.last_checkpoint >= CHECKPOINT_EVERY {
            self.pending_checkpoint = Some(self.checkpoint(placer)?);
            self.last_checkpoint = self.seq;
        }
        self.last_batch_full = len == BATCH;
        self.store.begin_batch()?;
        Ok(())
    }

    fn article(&mut self, article: &Article, prepared: &Prepared, placement: &Placement) -> Result<()> {
        let story = placement.assignment.story;
        self.store.put_article(&ArticleWrite {
            seq: self.seq,
            article,
            lang: prepared.analysis.lang.code(),
            display_title: &prepared.title,
            story,
            duplicate_of: placement.duplicate_of.as_deref(),
            similarity: placement.assignment.similarity,
        })?;
        self.touched.insert(story);
        if let Some(old) = self.old_stories.remove(&self.seq)
            && let Ok(old) = StoryId::try_from(old - 1)
            && old != story
        {
            self.left.insert(old);
        }
        self.seq += 1;
        Ok(())
    }

    fn batch_end(&mut self, placer: &mut Placer) -> Result<()> {
        let clusterer = placer.clusterer_mut();
        let mut stories: Vec<_> = clusterer.take_finished().into_iter().map(|s| (s, false)).collect();
        let retired: BTreeSet<StoryId> = stories.iter().map(|(s, _)| s.id).collect();
        let mut maybe_empty = Vec::new();
        for id in std::mem::take(&mut self.touched).into_iter().chain(std::mem::take(&mut self.left)) {
            if retired.contains(&id) {
                continue;
            }
            match clusterer.story_card(id) {
                Some(summary) => stories.push((summary, true)),
                None => maybe_empty.push(id),
            }
        }
        stories.sort_by_key(|(s, _)| s.id);
        stories.dedup_by_key(|(s, _)| s.id);
        // In order of creation: a story's link points to an older one, linked before it.
        let linker = placer.storylines_mut();
        let stories = stories
            .into_iter()
            .map(|(summary, active)| {
                let continues = linker.link(&summary);
                StoryWrite { summary, active, continues }
            })
            .collect();
        let checkpoint = self.pending_checkpoint.take();
        self.store.end_batch(&BatchEnd { stories, maybe_empty, checkpoint })?;
        self.log_progress();
        Ok(())
    }
}
