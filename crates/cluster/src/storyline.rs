//! Storylines: stories that continue one another (a summit announced, held, then followed
//! up) linked over weeks. Each story may name one earlier story it continues, the one that
//! shares the most of its salient names and terms; a storyline is a story with everything
//! that continues it, directly or not. Links never merge stories: each keeps its articles.
//!
//! The evidence is a story's card, not its articles: its entities by salience (names are
//! the same across languages, so coverage in one language can continue a story in another)
//! and its keywords, each weighted by how rare it is among the stories seen so far, so
//! that a country every other story names links nothing on its own.

use rustc_hash::FxHashMap;
use tidings_analyze::{EntityKind, Kind, feature_hash};

use crate::posting::StoryId;
use crate::story::StorySummary;
use crate::vector::DocumentFrequencies;

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
    /// The norm of the features weighted by rarity, and the number of stories counted
    /// when it was computed: rarity drifts slowly, so the norm is recomputed only once
    /// the count has moved by a sixteenth.
    norm: f32,
    norm_at: u64,
    /// The story it was last found to continue: still a candidate when the story is
    /// linked again, however many stories have since pushed it out of the posting lists.
    continues: Option<StoryId>,
    /// Every feature counted in the story counts for this story so far, sorted: a story
    /// linked again as it grows counts each feature once.
    counted: Vec<u64>,
}

/// 16 bytes: a candidate's features are read in one sweep, so they are kept small (the
/// names to show are read from the story card when a link is made).
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
struct Feature {
    hash: u64,
    weight: f32,
    /// The entity's type; `None` for a keyword.
    kind: Option<EntityKind>,
}

/// Links stories into storylines as their cards are written; incremental and
/// serializable, so a store keeps linking where it stopped.
///
/// The work per story is bounded however long the stream runs: candidates come from the
/// posting lists of a story's few most telling names only, each list keeps the latest
/// stories that carry the name, old stories are forgotten past the window, and the
/// story counts are halved as the clusterer's are.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Storylines {
    config: StorylineConfig,
    anchors: FxHashMap<StoryId, Anchor>,
    /// The stories that carry each name, in order of creation, the latest
    /// [`MAX_POSTING_LEN`] of them.
    postings: FxHashMap<u64, Vec<StoryId>>,
    /// In how many stories each feature occurs (each story counted once).
    df: DocumentFrequencies,
    latest: Option<i64>,
    calls: u64,
}

/// Old stories are forgotten every this many links.
const EXPIRY_INTERVAL: u64 = 1024;
/// A posting list keeps the latest this many stories with its name. A continuation is
/// recent (ties already go to the latest part of a storyline), and a name in hundreds of
/// recent stories weighs next to nothing, so older stories only cost time.
const MAX_POSTING_LEN: usize = 64;
/// Candidates come from this many of a story's names, those that weigh the most (salience
/// times rarity): what a continuation shares is what tells a story apart.
const QUERY_NAMES: usize = 10;
/// Candidates scored per story: those that carry the most weight of its most telling
/// names. Each costs a look at a story remembered anywhere in memory, which made scoring
/// 64 of them a third of the linking time; the best link is rarely past the first few.
const CANDIDATES: usize = 32;
/// Candidates whose score with the norms last computed comes within this share of their
/// bar and of the best such score are scored exactly. Norms are recomputed once
/// the story count has moved by a sixteenth, which moves a score by a few per cent.
const ROUGH_MARGIN: f32 = 0.8;
/// Story counts are halved once they hold this many features (see
/// [`DocumentFrequencies::halve`]).
const MAX_COUNTED_FEATURES: usize = 200_000;

/// A story's features weighted by rarity, for one link.
struct Weighted<'a> {
    anchor: &'a Anchor,
    /// The rarity of each of `anchor.features`, in the same order.
    rarities: Vec<f32>,
    /// The name or keyword of each of `anchor.features`, as the card spells it.
    labels: &'a [&'a str],
    norm: f32,
    places: Places,
}

/// Where each of a story's features sits, by hash: an open-addressed table, so that each
/// candidate's features are looked up one by one (merging two sorted lists mispredicts a
/// branch at nearly every step, and comparing candidates was a third of the linking time).
struct Places {
    /// One more than the feature's index, or 0 for an empty slot.
    slots: Vec<u32>,
    /// log2 of the table size.
    bits: u32,
}

impl Places {
    fn new(features: &[Feature]) -> Self {
        let bits = (features.len() * 2).next_power_of_two().max(8).trailing_zeros();
        let mut places = Self { slots: vec![0; 1 << bits], bits };
        for (i, f) in features.iter().enumerate() {
            let mut slot = places.home(f.hash);
            while places.slots[slot] != 0 {
                slot = (slot + 1) & (places.slots.len() - 1);
            }
            places.slots[slot] = i as u32 + 1;
        }
        places
    }

    /// Fibonacci hashing: the top bits of the product spread any hash over the table.
    fn home(&self, hash: u64) -> usize {
        (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - self.bits)) as usize
    }

    /// The index of the feature with this hash.
    fn find(&self, features: &[Feature], hash: u64) -> Option<usize> {
        let mut slot = self.home(hash);
        loop {
            let i = self.slots[slot].checked_sub(1)? as usize;
            if features[i].hash == hash {
                return Some(i);
            }
            slot = (slot + 1) & (self.slots.len() - 1);
        }
    }
}

impl Storylines {
    pub fn new(config: StorylineConfig) -> Self {
        Self { config, ..Self::default() }
    }

    /// Records a story's current card (new, or grown since it was last seen) and returns
    /// the earlier story it continues, if any. Call it again whenever the story changes:
    /// the answer may change while the story grows.
    pub fn link(&mut self, story: &StorySummary) -> Option<StoryLink> {
        let (mut anchor, labels) = anchor(story, self.config.keyword_weight);
        // The story's earlier anchor gives way to this one (`remember` puts it back); it is
        // never its own candidate, so nothing looks for it in between.
        match self.anchors.remove(&story.id) {
            Some(before) => (anchor.continues, anchor.counted) = (before.continues, before.counted),
            None => self.df.add_empty_document(),
        }
        self.count(&mut anchor);
        if let Some(last) = anchor.last_seen {
            self.latest = Some(self.latest.map_or(last, |l| l.max(last)));
        }
        let link = self.best_earlier(story.id, &mut anchor, &labels);
        anchor.continues = link.as_ref().map(|l| l.story);
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

    /// Forgets stories too old to be continued, and halves the story counts when they
    /// hold too many features, bounding memory and work per story.
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
        if self.df.features() > MAX_COUNTED_FEATURES {
            self.df.halve();
        }
    }

    /// Counts the story's features that it has not been counted with yet.
    fn count(&mut self, anchor: &mut Anchor) {
        let before = std::mem::take(&mut anchor.counted);
        let mut counted = Vec::with_capacity(before.len() + anchor.features.len());
        let mut old = before.iter().copied().peekable();
        for hash in anchor.features.iter().map(|f| f.hash) {
            while let Some(h) = old.next_if(|&h| h < hash) {
                counted.push(h);
            }
            if old.next_if_eq(&hash).is_none() {
                self.df.add_feature(hash);
            }
            counted.push(hash);
        }
        counted.extend(old);
        anchor.counted = counted;
    }

    fn remember(&mut self, id: StoryId, anchor: Anchor) {
        for f in anchor.features.iter().filter(|f| f.kind.is_some()) {
            let list = self.postings.entry(f.hash).or_default();
            // Lists are in order of creation; a story linked again is already in them.
            if let Err(at) = list.binary_search(&id) {
                list.insert(at, id);
                if list.len() > MAX_POSTING_LEN {
                    list.remove(0);
                }
            }
        }
        self.anchors.insert(id, anchor);
    }

    /// How telling a feature is: rare among stories, heavy; in every story, nothing.
    fn rarity(&self, hash: u64) -> f32 {
        let df = self.df.count(hash).max(1) as f32;
        (self.df.docs().max(1) as f32 / df).ln().max(0.0)
    }

    /// A story's features weighted by their current rarity.
    fn weigh<'a>(&self, anchor: &'a Anchor, labels: &'a [&'a str]) -> Weighted<'a> {
        let rarities: Vec<f32> = anchor.features.iter().map(|f| self.rarity(f.hash)).collect();
        let norm = anchor.features.iter().zip(&rarities).map(|(f, r)| (f.weight * r).powi(2)).sum::<f32>().sqrt();
        Weighted { anchor, rarities, labels, norm, places: Places::new(&anchor.features) }
    }

    /// The norm of a story's features weighted by their current rarity.
    fn norm(&self, anchor: &Anchor) -> f32 {
        anchor.features.iter().map(|f| (f.weight * self.rarity(f.hash)).powi(2)).sum::<f32>().sqrt()
    }

    /// Recomputes a remembered story's norm if the story counts have moved since.
    fn refresh_norm(&mut self, id: StoryId) {
        let docs = self.df.docs();
        let Some(a) = self.anchors.get(&id) else { return };
        if a.norm_at > 0 && a.norm_at.abs_diff(docs) * 16 <= a.norm_at {
            return;
        }
        let norm = self.norm(a);
        if let Some(a) = self.anchors.get_mut(&id) {
            a.norm = norm;
            a.norm_at = docs;
        }
    }

    /// The earlier story (smaller id: started before) in the window that this one shares
    /// most with, if the sharing passes the threshold. Notes the story's own norm.
    fn best_earlier(&mut self, id: StoryId, anchor: &mut Anchor, labels: &[&str]) -> Option<StoryLink> {
        let later = self.weigh(anchor, labels);
        let candidates = self.candidates(id, &later);
        for &c in &candidates {
            self.refresh_norm(c);
        }
        let link = self.best_of(&candidates, &later);
        let norm = later.norm;
        anchor.norm = norm;
        anchor.norm_at = self.df.docs();
        link
    }

    /// The candidate that shares the most with the later story, if enough. Candidates are
    /// first scored with the norms they had when last weighed (cheap: no rarity looked up);
    /// those that come near the best are then scored exactly, with today's rarities.
    fn best_of(&self, candidates: &[StoryId], later: &Weighted<'_>) -> Option<StoryLink> {
        let mut rough: Vec<(StoryId, f32)> = Vec::new();
        for &c in candidates {
            let Some(earlier) = self.anchors.get(&c) else { continue };
            if !self.within_window(earlier, later.anchor) {
                continue;
            }
            if let Some((score, bar)) = self.overlap(earlier, earlier.norm, later)
                && score >= ROUGH_MARGIN * bar
            {
                rough.push((c, score));
            }
        }
        // The link goes to the highest score that passes its bar, so the rough scores near
        // the highest are the ones worth an exact look.
        let top = rough.iter().map(|(_, score)| *score).fold(0.0f32, f32::max);
        let mut best: Option<(StoryId, f32)> = None;
        for (c, _) in rough.into_iter().filter(|(_, score)| *score >= ROUGH_MARGIN * top) {
            let Some(earlier) = self.anchors.get(&c) else { continue };
            let Some((score, bar)) = self.overlap(earlier, self.norm(earlier), later) else { continue };
            // Ties go to the later story: a storyline continues from its latest part.
            if score >= bar && best.is_none_or(|(_, b)| score >= b) {
                best = Some((c, score));
            }
        }
        let (story, score) = best?;
        let shared = self.anchors.get(&story).map(|earlier| self.shared(earlier, later)).unwrap_or_default();
        let score = (f64::from(score) * 1000.0).round() / 1000.0;
        Some(StoryLink { story, score, shared })
    }

    /// Earlier stories in the window that carry the most of the story's most telling
    /// names, and the story it continued when last linked, in ascending order.
    fn candidates(&self, id: StoryId, later: &Weighted<'_>) -> Vec<StoryId> {
        let anchor = later.anchor;
        let mut names: Vec<(f32, u64)> = anchor
            .features
            .iter()
            .zip(&later.rarities)
            .filter(|(f, _)| f.kind.is_some())
            .map(|(f, rarity)| (f.weight * rarity, f.hash))
            .collect();
        names.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let in_window = |c: StoryId| c < id && id - c <= self.config.window_stories as StoryId;
        let mut found: Vec<(StoryId, f32)> = names
            .iter()
            .take(QUERY_NAMES)
            .filter_map(|&(weight, hash)| self.postings.get(&hash).map(|list| (weight, list)))
            .flat_map(|(weight, list)| list.iter().map(move |&c| (c, weight)))
            .filter(|&(c, _)| in_window(c))
            .collect();
        found.sort_unstable_by_key(|&(c, _)| c);
        found.dedup_by(|next, kept| {
            let same = next.0 == kept.0;
            if same {
                kept.1 += next.1;
            }
            same
        });
        // The most weight of those names; on ties the later story, as in linking.
        if found.len() > CANDIDATES {
            found.select_nth_unstable_by(CANDIDATES, |a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
            found.truncate(CANDIDATES);
        }
        let mut candidates: Vec<StoryId> =
            found.into_iter().map(|(c, _)| c).chain(anchor.continues.filter(|&c| in_window(c))).collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates
    }

    fn within_window(&self, earlier: &Anchor, later: &Anchor) -> bool {
        match (earlier.last_seen, later.first_seen) {
            (Some(end), Some(start)) => start - end <= self.config.window_seconds,
            _ => true,
        }
    }

    /// The weighted cosine of an earlier story's features (of norm `norm`) with the story
    /// being linked, and the bar it must reach for what they share. Shared words alone
    /// make topics (two strikes), not storylines: without a shared name, no bar. A single
    /// shared place is weak (the same city's unrelated news share as much: Oslo, Europe),
    /// so the rest must be twice as close; a person, organisation or other name, or two
    /// places, face the threshold. A shared feature has one rarity on both sides, so only
    /// the later story's features are weighed here.
    fn overlap(&self, earlier: &Anchor, norm: f32, later: &Weighted<'_>) -> Option<(f32, f32)> {
        let denominator = norm * later.norm;
        if denominator <= 0.0 {
            return None;
        }
        let (mut dot, mut names, mut places) = (0.0f32, 0usize, 0usize);
        for_shared(earlier, later, |product, j| {
            if product > 0.0 {
                match later.anchor.features[j].kind {
                    Some(EntityKind::Place) => places += 1,
                    Some(_) => names += 1,
                    None => {}
                }
            }
            dot += product;
        });
        let bar = match (names, places) {
            (0, 0) => return None,
            (0, 1) => 2.0 * self.config.threshold,
            _ => self.config.threshold,
        };
        Some((dot / denominator, bar))
    }

    /// What the best earlier story shares with the later one, the heaviest first.
    fn shared(&self, earlier: &Anchor, later: &Weighted<'_>) -> Vec<String> {
        let mut shared: Vec<(f32, bool, &str)> = Vec::new();
        for_shared(earlier, later, |product, j| {
            shared.push((product, later.anchor.features[j].kind.is_some(), later.labels[j]))
        });
        shared.sort_by(|a, b| b.0.total_cmp(&a.0));
        shared_labels(&shared)
    }
}

/// Calls `f` with each feature two stories share: the product of its weights by rarity
/// (one rarity for both sides), and its place among the later story's features.
/// In the order of the earlier story's features (by hash, so sums come out the same
/// however they are found).
fn for_shared(earlier: &Anchor, later: &Weighted<'_>, mut f: impl FnMut(f32, usize)) {
    let features = &later.anchor.features;
    for a in &earlier.features {
        if let Some(j) = later.places.find(features, a.hash) {
            let rarity = later.rarities[j];
            f(a.weight * features[j].weight * rarity * rarity, j);
        }
    }
}

/// What two stories share, for display: the heaviest first, without keywords that only
/// repeat a shared name (`solheim` beside Ingrid Solheim). `shared` holds each feature's
/// weight, whether it is a name, and its label.
fn shared_labels(shared: &[(f32, bool, &str)]) -> Vec<String> {
    let names: Vec<String> =
        shared.iter().filter(|(_, name, _)| *name).map(|(_, _, label)| label.to_lowercase()).collect();
    let mut out: Vec<String> = Vec::new();
    for &(w, name, label) in shared {
        let repeats = !name && names.iter().any(|n| n.contains(label));
        if w > 0.0 && !repeats && !out.iter().any(|o| o.eq_ignore_ascii_case(label)) {
            out.push(label.to_string());
        }
    }
    out
}

/// A story's features: its entities by salience, then its keywords (fading with rank);
/// and the label of each, as the card spells it.
fn anchor(story: &StorySummary, keyword_weight: f32) -> (Anchor, Vec<&str>) {
    let mut labelled: Vec<(Feature, &str)> = Vec::new();
    for e in &story.entities {
        let hash = feature_hash(Kind::Entity, &e.key);
        labelled.push((Feature { hash, weight: e.salience as f32, kind: Some(e.kind) }, &e.name));
    }
    for (rank, k) in story.keywords.iter().enumerate() {
        let hash = feature_hash(Kind::Word, &k.to_lowercase());
        let weight = keyword_weight / (1.0 + rank as f32 * 0.2);
        labelled.push((Feature { hash, weight, kind: None }, k));
    }
    labelled.sort_by_key(|(f, _)| f.hash);
    labelled.dedup_by_key(|(f, _)| f.hash);
    let (features, labels) = labelled.into_iter().unzip();
    let anchor = Anchor {
        features,
        first_seen: story.first_seen.map(|p| p.seconds()),
        last_seen: story.last_seen.map(|p| p.seconds()),
        norm: 0.0,
        norm_at: 0,
        continues: None,
        counted: Vec::new(),
    };
    (anchor, labels)
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
            articles: 1,
            unique_articles: 1,
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
                    aliases: Vec::new(),
                })
                .collect(),
            copy_groups: Vec::new(),
            titles: Default::default(),
            keyphrases: Vec::new(),
            summary: Vec::new(),
            breaking_since: None,
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
        assert_eq!(linker.df.docs(), 1);
        assert_eq!(linker.df.count(feature_hash(Kind::Entity, "anna berg")), 1);
    }
}
