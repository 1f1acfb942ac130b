//! The semantic vectors' background: what every article of a language has in common.
//!
//! A static model's text vector is a sum of token vectors, and the sum of any few hundred
//! tokens of one language points much the same way: in a full-text English corpus every
//! two articles' vectors had a cosine of about 0.97, same story or not. Removing that
//! common part (the running mean of the language's article vectors, as SIF removes a
//! corpus's common component) leaves what tells articles apart: same-story pairs then
//! had a median cosine of 0.56 and other pairs about 0 (ECB+; the cross-language pairs of
//! `examples/crosslang.jsonl` 0.47 against 0). The mean is the stream's own, so no corpus
//! statistics ship with a model.

use rustc_hash::FxHashMap;
use tidings_analyze::Lang;

/// The mean follows about this many recent articles of a language (the stream's words
/// drift), and weighs the first ones equally until there are that many.
const MEMORY: f32 = 10_000.0;

/// The running mean of each language's article vectors.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Background {
    means: FxHashMap<Lang, (Vec<f32>, f32)>,
}

impl Background {
    /// Counts an article's vector in its language's mean.
    pub fn observe(&mut self, lang: Lang, v: &[f32]) {
        if v.is_empty() {
            return;
        }
        let (mean, n) = self.means.entry(lang).or_insert_with(|| (vec![0.0; v.len()], 0.0));
        if mean.len() != v.len() {
            return;
        }
        *n = (*n + 1.0).min(MEMORY);
        let rate = 1.0 / *n;
        mean.iter_mut().zip(v).for_each(|(m, x)| *m += rate * (x - *m));
    }

    /// The vector without its language's mean, normalised; empty where nothing is left
    /// (no vector, or no mean to remove yet).
    pub fn centred(&self, lang: Lang, v: &[f32]) -> Vec<f32> {
        let Some((mean, _)) = self.means.get(&lang).filter(|(m, _)| m.len() == v.len()) else {
            return Vec::new();
        };
        let mut out: Vec<f32> = v.iter().zip(mean).map(|(x, m)| x - m).collect();
        let norm = out.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm <= 1e-6 {
            return Vec::new();
        }
        out.iter_mut().for_each(|x| *x /= norm);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_languages_articles_share_is_removed() {
        let mut b = Background::default();
        // Every English vector leans on the first axis; the stories differ on the others.
        let a = [0.9, 0.3, 0.0];
        let c = [0.9, 0.0, 0.3];
        for v in [a, c, a, c] {
            b.observe(Lang::English, &v);
        }
        let (ca, cc) = (b.centred(Lang::English, &a), b.centred(Lang::English, &c));
        let dot = |x: &[f32], y: &[f32]| x.iter().zip(y).map(|(p, q)| p * q).sum::<f32>();
        assert!(dot(&a, &c) > 0.8, "alike before");
        assert!(dot(&ca, &cc) < -0.99, "opposite once the shared lean is gone: {ca:?} {cc:?}");
        assert!((dot(&ca, &ca) - 1.0).abs() < 1e-5);
    }

    #[test]
    fn languages_keep_their_own_means_and_nothing_is_invented() {
        let mut b = Background::default();
        b.observe(Lang::English, &[1.0, 0.0]);
        assert!(b.centred(Lang::Bokmal, &[1.0, 0.0]).is_empty(), "no Norwegian mean yet");
        assert!(b.centred(Lang::English, &[1.0, 0.0]).is_empty(), "the mean itself leaves nothing");
        assert!(b.centred(Lang::English, &[]).is_empty());
        assert_eq!(b.centred(Lang::English, &[0.0, 1.0]).len(), 2);
        b.observe(Lang::English, &[1.0, 0.0, 0.0]);
        assert!(b.centred(Lang::English, &[1.0, 0.0, 0.0]).is_empty(), "another model's shape is ignored");
    }
}
