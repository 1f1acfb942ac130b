//! `tidings analyze`: what the analyzer sees, one JSON line per article.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use rayon::prelude::*;
use tidings_analyze::Analyzer;

use crate::cli::AnalyzeArgs;
use crate::output::analysis_json;

pub fn run(args: AnalyzeArgs) -> Result<ExitCode> {
    let intake = tidings_engine::read_all(&args.input.inputs);
    let analyzer = Analyzer::new();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for chunk in intake.articles.chunks(1024) {
        let lines: Vec<String> = chunk.par_iter().map(|a| analysis_json(a, &analyzer.analyze(a)).to_string()).collect();
        for line in lines {
            writeln!(out, "{line}").context("cannot write to stdout")?;
        }
    }
    out.flush().context("cannot write to stdout")?;
    Ok(super::strict_exit(args.input.strict, intake.bad))
}
