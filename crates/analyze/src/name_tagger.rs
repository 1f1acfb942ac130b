//! A learned name tagger for Norwegian: an averaged perceptron that labels each word of a
//! sentence as the beginning or inside of a person, organisation, place or other name, or
//! as no name (BIO labels), from the word's shape, affixes and neighbours, the gazetteer
//! and the labels it gave the two words before.
//!
//! Rules find capitalised sequences well but cannot type them (a lone surname, *Borten*,
//! is a person only by context) and cut names wrong where Norwegian writes them with
//! lowercase words inside (*Universitetet i Bergen*, *Møre og Romsdal*). The weights are
//! learned from a treebank's name annotation (`tidings train-names`, see
//! [`crate::name_training`]) and shipped in `data/names.tagger`: hashed features only,
//! so the file holds numbers, never text.
//!
//! The tagger reads the words of the analyzer's own tokenizer, one sentence at a time, so
//! that it sees at run time exactly what it saw in training.

use std::cell::{Cell, RefCell};

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::entity::{Entity, EntityKind, WordFacts, tagged_entity};
use crate::name_clues::NameClues;
use crate::token::Token;

/// The weights shipped with the analyzer, trained on NorNE's Bokmål and Nynorsk training
/// documents.
const SHIPPED: &[u8] = include_bytes!("../data/names.tagger");

/// The first bytes of a weights file, with its format version.
const MAGIC: &[u8; 8] = b"TDNTAG01";

/// Name types the tagger tells apart, in label order.
pub(crate) const KINDS: [EntityKind; 4] =
    [EntityKind::Person, EntityKind::Organization, EntityKind::Place, EntityKind::Other];

/// Labels: `O`, then `B-kind` and `I-kind` for each of [`KINDS`].
pub(crate) const LABELS: usize = 1 + 2 * KINDS.len();

/// A word's label as an index: 0 is outside any name.
pub type Label = usize;

pub(crate) const OUTSIDE: Label = 0;

pub(crate) fn begin(kind: usize) -> Label {
    1 + 2 * kind
}

fn is_inside(label: Label) -> bool {
    label != OUTSIDE && label.is_multiple_of(2)
}

/// The kind a label belongs to (`None` for outside).
fn kind_of(label: Label) -> Option<usize> {
    (label != OUTSIDE).then(|| (label - 1) / 2)
}

/// Whether `label` may follow `prev`: an inside label only continues a name of its kind.
pub(crate) fn allowed(prev: Label, label: Label) -> bool {
    !is_inside(label) || (prev != OUTSIDE && kind_of(prev) == kind_of(label))
}

/// The environment variable that names a weights file to use instead of the shipped one.
pub const WEIGHTS_VARIABLE: &str = "TIDINGS_NAME_TAGGER";

/// A name that begins right after a name of its kind, nothing but a space between them,
/// continues it: two people or places side by side are written with a comma or *og* between
/// (*innenriksminister Ali Yerlikaya* is one person, not *Ali* and *Yerlikaya*).
fn continued(prev: Label, label: Label) -> Label {
    let begins_same_kind = label != OUTSIDE && !is_inside(label) && prev != OUTSIDE && kind_of(prev) == kind_of(label);
    if begins_same_kind { label + 1 } else { label }
}

/// Why a weights file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TaggerError {
    #[error("{path}: {source}")]
    Read { path: std::path::PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    File { path: std::path::PathBuf, message: String },
    #[error("not a name tagger's weights (no {MAGIC:?} header)")]
    Header,
    #[error("weights for {found} labels, this version has {LABELS}")]
    Labels { found: usize },
    #[error("{found} bytes of weights where {expected} were expected")]
    Length { found: usize, expected: usize },
}

/// Learned weights: for each hashed feature bucket, one weight per label.
pub struct NameTagger {
    /// `buckets * LABELS` weights, each `scale * i16`.
    weights: Vec<i16>,
    scale: f32,
    /// `buckets - 1`; buckets is a power of two.
    mask: u64,
}

/// A name the tagger found: words `start..end` of the sentence, and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaggedName {
    pub start: usize,
    pub end: usize,
    pub kind: EntityKind,
}

impl NameTagger {
    /// The weights the analyzer uses, read once per process: the file named by
    /// [`WEIGHTS_VARIABLE`] where it is set and readable (weights from `tidings
    /// train-names`, tried without a rebuild; the binary refuses a bad one at start, see
    /// [`NameTagger::from_variable`]), else the shipped ones.
    pub fn active() -> &'static NameTagger {
        static TAGGER: OnceLock<NameTagger> = OnceLock::new();
        TAGGER.get_or_init(|| match NameTagger::from_variable() {
            Ok(Some(tagger)) => tagger,
            _ => NameTagger::from_bytes(SHIPPED).unwrap_or_else(|_| NameTagger::empty()),
        })
    }

    /// The weights named by [`WEIGHTS_VARIABLE`], if it is set.
    pub fn from_variable() -> Result<Option<NameTagger>, TaggerError> {
        let Some(path) = std::env::var_os(WEIGHTS_VARIABLE) else { return Ok(None) };
        let path = std::path::PathBuf::from(path);
        let bytes = std::fs::read(&path).map_err(|source| TaggerError::Read { path: path.clone(), source })?;
        NameTagger::from_bytes(&bytes).map(Some).map_err(|e| TaggerError::File { path, message: e.to_string() })
    }

    /// A tagger that finds no names. The shipped file is part of the build and a test
    /// reads it, so this stands in only for a file that cannot be; no names rather than
    /// a stop.
    fn empty() -> NameTagger {
        NameTagger { weights: vec![0; LABELS], scale: 0.0, mask: 0 }
    }

    /// Reads weights written by [`NameTagger::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, TaggerError> {
        let rest = bytes.strip_prefix(MAGIC.as_slice()).ok_or(TaggerError::Header)?;
        let (labels, rest) = rest.split_first_chunk::<4>().ok_or(TaggerError::Header)?;
        let (bits, rest) = rest.split_first_chunk::<4>().ok_or(TaggerError::Header)?;
        let (scale, rest) = rest.split_first_chunk::<4>().ok_or(TaggerError::Header)?;
        let labels = u32::from_le_bytes(*labels) as usize;
        if labels != LABELS {
            return Err(TaggerError::Labels { found: labels });
        }
        let buckets = 1usize << u32::from_le_bytes(*bits).min(30);
        let expected = buckets * LABELS * 2;
        if rest.len() != expected {
            return Err(TaggerError::Length { found: rest.len(), expected });
        }
        let weights = rest.chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect();
        Ok(Self { weights, scale: f32::from_le_bytes(*scale), mask: buckets as u64 - 1 })
    }

    /// Quantises `weights` (`buckets * LABELS`, buckets a power of two) into the file
    /// format: a header, then one little-endian i16 per weight.
    pub fn to_bytes(weights: &[f32]) -> Vec<u8> {
        let buckets = weights.len() / LABELS;
        let bits = buckets.trailing_zeros();
        let largest = weights.iter().fold(0.0f32, |m, w| m.max(w.abs()));
        let scale = if largest > 0.0 { largest / f32::from(i16::MAX) } else { 1.0 };
        let mut out = Vec::with_capacity(20 + weights.len() * 2);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(LABELS as u32).to_le_bytes());
        out.extend_from_slice(&bits.to_le_bytes());
        out.extend_from_slice(&scale.to_le_bytes());
        for w in weights {
            out.extend_from_slice(&((w / scale).round() as i16).to_le_bytes());
        }
        out
    }

    /// The names in one sentence's words (`text` is what their offsets point into).
    pub fn tag(&self, sentence: &Sentence<'_>) -> Vec<TaggedName> {
        let labels = self.labels(sentence);
        names_of(&labels)
    }

    /// The best label of each word, left to right, each seeing the two before it.
    pub fn labels(&self, sentence: &Sentence<'_>) -> Vec<Label> {
        let mut labels: Vec<Label> = Vec::with_capacity(sentence.len());
        let mut features = Vec::with_capacity(48);
        for i in 0..sentence.len() {
            let prev = sentence.joinable(i, labels.last().copied().unwrap_or(OUTSIDE));
            // Nor across a dash between words (the route *Moss–Horten*), at run time only:
            // the treebank spaces its dashes, so training never sees one between names.
            let prev = if prev != OUTSIDE && matches!(sentence.mark_before(i), "–" | "—") { OUTSIDE } else { prev };
            if sentence.unscored(i, prev) {
                labels.push(OUTSIDE);
                continue;
            }
            let prev2 = i.checked_sub(2).map_or(OUTSIDE, |p| labels[p]);
            features.clear();
            sentence.features(i, prev, prev2, &mut features);
            let scores = self.scores(&features);
            let best = (0..LABELS)
                .filter(|&l| allowed(prev, l))
                .max_by(|&a, &b| scores[a].total_cmp(&scores[b]))
                .unwrap_or(OUTSIDE);
            labels.push(continued(prev, best));
        }
        sentence.remember(&labels);
        labels
    }

    fn scores(&self, features: &[u64]) -> [f32; LABELS] {
        let mut sums = [0i32; LABELS];
        for &f in features {
            let start = (f & self.mask) as usize * LABELS;
            if let Some(row) = self.weights.get(start..start + LABELS) {
                sums.iter_mut().zip(row).for_each(|(s, &w)| *s += i32::from(w));
            }
        }
        sums.map(|s| s as f32 * self.scale)
    }
}

/// The entities the shipped tagger finds in a segment (a headline or a body), sentence by
/// sentence as the tokenizer marks them, each with the bytes of `text` it spans.
pub(crate) fn tagged_entities(
    tokens: &[Token<'_>],
    facts: &[WordFacts],
    rules: &[Label],
    text: &str,
    genitive_s: bool,
) -> Vec<(std::ops::Range<usize>, Entity)> {
    let tagger = NameTagger::active();
    let mut out = Vec::new();
    let history = NameHistory::default();
    for std::ops::Range { start, end } in crate::token::sentences(tokens) {
        let sentence = &tokens[start..end];
        let sentence_rules = rules.get(start..end).map(<[Label]>::to_vec).unwrap_or_default();
        for name in tagger.tag(&Sentence::with_rules(text, sentence, sentence_rules).in_document(&history)) {
            // A name may go on in lowercase (*Bergen tingrett*) but never ends on a
            // function word (*Horten på*; *NRK*, a stop word for counting, is a name).
            let stop = |i: usize| {
                facts.get(start + i).is_some_and(|f| f.stop) && !sentence[i].text.chars().any(char::is_uppercase)
            };
            let name_end = (name.start + 1..=name.end).rev().find(|&e| !stop(e - 1)).unwrap_or(name.start);
            let words = &sentence[name.start..name_end];
            // A name has a capital somewhere (numbers and common words tagged by
            // mistake do not; nor does what is left of a name that was all function words).
            if !words.iter().any(|w| w.text.chars().any(char::is_uppercase)) {
                continue;
            }
            out.push((span_of(words), tagged_entity(words, text, name.kind, genitive_s)));
        }
    }
    out
}

/// The bytes from the first word's start to the last word's end.
pub(crate) fn span_of(words: &[Token<'_>]) -> std::ops::Range<usize> {
    let end = words.last().map_or(0, |w| w.start + w.text.len());
    words.first().map_or(0, |w| w.start)..end
}

/// The label of each of `len` words, given the names among them.
pub(crate) fn labels_of(names: &[TaggedName], len: usize) -> Vec<Label> {
    let mut labels = vec![OUTSIDE; len];
    for name in names {
        let Some(kind) = KINDS.iter().position(|&k| k == name.kind) else { continue };
        for (i, label) in labels.iter_mut().enumerate().take(name.end.min(len)).skip(name.start) {
            *label = if i == name.start { begin(kind) } else { begin(kind) + 1 };
        }
    }
    labels
}

/// The names a label sequence spells.
pub(crate) fn names_of(labels: &[Label]) -> Vec<TaggedName> {
    let mut out: Vec<TaggedName> = Vec::new();
    for (i, &label) in labels.iter().enumerate() {
        let Some(kind) = kind_of(label) else { continue };
        match out.last_mut() {
            Some(open) if is_inside(label) && open.end == i && KINDS[kind] == open.kind => open.end = i + 1,
            _ => out.push(TaggedName { start: i, end: i + 1, kind: KINDS[kind] }),
        }
    }
    out
}

/// One sentence as the tagger reads it: its words and what lies between them.
pub struct Sentence<'a> {
    text: &'a str,
    tokens: &'a [Token<'a>],
    /// What each word is on its own, looked up when first needed (most words are
    /// neither scored nor next to a scored one).
    traits: Vec<Cell<Option<WordTraits>>>,
    /// Whether each word has a capital letter somewhere: names do.
    capital: Vec<bool>,
    /// The label the rules of [`crate::entity`] give each word: what they know (titles,
    /// organisation endings, the gazetteer, words the document writes in lowercase)
    /// becomes one more feature, and the tagger learns when to trust it.
    rules: Vec<Label>,
    /// What the tagger said of the same words earlier in the document, if it is read as one.
    history: Option<&'a NameHistory>,
}

/// What the tagger said of each capitalised word so far in one document (a headline, a
/// body, or a training lead): how often it began or continued a name of each kind, and
/// how often it was no name. A later mention is typed like the earlier ones (*Marie Høeg*
/// makes the lone *Høeg* two sentences on a person), and a word that was no name before
/// (a capitalised sentence start) is less likely one now.
#[derive(Debug, Default)]
pub struct NameHistory {
    /// Per word hash: counts of no name, then of each of [`KINDS`].
    counts: RefCell<FxHashMap<u64, [u16; 1 + KINDS.len()]>>,
}

impl NameHistory {
    /// The most frequent of no name (0) and the kinds (1 + index into [`KINDS`]) earlier
    /// mentions of a word were given, a tie going to the lower; `None` for a word not seen
    /// before.
    fn said(&self, word: u64) -> Option<usize> {
        let counts = self.counts.borrow();
        let c = counts.get(&word)?;
        (0..c.len()).rev().max_by_key(|&k| c[k])
    }

    fn remember(&self, word: u64, label: Label) {
        let mut counts = self.counts.borrow_mut();
        let c = counts.entry(word).or_default();
        let at = kind_of(label).map_or(0, |k| k + 1);
        c[at] = c[at].saturating_add(1);
    }
}

impl<'a> Sentence<'a> {
    /// `tokens` are one sentence's words from [`crate::token::tokenize`] over `text`, with
    /// no hints from the rules (the shipped weights were trained with them: see
    /// [`Sentence::with_rules`]).
    pub fn new(text: &'a str, tokens: &'a [Token<'a>]) -> Self {
        Self::with_rules(text, tokens, vec![OUTSIDE; tokens.len()])
    }

    /// A sentence with the rules' label of each word (see [`crate::Analyzer::rule_labels`]).
    pub fn with_rules(text: &'a str, tokens: &'a [Token<'a>], mut rules: Vec<Label>) -> Self {
        rules.resize(tokens.len(), OUTSIDE);
        let traits = vec![Cell::new(None); tokens.len()];
        let capital = tokens.iter().map(|t| has_capital(t.text)).collect();
        Self { text, tokens, traits, capital, rules, history: None }
    }

    /// The sentence as part of a document whose earlier sentences `history` remembers.
    pub fn in_document(mut self, history: &'a NameHistory) -> Self {
        self.history = Some(history);
        self
    }

    /// Adds the labels given to this sentence's capitalised words to its document's history.
    pub(crate) fn remember(&self, labels: &[Label]) {
        let Some(history) = self.history else { return };
        for (i, &label) in labels.iter().enumerate() {
            if self.capital[i] {
                history.remember(self.traits(i).word, label);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The hashed features of word `i`, given the labels of the two words before it.
    pub(crate) fn features(&self, i: usize, prev: Label, prev2: Label, out: &mut Vec<u64>) {
        let token = &self.tokens[i];
        let traits = self.traits(i);
        let (word, shape) = (traits.word, traits.shape);
        let (prev, prev2, rule) = (prev as u64, prev2 as u64, self.rules[i] as u64);
        let mut add = |template: u64, value: u64| out.push(mix(template, value));
        add(1, 0);
        add(2, word);
        add(3, shape);
        add(4, traits.affixes[0]);
        add(5, traits.affixes[1]);
        add(6, traits.affixes[2]);
        add(7, traits.affixes[3]);
        add(8, self.neighbour_word(i, -1));
        add(9, self.neighbour_word(i, 1));
        add(10, self.neighbour_word(i, -2));
        add(11, self.neighbour_word(i, 2));
        add(12, self.neighbour_shape(i, -1));
        add(13, self.neighbour_shape(i, 1));
        add(14, hash(self.mark_before(i)));
        add(15, hash(self.mark_after(i)));
        add(16, u64::from(token.sentence_initial));
        add(17 + (u64::from(token.sentence_initial) << 8), shape);
        add(18 + prev * 256, 0);
        add(19 + prev * 256 + prev2 * 65536, 0);
        add(20 + prev * 256, shape);
        add(21 + prev * 256, word);
        add(mix(22, self.neighbour_word(i, -1)), word);
        add(mix(23, word), self.neighbour_word(i, 1));
        add(24 + prev * 256, self.neighbour_shape(i, 1));
        add(40 + rule * 256, 0);
        add(41 + rule * 256, shape);
        add(42 + rule * 256 + prev * 65536, 0);
        add(43 + rule * 256, word);
        if let Some(said) = self.history.and_then(|h| h.said(traits.word)) {
            let said = said as u64;
            add(50 + said * 256, 0);
            add(51 + said * 256, shape);
            add(52 + said * 256 + prev * 65536, 0);
        }
        let clues = traits.clues;
        let before = i.checked_sub(1).map_or(NameClues::default(), |p| self.traits(p).clues);
        let after = if i + 1 < self.len() { self.traits(i + 1).clues } else { NameClues::default() };
        for (template, fact) in [
            (30, clues.given_name()),
            (31, clues.known_place(true)),
            (32, clues.organisation_ending()),
            (33, before.leads_into_names()),
            (35, token.before_colon),
            (36, clues.leads_into_names()),
            (37, after.given_name()),
            (38, before.announces_organisation()),
        ] {
            if fact {
                add(template, 0);
                add(template + 256, shape);
            }
        }
    }

    /// Names have a capital somewhere: a word without one after no name starts none. Most
    /// words are such and are not scored, in training as at run time.
    pub(crate) fn unscored(&self, i: usize, prev: Label) -> bool {
        prev == OUTSIDE && !self.capital[i]
    }

    /// The label before word `i` as far as a name may continue from it: none across a
    /// quote, bracket or comma (*Karl Ove Knausgårds «Min kamp»* is two names).
    pub(crate) fn joinable(&self, i: usize, prev: Label) -> Label {
        // Most words follow no name: then there is no mark to look at.
        if prev == OUTSIDE {
            return OUTSIDE;
        }
        let breaks =
            matches!(self.mark_before(i), "«" | "»" | "\"" | "“" | "”" | "(" | ")" | "[" | "]" | "," | ";" | "!" | "?");
        if breaks { OUTSIDE } else { prev }
    }

    fn neighbour(&self, i: usize, offset: isize) -> Option<usize> {
        i.checked_add_signed(offset).filter(|&j| j < self.tokens.len())
    }

    fn neighbour_word(&self, i: usize, offset: isize) -> u64 {
        self.neighbour(i, offset).map_or(edge(offset), |j| self.traits(j).word)
    }

    fn neighbour_shape(&self, i: usize, offset: isize) -> u64 {
        self.neighbour(i, offset).map_or(edge(offset), |j| self.traits(j).shape)
    }

    fn traits(&self, i: usize) -> WordTraits {
        let cell = &self.traits[i];
        cell.get().unwrap_or_else(|| {
            let traits = WordTraits::of(self.tokens[i].text);
            cell.set(Some(traits));
            traits
        })
    }

    /// The last mark (not a space) between the previous word and this one: a quote, a
    /// parenthesis, a dash. Spaces are ignored, so treebank text with spaced punctuation
    /// reads like running text.
    fn mark_before(&self, i: usize) -> &str {
        let from = i.checked_sub(1).map_or(0, |p| self.tokens[p].start + self.tokens[p].text.len());
        last_mark(self.text.get(from..self.tokens[i].start).unwrap_or(""))
    }

    fn mark_after(&self, i: usize) -> &str {
        let from = self.tokens[i].start + self.tokens[i].text.len();
        let to = self.tokens.get(i + 1).map_or(self.text.len(), |t| t.start);
        first_mark(self.text.get(from..to).unwrap_or(""))
    }
}

/// What a word is on its own: hashes of it in lowercase, of its shape and of its affixes,
/// and what the word lists say of it.
#[derive(Debug, Clone, Copy)]
struct WordTraits {
    word: u64,
    shape: u64,
    /// Suffixes of two, three and four letters, prefix of three.
    affixes: [u64; 4],
    clues: NameClues,
}

impl WordTraits {
    /// A word's traits, remembered per thread: news repeats its words, and hashing its
    /// affixes costs more than the lookup.
    fn of(word: &str) -> WordTraits {
        thread_local! {
            static TRAITS: RefCell<FxHashMap<u64, WordTraits>> = RefCell::new(FxHashMap::default());
        }
        TRAITS.with_borrow_mut(|cache| {
            if cache.len() > 100_000 {
                cache.clear();
            }
            *cache.entry(hash(word)).or_insert_with(|| WordTraits::compute(word))
        })
    }

    fn compute(word: &str) -> WordTraits {
        let lower = word.to_lowercase();
        let mut shape = String::with_capacity(8);
        shape_into(word, &mut shape);
        WordTraits {
            word: hash(&lower),
            shape: hash(&shape),
            affixes: [suffix(&lower, 2), suffix(&lower, 3), suffix(&lower, 4), prefix(&lower, 3)].map(hash),
            clues: NameClues::of(word),
        }
    }
}

/// Whether a word has a capital letter anywhere (*iPhone*); Latin-1's small letters (æ, ø,
/// å) are told apart without Unicode's tables.
fn has_capital(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_uppercase() || !c.is_ascii() && !matches!(c, 'ß'..='ÿ') && c.is_uppercase())
}

fn hash(value: &str) -> u64 {
    xxh3_64_with_seed(value.as_bytes(), 0)
}

/// A feature: a template and a value, hashed together.
fn mix(template: u64, value: u64) -> u64 {
    xxh3_64_with_seed(&value.to_le_bytes(), template)
}

/// What stands beyond a sentence's first or last word.
fn edge(offset: isize) -> u64 {
    if offset < 0 { hash("<s>") } else { hash("</s>") }
}

fn last_mark(gap: &str) -> &str {
    gap.trim_end().char_indices().last().map_or("", |(at, c)| &gap[at..at + c.len_utf8()])
}

fn first_mark(gap: &str) -> &str {
    let gap = gap.trim_start();
    gap.chars().next().map_or("", |c| &gap[..c.len_utf8()])
}

/// A word's shape: letters as `X`/`x`, digits as `d`, runs of one class shortened to
/// two (`Oslo` → `Xxx`, `NRK` → `XX`, `2024` → `dd`, `Jong-un` → `Xxx-xx`).
fn shape_into(word: &str, out: &mut String) {
    out.clear();
    let mut run = (' ', 0);
    for c in word.chars() {
        let class = if c.is_uppercase() {
            'X'
        } else if c.is_alphabetic() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else {
            c
        };
        run = if run.0 == class { (class, run.1 + 1) } else { (class, 1) };
        if run.1 <= 2 || class == 'X' && out.len() < 3 {
            out.push(class);
        }
    }
}

fn suffix(word: &str, chars: usize) -> &str {
    let at = word.char_indices().rev().nth(chars - 1).map_or(0, |(i, _)| i);
    &word[at..]
}

fn prefix(word: &str, chars: usize) -> &str {
    let at = word.char_indices().nth(chars).map_or(word.len(), |(i, _)| i);
    &word[..at]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tokenize;

    #[test]
    fn capitals_are_unicodes_uppercase_letters() {
        for c in '\0'..='\u{3FF}' {
            let word = format!("a{c}");
            assert_eq!(has_capital(&word), word.chars().any(char::is_uppercase), "{c:?}");
        }
    }

    #[test]
    fn shapes_and_affixes() {
        let shape = |w: &str| {
            let mut out = String::new();
            shape_into(w, &mut out);
            out
        };
        assert_eq!(shape("Oslo"), "Xxx");
        assert_eq!(shape("NRK"), "XXX");
        assert_eq!(shape("2024"), "dd");
        assert_eq!(shape("Jong-un"), "Xxx-xx");
        assert_eq!(suffix("bergen", 3), "gen");
        assert_eq!(suffix("å", 3), "å");
        assert_eq!(prefix("ørsta", 3), "ørs");
        assert_eq!(prefix("os", 3), "os");
    }

    #[test]
    fn inside_labels_only_continue_a_name_of_their_kind() {
        let (per, org) = (begin(0), begin(1));
        assert!(allowed(OUTSIDE, per) && allowed(org, per));
        assert!(!allowed(OUTSIDE, per + 1), "I-PER after O");
        assert!(!allowed(org, per + 1), "I-PER after B-ORG");
        assert!(allowed(per, per + 1) && allowed(per + 1, per + 1));
        let names = names_of(&[per, per + 1, OUTSIDE, org, per, begin(2)]);
        let spans: Vec<_> = names.iter().map(|n| (n.start, n.end, n.kind)).collect();
        assert_eq!(
            spans,
            [
                (0, 2, EntityKind::Person),
                (3, 4, EntityKind::Organization),
                (4, 5, EntityKind::Person),
                (5, 6, EntityKind::Place)
            ]
        );
    }

    #[test]
    fn marks_between_words_ignore_spaces() {
        let text = "Han sa « Ja » ( til NRK ) .";
        let tokens = tokenize(text);
        let s = Sentence::new(text, &tokens);
        let ja = tokens.iter().position(|t| t.text == "Ja").expect("Ja");
        assert_eq!((s.mark_before(ja), s.mark_after(ja)), ("«", "»"));
        let nrk = tokens.iter().position(|t| t.text == "NRK").expect("NRK");
        assert_eq!(s.mark_after(nrk), ")");
    }

    #[test]
    fn a_document_history_remembers_what_each_capitalised_word_was_called() {
        let history = NameHistory::default();
        let text = "Marie Høeg startet foreningen";
        let tokens = tokenize(text);
        let sentence = Sentence::new(text, &tokens).in_document(&history);
        let (per, org) = (begin(0), begin(1));
        sentence.remember(&[per, per + 1, OUTSIDE, OUTSIDE]);
        let word = |w: &str| WordTraits::of(w).word;
        assert_eq!(history.said(word("Høeg")), Some(1), "a person (kind 0, said as 1)");
        assert_eq!(history.said(word("Marie")), Some(1));
        assert_eq!(history.said(word("Foreningen")), None, "lowercase words are not remembered");
        // A word called no name once and an organisation twice is an organisation; a tie
        // between no name and a name is no name.
        for label in [OUTSIDE, org, org] {
            history.remember(word("Nav"), label);
        }
        assert_eq!(history.said(word("Nav")), Some(2));
        history.remember(word("Tirsdag"), OUTSIDE);
        history.remember(word("Tirsdag"), per);
        assert_eq!(history.said(word("Tirsdag")), Some(0));
    }

    #[test]
    fn weights_survive_the_file_format_and_bad_files_are_refused() {
        let mut weights = vec![0.0f32; 4 * LABELS];
        weights[LABELS + 3] = 2.5;
        weights[2 * LABELS] = -1.0;
        let bytes = NameTagger::to_bytes(&weights);
        let tagger = NameTagger::from_bytes(&bytes).expect("reads");
        assert_eq!(tagger.mask, 3);
        assert!((f32::from(tagger.weights[LABELS + 3]) * tagger.scale - 2.5).abs() < 1e-3);
        assert!((f32::from(tagger.weights[2 * LABELS]) * tagger.scale + 1.0).abs() < 1e-3);
        assert!(matches!(NameTagger::from_bytes(b"nonsense"), Err(TaggerError::Header)));
        assert!(matches!(NameTagger::from_bytes(&bytes[..bytes.len() - 2]), Err(TaggerError::Length { .. })));
    }

    #[test]
    fn the_shipped_weights_read_and_find_names() {
        let tagger = NameTagger::from_bytes(SHIPPED).expect("the shipped weights read");
        let text = "Statsminister Jonas Gahr Støre møtte ordføreren i Bergen kommune tirsdag.";
        let tokens = tokenize(text);
        let rules = crate::Analyzer::new().rule_labels(crate::Lang::Bokmal, text, &tokens);
        let names = tagger.tag(&Sentence::with_rules(text, &tokens, rules));
        let found: Vec<(String, EntityKind)> = names
            .iter()
            .map(|n| (tokens[n.start..n.end].iter().map(|t| t.text).collect::<Vec<_>>().join(" "), n.kind))
            .collect();
        assert!(found.contains(&("Jonas Gahr Støre".to_string(), EntityKind::Person)), "{found:?}");
        assert!(found.iter().any(|(n, _)| n.starts_with("Bergen")), "{found:?}");
        assert!(!found.iter().any(|(n, _)| n.contains("tirsdag")), "{found:?}");
    }
}
