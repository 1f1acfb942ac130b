//! The pipeline from input paths to stories: ingest → analyze → cluster. Analysis runs
//! in parallel on batches while the (sequential) clusterer works on the previous batch.

use std::path::PathBuf;
use std::sync::mpsc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use tidings_analyze::{Analysis, Analyzer};
use tidings_article::{Article, Origin};
use tidings_cluster::{Assignment, ClusterConfig, Clusterer, StoryDoc, StorySummary};
use tidings_ingest::{BadRecord, Reader, expand_inputs};

/// Articles analysed together; large enough to keep both cores busy, small enough that
/// the pipeline holds little beyond the articles themselves.
const BATCH: usize = 2048;

/// Everything read from the inputs.
pub struct Intake {
    pub articles: Vec<Article>,
    pub bad: u64,
}

/// Reads every input, reporting each bad record once on stderr. Articles whose id was
/// already seen are bad records too: an id names one article.
pub fn read(inputs: &[PathBuf]) -> Intake {
    let (inputs, problems) = expand_inputs(inputs);
    let mut bad = 0;
    let mut report = |b: &BadRecord| {
        bad += 1;
        tracing::warn!("{b}");
    };
    problems.iter().for_each(&mut report);
    let mut seen: FxHashMap<String, Origin> = FxHashMap::default();
    let mut articles = Vec::new();
    for record in Reader::new(inputs) {
        match record {
            Ok(article) => match seen.get(&article.id) {
                Some(first) => report(&BadRecord::new(
                    article.origin.clone(),
                    format!("duplicate id {:?} (first seen at {first}), skipped", article.id),
                )),
                None => {
                    seen.insert(article.id.clone(), article.origin.clone());
                    articles.push(article);
                }
            },
            Err(b) => report(&b),
        }
    }
    Intake { articles, bad }
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
/// article's assignment as soon as it is made. Returns the stories.
pub fn cluster_stream<I>(
    articles: I,
    config: ClusterConfig,
    on_article: impl FnMut(&Article, &Analysis, &Assignment),
) -> Vec<StorySummary>
where
    I: Iterator<Item = Article> + Send,
{
    let mut stream = StreamingClusterer::new(config);
    stream.process(articles, on_article);
    stream.finish()
}

/// The analyzer and the clusterer together, fed in as many parts as the caller likes.
pub struct StreamingClusterer {
    analyzer: Analyzer,
    clusterer: Clusterer,
}

impl StreamingClusterer {
    pub fn new(config: ClusterConfig) -> Self {
        Self { analyzer: Analyzer::new(), clusterer: Clusterer::new(config) }
    }

    /// Analyzes batches in parallel on one thread while this one clusters the batch
    /// before, so both cores work.
    pub fn process<I>(&mut self, articles: I, mut on_article: impl FnMut(&Article, &Analysis, &Assignment))
    where
        I: Iterator<Item = Article> + Send,
    {
        let analyzer = &self.analyzer;
        let clusterer = &mut self.clusterer;
        std::thread::scope(|scope| {
            let (tx, rx) = mpsc::sync_channel::<(Vec<Article>, Vec<Analysis>)>(2);
            scope.spawn(move || {
                let mut articles = articles;
                loop {
                    let batch: Vec<Article> = articles.by_ref().take(BATCH).collect();
                    if batch.is_empty() {
                        break;
                    }
                    let analyses: Vec<Analysis> = batch.par_iter().map(|a| analyzer.analyze(a)).collect();
                    if tx.send((batch, analyses)).is_err() {
                        break;
                    }
                }
            });
            for (batch, analyses) in rx {
                analyses.iter().for_each(|a| clusterer.observe(a));
                for (article, analysis) in batch.iter().zip(&analyses) {
                    let title = display_title(article);
                    let doc = StoryDoc {
                        id: &article.id,
                        title: &title,
                        published: article.published,
                        source: article.source.as_deref(),
                        analysis,
                    };
                    let assignment = clusterer.add(&doc);
                    on_article(article, analysis, &assignment);
                }
            }
        });
    }

    pub fn active_stories(&self) -> usize {
        self.clusterer.active_stories()
    }

    pub fn finish(self) -> Vec<StorySummary> {
        self.clusterer.finish()
    }
}

/// The clusterer's settings with the user's overrides applied.
pub fn config(tuning: &crate::cli::TuningArgs) -> ClusterConfig {
    let mut config = ClusterConfig::default();
    if let Some(t) = tuning.threshold {
        config.threshold = t;
    }
    config
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
