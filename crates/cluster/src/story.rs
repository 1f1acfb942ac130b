//! Stories: the active state the clusterer compares articles with, and the summary a
//! story leaves behind once it stops taking articles.

use rustc_hash::{FxHashMap, FxHashSet};
use tidings_analyze::{EntityKind, Lang};
use tidings_article::Published;

use crate::centroid::Centroid;
use crate::posting::StoryId;

/// Headlines remembered per story as title candidates.
const TITLE_CANDIDATES: usize = 32;
/// Keyword labels remembered per story.
const MAX_LABELS: usize = 512;
/// Keywords and entities listed in a summary.
const SUMMARY_KEYWORDS: usize = 10;
const SUMMARY_ENTITIES: usize = 10;

/// A story that still takes articles.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct ActiveStory {
    pub id: StoryId,
    pub text: Centroid,
    pub entities: Centroid,
    /// Features already in the posting lists for this story.
    pub indexed: FxHashSet<u64>,
    pub first_seen: Option<Published>,
    pub last_seen: Option<Published>,
    /// Stream position of the last article that joined.
    pub last_seq: u64,
    pub article_ids: Vec<String>,
    languages: FxHashMap<Lang, u32>,
    sources: FxHashMap<String, u32>,
    titles: Vec<(String, Vec<u64>)>,
    entity_names: FxHashMap<String, (String, EntityKind, u32)>,
    labels: FxHashMap<u64, String>,
    copy_groups: Vec<CopyGroup>,
}

/// What a story is, once clustered: the `--stories` output.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StorySummary {
    pub id: StoryId,
    pub title: String,
    pub article_ids: Vec<String>,
    pub first_seen: Option<Published>,
    pub last_seen: Option<Published>,
    /// Language codes, most frequent first.
    pub languages: Vec<String>,
    /// Outlets, most frequent first.
    pub sources: Vec<String>,
    pub keywords: Vec<String>,
    pub entities: Vec<StoryEntity>,
    /// Texts published more than once: the original, its copies and every outlet.
    pub copy_groups: Vec<CopyGroup>,
}

impl StorySummary {
    /// Articles that are not copies of another article.
    pub fn unique_articles(&self) -> usize {
        self.article_ids.len() - self.copy_groups.iter().map(|g| g.copies.len()).sum::<usize>()
    }
}

/// One text and its copies within a story.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CopyGroup {
    /// The earliest article with the text.
    pub original: String,
    pub copies: Vec<String>,
    /// Outlets that ran the text, the original's first.
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoryEntity {
    pub name: String,
    pub key: String,
    pub kind: EntityKind,
    pub mentions: u32,
}

/// What a story keeps of each article that joins it.
pub(crate) struct Member<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub title_terms: &'a [tidings_analyze::Term],
    pub published: Option<Published>,
    pub lang: Lang,
    pub source: Option<&'a str>,
    pub entities: &'a [tidings_analyze::Entity],
    pub labels: &'a [(u64, String, f32)],
}

impl ActiveStory {
    pub fn new(id: StoryId) -> Self {
        Self {
            id,
            text: Centroid::default(),
            entities: Centroid::default(),
            indexed: FxHashSet::default(),
            first_seen: None,
            last_seen: None,
            last_seq: 0,
            article_ids: Vec::new(),
            languages: FxHashMap::default(),
            sources: FxHashMap::default(),
            titles: Vec::new(),
            entity_names: FxHashMap::default(),
            labels: FxHashMap::default(),
            copy_groups: Vec::new(),
        }
    }

    /// Notes that `copy` (from `copy_source`) repeats the text of `original`.
    pub fn record_copy(
        &mut self,
        original: &str,
        original_source: Option<&str>,
        copy: &str,
        copy_source: Option<&str>,
    ) {
        let index = match self.copy_groups.iter().position(|g| g.original == original) {
            Some(i) => i,
            None => {
                let sources = original_source.map(|s| vec![s.to_string()]).unwrap_or_default();
                self.copy_groups.push(CopyGroup { original: original.to_string(), copies: Vec::new(), sources });
                self.copy_groups.len() - 1
            }
        };
        let group = &mut self.copy_groups[index];
        group.copies.push(copy.to_string());
        if let Some(s) = copy_source
            && !group.sources.iter().any(|x| x == s)
        {
            group.sources.push(s.to_string());
        }
    }

    /// Records an article's metadata (its vectors are added by the clusterer).
    pub fn record(&mut self, m: Member<'_>, seq: u64) {
        self.article_ids.push(m.id.to_string());
        self.last_seq = seq;
        if let Some(p) = m.published {
            self.first_seen = Some(self.first_seen.map_or(p, |f| f.min(p)));
            self.last_seen = Some(self.last_seen.map_or(p, |l| l.max(p)));
        }
        *self.languages.entry(m.lang).or_insert(0) += 1;
        if let Some(s) = m.source {
            match self.sources.get_mut(s) {
                Some(n) => *n += 1,
                None => {
                    self.sources.insert(s.to_string(), 1);
                }
            }
        }
        if self.titles.len() < TITLE_CANDIDATES && !m.title.trim().is_empty() {
            self.titles.push((m.title.to_string(), m.title_terms.iter().map(|t| t.hash).collect()));
        }
        for e in m.entities {
            match self.entity_names.get_mut(&e.key) {
                Some(entry) => entry.2 += 1,
                None => {
                    self.entity_names.insert(e.key.clone(), (e.name.clone(), e.kind, 1));
                }
            }
        }
        for (hash, label, _) in m.labels {
            if self.labels.len() < MAX_LABELS {
                self.labels.entry(*hash).or_insert_with(|| label.clone());
            }
        }
    }

    /// The story's lasting summary.
    /// The story as it stands: the `--stories` output, and what a store keeps of it.
    pub fn summary(&self) -> StorySummary {
        let title = self.representative_title().unwrap_or_default();
        let keywords = self
            .text
            .top(SUMMARY_KEYWORDS * 4)
            .into_iter()
            .filter_map(|(h, _)| self.labels.get(&h).cloned())
            .take(SUMMARY_KEYWORDS)
            .collect();
        let mut entities: Vec<StoryEntity> = self
            .entity_names
            .iter()
            .map(|(key, (name, kind, mentions))| StoryEntity {
                name: name.clone(),
                key: key.clone(),
                kind: *kind,
                mentions: *mentions,
            })
            .collect();
        entities.sort_by(|a, b| b.mentions.cmp(&a.mentions).then_with(|| a.key.cmp(&b.key)));
        entities.truncate(SUMMARY_ENTITIES);
        StorySummary {
            id: self.id,
            title,
            article_ids: self.article_ids.clone(),
            first_seen: self.first_seen,
            last_seen: self.last_seen,
            languages: by_count(self.languages.iter().map(|(l, n)| (l.code().to_string(), *n))),
            sources: by_count(self.sources.iter().map(|(s, n)| (s.clone(), *n))),
            keywords,
            entities,
            copy_groups: self.copy_groups.clone(),
        }
    }

    /// The headline closest to the story's centroid: the one that says what most of the
    /// articles say. Ties go to the earliest.
    fn representative_title(&self) -> Option<String> {
        let score = |terms: &[u64]| {
            let sum: f32 = terms.iter().map(|h| self.text.weight(*h)).sum();
            sum / (terms.len().max(1) as f32).sqrt()
        };
        let mut best: Option<(&str, f32)> = None;
        for (title, terms) in &self.titles {
            // A lead sentence standing in for a missing headline has no headline terms.
            let s = if terms.is_empty() { -1.0 } else { score(terms) };
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((title, s));
            }
        }
        best.map(|(t, _)| t.to_string())
    }
}

fn by_count(items: impl Iterator<Item = (String, u32)>) -> Vec<String> {
    let mut v: Vec<(String, u32)> = items.collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.into_iter().map(|(s, _)| s).collect()
}
