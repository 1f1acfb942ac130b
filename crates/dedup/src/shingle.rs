//! Word shingles of a normalised text, folded straight into a MinHash signature.

use rustc_hash::FxHashSet;
use xxhash_rust::xxh3::xxh3_64;

use crate::minhash::{Signature, SignatureBuilder};

/// Words per shingle. Five is the usual choice for news: long enough that two different
/// articles rarely share a shingle by chance, short enough that an edit breaks few.
pub const SHINGLE_WORDS: usize = 5;

/// What dedup keeps of a body: its signature, its size and the numbers it contains.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shingles {
    /// `None` for a body with fewer than [`SHINGLE_WORDS`] words.
    pub signature: Option<Signature>,
    /// Number of shingles (windows of words; a repeated window counts again).
    pub count: usize,
    /// Distinct numeric words (hashed, sorted): templates differ in them, copies do not.
    pub numbers: Vec<u64>,
    /// Number of words in the text.
    pub words: usize,
}

/// Normalises `text` (lowercase; words are runs of letters and digits, so punctuation,
/// quotes and spacing do not matter), cuts it into word shingles and signs them. One pass,
/// no allocation per shingle: this runs on every article.
pub fn shingles(text: &str) -> Shingles {
    let mut window = [0u64; SHINGLE_WORDS];
    let mut builder = SignatureBuilder::new();
    let mut numbers = FxHashSet::default();
    let mut words = 0;
    for_each_word(text, |word, has_digit| {
        let h = xxh3_64(word);
        if has_digit {
            numbers.insert(h);
        }
        window[words % SHINGLE_WORDS] = h;
        words += 1;
        if words >= SHINGLE_WORDS {
            builder.add(combine(&window, words));
        }
    });
    let mut numbers: Vec<u64> = numbers.into_iter().collect();
    numbers.sort_unstable();
    let count = words.saturating_sub(SHINGLE_WORDS - 1);
    Shingles { signature: builder.finish(), count, numbers, words }
}

/// Calls `f` with each word of `text`, lowercased (as UTF-8 bytes), and whether it has a
/// digit. One pass over the characters, with a fast path for ASCII.
fn for_each_word(text: &str, mut f: impl FnMut(&[u8], bool)) {
    let mut word: Vec<u8> = Vec::with_capacity(32);
    let mut has_digit = false;
    let mut utf8 = [0u8; 4];
    for c in text.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                word.push(c.to_ascii_lowercase() as u8);
                has_digit |= c.is_ascii_digit();
                continue;
            }
        } else if let Some(lower) = latin1_letter_lowercase(c) {
            // æ, ø, å, ä, ö, ü, é…: most non-ASCII letters of the supported languages.
            word.extend_from_slice(lower.encode_utf8(&mut utf8).as_bytes());
            continue;
        } else if c.is_alphanumeric() {
            for lower in c.to_lowercase() {
                word.extend_from_slice(lower.encode_utf8(&mut utf8).as_bytes());
            }
            continue;
        }
        if !word.is_empty() {
            f(&word, has_digit);
            word.clear();
            has_digit = false;
        }
    }
    if !word.is_empty() {
        f(&word, has_digit);
    }
}

/// The lowercase of a Latin-1 letter (À–ÿ but × and ÷), without Unicode table lookups.
fn latin1_letter_lowercase(c: char) -> Option<char> {
    match c {
        '×' | '÷' => None,
        'À'..='Þ' => char::from_u32(c as u32 + 0x20),
        'ß'..='ÿ' => Some(c),
        _ => None,
    }
}

/// One hash for the last [`SHINGLE_WORDS`] words, in order. `window` is a ring buffer
/// whose oldest word sits at `words % SHINGLE_WORDS`.
fn combine(window: &[u64; SHINGLE_WORDS], words: usize) -> u64 {
    let mut h = 0u64;
    for i in 0..SHINGLE_WORDS {
        let word = window[(words + i) % SHINGLE_WORDS];
        h ^= word.rotate_left((i as u32) * 13);
    }
    mix(h)
}

/// The SplitMix64 finaliser: spreads every input bit over the output.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_ignores_case_and_punctuation() {
        let a = shingles("Ferja «Landegode» gikk på grunn ved Kjerringøy, nord for Bodø.");
        let b = shingles("ferja landegode gikk på grunn ved kjerringøy nord for bodø");
        assert_eq!(a, b);
        assert_eq!((a.words, a.count), (10, 6));
    }

    #[test]
    fn latin1_fast_path_agrees_with_unicode() {
        for c in 'À'..='ÿ' {
            let expected = c.is_alphanumeric().then(|| c.to_lowercase().next()).flatten();
            assert_eq!(latin1_letter_lowercase(c), expected, "{c}");
        }
    }

    #[test]
    fn word_order_matters() {
        let a = shingles("en to tre fire fem");
        let b = shingles("fem fire tre to en");
        assert_ne!(a.signature, b.signature);
    }

    #[test]
    fn numbers_are_collected_and_short_texts_have_no_signature() {
        let s = shingles("Det var 42 passasjerer og 6 mannskap om bord i 2019");
        assert_eq!(s.numbers.len(), 3);
        assert!(shingles("Tre ord her").signature.is_none());
    }
}
