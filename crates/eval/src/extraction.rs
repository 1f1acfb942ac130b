//! Scoring a main-text extractor against pages whose wanted text someone else marked.
//!
//! Two kinds of gold: *snippets* (trafilatura's evaluation pages: for each page, passages
//! the main text must hold and passages of boilerplate it must not; scored as trafilatura
//! scores them, counting passages over the whole set) and *bodies* (the whole main text,
//! as CleanEval gives it; scored by 4-gram word shingles, precision and recall per page,
//! averaged).

use std::collections::HashSet;

/// One page's snippet gold.
#[derive(Debug, Clone, PartialEq)]
pub struct SnippetGold {
    /// Passages the main text must contain.
    pub with: Vec<String>,
    /// Passages it must not contain (navigation, bylines, teasers, footers).
    pub without: Vec<String>,
}

/// Passage counts over a set of pages.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SnippetScores {
    /// Wanted passages found.
    pub found: usize,
    /// Wanted passages missed.
    pub missed: usize,
    /// Boilerplate passages kept.
    pub kept_boilerplate: usize,
    /// Boilerplate passages left out.
    pub left_out: usize,
}

impl SnippetScores {
    /// Counts one page's passages in `output` (spacing ignored on both sides).
    pub fn add(&mut self, gold: &SnippetGold, output: &str) {
        let output = squeeze(output);
        for passage in &gold.with {
            if output.contains(&squeeze(passage)) {
                self.found += 1;
            } else {
                self.missed += 1;
            }
        }
        for passage in &gold.without {
            if output.contains(&squeeze(passage)) {
                self.kept_boilerplate += 1;
            } else {
                self.left_out += 1;
            }
        }
    }

    /// Found wanted passages among all passages the output holds.
    pub fn precision(&self) -> f64 {
        ratio(self.found, self.found + self.kept_boilerplate)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.found, self.found + self.missed)
    }

    pub fn f1(&self) -> f64 {
        harmonic(self.precision(), self.recall())
    }
}

/// Precision and recall of `output` against `gold` by 4-gram word shingles (lowercase,
/// punctuation kept with its word). An empty side scores 0 unless both are empty.
pub fn shingle_scores(output: &str, gold: &str) -> (f64, f64) {
    let (out, wanted) = (shingles(output), shingles(gold));
    if out.is_empty() && wanted.is_empty() {
        return (1.0, 1.0);
    }
    let shared = out.intersection(&wanted).count();
    (ratio(shared, out.len()), ratio(shared, wanted.len()))
}

/// Per-page shingle scores averaged: (precision, recall, F1 of the averages).
pub fn averaged(pages: &[(f64, f64)]) -> (f64, f64, f64) {
    let n = pages.len().max(1) as f64;
    let p = pages.iter().map(|s| s.0).sum::<f64>() / n;
    let r = pages.iter().map(|s| s.1).sum::<f64>() / n;
    (p, r, harmonic(p, r))
}

fn shingles(text: &str) -> HashSet<Vec<String>> {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    if words.len() < 4 {
        return if words.is_empty() { HashSet::new() } else { HashSet::from([words]) };
    }
    words.windows(4).map(<[String]>::to_vec).collect()
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

fn harmonic(p: f64, r: f64) -> f64 {
    if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_count_over_pages_with_spacing_ignored() {
        let gold = SnippetGold {
            with: vec!["The ferry  ran aground".into(), "All 43 were saved.".into()],
            without: vec!["Share this".into(), "Cookie settings".into()],
        };
        let mut scores = SnippetScores::default();
        scores.add(&gold, "The ferry\nran aground at dawn. Share this story.");
        assert_eq!(scores, SnippetScores { found: 1, missed: 1, kept_boilerplate: 1, left_out: 1 });
        assert!((scores.precision() - 0.5).abs() < 1e-9 && (scores.recall() - 0.5).abs() < 1e-9);
    }

    #[test]
    fn shingles_score_what_was_kept_and_what_was_missed() {
        let gold = "the ferry ran aground at dawn and all were saved";
        assert_eq!(shingle_scores(gold, gold), (1.0, 1.0));
        let (p, r) = shingle_scores("Published 11:11 PM the ferry ran aground at dawn", gold);
        assert!((p - 3.0 / 6.0).abs() < 1e-9, "{p}");
        assert!((r - 3.0 / 7.0).abs() < 1e-9, "{r}");
        assert_eq!(shingle_scores("", gold), (0.0, 0.0));
        let (p, r, f) = averaged(&[(1.0, 0.5), (0.5, 1.0)]);
        assert!((p - 0.75).abs() < 1e-9 && (r - 0.75).abs() < 1e-9 && (f - 0.75).abs() < 1e-9);
    }
}
