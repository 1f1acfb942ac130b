//! tidings' own analysis as a tantivy tokenizer, one per language.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use tantivy::Index;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tidings_analyze::{IndexTerms, Lang};

pub(crate) fn tokenizer_name(lang: Lang) -> String {
    format!("tidings_{}", lang.code())
}

/// Registers a tokenizer per language with the index.
pub(crate) fn register(index: &Index, terms: &Arc<IndexTerms>) {
    for lang in Lang::all() {
        let tokenizer = LangTokenizer { lang: *lang, terms: terms.clone(), cache: FxHashMap::default() };
        index.tokenizers().register(&tokenizer_name(*lang), tokenizer);
    }
}

/// Words whose terms each tokenizer remembers; news vocabularies are Zipfian, so most
/// words are seen before. Each indexing thread has its own clone, hence its own cache.
const CACHE_WORDS: usize = 200_000;

#[derive(Clone)]
pub(crate) struct LangTokenizer {
    lang: Lang,
    terms: Arc<IndexTerms>,
    cache: FxHashMap<String, Box<[String]>>,
}

pub(crate) struct Tokens {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for LangTokenizer {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        let mut tokens = Vec::new();
        for (position, (start, word)) in tidings_analyze::word_indices(text).enumerate() {
            let terms = match self.cache.get(word) {
                Some(terms) => terms,
                None => {
                    if self.cache.len() >= CACHE_WORDS {
                        self.cache.clear();
                    }
                    let terms = self.terms.word_terms(self.lang, word).into_boxed_slice();
                    self.cache.entry(word.to_string()).or_insert(terms)
                }
            };
            for term in terms.iter() {
                tokens.push(Token {
                    offset_from: start,
                    offset_to: start + word.len(),
                    position,
                    text: term.clone(),
                    position_length: 1,
                });
            }
        }
        Tokens { tokens, next: 0 }
    }
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}
