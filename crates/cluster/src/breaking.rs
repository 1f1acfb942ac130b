//! Breaking stories: a story breaks when, within the last hour, it gains unique articles
//! from several outlets at a pace far above both its own earlier pace and the pace at
//! which the stream's new stories usually grow in their first hour.
//!
//! Why these two baselines. A story's own pace tells a surge from a big story that is
//! simply big (a war reported 20 times an hour is not breaking news at its 21st report of
//! the hour). The stream's pace for new stories tells a surge from ordinary reporting in a
//! busy stream: most new stories get one or two reports in their first hour, so a new
//! story reported five times by three outlets within the hour is the exception an editor
//! wants to see. Copies of one text count once, so a wire text run by twenty outlets is
//! one article (its outlets still count towards the spread: the spread says how widely
//! the news is being taken up). Undated articles carry no pace and never make a story
//! break; neither does a stream without outlets, which cannot show spread.
//!
//! Time is publication time, so an archive read long after the fact breaks where it
//! broke then, and two runs over the same articles agree.

use std::collections::VecDeque;
use std::hash::{Hash, Hasher};

/// The hour over which a story's pace is measured.
pub const WINDOW: i64 = 3600;
/// Unique articles within the window that a breaking story has at least.
const MIN_ARTICLES: f32 = 5.0;
/// Distinct outlets within the window that a breaking story has at least.
const MIN_OUTLETS: usize = 3;
/// How far above the larger of the two baselines the last hour must be.
const SURGE: f32 = 3.0;
/// A breaking story calms down when its last hour falls below this share of the bar.
const CALM_SHARE: f32 = 0.5;
/// Recent entries a story keeps at most (a surge is decided long before this).
const RECENT_CAP: usize = 512;
/// The stream's pace forgets older stories: both counts are halved past this many stories.
const STREAM_MEMORY: f32 = 20_000.0;

/// A story's recent articles and outlets, and its pace before them.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Pace {
    /// Publication times of unique articles within the window, oldest first.
    recent: VecDeque<i64>,
    /// Publication times and outlets (hashed) of every article within the window.
    outlets: VecDeque<(i64, u64)>,
    /// Unique articles that fell out of the window.
    earlier: u32,
    /// The first dated article's time.
    first: Option<i64>,
    /// Unique articles within an hour of the first (what this story adds to the stream's
    /// first-hour pace, which it is not compared with).
    first_hour: u32,
    /// When the story began to break, while it does.
    pub since: Option<i64>,
}

impl Pace {
    /// Records a dated article; `unique` is false for a copy of an earlier text.
    pub fn record(&mut self, at: i64, source: Option<&str>, unique: bool) {
        self.first = Some(self.first.map_or(at, |f| f.min(at)));
        if unique && self.first.is_some_and(|f| at - f <= WINDOW) {
            self.first_hour += 1;
        }
        if unique {
            let i = self.recent.partition_point(|&t| t <= at);
            self.recent.insert(i, at);
        }
        if let Some(s) = source {
            let i = self.outlets.partition_point(|&(t, _)| t <= at);
            self.outlets.insert(i, (at, outlet_hash(s)));
        }
        while self.recent.len() > RECENT_CAP {
            self.recent.pop_front();
            self.earlier += 1;
        }
        while self.outlets.len() > RECENT_CAP {
            self.outlets.pop_front();
        }
    }

    /// The first dated article's time, for the stream's first-hour pace.
    pub fn first(&self) -> Option<i64> {
        self.first
    }

    /// Takes in a merged story's pace.
    pub fn absorb(&mut self, other: Pace) {
        self.first = [self.first, other.first].into_iter().flatten().min();
        self.earlier += other.earlier;
        self.first_hour += other.first_hour;
        self.recent.extend(other.recent);
        self.recent.make_contiguous().sort_unstable();
        self.outlets.extend(other.outlets);
        self.outlets.make_contiguous().sort_unstable();
        self.since = [self.since, other.since].into_iter().flatten().min();
    }

    /// Decides whether the story breaks as of `now` (the stream's clock), given the
    /// stream's usual first-hour pace. Returns whether that changed.
    pub fn assess(&mut self, now: i64, stream: &StreamPace) -> bool {
        let horizon = now - WINDOW;
        while self.recent.front().is_some_and(|&t| t <= horizon) {
            self.recent.pop_front();
            self.earlier += 1;
        }
        while self.outlets.front().is_some_and(|&(t, _)| t <= horizon) {
            self.outlets.pop_front();
        }
        let bar = self.bar(horizon, stream);
        let last_hour = self.recent.len() as f32;
        let was = self.since.is_some();
        if !was && last_hour >= bar && self.distinct_outlets() >= MIN_OUTLETS {
            self.since = self.recent.back().copied().or(Some(now));
        } else if was && last_hour < bar * CALM_SHARE {
            self.since = None;
        }
        was != self.since.is_some()
    }

    /// Unique articles the last hour must hold: [`SURGE`] times the larger of the story's
    /// own earlier hourly pace and the stream's first-hour pace, and [`MIN_ARTICLES`] at
    /// least.
    fn bar(&self, horizon: i64, stream: &StreamPace) -> f32 {
        let hours_before = self.first.map_or(0, |f| horizon - f).max(0) as f32 / WINDOW as f32;
        let own = self.earlier as f32 / hours_before.max(1.0);
        (SURGE * own.max(stream.first_hour_without(self.first_hour))).max(MIN_ARTICLES)
    }

    fn distinct_outlets(&self) -> usize {
        let mut seen: Vec<u64> = self.outlets.iter().map(|(_, h)| *h).collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    }
}

fn outlet_hash(source: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    source.hash(&mut h);
    h.finish()
}

/// How many unique articles the stream's new stories get within an hour of their first,
/// on average over recent stories.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct StreamPace {
    stories: f32,
    first_hour_articles: f32,
}

impl StreamPace {
    /// A dated story began.
    pub fn story_began(&mut self) {
        self.stories += 1.0;
        self.first_hour_articles += 1.0;
        if self.stories > STREAM_MEMORY {
            self.stories /= 2.0;
            self.first_hour_articles /= 2.0;
        }
    }

    /// A unique article joined a story `after` seconds past the story's first article.
    pub fn joined(&mut self, after: i64) {
        if (0..=WINDOW).contains(&after) {
            self.first_hour_articles += 1.0;
        }
    }

    /// Unique articles per new story in its first hour, leaving out one story's own
    /// (`own` articles: a surging story must not raise the bar it is measured against);
    /// 1 before any other story.
    pub fn first_hour_without(&self, own: u32) -> f32 {
        let stories = self.stories - 1.0;
        if stories < 1.0 { 1.0 } else { ((self.first_hour_articles - own as f32) / stories).max(1.0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiet_stream() -> StreamPace {
        let mut s = StreamPace::default();
        for _ in 0..100 {
            s.story_began();
        }
        s.joined(600);
        s
    }

    #[test]
    fn a_surge_from_several_outlets_breaks_and_calms_when_the_hour_passes() {
        let stream = quiet_stream();
        let mut pace = Pace::default();
        let t0 = 1_000_000;
        for (i, outlet) in ["a", "b", "c", "a", "b"].iter().enumerate() {
            pace.record(t0 + i as i64 * 300, Some(outlet), true);
            let changed = pace.assess(t0 + i as i64 * 300, &stream);
            assert_eq!(changed, i == 4, "breaks at the fifth report within the hour");
        }
        assert_eq!(pace.since, Some(t0 + 1200));
        assert!(!pace.assess(t0 + 1500, &stream), "still within the hour");
        assert!(pace.assess(t0 + 3 * WINDOW, &stream), "an hour without reports calms it");
        assert_eq!(pace.since, None);
    }

    #[test]
    fn one_outlet_or_copies_alone_do_not_make_news_break() {
        let stream = quiet_stream();
        let mut one_outlet = Pace::default();
        let mut copies = Pace::default();
        for i in 0..10 {
            one_outlet.record(1_000 + i * 60, Some("a"), true);
            copies.record(1_000 + i * 60, Some(["a", "b", "c"][i as usize % 3]), i == 0);
        }
        assert!(!one_outlet.assess(1_600, &stream));
        assert!(!copies.assess(1_600, &stream));
    }

    #[test]
    fn a_big_story_needs_a_surge_above_its_own_pace() {
        let stream = quiet_stream();
        let mut pace = Pace::default();
        let outlets = ["a", "b", "c", "d"];
        // Ten reports an hour for a day.
        for i in 0..240 {
            pace.record(i * 360, Some(outlets[i as usize % 4]), true);
            pace.assess(i * 360, &stream);
        }
        assert_eq!(pace.since, None, "a steady pace is not a surge");
        // Then forty in an hour.
        let start = 240 * 360;
        for i in 0..40 {
            pace.record(start + i * 90, Some(outlets[i as usize % 4]), true);
            pace.assess(start + i * 90, &stream);
        }
        assert!(pace.since.is_some(), "four times its pace is");
    }

    #[test]
    fn the_stream_pace_is_the_mean_first_hour_of_the_other_stories() {
        let mut s = StreamPace::default();
        assert_eq!(s.first_hour_without(0), 1.0);
        for _ in 0..3 {
            s.story_began();
        }
        s.joined(100);
        s.joined(2 * WINDOW);
        assert_eq!(s.first_hour_without(1), 1.5, "two stories of one and two articles, and one of one left out");
        assert_eq!(s.first_hour_without(2), 1.0);
    }
}
