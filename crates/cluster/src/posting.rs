//! The inverted index from features to the active stories that contain them: how an
//! article finds its candidate stories without comparing itself with every story.
//!
//! Each active story holds a *slot*, a small number reused once the story retires, and a
//! posting names both: sums per candidate go to an array as long as the most stories ever
//! active at once, however many stories the stream has made (story ids only grow, and one
//! long-running story kept an array indexed by id as long as the whole stream: 1.9 MB of
//! sums at a million articles, each lookup a cache miss). A posting whose slot now holds
//! another story is stale; lookups skip it and [`Postings::sweep`] drops it.

use rustc_hash::FxHashMap;

pub type StoryId = u32;

/// A story in one feature's posting list, with the slot it held when it was added.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
struct Posting {
    slot: u32,
    story: StoryId,
}

/// A slot that no story holds.
const VACANT: StoryId = StoryId::MAX;

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Postings {
    lists: FxHashMap<u64, Vec<Posting>>,
    /// The story in each slot, or [`VACANT`].
    slots: Vec<StoryId>,
    /// Vacant slots, reused last-freed first.
    free: Vec<u32>,
    /// The slot of each open story.
    slot_of: FxHashMap<StoryId, u32>,
    /// Reused by every candidate search; holds only zeros between searches.
    #[serde(skip)]
    tally: Tally,
}

impl Postings {
    /// A story starts taking articles: it gets a slot.
    pub fn open(&mut self, story: StoryId) {
        let slot = self.free.pop().unwrap_or_else(|| {
            self.slots.push(VACANT);
            (self.slots.len() - 1) as u32
        });
        self.slots[slot as usize] = story;
        self.slot_of.insert(story, slot);
    }

    /// A story stops taking articles (it retired, or merged into another): its postings
    /// go stale and its slot is free for the next story.
    pub fn close(&mut self, story: StoryId) {
        if let Some(slot) = self.slot_of.remove(&story)
            && let Some(held) = self.slots.get_mut(slot as usize)
        {
            *held = VACANT;
            self.free.push(slot);
        }
    }

    /// Files an open story under a feature (a closed story is not filed).
    pub fn add(&mut self, hash: u64, story: StoryId) {
        if let Some(&slot) = self.slot_of.get(&story) {
            self.lists.entry(hash).or_default().push(Posting { slot, story });
        }
    }

    /// Length of a feature's list, stale postings included.
    #[cfg(test)]
    pub fn len_of(&self, hash: u64) -> usize {
        self.lists.get(&hash).map_or(0, Vec::len)
    }

    /// Whether an open story is filed under a feature.
    #[cfg(test)]
    pub fn finds(&self, hash: u64, story: StoryId) -> bool {
        self.lists.get(&hash).is_some_and(|list| list.iter().any(|p| p.story == story && holds(&self.slots, p)))
    }

    /// Sums each open story's weight over the given features (those with lists no longer
    /// than `max_len`): every story with a sum, once each, in the order first met.
    pub fn tally(&mut self, query: &[(u64, f32)], max_len: usize) -> Vec<(StoryId, f32)> {
        let (tally, slots) = (&mut self.tally, &self.slots);
        tally.fit(slots.len());
        for &(hash, weight) in query {
            let Some(list) = self.lists.get(&hash).filter(|l| l.len() <= max_len) else { continue };
            if weight > 0.0 {
                tally.add(list.iter().filter(|p| holds(slots, p)).map(|p| p.slot), weight);
            }
        }
        tally.drain().map(|(slot, sum)| (slots[slot as usize], sum)).collect()
    }

    /// Drops the postings of closed stories.
    pub fn sweep(&mut self) {
        let slots = &self.slots;
        self.lists.retain(|_, list| {
            list.retain(|p| holds(slots, p));
            !list.is_empty()
        });
    }

    /// Number of features with a posting list.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lists.len()
    }
}

/// Whether a posting's story still holds its slot (`get`: a damaged checkpoint must not
/// make a lookup panic).
fn holds(slots: &[StoryId], p: &Posting) -> bool {
    slots.get(p.slot as usize) == Some(&p.story)
}

/// Per-slot sums for one candidate search: adding a posting is an index into an array as
/// long as the most stories ever open at once, not a hash-map entry (a common word's list
/// holds hundreds of stories, and an article looks up dozens of words).
#[derive(Debug, Default)]
struct Tally {
    sums: Vec<f32>,
    touched: Vec<u32>,
}

impl Tally {
    fn fit(&mut self, slots: usize) {
        if self.sums.len() < slots {
            self.sums.resize(slots, 0.0);
        }
    }

    /// Adds a positive `weight` to the sum of every slot given.
    fn add(&mut self, slots: impl Iterator<Item = u32>, weight: f32) {
        for slot in slots {
            let sum = &mut self.sums[slot as usize];
            if *sum == 0.0 {
                self.touched.push(slot);
            }
            *sum += weight;
        }
    }

    /// The slots with a sum, each once, with their sums; leaves the tally empty.
    fn drain(&mut self) -> impl Iterator<Item = (u32, f32)> + '_ {
        let sums = &mut self.sums;
        self.touched.drain(..).map(move |slot| (slot, std::mem::take(&mut sums[slot as usize])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut v: Vec<(StoryId, f32)>) -> Vec<(StoryId, f32)> {
        v.sort_by_key(|s| s.0);
        v
    }

    #[test]
    fn open_stories_are_found_closed_ones_are_swept() {
        let mut p = Postings::default();
        p.open(10);
        p.open(11);
        p.add(1, 10);
        p.add(1, 11);
        p.add(2, 11);
        assert!(p.finds(1, 10) && p.finds(1, 11) && p.finds(2, 11));
        assert!(!p.finds(3, 10));
        p.close(11);
        assert!(!p.finds(1, 11), "closed");
        assert_eq!(p.len_of(1), 2, "stale postings stay until swept");
        p.sweep();
        assert_eq!(p.len_of(1), 1);
        assert_eq!(p.len(), 1, "a list left empty goes");
        p.add(2, 11);
        assert_eq!(p.len_of(2), 0, "a closed story is not filed");
    }

    #[test]
    fn a_tally_sums_per_open_story_and_skips_a_reused_slots_old_postings() {
        let mut p = Postings::default();
        for story in [3, 5, 9] {
            p.open(story);
        }
        p.add(1, 3);
        p.add(1, 5);
        p.add(2, 5);
        p.add(2, 9);
        p.add(3, 9);
        let query = [(1, 1.0), (2, 0.5), (3, 0.0)];
        assert_eq!(sorted(p.tally(&query, 10)), [(3, 1.0), (5, 1.5), (9, 0.5)]);
        assert_eq!(p.tally(&[], 10), [], "drained");
        assert_eq!(sorted(p.tally(&query, 1)), [], "lists longer than the limit are not read");
        p.close(3);
        p.open(12);
        assert_eq!(p.slots.iter().filter(|&&s| s != VACANT).count(), 3, "story 12 took story 3's slot");
        p.add(2, 12);
        assert_eq!(sorted(p.tally(&query, 10)), [(5, 1.5), (9, 0.5), (12, 0.5)], "3's posting under 1 is stale");
    }
}
