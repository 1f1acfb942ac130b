//! Words as a full-text index wants them: every word (stop words too, so that phrases
//! match), lowercased and stemmed with the article's language, and, at the same position,
//! the stems of a compound's parts, so that a search for *atomprogram* finds
//! *atomvåpenprogram*. The same rules as the clusterer's, so search and stories agree on
//! what a word is.

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

    /// Calls `f` with each term of `text`, in order. A compound gives its parts instead
    /// of itself, all at its position: a query is analysed the same way, so *atomprogram*
    /// (atom, program) finds *atomvåpenprogrammet* (atom, våpen, program) as a phrase of
    /// parts at one position, and a compound still finds itself.
    pub fn for_each(&self, lang: Lang, text: &str, mut f: impl FnMut(IndexTerm<'_>)) {
        for (position, (start, word)) in crate::words::word_indices(text).enumerate() {
            let end = start + word.len();
            for term in self.word_terms(lang, word) {
                f(IndexTerm { text: &term, position, start, end });
            }
        }
    }

    /// At most how many bytes a term of a word of `word_bytes` bytes has. Stemming and
    /// splitting compounds only shorten words (Snowball's German *ß* → *ss* keeps the byte
    /// count); lowercasing may lengthen a few capitals (*İ*, 2 bytes → *i̇*, 3 bytes). So a
    /// reader looking for long terms may skip short words without analysing them.
    pub fn longest_term_bytes(word_bytes: usize) -> usize {
        word_bytes + word_bytes / 2
    }

    /// The terms of one word (as [`IndexTerms::for_each`] gives them). Depends on nothing
    /// but the word and language, so callers may cache it.
    pub fn word_terms(&self, lang: Lang, word: &str) -> Vec<String> {
        let lower = word.to_lowercase();
        let parts = self.compounds.split(lang, &lower);
        let words = if parts.is_empty() { vec![lower.as_str()] } else { parts };
        words.into_iter().map(|w| undouble(lang, &self.stemmers.stem(lang, w)).to_string()).collect()
    }
}

/// Norwegian and Swedish stems keep a doubled final consonant that the uninflected word
/// lacks (*programmet* → *programm*, *program* → *program*); the index drops it so both
/// meet. Short stems keep it (*takk* is not *tak*). Danish Snowball already undoubles.
fn undouble(lang: Lang, stem: &str) -> &str {
    if !matches!(lang, Lang::Bokmal | Lang::Nynorsk | Lang::Swedish) {
        return stem;
    }
    let mut chars = stem.char_indices().rev();
    match (chars.next(), chars.next()) {
        (Some((i, a)), Some((_, b))) if a == b && !"aeiouyæøåäö".contains(a) && a.is_alphabetic() && i >= 5 => {
            &stem[..i]
        }
        _ => stem,
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
    fn compounds_give_their_parts_at_one_position() {
        let t = terms(Lang::Bokmal, "Nytt atomvåpenprogrammet");
        assert_eq!(t[0], ("nytt".to_string(), 0));
        let at_1: Vec<&str> = t.iter().filter(|(_, p)| *p == 1).map(|(w, _)| w.as_str()).collect();
        assert_eq!(at_1, ["atom", "våp", "program"]);
        let query = terms(Lang::Bokmal, "atomprogram");
        assert!(query.iter().all(|(w, p)| *p == 0 && at_1.contains(&w.as_str())), "{query:?}");
    }

    #[test]
    fn no_term_is_longer_than_its_word_allows() {
        let analysis = IndexTerms::new();
        let sample = concat!(
            include_str!("../../../examples/news/norsk.jsonl"),
            include_str!("../../../examples/news/international.jsonl"),
        );
        let tricky = "İSTANBUL İzmir Straße STRASSE Ⱥⱥ ǅemal ﬁnancial Øyvind ÆØÅ Ǆ ß ẞ ΣΊΣΥΦΟΣ Ödön ÇAĞLAYAN";
        for word in crate::words::words(sample).chain(crate::words::words(tricky)) {
            for lang in Lang::all() {
                for term in analysis.word_terms(*lang, word) {
                    assert!(
                        term.len() <= IndexTerms::longest_term_bytes(word.len()),
                        "{word:?} ({}) gives {term:?} in {lang:?}",
                        word.len()
                    );
                }
            }
        }
    }

    #[test]
    fn words_are_lowercased_and_stemmed_per_language() {
        assert_eq!(terms(Lang::English, "Ferries CRASHED"), [("ferri".to_string(), 0), ("crash".to_string(), 1)]);
        assert_eq!(terms(Lang::Bokmal, "Ferjene")[0].0, "ferj");
    }
}
