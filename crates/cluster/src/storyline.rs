//! Storylines: stories that continue one another (a summit announced, held, then followed
//! up) linked over weeks. Each story may name one earlier story it continues, the one that
//! shares the most of its salient names and terms; a storyline is a story with everything
//! that continues it, directly or not. Links never merge stories: each keeps its articles.
//!
//! The evidence is a story's card, not its articles: its entities by salience (names are
//! the same across languages, so coverage in one language can continue a story in another)
//! and its keywords, each weighted by how rare it is among the stories seen so far, so
//! that a country every other story names links nothing on its own.

use rustc_hash::{FxHashMap, FxHashSet};
use tidings_analyze::{EntityKind, Kind, feature_hash};

use crate::posting::StoryId;
use crate::story::StorySummary;

/// How stories are linked into storylines.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StorylineConfig {
    /// A story continues its best earlier story when their cosine reaches this.
    pub threshold: f32,
    /// How long after an earlier story's last article a story may still continue it.
    pub window_seconds: i64,
    /// Undated streams: how many of the latest stories a story may continue.
    pub window_stories: usize,
    /// Weight of a keyword against an entity of full salience.
    pub keyword_weight: f32,
}

impl Default for StorylineConfig {
    fn default() -> Self {
        Self { threshold: 0.13, window_seconds: 60 * 24 * 3600, window_stories: 20_000, keyword_weight: 0.5 }
    }
}

/// That a story continues an earlier one, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoryLink {
    /// The earlier story.
    pub story: StoryId,
    /// Cosine of the two stories' weighted names and terms (three decimals).
    pub score: f64,
    /// The shared names and terms, the heaviest first.
    pub shared: Vec<String>,
}

/// Where a story stands: the storyline it belongs to (named by its first story) and the
/// earlier story it continues.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryThread {
    pub storyline: StoryId,
    pub continues: Option<StoryLink>,
}

/// What the linker remembers of a story.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Anchor {
    /// Features (entity keys and keywords) with their weight before rarity, sorted by hash.
    features: Vec<Feature>,
    first_seen: Option<i64>,
    last_seen: Option<i64>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Feature {
    hash: u64,
    weight: f32,
    label: String,
    /// The entity's type; `None` for a keyword.
    kind: Option<EntityKind>,
}

/// Links stories into storylines as their cards are written; incremental and
/// serializable, so a store keeps linking where it stopped.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Storylines {
    config: StorylineConfig,
    anchors: FxHashMap<StoryId, Anchor>,
    postings: FxHashMap<u64, Vec<StoryId>>,
    /// In how many stories each feature occurs (each story counted once).
    df: FxHashMap<u64, u32>,
    counted: FxHashSet<(StoryId, u64)>,
    stories: u32,
    latest: Option<i64>,
    calls: u64,
}

/// Old stories are forgotten every this many links.
const EXPIRY_INTERVAL: u64 = 1024;
/// Names in more recent stories than this are too common to find candidates with (their
/// rarity weight is near nothing anyway); this bounds the work per story in long streams.
const MAX_POSTING_LEN: usize = 2000;

impl Storylines {
    pub fn new(config: StorylineConfig) -> Self {
        Self { config, ..Self::default() }
    }

    /// Records a story's current card (new, or grown since it was last seen) and returns
    /// the earlier story it continues, if any. Call it again whenever the story changes:
    /// the answer may change while the story grows.
    pub fn link(&mut self, story: &StorySummary) -> Option<StoryLink> {
        let anchor = anchor(story, self.config.keyword_weight);
        self.count(story.id, &anchor);
        if let Some(last) = anchor.last_seen {
            self.latest = Some(self.latest.map_or(last, |l| l.max(last)));
        }
        let link = self.best_earlier(story.id, &anchor);
        self.remember(story.id, anchor);
        self.calls += 1;
        if self.calls.is_multiple_of(EXPIRY_INTERVAL) {
            self.expire();
        }
        link
    }

    /// Links finished stories (in order of creation, as [`crate::Clusterer::finish`] gives
    /// them) and places each in its storyline.
    pub fn thread(&mut self, stories: &[StorySummary]) -> Vec<StoryThread> {
        let mut roots: FxHashMap<StoryId, StoryId> = FxHashMap::default();
        stories
            .iter()
            .map(|s| {
                let continues = self.link(s);
                let storyline = continues.as_ref().map_or(s.id, |l| roots.get(&l.story).copied().unwrap_or(l.story));
                roots.insert(s.id, storyline);
                StoryThread { storyline, continues }
            })
            .collect()
    }

    /// Forgets stories too old to be continued, bounding memory and work per story.
    fn expire(&mut self) {
        let c = &self.config;
        let oldest_id = self.anchors.keys().max().map_or(0, |m| m.saturating_sub(c.window_stories as StoryId));
        let latest = self.latest;
        self.anchors.retain(|id, a| {
            let recent = match (latest, a.last_seen) {
                (Some(l), Some(last)) => l - last <= c.window_seconds,
                _ => true,
            };
            recent && *id >= oldest_id
        });
        let anchors = &self.anchors;
        self.postings.retain(|_, list| {
            list.retain(|id| anchors.contains_key(id));
            !list.is_empty()
        });
        self.counted.retain(|(id, _)| anchors.contains_key(id));
    }

    fn count(&mut self, id: StoryId, anchor: &Anchor) {
        if !self.anchors.contains_key(&id) {
            self.stories += 1;
        }
        for f in &anchor.features {
            if self.counted.insert((id, f.hash)) {
                *self.df.entry(f.hash).or_default() += 1;
            }
        }
    }

    fn remember(&mut self, id: StoryId, anchor: Anchor) {
        for f in &anchor.features {
            let list = self.postings.entry(f.hash).or_default();
            if !list.contains(&id) {
                list.push(id);
            }
        }
        self.anchors.insert(id, anchor);
    }

    /// How telling a feature is: rare among stories, heavy; in every story, nothing.
    fn rarity(&self, hash: u64) -> f32 {
        let df = self.df.get(&hash).copied().unwrap_or(1).max(1) as f32;
        (self.stories.max(1) as f32 / df).ln().max(0.0)
    }

    /// The earlier story (smaller id: started before) in the window that this one shares
    /// most with, if the sharing passes the threshold.
    fn best_earlier(&self, id: StoryId, anchor: &Anchor) -> Option<StoryLink> {
        let mut candidates: Vec<StoryId> = anchor
            .features
            .iter()
            .filter(|f| f.kind.is_some())
            .filter_map(|f| self.postings.get(&f.hash).filter(|list| list.len() <= MAX_POSTING_LEN))
            .flatten()
            .copied()
            .filter(|&c| c < id && id - c <= self.config.window_stories as StoryId)
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mut best: Option<StoryLink> = None;
        for c in candidates {
            let Some(earlier) = self.anchors.get(&c) else { continue };
            if !self.within_window(earlier, anchor) {
                continue;
            }
            let Some(link) = self.compare(c, earlier, anchor) else { continue };
            // Ties go to the later story: a storyline continues from its latest part.
            if best.as_ref().is_none_or(|b| link.score >= b.score) {
                best = Some(link);
            }
        }
        best
    }

    fn within_window(&self, earlier: &Anchor, later: &Anchor) -> bool {
        match (earlier.last_seen, later.first_seen) {
            (Some(end), Some(start)) => start - end <= self.config.window_seconds,
            _ => true,
        }
    }

    /// The weighted cosine of two stories' features, with what they share.
    fn compare(&self, earlier_id: StoryId, earlier: &Anchor, later: &Anchor) -> Option<StoryLink> {
        let weigh = |f: &Feature| f.weight * self.rarity(f.hash);
        let norm = |a: &Anchor| a.features.iter().map(|f| weigh(f).powi(2)).sum::<f32>().sqrt();
        let mut shared: Vec<(f32, &Feature)> = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < earlier.features.len() && j < later.features.len() {
            let (a, b) = (&earlier.features[i], &later.features[j]);
            match a.hash.cmp(&b.hash) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared.push((weigh(a) * weigh(b), b));
                    i += 1;
                    j += 1;
                }
            }
        }
        let denominator = norm(earlier) * norm(later);
        if denominator == 0.0 {
            return None;
        }
        let score = shared.iter().map(|(w, _)| w).sum::<f32>() / denominator;
        let bar = match named_evidence(&shared) {
            Evidence::Names => self.config.threshold,
            Evidence::OnePlace => 2.0 * self.config.threshold,
            Evidence::None => return None,
        };
        if score < bar {
            return None;
        }
        shared.sort_by(|a, b| b.0.total_cmp(&a.0));
        let score = (f64::from(score) * 1000.0).round() / 1000.0;
        Some(StoryLink { story: earlier_id, score, shared: shared_labels(&shared) })
    }
}

/// Which names two stories share.
enum Evidence {
    /// A person, organisation or other name, or at least two places.
    Names,
    /// A single place: the same city's unrelated news share as much (Oslo, Europe), so
    /// the rest must be twice as close.
    OnePlace,
    /// Shared words alone make topics (two strikes), not storylines.
    None,
}

fn named_evidence(shared: &[(f32, &Feature)]) -> Evidence {
    let named = |place: bool| {
        shared.iter().filter(|(w, f)| *w > 0.0 && f.kind.is_some_and(|k| (k == EntityKind::Place) == place)).count()
    };
    match (named(false), named(true)) {
        (0, 0) => Evidence::None,
        (0, 1) => Evidence::OnePlace,
        _ => Evidence::Names,
    }
}

/// What two stories share, for display: the heaviest first, without keywords that only
/// repeat a shared name (`solheim` beside Ingrid Solheim).
fn shared_labels(shared: &[(f32, &Feature)]) -> Vec<String> {
    let names: Vec<String> =
        shared.iter().filter(|(_, f)| f.kind.is_some()).map(|(_, f)| f.label.to_lowercase()).collect();
    let mut out: Vec<String> = Vec::new();
    for (w, f) in shared {
        let repeats = f.kind.is_none() && names.iter().any(|n| n.contains(f.label.as_str()));
        if *w > 0.0 && !repeats && !out.iter().any(|o| o.eq_ignore_ascii_case(&f.label)) {
            out.push(f.label.clone());
        }
    }
    out
}

/// A story's features: its entities by salience, then its keywords (fading with rank).
fn anchor(story: &StorySummary, keyword_weight: f32) -> Anchor {
    let mut features: Vec<Feature> = Vec::new();
    for e in &story.entities {
        let hash = feature_hash(Kind::Entity, &e.key);
        features.push(Feature { hash, weight: e.salience as f32, label: e.name.clone(), kind: Some(e.kind) });
    }
    for (rank, k) in story.keywords.iter().enumerate() {
        let hash = feature_hash(Kind::Word, &k.to_lowercase());
        let weight = keyword_weight / (1.0 + rank as f32 * 0.2);
        features.push(Feature { hash, weight, label: k.clone(), kind: None });
    }
    features.sort_by_key(|f| f.hash);
    features.dedup_by_key(|f| f.hash);
    Anchor {
        features,
        first_seen: story.first_seen.map(|p| p.seconds()),
        last_seen: story.last_seen.map(|p| p.seconds()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_article::parse_published;

    fn story(id: StoryId, day: &str, entities: &[(&str, EntityKind, f64)], keywords: &[&str]) -> StorySummary {
        let published = parse_published(day);
        StorySummary {
            id,
            title: format!("story {id}"),
            article_ids: vec![format!("a{id}")],
            first_seen: published,
            last_seen: published,
            languages: vec!["en".into()],
            sources: Vec::new(),
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
            entities: entities
                .iter()
                .map(|(name, kind, salience)| crate::StoryEntity {
                    name: name.to_string(),
                    key: name.to_lowercase(),
                    kind: *kind,
                    mentions: 1,
                    salience: *salience,
                })
                .collect(),
            copy_groups: Vec::new(),
            titles: Default::default(),
            keyphrases: Vec::new(),
            summary: Vec::new(),
        }
    }

    use EntityKind::{Person, Place};

    /// Filler stories so that rarity means something: each names its own person, and
    /// some name Oslo.
    fn background(from: StoryId) -> Vec<StorySummary> {
        (0..20)
            .map(|i| {
                let person = format!("Person {i}");
                let mut entities = vec![(person.as_str(), Person, 1.0)];
                if i % 2 == 0 {
                    entities.push(("Oslo", Place, 0.5));
                }
                story(from + i, "2026-09-01", &entities, &[&format!("word{i}")])
            })
            .collect()
    }

    #[test]
    fn a_continuation_links_to_the_earlier_story_and_unrelated_news_does_not() {
        let mut stories = background(0);
        let summit = [("Ingrid Solheim", Person, 1.0), ("Tromsø", Place, 0.8)];
        stories.push(story(20, "2026-09-02", &summit, &["summit", "arctic"]));
        stories.push(story(21, "2026-09-24", &summit, &["summit", "declaration"]));
        // Same city, nothing else in common.
        stories.push(story(22, "2026-09-25", &[("Tromsø", Place, 1.0), ("Kari Hansen", Person, 1.0)], &["fire"]));
        let threads = Storylines::new(StorylineConfig::default()).thread(&stories);
        let link = threads[21].continues.as_ref().expect("the summit continues its announcement");
        assert_eq!(link.story, 20);
        assert_eq!(link.shared[..2], ["Ingrid Solheim".to_string(), "Tromsø".to_string()]);
        assert_eq!(threads[21].storyline, 20);
        assert_eq!(threads[22].continues, None, "{:?}", threads[22]);
        assert_eq!(threads[22].storyline, 22);
    }

    #[test]
    fn shared_words_alone_or_an_old_story_link_nothing() {
        let mut stories = background(0);
        stories.push(story(20, "2026-09-02", &[("Anna Berg", Person, 1.0)], &["strike", "port", "wages"]));
        stories.push(story(21, "2026-09-03", &[("Ola Dahl", Person, 1.0)], &["strike", "port", "wages"]));
        // The same person, but long after the window.
        stories.push(story(22, "2027-03-01", &[("Anna Berg", Person, 1.0)], &["strike", "port"]));
        let threads = Storylines::new(StorylineConfig::default()).thread(&stories);
        assert_eq!(threads[21].continues, None);
        assert_eq!(threads[22].continues, None);
    }

    #[test]
    fn a_chain_of_continuations_is_one_storyline_named_by_its_first_story() {
        let mut stories = background(0);
        let strike = [("Lars Bergkvist", Person, 1.0), ("Gothenburg", Place, 1.0)];
        for (i, day) in ["2026-09-07", "2026-09-14", "2026-09-21"].iter().enumerate() {
            stories.push(story(20 + i as StoryId, day, &strike, &["strike"]));
        }
        let threads = Storylines::new(StorylineConfig::default()).thread(&stories);
        assert_eq!(threads[22].continues.as_ref().map(|l| l.story), Some(21), "the latest part is continued");
        assert!(threads[20..].iter().all(|t| t.storyline == 20));
    }

    #[test]
    fn relinking_a_grown_story_does_not_count_it_twice() {
        let mut linker = Storylines::new(StorylineConfig::default());
        let s = story(0, "2026-09-01", &[("Anna Berg", Person, 1.0)], &["strike"]);
        linker.link(&s);
        linker.link(&s);
        assert_eq!(linker.stories, 1);
        assert_eq!(linker.df[&feature_hash(Kind::Entity, "anna berg")], 1);
    }
}
