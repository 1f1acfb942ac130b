//! Training the analyzer's name tagger on a treebank's name annotation (NorNE's layout,
//! see [`crate::names`]): a document's sentences are read in leads of an article's
//! length, split into words and sentences by the analyzer's own tokenizer, their names
//! become labels on those words, and the averaged perceptron
//! of [`tidings_analyze::NameTrainer`] learns from them over several shuffled passes.
//!
//! Documents that share a sentence with an excluded file (a development or test split)
//! are left out whole, so that no text a score is measured on was learned from.

use std::collections::HashSet;
use std::ops::Range;

use tidings_analyze::{
    Analyzer, EntityKind, LEAD_BYTES, Label, Lang, NameHistory, NameTrainer, TaggedName, TaggerSentence, Token,
    sentences, tokenize,
};

use crate::names::{NameType, Sentence, lead_runs};

/// Sentences shorter than this (without spaces) recur across unrelated documents ("Det er
/// ikke sant."), so sharing one says nothing about where a document belongs.
pub(crate) const DISTINCT_SENTENCE_BYTES: usize = 30;

/// How a training run went.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingReport {
    pub documents: usize,
    pub excluded_documents: usize,
    pub sentences: usize,
    /// Words learned from in each pass (each sentence twice: in its lead and alone).
    pub words: usize,
    /// The share of words labelled wrong in each pass (before learning from them).
    pub error_rates: Vec<f64>,
}

/// The key a sentence is recognised by across files: its text without any spacing, so
/// that a treebank's spaced punctuation and running text compare equal.
pub fn sentence_key(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The shuffle seed the shipped weights were trained with.
pub const DEFAULT_SEED: u64 = 0x9E37_79B9_7F4A_7C15;

/// Trains on `documents` (each a document's sentences), leaving out every document with
/// a sentence whose key is in `excluded`. Returns the weights file and a report. `seed` orders the
/// sentences; another seed gives other weights of about the same quality.
pub fn train_names(
    documents: &[Vec<Sentence>],
    excluded: &HashSet<String>,
    passes: usize,
    bits: u32,
    seed: u64,
) -> (Vec<u8>, TrainingReport) {
    let shared = |s: &Sentence| {
        let key = sentence_key(&s.joined);
        key.len() >= DISTINCT_SENTENCE_BYTES && excluded.contains(&key)
    };
    let kept: Vec<&Vec<Sentence>> = documents.iter().filter(|d| !d.iter().any(shared)).collect();
    let analyzer = Analyzer::new();
    let languages: Vec<Lang> = kept.iter().map(|d| document_language(&analyzer, d)).collect();
    let leads: Vec<(Lead, Lang)> =
        kept.iter().zip(&languages).flat_map(|(d, &lang)| leads(d).into_iter().map(move |l| (l, lang))).collect();
    let tokens: Vec<Vec<Token<'_>>> = leads.iter().map(|(l, _)| tokenize(&l.text)).collect();
    // Each lead's sentences in order, as the analyzer reads them, the leads shuffled.
    let examples: Vec<Vec<Example<'_>>> =
        leads.iter().zip(&tokens).map(|((l, lang), t)| examples(&analyzer, *lang, l, t)).collect();
    let mut trainer = NameTrainer::new(bits);
    let mut order: Vec<usize> = (0..examples.len()).collect();
    // xorshift's state must not be zero.
    let mut random = seed.max(1);
    let words: usize = examples.iter().flatten().map(|e| e.tokens.len()).sum();
    let mut error_rates = Vec::with_capacity(passes);
    for _ in 0..passes {
        shuffle(&mut order, &mut random);
        let mut wrong = 0;
        for &i in &order {
            let history = NameHistory::default();
            for e in &examples[i] {
                let sentence = TaggerSentence::with_rules(e.text, e.tokens, e.rules.clone()).in_document(&history);
                wrong += trainer.learn(&sentence, &e.names);
            }
        }
        error_rates.push(wrong as f64 / words.max(1) as f64);
    }
    let report = TrainingReport {
        documents: kept.len(),
        excluded_documents: documents.len() - kept.len(),
        sentences: kept.iter().map(|d| d.len()).sum(),
        words,
        error_rates,
    };
    (trainer.to_bytes(), report)
}

/// One sentence as the tagger sees it (the analyzer's tokenizer may split a treebank
/// sentence in two), with its names over its words.
struct Example<'a> {
    text: &'a str,
    tokens: &'a [Token<'a>],
    names: Vec<TaggedName>,
    /// What the analyzer's rules say about each word.
    rules: Vec<Label>,
}

/// The written standard of a document (Bokmål or Nynorsk, for the rules' stop words).
fn document_language(analyzer: &Analyzer, document: &[Sentence]) -> Lang {
    let text: String = document.iter().take(20).map(|s| s.joined.as_str()).collect::<Vec<_>>().join(" ");
    analyzer.identify(&text)
}

/// Consecutive sentences of a document as an article's body would hold them (one per
/// line, at most [`LEAD_BYTES`] together): the tagger learns from the rules' hints as
/// they are at run time, judged with what the whole lead says about each word.
struct Lead {
    text: String,
    /// Each annotated name's bytes in `text`, and its kind.
    names: Vec<(Range<usize>, EntityKind)>,
}

/// A document's leads, and each of its sentences alone, as a headline or a one-sentence
/// text is read: learning both raises NorNE dev's typed F1 in either reading (`tidings
/// eval-entities` with and without `--documents`).
fn leads(document: &[Sentence]) -> Vec<Lead> {
    let mut runs = lead_runs(document, &vec![Some(0); document.len()], LEAD_BYTES);
    runs.extend((0..document.len()).map(|i| i..i + 1));
    let lead = |run: Range<usize>| {
        let mut lead = Lead { text: String::new(), names: Vec::new() };
        for s in &document[run] {
            if !lead.text.is_empty() {
                lead.text.push('\n');
            }
            let at = lead.text.len();
            lead.text.push_str(&s.joined);
            let names = s.spans.iter().zip(&s.names).map(|(span, n)| (span.start + at..span.end + at, kind(n.kind)));
            lead.names.extend(names);
        }
        lead
    };
    runs.into_iter().map(lead).collect()
}

/// One example per sentence of a lead: its words (as the analyzer's tokenizer splits and
/// ends sentences), the names over them, and the rules' label of each.
fn examples<'a>(analyzer: &Analyzer, lang: Lang, lead: &'a Lead, tokens: &'a [Token<'a>]) -> Vec<Example<'a>> {
    let rules = analyzer.rule_labels(lang, &lead.text, tokens);
    let mut out = Vec::new();
    for words in sentences(tokens) {
        let part = &tokens[words.clone()];
        let names = lead
            .names
            .iter()
            .filter_map(|(span, kind)| {
                let covered: Vec<usize> = (0..part.len())
                    .filter(|&i| part[i].start < span.end && part[i].start + part[i].text.len() > span.start)
                    .collect();
                let (first, last) = (*covered.first()?, *covered.last()?);
                Some(TaggedName { start: first, end: last + 1, kind: *kind })
            })
            .collect();
        out.push(Example { text: &lead.text, tokens: part, names, rules: rules[words].to_vec() });
    }
    out
}

fn kind(name: NameType) -> EntityKind {
    match name {
        NameType::Person => EntityKind::Person,
        NameType::Organization => EntityKind::Organization,
        NameType::Place => EntityKind::Place,
        NameType::Other => EntityKind::Other,
    }
}

/// Fisher-Yates with xorshift: the same order for the same data, so training is
/// repeatable.
fn shuffle(order: &mut [usize], state: &mut u64) {
    for i in (1..order.len()).rev() {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        order.swap(i, (*state % (i as u64 + 1)) as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::read_conllu;

    fn line(i: usize, form: &str, tag: &str) -> String {
        format!("{i}\t{form}\t{form}\tX\t_\t_\t0\troot\t_\tname={tag}\n")
    }

    fn document(sentences: &[&[(&str, &str)]]) -> Vec<Sentence> {
        let text: String = sentences
            .iter()
            .map(|s| s.iter().enumerate().map(|(i, (f, t))| line(i + 1, f, t)).collect::<String>() + "\n")
            .collect();
        read_conllu(&text).expect("reads")
    }

    #[test]
    fn documents_sharing_a_sentence_with_an_excluded_file_are_left_out() {
        let kept = document(&[&[("Kari", "B-PER"), ("bor", "O"), ("i", "O"), ("Bodø", "B-GPE_LOC"), (".", "O")]]);
        let held_out = document(&[
            &[("Ola", "B-PER"), ("reiste", "O"), (".", "O")],
            &[
                ("Det", "O"),
                ("snødde", "O"),
                ("hele", "O"),
                ("natten", "O"),
                ("over", "O"),
                ("fjellet", "O"),
                (".", "O"),
            ],
        ]);
        let excluded: HashSet<String> =
            [sentence_key("Det snødde hele natten over fjellet ."), sentence_key("Kari bor i Bodø.")].into();
        let (weights, report) = train_names(&[kept, held_out], &excluded, 3, 10, DEFAULT_SEED);
        assert_eq!(
            (report.documents, report.excluded_documents, report.sentences),
            (1, 1, 1),
            "a long shared sentence excludes its document, a short one does not"
        );
        assert_eq!(report.words, 8, "the tokenizer's words, Kari bor i Bodø, in a lead and alone");
        assert_eq!(report.error_rates.len(), 3);
        assert!(!weights.is_empty());
    }

    #[test]
    fn names_map_onto_the_tokenizers_words() {
        let doc =
            document(&[&[("Han", "O"), ("møtte", "O"), ("Jonas", "B-PER"), ("Gahr", "I-PER"), ("Støre", "I-PER")]]);
        let lead = leads(&doc).remove(0);
        let tokens = tokenize(&lead.text);
        let ex = examples(&Analyzer::new(), Lang::Bokmal, &lead, &tokens);
        assert_eq!(ex.len(), 1);
        assert_eq!(ex[0].names, [TaggedName { start: 2, end: 5, kind: EntityKind::Person }]);
    }
}
