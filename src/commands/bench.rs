//! `tidings bench`: end-to-end throughput (analysis and clustering) on a synthetic
//! stream, per slice, so that a slowdown as the stream grows shows.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use tidings_synth::Generator;

use crate::cli::BenchArgs;
use crate::pipeline;

pub fn run(args: BenchArgs) -> Result<ExitCode> {
    let kind = if args.headlines { "headline-only" } else { "full-text" };
    out!("clustering {} synthetic {kind} articles (seed {})", args.articles, args.seed)?;
    // Generating text is not what is measured: articles are made ahead of the clock,
    // one slice at a time, so memory stays bounded.
    let mut generator = Generator::new(args.seed, args.headlines, 10_000);
    let settings = pipeline::settings(&args.tuning);
    out!("near-duplicate detection {}", if settings.dedup.is_some() { "on" } else { "off" })?;
    let mut total_secs = 0.0;
    let mut done = 0u64;
    let mut slices = Vec::new();
    let mut clusterer_state = pipeline::StreamingClusterer::new(settings);
    while done < args.articles {
        let n = args.slice.min(args.articles - done);
        let batch: Vec<_> = generator.by_ref().take(n as usize).collect();
        if done == 0 {
            signature_speed(&batch)?;
        }
        let start = Instant::now();
        clusterer_state.process(batch.into_iter(), |_, _, _| {});
        let secs = start.elapsed().as_secs_f64();
        total_secs += secs;
        done += n;
        slices.push(n as f64 / secs);
        out!(
            "articles {:>9} – {:>9}: {:>9.0} articles/s  ({} active stories)",
            done - n + 1,
            done,
            n as f64 / secs,
            clusterer_state.active_stories()
        )?;
    }
    let stories = clusterer_state.finish();
    out!(
        "total: {done} articles in {total_secs:.2} s = {:.0} articles/s; {} stories",
        done as f64 / total_secs,
        stories.len()
    )?;
    if let (Some(first), Some(last)) = (slices.first(), slices.last()) {
        out!("last slice / first slice throughput: {:.2}", last / first)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Dedup's signatures alone, on one core: what near-duplicate detection adds per article.
fn signature_speed(articles: &[tidings_article::Article]) -> std::io::Result<()> {
    let start = Instant::now();
    let mut shingles = 0usize;
    for a in articles {
        let s = std::hint::black_box(tidings_dedup::shingles(&a.text));
        shingles += s.count;
    }
    let secs = start.elapsed().as_secs_f64();
    out!(
        "dedup signatures: {:.0} articles/s on one core ({:.0} shingles per article)",
        articles.len() as f64 / secs,
        shingles as f64 / articles.len().max(1) as f64
    )
}
