//! A story's centroid: the sum of its articles' normalised vectors, kept to its heaviest
//! terms so that a story of ten thousand articles costs no more than one of fifty. Because
//! the members are unit vectors, the sum also tells how alike they are (`cohesion`) and
//! how close a new article is to them on average (`mean_cosine`).

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;

use crate::vector::Sparse;

#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
#[serde(from = "Stored", into = "Stored")]
pub struct Centroid {
    weights: FxHashMap<u64, f32>,
    norm_sq: f32,
    /// How many vectors were added.
    members: u32,
    filter: FeatureFilter,
}

/// What a checkpoint keeps of a centroid: the filter is rebuilt from the weights.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    weights: FxHashMap<u64, f32>,
    norm_sq: f32,
    members: u32,
}

impl From<Stored> for Centroid {
    fn from(s: Stored) -> Self {
        let filter = FeatureFilter::of(&s.weights);
        Centroid { weights: s.weights, norm_sq: s.norm_sq, members: s.members, filter }
    }
}

impl From<Centroid> for Stored {
    fn from(c: Centroid) -> Self {
        Stored { weights: c.weights, norm_sq: c.norm_sq, members: c.members }
    }
}

impl Centroid {
    /// Dot product with a sparse vector.
    pub fn dot(&self, v: &Sparse) -> f32 {
        v.iter().filter(|(h, _)| self.filter.may_hold(*h)).filter_map(|(h, w)| self.weights.get(h).map(|c| c * w)).sum()
    }

    /// Cosine with a normalised sparse vector.
    pub fn cosine(&self, v: &Sparse) -> f32 {
        self.cosine_from_dot(self.dot(v))
    }

    /// Cosine with a vector whose dot product with the centroid is known.
    pub fn cosine_from_dot(&self, dot: f32) -> f32 {
        if self.norm_sq <= 0.0 { 0.0 } else { dot / self.norm_sq.sqrt() }
    }

    /// The mean cosine of a vector (given its dot product with the centroid) with the
    /// members: the dot product with a sum is the sum of the dot products.
    pub fn mean_cosine(&self, dot: f32) -> f32 {
        if self.members == 0 { 0.0 } else { dot / self.members as f32 }
    }

    /// The mean cosine between two members, from |Σv|² = n + 2·Σ(i<j) vi·vj for unit
    /// vectors (`None` below two members). Pruning drops light terms from the sum, so
    /// for large stories this runs a little low, never high.
    pub fn cohesion(&self) -> Option<f32> {
        let n = self.members as f32;
        (self.members >= 2).then(|| ((self.norm_sq - n) / (n * (n - 1.0))).max(0.0))
    }

    pub fn members(&self) -> u32 {
        self.members
    }

    /// Adds a vector; keeps at most `max_terms` terms (the heaviest). Each feature the
    /// centroid did not hold is told to `new` (story frequencies count them).
    pub fn add(&mut self, v: &Sparse, max_terms: usize, new: impl FnMut(u64)) {
        self.add_sum(v, 1, max_terms, new);
    }

    /// Adds another centroid: the sum of both stories' articles.
    pub fn merge(&mut self, other: &Centroid, max_terms: usize, new: impl FnMut(u64)) {
        let mut v: Sparse = other.weights.iter().map(|(h, w)| (*h, *w)).collect();
        v.sort_unstable_by_key(|(h, _)| *h);
        self.add_sum(&v, other.members, max_terms, new);
    }

    /// The mean cosine between a member of this centroid and one of `other`: the dot
    /// product of two sums is the sum of the members' pairwise dot products.
    pub fn mean_cosine_with(&self, other: &Centroid) -> f32 {
        let (small, large) = if self.weights.len() <= other.weights.len() { (self, other) } else { (other, self) };
        let dot: f32 = small.weights.iter().filter_map(|(h, w)| large.weights.get(h).map(|o| o * w)).sum();
        let pairs = self.members as f32 * other.members as f32;
        if pairs == 0.0 { 0.0 } else { dot / pairs }
    }

    /// The features the centroid holds, in no particular order.
    pub fn features(&self) -> impl Iterator<Item = u64> + '_ {
        self.weights.keys().copied()
    }

    /// Adds `v`, the sum of `members` unit vectors.
    fn add_sum(&mut self, v: &Sparse, members: u32, max_terms: usize, mut new: impl FnMut(u64)) {
        let dot = self.dot(v);
        let v_sq: f32 = v.iter().map(|(_, w)| w * w).sum();
        for (h, w) in v {
            match self.weights.entry(*h) {
                Entry::Occupied(mut e) => *e.get_mut() += w,
                Entry::Vacant(e) => {
                    e.insert(*w);
                    new(*h);
                    self.filter.insert(*h);
                }
            }
        }
        if !self.filter.is_active() && self.weights.len() >= FILTER_FROM_TERMS {
            self.filter = FeatureFilter::of(&self.weights);
        }
        self.norm_sq += 2.0 * dot + v_sq;
        self.members += members;
        // Pruning is amortised: only when the centroid is well over its budget.
        if self.weights.len() > max_terms + max_terms / 2 {
            self.prune(max_terms);
        }
    }

    fn prune(&mut self, max_terms: usize) {
        let mut all: Vec<(u64, f32)> = self.weights.drain().collect();
        all.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(max_terms);
        self.norm_sq = all.iter().map(|(_, w)| w * w).sum();
        self.weights.extend(all);
        self.filter = FeatureFilter::of(&self.weights);
    }

    pub fn weight(&self, hash: u64) -> f32 {
        self.weights.get(&hash).copied().unwrap_or(0.0)
    }

    /// The heaviest terms, heaviest first (ties by hash, for determinism).
    pub fn top(&self, n: usize) -> Vec<(u64, f32)> {
        let mut all: Vec<(u64, f32)> = self.weights.iter().map(|(h, w)| (*h, *w)).collect();
        all.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(n);
        all
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }
}

/// Bits in a feature filter: over ten per term a full centroid keeps, so that about nine
/// in ten features it does not hold are ruled out without a hash-map probe.
const FILTER_BITS: usize = 4096;
/// Centroids with fewer terms have no filter: probing a few terms directly is cheap, and
/// a headline stream keeps thousands of such stories.
const FILTER_FROM_TERMS: usize = 64;

/// One bit per feature hash (mod [`FILTER_BITS`]) that a centroid holds. Scoring a
/// candidate story probes its centroid with every feature of the article; most probes
/// miss, and their cache misses were the largest single cost of placing an article
/// (`tidings bench --articles 100000`: about 11,300 -> 12,100 articles/s). The filter is
/// one small array that stays in cache while a story is scored.
#[derive(Debug, Default, Clone)]
struct FeatureFilter(Vec<u64>);

impl FeatureFilter {
    /// The filter of a centroid's terms, or none for a small centroid.
    fn of(weights: &FxHashMap<u64, f32>) -> Self {
        let mut filter = Self::default();
        if weights.len() >= FILTER_FROM_TERMS {
            filter.0 = vec![0; FILTER_BITS / 64];
            weights.keys().for_each(|&h| filter.insert(h));
        }
        filter
    }

    fn is_active(&self) -> bool {
        !self.0.is_empty()
    }

    /// Notes a feature (nothing to do without a filter).
    fn insert(&mut self, hash: u64) {
        let bit = hash as usize % FILTER_BITS;
        if let Some(word) = self.0.get_mut(bit / 64) {
            *word |= 1 << (bit % 64);
        }
    }

    /// False only if the centroid certainly lacks the feature.
    fn may_hold(&self, hash: u64) -> bool {
        let bit = hash as usize % FILTER_BITS;
        self.0.get(bit / 64).is_none_or(|word| word & (1 << (bit % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_tracks_incremental_norm() {
        let mut c = Centroid::default();
        let a = vec![(1, 0.6), (2, 0.8)];
        let b = vec![(2, 0.6), (3, 0.8)];
        let mut new = Vec::new();
        c.add(&a, 100, |h| new.push(h));
        assert!((c.cosine(&a) - 1.0).abs() < 1e-5);
        c.add(&b, 100, |h| new.push(h));
        assert_eq!(new, [1, 2, 3], "each feature is new once");
        let exact = (0.6 * 0.6 + 1.4 * 1.4 + 0.8 * 0.8f32).sqrt();
        assert!((c.norm_sq.sqrt() - exact).abs() < 1e-5);
        assert!((c.cosine(&a) - (0.36 + 1.12) / exact).abs() < 1e-5);
    }

    #[test]
    fn cohesion_and_mean_cosine_are_the_pairwise_means() {
        let mut c = Centroid::default();
        c.add(&vec![(1, 0.6), (2, 0.8)], 100, |_| {});
        assert_eq!(c.cohesion(), None, "one member has no pairs");
        c.add(&vec![(2, 0.6), (3, 0.8)], 100, |_| {});
        c.add(&vec![(1, 1.0)], 100, |_| {});
        assert_eq!(c.members(), 3);
        // Pairwise cosines 0.48, 0.6 and 0.
        let cohesion = c.cohesion().expect("three members");
        assert!((cohesion - 0.36).abs() < 1e-5, "{cohesion}");
        // Cosines of (2: 1.0) with the members: 0.8, 0.6, 0.
        let v = vec![(2, 1.0)];
        assert!((c.mean_cosine(c.dot(&v)) - 1.4 / 3.0).abs() < 1e-5);
    }

    /// Hashes spread like real feature hashes (they are xxh3 values).
    fn spread(i: u64) -> u64 {
        i.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    #[test]
    fn the_filter_never_hides_a_held_feature() {
        let mut c = Centroid::default();
        let mut held: Sparse = (0..200).map(|i| (spread(i), 0.05)).collect();
        held.sort_unstable_by_key(|(h, _)| *h);
        c.add(&held, 120, |_| {});
        assert_eq!(c.weights.len(), 120, "pruned, and the filter rebuilt");
        assert!(c.filter.is_active(), "a full-text centroid has a filter");
        // Half of the query's features are held (some of them pruned), half never were.
        let mut query: Sparse = (100..300).map(|i| (spread(i), 0.1)).collect();
        query.sort_unstable_by_key(|(h, _)| *h);
        let expected: f32 = query.iter().map(|(h, w)| w * c.weight(*h)).sum();
        assert!(expected > 0.0);
        assert!((c.dot(&query) - expected).abs() < 1e-6);
        // A checkpoint keeps no filter; the resumed centroid rebuilds it.
        let resumed = Centroid::from(Stored::from(c.clone()));
        assert!(resumed.filter.is_active());
        assert!((resumed.dot(&query) - expected).abs() < 1e-6);
        // A headline-sized centroid has none and still finds its terms.
        let mut small = Centroid::default();
        small.add(&vec![(spread(1), 1.0)], 150, |_| {});
        assert!(!small.filter.is_active());
        assert!((small.dot(&vec![(spread(1), 0.5)]) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn pruning_keeps_the_heaviest_terms() {
        let mut c = Centroid::default();
        let v: Sparse = (0..40).map(|h| (h, (h + 1) as f32 / 100.0)).collect();
        c.add(&v, 10, |_| {});
        assert_eq!(c.weights.len(), 10);
        assert_eq!(c.top(1)[0].0, 39);
        assert_eq!(c.weight(0), 0.0);
    }
}
