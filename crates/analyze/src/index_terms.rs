//! Words as a full-text index wants them: every word (stop words too, so that phrases
//! match), lowercased and stemmed with the article's language, and, at the same position,
//! the stems of a compound's parts, so that a search for *atomprogram* finds
//! *atomvåpenprogram*. The same rules as the clusterer's, so search and stories agree on
//! what a word is.

use unicode_segmentation::UnicodeSegmentation;

use crate::Lang;
use crate::compound::Decompounder;
use crate::stem::Stemmers;

/// One indexed term: its text, its word's position and the word's byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexTerm<'a> {
    pub text: &'a str,
    pub position: usize,
    pub start: usize,
    pub end: usize,
}

pub struct IndexTerms {
    stemmers: Stemmers,
    compounds: Decompounder,
}

impl Default for IndexTerms {
    fn default() -> Self {
        Self::new()
    }
}

impl IndexTerms {
    pub fn new() -> Self {
        Self { stemmers: Stemmers::new(), compounds: Decompounder::new() }
    }

    /// Calls `f` with each term of `text`, in order.
    pub fn for_each(&self, lang: Lang, text: &str, mut f: impl FnMut(IndexTerm<'_>)) {
        for (position, (start, word)) in text.unicode_word_indices().enumerate() {
            let end = start + word.len();
            let lower = word.to_lowercase();
            f(IndexTerm { text: &self.stemmers.stem(lang, &lower), position, start, end });
            for part in self.compounds.split(lang, &lower) {
                f(IndexTerm { text: &self.stemmers.stem(lang, part), position, start, end });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(lang: Lang, text: &str) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        IndexTerms::new().for_each(lang, text, |t| out.push((t.text.to_string(), t.position)));
        out
    }

    #[test]
    fn compounds_add_their_parts_at_the_same_position() {
        let t = terms(Lang::Bokmal, "Nytt atomvåpenprogram");
        assert_eq!(t[0], ("nytt".to_string(), 0));
        assert!(t.iter().any(|(w, p)| w == "atom" && *p == 1), "{t:?}");
        assert!(t.iter().any(|(w, p)| w == "program" && *p == 1), "{t:?}");
    }

    #[test]
    fn words_are_lowercased_and_stemmed_per_language() {
        assert_eq!(terms(Lang::English, "Ferries CRASHED"), [("ferri".to_string(), 0), ("crash".to_string(), 1)]);
        assert_eq!(terms(Lang::Bokmal, "Ferjene")[0].0, "ferj");
    }
}
