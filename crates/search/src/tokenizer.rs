//! tidings' own analysis as a tantivy tokenizer, one per language.

use std::sync::Arc;

use tantivy::Index;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tidings_analyze::{IndexTerms, Lang};

pub(crate) fn tokenizer_name(lang: Lang) -> String {
    format!("tidings_{}", lang.code())
}

/// Registers a tokenizer per language with the index.
pub(crate) fn register(index: &Index, terms: &Arc<IndexTerms>) {
    for lang in Lang::all() {
        index.tokenizers().register(&tokenizer_name(*lang), LangTokenizer { lang: *lang, terms: terms.clone() });
    }
}

#[derive(Clone)]
pub(crate) struct LangTokenizer {
    lang: Lang,
    terms: Arc<IndexTerms>,
}

pub(crate) struct Tokens {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for LangTokenizer {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        let mut tokens = Vec::new();
        self.terms.for_each(self.lang, text, |t| {
            tokens.push(Token {
                offset_from: t.start,
                offset_to: t.end,
                position: t.position,
                text: t.text.to_string(),
                position_length: 1,
            });
        });
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
