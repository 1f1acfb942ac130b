//! The online clusterer: articles in publication order, each joining the most similar
//! active story or starting a new one.

use rustc_hash::{FxHashMap, FxHashSet};
use tidings_analyze::{Analysis, Lang, Term};
use tidings_article::{Precision, Published};

use crate::breaking::StreamPace;
use crate::config::ClusterConfig;
use crate::posting::{Postings, StoryId};
use crate::semantic::Background;
use crate::story::{ActiveStory, Member, StorySummary};
use crate::tempo::StreamTempo;
use crate::vector::{DocumentFrequencies, Sparse, weighted};

/// Stories are checked for expiry every this many articles.
const EXPIRY_INTERVAL: u64 = 1024;
/// Feature counts are halved once either holds more features than this (about 9 MB
/// each), so that a stream of any length (`tidings watch` for months) keeps them bounded.
/// Large enough that benchmark-sized streams rarely reach it: each halving costs a
/// little (synthetic 200k full text with a cap of 200,000: BCubed 0.9938 -> 0.9930).
const MAX_COUNTED_FEATURES: usize = 500_000;
/// At most this many entity keys of an article are used to look up candidates.
const QUERY_ENTITIES: usize = 12;
/// Time differences below this are noise (time zones, a night's sleep).
const GRACE_SECONDS: i64 = 24 * 3600;

/// What the clusterer needs to know about one article.
pub struct StoryDoc<'a> {
    pub id: &'a str,
    /// The headline, or a lead sentence where there is none (for story titles).
    pub title: &'a str,
    pub published: Option<Published>,
    pub source: Option<&'a str>,
    pub analysis: &'a Analysis,
}

/// The original of a copy: its id, outlet and story.
pub struct Original<'a> {
    pub id: &'a str,
    pub source: Option<&'a str>,
    pub story: StoryId,
}

/// Where an article went.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assignment {
    pub story: StoryId,
    /// Similarity to the story it joined (0 for a story's first article).
    pub similarity: f32,
    pub new_story: bool,
}

/// A story started by an article that was close enough to join `parent` but atypical of
/// it; see [`Clusterer::settle`].
struct Tentative {
    story: StoryId,
    parent: StoryId,
    /// The article's similarity to the parent before it was halved.
    similarity: f32,
}

/// Articles moved by [`Clusterer::settle`]: every article of story `from` now belongs to
/// story `to`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Move {
    pub from: StoryId,
    pub to: StoryId,
    /// What stands for the first article's similarity to `to`: the lonely article's own
    /// similarity before halving, or, for a parallel story, the mean cosine across.
    pub similarity: f32,
}

/// Clusters a stream of analyzed articles into stories. Deterministic: the same articles
/// in the same order give the same stories. Serializable, so that a store can stop and
/// resume the stream exactly where it was.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Clusterer {
    config: ClusterConfig,
    /// Articles per feature.
    df: DocumentFrequencies,
    /// Stories per feature: a feature counts once per story whose centroid it enters.
    story_df: DocumentFrequencies,
    postings: Postings,
    active: FxHashMap<StoryId, ActiveStory>,
    finished: Vec<StorySummary>,
    next_id: StoryId,
    seq: u64,
    latest: Option<i64>,
    retired_since_sweep: usize,
    /// The first story created since the last [`Clusterer::settle`].
    fresh_from: StoryId,
    /// Where the articles of merged stories went, and when (the article count), while that
    /// story is active and for `merge_memory` articles: dedup still names a merged story as
    /// the story of its originals.
    merged_into: FxHashMap<StoryId, (StoryId, u64)>,
    /// Stories started by an atypical article since the last [`Clusterer::settle`]. Always
    /// empty between batches, which is when the clusterer is saved.
    #[serde(skip)]
    tentative: Vec<Tentative>,
    /// Parallel stories merged since the last [`Clusterer::settle`] (see `merge_twins`).
    #[serde(skip)]
    early: Vec<Move>,
    /// How fast the stream's new stories grow: the baseline of breaking news.
    stream_pace: StreamPace,
    /// The stream's usual gap between a story's reports.
    stream_tempo: StreamTempo,
    /// What each language's semantic vectors have in common.
    background: Background,
    /// Active stories that are breaking.
    breaking: FxHashSet<StoryId>,
    /// Stories that stopped breaking at the last [`Clusterer::settle`].
    #[serde(skip)]
    calmed: Vec<StoryId>,
    /// Stories that began to break since the last [`Clusterer::take_broken`].
    #[serde(skip)]
    broke: Vec<StoryId>,
}

impl Clusterer {
    pub fn new(config: ClusterConfig) -> Self {
        Self {
            config,
            df: DocumentFrequencies::default(),
            story_df: DocumentFrequencies::default(),
            postings: Postings::default(),
            active: FxHashMap::default(),
            finished: Vec::new(),
            next_id: 0,
            seq: 0,
            latest: None,
            retired_since_sweep: 0,
            fresh_from: 0,
            merged_into: FxHashMap::default(),
            tentative: Vec::new(),
            early: Vec::new(),
            stream_pace: StreamPace::default(),
            stream_tempo: StreamTempo::default(),
            background: Background::default(),
            breaking: FxHashSet::default(),
            calmed: Vec::new(),
            broke: Vec::new(),
        }
    }

    /// Short texts (headlines) share fewer words with anything, so their cosines run
    /// lower: the bar scales with the square root of the number of features.
    fn threshold_for(&self, text: &Sparse) -> f32 {
        let c = &self.config;
        let scale = (text.len() as f32 / c.full_text_features as f32).sqrt();
        c.threshold * scale.clamp(c.min_threshold_scale, 1.0)
    }

    /// Counts an article's features in the document frequencies. The pipeline observes a
    /// whole batch before clustering it, so that IDF weights rest on more than the few
    /// articles before the first ones of a stream.
    pub fn observe(&mut self, a: &Analysis) {
        self.df.add_document(a.title_terms.iter().chain(&a.body_terms).chain(&a.entity_terms).map(|t| &t.hash));
        self.background.observe(a.lang, &a.embedding);
    }

    /// Assigns one article to a story.
    pub fn add(&mut self, doc: &StoryDoc<'_>) -> Assignment {
        self.seq += 1;
        let (text, entities, query) = self.vectors(doc.analysis);
        let semantic = self.background.centred(doc.analysis.lang, &doc.analysis.embedding);
        let bar = self.threshold_for(&text);
        let probe = Probe {
            text: &text,
            entities: &entities,
            published: doc.published,
            lang: doc.analysis.lang,
            semantic: &semantic,
        };
        let found = self.best_story(&query, &probe);
        let assignment = match found.best {
            Some((story, similarity)) if similarity >= bar => Assignment { story, similarity, new_story: false },
            _ => {
                let story = self.next_id;
                self.next_id += 1;
                self.story_df.add_empty_document();
                self.active.insert(story, ActiveStory::new(story));
                self.postings.open(story);
                if let Some((parent, similarity)) = found.atypical.filter(|(_, sim)| *sim >= bar) {
                    self.tentative.push(Tentative { story, parent, similarity });
                }
                Assignment { story, similarity: 0.0, new_story: true }
            }
        };
        self.join(assignment.story, doc, &probe, &query);
        self.track_pace(assignment.story, doc, true, assignment.new_story);
        if !assignment.new_story
            && let Some((second, sim)) = found.runner_up
            && sim >= bar
        {
            self.merge_twins(assignment.story, second);
        }
        self.after_article(doc);
        assignment
    }

    /// The article's word and entity vectors, and the features it looks up stories by.
    fn vectors(&self, a: &Analysis) -> (Sparse, Sparse, Vec<(u64, f32)>) {
        let df = self.rarity();
        let text = weighted(&[(&a.title_terms, self.config.title_boost), (&a.body_terms, 1.0)], df);
        let names = self.title_case_names(a);
        let entities = weighted(&[(&a.entity_terms, 1.0), (&names, 1.0)], df);
        let query = query_terms(&text, &entities, self.config.query_terms);
        (text, entities, query)
    }

    /// The words of a title-case headline that earlier articles named as entities
    /// (`title_case_name_evidence` of them at least): in *Japan Says Bitcoin Not Currency* the capitals
    /// cannot tell *Bitcoin* from *Currency*, but the stream can.
    fn title_case_names(&self, a: &Analysis) -> Vec<Term> {
        let min = self.config.title_case_name_evidence;
        a.title_case_names
            .iter()
            .filter(|&&h| self.df.count(h) >= min && a.entity_terms.binary_search_by_key(&h, |t| t.hash).is_err())
            .map(|&hash| Term { hash, weight: 1.0 })
            .collect()
    }

    /// Moves the stream's clock and retires idle stories now and then.
    fn after_article(&mut self, doc: &StoryDoc<'_>) {
        if let Some(p) = doc.published {
            self.latest = Some(self.latest.map_or(p.seconds(), |l| l.max(p.seconds())));
        }
        if self.seq.is_multiple_of(EXPIRY_INTERVAL) {
            self.expire();
            for counts in [&mut self.df, &mut self.story_df] {
                if counts.features() > MAX_COUNTED_FEATURES {
                    counts.halve();
                }
            }
        }
    }

    /// Places a copy (as found by dedup) in the story of its original without a
    /// similarity search. Each text counts once: the copy is listed with the story and its
    /// outlet counted, but it does not move the centroid (twenty copies of a wire text
    /// would otherwise pull the story towards every article with the wire's words). A copy
    /// of an article whose story was merged goes where the merge took it. If the original's
    /// story has retired, the copy is clustered like any article.
    pub fn add_copy(&mut self, doc: &StoryDoc<'_>, original: &Original<'_>, similarity: f32) -> Assignment {
        let id = self.resolve(original.story);
        let Some(story) = self.active.get_mut(&id) else {
            return self.add(doc);
        };
        self.seq += 1;
        story.record(member(doc), self.seq);
        story.record_copy(original.id, original.source, doc.id, doc.source);
        self.track_pace(id, doc, false, false);
        self.after_article(doc);
        Assignment { story: id, similarity, new_story: false }
    }

    /// Ends a batch: decides the stories that atypical articles started, then merges each
    /// story begun in the batch that parallels another. Returns the articles' moves.
    ///
    /// The pipeline calls this at the end of every batch, before it writes the batch's
    /// assignments: only stories whose articles are all still unwritten can move.
    pub fn settle(&mut self) -> Vec<Move> {
        let tentative = std::mem::take(&mut self.tentative);
        let mut moves = std::mem::take(&mut self.early);
        moves.extend(tentative.into_iter().filter_map(|t| self.dissolve(t)));
        for id in self.fresh_from..self.next_id {
            moves.extend(self.merge_parallel(id));
        }
        self.fresh_from = self.next_id;
        self.calm_down();
        moves
    }

    /// Adds a dated article to its story's pace and decides whether the story breaks.
    /// Only exact times count: a day's date cannot tell an hour's surge.
    fn track_pace(&mut self, id: StoryId, doc: &StoryDoc<'_>, unique: bool, new_story: bool) {
        let Some(at) = doc.published.filter(|p| p.precision == Precision::Instant).map(|p| p.seconds()) else {
            return;
        };
        let Some(story) = self.active.get_mut(&id) else { return };
        match story.pace.first() {
            None => self.stream_pace.story_began(),
            Some(first) if unique && !new_story => self.stream_pace.joined(at - first),
            Some(_) => {}
        }
        story.pace.record(at, doc.source, unique);
        if unique
            && let Some(p) = doc.published
            && let Some(gap) = story.tempo.record(p.at.as_millisecond())
            && !new_story
        {
            self.stream_tempo.joined(gap);
        }
        let changed = story.pace.assess(self.latest.map_or(at, |l| l.max(at)), &self.stream_pace);
        if story.pace.since.is_some() {
            if changed {
                self.broke.push(id);
            }
            self.breaking.insert(id);
        } else {
            self.breaking.remove(&id);
        }
    }

    /// Lets the breaking stories whose surge has passed by the stream's clock calm down
    /// (see [`Clusterer::calmed`]).
    fn calm_down(&mut self) {
        self.calmed.clear();
        let Some(now) = self.latest else { return };
        let mut ids: Vec<StoryId> = self.breaking.iter().copied().collect();
        ids.sort_unstable();
        for id in ids {
            let still = match self.active.get_mut(&id) {
                Some(story) => {
                    story.pace.assess(now, &self.stream_pace);
                    story.pace.since.is_some()
                }
                None => false,
            };
            if !still {
                self.breaking.remove(&id);
                self.calmed.push(id);
            }
        }
    }

    /// The stories that began to break since the last call (a story merged away since
    /// may be among them; the caller skips those it has no card for).
    pub fn take_broken(&mut self) -> Vec<StoryId> {
        std::mem::take(&mut self.broke)
    }

    /// The stories that stopped breaking at the last [`Clusterer::settle`]: their cards
    /// changed though no article joined them.
    pub fn calmed(&self) -> &[StoryId] {
        &self.calmed
    }

    /// A story started by an atypical article that got a second report is another event,
    /// and stays. One that did not was an outlier of the story it was close to (an analysis
    /// piece, a report with an unusual angle): its article moves there, as it would have
    /// without the atypicality test, which otherwise left such outliers as stories of one.
    fn dissolve(&mut self, t: Tentative) -> Option<Move> {
        let alone = self.active.get(&t.story).is_some_and(|s| s.text.members() == 1);
        (alone && self.merge_into(t.story, t.parent)).then_some(Move {
            from: t.story,
            to: t.parent,
            similarity: t.similarity,
        })
    }

    /// Merges a story into the active story in its language whose articles are, on
    /// average, nearly as alike to its own as each story's articles are to each other
    /// (group-average linkage: the mean cosine across the two stories against the
    /// geometric mean of their cohesions, discounted for time as an article's similarity
    /// is). An online clusterer starts such parallel stories when a story's first reports
    /// miss each other (a tribute to a climber and the rescue report of his fall) and later
    /// reports then split between them. Other events of the same kind, however close, are
    /// less alike across than within. Stories in several languages are left alone: their
    /// cohesion is low because their languages share few words, which would make any
    /// neighbour look alike.
    fn merge_parallel(&mut self, id: StoryId) -> Option<Move> {
        let story = self.active.get(&id)?;
        let text = story.text.top(self.config.query_terms);
        let query = query_terms(&text, &story.entities.top(QUERY_ENTITIES), self.config.query_terms);
        let mut best: Option<(StoryId, (f32, f32))> = None;
        for other in self.candidates(&query).into_iter().filter(|&o| o != id) {
            let Some(link) = self.linkage(id, other) else { continue };
            if best.is_none_or(|(b, (l, _))| better((other, link.0), (b, l))) {
                best = Some((other, link));
            }
        }
        let (to, link) = best?;
        self.merge_if_parallel(id, to, link)
    }

    /// Merges `from` into `to` if their linkage (with the mean cosine across) reaches the bar.
    fn merge_if_parallel(&mut self, from: StoryId, to: StoryId, (linkage, across): (f32, f32)) -> Option<Move> {
        (linkage >= self.config.merge_linkage && self.merge_into(from, to)).then_some(Move {
            from,
            to,
            similarity: across,
        })
    }

    /// Two active stories in one language: their group-average linkage and the mean
    /// cosine across them (discounted for the time between them).
    fn linkage(&self, a: StoryId, b: StoryId) -> Option<(f32, f32)> {
        let (a, b) = (self.active.get(&a)?, self.active.get(&b)?);
        let lang = a.sole_language()?;
        let cohesion = (a.text.cohesion()? * b.text.cohesion().filter(|_| b.only_in(lang))?).sqrt();
        let across = a.text.mean_cosine_with(&b.text)
            * self.time_factor(b, a.first_seen)
            * self.tempo_prior(b, a.first_seen).min(1.0);
        Some((across / cohesion.max(f32::MIN_POSITIVE), across))
    }

    /// When an article cleared the bar for two stories and one of them began in this
    /// batch, checks at once whether they are parallel: merged early, they grow as one,
    /// and the merged story is big enough sooner to turn away reports of a similar event.
    fn merge_twins(&mut self, joined: StoryId, runner_up: StoryId) {
        let (from, to) = if joined >= self.fresh_from { (joined, runner_up) } else { (runner_up, joined) };
        if from < self.fresh_from {
            return;
        }
        if let Some(link) = self.linkage(from, to)
            && let Some(merge) = self.merge_if_parallel(from, to, link)
        {
            self.early.push(merge);
        }
    }

    /// Moves story `from` into story `to`: its articles, vectors, story counts (counted
    /// once for the merged story) and postings. False if either is not active.
    fn merge_into(&mut self, from: StoryId, to: StoryId) -> bool {
        if from == to || !self.active.contains_key(&to) {
            return false;
        }
        let Some(merged) = self.active.remove(&from) else { return false };
        self.postings.close(from);
        self.story_df.remove_document(merged.text.features().chain(merged.entities.features()));
        let (max_terms, story_df) = (self.config.centroid_terms, &mut self.story_df);
        let Some(story) = self.active.get_mut(&to) else { return false };
        for &hash in &merged.indexed {
            if story.indexed.insert(hash) {
                self.postings.add(hash, to);
            }
        }
        story.absorb(merged, max_terms, |h| story_df.add_feature(h));
        self.breaking.remove(&from);
        if story.pace.since.is_some() {
            self.breaking.insert(to);
        }
        // Stories merged into `from` earlier now lead to `to` through it.
        self.merged_into.insert(from, (to, self.seq));
        true
    }

    /// The story that a story's articles are in now: itself, or where merges took them.
    /// Merged stories never come back, so the chain ends.
    fn resolve(&self, mut story: StoryId) -> StoryId {
        while let Some(&(to, _)) = self.merged_into.get(&story) {
            story = to;
        }
        story
    }

    /// Follows each remembered merge to where it ends (so chains stay one step long), and
    /// forgets it once that story has retired or the merge is older than `merge_memory`.
    fn forget_merges(&mut self) {
        let since = self.seq.saturating_sub(self.config.merge_memory);
        let merged: Vec<(StoryId, (StoryId, u64))> =
            self.merged_into.iter().map(|(&from, &(_, at))| (from, (self.resolve(from), at))).collect();
        let active = &self.active;
        self.merged_into = merged.into_iter().filter(|(_, (to, at))| *at >= since && active.contains_key(to)).collect();
    }

    /// Summaries of all stories, in order of creation. Ends the stream.
    pub fn finish(mut self) -> Vec<StorySummary> {
        self.settle();
        let mut rest: Vec<ActiveStory> = self.active.drain().map(|(_, s)| s).collect();
        rest.sort_by_key(|s| s.id);
        self.finished.extend(rest.into_iter().map(|s| s.summary()));
        self.finished.sort_by_key(|s| s.id);
        self.finished
    }

    /// Stories that stopped taking articles since the last call, for streaming output.
    pub fn take_finished(&mut self) -> Vec<StorySummary> {
        std::mem::take(&mut self.finished)
    }

    /// The current card of an active story (`None` once it has retired): its summary
    /// without the lists that grow with it.
    pub fn story_card(&self, id: StoryId) -> Option<StorySummary> {
        self.active.get(&id).map(ActiveStory::card)
    }

    pub fn active_stories(&self) -> usize {
        self.active.len()
    }

    /// The candidate stories sharing the article's heaviest features, scored exactly.
    fn best_story(&mut self, query: &[(u64, f32)], probe: &Probe<'_>) -> Found {
        let mut found = Found::default();
        for id in self.candidates(query) {
            let story = &self.active[&id];
            let (sim, atypical) = self.similarity(story, probe);
            if found.best.is_none_or(|best| better((id, sim), best)) {
                found.runner_up = found.best.replace((id, sim));
            } else if found.runner_up.is_none_or(|second| better((id, sim), second)) {
                found.runner_up = Some((id, sim));
            }
            if atypical && found.atypical.is_none_or(|best| better((id, 2.0 * sim), best)) {
                found.atypical = Some((id, 2.0 * sim));
            }
        }
        found
    }

    /// The active stories with the most weight of the query's features (those in posting
    /// lists short enough to be telling), at most `candidates` of them.
    fn candidates(&mut self, query: &[(u64, f32)]) -> Vec<StoryId> {
        let mut ranked = self.postings.tally(query, self.config.max_posting_len);
        let order = |a: &(StoryId, f32), b: &(StoryId, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if ranked.len() > self.config.candidates {
            ranked.select_nth_unstable_by(self.config.candidates, order);
            ranked.truncate(self.config.candidates);
        }
        ranked.into_iter().map(|(id, _)| id).collect()
    }

    /// Word cosine, plus a bonus for shared names where both sides name someone (a
    /// missing name is weak evidence, a shared one strong) and one for semantic
    /// closeness where there is a model, halved for an atypical article, discounted by
    /// the time between the article and the story. Also says whether it was halved.
    fn similarity(&self, story: &ActiveStory, probe: &Probe<'_>) -> (f32, bool) {
        let c = &self.config;
        let &Probe { text, entities, published, lang, semantic } = probe;
        let dot = story.text.dot(text);
        let mut sim = story.text.cosine_from_dot(dot);
        if !entities.is_empty() && !story.entities.is_empty() {
            sim += c.entity_weight * story.entities.cosine(entities);
        }
        if !story.has_language(lang) {
            sim += self.semantic_bonus(story, semantic);
        }
        let atypical = self.atypical(story, text, dot, lang);
        if atypical {
            sim *= 0.5;
        }
        (sim * self.time_factor(story, published) * self.tempo_prior(story, published), atypical)
    }

    /// Whether a full-text article is further from a settled story's members than they
    /// are from each other. A centroid blurs what its members share with what only some
    /// of them say, so a report of a *similar* event (the same boxer, another fight) can
    /// sit as close to it as the story's own reports; their mean distance to the members
    /// tells them apart (ECB+, where each topic holds two such events: BCubed F1 0.854 ->
    /// 0.904, precision 0.761 -> 0.896). Small stories are exempt because a few pairs say
    /// little about how alike a story's reports are; headlines, because two headlines of
    /// one story often share a word or two and no more (on UCI headlines the test only
    /// split stories); and articles in another language than the story's, whose words
    /// cannot be as close to the members as theirs are to each other (names carry them).
    fn atypical(&self, story: &ActiveStory, text: &Sparse, dot: f32, lang: Lang) -> bool {
        let c = &self.config;
        if text.len() < c.full_text_features || story.text.members() < c.settled_story || !story.only_in(lang) {
            return false;
        }
        story.text.cohesion().is_some_and(|cohesion| story.text.mean_cosine(dot) < c.typicality * cohesion)
    }

    /// Halves the similarity for every `half_life` by which the article lies outside the
    /// story's time span (beyond a day's grace). A date given only as a day or a month
    /// stands for the whole day or month: `2019-04` may be any time in April.
    fn time_factor(&self, story: &ActiveStory, published: Option<Published>) -> f32 {
        let (Some(p), Some(first), Some(last)) = (published, story.first_seen, story.last_seen) else {
            return 1.0;
        };
        let (a_start, a_end) = (p.seconds(), p.seconds() + uncertainty(p));
        let (s_start, s_end) = (first.seconds(), last.seconds() + uncertainty(last));
        let gap = (a_start - s_end).max(s_start - a_end).max(0);
        let excess = (gap - GRACE_SECONDS).max(0) as f64;
        0.5f64.powf(excess / self.config.half_life_seconds) as f32
    }

    /// The semantic model's say, for an article in a language the story has no article
    /// in: the cosine of their vectors above what unrelated articles reach, weighed (0
    /// without a model). Within a language the words say it better: a static model
    /// cannot tell two similar events apart (ECB+ fell from 0.928 to 0.86-0.90 with the
    /// bonus there too), but across languages, where shared words are few, it carries
    /// paraphrase and translation.
    fn semantic_bonus(&self, story: &ActiveStory, semantic: &[f32]) -> f32 {
        let c = &self.config;
        c.semantic_weight * (story.semantic_cosine(semantic) - c.semantic_floor).max(0.0)
    }

    /// The time prior of the story's tempo (see `tempo.rs`); 1 for an article without an
    /// exact time.
    fn tempo_prior(&self, story: &ActiveStory, published: Option<Published>) -> f32 {
        match published {
            Some(p) if p.precision == Precision::Instant => {
                story.tempo.prior(p.at.as_millisecond(), self.stream_tempo.typical_gap())
            }
            _ => 1.0,
        }
    }

    /// The counts that weigh a feature by its rarity. What tells stories apart is how
    /// many *stories* use a word, not how many articles: a big story's own words (*Titanfall*
    /// in 150 headlines) are common among articles but belong to one story, and weighing
    /// them down by article counts made the biggest stories the hardest to join (UCI
    /// headlines: BCubed F1 0.735 -> 0.796). Story counts mean little while there are
    /// few stories, so article counts stand in until there are enough.
    fn rarity(&self) -> &DocumentFrequencies {
        if self.story_df.docs() >= self.config.story_rarity_after { &self.story_df } else { &self.df }
    }

    fn join(&mut self, id: StoryId, doc: &StoryDoc<'_>, probe: &Probe<'_>, query: &[(u64, f32)]) {
        let &Probe { text, entities, semantic, .. } = probe;
        let max_terms = self.config.centroid_terms;
        let Some(story) = self.active.get_mut(&id) else { return };
        let sdf = &mut self.story_df;
        story.text.add(text, max_terms, |h| sdf.add_feature(h));
        story.entities.add(entities, max_terms, |h| sdf.add_feature(h));
        story.offer_sentences(doc.analysis.lang, &doc.analysis.lead_sentences);
        story.add_semantic(semantic);
        for &(hash, _) in query {
            if story.indexed.insert(hash) {
                self.postings.add(hash, id);
            }
        }
        story.record(member(doc), self.seq);
    }

    /// Retires stories idle for longer than the window, so that the work per article
    /// stays flat however long the stream is.
    fn expire(&mut self) {
        let (seq, window_articles) = (self.seq, self.config.window_articles);
        let cutoff = self.latest.map(|l| l - self.config.window_seconds);
        let expired: Vec<StoryId> = self
            .active
            .values()
            .filter(|s| {
                let idle_articles = seq - s.last_seq > window_articles;
                let idle_time = matches!((cutoff, s.last_seen), (Some(c), Some(l)) if l.seconds() < c);
                idle_articles || idle_time
            })
            .map(|s| s.id)
            .collect();
        if expired.is_empty() {
            return;
        }
        let mut expired_stories: Vec<ActiveStory> = expired.iter().filter_map(|id| self.active.remove(id)).collect();
        for story in &mut expired_stories {
            // A story that takes no more articles breaks no more.
            story.pace.since = None;
            self.breaking.remove(&story.id);
        }
        expired.iter().for_each(|&id| self.postings.close(id));
        expired_stories.sort_by_key(|s| s.id);
        self.finished.extend(expired_stories.into_iter().map(|s| s.summary()));
        self.forget_merges();
        // Lookups skip retired stories anyway; sweeping their postings is only for memory,
        // so it waits until they could be a good part of the index.
        self.retired_since_sweep += expired.len();
        if self.retired_since_sweep * 2 > self.active.len() {
            self.postings.sweep();
            self.retired_since_sweep = 0;
        }
    }
}

/// What an article brings to the comparison with a story.
struct Probe<'a> {
    text: &'a Sparse,
    entities: &'a Sparse,
    published: Option<Published>,
    lang: Lang,
    /// Its semantic vector (empty without a model).
    semantic: &'a [f32],
}

/// The outcome of a candidate search: the most similar story, and the most similar of
/// those whose similarity was halved because the article is atypical of them (with the
/// similarity before halving).
#[derive(Default)]
struct Found {
    best: Option<(StoryId, f32)>,
    /// The second most similar story.
    runner_up: Option<(StoryId, f32)>,
    atypical: Option<(StoryId, f32)>,
}

/// Whether a candidate beats the best so far: higher similarity, ties to the older story.
fn better((id, sim): (StoryId, f32), (best_id, best): (StoryId, f32)) -> bool {
    sim > best || (sim == best && id < best_id)
}

/// What a story keeps of an article.
fn member<'a>(doc: &StoryDoc<'a>) -> Member<'a> {
    Member {
        id: doc.id,
        title: doc.title,
        title_terms: &doc.analysis.title_terms,
        published: doc.published,
        lang: doc.analysis.lang,
        source: doc.source,
        entities: &doc.analysis.entities,
        labels: &doc.analysis.top_terms,
    }
}

/// How long after its start a date may really be: a month-only date, up to a month.
fn uncertainty(p: Published) -> i64 {
    match p.precision {
        Precision::Month => 31 * 24 * 3600,
        Precision::Day => 24 * 3600,
        Precision::Instant => 0,
    }
}

/// The article's heaviest word features plus its entity keys.
fn query_terms(text: &Sparse, entities: &Sparse, n: usize) -> Vec<(u64, f32)> {
    let mut top: Vec<(u64, f32)> = text.clone();
    top.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(n);
    let mut ents: Vec<(u64, f32)> = entities.clone();
    ents.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    top.extend(ents.into_iter().take(QUERY_ENTITIES));
    top
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tidings_analyze::Analyzer;
    use tidings_article::{Article, Origin, parse_published};

    struct Stream {
        analyzer: Analyzer,
        clusterer: Clusterer,
    }

    impl Stream {
        fn new(config: ClusterConfig) -> Self {
            Self { analyzer: Analyzer::new(), clusterer: Clusterer::new(config) }
        }

        fn add(&mut self, id: &str, date: &str, title: &str, text: &str) -> Assignment {
            self.add_in("nb", id, date, title, text)
        }

        fn add_in(&mut self, lang: &str, id: &str, date: &str, title: &str, text: &str) -> Assignment {
            let article = article(id, date, title, text, Some(lang), Some("test"));
            let analysis = self.analyzer.analyze(&article);
            self.clusterer.observe(&analysis);
            let doc = StoryDoc { id, title, published: article.published, source: Some("test"), analysis: &analysis };
            self.clusterer.add(&doc)
        }
    }

    fn article(id: &str, date: &str, title: &str, text: &str, lang: Option<&str>, source: Option<&str>) -> Article {
        Article {
            id: id.into(),
            published: parse_published(date),
            title: title.into(),
            text: text.into(),
            lang: lang.map(Into::into),
            source: source.map(Into::into),
            url: None,
            section: None,
            origin: Origin::new(Arc::from("t"), None),
        }
    }

    const FERRY: &str = "Ferja «Landegode» gikk på grunn ved Kjerringøy nord for Bodø. Det var 42 passasjerer om bord, og ingen ble skadd.";
    const FERRY_AGAIN: &str =
        "Alle de 42 passasjerene på ferja «Landegode» er tatt i land på Kjerringøy etter grunnstøtingen nord for Bodø.";
    const STORM: &str =
        "Ekstremværet «Gisle» ga vindkast på 44 meter per sekund i Bergen, og 20 000 kunder mistet strømmen.";

    #[test]
    fn title_case_words_count_as_names_once_the_stream_has_named_them() {
        let mut s = Stream::new(ClusterConfig::default());
        let headline = |title: &str| s.analyzer.analyze(&article("h", "", title, "", Some("en"), None));
        let title_case = headline("Karpeles Denies Claims Made By Hackers");
        assert!(!title_case.title_case_names.is_empty());
        assert!(s.clusterer.title_case_names(&title_case).is_empty(), "nothing named yet");
        for (i, title) in [
            "Hackers say Mt. Gox chief Karpeles kept the coins",
            "Documents suggest Karpeles still holds bitcoins",
            "Tokyo court hears from Karpeles on missing coins",
        ]
        .into_iter()
        .enumerate()
        {
            s.add_in("en", &format!("s{i}"), "", title, "");
        }
        let names = s.clusterer.title_case_names(&title_case);
        assert_eq!(names.len(), 1, "Karpeles, named three times; not Denies, Claims or Hackers");
        let plain = s.clusterer.vectors(&title_case).1;
        assert!(plain.iter().any(|(h, _)| *h == names[0].hash), "the name is an entity feature");
    }

    #[test]
    fn similar_articles_join_and_different_ones_start_stories() {
        let mut s = Stream::new(ClusterConfig::default());
        let a = s.add("a", "2019-04-09T07:00:00Z", "Ferje på grunn ved Bodø", FERRY);
        let b = s.add("b", "2019-04-09T09:00:00Z", "Passasjerene tatt i land", FERRY_AGAIN);
        let c = s.add("c", "2019-04-09T10:00:00Z", "Storm i Bergen", STORM);
        assert!(a.new_story && !b.new_story && c.new_story);
        assert_eq!(a.story, b.story);
        assert_ne!(a.story, c.story);
        assert!(b.similarity > 0.3);
        let stories = s.clusterer.finish();
        assert_eq!(stories.len(), 2);
        assert_eq!(stories[0].article_ids, ["a", "b"]);
        assert!(stories[0].keywords.iter().any(|k| k.contains("landegode")), "{:?}", stories[0].keywords);
    }

    #[test]
    fn a_long_gap_starts_a_new_story_but_a_month_date_spans_its_month() {
        let mut s = Stream::new(ClusterConfig::default());
        let a = s.add("a", "2019-02-09T07:00:00Z", "Ferje på grunn ved Bodø", FERRY);
        let b = s.add("b", "2019-04-09T09:00:00Z", "Passasjerene tatt i land", FERRY_AGAIN);
        assert_ne!(a.story, b.story, "two months apart");
        let c = s.add("c", "2019-04", "", FERRY);
        assert_eq!(c.story, b.story, "April may be the 9th");
    }

    #[test]
    fn a_story_reported_seconds_apart_does_not_take_the_same_news_hours_later_but_a_slow_one_does() {
        let mut s = Stream::new(ClusterConfig::default());
        let burst: Vec<Assignment> = (0..3)
            .map(|i| {
                s.add(&format!("b{i}"), &format!("2019-04-09T07:00:0{}Z", 2 * i), "Ferje på grunn ved Bodø", FERRY)
            })
            .collect();
        assert!(burst.iter().all(|a| a.story == burst[0].story));
        let later = s.add("later", "2019-04-09T09:00:00Z", "Passasjerene tatt i land", FERRY_AGAIN);
        assert!(later.new_story, "two hours are hundreds of the story's gaps");

        let mut s = Stream::new(ClusterConfig::default());
        let hourly: Vec<Assignment> = ["07", "08", "09"]
            .iter()
            .map(|h| s.add(h, &format!("2019-04-09T{h}:00:00Z"), "Ferje på grunn ved Bodø", FERRY))
            .collect();
        assert!(hourly.iter().all(|a| a.story == hourly[0].story));
        let later = s.add("later", "2019-04-09T11:00:00Z", "Passasjerene tatt i land", FERRY_AGAIN);
        assert_eq!(later.story, hourly[0].story, "two hours are two of this story's gaps");
    }

    /// Adds an article with a semantic vector of our choosing (what a model would give).
    fn add_with_vector(s: &mut Stream, lang: &str, id: &str, title: &str, text: &str, v: &[f32]) -> Assignment {
        let article = article(id, "", title, text, Some(lang), Some("test"));
        let mut analysis = s.analyzer.analyze(&article);
        analysis.embedding = v.to_vec();
        s.clusterer.observe(&analysis);
        let doc = StoryDoc { id, title, published: None, source: Some("test"), analysis: &analysis };
        s.clusterer.add(&doc)
    }

    #[test]
    fn semantic_vectors_carry_a_story_across_languages_but_not_within_one() {
        // The ferry story leans on the second axis whatever the language; background
        // articles give each language a mean to remove.
        let (ferry, other) = ([0.5, 0.8, 0.1, 0.0], [0.5, 0.0, 0.1, 0.8]);
        let started = || {
            let mut s = Stream::new(ClusterConfig::default());
            let background = [
                ("nb", "Nytt budsjett", "Regjeringen la fram forslaget til statsbudsjett for neste år i dag."),
                ("en", "Budget day", "The government presented its budget proposal for the coming year today."),
                ("nb", "Streik i skolen", "Lærerne i flere kommuner gikk ut i streik for høyere lønn i morges."),
                ("en", "Teachers strike", "Teachers in several towns went on strike for higher pay this morning."),
            ];
            for (i, (lang, title, text)) in background.into_iter().enumerate() {
                let v = if i % 2 == 0 { [0.5, 0.0, 0.8, 0.1] } else { [0.5, 0.1, 0.0, 0.8] };
                add_with_vector(&mut s, lang, &format!("bg{i}"), title, text, &v);
            }
            let story = add_with_vector(&mut s, "nb", "nb1", "Ferje på grunn ved Bodø", FERRY, &ferry).story;
            (s, story)
        };
        // One shared number finds the story as a candidate; it is not enough to join.
        let english = "Coastguard crews helped all 42 people ashore overnight after the vessel ran aground.";
        let norwegian = "Mannskapet fikk hjelp av redningsskøyta, og alle 42 kom seg trygt i land.";

        let (mut s, story) = started();
        let joined = add_with_vector(&mut s, "en", "en", "Vessel aground", english, &ferry);
        assert_eq!(joined.story, story, "the vector carries it across languages");

        let (mut s, story) = started();
        let apart = add_with_vector(&mut s, "en", "en", "Vessel aground", english, &other);
        assert_ne!(apart.story, story, "one shared number and an unrelated vector: apart");

        let (mut s, story) = started();
        let within = add_with_vector(&mut s, "nb", "nb2", "Redningsaksjon i natt", norwegian, &ferry);
        assert_ne!(within.story, story, "within a language the words decide");
    }

    #[test]
    fn idle_stories_retire_and_stop_taking_articles() {
        let config = ClusterConfig { window_articles: 1000, ..ClusterConfig::default() };
        let mut s = Stream::new(config);
        let first = s.add("first", "", "Ferje på grunn ved Bodø", FERRY);
        for i in 0..2100 {
            s.add(
                &format!("x{i}"),
                "",
                &format!("Melding {i}"),
                &format!("Tekst nummer {i} om noe helt annet, sak {i}."),
            );
        }
        assert!(!s.clusterer.take_finished().is_empty(), "idle stories were retired");
        let late = s.add("late", "", "Passasjerene tatt i land", FERRY_AGAIN);
        assert_ne!(first.story, late.story);
    }

    #[test]
    fn copies_join_their_original_without_moving_the_centroid() {
        let mut s = Stream::new(ClusterConfig::default());
        let a = s.add("a", "2019-04-09T07:00:00Z", "Ferje på grunn ved Bodø", FERRY);
        let before = s.clusterer.active[&a.story].text.top(5);
        let analysis =
            s.analyzer.analyze(&article("copy", "2019-04-09T08:00:00Z", "Ny tittel", FERRY, None, Some("other")));
        let doc =
            StoryDoc { id: "copy", title: "Ny tittel", published: None, source: Some("other"), analysis: &analysis };
        let original = Original { id: "a", source: Some("test"), story: a.story };
        let c = s.clusterer.add_copy(&doc, &original, 0.97);
        assert_eq!((c.story, c.new_story), (a.story, false));
        assert_eq!(s.clusterer.active[&a.story].text.top(5), before);
        let stories = s.clusterer.finish();
        assert_eq!(stories[0].article_ids, ["a", "copy"]);
        assert_eq!(stories[0].unique_articles, 1);
        assert_eq!(stories[0].copy_groups[0].sources, ["test", "other"]);
    }

    #[test]
    fn a_big_storys_own_words_are_weighed_by_their_rarity_among_stories() {
        let config = ClusterConfig { story_rarity_after: 3, ..ClusterConfig::default() };
        let mut s = Stream::new(config);
        let ferry = s.add("f0", "2019-04-09T07:00:00Z", "Ferje på grunn ved Bodø", FERRY);
        for i in 1..6 {
            let again = s.add(&format!("f{i}"), "2019-04-09T08:00:00Z", "Passasjerene tatt i land", FERRY_AGAIN);
            assert_eq!(again.story, ferry.story);
        }
        s.add("storm", "2019-04-09T10:00:00Z", "Storm i Bergen", STORM);
        let c = &s.clusterer;
        assert!(std::ptr::eq(c.rarity(), &c.df), "two stories are too few to count");
        s.add(
            "other",
            "2019-04-09T11:00:00Z",
            "Valg i Sverige",
            "Svenskene går til valg søndag, og regjeringen ligger an til å tape.",
        );
        let c = &s.clusterer;
        assert_eq!(c.story_df.docs(), 3);
        assert!(std::ptr::eq(c.rarity(), &c.story_df));
        // «Landegode» is in six of eight articles but in one of three stories.
        let landegode = s.analyzer.analyze(&article("x", "", "", "Landegode", Some("nb"), None));
        let h = landegode.body_terms[0].hash;
        assert!(c.story_df.idf(h) > c.df.idf(h), "{} vs {}", c.story_df.idf(h), c.df.idf(h));
    }

    #[test]
    fn headlines_face_a_lower_bar_than_full_texts() {
        let clusterer = Clusterer::new(ClusterConfig::default());
        let short: Sparse = (0..6).map(|h| (h, 0.4)).collect();
        let long: Sparse = (0..200).map(|h| (h, 0.07)).collect();
        assert!(clusterer.threshold_for(&short) < clusterer.threshold_for(&long));
        assert_eq!(clusterer.threshold_for(&long), ClusterConfig::default().threshold);
    }

    /// A unit vector over the given features, equally weighted.
    fn unit(features: impl Iterator<Item = u64>) -> Sparse {
        let mut v: Sparse = features.map(|h| (h, 1.0)).collect();
        crate::vector::normalise(&mut v);
        v
    }

    #[test]
    fn an_article_far_from_a_settled_storys_members_is_atypical() {
        let config = ClusterConfig { settled_story: 3, full_text_features: 8, ..ClusterConfig::default() };
        let clusterer = Clusterer::new(config);
        let mut story = ActiveStory::new(0);
        // Members share eight features and have two of their own each: cosine 0.8.
        let member = |i: u64| unit((0..8).chain([100 + 2 * i, 101 + 2 * i]));
        let add = |story: &mut ActiveStory, i: u64| {
            story.text.add(&member(i), 320, |_| {});
            let m = Member {
                id: "m",
                title: "",
                title_terms: &[],
                published: None,
                lang: Lang::Bokmal,
                source: None,
                entities: &[],
                labels: &[],
            };
            story.record(m, i);
        };
        let typical = unit((0..8).chain([200, 201]));
        let similar_event = unit((0..5).chain(300..305));
        let atypical =
            |story: &ActiveStory, v: &Sparse, lang: Lang| clusterer.atypical(story, v, story.text.dot(v), lang);
        add(&mut story, 0);
        add(&mut story, 1);
        assert!(!atypical(&story, &similar_event, Lang::Bokmal), "not settled yet");
        add(&mut story, 2);
        assert!(!atypical(&story, &typical, Lang::Bokmal));
        assert!(atypical(&story, &similar_event, Lang::Bokmal));
        // Its plain cosine alone would not have told it apart: it clears the threshold.
        assert!(story.text.cosine(&similar_event) > ClusterConfig::default().threshold);
        assert!(!atypical(&story, &unit(0..3), Lang::Bokmal), "headlines are exempt");
        assert!(!atypical(&story, &similar_event, Lang::English), "so are articles in another language");
    }

    const AGROUND: &str = "ferja gikk på grunn i natt, og alle passasjerene ble tatt i land av redningsskøyta \
        før morgenen kom. ingen ble skadd, opplyser rederiet.";
    const RESUMED: &str = "ferja gikk på grunn i natt, og passasjerene ble tatt i land av redningsskøyta. \
        mannskapet fikk motoren i gang igjen og seilte videre til neste havn.";
    const RESUMED_AGAIN: &str = "mannskapet fikk motoren i gang igjen etter grunnstøtingen i natt og seilte \
        videre til neste havn, der ferja nå blir undersøkt.";

    /// A story of three identical reports (as alike as reports get), in a stream where a
    /// story of three is settled and ten words make a full text.
    fn settled_story() -> (Stream, StoryId) {
        let config = ClusterConfig { settled_story: 3, full_text_features: 10, ..ClusterConfig::default() };
        let mut s = Stream::new(config);
        let story = s.add("a", "", "", AGROUND).story;
        for id in ["b", "c"] {
            assert_eq!(s.add(id, "", "", AGROUND).story, story);
        }
        (s, story)
    }

    #[test]
    fn an_atypical_report_that_stays_alone_joins_the_story_it_was_close_to() {
        let (mut s, story) = settled_story();
        let outlier = s.add("d", "", "", RESUMED);
        assert!(outlier.new_story, "atypical: it needs twice the similarity");
        assert_eq!(s.add("e", "", "", AGROUND).story, story);
        let df_docs = s.clusterer.story_df.docs();
        let moves = s.clusterer.settle();
        assert_eq!(moves.len(), 1);
        assert_eq!((moves[0].from, moves[0].to), (outlier.story, story));
        assert!(moves[0].similarity >= s.clusterer.config.threshold, "{:?}", moves[0]);
        assert!(!s.clusterer.active.contains_key(&outlier.story));
        assert_eq!(s.clusterer.story_df.docs(), df_docs - 1, "one story fewer to count");
        let joined = &s.clusterer.active[&story];
        assert_eq!(joined.article_ids, ["a", "b", "c", "d", "e"], "in stream order");
        assert_eq!(joined.text.members(), 5);
        let motor = s.analyzer.analyze(&article("x", "", "", "motoren", Some("nb"), None)).body_terms[0].hash;
        assert!(s.clusterer.postings.finds(motor, story), "its words find the story now");
        assert!(s.clusterer.settle().is_empty(), "settled once");
    }

    #[test]
    fn an_atypical_report_with_company_is_another_event() {
        let (mut s, story) = settled_story();
        let first = s.add("d", "", "", RESUMED);
        let second = s.add("e", "", "", RESUMED_AGAIN);
        assert!(first.new_story);
        assert_eq!(second.story, first.story, "the second report joins the first");
        assert_eq!(s.clusterer.tentative.len(), 1, "the first report started a tentative story");
        assert!(s.clusterer.settle().is_empty(), "which stays");
        let stories = s.clusterer.finish();
        assert_eq!(stories.iter().map(|s| s.article_ids.len()).collect::<Vec<_>>(), [3, 2]);
        assert_eq!(stories[0].id, story);
    }

    /// Adds a story of the given member vectors (all in `lang`) to the clusterer's state,
    /// as `add` would have: centroid, story counts, postings.
    fn insert_story(c: &mut Clusterer, lang: Lang, members: &[Sparse]) -> StoryId {
        let id = c.next_id;
        c.next_id += 1;
        c.story_df.add_empty_document();
        let mut story = ActiveStory::new(id);
        c.postings.open(id);
        for (i, v) in members.iter().enumerate() {
            story.text.add(v, 320, |h| c.story_df.add_feature(h));
            for &(h, _) in v {
                if story.indexed.insert(h) {
                    c.postings.add(h, id);
                }
            }
            let m = Member {
                id: "m",
                title: "",
                title_terms: &[],
                published: None,
                lang,
                source: None,
                entities: &[],
                labels: &[],
            };
            story.record(m, u64::from(id) * 10 + i as u64);
        }
        c.active.insert(id, story);
        id
    }

    #[test]
    fn a_new_story_as_alike_to_an_older_one_as_to_itself_merges_into_it() {
        let mut c = Clusterer::new(ClusterConfig::default());
        // Members share eight features and have two of their own.
        let report = |i: u64| unit((0..8).chain([100 + 2 * i, 101 + 2 * i]));
        let older = insert_story(&mut c, Lang::Bokmal, &[report(0), report(1)]);
        c.fresh_from = c.next_id;
        let parallel = insert_story(&mut c, Lang::Bokmal, &[report(2), report(3)]);
        // The same kind of event: four of the eight shared words, and six of its own.
        let similar = |i: u64| unit((0..4).chain(200 + 6 * i..206 + 6 * i));
        let other_event = insert_story(&mut c, Lang::Bokmal, &[similar(0), similar(1)]);
        let in_english = insert_story(&mut c, Lang::English, &[report(4), report(5)]);
        let stories_before = c.story_df.docs();
        let moves = c.settle();
        assert_eq!(moves.len(), 1, "{moves:?}");
        assert_eq!((moves[0].from, moves[0].to), (parallel, older));
        assert!((moves[0].similarity - 0.8).abs() < 1e-4, "members across share 8 of 10 features");
        assert_eq!(c.active[&older].text.members(), 4);
        assert_eq!(c.story_df.docs(), stories_before - 1);
        assert!(c.active.contains_key(&other_event), "less alike across than within");
        assert!(c.active.contains_key(&in_english), "another language");
        assert!(c.settle().is_empty(), "only stories begun since the last settle move");
        // Dedup still names the merged story as its original's; the copy follows the merge.
        let analysis = Analyzer::new().analyze(&article("copy", "", "Kopi", FERRY, None, Some("other")));
        let doc = StoryDoc { id: "copy", title: "Kopi", published: None, source: None, analysis: &analysis };
        let centroid = c.active[&older].text.top(20);
        let copy = c.add_copy(&doc, &Original { id: "m", source: None, story: parallel }, 0.95);
        assert_eq!((copy.story, copy.new_story), (older, false));
        assert_eq!(c.active[&older].text.top(20), centroid, "a copy does not move the centroid");
    }

    #[test]
    fn merges_are_followed_for_merge_memory_articles_and_chains_end_in_one_step() {
        let config = ClusterConfig { merge_memory: 10, ..ClusterConfig::default() };
        let mut c = Clusterer::new(config);
        let [a, b, d] = [0, 1, 2].map(|i| insert_story(&mut c, Lang::Bokmal, &[unit([i].into_iter())]));
        assert!(c.merge_into(a, b));
        c.seq = 5;
        assert!(c.merge_into(b, d));
        c.forget_merges();
        assert_eq!((c.resolve(a), c.resolve(b)), (d, d));
        assert_eq!(c.merged_into[&a].0, d, "a chain is compressed to one step");
        c.seq = 12;
        c.forget_merges();
        assert_eq!((c.resolve(a), c.resolve(b)), (a, d), "the first merge is forgotten, the second not yet");
        c.seq = 16;
        c.forget_merges();
        assert!(c.merged_into.is_empty());
    }

    #[test]
    fn twins_merge_as_soon_as_an_article_clears_the_bar_for_both() {
        let mut c = Clusterer::new(ClusterConfig::default());
        let report = |i: u64| unit((0..8).chain([100 + 2 * i, 101 + 2 * i]));
        let older = insert_story(&mut c, Lang::Bokmal, &[report(0), report(1)]);
        let written = insert_story(&mut c, Lang::Bokmal, &[report(2), report(3)]);
        c.fresh_from = c.next_id;
        c.merge_twins(older, written);
        assert!(c.early.is_empty(), "both stories' articles are written already");
        let fresh = insert_story(&mut c, Lang::Bokmal, &[report(4), report(5)]);
        // The article joined the older story; its runner-up was begun in this batch.
        c.merge_twins(older, fresh);
        assert_eq!(c.early.iter().map(|m| (m.from, m.to)).collect::<Vec<_>>(), [(fresh, older)]);
        assert_eq!(c.active[&older].text.members(), 4);
        let moves = c.settle();
        assert_eq!(moves.first().map(|m| (m.from, m.to)), Some((fresh, older)), "settle reports it");
    }
}
