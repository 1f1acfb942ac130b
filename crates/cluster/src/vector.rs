//! Sparse vectors of feature weights, and the corpus statistics that weight them.

use rustc_hash::FxHashMap;
use tidings_analyze::Term;

/// A sparse vector sorted by feature hash.
pub type Sparse = Vec<(u64, f32)>;

/// Document frequencies of features in the stream so far, for IDF weighting. Counted
/// online: an article is weighted by what came before it, as in a real stream.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct DocumentFrequencies {
    df: FxHashMap<u64, u32>,
    docs: u64,
}

impl DocumentFrequencies {
    /// Smoothed inverse document frequency: `ln((1 + N) / (1 + df)) + 1`.
    pub fn idf(&self, hash: u64) -> f32 {
        let df = self.df.get(&hash).copied().unwrap_or(0);
        ((1.0 + self.docs as f32) / (1.0 + df as f32)).ln() + 1.0
    }

    /// Documents (of those counted) that had the feature.
    pub fn count(&self, hash: u64) -> u32 {
        self.df.get(&hash).copied().unwrap_or(0)
    }

    pub fn docs(&self) -> u64 {
        self.docs
    }

    /// Counts one more document without features (they come later, one by one).
    pub fn add_empty_document(&mut self) {
        self.docs += 1;
    }

    /// Counts one feature in one more document (of those counted by
    /// [`DocumentFrequencies::add_empty_document`]).
    pub fn add_feature(&mut self, hash: u64) {
        *self.df.entry(hash).or_insert(0) += 1;
    }

    /// Features counted (with a count above zero).
    pub fn features(&self) -> usize {
        self.df.len()
    }

    /// Halves every count and the number of documents, dropping the features whose count
    /// falls to zero (those seen once since the last halving). A news stream keeps
    /// bringing words it never saw before (names, numbers, typos); without forgetting, the
    /// counts would grow for as long as the stream runs. Halving keeps each feature's share
    /// of the documents, so weights hardly move, and it weighs recent usage more than old.
    pub fn halve(&mut self) {
        self.docs /= 2;
        self.df.retain(|_, n| {
            *n /= 2;
            *n > 0
        });
    }

    /// Uncounts a document counted before (its distinct features). A halving since may
    /// have dropped some of them already.
    pub fn remove_document(&mut self, features: impl IntoIterator<Item = u64>) {
        self.docs = self.docs.saturating_sub(1);
        for h in features {
            if let Some(n) = self.df.get_mut(&h) {
                *n -= 1;
                if *n == 0 {
                    self.df.remove(&h);
                }
            }
        }
    }

    /// Counts one document's distinct features.
    pub fn add_document<'a>(&mut self, features: impl IntoIterator<Item = &'a u64>) {
        self.docs += 1;
        for h in features {
            *self.df.entry(*h).or_insert(0) += 1;
        }
    }
}

/// TF-IDF weights, L2-normalised. `parts` are (terms, scale) pairs merged by hash.
pub fn weighted(parts: &[(&[Term], f32)], df: &DocumentFrequencies) -> Sparse {
    let mut v: Sparse = Vec::with_capacity(parts.iter().map(|(t, _)| t.len()).sum());
    for (terms, scale) in parts {
        v.extend(terms.iter().map(|t| (t.hash, t.weight * scale)));
    }
    v.sort_unstable_by_key(|&(h, _)| h);
    v.dedup_by(|next, prev| {
        if next.0 == prev.0 {
            prev.1 += next.1;
            true
        } else {
            false
        }
    });
    for (h, w) in &mut v {
        *w *= df.idf(*h);
    }
    normalise(&mut v);
    v
}

pub fn normalise(v: &mut Sparse) {
    let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in v.iter_mut() {
            *w /= norm;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_features_weigh_more() {
        let mut df = DocumentFrequencies::default();
        for _ in 0..10 {
            df.add_document(&[1u64]);
        }
        df.add_document(&[1u64, 2]);
        assert!(df.idf(2) > df.idf(1));
        assert!(df.idf(3) > df.idf(2));
        let terms = [Term { hash: 1, weight: 1.0 }, Term { hash: 2, weight: 1.0 }];
        let v = weighted(&[(&terms, 1.0)], &df);
        assert!(v[1].1 > v[0].1);
        let norm: f32 = v.iter().map(|(_, w)| w * w).sum();
        assert!((norm - 1.0).abs() < 1e-5);
    }

    #[test]
    fn a_removed_document_is_uncounted() {
        let mut df = DocumentFrequencies::default();
        df.add_document(&[1u64, 2]);
        df.add_document(&[1u64]);
        df.remove_document([1, 2, 3]);
        assert_eq!((df.docs(), df.count(1), df.count(2), df.features()), (1, 1, 0, 1));
    }

    #[test]
    fn parts_merge_by_hash() {
        let df = DocumentFrequencies::default();
        let a = [Term { hash: 5, weight: 1.0 }];
        let b = [Term { hash: 5, weight: 1.0 }, Term { hash: 9, weight: 2.0 }];
        let v = weighted(&[(&a, 2.0), (&b, 1.0)], &df);
        assert_eq!(v.len(), 2);
        assert!((v[0].1 / v[1].1 - 1.5).abs() < 1e-5, "weights 3 and 2: {v:?}");
    }

    #[test]
    fn halving_forgets_features_seen_once_and_keeps_the_weights_of_the_rest() {
        let mut df = DocumentFrequencies::default();
        for i in 0..100u64 {
            // Feature 1 in every document, 2 in every tenth, and one new feature each.
            let tenth = i % 10 == 0;
            df.add_document(if tenth { vec![1, 2, 1000 + i] } else { vec![1, 1000 + i] }.iter());
        }
        let (common, rare) = (df.idf(1), df.idf(2));
        df.halve();
        assert_eq!((df.docs(), df.features()), (50, 2), "the hundred one-off features are gone");
        assert_eq!((df.count(1), df.count(2)), (50, 5));
        assert!((df.idf(1) - common).abs() < 0.02 && (df.idf(2) - rare).abs() < 0.1);
    }
}
