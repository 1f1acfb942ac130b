//! One module per subcommand.

mod alerts;
mod analyze;
mod bench;
mod browse;
mod cluster;
mod eval;
mod eval_entities;
mod eval_extract;
mod generate;
mod ingest;
mod place;
mod search;
mod serve;
mod sources;
mod train_names;
mod watch;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::Command;

pub fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Cluster(args) => cluster::run(args),
        Command::Analyze(args) => analyze::run(args),
        Command::Eval(args) => eval::run(args),
        Command::EvalEntities(args) => eval_entities::run(args),
        Command::EvalExtract(args) => eval_extract::run(args),
        Command::TrainNames(args) => train_names::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Ingest(args) => ingest::run(args),
        Command::Place(args) => place::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Stories(args) => browse::stories(args),
        Command::Story(args) => browse::story(args),
        Command::Storylines(args) => browse::storylines(args),
        Command::Storyline(args) => browse::storyline(args),
        Command::Stats(args) => browse::stats(args),
        Command::Export(args) => browse::export(args),
        Command::Search(args) => search::search(args),
        Command::Reindex(args) => search::reindex(args),
        Command::Sources(command) => sources::run(command),
        Command::Alerts(command) => alerts::run(command),
        Command::Watch(args) => watch::run(args),
    }
}

/// The run's settings with the user's overrides applied, and the model loaded.
fn settings(tuning: &crate::cli::TuningArgs) -> anyhow::Result<tidings_engine::Settings> {
    let mut settings = tidings_engine::Settings { model: load_model(&tuning.model)?, ..Default::default() };
    if let Some(t) = tuning.threshold {
        settings.cluster.threshold = t;
    }
    if tuning.no_dedup {
        settings.dedup = None;
    } else if let (Some(dedup), Some(t)) = (&mut settings.dedup, tuning.dup_threshold) {
        dedup.threshold = t;
    }
    Ok(settings)
}

/// The semantic model the user named, if any.
fn load_model(args: &crate::cli::ModelArgs) -> anyhow::Result<Option<std::sync::Arc<tidings_analyze::StaticModel>>> {
    let Some(dir) = args.model.as_deref() else { return Ok(None) };
    let model = tidings_analyze::StaticModel::load(dir)?;
    tracing::info!("semantic model {} ({} dimensions)", dir.display(), model.dims());
    Ok(Some(std::sync::Arc::new(model)))
}

/// Exit code 2 when `--strict` was asked for and a record was bad.
fn strict_exit(strict: bool, bad: u64) -> ExitCode {
    if strict && bad > 0 {
        eprintln!("error: {bad} bad records (--strict)");
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
