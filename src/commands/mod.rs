//! One module per subcommand.

mod analyze;
mod bench;
mod cluster;
mod eval;
mod generate;
mod ingest;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::Command;

pub fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Cluster(args) => cluster::run(args),
        Command::Analyze(args) => analyze::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Ingest(args) => ingest::run(args),
    }
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
