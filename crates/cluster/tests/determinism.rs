//! Property test: the clusterer is deterministic. The same stream clusters the same way,
//! every article gets a story, and story sizes add up to the number of articles.

use std::sync::Arc;

use proptest::prelude::*;
use tidings_analyze::Analyzer;
use tidings_article::{Article, Origin, parse_published};
use tidings_cluster::{ClusterConfig, Clusterer, StoryDoc};

const WORDS: &[&str] = &[
    "ferje",
    "grunn",
    "Bodø",
    "passasjerer",
    "storm",
    "Bergen",
    "strøm",
    "renten",
    "Norges",
    "Bank",
    "Putin",
    "Kim",
    "Vladivostok",
    "toppmøte",
    "skred",
    "Lyngen",
    "streik",
    "lærere",
    "laks",
    "pris",
];

fn stream() -> impl Strategy<Value = Vec<(Vec<usize>, u8)>> {
    prop::collection::vec((prop::collection::vec(0..WORDS.len(), 3..14), 0u8..28), 1..40)
}

fn run(docs: &[(Vec<usize>, u8)]) -> (Vec<u32>, Vec<usize>) {
    let analyzer = Analyzer::new();
    let mut clusterer = Clusterer::new(ClusterConfig::default());
    let mut assigned = Vec::new();
    let articles: Vec<Article> = docs
        .iter()
        .enumerate()
        .map(|(i, (words, day))| Article {
            id: format!("a{i}"),
            published: parse_published(&format!("2019-04-{:02}", day + 1)),
            title: words.iter().take(5).map(|w| WORDS[*w]).collect::<Vec<_>>().join(" "),
            text: words.iter().map(|w| WORDS[*w]).collect::<Vec<_>>().join(" ") + ".",
            lang: Some("nb".into()),
            source: None,
            url: None,
            section: None,
            origin: Origin::new(Arc::from("p"), None),
        })
        .collect();
    let analyses: Vec<_> = articles.iter().map(|a| analyzer.analyze(a)).collect();
    for a in &analyses {
        clusterer.observe(a);
    }
    for (article, analysis) in articles.iter().zip(&analyses) {
        let doc =
            StoryDoc { id: &article.id, title: &article.title, published: article.published, source: None, analysis };
        assigned.push(clusterer.add(&doc).story);
    }
    let sizes = clusterer.finish().iter().map(|s| s.article_ids.len()).collect();
    (assigned, sizes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn same_stream_same_stories(docs in stream()) {
        let (first, sizes) = run(&docs);
        let (second, _) = run(&docs);
        prop_assert_eq!(&first, &second);
        prop_assert_eq!(sizes.iter().sum::<usize>(), docs.len());
        prop_assert!(sizes.iter().all(|&n| n > 0));
    }
}
