//! The clusterer's settings. One default serves every corpus: news wires, full-text
//! outlets and headline streams alike; nothing here is tuned per corpus.

/// How the online clusterer decides and how far back it looks.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClusterConfig {
    /// An article joins its best story when their similarity reaches this, else it starts
    /// a new story.
    pub threshold: f32,
    /// Weight of the entity cosine added to the word cosine when both the article and
    /// the story name someone.
    pub entity_weight: f32,
    /// How much a headline term counts against a body term.
    pub title_boost: f32,
    /// Dated articles: a story idle for longer than this stops taking articles.
    pub window_seconds: i64,
    /// Articles after which an idle story stops taking articles, dated or not; bounds the
    /// work per article in long undated streams.
    pub window_articles: u64,
    /// Time gap (beyond the first day) over which similarity halves.
    pub half_life_seconds: f64,
    /// Terms an article uses to look up candidate stories.
    pub query_terms: usize,
    /// Candidate stories scored exactly per article.
    pub candidates: usize,
    /// Terms a story's centroid keeps (the heaviest), bounding memory per story.
    pub centroid_terms: usize,
    /// Posting lists longer than this belong to words too common to find candidates with
    /// (they would also make the cost per article grow with the number of active stories).
    pub max_posting_len: usize,
    /// Articles with at least this many distinct features face the full threshold;
    /// shorter ones (headlines) a lower one, by the square root of their share.
    pub full_text_features: usize,
    /// The lowest fraction of the threshold any article faces.
    pub min_threshold_scale: f32,
    /// Features are weighted by their rarity among stories once the stream has this many
    /// stories; before that, by their rarity among articles.
    pub story_rarity_after: u64,
    /// A capitalised word of a title-case headline counts as a name once this many
    /// earlier articles named it as an entity.
    pub title_case_name_evidence: u32,
    /// A story with this many articles is settled: a full-text article joins it at its
    /// full similarity only if it is `typicality` times as close to the members, on
    /// average, as they are to each other; else it needs twice the similarity.
    pub settled_story: u32,
    /// The share of a settled story's cohesion (its members' mean pairwise cosine) that a
    /// full-text article's mean cosine with the members must reach.
    pub typicality: f32,
    /// A story begun in the current batch merges into an active story in its language
    /// when the mean cosine across the two stories reaches this share of the geometric
    /// mean of their cohesions.
    pub merge_linkage: f32,
    /// Articles for which a merged story still leads to the story it merged into. Copies
    /// name their original's story, so this is as long as near-duplicate detection
    /// remembers originals (`DedupConfig::window`, which the pipeline passes on; a copy of
    /// an original older than that is clustered like any article); bounded, because a
    /// story that runs for months may absorb stories all along.
    pub merge_memory: u64,
    /// Weight of the semantic cosine (with a model) for an article in a language its
    /// candidate story has no article in.
    pub semantic_weight: f32,
    /// The semantic cosine that unrelated articles reach; only what lies above it counts
    /// (after each language's mean is removed, about 1 % of unrelated cross-language
    /// pairs reach 0.25, and half of the same-story ones 0.47).
    pub semantic_floor: f32,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            threshold: 0.3,
            entity_weight: 0.5,
            title_boost: 1.5,
            window_seconds: 4 * 24 * 3600,
            window_articles: 50_000,
            half_life_seconds: 2.0 * 24.0 * 3600.0,
            query_terms: 24,
            candidates: 16,
            centroid_terms: 320,
            max_posting_len: 500,
            full_text_features: 60,
            min_threshold_scale: 0.3,
            story_rarity_after: 50,
            title_case_name_evidence: 3,
            settled_story: 8,
            typicality: 0.85,
            merge_linkage: 0.8,
            merge_memory: 100_000,
            semantic_weight: 0.5,
            semantic_floor: 0.25,
        }
    }
}
