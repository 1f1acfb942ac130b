//! Placing articles in stories: analyze → dedup → cluster. Analysis and dedup signatures
//! run in parallel on batches while the (sequential) copy detector and clusterer place the
//! previous batch.

use std::sync::{Arc, RwLock, mpsc};

use rayon::prelude::*;
use tidings_alert::{AlertId, ArticleView, Percolator};
use tidings_analyze::{Analysis, Analyzer, StaticModel};
use tidings_article::Article;
use tidings_cluster::{
    Assignment, ClusterConfig, Clusterer, Move, Original, StoryDoc, StoryId, StorySummary, StorylineConfig, Storylines,
};
use tidings_dedup::{DedupConfig, Detector, Shingles};

use crate::EngineError;
use crate::order::display_title;

/// Articles analysed together; large enough to keep both cores busy, small enough that
/// the pipeline holds little beyond the articles themselves. The clusterer counts a whole
/// batch's document frequencies before placing it, so batches are part of the result: a
/// store resumes its stream at a batch boundary (see [`crate::Writer`]).
pub const BATCH: usize = 2048;

/// Bumped whenever the serialized [`Placer`] changes shape; a store whose checkpoint has
/// another format is replayed from scratch instead of being misread.
pub const STATE_FORMAT: i64 = 10;

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

/// The settings of a run: clustering, near-duplicate detection (`None` turns it off) and
/// the optional semantic model.
#[derive(Debug, Clone)]
pub struct Settings {
    pub cluster: ClusterConfig,
    pub dedup: Option<DedupConfig>,
    pub model: Option<Arc<StaticModel>>,
}

/// The defaults: dedup on, no model.
impl Default for Settings {
    fn default() -> Self {
        Self { cluster: ClusterConfig::default(), dedup: Some(DedupConfig::default()), model: None }
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

/// An analyzed article with its dedup shingles, display title and the alerts it matches.
pub struct Prepared {
    pub analysis: Analysis,
    shingles: Shingles,
    pub title: String,
    pub alerts: Vec<AlertId>,
}

/// The alerts that articles are matched against as they are analysed (in parallel, with
/// the analysis); swapped whole when the saved alerts change, taking effect from the next
/// batch analysed.
pub type SharedPercolator = Arc<RwLock<Option<Arc<Percolator>>>>;

/// What a caller of [`StreamingClusterer::process`] hears about: each batch before it is
/// placed, each article once its batch is placed and settled, and the end of each batch.
/// An error stops the run.
pub trait BatchSink {
    /// A batch of `len` articles is about to be placed; the placer holds the state after
    /// every earlier batch.
    fn batch_start(&mut self, _placer: &Placer, _len: usize) -> Result<(), EngineError> {
        Ok(())
    }
    fn article(&mut self, article: &Article, prepared: &Prepared, placement: &Placement) -> Result<(), EngineError>;
    fn batch_end(&mut self, _placer: &mut Placer) -> Result<(), EngineError> {
        Ok(())
    }
}

/// A closure that wants only the placed articles.
struct EachArticle<F>(F);

impl<F: FnMut(&Article, &Analysis, &Placement)> BatchSink for EachArticle<F> {
    fn article(&mut self, article: &Article, prepared: &Prepared, placement: &Placement) -> Result<(), EngineError> {
        (self.0)(article, &prepared.analysis, placement);
        Ok(())
    }
}

/// The analyzer, the copy detector and the clusterer together, fed in as many parts as
/// the caller likes.
pub struct StreamingClusterer {
    analyzer: Analyzer,
    placer: Placer,
    percolator: SharedPercolator,
}

/// The sequential part: dedup, then clustering. Serializable: a store checkpoints it.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Placer {
    detector: Option<Detector<OriginalRef>>,
    clusterer: Clusterer,
    storylines: Storylines,
    /// The semantic model the stories were placed with: its vectors are in the stories'
    /// state, so a resumed placer must analyse with the same one.
    model: Option<ModelTag>,
}

/// Which semantic model a placer used: where it was read from, and its shape.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModelTag {
    pub dir: String,
    pub dims: usize,
}

impl ModelTag {
    pub fn of(model: &StaticModel) -> Self {
        Self { dir: model.dir().display().to_string(), dims: model.dims() }
    }
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
            model: settings.model.as_deref().map(ModelTag::of),
        };
        Self { analyzer: Analyzer::with_model(settings.model), placer, percolator: SharedPercolator::default() }
    }

    /// Resumes from a [`Placer::snapshot`], analysing with `model`; the caller makes
    /// sure it is the one the snapshot names ([`StreamingClusterer::model`]).
    pub fn resume(state: &[u8], model: Option<Arc<StaticModel>>) -> Result<Self, postcard::Error> {
        Ok(Self {
            analyzer: Analyzer::with_model(model),
            placer: postcard::from_bytes(state)?,
            percolator: Default::default(),
        })
    }

    /// The model the placer was using when it was saved.
    pub fn model(&self) -> Option<&ModelTag> {
        self.placer.model.as_ref()
    }

    /// Analyses with `model` from now on.
    pub fn use_model(&mut self, model: Option<Arc<StaticModel>>) {
        self.placer.model = model.as_deref().map(ModelTag::of);
        self.analyzer = Analyzer::with_model(model);
    }

    /// Matches the articles against these alerts from now on (see [`Prepared::alerts`]).
    pub fn match_alerts(&mut self, percolator: SharedPercolator) {
        self.percolator = percolator;
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
    pub fn process_into<I>(&mut self, articles: I, sink: &mut impl BatchSink) -> Result<(), EngineError>
    where
        I: Iterator<Item = Article> + Send,
    {
        let analyzer = &self.analyzer;
        let percolator = &self.percolator;
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
                    let alerts = percolator.read().ok().and_then(|p| p.clone()).filter(|p| !p.is_empty());
                    let prepared: Vec<Prepared> =
                        batch.par_iter().map(|a| prepare(analyzer, a, dedup, alerts.as_deref())).collect();
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
    pub fn snapshot(&self) -> Result<Vec<u8>, EngineError> {
        postcard::to_stdvec(self).map_err(EngineError::Snapshot)
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
fn prepare(analyzer: &Analyzer, article: &Article, dedup: bool, alerts: Option<&Percolator>) -> Prepared {
    let analysis = analyzer.analyze(article);
    let shingles = if dedup { tidings_dedup::shingles(&article.text) } else { Shingles::default() };
    let alerts = alerts.map_or_else(Vec::new, |p| {
        p.matches(&ArticleView {
            title: &article.title,
            body: &article.text,
            lang: analysis.lang,
            source: article.source.as_deref(),
            entities: &analysis.entities,
        })
    });
    Prepared { analysis, shingles, title: display_title(article), alerts }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_article::Origin;

    fn article(id: &str, source: &str, title: &str, text: &str) -> Article {
        Article {
            id: id.into(),
            published: None,
            title: title.into(),
            text: text.into(),
            lang: Some("en".into()),
            source: Some(source.into()),
            url: None,
            section: None,
            origin: Origin::new(Arc::from("test"), None),
        }
    }

    const BODY: &str = "The harbour authority in Rognvika closed the northern pier on Tuesday after divers found \
        cracks in three of its concrete pillars. Ferries to the outer islands will dock at the southern quay \
        until engineers have assessed the damage, which the authority expects to take at least two weeks. \
        Fishermen who use the pier said the cracks had been visible at low tide for months.";

    /// Each article's story and original, as placed.
    fn placements(stream: &mut StreamingClusterer, articles: Vec<Article>) -> Vec<(String, StoryId, Option<String>)> {
        let mut out = Vec::new();
        stream.process(articles.into_iter(), |a, _, p| {
            out.push((a.id.clone(), p.assignment.story, p.duplicate_of.as_deref().map(str::to_string)))
        });
        out
    }

    #[test]
    fn a_copy_joins_its_originals_story_and_names_it() {
        let mut stream = StreamingClusterer::new(Settings::default());
        let articles = vec![
            article("wire-1", "Wire", "Pier closed after cracks found", BODY),
            article("other", "Daily", "Council approves new school budget", "The council voted for the budget."),
            article("paper-1", "Paper", "Cracks close Rognvika pier", BODY),
        ];
        let placed = placements(&mut stream, articles);
        assert_eq!(placed[2].2.as_deref(), Some("wire-1"));
        assert_eq!(placed[2].1, placed[0].1);
        assert_ne!(placed[1].1, placed[0].1);
    }

    #[test]
    fn a_resumed_placer_places_as_an_uninterrupted_one() {
        let day = |d: usize| -> Vec<Article> {
            (0..6)
                .map(|i| {
                    let text = format!("{BODY} Update {d}-{i}: the pier stays closed for day {d}.");
                    article(&format!("a{d}-{i}"), &format!("Outlet {i}"), "Rognvika pier stays closed", &text)
                })
                .collect()
        };
        let mut uninterrupted = StreamingClusterer::new(Settings::default());
        let mut expected = placements(&mut uninterrupted, day(1));
        expected.extend(placements(&mut uninterrupted, day(2)));

        let mut first = StreamingClusterer::new(Settings::default());
        let mut got = placements(&mut first, day(1));
        let state = first.placer_mut().snapshot().expect("the placer serializes");
        let mut resumed = StreamingClusterer::resume(&state, None).expect("the snapshot reads back");
        got.extend(placements(&mut resumed, day(2)));
        assert_eq!(got, expected);
        assert!(StreamingClusterer::resume(&state[..state.len() / 2], None).is_err(), "a cut snapshot is refused");
    }
}
