//! Stories: the active state the clusterer compares articles with, and the summary a
//! story leaves behind once it stops taking articles.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};
use tidings_analyze::{EntityKind, Lang, LeadSentence};
use tidings_article::Published;

use crate::breaking::Pace;
use crate::centroid::Centroid;
use crate::posting::StoryId;
use crate::tempo::Tempo;

/// Headlines remembered per story as title candidates.
const TITLE_CANDIDATES: usize = 32;
/// Entity tallies a story keeps at least (see `ActiveStory::tally_entities`).
const ENTITY_TALLIES: usize = 256;
/// Keyword labels remembered per story.
const MAX_LABELS: usize = 512;
/// Keywords and entities listed in a summary.
const SUMMARY_KEYWORDS: usize = 10;
const SUMMARY_ENTITIES: usize = 10;
/// Lead sentences remembered per story as summary candidates (from its first articles).
const SENTENCE_CANDIDATES: usize = 24;
/// Sentences in a story's summary, and the most of its words a summary sentence may
/// share with one already chosen (more is saying the same thing twice).
const SUMMARY_SENTENCES: usize = 3;
const MAX_SENTENCE_OVERLAP: f32 = 0.5;
/// Keyphrases on a story card: at most, and names among them at most.
const KEYPHRASES: usize = 8;
const KEYPHRASE_NAMES: usize = 4;

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
    /// The stream position of each of `article_ids`, so that a merge keeps them in order.
    article_seqs: Vec<u64>,
    languages: FxHashMap<Lang, u32>,
    sources: FxHashMap<String, u32>,
    titles: Vec<TitleCandidate>,
    sentences: Vec<(Lang, LeadSentence)>,
    entity_names: FxHashMap<String, EntityTally>,
    labels: FxHashMap<u64, String>,
    copy_groups: Vec<CopyGroup>,
    /// Where each original's group is in `copy_groups`.
    copy_index: FxHashMap<String, usize>,
    /// Articles that are copies (in all of `copy_groups`).
    copies: usize,
    /// Its recent pace, which tells whether it is breaking.
    pub pace: Pace,
    /// How fast its reports follow one another (the time prior).
    pub tempo: Tempo,
    /// The sum of its articles' semantic vectors (empty without a model).
    pub semantic: Vec<f32>,
}

/// A headline that may become the story's title.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct TitleCandidate {
    title: String,
    terms: Vec<u64>,
    lang: Lang,
}

/// One entity across a story's articles.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct EntityTally {
    name: String,
    kind: EntityKind,
    /// Articles that name it.
    mentions: u32,
    /// The sum of its salience in those articles.
    salience: f32,
}

/// What a story is, once clustered: the `--stories` output. A story's *card* (what a
/// store rewrites whenever the story grows) is a summary without `article_ids` and
/// `copy_groups`, the only parts whose size grows with the story.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StorySummary {
    pub id: StoryId,
    pub title: String,
    /// How many articles, and how many of them are not copies of another.
    pub articles: usize,
    pub unique_articles: usize,
    /// In stream order; empty on a card.
    pub article_ids: Vec<String>,
    pub first_seen: Option<Published>,
    pub last_seen: Option<Published>,
    /// Language codes, most frequent first.
    pub languages: Vec<String>,
    /// Outlets, most frequent first.
    pub sources: Vec<String>,
    pub keywords: Vec<String>,
    pub entities: Vec<StoryEntity>,
    /// Texts published more than once: the original, its copies and every outlet. Empty
    /// on a card.
    pub copy_groups: Vec<CopyGroup>,
    /// The title in each language the story was reported in (only when it was reported in
    /// more than one); `title` is the one in its dominant language.
    pub titles: BTreeMap<String, String>,
    /// Names and terms that say what the story is about, most telling first.
    pub keyphrases: Vec<String>,
    /// About three sentences from its articles' leads, in the dominant language, that
    /// say what most of its articles say without repeating each other.
    pub summary: Vec<String>,
    /// Since when the story is breaking (see `breaking.rs`), while it is.
    #[serde(default)]
    pub breaking_since: Option<Published>,
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
    /// `type` in JSON, as in every output contract.
    #[serde(rename = "type")]
    pub kind: EntityKind,
    /// Articles that name it.
    pub mentions: u32,
    /// How central it is to the story, in (0, 1]: its salience summed over the articles,
    /// relative to the story's most salient entity (rounded to three decimals, so that it
    /// reads the same in every output).
    pub salience: f64,
    /// Shorter forms its articles also used, folded into it (*Putin*, *Putins* for
    /// *Vladimir Putin*); left out of JSON when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
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
            article_seqs: Vec::new(),
            languages: FxHashMap::default(),
            sources: FxHashMap::default(),
            titles: Vec::new(),
            sentences: Vec::new(),
            entity_names: FxHashMap::default(),
            labels: FxHashMap::default(),
            copy_groups: Vec::new(),
            copy_index: FxHashMap::default(),
            copies: 0,
            pace: Pace::default(),
            tempo: Tempo::default(),
            semantic: Vec::new(),
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
        let index = match self.copy_index.get(original) {
            Some(&i) => i,
            None => {
                let sources = original_source.map(|s| vec![s.to_string()]).unwrap_or_default();
                self.add_copy_group(CopyGroup { original: original.to_string(), copies: Vec::new(), sources })
            }
        };
        self.copies += 1;
        let group = &mut self.copy_groups[index];
        group.copies.push(copy.to_string());
        if let Some(s) = copy_source
            && !group.sources.iter().any(|x| x == s)
        {
            group.sources.push(s.to_string());
        }
    }

    /// The story's language, if all its articles are in one.
    pub fn sole_language(&self) -> Option<Lang> {
        let mut langs = self.languages.keys();
        match (langs.next(), langs.next()) {
            (Some(l), None) => Some(*l),
            _ => None,
        }
    }

    /// Whether any article of the story is in `lang`.
    pub fn has_language(&self, lang: Lang) -> bool {
        self.languages.contains_key(&lang)
    }

    /// Whether every article of the story is in `lang`.
    pub fn only_in(&self, lang: Lang) -> bool {
        self.sole_language() == Some(lang)
    }

    /// Adds a semantic vector (an article's, or a merged story's sum) to the story's sum.
    pub fn add_semantic(&mut self, v: &[f32]) {
        if self.semantic.is_empty() {
            self.semantic = v.to_vec();
        } else if self.semantic.len() == v.len() {
            self.semantic.iter_mut().zip(v).for_each(|(s, x)| *s += x);
        }
    }

    /// The cosine of a normalised semantic vector with the story's (0 where either has none).
    pub fn semantic_cosine(&self, v: &[f32]) -> f32 {
        if v.is_empty() || self.semantic.len() != v.len() {
            return 0.0;
        }
        let (dot, norm) = self.semantic.iter().zip(v).fold((0.0, 0.0), |(d, n), (s, x)| (d + s * x, n + s * s));
        if norm <= f32::EPSILON { 0.0 } else { dot / norm.sqrt() }
    }

    /// Records an article's metadata (its vectors are added by the clusterer).
    pub fn record(&mut self, m: Member<'_>, seq: u64) {
        self.article_ids.push(m.id.to_string());
        self.article_seqs.push(seq);
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
            let terms = m.title_terms.iter().map(|t| t.hash).collect();
            self.titles.push(TitleCandidate { title: m.title.to_string(), terms, lang: m.lang });
        }
        self.tally_entities(m.entities);
        for (hash, label, _) in m.labels {
            if self.labels.len() < MAX_LABELS {
                self.labels.entry(*hash).or_insert_with(|| label.clone());
            }
        }
    }

    /// Counts an article's entities. A long story names ever more people in passing, so
    /// the tallies are cut back to the most salient now and then: what a card shows is
    /// its ten most salient names, and the cost of a card must not grow with the story.
    fn tally_entities(&mut self, entities: &[tidings_analyze::Entity]) {
        for e in entities {
            match self.entity_names.get_mut(&e.key) {
                Some(tally) => {
                    tally.mentions += 1;
                    tally.salience += e.salience;
                }
                None => {
                    let tally = EntityTally { name: e.name.clone(), kind: e.kind, mentions: 1, salience: e.salience };
                    self.entity_names.insert(e.key.clone(), tally);
                }
            }
        }
        self.prune_entity_tallies();
    }

    /// Takes in another story's articles: their vectors (each feature new to this story is
    /// told to `new`), names, titles, outlets and copies. The indexed features are the
    /// clusterer's business.
    pub fn absorb(&mut self, other: ActiveStory, max_terms: usize, mut new: impl FnMut(u64)) {
        self.text.merge(&other.text, max_terms, &mut new);
        self.entities.merge(&other.entities, max_terms, &mut new);
        self.first_seen = [self.first_seen, other.first_seen].into_iter().flatten().min();
        self.last_seen = [self.last_seen, other.last_seen].into_iter().flatten().max();
        self.tempo.absorb(&other.tempo);
        self.add_semantic(&other.semantic);
        self.last_seq = self.last_seq.max(other.last_seq);
        self.merge_articles(other.article_ids, other.article_seqs);
        for (lang, n) in other.languages {
            *self.languages.entry(lang).or_insert(0) += n;
        }
        for (source, n) in other.sources {
            *self.sources.entry(source).or_insert(0) += n;
        }
        let room = TITLE_CANDIDATES.saturating_sub(self.titles.len());
        self.titles.extend(other.titles.into_iter().take(room));
        for (lang, sentence) in other.sentences {
            self.offer_sentences(lang, std::slice::from_ref(&sentence));
        }
        for (key, tally) in other.entity_names {
            let (mentions, salience) = (tally.mentions, tally.salience);
            self.entity_names
                .entry(key)
                .and_modify(|mine| {
                    mine.mentions += mentions;
                    mine.salience += salience;
                })
                .or_insert(tally);
        }
        for (hash, label) in other.labels {
            if self.labels.len() < MAX_LABELS {
                self.labels.entry(hash).or_insert(label);
            }
        }
        self.prune_entity_tallies();
        for group in other.copy_groups {
            self.add_copy_group(group);
        }
        self.copies += other.copies;
        self.pace.absorb(other.pace);
    }

    /// Appends a group of copies (of an original not yet in the story); returns its index.
    fn add_copy_group(&mut self, group: CopyGroup) -> usize {
        self.copy_index.insert(group.original.clone(), self.copy_groups.len());
        self.copy_groups.push(group);
        self.copy_groups.len() - 1
    }

    /// Adds another story's articles, keeping all of them in stream order. Only the part
    /// of this story's list from the other's first article on is re-sorted: a story merged
    /// into a big one began in the current batch, so the cost does not grow with the big
    /// story.
    fn merge_articles(&mut self, ids: Vec<String>, seqs: Vec<u64>) {
        let Some(&first) = seqs.iter().min() else { return };
        let at = self.article_seqs.partition_point(|&seq| seq < first);
        let tail = self.article_ids.split_off(at).into_iter().zip(self.article_seqs.split_off(at));
        let mut tail: Vec<(String, u64)> = tail.chain(ids.into_iter().zip(seqs)).collect();
        tail.sort_by_key(|(_, seq)| *seq);
        for (id, seq) in tail {
            self.article_ids.push(id);
            self.article_seqs.push(seq);
        }
    }

    /// Keeps the [`ENTITY_TALLIES`] most salient entity tallies once there are twice as many.
    fn prune_entity_tallies(&mut self) {
        if self.entity_names.len() <= 2 * ENTITY_TALLIES {
            return;
        }
        let mut all: Vec<(String, EntityTally)> = self.entity_names.drain().collect();
        all.sort_by(|a, b| {
            b.1.salience.total_cmp(&a.1.salience).then(b.1.mentions.cmp(&a.1.mentions)).then_with(|| a.0.cmp(&b.0))
        });
        all.truncate(ENTITY_TALLIES);
        self.entity_names.extend(all);
    }

    /// Offers an article's lead sentences as summary candidates (copies offer none: their
    /// sentences are their original's).
    pub fn offer_sentences(&mut self, lang: Lang, sentences: &[LeadSentence]) {
        for s in sentences {
            if self.sentences.len() < SENTENCE_CANDIDATES && !self.sentences.iter().any(|(_, c)| c.text == s.text) {
                self.sentences.push((lang, s.clone()));
            }
        }
    }

    /// The story as it stands: the `--stories` output, and what a store keeps of it.
    pub fn summary(&self) -> StorySummary {
        StorySummary { article_ids: self.article_ids.clone(), copy_groups: self.copy_groups.clone(), ..self.card() }
    }

    /// The summary without the lists that grow with the story (see [`StorySummary`]).
    pub fn card(&self) -> StorySummary {
        let languages = by_count(self.languages.iter().map(|(l, n)| (*l, *n)));
        let dominant = languages.first().copied();
        let title = dominant.and_then(|l| self.representative_title(Some(l))).unwrap_or_default();
        let titles = if languages.len() > 1 {
            languages
                .iter()
                .filter_map(|l| self.representative_title(Some(*l)).map(|t| (l.code().to_string(), t)))
                .collect()
        } else {
            BTreeMap::new()
        };
        let keywords: Vec<String> = self
            .text
            .top(SUMMARY_KEYWORDS * 4)
            .into_iter()
            .filter_map(|(h, _)| self.labels.get(&h).cloned())
            .take(SUMMARY_KEYWORDS)
            .collect();
        let entities = self.entities();
        let keyphrases = keyphrases(&entities, &keywords);
        let summary = dominant.map(|l| self.summary_sentences(l)).unwrap_or_default();
        StorySummary {
            id: self.id,
            title,
            articles: self.article_ids.len(),
            unique_articles: self.article_ids.len() - self.copies,
            article_ids: Vec::new(),
            first_seen: self.first_seen,
            last_seen: self.last_seen,
            languages: languages.iter().map(|l| l.code().to_string()).collect(),
            sources: by_count(self.sources.iter().map(|(s, n)| (s.clone(), *n))),
            keywords,
            entities,
            copy_groups: Vec::new(),
            titles,
            keyphrases,
            summary,
            breaking_since: self.pace.since.and_then(Published::instant),
        }
    }

    /// The most salient entities, most salient first, each short form folded into the full
    /// name it stands for (see [`tidings_analyze::story_referents`]).
    fn entities(&self) -> Vec<StoryEntity> {
        let folded = self.folded_entities();
        let top = folded.iter().map(|(_, t, _)| t.salience).fold(f32::MIN_POSITIVE, f32::max);
        let articles = u32::try_from(self.article_ids.len()).unwrap_or(u32::MAX);
        let mut entities: Vec<StoryEntity> = folded
            .into_iter()
            .map(|(key, t, aliases)| StoryEntity {
                name: t.name,
                key: key.to_string(),
                kind: t.kind,
                // One article naming *Putin* and another *Vladimir Putin* are two; no
                // article counts twice, but the sum must not say more than the story has.
                mentions: t.mentions.min(articles.max(1)),
                salience: (f64::from(t.salience / top) * 1000.0).round() / 1000.0,
                aliases,
            })
            .collect();
        entities.sort_by(|a, b| {
            b.salience.total_cmp(&a.salience).then(b.mentions.cmp(&a.mentions)).then_with(|| a.key.cmp(&b.key))
        });
        entities.truncate(SUMMARY_ENTITIES);
        entities
    }

    /// The entity tallies with every short form added into its full name's: key, tally
    /// and the names folded in.
    fn folded_entities(&self) -> Vec<(&str, EntityTally, Vec<String>)> {
        let mut tallies: Vec<(&String, &EntityTally)> = self.entity_names.iter().collect();
        // Sorted so that a card reads the same whatever order the map iterates in.
        tallies.sort_by(|a, b| a.0.cmp(b.0));
        let names: Vec<(&str, &str, EntityKind)> =
            tallies.iter().map(|(key, t)| (key.as_str(), t.name.as_str(), t.kind)).collect();
        let referents = tidings_analyze::story_referents(&names);
        let mut folded: Vec<Option<(&str, EntityTally, Vec<String>)>> = tallies
            .iter()
            .zip(&referents)
            .map(|((key, t), to)| to.is_none().then(|| (key.as_str(), (*t).clone(), Vec::new())))
            .collect();
        for ((_, short), to) in tallies.iter().zip(&referents) {
            let Some(Some((_, full, aliases))) = to.map(|to| folded[to].as_mut()) else { continue };
            full.mentions += short.mentions;
            full.salience += short.salience;
            if !aliases.contains(&short.name) && short.name != full.name {
                aliases.push(short.name.clone());
            }
        }
        folded.into_iter().flatten().collect()
    }

    /// Up to [`SUMMARY_SENTENCES`] lead sentences in `lang`: greedily the one closest to the
    /// story's centroid that does not repeat a chosen one (maximal marginal relevance), then
    /// put back in the order the story told them.
    fn summary_sentences(&self, lang: Lang) -> Vec<String> {
        let mut ranked: Vec<(usize, f32)> = self
            .sentences
            .iter()
            .enumerate()
            .filter(|(_, (l, _))| *l == lang)
            .map(|(i, (_, s))| (i, self.centrality(&s.terms)))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut chosen: Vec<usize> = Vec::new();
        for (i, _) in ranked {
            let terms = &self.sentences[i].1.terms;
            if chosen.iter().all(|&c| overlap(terms, &self.sentences[c].1.terms) <= MAX_SENTENCE_OVERLAP) {
                chosen.push(i);
            }
            if chosen.len() == SUMMARY_SENTENCES {
                break;
            }
        }
        chosen.sort_unstable();
        chosen.into_iter().map(|i| self.sentences[i].1.text.clone()).collect()
    }

    /// The headline (in `lang`, if given) closest to the story's centroid: the one that
    /// says what most of the articles say. Ties go to the earliest.
    fn representative_title(&self, lang: Option<Lang>) -> Option<String> {
        let mut best: Option<(&str, f32)> = None;
        for c in self.titles.iter().filter(|c| lang.is_none_or(|l| c.lang == l)) {
            // A lead sentence standing in for a missing headline has no headline terms.
            let s = if c.terms.is_empty() { -1.0 } else { self.centrality(&c.terms) };
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((&c.title, s));
            }
        }
        best.map(|(t, _)| t.to_string()).or_else(|| lang.and_then(|_| self.representative_title(None)))
    }

    /// How much of the story's centroid a headline or sentence carries, per square root of
    /// its length (so that long texts do not win by length alone).
    fn centrality(&self, terms: &[u64]) -> f32 {
        let sum: f32 = terms.iter().map(|h| self.text.weight(*h)).sum();
        sum / (terms.len().max(1) as f32).sqrt()
    }
}

/// The share of the smaller sentence's words that the other one also has.
fn overlap(a: &[u64], b: &[u64]) -> f32 {
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared as f32 / a.len().min(b.len()).max(1) as f32
}

/// A story card's keyphrases: its most salient people, places and organisations, then its
/// heaviest terms that those names do not already say.
fn keyphrases(entities: &[StoryEntity], keywords: &[String]) -> Vec<String> {
    let mut out: Vec<String> = entities.iter().take(KEYPHRASE_NAMES).map(|e| e.name.clone()).collect();
    // Words the names already say, in any spelling (jurij for Juri Usjakov).
    let said: FxHashSet<String> = out
        .iter()
        .flat_map(|n| tidings_analyze::name_key(n).split(' ').map(String::from).collect::<Vec<_>>())
        .collect();
    for k in keywords {
        if out.len() == KEYPHRASES {
            break;
        }
        let key = tidings_analyze::word_key(k);
        let genitive = key.strip_suffix('s').is_some_and(|base| said.contains(base));
        if !said.contains(&key) && !genitive {
            out.push(k.clone());
        }
    }
    out
}

fn by_count<T: Ord + Clone>(items: impl Iterator<Item = (T, u32)>) -> Vec<T> {
    let mut v: Vec<(T, u32)> = items.collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.into_iter().map(|(s, _)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(text: &str, terms: &[u64]) -> LeadSentence {
        let mut terms = terms.to_vec();
        terms.sort_unstable();
        LeadSentence { text: text.into(), terms }
    }

    fn story() -> ActiveStory {
        let mut s = ActiveStory::new(1);
        // The story is about terms 1-6; 7-9 are side details.
        s.text.add(&vec![(1, 1.0), (2, 1.0), (3, 0.9), (4, 0.8), (5, 0.6), (6, 0.5), (7, 0.1), (8, 0.1)], 64, |_| {});
        s
    }

    fn entity(key: &str, salience: f32) -> tidings_analyze::Entity {
        tidings_analyze::Entity {
            text: key.to_string(),
            name: key.to_string(),
            key: key.to_string(),
            kind: EntityKind::Person,
            salience,
        }
    }

    fn record(s: &mut ActiveStory, id: &str, seq: u64, entities: &[tidings_analyze::Entity]) {
        let member = Member {
            id,
            title: "",
            title_terms: &[],
            published: None,
            lang: Lang::English,
            source: Some("wire"),
            entities,
            labels: &[],
        };
        s.record(member, seq);
    }

    #[test]
    fn a_card_counts_what_the_summary_lists_and_stays_small_as_the_story_grows() {
        let mut s = story();
        let main = entity("ola nordmann", 1.0);
        for i in 0..2000u64 {
            // Every article names the main person and someone in passing.
            record(&mut s, &format!("a{i}"), i, &[main.clone(), entity(&format!("passer-by {i}"), 0.1)]);
        }
        s.record_copy("a0", Some("wire"), "a1", Some("paper"));
        s.record_copy("a0", Some("wire"), "a2", Some("paper"));
        let (card, summary) = (s.card(), s.summary());
        assert_eq!((card.articles, card.unique_articles), (2000, 1998));
        assert_eq!((summary.articles, summary.unique_articles), (2000, 1998));
        assert_eq!(summary.article_ids.len(), 2000);
        assert_eq!(summary.copy_groups[0].copies, ["a1", "a2"]);
        assert!(card.article_ids.is_empty() && card.copy_groups.is_empty());
        assert_eq!(card.entities[0].name, "ola nordmann");
        assert_eq!(card.entities[0].mentions, 2000);
        assert!(s.entity_names.len() <= 2 * ENTITY_TALLIES, "{} tallies", s.entity_names.len());
    }

    #[test]
    fn a_card_names_each_person_once_with_the_short_forms_folded_in() {
        let mut s = story();
        let named = |text: &str, salience: f32| tidings_analyze::Entity {
            key: tidings_analyze::name_key(text),
            ..entity(text, salience)
        };
        record(&mut s, "a", 1, &[named("Vladimir Putin", 1.0), named("Erna Solberg", 0.5)]);
        record(&mut s, "b", 2, &[named("Putin", 1.0), named("Solberg", 0.5)]);
        record(&mut s, "c", 3, &[named("Putins", 0.5), named("Bjørn Solberg", 0.2)]);
        let card = s.card();
        let listed: Vec<(&str, u32, f64, Vec<&str>)> = card
            .entities
            .iter()
            .map(|e| (e.name.as_str(), e.mentions, e.salience, e.aliases.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            listed,
            [
                ("Vladimir Putin", 3, 1.0, vec!["Putin", "Putins"]),
                ("Erna Solberg", 1, 0.2, vec![]),
                ("Solberg", 1, 0.2, vec![]),
                ("Bjørn Solberg", 1, 0.08, vec![]),
            ]
        );
        let json = serde_json::to_value(&card.entities).unwrap_or_default();
        assert_eq!(json[0]["aliases"], serde_json::json!(["Putin", "Putins"]));
        assert!(json[1].get("aliases").is_none(), "no aliases, no field: {json}");
    }

    #[test]
    fn a_merged_story_s_articles_fall_into_stream_order() {
        let mut big = story();
        let mut small = ActiveStory::new(2);
        for (id, seq) in [("a", 1), ("b", 2), ("d", 4), ("f", 6)] {
            record(&mut big, id, seq, &[]);
        }
        for (id, seq) in [("c", 3), ("e", 5)] {
            record(&mut small, id, seq, &[]);
        }
        big.absorb(small, 64, |_| {});
        assert_eq!(big.article_ids, ["a", "b", "c", "d", "e", "f"]);
        assert_eq!(big.article_seqs, [1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn the_summary_says_the_story_once_in_its_language_and_order() {
        let mut s = story();
        s.languages.insert(Lang::Bokmal, 2);
        s.languages.insert(Lang::English, 1);
        s.offer_sentences(
            Lang::Bokmal,
            &[sentence("Ferja gikk på grunn.", &[1, 2, 3]), sentence("Været var fint.", &[7, 8])],
        );
        s.offer_sentences(Lang::English, &[sentence("The ferry ran aground.", &[1, 2, 3, 4])]);
        s.offer_sentences(
            Lang::Bokmal,
            &[
                sentence("Ferja gikk på grunn i natt.", &[1, 2, 3, 9]),
                sentence("Alle passasjerene ble evakuert.", &[4, 5, 6]),
            ],
        );
        let summary = s.summary_sentences(Lang::Bokmal);
        // The repeat of the first sentence is left out, the English one is not considered,
        // and the chosen sentences keep the order the story told them in.
        assert_eq!(summary, ["Ferja gikk på grunn.", "Været var fint.", "Alle passasjerene ble evakuert."]);
    }

    #[test]
    fn keyphrases_put_names_first_and_skip_what_they_already_say() {
        let entity = |name: &str, kind| StoryEntity {
            name: name.into(),
            key: tidings_analyze::name_key(name),
            kind,
            mentions: 1,
            salience: 1.0,
            aliases: Vec::new(),
        };
        let entities = [entity("Juri Usjakov", EntityKind::Person), entity("Vladivostok", EntityKind::Place)];
        let keywords: Vec<String> = ["jurij", "toppmøte", "vladivostoks", "atomprogram"].map(String::from).to_vec();
        assert_eq!(keyphrases(&entities, &keywords), ["Juri Usjakov", "Vladivostok", "toppmøte", "atomprogram"]);
    }
}
