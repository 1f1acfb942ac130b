//! `tidings eval-extract`: the main text the watcher stores for a page, against trafilatura's evaluation
//! pages (read from a checkout at run time, never copied), scored as trafilatura scores
//! them, and its speed on one core.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::sync::Arc;

use tidings_article::Origin;
use tidings_eval::extraction::{SnippetGold, SnippetScores};
use tidings_ingest::PageHints;

use crate::cli::EvalExtractArgs;

/// One evaluation page: its file, URL and gold passages.
struct Case {
    file: PathBuf,
    url: String,
    gold: SnippetGold,
}

pub fn run(args: EvalExtractArgs) -> Result<ExitCode> {
    let mut cases = read_cases(&args.dir)?;
    if let Some(n) = args.limit {
        cases.truncate(n);
    }
    let mut scores = SnippetScores::default();
    let (mut spent, mut bytes, mut empty) = (Duration::ZERO, 0usize, 0usize);
    for case in &cases {
        let raw = std::fs::read(&case.file).with_context(|| format!("{}: cannot read", case.file.display()))?;
        let started = Instant::now();
        let html = tidings_extract::decode(&raw, None);
        let text = page_text(&html, &case.url);
        spent += started.elapsed();
        bytes += raw.len();
        empty += usize::from(text.trim().is_empty());
        scores.add(&case.gold, &text);
    }
    let pages_per_s = cases.len() as f64 / spent.as_secs_f64().max(1e-9);
    #[cfg(feature = "compare-trafilatura")]
    compare_trafilatura(&cases)?;
    if args.json {
        let report = json!({
            "pages": cases.len(), "empty": empty, "precision": scores.precision(), "recall": scores.recall(),
            "f1": scores.f1(), "passages": {"found": scores.found, "missed": scores.missed,
            "kept_boilerplate": scores.kept_boilerplate, "left_out": scores.left_out},
            "pages_per_second": pages_per_s, "mean_page_kib": bytes as f64 / cases.len().max(1) as f64 / 1024.0,
        });
        out!("{report}")?;
    } else {
        out!(
            "{} pages ({} gave no text), {:.0} KiB on average",
            cases.len(),
            empty,
            bytes as f64 / cases.len().max(1) as f64 / 1024.0
        )?;
        out!("precision {:.3}  recall {:.3}  F1 {:.3}", scores.precision(), scores.recall(), scores.f1())?;
        out!(
            "passages: {} wanted found, {} missed; {} boilerplate kept, {} left out",
            scores.found,
            scores.missed,
            scores.kept_boilerplate,
            scores.left_out
        )?;
        out!("speed: {pages_per_s:.0} pages/s on one core (decoding and extraction)")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// rs-trafilatura alone on the same pages, scored the same way (a dev-time comparison:
/// built only with `--features compare-trafilatura`).
#[cfg(feature = "compare-trafilatura")]
fn compare_trafilatura(cases: &[Case]) -> Result<()> {
    let mut scores = SnippetScores::default();
    let mut spent = Duration::ZERO;
    for case in cases {
        let raw = std::fs::read(&case.file).with_context(|| format!("{}: cannot read", case.file.display()))?;
        let started = Instant::now();
        let html = tidings_extract::decode(&raw, None);
        let options = rs_trafilatura::Options { url: Some(case.url.clone()), ..rs_trafilatura::Options::default() };
        let text = rs_trafilatura::extract_with_options(&html, &options).map(|r| r.content_text).unwrap_or_default();
        spent += started.elapsed();
        scores.add(&case.gold, &text);
    }
    let pages_per_s = cases.len() as f64 / spent.as_secs_f64().max(1e-9);
    out!(
        "rs-trafilatura alone: precision {:.3}  recall {:.3}  F1 {:.3}, {pages_per_s:.0} pages/s",
        scores.precision(),
        scores.recall(),
        scores.f1()
    )?;
    Ok(())
}

/// A page's main text as the watcher stores it (extraction, then the reader's clean-up).
fn page_text(html: &str, url: &str) -> String {
    let hints = PageHints { url: Some(url.to_string()), ..PageHints::default() };
    let origin = Origin::new(Arc::from(url), None);
    tidings_ingest::page_article(html, &hints, origin).map(|a| a.text).unwrap_or_default()
}

/// The cases of `dir/evaldata.json` whose page is in `dir/eval/`.
fn read_cases(dir: &Path) -> Result<Vec<Case>> {
    let index = dir.join("evaldata.json");
    let text = std::fs::read_to_string(&index)
        .with_context(|| format!("{}: cannot read (give trafilatura's tests/ folder)", index.display()))?;
    let data: Value = serde_json::from_str(&text).with_context(|| format!("{}: not JSON", index.display()))?;
    let Some(entries) = data.as_object() else { bail!("{}: not a JSON object of pages", index.display()) };
    let strings = |v: &Value| -> Vec<String> {
        v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_string)).collect()
    };
    let mut cases = Vec::new();
    for (url, entry) in entries {
        let Some(file) = entry["file"].as_str() else { continue };
        let path = dir.join("eval").join(file);
        if !path.is_file() {
            continue;
        }
        let gold = SnippetGold { with: strings(&entry["with"]), without: strings(&entry["without"]) };
        cases.push(Case { file: path, url: url.clone(), gold });
    }
    if cases.is_empty() {
        bail!("{}: no page of it found under {}", index.display(), dir.join("eval").display());
    }
    Ok(cases)
}
