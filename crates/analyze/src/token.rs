//! Word segmentation (Unicode UAX #29) with the context entity detection needs: whether a
//! word starts a sentence, and whether it is a label such as `ÅPNET:` in a photo caption.

use unicode_segmentation::UnicodeSegmentation;

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
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens: Vec<Token<'_>> = Vec::new();
    let mut sentence_start = true;
    let mut pending_hyphen = false;
    let mut last_end = usize::MAX;
    word_bounds(text, |start, seg| {
        if seg.chars().any(char::is_alphanumeric) {
            let joins = pending_hyphen && tokens.last().is_some_and(|t| t.start + t.text.len() + 1 == start);
            match tokens.last_mut() {
                Some(prev) if joins => prev.text = &text[prev.start..start + seg.len()],
                _ => tokens.push(Token { text: seg, start, sentence_initial: sentence_start, before_colon: false }),
            }
            sentence_start = false;
            pending_hyphen = false;
            last_end = start + seg.len();
            return;
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
    });
    tokens
}

/// Calls `visit` with each segment of `text` between UAX #29 word boundaries and its byte
/// offset, exactly as `split_word_bound_indices` gives them, but faster on what most of
/// a text is: words of plain letters and digits between spaces. No rule of UAX #29 joins
/// such a letter or digit to a space, so both ends of such a word are boundaries, and the
/// rules look at no character across a space; so only the stretches between such words
/// need the full rules (the crate's), and each comes out as it would in the whole text.
/// Segmentation was a sixth of analysis time, most of it looking up the class of letters
/// whose class is certain.
fn word_bounds<'a>(text: &'a str, mut visit: impl FnMut(usize, &'a str)) {
    let bytes = text.as_bytes();
    // The start of what has not been visited yet, and of the next possible plain word
    // (the text's start, or just after a space).
    let (mut gap, mut at) = (0, 0);
    while at < text.len() {
        let end = text[at..].find(|c: char| !is_plain(c)).map_or(text.len(), |n| at + n);
        if end > at && (end == text.len() || bytes[end] == b' ') {
            visit_gap(text, gap..at, &mut visit);
            visit(at, &text[at..end]);
            gap = end;
        }
        match bytes[end..].iter().position(|&b| b == b' ') {
            Some(space) => at = end + space + 1,
            None => break,
        }
    }
    visit_gap(text, gap..text.len(), &mut visit);
}

/// The segments of a stretch of `text` between plain words (or the text's ends).
fn visit_gap<'a>(text: &'a str, gap: std::ops::Range<usize>, visit: &mut impl FnMut(usize, &'a str)) {
    let stretch = &text[gap.clone()];
    if stretch.is_empty() {
        return;
    }
    // One or more spaces between two words are one segment (WB3d).
    if stretch.bytes().all(|b| b == b' ') {
        visit(gap.start, stretch);
        return;
    }
    for (start, seg) in stretch.split_word_bound_indices() {
        visit(gap.start + start, seg);
    }
}

/// A letter or digit whose UAX #29 class is certain without a table: ASCII letters and
/// digits, and the letters of Latin-1 and Latin Extended-A (æ, ø, å, ä, é, ł, ś...), all
/// `ALetter` or `Numeric`.
fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '\u{C0}'..='\u{17F}') && c != '×' && c != '÷'
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

    /// The segments the crate gives for the whole text.
    fn reference(text: &str) -> Vec<(usize, &str)> {
        text.split_word_bound_indices().collect()
    }

    fn ours(text: &str) -> Vec<(usize, &str)> {
        let mut out = Vec::new();
        word_bounds(text, |start, seg| out.push((start, seg)));
        out
    }

    #[test]
    fn plain_letters_are_letters_to_uax29() {
        for c in ('\0'..='\u{17F}').filter(|&c| is_plain(c)) {
            for text in [format!("a{c}b"), format!("{c}1"), format!("1{c}"), format!("{c}'{c}"), format!("{c}.{c}")] {
                assert_eq!(ours(&text), reference(&text), "{c:?} in {text:?}");
            }
            assert_eq!(reference(&format!("a{c}1")).len(), 1, "{c:?} joins letters and digits");
        }
    }

    #[test]
    fn segments_are_the_crates_on_real_looking_text() {
        for text in [
            "",
            " ",
            "Kim Jong-un møtte Putin i Nord-Korea.",
            "  to  mellomrom   og\ttabulator\n\nny linje ",
            "A 7.2 quake, 1,5 prosent. Putin's aide, Putin’s aide «sitat» – tankestrek",
            "Soft\u{AD}hyphen, e\u{301}cole, ZWJ \u{200D}x, flagg \u{1F1F3}\u{1F1F4} og 東京 i dag",
            "A \u{301}combining mark after a space, a\u{a0}non-breaking one, thin\u{2009}space",
            "U.S. e.g. 3.14 .NET ÅPNET: x",
        ] {
            assert_eq!(ours(text), reference(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn segments_are_the_crates_on_any_text(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "a", "Ø", "æ", "ł", "9", " ", "  ", ".", ",", "'", "’", "-", ":", "\n", "\t", "\u{301}",
                "\u{AD}", "\u{200D}", "\u{a0}", "\u{2009}", "\u{1F1F3}", "東", "ß", "×", "👍", "ǅ", "\u{3000}",
            ]), 0..40)
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(ours(&text), reference(&text));
        }
    }

    #[test]
    fn keeps_nordic_letters() {
        assert_eq!(words("Blåbærsyltetøy og smørøyer på Ærø"), ["Blåbærsyltetøy", "og", "smørøyer", "på", "Ærø"]);
    }
}
