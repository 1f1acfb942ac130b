//! `tidings eval-extract`: the main text the watcher stores for a page, against trafilatura's evaluation
//! pages (scored as trafilatura scores them) or pages with hand-written main texts in
//! CleanEval's layout (scored by 4-gram word shingles per page), read from where the user
//! keeps them at run time and never copied; and its speed on one core.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::sync::Arc;

use tidings_article::Origin;
use tidings_eval::extraction::{SnippetGold, SnippetScores, averaged, shingle_scores};
use tidings_ingest::PageHints;

use crate::cli::EvalExtractArgs;

/// One evaluation page: its file, URL and what its main text should be.
struct Case {
    file: PathBuf,
    url: String,
    gold: Gold,
}

/// What a page's main text is scored against.
enum Gold {
    /// Passages it must hold and boilerplate it must not (trafilatura's evaluation pages).
    Snippets(SnippetGold),
    /// The whole main text, written by hand (CleanEval's layout: `GoldStandard/NAME.txt`).
    Body(String),
}

/// The scores of one extractor over the cases, and its time.
#[derive(Default)]
struct Tally {
    snippets: SnippetScores,
    /// Shingle precision and recall of each page with a gold body.
    bodies: Vec<(f64, f64)>,
    /// What was extracted from each page, in the order of the cases.
    texts: Vec<String>,
    spent: Duration,
    bytes: usize,
    empty: usize,
}

impl Tally {
    fn add(&mut self, gold: &Gold, text: &str) {
        self.empty += usize::from(text.trim().is_empty());
        match gold {
            Gold::Snippets(gold) => self.snippets.add(gold, text),
            Gold::Body(body) => self.bodies.push(shingle_scores(text, body)),
        }
    }

    /// Precision, recall and F1: of the bodies' shingles averaged over pages where the
    /// pages have gold bodies, else of the snippets counted over all pages.
    fn prf(&self) -> (f64, f64, f64) {
        if self.bodies.is_empty() {
            (self.snippets.precision(), self.snippets.recall(), self.snippets.f1())
        } else {
            averaged(&self.bodies)
        }
    }
}

pub fn run(args: EvalExtractArgs) -> Result<ExitCode> {
    let mut cases =
        if args.dir.join("GoldStandard").is_dir() { read_bodies(&args.dir)? } else { read_cases(&args.dir)? };
    if let Some(n) = args.limit {
        cases.truncate(n);
    }
    let ours = tally(&cases, page_text)?;
    if let Some(n) = args.worst {
        print_worst(&cases, &ours, n)?;
    }
    let pages_per_s = cases.len() as f64 / ours.spent.as_secs_f64().max(1e-9);
    let (precision, recall, f1) = ours.prf();
    let metric = if ours.bodies.is_empty() { "snippets" } else { "4-gram shingles per page" };
    #[cfg(feature = "compare-trafilatura")]
    compare_trafilatura(&cases)?;
    if args.json {
        let s = &ours.snippets;
        let report = json!({
            "pages": cases.len(), "empty": ours.empty, "metric": metric, "precision": precision, "recall": recall,
            "f1": f1, "passages": {"found": s.found, "missed": s.missed,
            "kept_boilerplate": s.kept_boilerplate, "left_out": s.left_out},
            "pages_per_second": pages_per_s, "mean_page_kib": ours.bytes as f64 / cases.len().max(1) as f64 / 1024.0,
        });
        out!("{report}")?;
    } else {
        out!(
            "{} pages ({} gave no text), {:.0} KiB on average",
            cases.len(),
            ours.empty,
            ours.bytes as f64 / cases.len().max(1) as f64 / 1024.0
        )?;
        out!("precision {precision:.3}  recall {recall:.3}  F1 {f1:.3} ({metric})")?;
        if ours.bodies.is_empty() {
            let s = &ours.snippets;
            out!(
                "passages: {} wanted found, {} missed; {} boilerplate kept, {} left out",
                s.found,
                s.missed,
                s.kept_boilerplate,
                s.left_out
            )?;
        }
        out!("speed: {pages_per_s:.0} pages/s on one core (decoding and extraction)")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `extract` (a page's HTML and URL to its main text) over the cases and scores it.
fn tally(cases: &[Case], extract: impl Fn(&str, &str) -> String) -> Result<Tally> {
    let mut tally = Tally::default();
    for case in cases {
        let raw = std::fs::read(&case.file).with_context(|| format!("{}: cannot read", case.file.display()))?;
        let started = Instant::now();
        let html = tidings_extract::decode(&raw, None);
        let text = extract(&html, &case.url);
        tally.spent += started.elapsed();
        tally.bytes += raw.len();
        tally.add(&case.gold, &text);
        tally.texts.push(text);
    }
    Ok(tally)
}

/// rs-trafilatura alone on the same pages, scored the same way (a dev-time comparison:
/// built only with `--features compare-trafilatura`).
#[cfg(feature = "compare-trafilatura")]
fn compare_trafilatura(cases: &[Case]) -> Result<()> {
    let theirs = tally(cases, |html, url| {
        let options = rs_trafilatura::Options { url: Some(url.to_string()), ..rs_trafilatura::Options::default() };
        rs_trafilatura::extract_with_options(html, &options).map(|r| r.content_text).unwrap_or_default()
    })?;
    let pages_per_s = cases.len() as f64 / theirs.spent.as_secs_f64().max(1e-9);
    let (precision, recall, f1) = theirs.prf();
    out!("rs-trafilatura alone: precision {precision:.3}  recall {recall:.3}  F1 {f1:.3}, {pages_per_s:.0} pages/s")?;
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
        cases.push(Case { file: path, url: url.clone(), gold: Gold::Snippets(gold) });
    }
    if cases.is_empty() {
        bail!("{}: no page of it found under {}", index.display(), dir.join("eval").display());
    }
    Ok(cases)
}

/// The pages of a folder in CleanEval's layout: `input/NAME.html` (or `.htm`) with its
/// hand-written main text in `GoldStandard/NAME.txt`, sorted by name; a page without a
/// gold text is skipped.
fn read_bodies(dir: &Path) -> Result<Vec<Case>> {
    let input = dir.join("input");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&input)
        .with_context(|| format!("{}: cannot list", input.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html" || x == "htm"))
        .collect();
    pages.sort();
    let mut cases = Vec::new();
    for page in pages {
        let Some(stem) = page.file_stem().and_then(|s| s.to_str()).map(str::to_string) else { continue };
        let gold_file = dir.join("GoldStandard").join(format!("{stem}.txt"));
        let Ok(raw) = std::fs::read(&gold_file) else { continue };
        // Decoded as a page is: some gold texts are UTF-16 with a byte-order mark, older
        // ones Windows-1252.
        let gold = Gold::Body(gold_text(&tidings_extract::decode(&raw, None)));
        cases.push(Case { file: page, url: format!("http://localhost/{stem}.html"), gold });
    }
    if cases.is_empty() {
        bail!("{}: no page with a gold text in {}", input.display(), dir.join("GoldStandard").display());
    }
    Ok(cases)
}

/// A gold text without CleanEval's markup: its `URL:` line and the `<p>`, `<h>` and `<l>`
/// that open paragraphs, headings and list items.
fn gold_text(raw: &str) -> String {
    raw.lines()
        .filter(|line| !line.starts_with("URL:"))
        .map(|line| {
            let line = line.trim_start();
            let marked = ["<p>", "<h>", "<l>", "<P>", "<H>", "<L>"].iter().find_map(|tag| line.strip_prefix(tag));
            marked.unwrap_or(line).trim_start()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `n` pages with gold bodies whose extraction scored lowest, each with its scores and
/// the first lines kept that the gold text lacks and the first gold lines missed.
fn print_worst(cases: &[Case], tally: &Tally, n: usize) -> Result<()> {
    let f1 = |(p, r): (f64, f64)| if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
    let bodies = cases.iter().zip(&tally.texts).filter_map(|(c, t)| match &c.gold {
        Gold::Body(gold) => Some((c, t, gold)),
        Gold::Snippets(_) => None,
    });
    let mut pages: Vec<_> = bodies.zip(&tally.bodies).map(|((c, t, g), &s)| (f1(s), s, c, t, g)).collect();
    pages.sort_by(|a, b| a.0.total_cmp(&b.0));
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for (f1, (p, r), case, text, gold) in pages.into_iter().take(n) {
        out!("{}: F1 {f1:.3} (P {p:.3} R {r:.3})", case.file.display())?;
        let (gold_flat, text_flat) = (squeeze(gold), squeeze(text));
        let extra = text.lines().map(squeeze).filter(|l| !l.is_empty() && !gold_flat.contains(l.as_str()));
        for line in extra.take(3) {
            out!("  kept   {}", line.chars().take(120).collect::<String>())?;
        }
        let missed = gold.lines().map(squeeze).filter(|l| !l.is_empty() && !text_flat.contains(l.as_str()));
        for line in missed.take(3) {
            out!("  missed {}", line.chars().take(120).collect::<String>())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gold_texts_lose_cleaneval_marks_and_read_in_utf16() {
        let raw = "URL: http://example.com/a\n\n<h> A heading\n<p>  A paragraph\n<l> An item\n";
        assert_eq!(gold_text(raw), "\nA heading\nA paragraph\nAn item");
        let utf16: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("Blåbær".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(tidings_extract::decode(&utf16, None), "Blåbær", "a UTF-16 gold text reads");
    }
}
