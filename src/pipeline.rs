//! The pipeline from input paths to stories: ingest → analyze → dedup → cluster. Analysis
//! and dedup signatures run in parallel on batches while the (sequential) copy detector and
//! clusterer place the previous batch.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use tidings_analyze::{Analysis, Analyzer};
use tidings_article::{Article, Origin};
use tidings_cluster::{
    Assignment, ClusterConfig, Clusterer, Move, Original, StoryDoc, StoryId, StorySummary, StorylineConfig, Storylines,
};
use tidings_dedup::{DedupConfig, Detector, Shingles};
use tidings_ingest::{BadRecord, Reader, expand_inputs};

/// Articles analysed together; large enough to keep both cores busy, small enough that
/// the pipeline holds little beyond the articles themselves. The clusterer counts a whole
/// batch's document frequencies before placing it, so batches are part of the result: a
/// store resumes its stream at a batch boundary (see `commands::ingest`).
pub const BATCH: usize = 2048;

/// Bumped whenever the serialized [`Placer`] changes shape; a store whose checkpoint has
/// another format is replayed from scratch instead of being misread.
pub const STATE_FORMAT: i64 = 8;

/// Everything read from the inputs.
pub struct Intake {
    pub articles: Vec<Article>,
    pub bad: u64,
}

/// Reads every input, reporting each bad record once on stderr. Articles whose id was
/// already seen are bad records too: an id names one article.
pub fn read(inputs: &[PathBuf]) -> Intake {
    let accepted = Accepted::open(inputs);
    let bad = accepted.bad_records();
    let articles = accepted.collect();
    Intake { articles, bad: bad.load(Ordering::Relaxed) }
}

/// The accepted articles of some inputs, as a stream: bad records are reported on stderr
/// and counted, repeated ids skipped. Lets a sorted input be clustered without holding it.
pub struct Accepted {
    reader: Reader,
    seen: FxHashMap<String, Origin>,
    bad: Arc<AtomicU64>,
    /// Bad records per file, so that a file of a million bad lines prints a few messages
    /// and a count, not a million messages.
    bad_per_file: FxHashMap<Arc<str>, u64>,
}

/// Bad records of one file shown on stderr; the rest are counted.
const SHOWN_PER_FILE: u64 = 10;

impl Accepted {
    pub fn open(inputs: &[PathBuf]) -> Self {
        let (inputs, problems) = expand_inputs(inputs);
        let mut accepted = Self {
            reader: Reader::new(inputs),
            seen: FxHashMap::default(),
            bad: Arc::default(),
            bad_per_file: FxHashMap::default(),
        };
        problems.iter().for_each(|b| accepted.report(b));
        accepted
    }

    /// The count of bad records so far (shared: the stream may move to another thread).
    pub fn bad_records(&self) -> Arc<AtomicU64> {
        self.bad.clone()
    }

    fn report(&mut self, b: &BadRecord) {
        self.bad.fetch_add(1, Ordering::Relaxed);
        let count = self.bad_per_file.entry(b.origin.file.clone()).or_default();
        *count += 1;
        match *count {
            n if n <= SHOWN_PER_FILE => tracing::warn!("{b}"),
            n if n == SHOWN_PER_FILE + 1 => {
                tracing::warn!("{}: more bad records; they are counted, not shown", b.origin.file)
            }
            _ => {}
        }
    }

    /// At the end of the input: the count of each file whose bad records were not all shown.
    fn report_hidden(&mut self) {
        let counts = std::mem::take(&mut self.bad_per_file);
        let mut files: Vec<_> = counts.iter().filter(|(_, n)| **n > SHOWN_PER_FILE).collect();
        files.sort();
        for (file, n) in files {
            tracing::warn!("{file}: {n} bad records in all ({} not shown)", n - SHOWN_PER_FILE);
        }
    }
}

impl Iterator for Accepted {
    type Item = Article;

    fn next(&mut self) -> Option<Article> {
        loop {
            let Some(record) = self.reader.next() else {
                self.report_hidden();
                return None;
            };
            match record {
                Ok(article) => match self.seen.get(&article.id) {
                    Some(first) => {
                        let reason = format!("duplicate id {:?} (first seen at {first}), skipped", article.id);
                        self.report(&BadRecord::new(article.origin.clone(), reason))
                    }
                    None => {
                        self.seen.insert(article.id.clone(), article.origin.clone());
                        return Some(article);
                    }
                },
                Err(b) => self.report(&b),
            }
        }
    }
}

/// Puts articles in publication order. An undated article keeps its place in the input:
/// it sorts with the last dated article before it.
pub fn order_by_publication(articles: Vec<Article>) -> Vec<Article> {
    let mut last = i64::MIN;
    let mut keyed: Vec<(i64, Article)> = articles
        .into_iter()
        .map(|a| {
            if let Some(p) = a.published {
                last = p.seconds();
            }
            (a.published.map_or(last, |p| p.seconds()), a)
        })
        .collect();
    keyed.sort_by_key(|(t, _)| *t);
    keyed.into_iter().map(|(_, a)| a).collect()
}

/// A headline for display: the article's own, or its first sentence (shortened).
pub fn display_title(article: &Article) -> String {
    if !article.title.trim().is_empty() {
        return article.title.trim().to_string();
    }
    let first_line = article.text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let sentence = first_line.split_inclusive(['.', '!', '?']).next().unwrap_or(first_line);
    let words: Vec<&str> = sentence.split_whitespace().collect();
    if words.len() > 16 { format!("{} …", words[..16].join(" ")) } else { words.join(" ") }
}

/// Analyzes and clusters articles in the order given, calling `on_article` with each
/// article's placement once its batch is settled. Returns the stories.
pub fn cluster_stream<I>(
    articles: I,
    settings: Settings,
    on_article: impl FnMut(&Article, &Analysis, &Placement),
) -> Vec<StorySummary>
where
    I: Iterator<Item = Article> + Send,
{
    let mut stream = StreamingClusterer::new(settings);
    stream.process(articles, on_article);
    stream.finish()
}

/// The settings of a run: clustering, and near-duplicate detection (`None` turns it off).
#[derive(Debug, Clone)]
pub struct Settings {
    pub cluster: ClusterConfig,
    pub dedup: Option<DedupConfig>,
}

/// The defaults: dedup on.
impl Default for Settings {
    fn default() -> Self {
        Self { cluster: ClusterConfig::default(), dedup: Some(DedupConfig::default()) }
    }
}

/// Where an article went: its story, and the original it copies if it is a copy.
pub struct Placement {
    pub assignment: Assignment,
    pub duplicate_of: Option<Arc<str>>,
}

/// What dedup remembers of an original: enough to place its copies.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct OriginalRef {
    id: Arc<str>,
    source: Option<Arc<str>>,
    story: StoryId,
}

/// An analyzed article with its dedup shingles and display title.
pub struct Prepared {
    pub analysis: Analysis,
    shingles: Shingles,
    pub title: String,
}

/// What a caller of [`StreamingClusterer::process`] hears about: each batch before it is
/// placed, each article once its batch is placed and settled, and the end of each batch.
/// An error stops the run.
pub trait Sink {
    /// A batch of `len` articles is about to be placed; the placer holds the state after
    /// every earlier batch.
    fn batch_start(&mut self, _placer: &Placer, _len: usize) -> anyhow::Result<()> {
        Ok(())
    }
    fn article(&mut self, article: &Article, prepared: &Prepared, placement: &Placement) -> anyhow::Result<()>;
    fn batch_end(&mut self, _placer: &mut Placer) -> anyhow::Result<()> {
        Ok(())
    }
}

/// A closure that wants only the placed articles.
struct EachArticle<F>(F);

impl<F: FnMut(&Article, &Analysis, &Placement)> Sink for EachArticle<F> {
    fn article(&mut self, article: &Article, prepared: &Prepared, placement: &Placement) -> anyhow::Result<()> {
        (self.0)(article, &prepared.analysis, placement);
        Ok(())
    }
}

/// The analyzer, the copy detector and the clusterer together, fed in as many parts as
/// the caller likes.
pub struct StreamingClusterer {
    analyzer: Analyzer,
    placer: Placer,
}

/// The sequential part: dedup, then clustering. Serializable: a store checkpoints it.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Placer {
    detector: Option<Detector<OriginalRef>>,
    clusterer: Clusterer,
    storylines: Storylines,
}

impl StreamingClusterer {
    pub fn new(mut settings: Settings) -> Self {
        if let Some(dedup) = &settings.dedup {
            settings.cluster.merge_memory = dedup.window as u64;
        }
        let placer = Placer {
            detector: settings.dedup.map(Detector::new),
            clusterer: Clusterer::new(settings.cluster),
            storylines: Storylines::new(StorylineConfig::default()),
        };
        Self { analyzer: Analyzer::new(), placer }
    }

    /// Resumes from a [`Placer::snapshot`].
    pub fn resume(state: &[u8]) -> Result<Self, postcard::Error> {
        Ok(Self { analyzer: Analyzer::new(), placer: postcard::from_bytes(state)? })
    }

    /// Analyzes (and shingles) batches in parallel on one thread while this one places
    /// the batch before, so both cores work.
    pub fn process<I>(&mut self, articles: I, on_article: impl FnMut(&Article, &Analysis, &Placement))
    where
        I: Iterator<Item = Article> + Send,
    {
        let never_fails = self.process_into(articles, &mut EachArticle(on_article));
        debug_assert!(never_fails.is_ok());
    }

    /// As [`StreamingClusterer::process`], telling `sink` about batches too; stops at the
    /// sink's first error.
    pub fn process_into<I>(&mut self, articles: I, sink: &mut impl Sink) -> anyhow::Result<()>
    where
        I: Iterator<Item = Article> + Send,
    {
        let analyzer = &self.analyzer;
        let placer = &mut self.placer;
        let dedup = placer.detector.is_some();
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::sync_channel::<(Vec<Article>, Vec<Prepared>)>(2);
            scope.spawn(move || {
                let mut articles = articles;
                loop {
                    let batch: Vec<Article> = articles.by_ref().take(BATCH).collect();
                    if batch.is_empty() {
                        break;
                    }
                    let prepared: Vec<Prepared> = batch.par_iter().map(|a| prepare(analyzer, a, dedup)).collect();
                    if tx.send((batch, prepared)).is_err() {
                        break;
                    }
                }
            });
            for (batch, mut prepared) in rx {
                sink.batch_start(placer, batch.len())?;
                prepared.iter().for_each(|p| placer.clusterer.observe(&p.analysis));
                let mut placements = Vec::with_capacity(batch.len());
                for (article, p) in batch.iter().zip(prepared.iter_mut()) {
                    let shingles = std::mem::take(&mut p.shingles);
                    placements.push(placer.place(article, &p.title, shingles, &p.analysis));
                }
                // Placements are final once the batch's tentative and parallel stories are settled.
                apply(&placer.clusterer.settle(), &mut placements);
                for ((article, p), placement) in batch.iter().zip(&prepared).zip(&placements) {
                    sink.article(article, p, placement)?;
                }
                sink.batch_end(placer)?;
            }
            Ok(())
        })
    }

    pub fn placer_mut(&mut self) -> &mut Placer {
        &mut self.placer
    }

    pub fn active_stories(&self) -> usize {
        self.placer.clusterer.active_stories()
    }

    pub fn finish(self) -> Vec<StorySummary> {
        self.placer.clusterer.finish()
    }
}

impl Placer {
    /// The whole state, to resume the stream from later.
    pub fn snapshot(&self) -> Result<Vec<u8>, postcard::Error> {
        postcard::to_stdvec(self)
    }

    pub fn clusterer_mut(&mut self) -> &mut Clusterer {
        &mut self.clusterer
    }

    /// The storyline linker, fed each story card as it is written.
    pub fn storylines_mut(&mut self) -> &mut Storylines {
        &mut self.storylines
    }

    /// Dedup first: a copy goes to its original's story; anything else is clustered.
    fn place(&mut self, article: &Article, title: &str, shingles: Shingles, analysis: &Analysis) -> Placement {
        let doc = StoryDoc {
            id: &article.id,
            title,
            published: article.published,
            source: article.source.as_deref(),
            analysis,
        };
        // Without dedup, or with a body too short to sign (neither copy nor original).
        let Some(detector) = self.detector.as_mut().filter(|_| shingles.signature.is_some()) else {
            return Placement { assignment: self.clusterer.add(&doc), duplicate_of: None };
        };
        let (assignment, root, duplicate_of) = match detector.find(&shingles) {
            Some(copy) => {
                let o = &copy.original;
                let original = Original { id: &o.id, source: o.source.as_deref(), story: o.story };
                let assignment = self.clusterer.add_copy(&doc, &original, copy.jaccard.max(copy.containment));
                let duplicate_of = Some(copy.original.id.clone());
                (assignment, OriginalRef { story: assignment.story, ..copy.original }, duplicate_of)
            }
            None => {
                let assignment = self.clusterer.add(&doc);
                let root = OriginalRef {
                    id: Arc::from(article.id.as_str()),
                    source: article.source.as_deref().map(Arc::from),
                    story: assignment.story,
                };
                (assignment, root, None)
            }
        };
        detector.remember(shingles, article.published.map(|p| p.seconds()), root);
        Placement { assignment, duplicate_of }
    }
}

/// Moves the placements of the articles that [`Clusterer::settle`] moved.
fn apply(moves: &[Move], placements: &mut [Placement]) {
    for m in moves {
        for p in placements.iter_mut().filter(|p| p.assignment.story == m.from) {
            let similarity = if p.assignment.new_story { m.similarity } else { p.assignment.similarity };
            p.assignment = Assignment { story: m.to, similarity, new_story: false };
        }
    }
}

/// The parallel part of the work on one article. Dedup reads the whole body, never the
/// headline (outlets rewrite headlines).
fn prepare(analyzer: &Analyzer, article: &Article, dedup: bool) -> Prepared {
    let analysis = analyzer.analyze(article);
    let shingles = if dedup { tidings_dedup::shingles(&article.text) } else { Shingles::default() };
    Prepared { analysis, shingles, title: display_title(article) }
}

/// The run's settings with the user's overrides applied.
pub fn settings(tuning: &crate::cli::TuningArgs) -> Settings {
    let mut cluster = ClusterConfig::default();
    if let Some(t) = tuning.threshold {
        cluster.threshold = t;
    }
    let dedup = (!tuning.no_dedup).then(|| {
        let mut dedup = DedupConfig::default();
        if let Some(t) = tuning.dup_threshold {
            dedup.threshold = t;
        }
        dedup
    });
    Settings { cluster, dedup }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tidings_article::parse_published;

    fn article(id: &str, published: Option<&str>) -> Article {
        Article {
            id: id.into(),
            published: published.and_then(parse_published),
            title: String::new(),
            text: "x".into(),
            lang: None,
            source: None,
            url: None,
            section: None,
            origin: Origin::new(Arc::from("t"), None),
        }
    }

    #[test]
    fn undated_articles_keep_their_place() {
        let input = vec![
            article("c", Some("2019-04-25")),
            article("u1", None),
            article("a", Some("2019-04-23")),
            article("u2", None),
            article("b", Some("2019-04-24")),
        ];
        let ids: Vec<String> = order_by_publication(input).into_iter().map(|a| a.id).collect();
        assert_eq!(ids, ["a", "u2", "b", "c", "u1"]);
    }

    #[test]
    fn display_title_falls_back_to_the_first_sentence() {
        let mut a = article("x", None);
        a.text = "\nMøtet startet i dag. Mer tekst.".into();
        assert_eq!(display_title(&a), "Møtet startet i dag.");
        a.title = " Overskrift ".into();
        assert_eq!(display_title(&a), "Overskrift");
    }
}
