//! `tidings generate`: a synthetic labelled corpus on stdout.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use serde_json::json;
use tidings_synth::Generator;

use crate::cli::GenerateArgs;

pub fn run(args: GenerateArgs) -> Result<ExitCode> {
    let mut generator = Generator::new(args.seed, args.headlines, 10_000);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for _ in 0..args.articles {
        let (a, story) = generator.next_labelled();
        let line = json!({
            "id": a.id, "published": a.published.map(|p| p.to_display_string()), "lang": a.lang,
            "source": a.source, "title": a.title, "text": a.text, "story": format!("e{story}"),
        });
        writeln!(out, "{line}").context("cannot write to stdout")?;
    }
    out.flush().context("cannot write to stdout")?;
    Ok(ExitCode::SUCCESS)
}
