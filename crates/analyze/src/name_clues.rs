//! What the word lists say of one word on its own (a given name, a known place, an
//! organisation's ending, a title, a noun announcing an organisation), remembered per
//! thread. The rules of [`crate::entity`] and the name tagger ask this of every
//! capitalised word and of the words around it; news repeats its words, and the lists (a
//! gazetteer, thousands of given names, suffix scans) cost far more than one lookup.

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64;

use crate::entity;

/// The cache is dropped when it grows past this many words.
const CACHE_LIMIT: usize = 100_000;

/// The clues of one word (as written: a title is found in any case, a given name and a
/// place by name key, so the case changes none of them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct NameClues(u8);

const GIVEN_NAME: u8 = 1;
/// The gazetteer knows the word as a place.
const PLACE: u8 = 2;
/// The gazetteer knows the word without a genitive `-s` as a place (*Russlands*).
const PLACE_GENITIVE: u8 = 4;
const ORGANISATION_ENDING: u8 = 8;
const LEADS_INTO_NAMES: u8 = 16;
const ANNOUNCES_ORGANISATION: u8 = 32;

impl NameClues {
    /// The clues of `word`, from this thread's cache or the word lists.
    pub(crate) fn of(word: &str) -> NameClues {
        thread_local! {
            static CLUES: RefCell<FxHashMap<u64, NameClues>> = RefCell::new(FxHashMap::default());
        }
        CLUES.with_borrow_mut(|cache| {
            if cache.len() > CACHE_LIMIT {
                cache.clear();
            }
            *cache.entry(xxh3_64(word.as_bytes())).or_insert_with(|| NameClues::look_up(word))
        })
    }

    fn look_up(word: &str) -> NameClues {
        let lower = word.to_lowercase();
        let mut bits = 0;
        for (bit, holds) in [
            (GIVEN_NAME, entity::is_given_name(word)),
            (PLACE, entity::is_known_place(word, false)),
            (PLACE_GENITIVE, entity::is_known_place(word, true)),
            (ORGANISATION_ENDING, entity::has_organisation_ending(&lower)),
            (LEADS_INTO_NAMES, entity::leads_into_names(word)),
            (ANNOUNCES_ORGANISATION, entity::announces_organisation(&lower)),
        ] {
            if holds {
                bits |= bit;
            }
        }
        NameClues(bits)
    }

    /// A given name from the list (by name key, so Jurij = Juri = Yuri).
    pub(crate) fn given_name(self) -> bool {
        self.0 & GIVEN_NAME != 0
    }

    /// A place the gazetteer knows; in a language whose genitive is a bare `-s`
    /// (`genitive_s`), also in the genitive.
    pub(crate) fn known_place(self, genitive_s: bool) -> bool {
        self.0 & (if genitive_s { PLACE | PLACE_GENITIVE } else { PLACE }) != 0
    }

    /// A lowercase word that ends organisation names (*asa*, *partiet*), or a compound
    /// with one as its head.
    pub(crate) fn organisation_ending(self) -> bool {
        self.0 & ORGANISATION_ENDING != 0
    }

    /// A title, a nationality or another word that leads into a name without being part
    /// of it (*President*, *Forhandlingsleder*, *Norske*).
    pub(crate) fn leads_into_names(self) -> bool {
        self.0 & LEADS_INTO_NAMES != 0
    }

    /// A common noun that says the name after it is an organisation's (*nyhetsbyrået*).
    pub(crate) fn announces_organisation(self) -> bool {
        self.0 & ANNOUNCES_ORGANISATION != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clues_are_the_word_lists_answers_in_any_case() {
        assert!(NameClues::of("Kristian").given_name());
        assert!(NameClues::of("Moskva").known_place(false));
        assert!(!NameClues::of("Moskvas").known_place(false));
        assert!(NameClues::of("Moskvas").known_place(true));
        assert!(NameClues::of("Arbeiderpartiet").organisation_ending());
        assert!(NameClues::of("President").leads_into_names());
        assert!(NameClues::of("president").leads_into_names());
        assert!(NameClues::of("nyhetsbyrået").announces_organisation());
        let nothing = NameClues::of("sykkel");
        assert_eq!(nothing, NameClues::default());
        // A second ask is answered from the cache, the same.
        assert_eq!(NameClues::of("Moskvas"), NameClues::of("Moskvas"));
    }
}
