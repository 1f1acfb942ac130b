//! `tidings train-names`: the name tagger's weights from a treebank's name annotation.

use std::collections::HashSet;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use tidings_eval::name_training::{sentence_key, train_names};

use super::eval_entities::{conll_files, read_conll_file, read_sentences};
use crate::cli::TrainNamesArgs;

pub fn run(args: TrainNamesArgs) -> Result<ExitCode> {
    let mut documents = Vec::new();
    for path in &args.paths {
        for file in conll_files(path)? {
            documents.push(read_conll_file(&file)?);
        }
    }
    let mut excluded = HashSet::new();
    for path in &args.exclude {
        excluded.extend(read_sentences(path)?.iter().map(|s| sentence_key(&s.joined)));
    }
    if documents.iter().all(Vec::is_empty) {
        bail!(
            "no annotated sentences in {}",
            args.paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        );
    }
    let (weights, report) = train_names(&documents, &excluded, args.passes, args.bits, args.seed);
    if report.documents == 0 {
        bail!("every document shares a sentence with the --exclude files: nothing left to learn from");
    }
    std::fs::write(&args.out, &weights).with_context(|| format!("{}: cannot write", args.out.display()))?;
    eprintln!(
        "trained on {} documents ({} left out as they share sentences with --exclude), {} sentences, {} words a pass",
        report.documents, report.excluded_documents, report.sentences, report.words
    );
    for (pass, rate) in report.error_rates.iter().enumerate() {
        eprintln!("pass {:>2}: {:.2} % of words labelled wrong", pass + 1, rate * 100.0);
    }
    eprintln!("wrote {} ({} bytes)", args.out.display(), weights.len());
    Ok(ExitCode::SUCCESS)
}
