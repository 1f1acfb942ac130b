//! The store's single writer: articles placed and committed batch by batch.
//!
//! The store holds the stream so far and a checkpoint of the placer (dedup window and
//! clusterer) at a batch boundary. A writer resumes from the checkpoint, replays the
//! stored articles after it, then places the new articles (in publication order): the same
//! batches as if everything had been written at once, so ingesting day 1 then day 2 gives
//! the same stories as ingesting both together. The replayed articles are the last,
//! incomplete batch of the previous run (or whatever a crash left after the checkpoint);
//! their placements can change, as they would have with the new articles in one run.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tidings_analyze::StaticModel;
use tidings_article::Article;
use tidings_cluster::StoryId;
use tidings_store::{Access, ArticleWrite, BatchEnd, Checkpoint, EventWrite, Location, Store, StoryWrite};

use crate::EngineError;
use crate::accepted::Accepted;
use crate::alerting::{AlertBook, BatchMatches};
use crate::novelty::NewArticles;
use crate::order::{SortedChunks, order_by_publication};
use crate::placer::{
    BATCH, BatchSink, ModelTag, Placement, Placer, Prepared, STATE_FORMAT, Settings, StreamingClusterer,
};

/// A checkpoint is written at least every this many articles, bounding what a crash
/// makes the next run replay.
const CHECKPOINT_EVERY: i64 = 64 * BATCH as i64;

/// Articles between progress lines in the log.
const PROGRESS_EVERY: i64 = 10 * BATCH as i64;

/// A writer that placed this many articles refreshes the database's planner statistics
/// when it closes (PostgreSQL; see `Store::refresh_statistics`).
const ANALYZE_AFTER: i64 = BATCH as i64;

/// New articles from files are put in publication order this many at a time, so that
/// memory stays bounded however large the input; a day's news fits in one chunk many
/// times over.
pub(crate) const SORT_CHUNK: usize = 50_000;

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

/// What [`Writer::ingest_files`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FilesIngested {
    pub added: u64,
    /// Articles the store had already.
    pub skipped: u64,
    pub bad: u64,
}

/// The placer resumed from the store's checkpoint, with the stored articles after it
/// still to replay. Articles given to [`Writer::add`] are placed after them, in the order
/// given, and committed batch by batch.
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
    /// The seq of the first article placed by this writer.
    opened_at: i64,
    alerts: AlertBook,
}

impl Writer {
    /// Opens the store for writing (failing if another process writes it), analysing
    /// with the semantic model the store was placed with, if any.
    pub fn open(location: &Location, policy: CheckpointPolicy) -> Result<Self, EngineError> {
        Self::open_with(location, policy, None)
    }

    /// As [`Writer::open`], analysing with `model`. A store placed without it, or with
    /// another, has every article placed again, as after a change of checkpoint format:
    /// the stories' vectors must all come from one model.
    pub fn open_with(
        location: &Location,
        policy: CheckpointPolicy,
        model: Option<Arc<StaticModel>>,
    ) -> Result<Self, EngineError> {
        let store = Store::open(location, Access::Write)?;
        let (mut stream, resume_at) = resume(&store, model)?;
        let percolator = crate::placer::SharedPercolator::default();
        stream.match_alerts(percolator.clone());
        let alerts = AlertBook::load(&store, percolator)?;
        let replay = store.replay_from(resume_at)?;
        if !replay.is_empty() {
            tracing::info!("replaying {} stored articles after the checkpoint", replay.len());
        }
        Ok(Self {
            store,
            stream,
            seq: resume_at,
            last_checkpoint: resume_at,
            policy,
            replay,
            last_batch_full: false,
            opened_at: resume_at,
            alerts,
        })
    }

    /// The store it writes.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Places and stores every new article of some files (in publication order, a chunk at
    /// a time), recording the run in the store. Articles the store has are skipped; bad
    /// records are reported in the log and counted.
    pub fn ingest_files(&mut self, inputs: &[PathBuf]) -> Result<FilesIngested, EngineError> {
        let names: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
        let run = self.store.begin_ingest(&names)?;
        // Its own read connection: the intake runs on the analysis thread.
        let accepted = Accepted::open(inputs).skipping_stored(Store::open(self.store.location(), Access::Read)?);
        let tally = accepted.tally();
        self.add(SortedChunks::new(accepted, SORT_CHUNK))?;
        if let Some(e) = tally.take_error() {
            return Err(e.into());
        }
        let done = FilesIngested { added: tally.accepted(), skipped: tally.stored(), bad: tally.bad() };
        self.store.finish_ingest(run, done.added, done.skipped, done.bad)?;
        Ok(done)
    }

    /// Places and stores the new ones of `articles` (in publication order), committing
    /// before it returns. Returns how many were new and how many skipped.
    pub fn add_new(&mut self, articles: Vec<Article>) -> Result<(u64, u64), EngineError> {
        let kept = NewArticles::default().keep_new(articles, &self.store)?;
        let added = kept.new.len() as u64;
        self.add(order_by_publication(kept.new).into_iter())?;
        Ok((added, kept.skipped))
    }

    /// Places the stored articles a crash (or a short last batch) left after the
    /// checkpoint, so that the store's stories are settled before new articles arrive.
    pub fn settle_replay(&mut self) -> Result<(), EngineError> {
        self.add(std::iter::empty())
    }

    /// Places and stores articles (after any replay), in the order given. The caller has
    /// made sure they are new.
    pub fn add(&mut self, articles: impl Iterator<Item = Article> + Send) -> Result<(), EngineError> {
        // Before the analysis threads start on the first batch (they match the alerts).
        self.alerts.refresh(&self.store)?;
        let replay = std::mem::take(&mut self.replay);
        let old_stories: HashMap<i64, i64> = replay.iter().map(|r| (r.seq, r.old_story)).collect();
        let stream = replay.into_iter().map(|r| r.article).chain(articles);
        let mut sink = StoreBatches::new(&mut self.store, self.seq, self.last_checkpoint, self.policy, old_stories);
        sink.alerts = Some(&mut self.alerts);
        let result = self.stream.process_into(stream, &mut sink);
        (self.seq, self.last_checkpoint, self.last_batch_full) = (sink.seq, sink.last_checkpoint, sink.last_batch_full);
        result
    }

    /// Saves the placer where a run can resume from it, and hands the store back.
    pub fn close(mut self) -> Result<Store, EngineError> {
        let at_boundary = self.last_batch_full || self.policy == CheckpointPolicy::Periodic;
        if at_boundary && self.last_checkpoint != self.seq {
            let state = self.stream.placer_mut().snapshot()?;
            let checkpoint = Checkpoint { next_seq: self.seq, format: STATE_FORMAT, state };
            self.store.begin_batch()?;
            self.store.end_batch(&BatchEnd { checkpoint: Some(checkpoint), ..BatchEnd::default() })?;
        }
        if self.seq - self.opened_at >= ANALYZE_AFTER {
            self.store.refresh_statistics()?;
        }
        Ok(self.store)
    }
}

/// The placer to continue with, and the seq of the first article it has not seen.
fn resume(store: &Store, model: Option<Arc<StaticModel>>) -> Result<(StreamingClusterer, i64), EngineError> {
    let fresh = |model| Ok((StreamingClusterer::new(Settings { model, ..Settings::default() }), 0));
    let Some(c) = store.checkpoint()? else { return fresh(model) };
    if c.format != STATE_FORMAT {
        tracing::warn!(
            "the store's checkpoint has format {} (this tidings writes {STATE_FORMAT}); re-placing every article",
            c.format
        );
        return fresh(model);
    }
    let mut stream = StreamingClusterer::resume(&c.state, None).map_err(|source| EngineError::DamagedCheckpoint {
        store: store.database_path().display().to_string(),
        source,
    })?;
    let stored = stream.model().cloned();
    let model = match (model, stored) {
        (None, None) => None,
        (None, Some(tag)) => Some(Arc::new(
            StaticModel::load(Path::new(&tag.dir)).map_err(|source| EngineError::Model { dir: tag.dir, source })?,
        )),
        (Some(m), stored) if stored.as_ref() == Some(&ModelTag::of(&m)) => Some(m),
        (Some(m), stored) => {
            let was = stored.map_or_else(|| "no semantic model".to_string(), |t| format!("the model in {}", t.dir));
            tracing::warn!("the store was placed with {was}; re-placing every article with {}", m.dir().display());
            return fresh(Some(m));
        }
    };
    stream.use_model(model);
    Ok((stream, c.next_seq))
}

/// Writes each batch in one transaction: its articles, the stories they touched, and now
/// and then a checkpoint of the placer as it was before the batch.
struct StoreBatches<'s> {
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
    alerts: Option<&'s mut AlertBook>,
    /// The open batch's matching articles.
    matches: BatchMatches,
    /// Articles the open batch placed in each story (for the live events).
    placed: HashMap<StoryId, u32>,
}

impl<'s> StoreBatches<'s> {
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
            alerts: None,
            matches: BatchMatches::default(),
            placed: HashMap::new(),
        }
    }

    fn checkpoint(&self, placer: &Placer) -> Result<Checkpoint, EngineError> {
        Ok(Checkpoint { next_seq: self.seq, format: STATE_FORMAT, state: placer.snapshot()? })
    }

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

impl BatchSink for StoreBatches<'_> {
    fn batch_start(&mut self, placer: &Placer, len: usize) -> Result<(), EngineError> {
        // A run's last batch is usually short: the next run starts again before it, so
        // that it is placed with the articles that complete it.
        let short = len < BATCH && self.policy == CheckpointPolicy::BeforeShortBatch;
        if short || self.seq - self.last_checkpoint >= CHECKPOINT_EVERY {
            self.pending_checkpoint = Some(self.checkpoint(placer)?);
            self.last_checkpoint = self.seq;
        }
        self.last_batch_full = len == BATCH;
        if let Some(book) = self.alerts.as_deref_mut() {
            book.refresh(self.store)?;
        }
        self.store.begin_batch()?;
        Ok(())
    }

    fn article(&mut self, article: &Article, prepared: &Prepared, placement: &Placement) -> Result<(), EngineError> {
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
        *self.placed.entry(story).or_default() += 1;
        if self.alerts.as_deref().is_some_and(|b| !b.is_empty()) {
            self.matches.article(tidings_store::story_number(story), article, prepared);
        }
        if let Some(old) = self.old_stories.remove(&self.seq)
            && let Ok(old) = StoryId::try_from(old - 1)
            && old != story
        {
            self.left.insert(old);
        }
        self.seq += 1;
        Ok(())
    }

    fn batch_end(&mut self, placer: &mut Placer) -> Result<(), EngineError> {
        let clusterer = placer.clusterer_mut();
        // A story that stopped breaking changed without an article.
        self.touched.extend(clusterer.calmed());
        let broken = clusterer.take_broken();
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
            .collect::<Vec<_>>();
        let checkpoint = self.pending_checkpoint.take();
        let mut events = story_events(&stories, &std::mem::take(&mut self.placed), &broken);
        let (follows, notices) = match self.alerts.as_deref() {
            Some(book) => {
                let told = std::mem::take(&mut self.matches).notices(book, self.store, &stories)?;
                events.extend(told.events);
                (told.follows, told.notices)
            }
            None => Default::default(),
        };
        if !notices.is_empty() {
            tracing::debug!("{} alert notices", notices.len());
        }
        self.store.end_batch(&BatchEnd { stories, maybe_empty, checkpoint, follows, notices, events })?;
        self.log_progress();
        Ok(())
    }
}

/// The live events of a batch: each active story it placed articles in was created or
/// grew, and the stories that began to break did.
fn story_events(stories: &[StoryWrite], placed: &HashMap<StoryId, u32>, broken: &[StoryId]) -> Vec<EventWrite> {
    let mut events = Vec::new();
    for w in stories.iter().filter(|w| w.active) {
        let s = &w.summary;
        let story = tidings_store::story_number(s.id);
        let data = |added: u32| {
            serde_json::json!({
                "story": tidings_store::story_label(story),
                "title": s.title,
                "articles": s.articles,
                "unique_articles": s.unique_articles,
                "added": added,
                "last_seen": s.last_seen.map(|p| p.to_display_string()),
                "breaking_since": s.breaking_since.map(|p| p.to_display_string()),
            })
            .to_string()
        };
        if let Some(&added) = placed.get(&s.id) {
            let kind = if added as usize >= s.articles { "story.created" } else { "story.grew" };
            events.push(EventWrite { kind, story, data: data(added) });
        }
        if broken.contains(&s.id) && s.breaking_since.is_some() {
            events.push(EventWrite { kind: "story.breaking", story, data: data(0) });
        }
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The sample articles in the repository (written by us), in publication order.
    fn sample() -> Vec<Article> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/news");
        let inputs = [dir.join("international.jsonl"), dir.join("norsk.jsonl")];
        order_by_publication(crate::read_all(&inputs).articles)
    }

    /// Each stored article's story label, by article id.
    fn stories(store: &Store) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        store
            .for_each_article(0, |a| {
                out.insert(a.id, a.story);
                Ok::<_, tidings_store::StoreError>(())
            })
            .expect("the store reads back");
        out
    }

    #[test]
    fn written_in_two_runs_equals_written_at_once() {
        let articles = sample();
        assert!(articles.len() > 40, "the sample corpus is in examples/news");
        let (once, twice) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));

        let mut writer = Writer::open(&once.path().into(), CheckpointPolicy::BeforeShortBatch).expect("a new store");
        writer.add_new(articles.clone()).expect("written");
        let at_once = stories(&writer.close().expect("closed"));

        let (day1, day2) = articles.split_at(articles.len() / 2);
        let mut writer = Writer::open(&twice.path().into(), CheckpointPolicy::BeforeShortBatch).expect("a new store");
        assert_eq!(writer.add_new(day1.to_vec()).expect("day 1"), (day1.len() as u64, 0));
        writer.close().expect("closed");
        let mut writer = Writer::open(&twice.path().into(), CheckpointPolicy::BeforeShortBatch).expect("reopened");
        assert_eq!(writer.replay.len(), day1.len(), "day 1 was one short batch, placed again with day 2");
        writer.add_new(day2.to_vec()).expect("day 2");
        let in_two_runs = stories(&writer.close().expect("closed"));

        assert_eq!(at_once.len(), articles.len());
        assert_eq!(in_two_runs, at_once);
    }

    #[test]
    fn articles_stored_or_repeated_are_not_placed_again() {
        let articles = sample();
        let dir = tempfile::tempdir().expect("dir");
        let mut writer = Writer::open(&dir.path().into(), CheckpointPolicy::Periodic).expect("a new store");
        let mut twice = articles.clone();
        twice.extend(articles.iter().take(5).cloned());
        assert_eq!(writer.add_new(twice).expect("written"), (articles.len() as u64, 5));
        assert_eq!(writer.add_new(articles.clone()).expect("nothing new"), (0, articles.len() as u64));
        let store = writer.close().expect("closed");
        assert_eq!(store.stats().expect("stats").articles, articles.len() as i64);
    }

    #[test]
    fn a_periodic_writer_checkpoints_on_close_and_resumes_without_replay() {
        let articles = sample();
        let dir = tempfile::tempdir().expect("dir");
        let mut writer = Writer::open(&dir.path().into(), CheckpointPolicy::Periodic).expect("a new store");
        writer.add_new(articles.clone()).expect("written");
        writer.close().expect("closed");
        let writer = Writer::open(&dir.path().into(), CheckpointPolicy::Periodic).expect("reopened");
        assert!(writer.replay.is_empty());
        assert_eq!(writer.seq, articles.len() as i64);
    }

    #[test]
    fn a_second_writer_is_refused_while_the_first_is_open() {
        let dir = tempfile::tempdir().expect("dir");
        let _first = Writer::open(&dir.path().into(), CheckpointPolicy::Periodic).expect("a new store");
        let second = Writer::open(&dir.path().into(), CheckpointPolicy::Periodic).err().expect("refused");
        assert!(matches!(second, EngineError::Store(tidings_store::StoreError::Locked { .. })), "{second}");
    }

    #[test]
    fn ingest_files_counts_what_it_added_skipped_and_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let input = dir.path().join("in.jsonl");
        let lines = [
            r#"{"id":"a","title":"Ferry strike stops traffic on the fjord","text":"The ferry crews walked out on Monday."}"#,
            "not json",
            r#"{"id":"a","title":"Repeated id","text":"The same id again."}"#,
            r#"{"id":"b","title":"Storm closes mountain pass","text":"The road over the pass closed in the night."}"#,
        ];
        std::fs::write(&input, lines.join("\n")).expect("input written");
        let data = dir.path().join("data");
        let mut writer = Writer::open(&data.clone().into(), CheckpointPolicy::BeforeShortBatch).expect("a new store");
        let done = writer.ingest_files(std::slice::from_ref(&input)).expect("ingested");
        assert_eq!(done, FilesIngested { added: 2, skipped: 0, bad: 2 });
        let again = writer.ingest_files(std::slice::from_ref(&input)).expect("ingested again");
        assert_eq!(again, FilesIngested { added: 0, skipped: 2, bad: 2 });
        assert_eq!(writer.close().expect("closed").stats().expect("stats").ingest_runs, 2);
    }
}
