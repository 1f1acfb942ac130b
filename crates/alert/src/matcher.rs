//! A query of the search syntax evaluated against one article in memory, with the search
//! index's own analysis of words (`IndexTerms`: lowercased, stemmed in the article's
//! language, compounds as their parts at one position), so that an alert matches the
//! articles that a search for its query would find.
//!
//! Both sides are reduced to term hashes once: an article's terms with their positions
//! (words analysed through a per-thread cache, as the search tokenizer does), and a query
//! per language the first time an article in that language meets it. An article is first
//! only searched for the alerts it may match ([`find_anchors`]); the few that may are read
//! whole.

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use tidings_analyze::{IndexTerms, Lang, word_indices, words};
use tidings_query::{Atom, Expr};
use unicode_segmentation::UnicodeSegmentation;
use xxhash_rust::xxh3::xxh3_64;

/// Positions between the headline and the body, so that no phrase spans both (the index
/// keeps them in separate fields).
const FIELD_GAP: u32 = 10_000;
/// Words whose terms each thread remembers per language (news vocabularies are Zipfian).
const CACHE_WORDS: usize = 100_000;
/// Slots of the small direct-mapped table in front of the word cache (a power of two).
const FRONT_SLOTS: usize = 1 << 13;

/// Where a word's terms are: its first term's hash (most words have one term), and the
/// range of all of them in [`WordCache::hashes`].
#[derive(Clone, Copy, Default)]
struct WordTerms {
    first: u64,
    start: u32,
    count: u32,
}

impl WordTerms {
    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.count) as usize
    }
}

/// The terms of the words a thread has seen, per language: a word's hash finds a range of
/// `hashes` (and of `texts`, their text for prefix queries). Kept flat, so that looking a
/// word up touches one small table entry and one run of hashes, not a box per word.
///
/// Looking a word up is the percolator's cost per word of every article, and a big hash
/// table costs two cache misses per lookup (its control bytes, then the slot). So a small
/// direct-mapped table that stays in the core's cache answers first; frequent words (most
/// of any text) are found there in one read.
struct WordCache {
    /// The word's hash (a collision of 64-bit hashes within a vocabulary is negligible, and
    /// the word need not be copied or compared) → where its terms are.
    words: FxHashMap<u64, WordTerms>,
    /// Slot `hash % FRONT_SLOTS`: the last word seen there, by hash.
    front: Box<[(u64, WordTerms)]>,
    hashes: Vec<u64>,
    texts: Vec<String>,
}

impl Default for WordCache {
    fn default() -> Self {
        // A slot's hash of 0 with no terms reads as empty (no word has no terms).
        Self {
            words: FxHashMap::default(),
            front: vec![(0, WordTerms::default()); FRONT_SLOTS].into_boxed_slice(),
            hashes: Vec::new(),
            texts: Vec::new(),
        }
    }
}

impl WordCache {
    /// Where a word's terms are, analysed on first sight.
    fn terms(&mut self, index_terms: &IndexTerms, lang: Lang, word: &str) -> WordTerms {
        let key = xxh3_64(word.as_bytes());
        let slot = key as usize % FRONT_SLOTS;
        let (seen, found) = self.front[slot];
        if seen == key && found.count > 0 {
            return found;
        }
        let found = match self.words.get(&key) {
            Some(&found) => found,
            None => self.analyse(index_terms, lang, word, key),
        };
        self.front[slot] = (key, found);
        found
    }

    fn analyse(&mut self, index_terms: &IndexTerms, lang: Lang, word: &str, key: u64) -> WordTerms {
        if self.words.len() >= CACHE_WORDS {
            *self = WordCache::default();
        }
        let start = self.hashes.len();
        for term in index_terms.word_terms(lang, word) {
            self.hashes.push(term_hash(&term));
            self.texts.push(term);
        }
        let found = WordTerms {
            first: self.hashes.get(start).copied().unwrap_or_default(),
            start: start as u32,
            count: (self.hashes.len() - start) as u32,
        };
        self.words.insert(key, found);
        found
    }
}

/// What each thread keeps between articles: the word caches (per language), and the
/// last article [`find_anchors`] read: the terms it looked up, at their positions, and
/// the short words it passed over (field, byte range, position). Reused, so that reading
/// an article allocates nothing.
struct ThreadState {
    caches: Vec<WordCache>,
    postings: Vec<(u64, u32)>,
    short: Vec<(bool, u32, u32, u32)>,
}

thread_local! {
    static THREAD: RefCell<ThreadState> = RefCell::new(ThreadState {
        caches: (0..Lang::all().len()).map(|_| WordCache::default()).collect(),
        postings: Vec::new(),
        short: Vec::new(),
    });
}

pub(crate) fn lang_index(lang: Lang) -> usize {
    Lang::all().iter().position(|l| *l == lang).unwrap_or(0)
}

pub(crate) fn term_hash(term: &str) -> u64 {
    xxh3_64(term.as_bytes())
}

/// Looks for anchors in an article (a headline and a body in `lang`): calls `anchor` with
/// the hash of each term of the words that may give a term of `min_term_bytes` bytes or
/// more. Shorter words (most words of any text) are not looked up, only noted, so that
/// [`DocTerms::of_anchored`] can complete the article's terms without reading it again
/// when an alert may match. Most articles meet none and are done with here.
pub fn find_anchors(
    terms: &IndexTerms,
    lang: Lang,
    (title, body): (&str, &str),
    min_term_bytes: usize,
    mut anchor: impl FnMut(u64),
) {
    THREAD.with_borrow_mut(|state| {
        let ThreadState { caches, postings, short } = state;
        let cache = &mut caches[lang_index(lang)];
        postings.clear();
        short.clear();
        for (in_body, text, offset) in [(false, title, 0), (true, body, FIELD_GAP)] {
            for (position, (start, word)) in word_indices(text).enumerate() {
                let at = offset + position as u32;
                if IndexTerms::longest_term_bytes(word.len()) < min_term_bytes {
                    short.push((in_body, start as u32, (start + word.len()) as u32, at));
                    continue;
                }
                let word_terms = cache.terms(terms, lang, word);
                if word_terms.count == 1 {
                    anchor(word_terms.first);
                    postings.push((word_terms.first, at));
                } else {
                    for &hash in &cache.hashes[word_terms.range()] {
                        anchor(hash);
                        postings.push((hash, at));
                    }
                }
            }
        }
    })
}

/// An article's terms with their positions, sorted by term then position: what a query is
/// evaluated against.
#[derive(Debug, Default)]
pub struct DocTerms {
    postings: Vec<(u64, u32)>,
    texts: Vec<(String, u32)>,
}

impl DocTerms {
    /// The terms of a headline and a body in `lang`, with their text when `with_texts`
    /// (for prefix queries).
    pub fn new(terms: &IndexTerms, lang: Lang, title: &str, body: &str, with_texts: bool) -> Self {
        let mut texts = Vec::new();
        let mut postings = Vec::new();
        THREAD.with_borrow_mut(|state| {
            let cache = &mut state.caches[lang_index(lang)];
            for (text, offset) in [(title, 0), (body, FIELD_GAP)] {
                for (position, word) in words(text).enumerate() {
                    let at = offset + position as u32;
                    let range = cache.terms(terms, lang, word).range();
                    postings.extend(cache.hashes[range.clone()].iter().map(|h| (*h, at)));
                    if with_texts {
                        texts.extend(cache.texts[range].iter().map(|t| (t.clone(), at)));
                    }
                }
            }
        });
        postings.sort_unstable();
        DocTerms { postings, texts }
    }

    /// The terms of the article that [`find_anchors`] last read on this thread (the same
    /// `title` and `body`): its short words looked up now, joined to what it found.
    pub fn of_anchored(terms: &IndexTerms, lang: Lang, (title, body): (&str, &str)) -> Self {
        let postings = THREAD.with_borrow_mut(|state| {
            let ThreadState { caches, postings, short } = state;
            let cache = &mut caches[lang_index(lang)];
            let mut all = Vec::with_capacity(postings.len() + short.len());
            all.extend_from_slice(postings);
            for &(in_body, start, end, at) in short.iter() {
                let text = if in_body { body } else { title };
                let Some(word) = text.get(start as usize..end as usize) else { continue };
                let range = cache.terms(terms, lang, word).range();
                all.extend(cache.hashes[range].iter().map(|h| (*h, at)));
            }
            all.sort_unstable();
            all
        });
        DocTerms { postings, texts: Vec::new() }
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
