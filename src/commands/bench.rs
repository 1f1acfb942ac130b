//! `tidings bench`: end-to-end throughput (analysis and clustering) on a synthetic
//! stream or on a file of real articles, per slice, so that a slowdown as the stream
//! grows shows.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use tidings_article::Article;
use tidings_cluster::{StorylineConfig, Storylines};
use tidings_synth::Generator;

use crate::cli::BenchArgs;

pub fn run(args: BenchArgs) -> Result<ExitCode> {
    if let Some(data) = &args.search {
        return search_latency(data, args.queries);
    }
    let settings = super::settings(&args.tuning)?;
    match &args.input {
        Some(path) => {
            out!("clustering the articles of {} in the order given", path.display())?;
            let accepted = tidings_engine::Accepted::open(std::slice::from_ref(path));
            let tally = accepted.tally();
            time_slices(accepted.take(args.articles.unwrap_or(usize::MAX)), settings, args.slice)?;
            let bad = tally.bad();
            if bad > 0 {
                out!("{bad} bad records skipped")?;
            }
        }
        None => {
            let articles = args.articles.unwrap_or(200_000);
            let kind = if args.headlines { "headline-only" } else { "full-text" };
            out!("clustering {articles} synthetic {kind} articles (seed {})", args.seed)?;
            let generator = Generator::new(args.seed, args.headlines, 10_000);
            time_slices(generator.take(articles), settings, args.slice)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Clusters the articles a slice at a time, timing each slice and then the storylines.
/// Making or reading the articles is not what is measured: each slice is ready before the
/// clock starts, and only one slice is held at a time.
fn time_slices(
    mut articles: impl Iterator<Item = Article>,
    settings: tidings_engine::Settings,
    slice: usize,
) -> Result<()> {
    out!("near-duplicate detection {}", if settings.dedup.is_some() { "on" } else { "off" })?;
    let mut total_secs = 0.0;
    let mut done = 0usize;
    let mut rates = Vec::new();
    let mut stream = tidings_engine::StreamingClusterer::new(settings);
    loop {
        let batch: Vec<Article> = articles.by_ref().take(slice).collect();
        if batch.is_empty() {
            break;
        }
        if done == 0 {
            signature_speed(&batch)?;
        }
        let n = batch.len();
        let start = Instant::now();
        stream.process(batch.into_iter(), |_, _, _| {});
        let secs = start.elapsed().as_secs_f64();
        total_secs += secs;
        done += n;
        out!(
            "articles {:>9} – {:>9}: {:>9.0} articles/s  ({} active stories)",
            done - n + 1,
            done,
            n as f64 / secs,
            stream.active_stories()
        )?;
        // A short last slice is reported but not compared: its rate is mostly start-up.
        if n == slice || rates.is_empty() {
            rates.push(n as f64 / secs);
        }
    }
    let start = Instant::now();
    let stories = stream.finish();
    total_secs += start.elapsed().as_secs_f64();
    out!(
        "total: {done} articles in {total_secs:.2} s = {:.0} articles/s; {} stories",
        done as f64 / total_secs,
        stories.len()
    )?;
    let start = Instant::now();
    let threads = Storylines::new(StorylineConfig::default()).thread(&stories);
    let secs = start.elapsed().as_secs_f64();
    out!(
        "storylines: {} stories continue another, linked in {secs:.2} s ({:.1} % of the clustering time)",
        threads.iter().filter(|t| t.continues.is_some()).count(),
        100.0 * secs / total_secs
    )?;
    if let (Some(first), Some(last)) = (rates.first(), rates.last()) {
        out!("last slice / first slice throughput: {:.2}", last / first)?;
    }
    if let Some(peak) = peak_memory_mb() {
        out!("peak memory: {peak:.0} MB")?;
    }
    Ok(())
}

/// The process's peak resident memory, where the system tells it (Linux).
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
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

/// Makes a query from a headline's words.
type QueryMaker = fn(&[String]) -> String;

/// Search latency over a store: one-word, two-word and phrase queries (words taken from
/// stored headlines), each with a one-week date filter, timed from query to the rows of
/// the top 20 read from SQLite (what `tidings search` does after start-up).
fn search_latency(data: &str, queries: usize) -> Result<ExitCode> {
    use tidings_search::SearchRequest;
    let store = tidings_store::Store::open(&tidings_store::Location::parse(data, None), tidings_store::Access::Read)?;
    let index = super::search::current_index(&store)?;
    let stats = store.stats()?;
    let newest = store.newest_published()?.unwrap_or(0);
    let oldest = stats.first_published.as_deref().and_then(tidings_article::parse_published).map_or(0, |p| p.seconds());
    out!(
        "search latency over {} articles ({} in the index), {queries} queries of each kind",
        stats.articles,
        index.len()
    )?;
    let step = (stats.articles.max(1) / queries.max(1) as i64).max(1);
    let seqs: Vec<i64> = (0..queries as i64).map(|i| (i * step + step / 2).min(stats.articles - 1)).collect();
    let titles: Vec<Vec<String>> = store
        .articles_by_seq(&seqs)?
        .into_iter()
        .map(|a| {
            a.display_title
                .split_whitespace()
                .filter(|w| w.chars().count() >= 4 && w.chars().all(char::is_alphabetic))
                .map(str::to_lowercase)
                .collect()
        })
        .filter(|w: &Vec<String>| w.len() >= 2)
        .collect();
    let kinds: [(&str, QueryMaker); 3] = [
        ("one word", |w| w[0].clone()),
        ("two words", |w| format!("{} {}", w[0], w[w.len() - 1])),
        ("phrase", |w| format!("\"{} {}\"", w[0], w[1])),
    ];
    let week = 7 * 86_400;
    for (kind, make) in kinds {
        let mut times = Vec::with_capacity(titles.len());
        let mut hits = 0usize;
        for (i, words) in titles.iter().enumerate() {
            let since = oldest + ((newest - oldest - week).max(0) * i as i64) / titles.len().max(1) as i64;
            let request = SearchRequest {
                query: make(words),
                since: Some(since),
                until: Some(since + week),
                limit: 20,
                ..SearchRequest::default()
            };
            let start = Instant::now();
            let results = index.search(&request)?;
            let rows = store.articles_by_seq(&results.hits.iter().map(|h| h.seq).collect::<Vec<_>>())?;
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            hits += usize::from(!rows.is_empty());
        }
        times.sort_by(f64::total_cmp);
        let at = |q: f64| times.get(((times.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
        out!(
            "{kind:>10}: median {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} queries, {hits} with results)",
            at(0.5),
            at(0.99),
            at(1.0),
            times.len()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
