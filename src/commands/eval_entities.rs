//! `tidings eval-entities`: the analyzer's names against a treebank's name annotation.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use serde_json::json;
use tidings_analyze::{Analyzer, EntityKind, LEAD_BYTES};
use tidings_article::{Article, Origin};
use tidings_eval::names::{Name, NameScores, NameType, Sentence, document_runs, read_conllu, score_names};

use crate::cli::EvalEntitiesArgs;

pub fn run(args: EvalEntitiesArgs) -> Result<ExitCode> {
    let analyzer = Analyzer::new();
    let mut documents = Vec::new();
    for path in &args.documents {
        for file in conll_files(path)? {
            documents.push(read_conll_file(&file)?);
        }
    }
    for path in &args.paths {
        let sentences = read_sentences(path)?;
        if sentences.is_empty() {
            bail!("{}: no sentences", path.display());
        }
        let runs = if args.documents.is_empty() {
            (0..sentences.len()).map(|i| i..i + 1).collect()
        } else {
            document_runs(&sentences, &documents, LEAD_BYTES)
        };
        let found: Vec<Vec<Name>> = runs
            .par_iter()
            .flat_map_iter(|run| names_in(&analyzer, &sentences[run.clone()], args.lang.as_deref()))
            .collect();
        report(path, &score_names(&sentences, &found), args.json)?;
        if args.mistakes {
            print_mistakes(&sentences, &found)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The sentences of a CoNLL-U file, or of every such file in a directory (sorted by name).
pub(crate) fn read_sentences(path: &Path) -> Result<Vec<Sentence>> {
    let mut sentences = Vec::new();
    for file in conll_files(path)? {
        sentences.extend(read_conll_file(&file)?);
    }
    Ok(sentences)
}

/// A file, or the CoNLL files of a directory (*.conllu, *.conll, sorted by name).
pub(crate) fn conll_files(path: &Path) -> Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("{}: cannot list", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "conllu" || x == "conll"))
        .collect();
    files.sort();
    Ok(files)
}

/// The sentences of one CoNLL file; errors name the file and line.
pub(crate) fn read_conll_file(file: &Path) -> Result<Vec<Sentence>> {
    let text = std::fs::read_to_string(file).with_context(|| format!("{}: cannot read", file.display()))?;
    read_conllu(&text).with_context(|| format!("{}", file.display()))
}

/// The names the analyzer finds in each of some sentences read as one article's body,
/// as written, each with the type the article settles on.
fn names_in(analyzer: &Analyzer, sentences: &[Sentence], lang: Option<&str>) -> Vec<Vec<Name>> {
    let mut text = String::new();
    let mut starts = Vec::with_capacity(sentences.len());
    for s in sentences {
        // One line per sentence: the treebank's sentences include headings and captions
        // without a full stop, which an article sets on lines of their own.
        if !text.is_empty() {
            text.push('\n');
        }
        starts.push(text.len());
        text.push_str(&s.text);
    }
    let article = Article {
        id: String::new(),
        published: None,
        title: String::new(),
        text,
        lang: lang.map(str::to_string),
        source: None,
        url: None,
        section: None,
        origin: Origin::new(Arc::from("eval-entities"), None),
    };
    let kind = |k: EntityKind| match k {
        EntityKind::Person => NameType::Person,
        EntityKind::Organization => NameType::Organization,
        EntityKind::Place => NameType::Place,
        EntityKind::Other => NameType::Other,
    };
    let analysis = analyzer.analyze(&article);
    let mut found = vec![Vec::new(); sentences.len()];
    for mention in analysis.mentions.iter().filter(|m| !m.in_title) {
        let Some(written) = article.text.get(mention.span.clone()) else { continue };
        let sentence = starts.partition_point(|&start| start <= mention.span.start).saturating_sub(1);
        found[sentence].push(Name { text: written.to_string(), kind: kind(mention.kind) });
    }
    found
}

fn report(path: &Path, s: &NameScores, as_json: bool) -> Result<()> {
    if as_json {
        let prf = |p: &tidings_eval::Prf| json!({"precision": p.precision, "recall": p.recall, "f1": p.f1});
        let per_type: serde_json::Map<String, serde_json::Value> =
            s.per_type.iter().map(|(k, p)| (k.label().to_string(), prf(p))).collect();
        let out = json!({
            "path": path.display().to_string(), "sentences": s.sentences, "gold_names": s.gold_names,
            "found_names": s.found_names, "untyped": prf(&s.untyped),
            "person_place_recall": s.person_place_recall, "typed": prf(&s.typed), "per_type": per_type,
        });
        out!("{out}")?;
        return Ok(());
    }
    out!("{}: {} sentences, {} annotated names, {} found", path.display(), s.sentences, s.gold_names, s.found_names)?;
    out!("untyped   P {:.4}  R {:.4}  F1 {:.4}", s.untyped.precision, s.untyped.recall, s.untyped.f1)?;
    out!("recall over people and places {:.4}", s.person_place_recall)?;
    out!("typed     P {:.4}  R {:.4}  F1 {:.4}", s.typed.precision, s.typed.recall, s.typed.f1)?;
    for (kind, p) in &s.per_type {
        out!("  {:<15} P {:.4}  R {:.4}  F1 {:.4}", kind.label(), p.precision, p.recall, p.f1)?;
    }
    Ok(())
}

/// Each sentence whose names differ from the annotation, with the names only one side has.
fn print_mistakes(sentences: &[Sentence], found: &[Vec<Name>]) -> Result<()> {
    let show = |names: &[&Name]| names.iter().map(|n| format!("{} ({})", n.text, n.kind.label())).collect::<Vec<_>>();
    for (s, found) in sentences.iter().zip(found) {
        let mut unmatched: Vec<&Name> = found.iter().collect();
        let missed: Vec<&Name> = s
            .names
            .iter()
            .filter(|g| unmatched.iter().position(|f| *f == *g).map(|at| unmatched.remove(at)).is_none())
            .collect();
        if !missed.is_empty() || !unmatched.is_empty() {
            out!("{}\n  missed {:?}\n  found  {:?}", s.text, show(&missed), show(&unmatched))?;
        }
    }
    Ok(())
}
