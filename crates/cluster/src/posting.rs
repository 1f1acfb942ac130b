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
}
