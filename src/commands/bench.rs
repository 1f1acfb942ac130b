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
    println!("clustering {} synthetic {kind} articles (seed {})", args.articles, args.seed);
    // Generating text is not what is measured: articles are made ahead of the clock,
    // one slice at a time, so memory stays bounded.
    let mut generator = Generator::new(args.seed, args.headlines, 10_000);
    let config = tidings_cluster::ClusterConfig::default();
    let mut total_secs = 0.0;
    let mut done = 0u64;
    let mut slices = Vec::new();
    let mut clusterer_state = pipeline::StreamingClusterer::new(config);
    while done < args.articles {
        let n = args.slice.min(args.articles - done);
        let batch: Vec<_> = generator.by_ref().take(n as usize).collect();
        let start = Instant::now();
        clusterer_state.process(batch.into_iter(), |_, _, _| {});
        let secs = start.elapsed().as_secs_f64();
        total_secs += secs;
        done += n;
        slices.push(n as f64 / secs);
        println!(
            "articles {:>9} – {:>9}: {:>9.0} articles/s  ({} active stories)",
            done - n + 1,
            done,
            n as f64 / secs,
            clusterer_state.active_stories()
        );
    }
    let stories = clusterer_state.finish();
    println!(
        "total: {done} articles in {total_secs:.2} s = {:.0} articles/s; {} stories",
        done as f64 / total_secs,
        stories.len()
    );
    if let (Some(first), Some(last)) = (slices.first(), slices.last()) {
        println!("last slice / first slice throughput: {:.2}", last / first);
    }
    Ok(ExitCode::SUCCESS)
}
