//! Names against a treebank's name annotation: CoNLL-U sentences whose tokens carry
//! `name=B-TYPE` / `name=I-TYPE` / `name=O` in their last column (NorNE's layout), and the
//! scores of the names an analyzer finds in each sentence.
//!
//! Matching is by surface string within a sentence, each gold name matched at most once:
//! the analyzer reports names, not token offsets. A name counts as found untyped when its
//! string matches; typed, when the type matches too (the analyzer's four kinds against the
//! treebank's types, see [`NameType::of_gold`]).

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use crate::Prf;

/// A sentence's text and its annotated names.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub text: String,
    pub names: Vec<Name>,
    /// The tokens joined as the annotation spaces them (`SpaceAfter=No`), which is what
    /// [`Sentence::spans`] point into; for training a tagger.
    pub joined: String,
    /// Where each name of [`Sentence::names`] lies in [`Sentence::joined`] (byte ranges).
    pub spans: Vec<std::ops::Range<usize>>,
}

/// A name and its type.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub text: String,
    pub kind: NameType,
}

/// The types compared: what a reader tells apart and the analyzer can say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NameType {
    Person,
    Organization,
    /// Places, also as political entities (NorNE's LOC, GPE_LOC, GPE_ORG).
    Place,
    /// Products, events, derived names and the rest (PROD, EVT, DRV, MISC).
    Other,
}

impl NameType {
    /// A treebank type (`PER`, `GPE_LOC`…) as one of the compared types.
    pub fn of_gold(tag: &str) -> Self {
        match tag {
            "PER" => Self::Person,
            "ORG" => Self::Organization,
            "LOC" | "GPE_LOC" | "GPE_ORG" | "GPE" => Self::Place,
            _ => Self::Other,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Person => "PER",
            Self::Organization => "ORG",
            Self::Place => "LOC/GPE",
            Self::Other => "PROD/EVT/other",
        }
    }
}

/// A line of a CoNLL-U file that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ConlluError {
    pub line: usize,
    pub message: String,
}

/// The sentences of a CoNLL-U text. The text of a sentence is its `# text =` comment, or
/// its tokens joined as `SpaceAfter=No` says; multiword-token and empty-node lines are
/// skipped.
pub fn read_conllu(input: &str) -> Result<Vec<Sentence>, ConlluError> {
    let mut sentences = Vec::new();
    let mut current = Pending::default();
    for (i, line) in input.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if let Some(s) = current.finish() {
                sentences.push(s);
            }
            current = Pending::default();
        } else if let Some(comment) = line.strip_prefix('#') {
            if let Some(text) = comment.trim_start().strip_prefix("text =") {
                current.text = Some(text.trim().to_string());
            }
        } else {
            current.token(line).map_err(|message| ConlluError { line: i + 1, message })?;
        }
    }
    if let Some(s) = current.finish() {
        sentences.push(s);
    }
    Ok(sentences)
}

/// A sentence being read.
#[derive(Default)]
struct Pending {
    text: Option<String>,
    joined: String,
    names: Vec<Name>,
    spans: Vec<std::ops::Range<usize>>,
    open: Option<(Name, std::ops::Range<usize>)>,
    tokens: usize,
}

impl Pending {
    fn token(&mut self, line: &str) -> Result<(), String> {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 10 {
            return Err(format!("a token line has {} tab-separated columns, not 10", cols.len()));
        }
        if cols[0].contains('-') || cols[0].contains('.') {
            return Ok(());
        }
        let (form, misc) = (cols[1], cols[9]);
        self.tokens += 1;
        let at = self.joined.len()..self.joined.len() + form.len();
        self.joined.push_str(form);
        if !misc.split('|').any(|f| f == "SpaceAfter=No") {
            self.joined.push(' ');
        }
        let tag = misc.split('|').find_map(|f| f.strip_prefix("name=")).unwrap_or("O");
        let start = |name_type: &str| (Name { text: form.to_string(), kind: NameType::of_gold(name_type) }, at.clone());
        match tag.split_once('-') {
            Some(("B", kind)) => {
                self.close();
                self.open = Some(start(kind));
            }
            Some(("I", kind)) => match &mut self.open {
                Some((open, span)) if open.kind == NameType::of_gold(kind) => {
                    open.text.push(' ');
                    open.text.push_str(form);
                    span.end = at.end;
                }
                _ => {
                    self.close();
                    self.open = Some(start(kind));
                }
            },
            _ if tag == "O" => self.close(),
            _ => return Err(format!("name tag {tag:?} is not B-TYPE, I-TYPE or O")),
        }
        Ok(())
    }

    fn close(&mut self) {
        if let Some((name, span)) = self.open.take() {
            self.names.push(name);
            self.spans.push(span);
        }
    }

    fn finish(mut self) -> Option<Sentence> {
        self.close();
        let joined = self.joined.trim_end().to_string();
        (self.tokens > 0).then(|| Sentence {
            text: self.text.unwrap_or_else(|| joined.clone()),
            names: self.names,
            joined,
            spans: self.spans,
        })
    }
}

/// Runs of consecutive `sentences` that come from one of `documents` (found by their
/// text) and together hold at most `max_bytes` of text: the articles an analyzer would
/// have read them in. A treebank's splits keep their sentences in document order but do
/// not mark where one document ends; the documents (NorNE's `ndt/` files) do. A sentence
/// too short to tell its document (*Ja.*) stays with the one before it; one found in no
/// document starts a run of its own.
pub fn document_runs(sentences: &[Sentence], documents: &[Vec<Sentence>], max_bytes: usize) -> Vec<Range<usize>> {
    let mut home: HashMap<String, Option<usize>> = HashMap::new();
    for (d, document) in documents.iter().enumerate() {
        for s in document {
            let key = crate::name_training::sentence_key(&s.joined);
            if key.len() >= crate::name_training::DISTINCT_SENTENCE_BYTES {
                // A sentence two documents share tells neither.
                home.entry(key).and_modify(|h| *h = h.filter(|&at| at == d)).or_insert(Some(d));
            }
        }
    }
    let mut current = None;
    let documents: Vec<Option<usize>> = sentences
        .iter()
        .map(|s| {
            let key = crate::name_training::sentence_key(&s.joined);
            if key.len() >= crate::name_training::DISTINCT_SENTENCE_BYTES {
                current = home.get(&key).copied().flatten();
            }
            current
        })
        .collect();
    lead_runs(sentences, &documents, max_bytes)
}

/// Runs of consecutive sentences of one document (`documents[i]` is sentence `i`'s; one
/// of none stands alone) holding at most `max_bytes` of text, a line break between two.
pub fn lead_runs(sentences: &[Sentence], documents: &[Option<usize>], max_bytes: usize) -> Vec<Range<usize>> {
    let mut runs: Vec<Range<usize>> = Vec::new();
    let mut bytes = 0;
    for (i, s) in sentences.iter().enumerate() {
        let document = documents.get(i).copied().flatten();
        let same = i > 0 && document.is_some() && documents.get(i - 1).copied().flatten() == document;
        match runs.last_mut() {
            Some(run) if same && bytes + 1 + s.text.len() <= max_bytes => {
                run.end = i + 1;
                bytes += 1 + s.text.len();
            }
            _ => {
                runs.push(i..i + 1);
                bytes = s.text.len();
            }
        }
    }
    runs
}

/// How the names found compare with the annotation.
#[derive(Debug, Clone, PartialEq)]
pub struct NameScores {
    pub sentences: usize,
    pub gold_names: usize,
    pub found_names: usize,
    /// Strings only.
    pub untyped: Prf,
    /// Recall over people and places (strings only).
    pub person_place_recall: f64,
    /// Strings and types, over all names.
    pub typed: Prf,
    /// Strings and types, per type.
    pub per_type: BTreeMap<NameType, Prf>,
}

/// Scores the names `found` in each sentence (the same order as `sentences`).
pub fn score_names(sentences: &[Sentence], found: &[Vec<Name>]) -> NameScores {
    let mut untyped = Counts::default();
    let mut typed = Counts::default();
    let mut per_type: BTreeMap<NameType, Counts> = BTreeMap::new();
    let (mut person_place, mut person_place_found) = (0usize, 0usize);
    for (sentence, found) in sentences.iter().zip(found) {
        let gold = &sentence.names;
        untyped.add(gold.len(), found.len(), matches(gold, found, |g, f| g.text == f.text));
        typed.add(gold.len(), found.len(), matches(gold, found, |g, f| g == f));
        for kind in [NameType::Person, NameType::Organization, NameType::Place, NameType::Other] {
            let g: Vec<Name> = gold.iter().filter(|n| n.kind == kind).cloned().collect();
            let f: Vec<Name> = found.iter().filter(|n| n.kind == kind).cloned().collect();
            per_type.entry(kind).or_default().add(g.len(), f.len(), matches(&g, &f, |a, b| a.text == b.text));
        }
        let people_places: Vec<Name> =
            gold.iter().filter(|n| matches!(n.kind, NameType::Person | NameType::Place)).cloned().collect();
        person_place += people_places.len();
        person_place_found += matches(&people_places, found, |g, f| g.text == f.text);
    }
    NameScores {
        sentences: sentences.len(),
        gold_names: untyped.gold,
        found_names: untyped.found,
        untyped: untyped.prf(),
        person_place_recall: ratio(person_place_found, person_place),
        typed: typed.prf(),
        per_type: per_type.into_iter().map(|(k, c)| (k, c.prf())).collect(),
    }
}

/// Gold names matched by found ones, each of either side used once.
fn matches(gold: &[Name], found: &[Name], same: impl Fn(&Name, &Name) -> bool) -> usize {
    let mut used = vec![false; found.len()];
    gold.iter()
        .filter(|g| {
            let hit = found.iter().enumerate().position(|(i, f)| !used[i] && same(g, f));
            hit.map(|i| used[i] = true).is_some()
        })
        .count()
}

#[derive(Default)]
struct Counts {
    gold: usize,
    found: usize,
    matched: usize,
}

impl Counts {
    fn add(&mut self, gold: usize, found: usize, matched: usize) {
        self.gold += gold;
        self.found += found;
        self.matched += matched;
    }

    fn prf(&self) -> Prf {
        Prf::new(ratio(self.matched, self.found), ratio(self.matched, self.gold))
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_SENTENCES: &str = "# sent_id = 1
# text = Jonas Gahr Støre møtte Erna Solberg i Oslo.
1\tJonas\tJonas\tPROPN\t_\t_\t4\tnsubj\t_\tname=B-PER
2\tGahr\tGahr\tPROPN\t_\t_\t1\tflat:name\t_\tname=I-PER
3\tStøre\tStøre\tPROPN\t_\t_\t1\tflat:name\t_\tname=I-PER
4\tmøtte\tmøte\tVERB\t_\t_\t0\troot\t_\tname=O
5\tErna\tErna\tPROPN\t_\t_\t4\tobj\t_\tname=B-PER
6\tSolberg\tSolberg\tPROPN\t_\t_\t5\tflat:name\t_\tname=I-PER
7\ti\ti\tADP\t_\t_\t8\tcase\t_\tname=O
8\tOslo\tOslo\tPROPN\t_\t_\t4\tobl\t_\tSpaceAfter=No|name=B-GPE_LOC
9\t.\t$.\tPUNCT\t_\t_\t4\tpunct\t_\tname=O

1\tNRK\tNRK\tPROPN\t_\t_\t2\tnsubj\t_\tname=B-ORG
2-3\tsendte\t_\t_\t_\t_\t_\t_\t_\t_
2\tmeldte\tmelde\tVERB\t_\t_\t0\troot\t_\tname=O
3\tOL\tOL\tPROPN\t_\t_\t2\tobj\t_\tname=B-EVT
";

    fn name(text: &str, kind: NameType) -> Name {
        Name { text: text.into(), kind }
    }

    #[test]
    fn sentences_and_their_names_are_read() {
        let s = read_conllu(TWO_SENTENCES).expect("reads");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].text, "Jonas Gahr Støre møtte Erna Solberg i Oslo.");
        assert_eq!(
            s[0].names,
            [
                name("Jonas Gahr Støre", NameType::Person),
                name("Erna Solberg", NameType::Person),
                name("Oslo", NameType::Place)
            ]
        );
        assert_eq!(s[1].text, "NRK meldte OL", "joined from tokens; the multiword line skipped");
        assert_eq!(&s[0].joined[s[0].spans[0].clone()], "Jonas Gahr Støre");
        assert_eq!(&s[0].joined[s[0].spans[2].clone()], "Oslo", "Oslo's span ends before the full stop");
        assert_eq!(s[1].names, [name("NRK", NameType::Organization), name("OL", NameType::Other)]);
    }

    #[test]
    fn a_bad_line_is_named() {
        let err = read_conllu("# text = x\n1\tx\tx\n").expect_err("three columns");
        assert_eq!(err.line, 2);
        let err = read_conllu("1\tx\tx\tX\t_\t_\t0\troot\t_\tname=Q-PER\n").expect_err("bad tag");
        assert!(err.to_string().contains("line 1"), "{err}");
    }

    #[test]
    fn sentences_run_together_by_document_within_a_length() {
        let doc = |texts: &[&str]| -> Vec<Sentence> {
            let conll: String = texts
                .iter()
                .map(|t| {
                    t.split(' ')
                        .enumerate()
                        .map(|(i, w)| format!("{}\t{w}\t{w}\tX\t_\t_\t0\troot\t_\tname=O\n", i + 1))
                        .collect::<String>()
                        + "\n"
                })
                .collect();
            read_conllu(&conll).expect("reads")
        };
        let a = ["Det snødde hele natten over fjellet i går", "Ja", "Veien over fjellet ble stengt om morgenen"];
        let b = ["Butikken i sentrum åpnet igjen etter brannen", "Eieren var glad for hjelpen fra naboene"];
        let documents = [doc(&a), doc(&b)];
        let split: Vec<&str> =
            a.iter().chain(&b).copied().chain(["Denne setningen står ikke i noe dokument"]).collect();
        let runs = document_runs(&doc(&split), &documents, 1000);
        assert_eq!(runs, [0..3, 3..5, 5..6], "a short sentence stays with its neighbour");
        let runs = document_runs(&doc(&split), &documents, 60);
        assert_eq!(runs, [0..2, 2..3, 3..4, 4..5, 5..6], "no run holds more than 60 bytes");
    }

    #[test]
    fn names_score_by_string_then_by_type() {
        let s = read_conllu(TWO_SENTENCES).expect("reads");
        let found = vec![
            vec![
                name("Jonas Gahr Støre", NameType::Person),
                name("Erna", NameType::Person),
                name("Oslo", NameType::Organization),
            ],
            vec![name("NRK", NameType::Organization)],
        ];
        let scores = score_names(&s, &found);
        assert_eq!((scores.gold_names, scores.found_names), (5, 4));
        assert!((scores.untyped.precision - 3.0 / 4.0).abs() < 1e-9, "{scores:?}");
        assert!((scores.untyped.recall - 3.0 / 5.0).abs() < 1e-9);
        assert!((scores.person_place_recall - 2.0 / 3.0).abs() < 1e-9, "Støre and Oslo of three");
        assert!((scores.typed.precision - 2.0 / 4.0).abs() < 1e-9, "Oslo has the wrong type");
        assert!((scores.per_type[&NameType::Place].recall).abs() < 1e-9);
        assert!((scores.per_type[&NameType::Organization].precision - 0.5).abs() < 1e-9);
    }
}
