//! Weighted features of an article: terms (stems and compound parts), numbers and entity
//! keys, each identified by a stable 64-bit hash so that stages and runs agree on them.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// One feature and its weight in an article (a dampened term frequency).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Term {
    pub hash: u64,
    pub weight: f32,
}

/// Feature namespaces: a number and a word, or an entity key and a stem, never collide.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Word = 1,
    Number = 2,
    Entity = 3,
    /// A concept of the cross-language lexicon (`concept.rs`).
    Concept = 4,
}

pub fn feature_hash(kind: Kind, text: &str) -> u64 {
    xxh3_64_with_seed(text.as_bytes(), kind as u64)
}

/// Collects raw (hash, count) pairs, then merges them into a sorted, deduplicated bag
/// with dampened weights (1 + ln tf), so one repeated word cannot dominate an article.
#[derive(Default)]
pub struct TermBag {
    raw: Vec<(u64, f32, u32)>,
}

impl TermBag {
    /// Adds `weight` for `hash`; `source` is the index of the word it came from, kept to
    /// label the term later.
    pub fn add(&mut self, hash: u64, weight: f32, source: u32) {
        self.raw.push((hash, weight, source));
    }

    /// The merged bag, sorted by hash, with the first source word of each term.
    pub fn finish(mut self) -> Vec<(Term, u32)> {
        self.raw.sort_unstable_by_key(|&(h, _, s)| (h, s));
        let mut out: Vec<(Term, u32)> = Vec::with_capacity(self.raw.len());
        for (hash, weight, source) in self.raw {
            match out.last_mut() {
                Some((t, _)) if t.hash == hash => t.weight += weight,
                _ => out.push((Term { hash, weight }, source)),
            }
        }
        for (t, _) in &mut out {
            t.weight = dampen(t.weight);
        }
        out
    }
}

fn dampen(tf: f32) -> f32 {
    if tf > 1.0 { 1.0 + tf.ln() } else { tf }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bag_merges_and_dampens() {
        let mut bag = TermBag::default();
        bag.add(7, 1.0, 3);
        bag.add(2, 0.5, 1);
        bag.add(7, 1.0, 0);
        bag.add(7, 1.0, 9);
        let terms = bag.finish();
        assert_eq!(terms.len(), 2);
        assert_eq!((terms[0].0.hash, terms[0].0.weight, terms[0].1), (2, 0.5, 1));
        assert_eq!((terms[1].0.hash, terms[1].1), (7, 0));
        assert!((terms[1].0.weight - (1.0 + 3f32.ln())).abs() < 1e-6);
    }

    #[test]
    fn namespaces_do_not_collide() {
        assert_ne!(feature_hash(Kind::Word, "2019"), feature_hash(Kind::Number, "2019"));
        assert_eq!(feature_hash(Kind::Entity, "putin"), feature_hash(Kind::Entity, "putin"));
    }
}
