//! Which followed stories send a notice. The store remembers, per alert and story, what
//! was last said ([`Follow`]), in the same transaction as the batch that changed the story,
//! so a notice is decided once however often the stream is replayed or resumed.

use crate::definition::{Alert, Trigger};
use crate::percolator::AlertId;

/// An alert following a story: one of the story's articles matched it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Follow {
    pub alert: AlertId,
    pub story: i64,
    /// Notices sent about the story so far.
    pub notices: i64,
    /// Unique articles when the last notice was decided.
    pub notified_unique: i64,
    /// The breaking episode last told (its `breaking_since`).
    pub breaking_since: Option<String>,
    /// When the last notice was decided: the story's newest publication time, else the
    /// clock (Unix seconds).
    pub last_notice_at: Option<i64>,
}

/// What a notice decision needs of a story as it stands after a batch.
#[derive(Debug, Clone, Copy)]
pub struct StoryState<'a> {
    pub unique_articles: i64,
    pub breaking_since: Option<&'a str>,
    /// The story's newest publication time (Unix seconds), if dated.
    pub last_seen: Option<i64>,
}

/// Decides whether the story sends a notice now, and records it in `follow`.
///
/// - new-story: once, when the story has `min_articles` unique articles;
/// - breaking: once per breaking episode (a story may break again later);
/// - update: when it first qualifies, then whenever it has new unique articles and
///   `every_seconds` have passed since the last notice. Time is the story's own
///   publication time (so an archive read in minutes is told as it happened), or the
///   clock `now` for undated stories.
pub fn decide(alert: &Alert, follow: &mut Follow, story: StoryState<'_>, now: i64) -> Option<Trigger> {
    if story.unique_articles < i64::from(alert.min_articles) {
        return None;
    }
    let at = story.last_seen.unwrap_or(now);
    let send = match alert.trigger {
        Trigger::NewStory => follow.notices == 0,
        Trigger::Breaking => story.breaking_since.is_some_and(|b| follow.breaking_since.as_deref() != Some(b)),
        Trigger::Update => {
            follow.notices == 0
                || (story.unique_articles > follow.notified_unique
                    && follow.last_notice_at.is_none_or(|last| at - last >= alert.every_seconds))
        }
    };
    if !send {
        return None;
    }
    follow.notices += 1;
    follow.notified_unique = story.unique_articles;
    follow.last_notice_at = Some(at);
    if alert.trigger == Trigger::Breaking {
        follow.breaking_since = story.breaking_since.map(str::to_string);
    }
    Some(alert.trigger)
}

/// The notice's idempotency key: the same for every delivery attempt of one notice, and
/// different for every notice: the alert's random `uid`, the story, the trigger and the
/// notice's count.
pub fn notice_key(uid: &str, follow: &Follow, trigger: Trigger) -> String {
    format!("{uid}-s{}-{}-{}", follow.story, trigger.as_str(), follow.notices)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::DEFAULT_EVERY_SECONDS;

    fn alert(trigger: Trigger) -> Alert {
        Alert {
            name: "a".into(),
            query: Some("fire".into()),
            entity: None,
            langs: Vec::new(),
            source: None,
            min_articles: 2,
            trigger,
            every_seconds: DEFAULT_EVERY_SECONDS,
            webhook: None,
        }
    }

    fn state(unique_articles: i64, breaking_since: Option<&str>, last_seen: i64) -> StoryState<'_> {
        StoryState { unique_articles, breaking_since, last_seen: Some(last_seen) }
    }

    #[test]
    fn a_new_story_is_told_once_when_it_has_enough_articles() {
        let (a, mut f) = (alert(Trigger::NewStory), Follow::default());
        assert_eq!(decide(&a, &mut f, state(1, None, 0), 0), None);
        assert_eq!(decide(&a, &mut f, state(2, None, 10), 0), Some(Trigger::NewStory));
        assert_eq!(notice_key("9f3c", &f, Trigger::NewStory), "9f3c-s0-new-story-1");
        assert_eq!(decide(&a, &mut f, state(9, None, 20), 0), None);
    }

    #[test]
    fn each_breaking_episode_is_told_once() {
        let (a, mut f) = (alert(Trigger::Breaking), Follow::default());
        assert_eq!(decide(&a, &mut f, state(6, None, 0), 0), None);
        assert_eq!(decide(&a, &mut f, state(6, Some("09:28"), 0), 0), Some(Trigger::Breaking));
        assert_eq!(decide(&a, &mut f, state(9, Some("09:28"), 0), 0), None);
        assert_eq!(decide(&a, &mut f, state(30, Some("18:02"), 0), 0), Some(Trigger::Breaking));
    }

    #[test]
    fn updates_wait_for_new_articles_and_the_interval() {
        let (a, mut f) = (alert(Trigger::Update), Follow::default());
        assert_eq!(decide(&a, &mut f, state(2, None, 0), 0), Some(Trigger::Update));
        assert_eq!(decide(&a, &mut f, state(3, None, 1800), 0), None, "within the hour");
        assert_eq!(decide(&a, &mut f, state(3, None, 3600), 0), Some(Trigger::Update));
        assert_eq!(decide(&a, &mut f, state(3, None, 9000), 0), None, "nothing new");
        let undated = StoryState { unique_articles: 4, breaking_since: None, last_seen: None };
        assert_eq!(decide(&a, &mut f, undated, 9000 + 3600), Some(Trigger::Update), "the clock for undated stories");
    }
}
