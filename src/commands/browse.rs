//! Reading the store from the command line: `stories`, `story`, `storylines`,
//! `storyline`, `stats`, `export`.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde_json::json;
use tidings_store::{Access, ArticleRow, Store, StoryFilter, StoryOrder, StoryRow, parse_story_label};

use crate::cli::{ExportArgs, ExportKind, StatsArgs, StoriesArgs, StoryArgs, StorylineArgs, StorylinesArgs};

pub fn stories(args: StoriesArgs) -> Result<ExitCode> {
    let store = Store::open(&args.data.location(), Access::Read)?;
    let since = args.since.as_deref().map(|s| parse_since(&store, s)).transpose()?;
    let filter = StoryFilter {
        since,
        lang: args.lang,
        source: args.source,
        entity: args.entity,
        order: match (args.largest, args.trending, args.breaking) {
            (true, _, _) => StoryOrder::Largest,
            (_, true, _) => StoryOrder::Trending,
            (_, _, true) => StoryOrder::Breaking,
            _ => StoryOrder::Newest,
        },
        limit: args.limit,
        ..StoryFilter::default()
    };
    for s in store.stories(&filter)? {
        if args.json {
            out!("{}", serde_json::to_string(&s)?)?;
        } else {
            print_story_line(&s)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_story_line(s: &StoryRow) -> std::io::Result<()> {
    let span = tidings_store::date_span(s.first_seen.as_deref(), s.last_seen.as_deref(), str::to_string);
    let breaking = s.breaking_since.as_deref().map(|t| format!("  BREAKING since {t}")).unwrap_or_default();
    out!(
        "{}  {:>4} articles  {:>3} sources  {:<8}  {}{breaking}\n         {}",
        s.story,
        s.articles,
        s.sources.len(),
        s.languages.join(","),
        span,
        s.title
    )
}

pub fn story(args: StoryArgs) -> Result<ExitCode> {
    let store = Store::open(&args.data.location(), Access::Read)?;
    let number = parse_story_label(&args.story)
        .with_context(|| format!("{:?} is not a story id (expected something like s000007)", args.story))?;
    let Some(story) = store.story(number)? else {
        bail!("no story {} in {}", tidings_store::story_label(number), store.location());
    };
    let articles = store.story_articles(number)?;
    if args.json {
        out!("{}", json!({"story": story, "articles": articles}))?;
        return Ok(ExitCode::SUCCESS);
    }
    print_story_line(&story)?;
    print_card(&story)?;
    print_threading(&store, &story)?;
    out!("")?;
    print_timeline(&articles)?;
    Ok(ExitCode::SUCCESS)
}

/// The story card: its summary, its title in other languages, its keyphrases.
fn print_card(story: &StoryRow) -> std::io::Result<()> {
    for sentence in &story.summary {
        out!("         {sentence}")?;
    }
    for (lang, title) in story.titles.iter().filter(|(_, t)| **t != story.title) {
        out!("         [{lang}] {title}")?;
    }
    let phrases = if story.keyphrases.is_empty() { &story.keywords } else { &story.keyphrases };
    if !phrases.is_empty() {
        out!("         keyphrases: {}", phrases.join(" · "))?;
    }
    Ok(())
}

/// What the story continues and the storyline it is part of, if any.
fn print_threading(store: &Store, story: &StoryRow) -> Result<()> {
    if let Some(link) = &story.continues {
        out!("         continues {} (shares {})", link.story, link.shared.join(", "))?;
    }
    if let (Some(label), Some(number)) = (&story.storyline, story.storyline_number) {
        let size = store.storyline_size(number)?;
        if size > 1 {
            out!("         storyline {label}: {size} stories (tidings storyline {label})")?;
        }
    }
    Ok(())
}

pub fn storylines(args: StorylinesArgs) -> Result<ExitCode> {
    let store = Store::open(&args.data.location(), Access::Read)?;
    for line in store.storylines(args.limit, 0)? {
        if args.json {
            out!("{}", serde_json::to_string(&line)?)?;
        } else {
            out!(
                "{}  {:>3} stories  {:>4} articles  {} – {}\n         {}",
                line.storyline,
                line.stories,
                line.articles,
                line.first_seen.as_deref().unwrap_or("undated"),
                line.last_seen.as_deref().unwrap_or("undated"),
                line.title
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn storyline(args: StorylineArgs) -> Result<ExitCode> {
    let store = Store::open(&args.data.location(), Access::Read)?;
    let number = parse_story_label(&args.storyline)
        .with_context(|| format!("{:?} is not a storyline id (expected something like s000007)", args.storyline))?;
    let Some(line) = store.storyline(number)? else {
        bail!("no storyline {} in {} (its stories continue no other story)", args.storyline, store.location());
    };
    if args.json {
        out!("{}", serde_json::to_string(&line)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    out!("storyline {}: {} stories, {} articles", line.storyline, line.stories.len(), line.articles)?;
    if !line.entities.is_empty() {
        out!("about: {}", line.entities.join(" · "))?;
    }
    for s in &line.stories {
        out!("")?;
        print_story_line(s)?;
        if let Some(link) = &s.continues {
            out!("         ↳ continues {} (shares {})", link.story, link.shared.join(", "))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Articles in time order, each copy folded under its original: `↳ also in: outlets`.
fn print_timeline(articles: &[ArticleRow]) -> std::io::Result<()> {
    for entry in tidings_store::fold_copies(articles) {
        let a = entry.article;
        let stray = a.duplicate_of.as_deref().map(|o| format!(" (copy of {o})")).unwrap_or_default();
        out!(
            "  {:<20}  {:<18}  {}{stray}",
            a.published.as_deref().unwrap_or("undated"),
            a.source.as_deref().unwrap_or("—"),
            a.display_title
        )?;
        let copies: Vec<&str> = entry.copies.iter().map(|c| c.source.as_deref().unwrap_or(c.id.as_str())).collect();
        if !copies.is_empty() {
            out!("  {:<20}  ↳ also ran in: {}", "", copies.join(", "))?;
        }
    }
    Ok(())
}

pub fn stats(args: StatsArgs) -> Result<ExitCode> {
    let store = Store::open(&args.data.location(), Access::Read)?;
    let stats = store.stats()?;
    let db_bytes = store.database_bytes()?.unwrap_or(0);
    let index_bytes = tidings_search::index_bytes(store.index_dir());
    let bus = args.bus.as_deref().map(|url| bus_stats(&store, url)).transpose()?;
    if args.json {
        let mut v = serde_json::to_value(&stats)?;
        v["database_bytes"] = json!(db_bytes);
        v["index_bytes"] = json!(index_bytes);
        if let Some(b) = &bus {
            v["bus"] = json!({"stream": b.stream, "articles": b.articles, "placed_through": b.placed_through,
                              "dead_letters": b.dead_letters});
        }
        out!("{v}")?;
        return Ok(ExitCode::SUCCESS);
    }
    let per = |bytes: u64| if stats.articles > 0 { bytes / stats.articles as u64 } else { 0 };
    out!("store       {}", store.location())?;
    out!("articles    {} ({} copies) from {} sources", stats.articles, stats.copies, stats.sources)?;
    out!("stories     {} ({} still taking articles)", stats.stories, stats.active_stories)?;
    out!(
        "published   {} – {}",
        stats.first_published.as_deref().unwrap_or("?"),
        stats.last_published.as_deref().unwrap_or("?")
    )?;
    let langs: Vec<String> = stats.languages.iter().map(|(l, n)| format!("{l} {n}")).collect();
    out!("languages   {}", langs.join(", "))?;
    let sources: Vec<String> = stats.top_sources.iter().map(|(s, n)| format!("{s} {n}")).collect();
    out!("top sources {}", sources.join(", "))?;
    out!("database    {} bytes ({} per article)", db_bytes, per(db_bytes))?;
    out!("index       {} bytes ({} per article)", index_bytes, per(index_bytes))?;
    out!("ingest runs {}; schema version {}", stats.ingest_runs, stats.schema_version)?;
    if let Some(b) = bus {
        out!(
            "bus         {}: {} articles in the stream, placed through sequence {}, {} set aside",
            b.stream,
            b.articles,
            b.placed_through,
            b.dead_letters
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What `stats --bus` tells of the stream a store is placed from.
struct BusStats {
    stream: String,
    articles: u64,
    placed_through: i64,
    dead_letters: u64,
}

fn bus_stats(store: &Store, url: &str) -> Result<BusStats> {
    let bus = tidings_bus::Bus::connect(&tidings_bus::BusLocation::parse(url)?)?;
    let location = bus.location();
    Ok(BusStats {
        stream: location.to_string(),
        articles: bus.count(&location.articles_subject())?,
        placed_through: store.last_origin_record(&location.origin_name())?.unwrap_or(0),
        dead_letters: bus.count(&location.dead_subject())?,
    })
}

pub fn export(args: ExportArgs) -> Result<ExitCode> {
    let store = Store::open(&args.data.location(), Access::Read)?;
    match args.what {
        ExportKind::Articles => store.for_each_article(0, |a| json_line(&a))?,
        ExportKind::Stories => store.for_each_story(|s| json_line(&s))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn json_line(row: &impl serde::Serialize) -> Result<()> {
    out!("{}", serde_json::to_string(row)?)?;
    Ok(())
}

/// `2019-04-01`, an RFC 3339 time, or a span (`24h`, `7d`, `2w`) back from the newest
/// article in the store.
pub fn parse_since(store: &Store, s: &str) -> Result<i64> {
    Ok(store.parse_time(s)??)
}
