//! `tidings eval`: cluster a labelled corpus without its labels, then score.

use std::collections::HashMap;
use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::cli::EvalArgs;

pub fn run(args: EvalArgs) -> Result<ExitCode> {
    let gold = read_gold(&args.gold)?;
    let inputs = if args.inputs.is_empty() { vec![args.gold.clone()] } else { args.inputs.clone() };
    let intake = tidings_engine::read_all(&inputs);
    let mut pairs: Vec<(String, u32)> = Vec::with_capacity(intake.articles.len());
    let mut languages: Vec<tidings_analyze::Lang> = Vec::with_capacity(intake.articles.len());
    let mut unlabelled = 0u64;
    tidings_engine::cluster_stream(
        tidings_engine::order_by_publication(intake.articles).into_iter(),
        super::settings(&args.tuning)?,
        |article, analysis, placement| match gold.get(&article.id) {
            Some(story) => {
                pairs.push((story.clone(), placement.assignment.story));
                languages.push(analysis.lang);
            }
            None => unlabelled += 1,
        },
    );
    if pairs.is_empty() {
        bail!("no article of the input has a gold label in {}", args.gold.display());
    }
    if unlabelled > 0 {
        tracing::warn!("{unlabelled} articles have no gold label and are not scored");
    }
    let s = tidings_eval::score(&pairs);
    let with_lang: Vec<_> = pairs.iter().zip(&languages).map(|((g, s), l)| (g, s, l)).collect();
    let across = tidings_eval::score_across_languages(&with_lang);
    if args.json {
        let prf = |p: &tidings_eval::Prf| json!({"precision": p.precision, "recall": p.recall, "f1": p.f1});
        let mut out = json!({
            "articles": s.items, "gold_stories": s.gold_clusters, "system_stories": s.system_clusters,
            "bcubed": prf(&s.bcubed), "pairwise": prf(&s.pairwise),
        });
        if let Some((p, gold_pairs)) = &across {
            out["across_languages"] = json!({"gold_pairs": gold_pairs, "pairwise": prf(p)});
        }
        out!("{out}")?;
    } else {
        out!("articles {}  gold stories {}  system stories {}", s.items, s.gold_clusters, s.system_clusters)?;
        out!("BCubed    P {:.4}  R {:.4}  F1 {:.4}", s.bcubed.precision, s.bcubed.recall, s.bcubed.f1)?;
        out!("pairwise  P {:.4}  R {:.4}  F1 {:.4}", s.pairwise.precision, s.pairwise.recall, s.pairwise.f1)?;
        if let Some((p, gold_pairs)) = &across {
            out!(
                "across languages ({gold_pairs} gold pairs)  P {:.4}  R {:.4}  F1 {:.4}",
                p.precision,
                p.recall,
                p.f1
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads `id → story` from a labelled JSON Lines file, with ids given by the reader's rule.
fn read_gold(path: &std::path::Path) -> Result<HashMap<String, String>> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open gold file {}", path.display()))?;
    let mut gold = HashMap::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}:{}: cannot read", path.display(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value =
            serde_json::from_str(&line).with_context(|| format!("{}:{}: invalid JSON", path.display(), i + 1))?;
        let story = match &v["story"] {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => continue,
        };
        // The id the reader gives this line, so that labels and articles meet.
        let field = |k: &str| v[k].as_str().unwrap_or_default();
        if let Ok(id) = tidings_ingest::record_id(v.get("id"), v["url"].as_str(), field("title"), field("text")) {
            gold.insert(id, story);
        }
    }
    Ok(gold)
}
