//! Word segmentation (Unicode UAX #29) with the context entity detection needs: whether a
//! word starts a sentence, and whether it is a label such as `ÅPNET:` in a photo caption.

use unicode_segmentation::UnicodeSegmentation;

use crate::words::word_indices;

/// One word of a text, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    /// Byte offset in the text.
    pub start: usize,
    /// First word of a sentence, line or text: its capital letter says nothing.
    pub sentence_initial: bool,
    /// Directly followed by a colon (`ÅPNET:`), as caption labels are.
    pub before_colon: bool,
}

impl Token<'_> {
    pub fn is_capitalised(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }

    /// Two or more letters, all capitals (NATO, NTB, USA).
    pub fn is_acronym(&self) -> bool {
        let mut letters = 0;
        for c in self.text.chars() {
            if c.is_lowercase() {
                return false;
            }
            letters += usize::from(c.is_alphabetic());
        }
        letters >= 2
    }

    pub fn is_numeric(&self) -> bool {
        self.text.chars().next().is_some_and(|c| c.is_ascii_digit())
    }
}

/// The ranges of `tokens` that are sentences: each starts at a sentence-initial word.
pub fn sentences<'t>(tokens: &'t [Token<'_>]) -> impl Iterator<Item = std::ops::Range<usize>> + 't {
    let mut start = 0;
    (1..=tokens.len()).filter_map(move |end| {
        if end < tokens.len() && !tokens[end].sentence_initial {
            return None;
        }
        let sentence = start..end;
        start = end;
        Some(sentence)
    })
}

/// Splits `text` into words. Hyphenated words (`Jong-un`, `Nord-Korea`) stay whole, as
/// do numbers with a decimal point or comma (`7.2`, `1,5`) and elisions (`Putin's`).
///
/// The words are [`word_indices`]' (UAX #29 words, found faster than by the crate); what
/// lies between two words (a hyphen, a colon, a full stop) says the rest.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens: Vec<Token<'_>> = Vec::new();
    let mut sentence_start = true;
    let mut last_end = 0;
    for (start, word) in word_indices(text) {
        let gap = &text[last_end..start];
        if let Some(prev) = tokens.last_mut() {
            // A hyphen between two words with nothing else joins them.
            if gap == "-" {
                prev.text = &text[prev.start..start + word.len()];
                last_end = start + word.len();
                continue;
            }
            prev.before_colon |= gap.starts_with(':');
            sentence_start = ends_sentence(gap, prev.text);
        }
        tokens.push(Token { text: word, start, sentence_initial: sentence_start, before_colon: false });
        last_end = start + word.len();
    }
    if let Some(last) = tokens.last_mut() {
        last.before_colon |= text[last_end..].starts_with(':');
    }
    tokens
}

/// Whether what lies between a word and the next ends a sentence: a full stop (not the
/// one of an abbreviation written right after it), a question or exclamation mark, a
/// colon, a line break, a bullet or a bar.
fn ends_sentence(gap: &str, word_before: &str) -> bool {
    let ends = |s: &str| s.contains(['.', '!', '?', ':', '\n', '•', '|']);
    let abbreviated =
        gap.starts_with('.') && is_abbreviation(word_before) && gap.split_word_bounds().next() == Some(".");
    if abbreviated { ends(&gap[1..]) } else { ends(gap) }
}

/// Words whose full stop marks an abbreviation, not a sentence's end: an initial (*Carl
/// I. Hagen*) or a title or name shortened (*Dr. Hansen*, *St. Olavs hospital*).
fn is_abbreviation(word: &str) -> bool {
    const SHORTENED: &[&str] = &["Dr", "St", "Chr", "Mr", "Mrs", "Ms", "Jr", "Sr", "Prof", "Gen", "Sankt"];
    let mut chars = word.chars();
    let initial = chars.next().is_some_and(char::is_uppercase) && chars.next().is_none();
    initial || SHORTENED.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.text).collect()
    }

    #[test]
    fn keeps_hyphenated_names_numbers_and_elisions() {
        assert_eq!(
            words("Kim Jong-un møtte Putin i Nord-Korea."),
            ["Kim", "Jong-un", "møtte", "Putin", "i", "Nord-Korea"]
        );
        assert_eq!(
            words("A 7.2 quake, 1,5 prosent. Putin's aide"),
            ["A", "7.2", "quake", "1,5", "prosent", "Putin's", "aide"]
        );
        assert_eq!(words("en - to"), ["en", "to"]);
    }

    #[test]
    fn marks_sentence_starts_and_caption_labels() {
        let t = tokenize("ÅPNET: Ordføreren klipper. Han smiler\nNy linje");
        let initial: Vec<_> = t.iter().filter(|t| t.sentence_initial).map(|t| t.text).collect();
        assert_eq!(initial, ["ÅPNET", "Ordføreren", "Han", "Ny"]);
        assert!(t[0].before_colon && t[0].is_acronym());
        assert!(!t[1].before_colon);
        let t = tokenize("Carl I. Hagen og Dr. Hansen møttes på St. Olavs hospital. I dag");
        let initial: Vec<_> = t.iter().filter(|t| t.sentence_initial).map(|t| t.text).collect();
        assert_eq!(initial, ["Carl", "I"], "initials and abbreviations end no sentence");
    }

    /// What `tokenize` gave when it read the crate's segments one by one: the reference.
    fn reference(text: &str) -> Vec<Token<'_>> {
        let mut tokens: Vec<Token<'_>> = Vec::new();
        let (mut sentence_start, mut pending_hyphen, mut last_end) = (true, false, usize::MAX);
        for (start, seg) in text.split_word_bound_indices() {
            if seg.chars().any(char::is_alphanumeric) {
                let joins = pending_hyphen && tokens.last().is_some_and(|t| t.start + t.text.len() + 1 == start);
                match tokens.last_mut() {
                    Some(prev) if joins => prev.text = &text[prev.start..start + seg.len()],
                    _ => tokens.push(Token { text: seg, start, sentence_initial: sentence_start, before_colon: false }),
                }
                (sentence_start, pending_hyphen, last_end) = (false, false, start + seg.len());
                continue;
            }
            pending_hyphen = seg == "-" && last_end == start;
            if seg.starts_with(':')
                && last_end == start
                && let Some(prev) = tokens.last_mut()
            {
                prev.before_colon = true;
            }
            let abbreviated = seg == "." && last_end == start && tokens.last().is_some_and(|t| is_abbreviation(t.text));
            if !abbreviated && seg.chars().any(|c| matches!(c, '.' | '!' | '?' | ':' | '\n' | '•' | '|')) {
                sentence_start = true;
            }
        }
        tokens
    }

    #[test]
    fn tokens_are_the_references_on_real_looking_text() {
        for text in [
            "",
            " ",
            "Kim Jong-un møtte Putin i Nord-Korea.",
            "  to  mellomrom   og\ttabulator\n\nny linje :",
            "A 7.2 quake, 1,5 prosent. Putin's aide, Putin’s aide «sitat» – tankestrek - x -y z- w",
            "Soft\u{AD}hyphen, e\u{301}cole, ZWJ \u{200D}x, flagg \u{1F1F3}\u{1F1F4} og 東京 i dag",
            "A \u{301}combining mark after a space, a\u{a0}non-breaking one, thin\u{2009}space",
            "U.S. e.g. 3.14 .NET ÅPNET: x Dr. Hansen, Dr.\u{301} X, St.. Y, I. Z, I.\nNy",
            "--x x-- x--y x-:y x:-y x: :y",
        ] {
            assert_eq!(tokenize(text), reference(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn tokens_are_the_references_on_any_text(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "a", "Ø", "æ", "ł", "9", " ", "  ", ".", ",", "'", "’", "-", ":", "!", "|", "•", "\n", "\t",
                "\u{301}", "\u{AD}", "\u{200D}", "\u{a0}", "\u{2009}", "\u{1F1F3}", "東", "ß", "×", "👍",
                "ǅ", "\u{3000}", "Dr", "I", "St", "Oslo",
            ]), 0..40)
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(tokenize(&text), reference(&text));
        }
    }

    #[test]
    fn keeps_nordic_letters() {
        assert_eq!(words("Blåbærsyltetøy og smørøyer på Ærø"), ["Blåbærsyltetøy", "og", "smørøyer", "på", "Ærø"]);
    }
}
