//! Property test of the MinHash estimator: for sets with a known Jaccard similarity, the
//! estimate stays within five standard errors (sqrt(J(1-J)/128)) plus a small margin.

use proptest::prelude::*;
use tidings_dedup::{SIGNATURE_LEN, Signature};

fn hashes(ids: impl Iterator<Item = u64>, seed: u64) -> Vec<u64> {
    ids.map(|i| xxhash_rust::xxh3::xxh3_64_with_seed(&i.to_le_bytes(), seed)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn jaccard_estimate_is_within_the_error_bound(shared in 0u64..600, only_a in 0u64..300, only_b in 0u64..300, seed in any::<u64>()) {
        prop_assume!(shared + only_a + only_b > 0);
        let a = hashes((0..shared).chain(10_000..10_000 + only_a), seed);
        let b = hashes((0..shared).chain(20_000..20_000 + only_b), seed);
        let truth = shared as f64 / (shared + only_a + only_b) as f64;
        let (Some(sa), Some(sb)) = (Signature::of(&a), Signature::of(&b)) else {
            return Ok(());
        };
        let estimate = f64::from(sa.jaccard(&sb));
        let sigma = (truth * (1.0 - truth) / SIGNATURE_LEN as f64).sqrt();
        prop_assert!((estimate - truth).abs() <= 5.0 * sigma + 0.03, "J {truth:.3}, estimate {estimate:.3}");
    }
}
