//! Unicode words (UAX #29, as `unicode-segmentation` finds them), faster.
//!
//! `unicode-segmentation` looks up every character's word-break class in its tables unless
//! the whole text is ASCII, and news text rarely is, even in English (a typographic quote
//! or dash is enough). Every article's words are read by the search index and by the alert
//! matcher, so this is on the hot path.
//!
//! Whitespace always ends a word, and no break decided on one side of an ASCII whitespace
//! character depends on the other side (UAX #29 breaks around whitespace; the one rule that
//! joins across it, WB4, attaches combining marks *to* the whitespace, never a word). So the
//! text is cut into pieces at ASCII whitespace and each piece is segmented alone: the same
//! words at the same offsets. A piece made only of the characters news is mostly written in
//! (ASCII, Latin-1 and Latin Extended-A letters, typographic quotes and dashes) is segmented
//! here by the few rules that apply to them; any other piece goes to the crate.

use unicode_segmentation::{UnicodeSegmentation, UnicodeWordIndices};

/// The words of `text` with their byte offsets, exactly as
/// [`UnicodeSegmentation::unicode_word_indices`] gives them.
pub fn word_indices(text: &str) -> WordIndices<'_> {
    WordIndices { text, at: 0, found: Vec::new(), next: 0, classes: Vec::new(), other: None }
}

/// The words of `text`, exactly as [`UnicodeSegmentation::unicode_words`] gives them.
pub fn words(text: &str) -> impl Iterator<Item = &str> + '_ {
    word_indices(text).map(|(_, word)| word)
}

/// The iterator of [`word_indices`]: the text piece by piece (pieces end at ASCII
/// whitespace), each segmented here when all its characters are of the classes below,
/// else by `unicode-segmentation`.
pub struct WordIndices<'a> {
    text: &'a str,
    /// Where the next piece starts.
    at: usize,
    /// The current piece's words, as byte ranges of the text, and the next to give.
    found: Vec<(usize, usize)>,
    next: usize,
    /// The current piece's characters: byte offset and class (reused between pieces).
    classes: Vec<(usize, Class)>,
    /// A piece with a character of another class, with its offset.
    other: Option<(usize, UnicodeWordIndices<'a>)>,
}

/// The word-break classes (UAX #29) of the characters that news text is mostly made of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    /// `_` (ExtendNumLet): holds letters and digits together like they do.
    Underscore,
    /// `:` (MidLetter): joins two letters.
    MidLetter,
    /// `,` `;` (MidNum): join two digits.
    MidNum,
    /// `.` `'` `‘` `’` (MidNumLet and Single_Quote): join two letters or two digits.
    MidNumLet,
    /// Breaks on both sides: punctuation, quotes, dashes, symbols.
    Other,
}

/// The class of a character, or `None` for one this module leaves to
/// `unicode-segmentation` (combining marks, format characters, other scripts, emoji…).
fn class(c: char) -> Option<Class> {
    Some(match c {
        'a'..='z' | 'A'..='Z' => Class::Letter,
        '0'..='9' => Class::Digit,
        '_' => Class::Underscore,
        ':' => Class::MidLetter,
        ',' | ';' => Class::MidNum,
        '.' | '\'' | '\u{2018}' | '\u{2019}' => Class::MidNumLet,
        // The Latin-1 and Latin Extended-A letters (ª µ º À-Ö Ø-ö ø-ſ).
        '\u{aa}' | '\u{b5}' | '\u{ba}' | '\u{c0}'..='\u{d6}' | '\u{d8}'..='\u{f6}' | '\u{f8}'..='\u{17f}' => {
            Class::Letter
        }
        c if c.is_ascii() => Class::Other,
        // No-break space, « », en and em dashes, “ ”, the ellipsis.
        '\u{a0}' | '\u{ab}' | '\u{bb}' | '\u{2013}' | '\u{2014}' | '\u{201c}' | '\u{201d}' | '\u{2026}' => Class::Other,
        _ => return None,
    })
}

impl<'a> Iterator for WordIndices<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((start, end)) = self.found.get(self.next).copied() {
                self.next += 1;
                return Some((start, &self.text[start..end]));
            }
            if let Some((offset, words)) = &mut self.other {
                if let Some((start, word)) = words.next() {
                    return Some((*offset + start, word));
                }
                self.other = None;
            }
            let bytes = self.text.as_bytes();
            while self.at < bytes.len() && bytes[self.at].is_ascii_whitespace() {
                self.at += 1;
            }
            if self.at >= bytes.len() {
                return None;
            }
            let start = self.at;
            let end = bytes[start..].iter().position(u8::is_ascii_whitespace).map_or(bytes.len(), |i| start + i);
            // After an ASCII byte or at the end: character boundaries.
            self.at = end;
            self.piece(start, end);
        }
    }
}

impl WordIndices<'_> {
    /// Segments the piece `start..end` into `found`, or hands it to `unicode-segmentation`.
    fn piece(&mut self, start: usize, end: usize) {
        let piece = &self.text[start..end];
        self.found.clear();
        self.next = 0;
        if piece.is_ascii() {
            let bytes = piece.as_bytes();
            let mut at = 0;
            while let Some((from, to)) = ascii_word(bytes, &mut at) {
                self.found.push((start + from, start + to));
            }
            return;
        }
        self.classes.clear();
        for (i, c) in piece.char_indices() {
            match class(c) {
                Some(class) => self.classes.push((start + i, class)),
                None => {
                    self.other = Some((start, piece.unicode_word_indices()));
                    return;
                }
            }
        }
        self.classes.push((end, Class::Other));
        let classes = &self.classes;
        let mut i = 0;
        while i + 1 < classes.len() {
            if !holds(classes[i].1) {
                i += 1;
                continue;
            }
            let first = i;
            let mut alphanumeric = false;
            loop {
                while holds(classes[i].1) {
                    alphanumeric |= classes[i].1 != Class::Underscore;
                    i += 1;
                }
                if i + 1 < classes.len() && joins(classes[i - 1].1, classes[i].1, classes[i + 1].1) {
                    i += 1;
                } else {
                    break;
                }
            }
            if alphanumeric {
                self.found.push((classes[first].0, classes[i].0));
            }
        }
    }
}

/// The next word of an ASCII piece from `at` (advanced past it), as a byte range: the
/// rules of [`WordIndices::piece`] for ASCII bytes, without classifying them first.
fn ascii_word(bytes: &[u8], at: &mut usize) -> Option<(usize, usize)> {
    loop {
        while *at < bytes.len() && !is_word_byte(bytes[*at]) {
            *at += 1;
        }
        if *at >= bytes.len() {
            return None;
        }
        let start = *at;
        loop {
            while *at < bytes.len() && is_word_byte(bytes[*at]) {
                *at += 1;
            }
            match (bytes.get(*at), bytes.get(*at + 1)) {
                (Some(&infix), Some(&next))
                    if joins(byte_class(bytes[*at - 1]), byte_class(infix), byte_class(next)) =>
                {
                    *at += 1;
                }
                _ => break,
            }
        }
        if bytes[start..*at].iter().any(u8::is_ascii_alphanumeric) {
            return Some((start, *at));
        }
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn byte_class(b: u8) -> Class {
    class(char::from(b)).unwrap_or(Class::Other)
}

/// Letters, digits and `_`: what a word is made of.
fn holds(class: Class) -> bool {
    matches!(class, Class::Letter | Class::Digit | Class::Underscore)
}

/// Whether `infix` between `prev` and `next` keeps them in one word (WB6/7, WB11/12).
fn joins(prev: Class, infix: Class, next: Class) -> bool {
    matches!(
        (prev, infix, next),
        (Class::Letter, Class::MidLetter | Class::MidNumLet, Class::Letter)
            | (Class::Digit, Class::MidNum | Class::MidNumLet, Class::Digit)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift), so the test needs no crate.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// Characters from every word-break class that decides something near ASCII text:
    /// letters, digits, the ASCII middle characters, whitespace of each kind, accented and
    /// non-Latin letters, combining marks, joiners, emoji, CJK, hyphens and quotes.
    const ALPHABET: &[&str] = &[
        "a", "Z", "7", "_", ".", ",", ";", ":", "'", "\"", " ", " ", "\t", "\n", "\r", "\u{b}", "\u{c}", "-", "é", "ø",
        "ß", "Ł", "×", "\u{301}", "\u{ad}", "\u{200d}", "\u{200b}", "😀", "🇳", "🇴", "日", "。", "·", "’", "‘", "“",
        "…", "—", "«", "\u{a0}", "\u{85}", "א", "٣", "ー", "ア", "\u{2024}",
    ];

    #[test]
    fn the_same_words_at_the_same_offsets_as_unicode_segmentation() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..100_000 {
            let len = rng.below(64);
            let text: String = (0..len).map(|_| ALPHABET[rng.below(ALPHABET.len())]).collect();
            let expected: Vec<_> = text.unicode_word_indices().collect();
            assert_eq!(word_indices(&text).collect::<Vec<_>>(), expected, "{text:?}");
        }
    }

    #[test]
    fn every_character_given_a_class_segments_as_unicode_segmentation_does() {
        let classified = (0..=0x2fffu32).filter_map(char::from_u32).filter(|c| class(*c).is_some());
        for c in classified {
            for text in
                [format!("a{c}b"), format!("1{c}2"), format!("{c}"), format!("x {c}{c} y"), format!("{c}a{c}1{c}")]
            {
                let expected: Vec<_> = text.unicode_word_indices().collect();
                assert_eq!(word_indices(&text).collect::<Vec<_>>(), expected, "{text:?} (U+{:04X})", c as u32);
            }
        }
    }

    #[test]
    fn news_text_with_accents_and_typographic_quotes_segments_as_unicode_segmentation_does() {
        let text = "Statsminister Jonas Gahr Støre sa fredag at 1,5 millioner kroner går til Tromsø. «Det er bra», sa han – og “it’s done”… Müller's 3.14";
        assert_eq!(word_indices(text).collect::<Vec<_>>(), text.unicode_word_indices().collect::<Vec<_>>());
    }
}
