//! The inverted index from features to the active stories that contain them: how an
//! article finds its candidate stories without comparing itself with every story.

use rustc_hash::FxHashMap;

pub type StoryId = u32;

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Postings {
    lists: FxHashMap<u64, Vec<StoryId>>,
}

impl Postings {
    pub fn add(&mut self, hash: u64, story: StoryId) {
        self.lists.entry(hash).or_default().push(story);
    }

    pub fn get(&self, hash: u64) -> &[StoryId] {
        self.lists.get(&hash).map_or(&[], Vec::as_slice)
    }

    /// Drops the postings of stories that no longer take articles.
    pub fn retain(&mut self, mut active: impl FnMut(StoryId) -> bool) {
        self.lists.retain(|_, list| {
            list.retain(|s| active(*s));
            !list.is_empty()
        });
    }

    /// Number of features with a posting list.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lists.len()
    }
}

/// Per-story sums for one candidate search, in an array indexed from the oldest story that
/// may still be active: adding a posting is an index, not a hash-map entry (a common word's
/// list holds hundreds of stories, and an article looks up dozens of words). Holds only
/// zeros between searches, so it costs nothing to keep.
#[derive(Debug, Default)]
pub struct Tally {
    /// The story that `sums[0]` belongs to; older stories are never active again.
    base: StoryId,
    sums: Vec<f32>,
    touched: Vec<StoryId>,
}

impl Tally {
    /// Adds `weight` to the sum of every story of `list` from the base on.
    pub fn add(&mut self, list: &[StoryId], weight: f32) {
        if weight <= 0.0 {
            return;
        }
        for &story in list {
            let Some(i) = story.checked_sub(self.base).map(|i| i as usize) else { continue };
            if i >= self.sums.len() {
                self.sums.resize(i + 1, 0.0);
            }
            if self.sums[i] == 0.0 {
                self.touched.push(story);
            }
            self.sums[i] += weight;
        }
    }

    /// The stories with a sum, each once, with their sums; leaves the tally empty.
    pub fn drain(&mut self) -> impl Iterator<Item = (StoryId, f32)> + '_ {
        let (base, sums) = (self.base, &mut self.sums);
        self.touched.drain(..).map(move |story| {
            let sum = std::mem::take(&mut sums[(story - base) as usize]);
            (story, sum)
        })
    }

    /// Stories below `base` will not be tallied again: the array starts at `base`.
    pub fn forget_below(&mut self, base: StoryId) {
        if base > self.base {
            let gone = ((base - self.base) as usize).min(self.sums.len());
            self.sums.drain(..gone);
            self.base = base;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_get_retain() {
        let mut p = Postings::default();
        p.add(1, 10);
        p.add(1, 11);
        p.add(2, 11);
        assert_eq!(p.get(1), [10, 11]);
        assert!(p.get(3).is_empty());
        p.retain(|s| s == 10);
        assert_eq!(p.get(1), [10]);
        assert_eq!(p.len(), 1);
    }

    #[test]
    fn a_tally_sums_per_story_and_forgets_old_stories() {
        let mut t = Tally::default();
        t.add(&[3, 5], 1.0);
        t.add(&[5, 9], 0.5);
        t.add(&[7], 0.0);
        let mut sums: Vec<_> = t.drain().collect();
        sums.sort_by_key(|s| s.0);
        assert_eq!(sums, [(3, 1.0), (5, 1.5), (9, 0.5)]);
        assert_eq!(t.drain().count(), 0, "drained");
        t.forget_below(5);
        t.add(&[3, 5, 6], 2.0);
        let mut sums: Vec<_> = t.drain().collect();
        sums.sort_by_key(|s| s.0);
        assert_eq!(sums, [(5, 2.0), (6, 2.0)], "story 3 is below the base");
    }
}
