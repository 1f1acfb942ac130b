//! Decompounding for Norwegian, Danish, Swedish and German, where *atomvåpenprogram* is one
//! word: splitting it into *atom + våpen + program* lets it share terms with *atomprogram*.
//!
//! A word is split only into constituents from a lexicon of frequent news constituents
//! (`data/compound-parts-*.txt`), optionally joined by a linking `s` or `e`; when no full
//! split exists, a known head at the end of the word is still split off
//! (*fiskeoppdrettsanlegg* keeps *anlegg* if that is known). Unknown words stay whole.

use rustc_hash::FxHashSet;

use crate::Lang;

const NORDIC: &str = include_str!("../data/compound-parts-nordic.txt");
const GERMAN: &str = include_str!("../data/compound-parts-german.txt");

/// Shortest word worth trying to split, and shortest constituent (in characters).
const MIN_COMPOUND_CHARS: usize = 7;
/// Longest word tried: the longest compounds in use have about 60 letters, and the search
/// for a split costs more than linear time in the word's length (a 40,000-letter string
/// took 15 s), so longer strings, which are not words, stay whole.
pub const MAX_COMPOUND_CHARS: usize = 64;
const MIN_PART_CHARS: usize = 3;
const MIN_HEAD_CHARS: usize = 4;

pub struct Decompounder {
    nordic: FxHashSet<&'static str>,
    german: FxHashSet<&'static str>,
    /// Longest part a split may have, in characters: the longest constituent in either
    /// lexicon plus the longest ending, so the split looks back only that far.
    longest_part: usize,
}

/// Longest linking letters or inflectional ending a part may carry.
const LONGEST_AFFIX: usize = 4;

impl Decompounder {
    pub fn new() -> Self {
        let (nordic, german) = (lexicon(NORDIC), lexicon(GERMAN));
        let longest = nordic.iter().chain(german.iter()).map(|p| p.chars().count()).max().unwrap_or(0);
        Self { nordic, german, longest_part: longest + LONGEST_AFFIX }
    }

    /// The constituents of `word` (lowercase), or an empty list when it is not a
    /// compound that the lexicon explains.
    pub fn split<'w>(&self, lang: Lang, word: &'w str) -> Vec<&'w str> {
        let (lexicon, linkers, endings): (&FxHashSet<&str>, &[&str], &[&str]) = match lang {
            Lang::German => (&self.german, &["s", "es", "n", "en"], GERMAN_ENDINGS),
            l if l.compounds() => (&self.nordic, &["s", "e"], NORDIC_ENDINGS),
            _ => return Vec::new(),
        };
        let chars = word.chars().count();
        if !(MIN_COMPOUND_CHARS..=MAX_COMPOUND_CHARS).contains(&chars) {
            return Vec::new();
        }
        let in_lexicon = |part: &str| part.chars().count() >= MIN_PART_CHARS && lexicon.contains(part);
        // Inner parts may carry a linking letter; the last part may be inflected.
        let known = |part: &str, last: bool| {
            let affixes = if last { endings } else { linkers };
            in_lexicon(part)
                || affixes
                    .iter()
                    .any(|a| part.strip_suffix(a).is_some_and(|p| in_lexicon(p) || in_lexicon(undouble(p))))
        };
        if let Some(parts) = full_split(word, self.longest_part, &known) {
            return parts;
        }
        head_split(word, lexicon)
    }
}

impl Default for Decompounder {
    fn default() -> Self {
        Self::new()
    }
}

/// Inflectional endings a compound's head may carry (definite forms, plurals, genitive).
const NORDIC_ENDINGS: &[&str] =
    &["en", "et", "a", "ene", "er", "ar", "ane", "ens", "ets", "ane", "erne", "na", "n", "t"];
const GERMAN_ENDINGS: &[&str] = &["e", "en", "er", "es", "n", "s", "ern"];

/// `programm` (from *programmet*) → `program`: a doubled final consonant before an ending.
fn undouble(part: &str) -> &str {
    let b = part.as_bytes();
    if b.len() > 3 && b[b.len() - 1] == b[b.len() - 2] && b[b.len() - 1].is_ascii_alphabetic() {
        &part[..part.len() - 1]
    } else {
        part
    }
}

fn lexicon(text: &'static str) -> FxHashSet<&'static str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

/// The split into the fewest known parts that covers the whole word (two or more parts).
fn full_split<'w>(word: &'w str, longest_part: usize, known: &dyn Fn(&str, bool) -> bool) -> Option<Vec<&'w str>> {
    let bounds: Vec<usize> = word.char_indices().map(|(i, _)| i).chain([word.len()]).collect();
    // best[k] = (parts, previous boundary index) for the prefix ending at bounds[k].
    let mut best: Vec<Option<(usize, usize)>> = vec![None; bounds.len()];
    best[0] = Some((0, 0));
    for end in 1..bounds.len() {
        for start in end.saturating_sub(longest_part)..end {
            let Some((parts, _)) = best[start] else { continue };
            if known(&word[bounds[start]..bounds[end]], end == bounds.len() - 1)
                && best[end].is_none_or(|(p, _)| parts + 1 < p)
            {
                best[end] = Some((parts + 1, start));
            }
        }
    }
    let (parts, _) = best[bounds.len() - 1]?;
    if parts < 2 {
        return None;
    }
    let mut out = Vec::with_capacity(parts);
    let mut end = bounds.len() - 1;
    while end > 0 {
        let (_, start) = best[end]?;
        out.push(&word[bounds[start]..bounds[end]]);
        end = start;
    }
    out.reverse();
    Some(out)
}

/// The longest known head at the end of the word, and the rest before it.
fn head_split<'w>(word: &'w str, lexicon: &FxHashSet<&str>) -> Vec<&'w str> {
    for (i, _) in word.char_indices().skip(MIN_PART_CHARS) {
        let head = &word[i..];
        if head.chars().count() >= MIN_HEAD_CHARS && lexicon.contains(head) {
            return vec![&word[..i], head];
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_news_compounds() {
        let d = Decompounder::new();
        assert_eq!(d.split(Lang::Bokmal, "atomvåpenprogram"), ["atom", "våpen", "program"]);
        assert_eq!(d.split(Lang::Bokmal, "atomprogram"), ["atom", "program"]);
        assert_eq!(d.split(Lang::Nynorsk, "ferjeulukke"), ["ferje", "ulukke"]);
        assert_eq!(d.split(Lang::Bokmal, "statsministeren"), ["stats", "ministeren"]);
        assert_eq!(d.split(Lang::Bokmal, "atomvåpenprogrammet"), ["atom", "våpen", "programmet"]);
        assert_eq!(d.split(Lang::Bokmal, "statsminister"), ["stats", "minister"]);
        assert_eq!(d.split(Lang::German, "atomwaffenprogramm"), ["atom", "waffen", "programm"]);
        assert_eq!(d.split(Lang::Swedish, "färjeolycka"), ["färje", "olycka"]);
    }

    #[test]
    fn leaves_other_words_and_languages_alone() {
        let d = Decompounder::new();
        assert!(d.split(Lang::Bokmal, "vladivostok").is_empty());
        assert!(d.split(Lang::English, "atomprogram").is_empty());
        assert!(d.split(Lang::Bokmal, "fly").is_empty());
    }

    #[test]
    fn strings_longer_than_any_word_stay_whole() {
        let d = Decompounder::new();
        let long = "atom".repeat(MAX_COMPOUND_CHARS / 4 + 1);
        assert!(d.split(Lang::Bokmal, &long).is_empty());
        let longest_allowed = "atom".repeat(MAX_COMPOUND_CHARS / 4);
        assert!(!d.split(Lang::Bokmal, &longest_allowed).is_empty());
    }

    #[test]
    fn keeps_a_known_head() {
        let d = Decompounder::new();
        assert_eq!(d.split(Lang::Bokmal, "kystvaktskip"), ["kystvakt", "skip"]);
    }
}
