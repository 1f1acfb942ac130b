//! Dedup: near-duplicate detection, so that a wire text republished by twenty outlets is
//! seen once, with every copy kept.
//!
//! Bodies are normalised to words and cut into overlapping word shingles; each body gets a
//! MinHash signature (one-permutation hashing with densification: one hash per shingle,
//! whatever the signature length), and locality-sensitive hashing over bands of the
//! signature finds candidate originals among recent articles. A candidate is a copy when
//! the estimated Jaccard similarity of the two shingle sets reaches the threshold, or when
//! the shorter text lies almost wholly inside the longer one (a trimmed copy), and the
//! numbers of the two texts agree (two weather reports from one template differ exactly
//! there). Headlines are never looked at: outlets rewrite them.

mod detector;
mod minhash;
mod shingle;

pub use detector::{Copy, DedupConfig, Detector};
pub use minhash::{SIGNATURE_LEN, Signature, SignatureBuilder};
pub use shingle::{Shingles, shingles};
