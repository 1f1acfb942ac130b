//! Analyze: what an article is about, as features the clusterer can compare.
//!
//! For each article: its language (Bokmål and Nynorsk told apart, hints honoured when
//! plausible), Unicode words, Snowball stop words and stems, compound constituents for
//! Norwegian, Danish, Swedish and German, numbers, and named-entity candidates with a
//! spelling-independent name key. Every feature is a stable 64-bit hash with a weight.
//!
//! Analysis of one article depends on nothing else (no corpus statistics), so articles can
//! be analyzed in parallel; corpus-level weighting (IDF) belongs to the clusterer.

mod analyzer;
mod compound;
mod concept;
mod embedding;
mod entity;
mod gazetteer;
mod index_terms;
mod language;
mod name_clues;
mod name_key;
mod name_tagger;
mod name_training;
mod stem;
mod stopwords;
mod term;
mod token;
mod words;

pub use analyzer::{Analysis, Analyzer, LEAD_BYTES, LeadSentence, NameMention};
pub use embedding::{ModelError, StaticModel};
pub use entity::{Entity, EntityKind, story_referents};
pub use gazetteer::{Gazetteer, Place, PlaceKind};
pub use index_terms::{IndexTerm, IndexTerms};
pub use language::{Identified, Lang};
pub use name_key::{name_key, word_key};
pub use name_tagger::{
    Label, NameHistory, NameTagger, Sentence as TaggerSentence, TaggedName, TaggerError, WEIGHTS_VARIABLE,
};
pub use name_training::NameTrainer;
pub use term::{Kind, Term, feature_hash};
pub use token::{Token, sentences, tokenize};
pub use words::{word_indices, words};
