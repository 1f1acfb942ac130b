//! A query of the search syntax evaluated against one article in memory, with the search
//! index's own analysis of words (`IndexTerms`: lowercased, stemmed in the article's
//! language, compounds as their parts at one position), so that an alert matches the
//! articles that a search for its query would find.
//!
//! Both sides are reduced to term hashes once: an article's terms with their positions
//! (words analysed through a per-thread cache, as the search tokenizer does), and a query
//! per language the first time an article in that language meets it.

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use tidings_analyze::{IndexTerms, Lang};
use tidings_query::{Atom, Expr};
use unicode_segmentation::UnicodeSegmentation;
use xxhash_rust::xxh3::xxh3_64;

/// Positions between the headline and the body, so that no phrase spans both (the index
/// keeps them in separate fields).
const FIELD_GAP: u32 = 10_000;
/// Words whose terms each thread remembers per language (news vocabularies are Zipfian).
const CACHE_WORDS: usize = 100_000;

/// The terms of the words a thread has seen, per language: a word's hash finds a range of
/// `hashes` (and of `texts`, their text for prefix queries). Kept flat, so that looking a
/// word up touches one small table entry and one run of hashes, not a box per word.
#[derive(Default)]
struct WordCache {
    /// The word's hash (a collision of 64-bit hashes within a vocabulary is negligible, and
    /// the word need not be copied or compared) → (start, count) in `hashes`.
    words: FxHashMap<u64, (u32, u32)>,
    hashes: Vec<u64>,
    texts: Vec<String>,
}

impl WordCache {
    /// The range of a word's terms, analysed on first sight.
    fn terms(&mut self, index_terms: &IndexTerms, lang: Lang, word: &str) -> std::ops::Range<usize> {
        let key = xxh3_64(word.as_bytes());
        if let Some(&(start, count)) = self.words.get(&key) {
            return start as usize..(start + count) as usize;
        }
        if self.words.len() >= CACHE_WORDS {
            *self = WordCache::default();
        }
        let start = self.hashes.len();
        for term in index_terms.word_terms(lang, word) {
            self.hashes.push(term_hash(&term));
            self.texts.push(term);
        }
        self.words.insert(key, (start as u32, (self.hashes.len() - start) as u32));
        start..self.hashes.len()
    }
}

thread_local! {
    static WORD_TERMS: RefCell<Vec<WordCache>> =
        RefCell::new((0..Lang::all().len()).map(|_| WordCache::default()).collect());
}

pub(crate) fn lang_index(lang: Lang) -> usize {
    Lang::all().iter().position(|l| *l == lang).unwrap_or(0)
}

pub(crate) fn term_hash(term: &str) -> u64 {
    xxh3_64(term.as_bytes())
}

/// An article's terms at their positions, in text order: enough to find the alerts it
/// may match ([`DocWords::hashes`]); most articles match none and stop here. Those that
/// may are sorted into [`DocTerms`].
#[derive(Debug, Default)]
pub struct DocWords {
    postings: Vec<(u64, u32)>,
    /// The terms as text, for prefixes (kept only when a prefix query may ask).
    texts: Vec<(String, u32)>,
}

impl DocWords {
    /// The terms of a headline and a body in `lang`; `with_texts` keeps the terms' text for
    /// prefix queries.
    pub fn new(terms: &IndexTerms, lang: Lang, title: &str, body: &str, with_texts: bool) -> Self {
        let mut doc = DocWords::default();
        WORD_TERMS.with(|cache| {
            let mut cache = cache.borrow_mut();
            let cache = &mut cache[lang_index(lang)];
            for (text, offset) in [(title, 0), (body, FIELD_GAP)] {
                for (position, word) in text.unicode_words().enumerate() {
                    let at = offset + position as u32;
                    let range = cache.terms(terms, lang, word);
                    doc.postings.extend(cache.hashes[range.clone()].iter().map(|h| (*h, at)));
                    if with_texts {
                        doc.texts.extend(cache.texts[range].iter().map(|t| (t.clone(), at)));
                    }
                }
            }
        });
        doc
    }

    /// The terms' hashes, a term as often as it occurs (for the percolator's lookup).
    pub fn hashes(&self) -> impl Iterator<Item = &u64> {
        self.postings.iter().map(|(h, _)| h)
    }

    /// Sorted by term, ready to evaluate queries against.
    pub fn into_terms(mut self) -> DocTerms {
        self.postings.sort_unstable();
        DocTerms { postings: self.postings, texts: self.texts }
    }
}

/// An article's terms with their positions, sorted by term then position: what a query is
/// evaluated against.
#[derive(Debug, Default)]
pub struct DocTerms {
    postings: Vec<(u64, u32)>,
    texts: Vec<(String, u32)>,
}

impl DocTerms {
    /// The terms of a headline and a body in `lang` (see [`DocWords::new`]).
    pub fn new(terms: &IndexTerms, lang: Lang, title: &str, body: &str, with_texts: bool) -> Self {
        DocWords::new(terms, lang, title, body, with_texts).into_terms()
    }

    /// The positions of a term, in order.
    fn at(&self, term: u64) -> &[(u64, u32)] {
        let from = self.postings.partition_point(|(t, _)| *t < term);
        let to = from + self.postings[from..].partition_point(|(t, _)| *t == term);
        &self.postings[from..to]
    }

    fn has(&self, term: u64, position: u32) -> bool {
        self.postings.binary_search(&(term, position)).is_ok()
    }

    /// Whether some start position has every `(term, offset)` of `terms` at
    /// `start + offset`, and a term beginning with `prefix` at its offset when given.
    fn phrase(&self, terms: &[(u64, u32)], prefix: Option<&(String, u32)>) -> bool {
        let holds = |start: u32| {
            terms.iter().all(|(t, offset)| self.has(*t, start + offset))
                && prefix.is_none_or(|(p, offset)| {
                    self.texts.iter().any(|(t, at)| *at == start + offset && t.starts_with(p.as_str()))
                })
        };
        match (terms.first(), prefix) {
            (Some((first, offset)), _) => self.at(*first).iter().filter_map(|(_, p)| p.checked_sub(*offset)).any(holds),
            (None, Some((p, offset))) => self
                .texts
                .iter()
                .filter(|(t, _)| t.starts_with(p.as_str()))
                .filter_map(|(_, at)| at.checked_sub(*offset))
                .any(holds),
            (None, None) => false,
        }
    }
}

/// A query analysed for articles in one language.
#[derive(Debug, Clone)]
pub struct CompiledQuery {
    alternatives: Vec<Vec<(bool, Compiled)>>,
}

#[derive(Debug, Clone)]
enum Compiled {
    /// Words in a row (one word: a phrase of one), the last perhaps a prefix.
    Phrase {
        terms: Vec<(u64, u32)>,
        prefix: Option<(String, u32)>,
    },
    Group(CompiledQuery),
}

impl CompiledQuery {
    pub fn new(expr: &Expr, lang: Lang, index_terms: &IndexTerms) -> Self {
        let alternatives = expr
            .alternatives
            .iter()
            .map(|parts| parts.iter().map(|p| (p.exclude, compile_atom(&p.atom, lang, index_terms))).collect())
            .collect();
        Self { alternatives }
    }

    /// Whether it needs the article's terms as text (it has a prefix).
    pub fn has_prefix(&self) -> bool {
        self.alternatives.iter().flatten().any(|(_, atom)| match atom {
            Compiled::Phrase { prefix, .. } => prefix.is_some(),
            Compiled::Group(inner) => inner.has_prefix(),
        })
    }

    pub fn matches(&self, doc: &DocTerms) -> bool {
        self.alternatives.iter().any(|parts| {
            parts.iter().any(|(exclude, _)| !exclude)
                && parts.iter().all(|(exclude, atom)| {
                    let found = match atom {
                        Compiled::Group(inner) => inner.matches(doc),
                        Compiled::Phrase { terms, prefix } => doc.phrase(terms, prefix.as_ref()),
                    };
                    found != *exclude
                })
        })
    }
}

fn compile_atom(atom: &Atom, lang: Lang, index_terms: &IndexTerms) -> Compiled {
    match atom {
        Atom::Group(inner) => Compiled::Group(CompiledQuery::new(inner, lang, index_terms)),
        Atom::Word { text, prefix } | Atom::Phrase { text, prefix } => {
            let mut terms: Vec<(String, u32)> = Vec::new();
            index_terms.for_each(lang, text, |t| terms.push((t.text.to_string(), t.position as u32)));
            let prefix = if *prefix {
                // The last word is matched by its lowercased form, as the index's prefix
                // query does.
                let last = text.unicode_words().next_back().map(str::to_lowercase).unwrap_or_default();
                let at = terms.last().map_or(0, |(_, p)| *p);
                terms.retain(|(_, p)| *p != at);
                Some((last, at))
            } else {
                None
            };
            Compiled::Phrase { terms: terms.iter().map(|(t, p)| (term_hash(t), *p)).collect(), prefix }
        }
    }
}

/// Whether an article in `lang` with these headline and body words matches the query (a
/// convenience for one query; the percolator compiles its queries once).
pub fn matches(expr: &Expr, lang: Lang, title: &str, body: &str) -> bool {
    let terms = IndexTerms::new();
    let query = CompiledQuery::new(expr, lang, &terms);
    query.matches(&DocTerms::new(&terms, lang, title, body, query.has_prefix()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str, lang: Lang, title: &str, body: &str) -> bool {
        matches(&tidings_query::parse(query).expect("a query"), lang, title, body)
    }

    #[test]
    fn words_phrases_exclusions_and_groups_match_as_search_does() {
        let (title, body) = ("Ferries stopped by fire", "The terminal at Kvalnes burned on Tuesday.");
        assert!(check("ferry fire", Lang::English, title, body), "stems meet");
        assert!(check("\"the terminal at kvalnes\"", Lang::English, title, body));
        assert!(!check("\"terminal kvalnes\"", Lang::English, title, body), "a phrase is words in a row");
        assert!(!check("\"fire the terminal\"", Lang::English, title, body), "no phrase across headline and body");
        assert!(!check("ferry -kvalnes", Lang::English, title, body));
        assert!(check("(storm OR fire) kvalnes", Lang::English, title, body));
        assert!(!check("storm OR flood", Lang::English, title, body));
        assert!(check("kval*", Lang::English, title, body));
        assert!(check("\"terminal at kval\"*", Lang::English, title, body));
        assert!(!check("\"terminal kval\"*", Lang::English, title, body));
    }

    #[test]
    fn compounds_are_found_by_their_parts() {
        let title = "Nytt atomvåpenprogram lagt fram";
        assert!(check("atomprogram", Lang::Bokmal, title, ""));
        assert!(check("atomvåpenprogrammet", Lang::Bokmal, title, ""));
        assert!(!check("atomkraft", Lang::Bokmal, title, ""));
    }
}
