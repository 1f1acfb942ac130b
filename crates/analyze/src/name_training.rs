//! Training the name tagger ([`crate::name_tagger`]): the averaged perceptron. Each word
//! is labelled with the weights learned so far, seeing the labels it gave the words
//! before (as at run time); where the label is wrong, the features' weights move towards
//! the right label and away from the wrong one. The weights kept are the average over
//! every step, which generalises far better than the last ones.

use crate::name_tagger::{LABELS, Label, NameTagger, OUTSIDE, Sentence, TaggedName, allowed, labels_of};

/// Learns the tagger's weights one sentence at a time.
pub struct NameTrainer {
    weights: Vec<f32>,
    /// Each weight summed over the steps up to its stamp (lazy averaging).
    totals: Vec<f32>,
    stamps: Vec<u32>,
    step: u32,
    mask: u64,
}

impl NameTrainer {
    /// A trainer with `2^bits` feature buckets.
    pub fn new(bits: u32) -> Self {
        let len = (1usize << bits) * LABELS;
        Self {
            weights: vec![0.0; len],
            totals: vec![0.0; len],
            stamps: vec![0; len],
            step: 0,
            mask: (1u64 << bits) - 1,
        }
    }

    /// Tags one sentence, learns from its mistakes against `gold`, and returns how many
    /// words it labelled wrong.
    pub fn learn(&mut self, sentence: &Sentence<'_>, gold: &[TaggedName]) -> usize {
        let truth = labels_of(gold, sentence.len());
        let mut guessed: Vec<Label> = Vec::with_capacity(sentence.len());
        let mut features = Vec::with_capacity(48);
        let mut wrong = 0;
        for (i, &right) in truth.iter().enumerate() {
            self.step += 1;
            let prev = sentence.joinable(i, guessed.last().copied().unwrap_or(OUTSIDE));
            if sentence.unscored(i, prev) {
                wrong += usize::from(right != OUTSIDE);
                guessed.push(OUTSIDE);
                continue;
            }
            let prev2 = i.checked_sub(2).map_or(OUTSIDE, |p| guessed[p]);
            features.clear();
            sentence.features(i, prev, prev2, &mut features);
            let guess = self.best(&features, prev);
            if guess != right {
                wrong += 1;
                for &f in &features {
                    self.nudge(f, right, 1.0);
                    self.nudge(f, guess, -1.0);
                }
            }
            guessed.push(guess);
        }
        sentence.remember(&guessed);
        wrong
    }

    fn best(&self, features: &[u64], prev: Label) -> Label {
        let mut scores = [0.0f32; LABELS];
        for &f in features {
            let start = (f & self.mask) as usize * LABELS;
            scores.iter_mut().zip(&self.weights[start..start + LABELS]).for_each(|(s, w)| *s += w);
        }
        (0..LABELS).filter(|&l| allowed(prev, l)).max_by(|&a, &b| scores[a].total_cmp(&scores[b])).unwrap_or(OUTSIDE)
    }

    fn nudge(&mut self, feature: u64, label: Label, by: f32) {
        let at = (feature & self.mask) as usize * LABELS + label;
        self.totals[at] += (self.step - self.stamps[at]) as f32 * self.weights[at];
        self.stamps[at] = self.step;
        self.weights[at] += by;
    }

    /// The averaged weights, in the shipped file's format.
    pub fn to_bytes(&self) -> Vec<u8> {
        let steps = self.step.max(1) as f32;
        let averaged: Vec<f32> = (0..self.weights.len())
            .map(|at| (self.totals[at] + (self.step - self.stamps[at]) as f32 * self.weights[at]) / steps)
            .collect();
        NameTagger::to_bytes(&averaged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::EntityKind;
    use crate::name_tagger::begin;
    use crate::token::tokenize;

    fn gold_name(start: usize, end: usize, kind: EntityKind) -> TaggedName {
        TaggedName { start, end, kind }
    }

    #[test]
    fn a_trained_tagger_learns_its_examples() {
        let examples = [
            (
                "Kari Nordmann bor i Tromsø.",
                vec![gold_name(0, 2, EntityKind::Person), gold_name(4, 5, EntityKind::Place)],
            ),
            (
                "Ola Hansen jobber i Equinor.",
                vec![gold_name(0, 2, EntityKind::Person), gold_name(4, 5, EntityKind::Organization)],
            ),
            ("Det regner i dag.", vec![]),
        ];
        let mut trainer = NameTrainer::new(12);
        for _ in 0..10 {
            for (text, gold) in &examples {
                let tokens = tokenize(text);
                trainer.learn(&Sentence::new(text, &tokens), gold);
            }
        }
        let tagger = NameTagger::from_bytes(&trainer.to_bytes()).expect("reads");
        for (text, gold) in &examples {
            let tokens = tokenize(text);
            assert_eq!(&tagger.tag(&Sentence::new(text, &tokens)), gold, "{text}");
        }
    }

    #[test]
    fn gold_names_become_begin_and_inside_labels() {
        let labels = labels_of(&[gold_name(1, 3, EntityKind::Place)], 4);
        assert_eq!(labels, [OUTSIDE, begin(2), begin(2) + 1, OUTSIDE]);
    }
}
