//! Alerts on the write path. The saved alerts are loaded into a percolator that the
//! analysis threads match each article against; at the end of each batch the stories that
//! matching articles joined (and those the alerts followed before, if the batch touched
//! them) are decided on ([`tidings_alert::decide`]), and what the alerts now know and the
//! notices they send are written with the batch, in its transaction: a notice exists
//! exactly when the articles that caused it are committed, and never twice.

use rustc_hash::FxHashMap;
use serde_json::json;
use tidings_alert::{Alert, AlertId, Follow, Percolator, StoryState, decide, notice_key};
use tidings_article::Article;
use tidings_store::{EventWrite, FollowRow, NoticeWrite, Store, StoryRow, StoryWrite, story_label, story_number};

use crate::EngineError;
use crate::placer::{Prepared, SharedPercolator};

/// Articles of a story a notice lists at most (the batch's, newest first).
const NOTICE_ARTICLES: usize = 10;

/// The saved alerts, as the writer uses them.
pub struct AlertBook {
    /// By id, with the alert's uid.
    alerts: FxHashMap<AlertId, (Alert, String)>,
    percolator: SharedPercolator,
    version: String,
}

impl AlertBook {
    /// Loads the store's alerts and hands their percolator to the analysis threads.
    pub fn load(store: &Store, percolator: SharedPercolator) -> Result<Self, EngineError> {
        let mut book = Self { alerts: FxHashMap::default(), percolator, version: String::new() };
        book.refresh(store)?;
        Ok(book)
    }

    /// Reloads the alerts if they were added, replaced or removed since the last look.
    pub fn refresh(&mut self, store: &Store) -> Result<(), EngineError> {
        let version = store.alerts_version()?;
        if version == self.version {
            return Ok(());
        }
        let mut alerts = Vec::new();
        for row in store.alerts()? {
            match serde_json::from_str::<Alert>(&row.definition) {
                Ok(alert) => alerts.push((row.id, alert, row.uid)),
                Err(e) => tracing::warn!("alert {:?} cannot be read ({e}); it is skipped", row.name),
            }
        }
        if !alerts.is_empty() {
            tracing::info!("matching {} alerts", alerts.len());
        }
        let definitions: Vec<(AlertId, Alert)> = alerts.iter().map(|(id, a, _)| (*id, a.clone())).collect();
        let percolator = (!alerts.is_empty()).then(|| std::sync::Arc::new(Percolator::new(&definitions)));
        if let Ok(mut shared) = self.percolator.write() {
            *shared = percolator;
        }
        self.alerts = alerts.into_iter().map(|(id, a, uid)| (id, (a, uid))).collect();
        self.version = version;
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.alerts.is_empty()
    }
}

/// What a notice lists of an article.
#[derive(Debug, Clone, serde::Serialize)]
struct ArticleBrief {
    id: String,
    title: String,
    url: Option<String>,
    source: Option<String>,
    published: Option<String>,
    lang: &'static str,
    #[serde(skip)]
    seq: usize,
}

/// What a batch's alerts tell: what they now know of its stories, their notices, and the
/// notices' live events; written with the batch.
#[derive(Default)]
pub struct Told {
    pub follows: Vec<FollowRow>,
    pub notices: Vec<NoticeWrite>,
    pub events: Vec<EventWrite>,
}

/// A batch's matching articles and, per story, its articles (for the notices).
#[derive(Default)]
pub struct BatchMatches {
    matched: Vec<(AlertId, i64)>,
    articles: FxHashMap<i64, Vec<ArticleBrief>>,
}

impl BatchMatches {
    /// Notes a placed article in story `story` (a number).
    pub fn article(&mut self, story: i64, article: &Article, prepared: &Prepared) {
        self.matched.extend(prepared.alerts.iter().map(|&a| (a, story)));
        let list = self.articles.entry(story).or_default();
        list.push(ArticleBrief {
            id: article.id.clone(),
            title: prepared.title.clone(),
            url: article.url.clone(),
            source: article.source.clone(),
            published: article.published.map(|p| p.to_display_string()),
            lang: prepared.analysis.lang.code(),
            seq: list.len(),
        });
    }

    /// Decides the batch's notices: what to write with the batch.
    pub fn notices(self, book: &AlertBook, store: &Store, stories: &[StoryWrite]) -> Result<Told, EngineError> {
        if book.is_empty() {
            return Ok(Told::default());
        }
        let cards: FxHashMap<i64, &StoryWrite> = stories.iter().map(|s| (story_number(s.summary.id), s)).collect();
        let numbers: Vec<i64> = cards.keys().copied().collect();
        let mut follows: FxHashMap<(AlertId, i64), (Follow, bool)> = FxHashMap::default();
        for f in store.follows_of(&numbers)? {
            let follow = Follow {
                alert: f.alert,
                story: f.story,
                notices: f.notices,
                notified_unique: f.notified_unique,
                breaking_since: f.breaking_since,
                last_notice_at: f.last_notice_at,
            };
            follows.insert((f.alert, f.story), (follow, false));
        }
        // A matching article in a story its alert is done with starts nothing new.
        let mut matched_stories: Vec<i64> = self.matched.iter().map(|(_, s)| *s).collect();
        matched_stories.sort_unstable();
        matched_stories.dedup();
        let done = store.done_follows(&matched_stories)?;
        for &(alert, story) in self.matched.iter().filter(|pair| !done.contains(pair)) {
            follows.entry((alert, story)).or_insert_with(|| (Follow { alert, story, ..Follow::default() }, true));
        }
        let now = jiff::Timestamp::now();
        let mut keys: Vec<(AlertId, i64)> = follows.keys().copied().collect();
        keys.sort_unstable();
        let (mut rows, mut notices, mut events) = (Vec::new(), Vec::new(), Vec::new());
        // A story's JSON, made once however many alerts tell of it.
        let mut story_json: FxHashMap<(i64, bool), String> = FxHashMap::default();
        let created_at = now.to_string();
        for key in keys {
            let (Some((alert, uid)), Some(card), Some((follow, mut changed))) =
                (book.alerts.get(&key.0), cards.get(&key.1), follows.remove(&key))
            else {
                continue;
            };
            let mut follow = follow;
            let s = &card.summary;
            let breaking = s.breaking_since.map(|p| p.to_display_string());
            let state = StoryState {
                unique_articles: s.unique_articles as i64,
                breaking_since: breaking.as_deref(),
                last_seen: s.last_seen.map(|p| p.seconds()),
            };
            if let Some(trigger) = decide(alert, &mut follow, state, now.as_second()) {
                changed = true;
                let key = notice_key(uid, &follow, trigger);
                let full = alert.webhook.is_some();
                let story = story_json.entry((follow.story, full)).or_insert_with(|| self.story_json(card, full));
                let head = NoticeHead { notice: &key, alert: &alert.name, trigger: trigger.as_str() };
                let body = format!(
                    "{},\"created_at\":{},{story}}}",
                    to_json(&head).trim_end_matches('}'),
                    to_json(&created_at)
                );
                let event = NoticeEvent { head, story: story_label(follow.story), title: &s.title };
                events.push(EventWrite { kind: "alert.notice", story: follow.story, data: to_json(&event) });
                notices.push(NoticeWrite {
                    alert: follow.alert,
                    story: follow.story,
                    trigger: trigger.as_str().to_string(),
                    key,
                    body,
                    deliver: full,
                });
            }
            if changed {
                rows.push(FollowRow {
                    alert: follow.alert,
                    story: follow.story,
                    notices: follow.notices,
                    notified_unique: follow.notified_unique,
                    breaking_since: follow.breaking_since,
                    last_notice_at: follow.last_notice_at,
                    done: alert.trigger == tidings_alert::Trigger::NewStory && follow.notices > 0,
                });
            }
        }
        Ok(Told { follows: rows, notices, events })
    }

    /// A story as its notices show it (the `"story"` member and, for a webhook, the
    /// `"articles"` member of the body): in full for a webhook; for a notice that is only
    /// kept (the log, the feed, live events), what those show, so that a story many alerts
    /// follow does not store its card many times over.
    fn story_json(&self, card: &StoryWrite, full: bool) -> String {
        let row = StoryRow::from_card(&card.summary, Some(card.active));
        if full {
            format!(r#""story":{},"articles":{}"#, json!(row), json!(self.newest(row.number)))
        } else {
            let brief = json!({"id": row.story, "title": row.title, "articles": row.articles,
                               "unique_articles": row.unique_articles, "summary": row.summary,
                               "breaking": row.breaking_since.is_some(),
                               "breaking_since": row.breaking_since});
            format!(r#""story":{brief}"#)
        }
    }

    /// The batch's articles of a story, newest first.
    fn newest(&self, story: i64) -> Vec<ArticleBrief> {
        let mut list = self.articles.get(&story).cloned().unwrap_or_default();
        list.sort_by(|a, b| b.published.cmp(&a.published).then(b.seq.cmp(&a.seq)));
        list.truncate(NOTICE_ARTICLES);
        list
    }
}

/// What every notice body and live notice event begins with.
#[derive(serde::Serialize)]
struct NoticeHead<'a> {
    notice: &'a str,
    alert: &'a str,
    trigger: &'a str,
}

/// A live event for a notice.
#[derive(serde::Serialize)]
struct NoticeEvent<'a> {
    #[serde(flatten)]
    head: NoticeHead<'a>,
    story: String,
    title: &'a str,
}

/// JSON of a value that cannot fail to serialize (plain structs and strings).
fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// A story an alert follows over the stored data, and what it would be told.
#[derive(Debug, Clone)]
pub struct Preview {
    pub story: StoryRow,
    /// Articles of the story that match the alert.
    pub matching: usize,
    /// The notice the story as stored would send (`None`: it matches, but not yet enough).
    pub trigger: Option<tidings_alert::Trigger>,
}

/// What an alert would have told over the stored data, sending nothing: every story with
/// a matching article, newest first, with the notice its stored state calls for (a
/// breaking alert: only stories breaking now; an update alert: one notice per story).
/// Every stored article is matched as the writer would match it (analysed again where the
/// alert names an entity).
pub fn preview(store: &Store, alert: &Alert) -> Result<Vec<Preview>, EngineError> {
    let percolator = Percolator::new(&[(0, alert.clone())]);
    let analyzer = alert.entity.is_some().then(tidings_analyze::Analyzer::new);
    let mut matching: FxHashMap<i64, usize> = FxHashMap::default();
    store.for_each_article(0, |a| {
        let lang = tidings_analyze::Lang::from_code(&a.lang);
        let body = a.body.clone().unwrap_or_default();
        let entities = match &analyzer {
            Some(analyzer) => {
                let article = Article {
                    id: a.id.clone(),
                    published: None,
                    title: a.title.clone(),
                    text: body.clone(),
                    lang: Some(a.lang.clone()),
                    source: a.source.clone(),
                    url: None,
                    section: None,
                    origin: tidings_article::Origin::new(std::sync::Arc::from("store"), Some(a.seq as u64)),
                };
                analyzer.analyze(&article).entities
            }
            None => Vec::new(),
        };
        let view = tidings_alert::ArticleView {
            title: &a.title,
            body: &body,
            lang,
            source: a.source.as_deref(),
            entities: &entities,
        };
        if !percolator.matches(&view).is_empty() {
            *matching.entry(a.story_number).or_default() += 1;
        }
        Ok::<_, EngineError>(())
    })?;
    let mut out = Vec::with_capacity(matching.len());
    for (number, n) in matching {
        let Some(story) = store.story(number)? else { continue };
        let mut follow = Follow::default();
        let state = StoryState {
            unique_articles: story.unique_articles,
            breaking_since: story.breaking_since.as_deref(),
            last_seen: None,
        };
        let trigger = decide(alert, &mut follow, state, 0);
        out.push(Preview { story, matching: n, trigger });
    }
    out.sort_by(|a, b| b.story.last_seen.cmp(&a.story.last_seen).then(b.story.number.cmp(&a.story.number)));
    Ok(out)
}
