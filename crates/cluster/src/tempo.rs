//! A story's tempo: how fast its reports follow one another, and the time prior built on
//! it.
//!
//! Why a story's own tempo. A fixed decay cannot serve a wire story whose reports come
//! minutes apart and a court case reported once a week: the gap that says "another
//! event" for one is ordinary for the other. What a story has done so far tells what gap
//! to expect: an article arriving many typical gaps after the story's latest report is
//! less likely to belong to it than the same words arriving in its stride. A story with
//! one report has no tempo yet; the stream's usual gap between a story's reports stands in.
//!
//! Only exact times count (a day's date says nothing about minutes), and only unique
//! texts (twenty outlets running one wire text are one report).

/// Gaps shorter than this are one moment (clocks and feeds disagree by a second).
const MIN_GAP_MS: f64 = 1_000.0;
/// Typical gaps of silence after which an article no longer counts as in the story's
/// stride: from there on the prior lowers its similarity.
const STRIDE: f64 = 10.0;
/// How steeply the prior falls with silence beyond the stride (similarity times
/// `strides^-FADE`: a story silent for 100 strides keeps an eighth, with [`IN_STRIDE`]).
const FADE: f64 = 0.5;
/// How much more likely an article in a story's stride belongs to it than the words
/// alone say: a story being reported right now is where the next report most likely goes.
const IN_STRIDE: f64 = 1.25;
/// Weight of a new gap in the running mean of log gaps (about the last five gaps count).
const RECENT_WEIGHT: f64 = 0.2;

/// The times of a story's unique dated reports, summarised.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Tempo {
    /// The latest exact publication time (milliseconds).
    last: Option<i64>,
    /// The earliest.
    first: Option<i64>,
    /// Running mean of the natural log of the gaps between successive reports.
    log_gap: f64,
    gaps: u32,
}

impl Tempo {
    /// Records a unique report published at `at` (milliseconds). Returns the gap since the
    /// story's latest report, if it had one.
    pub fn record(&mut self, at: i64) -> Option<f64> {
        let gap = self.last.map(|last| ((at - last).max(0) as f64).max(MIN_GAP_MS));
        if let Some(g) = gap {
            self.log_gap = running_mean(self.log_gap, g.ln(), self.gaps);
            self.gaps = self.gaps.saturating_add(1);
        }
        self.last = Some(self.last.map_or(at, |l| l.max(at)));
        self.first = Some(self.first.map_or(at, |f| f.min(at)));
        gap
    }

    /// Takes in a merged story's tempo.
    pub fn absorb(&mut self, other: &Tempo) {
        let total = self.gaps.saturating_add(other.gaps);
        if total > 0 {
            self.log_gap = (self.log_gap * self.gaps as f64 + other.log_gap * other.gaps as f64) / total as f64;
        }
        self.gaps = total;
        self.last = self.last.max(other.last);
        self.first = [self.first, other.first].into_iter().flatten().min();
    }

    /// The story's typical gap (milliseconds), if it has had two reports.
    fn typical_gap(&self) -> Option<f64> {
        (self.gaps > 0).then(|| self.log_gap.exp())
    }

    /// The factor by which the time prior scales an article's similarity to this story:
    /// [`IN_STRIDE`] while the silence since the story's latest report is within
    /// [`STRIDE`] typical gaps, then falling as a power of the silence (attention to news
    /// fades by a power law rather than exponentially, so a slow follow-up keeps a
    /// chance). `usual` is the stream's typical gap, for a story with one report so far.
    /// An article older than the story's first report is measured from that report.
    pub fn prior(&self, at: i64, usual: Option<f64>) -> f32 {
        let (Some(first), Some(last)) = (self.first, self.last) else { return 1.0 };
        let Some(gap) = self.typical_gap().or(usual) else { return 1.0 };
        let silence = (at - last).max(first - at).max(0) as f64;
        let strides = silence / (STRIDE * gap.max(MIN_GAP_MS));
        (IN_STRIDE * strides.max(1.0).powf(-FADE)) as f32
    }
}

/// The stream's usual gap between a story's successive reports.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct StreamTempo {
    log_gap: f64,
    gaps: u32,
}

impl StreamTempo {
    pub fn joined(&mut self, gap: f64) {
        self.log_gap = running_mean(self.log_gap, gap.ln(), self.gaps);
        self.gaps = self.gaps.saturating_add(1);
    }

    pub fn typical_gap(&self) -> Option<f64> {
        (self.gaps > 0).then(|| self.log_gap.exp())
    }
}

/// A mean over the first few values, then an exponentially weighted one that follows
/// the recent values.
fn running_mean(mean: f64, value: f64, n: u32) -> f64 {
    let w = (1.0 / (n as f64 + 1.0)).max(RECENT_WEIGHT);
    mean + w * (value - mean)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60_000;
    const HOUR: i64 = 60 * MINUTE;

    fn reported_at(times: &[i64]) -> Tempo {
        let mut t = Tempo::default();
        for &at in times {
            t.record(at);
        }
        t
    }

    #[test]
    fn silence_is_measured_in_the_storys_own_gaps() {
        let fast = reported_at(&[0, MINUTE, 2 * MINUTE, 3 * MINUTE]);
        let slow = reported_at(&[0, HOUR, 2 * HOUR, 3 * HOUR]);
        let two_hours_on = 5 * HOUR;
        assert_eq!(slow.prior(two_hours_on, None), IN_STRIDE as f32, "two gaps: in stride");
        let fast_prior = fast.prior(3 * MINUTE + 2 * HOUR, None);
        assert!(fast_prior < 0.5, "120 gaps of silence: {fast_prior}");
        assert!(fast_prior > 0.3, "a power law, not a cliff: {fast_prior}");
        assert_eq!(fast.prior(3 * MINUTE + 5 * MINUTE, None), IN_STRIDE as f32);
    }

    #[test]
    fn the_prior_falls_with_silence_and_is_continuous_at_the_end_of_the_stride() {
        let t = reported_at(&[0, MINUTE]);
        let priors: Vec<f32> = [5, 10, 11, 20, 100, 1000].iter().map(|m| t.prior(MINUTE + m * MINUTE, None)).collect();
        assert!(priors.windows(2).all(|w| w[0] >= w[1]), "{priors:?}");
        assert!((priors[1] - priors[2]).abs() < 0.15, "no cliff after the stride: {priors:?}");
        assert!(priors[5] < 0.15, "a hundred strides: {priors:?}");
    }

    #[test]
    fn a_story_with_one_report_borrows_the_streams_gap() {
        let t = reported_at(&[0]);
        assert_eq!(t.prior(HOUR, None), 1.0, "nothing to go by");
        assert_eq!(t.prior(HOUR, Some((10 * MINUTE) as f64)), IN_STRIDE as f32);
        assert!(t.prior(HOUR, Some(MINUTE as f64)) < 1.0);
        assert_eq!(Tempo::default().prior(HOUR, Some(1.0)), 1.0, "no exact time, no prior");
    }

    #[test]
    fn reports_a_moment_apart_count_as_a_second_apart() {
        let t = reported_at(&[0, 0, 0, 200]);
        let gap = t.typical_gap().unwrap_or_default();
        assert!((gap - MIN_GAP_MS).abs() < 1.0, "{gap}");
        assert_eq!(t.prior(10_000, None), IN_STRIDE as f32, "ten seconds are within the stride");
    }

    #[test]
    fn an_article_before_the_story_is_measured_from_its_first_report() {
        let t = reported_at(&[10 * HOUR, 10 * HOUR + MINUTE]);
        assert_eq!(t.prior(10 * HOUR - 5 * MINUTE, None), IN_STRIDE as f32);
        assert!(t.prior(0, None) < 0.3);
    }

    #[test]
    fn a_merged_story_keeps_both_stories_gaps_and_span() {
        let mut a = reported_at(&[0, MINUTE, 2 * MINUTE]);
        let b = reported_at(&[HOUR, 2 * HOUR, 3 * HOUR]);
        a.absorb(&b);
        assert_eq!((a.first, a.last, a.gaps), (Some(0), Some(3 * HOUR), 4));
        let typical = a.typical_gap().unwrap_or_default();
        assert!(typical > MINUTE as f64 && typical < HOUR as f64, "{typical}");
    }

    #[test]
    fn the_streams_gap_follows_recent_joins() {
        let mut s = StreamTempo::default();
        assert_eq!(s.typical_gap(), None);
        for _ in 0..50 {
            s.joined(HOUR as f64);
        }
        for _ in 0..50 {
            s.joined(MINUTE as f64);
        }
        let gap = s.typical_gap().unwrap_or_default();
        assert!((gap - MINUTE as f64).abs() < 1_000.0, "{gap}");
    }
}
