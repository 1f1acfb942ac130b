//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "tidings", version, about = "Turns a stream of news articles into stories.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// More progress detail on stderr (-v, -vv).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Subcommand)]
pub enum Command {
    /// Cluster articles into stories, in publication order.
    Cluster(ClusterArgs),
    /// Print what the analyzer sees in each article, one JSON line per article.
    Analyze(AnalyzeArgs),
    /// Cluster a labelled corpus without its labels and score the result.
    Eval(EvalArgs),
    /// Score the names the analyzer finds against a treebank's name annotation (CoNLL-U
    /// with name=B-TYPE tags in the last column, as NorNE has them).
    EvalEntities(EvalEntitiesArgs),
    /// Score the page extractor's main text against trafilatura's evaluation pages (its
    /// tests/ folder: evaldata.json and eval/*.html) or hand-written main texts
    /// (CleanEval's layout), and time it.
    EvalExtract(EvalExtractArgs),
    /// Train the analyzer's Norwegian name tagger on a treebank's name annotation and
    /// write its weights (the analyzer ships weights trained on NorNE's training documents).
    TrainNames(TrainNamesArgs),
    /// Write a synthetic corpus (JSON Lines) for benchmarks.
    Generate(GenerateArgs),
    /// Measure end-to-end clustering speed on a synthetic corpus.
    Bench(BenchArgs),
    /// Add articles to the store; they join the stories already there.
    Ingest(IngestArgs),
    /// Place the articles of a NATS JetStream stream into the store (one active placer; a
    /// second waits as a hot standby and takes over when the first dies).
    Place(PlaceArgs),
    /// Serve the JSON API (/api/v1) and the web pages over the store.
    Serve(ServeArgs),
    /// List the stored stories, newest (or largest) first.
    Stories(StoriesArgs),
    /// Show one stored story: its articles as a timeline.
    Story(StoryArgs),
    /// List stored storylines: stories that continue one another, most recently continued first.
    Storylines(StorylinesArgs),
    /// Show one storyline: its stories on one timeline and what links them.
    Storyline(StorylineArgs),
    /// Full-text search over the stored articles.
    Search(SearchArgs),
    /// Write the stored articles (with their story ids) or stories as JSON Lines.
    Export(ExportArgs),
    /// Counts and extent of the store.
    Stats(StatsArgs),
    /// Rebuild the full-text index from the database.
    Reindex(ReindexArgs),
    /// The feeds `tidings watch` follows: add, import (OPML), list, remove.
    #[command(subcommand)]
    Sources(SourcesCommand),
    /// Poll the followed feeds, fetch and extract new articles' pages, and store them.
    Watch(WatchArgs),
    /// Saved queries that notify (webhook, feed, live events) when a story appears, breaks or grows.
    #[command(subcommand)]
    Alerts(AlertsCommand),
}

#[derive(Subcommand)]
pub enum AlertsCommand {
    /// Save an alert. Every filter given must hold for an article; a story matches once one of its articles does.
    Add {
        #[command(flatten)]
        data: DataArgs,
        /// Letters, digits, '-' and '_'.
        name: String,
        /// A query in the search syntax (words, "phrases", -exclusions, prefix*, OR, groups).
        #[arg(long)]
        query: Option<String>,
        /// An entity, matched by its name key (any spelling or transliteration; a surname matches the person).
        #[arg(long)]
        entity: Option<String>,
        /// Languages, comma-separated (nb,nn).
        #[arg(long, value_delimiter = ',')]
        lang: Vec<String>,
        /// An outlet, by the name the input gives.
        #[arg(long)]
        source: Option<String>,
        /// Unique articles (copies of one text count once) a story needs before it is told.
        #[arg(long, default_value_t = tidings_alert::DEFAULT_MIN_ARTICLES)]
        min_articles: u32,
        /// new-story: a matching story reaches --min-articles; breaking: a matching story breaks; update: a followed story grows (at most once per --every).
        #[arg(long, default_value = "new-story")]
        on: String,
        /// Update alerts: the least time between two notices about one story (30m, 2h, 1d).
        #[arg(long, default_value = "1h")]
        every: String,
        /// POST each notice here as JSON, signed (Tidings-Signature) with the secret of --secret-file.
        #[arg(long, requires = "secret_file")]
        webhook: Option<String>,
        /// A file holding the webhook's signing secret.
        #[arg(long, value_name = "FILE", requires = "webhook")]
        secret_file: Option<PathBuf>,
        /// Replace an alert of the same name.
        #[arg(long)]
        replace: bool,
    },
    /// Save many alerts from a JSON Lines file, one alert per line as `alerts list --json` writes them (with "webhook": {"url", "secret"} for a webhook).
    Import {
        #[command(flatten)]
        data: DataArgs,
        file: PathBuf,
        /// Replace alerts of the same names.
        #[arg(long)]
        replace: bool,
    },
    /// The saved alerts.
    List {
        #[command(flatten)]
        data: DataArgs,
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Remove an alert with its log and undelivered notices.
    Remove {
        #[command(flatten)]
        data: DataArgs,
        name: String,
    },
    /// What an alert would have told over the stored stories; sends nothing.
    Test {
        #[command(flatten)]
        data: DataArgs,
        name: String,
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// An alert's notices, newest first, with their delivery.
    Log {
        #[command(flatten)]
        data: DataArgs,
        name: String,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum SourcesCommand {
    /// Follow a feed (RSS, Atom or JSON Feed) or a sitemap by its URL, or the feeds a web
    /// page (a site's home page) names in its <link rel="alternate"> elements.
    Add {
        #[command(flatten)]
        data: DataArgs,
        url: String,
        /// A name for the feed (otherwise the feed's own title).
        #[arg(long)]
        title: Option<String>,
        /// When the page names several feeds, follow them all (else they are listed).
        #[arg(long)]
        all: bool,
    },
    /// Follow every feed of an OPML file (as feed readers export them).
    Import {
        #[command(flatten)]
        data: DataArgs,
        file: PathBuf,
    },
    /// The followed feeds with their last poll, last error and articles brought in.
    List {
        #[command(flatten)]
        data: DataArgs,
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Stop following a feed (by URL or number); its articles stay.
    Remove {
        #[command(flatten)]
        data: DataArgs,
        feed: String,
    },
}

/// How feeds are polled and pages fetched.
#[derive(Args, Clone)]
pub struct PollArgs {
    /// Seconds between polls of a feed (longer when the feed's ttl or Cache-Control asks).
    #[arg(long, default_value_t = 300)]
    pub interval: u64,
    /// Feeds and pages fetched at once (never more than one per host).
    #[arg(long, default_value_t = 8)]
    pub workers: usize,
    /// Least time between two requests to one host, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    pub host_delay_ms: u64,
    /// Retries of a request that failed for a passing reason (timeout, 5xx, 429).
    #[arg(long, default_value_t = 2)]
    pub retries: u32,
    /// The first retry waits this long (ms); each further one twice as long.
    #[arg(long, default_value_t = 2000)]
    pub retry_backoff_ms: u64,
    /// Seconds a request (body included) may take.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// Largest feed or page read, in MiB.
    #[arg(long, default_value_t = 10)]
    pub max_response_mib: u64,
}

#[derive(Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub poll: PollArgs,
    /// One polling pass over the feeds that are due, then exit (for cron jobs).
    #[arg(long)]
    pub once: bool,
    /// Poll every feed now, whether due or not.
    #[arg(long)]
    pub all: bool,
    /// With --once: seconds to spend delivering alert webhooks after the pass.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub deliver_timeout: u64,
    /// Publish what the feeds bring to this NATS JetStream stream for `tidings place`
    /// instead of storing it; watchers sharing one store each poll their share of the feeds.
    #[arg(long, value_name = "URL", env = "TIDINGS_BUS")]
    pub bus: Option<String>,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// Where the store lives.
#[derive(Args, Clone)]
pub struct DataArgs {
    /// The data directory (created by `ingest` when missing), or a PostgreSQL database:
    /// postgres://USER@HOST[:PORT]/DB.
    #[arg(long, value_name = "DIR|URL", env = "TIDINGS_DATA", default_value = "tidings-data")]
    pub data: String,
    /// The search index of a PostgreSQL store: a local directory that follows the
    /// database (each server node keeps its own). A data directory holds its own index.
    #[arg(long, value_name = "DIR", env = "TIDINGS_INDEX", default_value = "tidings-index")]
    pub index: PathBuf,
}

impl DataArgs {
    pub fn location(&self) -> tidings_store::Location {
        tidings_store::Location::parse(&self.data, Some(&self.index))
    }
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Address to listen on. Loopback by default; a public address (0.0.0.0:8080) must be given here.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: std::net::SocketAddr,
    /// File holding the bearer token that allows POST /api/v1/articles (without a token, writing is off).
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Largest request body accepted, in MiB.
    #[arg(long, default_value_t = 16)]
    pub max_body_mib: usize,
    /// Also follow the feeds (as `tidings watch` does) in this process.
    #[arg(long)]
    pub watch: bool,
    /// Publish written articles (POST /api/v1/articles) to this NATS JetStream stream for
    /// `tidings place`, answering once the stream has them, instead of storing them here.
    #[arg(long, value_name = "URL", env = "TIDINGS_BUS")]
    pub bus: Option<String>,
    #[command(flatten)]
    pub poll: PollArgs,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Args)]
pub struct StoriesArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Stories with articles since this date (`2019-04-01`, RFC 3339) or for this long (`24h`, `7d`, `2w`),
    /// counted back from the newest article in the store.
    #[arg(long)]
    pub since: Option<String>,
    /// Stories with an article in this language (`nb`, `en`, …).
    #[arg(long)]
    pub lang: Option<String>,
    /// Stories with an article from this outlet.
    #[arg(long)]
    pub source: Option<String>,
    /// How many stories.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Stories naming this entity (a name such as `Kim Jong-un`, or an entity key).
    #[arg(long)]
    pub entity: Option<String>,
    /// Largest first instead of newest first.
    #[arg(long, conflicts_with_all = ["trending", "breaking"])]
    pub largest: bool,
    /// Growing stories first: articles in the 12 hours before the newest article, weighed against the story's age.
    #[arg(long, conflicts_with = "breaking")]
    pub trending: bool,
    /// Breaking stories first (those whose pace surged in the last hour), then the newest.
    #[arg(long)]
    pub breaking: bool,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct StoryArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The story (`s000007` or `7`).
    pub story: String,
    /// One JSON object: the story and its articles.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct StorylinesArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// How many storylines.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct StorylineArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The storyline (the id of its first story, `s000007`), or any story in it.
    pub storyline: String,
    /// One JSON object: the storyline and its stories.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Words (all must match), `"a phrase"`, `-word` to exclude, `word*` for a prefix.
    #[arg(required = true)]
    pub query: Vec<String>,
    /// Articles published on or after this date (or `7d` back from the newest article).
    #[arg(long)]
    pub since: Option<String>,
    /// Articles published before this date.
    #[arg(long)]
    pub until: Option<String>,
    #[arg(long)]
    pub lang: Option<String>,
    #[arg(long)]
    pub source: Option<String>,
    /// Only articles of this story.
    #[arg(long)]
    pub story: Option<String>,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// What to export.
    #[arg(value_enum, default_value = "articles")]
    pub what: ExportKind,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ExportKind {
    /// One line per article, with its story and body.
    Articles,
    /// One line per story.
    Stories,
}

#[derive(Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[arg(long)]
    pub json: bool,
    /// Also the NATS JetStream stream the store is placed from (nats://HOST:PORT/STREAM):
    /// its articles, how far the store has placed them, and the messages set aside.
    #[arg(long, value_name = "URL", env = "TIDINGS_BUS")]
    pub bus: Option<String>,
}

#[derive(Args)]
pub struct ReindexArgs {
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Args)]
pub struct IngestArgs {
    /// Input files or directories (JSON Lines, .gz, .txt, RSS/Atom/JSON Feed); `-` is stdin.
    /// Articles whose id is already stored are skipped.
    pub inputs: Vec<PathBuf>,
    /// Fail (exit code 2) if any record is bad; bad records are always reported and skipped.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub data: DataArgs,
    /// Seconds to spend delivering alert webhooks after the run; the rest wait in the store for the next run or a running serve/watch.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub deliver_timeout: u64,
    /// Publish the articles to this NATS JetStream stream (nats://HOST:PORT/STREAM) for
    /// `tidings place` instead of storing them here.
    #[arg(long, value_name = "URL", env = "TIDINGS_BUS")]
    pub bus: Option<String>,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Args)]
pub struct PlaceArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The NATS JetStream stream to place articles from (nats://HOST:PORT/STREAM).
    #[arg(long, value_name = "URL", env = "TIDINGS_BUS")]
    pub bus: String,
    /// Commit what was placed once the stream has been quiet this long (milliseconds).
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub idle_ms: u64,
    /// Seconds between a standby's tries to take over from the active placer.
    #[arg(long, value_name = "SECONDS", default_value_t = 2)]
    pub standby_every: u64,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// Where articles come from: files, directories, or `-` for stdin.
#[derive(Args)]
pub struct InputArgs {
    /// Input files or directories (JSON Lines, .gz, .txt, RSS/Atom/JSON Feed); `-` is stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Fail (exit code 2) if any record is bad; bad records are always reported and skipped.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Args)]
pub struct ClusterArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write one JSON line per article: {"id", "story", "duplicate_of", "similarity"}.
    #[arg(long, value_name = "FILE")]
    pub assignments: Option<PathBuf>,
    /// Write one JSON line per story.
    #[arg(long, value_name = "FILE")]
    pub stories: Option<PathBuf>,
    /// Stories shown in the summary on stdout.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// The input is already in publication order: cluster it as it is read, without holding
    /// it in memory (articles out of order are clustered where they arrive, and counted).
    #[arg(long)]
    pub sorted: bool,
    #[command(flatten)]
    pub tuning: TuningArgs,
}

/// Clustering settings a user may override (the defaults serve all corpora).
#[derive(Args, Clone)]
pub struct TuningArgs {
    /// Similarity an article needs to join a story.
    #[arg(long)]
    pub threshold: Option<f32>,
    /// Estimated Jaccard similarity of two bodies' word 5-gram shingles at which one is a
    /// copy of the other [default: 0.8].
    #[arg(long, value_name = "J")]
    pub dup_threshold: Option<f32>,
    /// Do not look for copies (every article is clustered on its own).
    #[arg(long)]
    pub no_dedup: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Args, Clone)]
pub struct ModelArgs {
    /// A static embedding model (model2vec's layout: tokenizer.json and
    /// model.safetensors) whose vectors add semantic closeness to the similarity;
    /// `scripts/distill-model.py` writes one. A store remembers the model it was placed
    /// with; naming another places every stored article again.
    #[arg(long, value_name = "DIR", env = "TIDINGS_MODEL")]
    pub model: Option<PathBuf>,
}

#[derive(Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args)]
pub struct EvalEntitiesArgs {
    /// CoNLL-U files, or directories of them (*.conllu, *.conll); each is scored on its own.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The sentences' language (an ISO 639-1 code such as nb or nn); by default each
    /// sentence's language is identified.
    #[arg(long)]
    pub lang: Option<String>,
    /// Print the scores as JSON, one object per path.
    #[arg(long)]
    pub json: bool,
    /// The documents the sentences come from (CoNLL files or directories of them, one
    /// document per file, such as NorNE's ndt/nob and ndt/nno): consecutive sentences of
    /// one document are read together, as an article's lead of at most 1500 bytes, so that
    /// what the article says elsewhere counts. By default each sentence is read alone.
    #[arg(long, value_name = "PATH")]
    pub documents: Vec<PathBuf>,
    /// Also print each sentence where the names found differ from the annotation: what
    /// was missed and what was found instead (name and type).
    #[arg(long)]
    pub mistakes: bool,
}

#[derive(Args)]
pub struct EvalExtractArgs {
    /// trafilatura's tests/ folder (holding evaldata.json and eval/), or a folder in
    /// CleanEval's layout (input/NAME.html and GoldStandard/NAME.txt, the page's main
    /// text written by hand), such as CleanEval's or Dragnet's pages.
    pub dir: PathBuf,
    /// Score only the first N pages (in the order of evaldata.json, or by name).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Print the scores as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also print the N pages with hand-written main texts that scored worst (F1), with
    /// the start of what was kept that the gold text lacks and of what was missed.
    #[arg(long, value_name = "N")]
    pub worst: Option<usize>,
}

#[derive(Args)]
pub struct TrainNamesArgs {
    /// CoNLL(-U) files with name=B-TYPE tags, or directories of them (*.conllu, *.conll);
    /// each file is one document.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Where to write the weights (the analyzer's are crates/analyze/data/names.tagger).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Files whose sentences must not be learned from (development and test splits): a
    /// document that shares any sentence with them is left out whole.
    #[arg(long, value_name = "FILE")]
    pub exclude: Vec<PathBuf>,
    /// Passes over the training sentences.
    #[arg(long, default_value_t = 10)]
    pub passes: usize,
    /// Feature buckets as a power of two (the file holds 18 bytes per bucket).
    #[arg(long, default_value_t = 18, value_parser = clap::value_parser!(u32).range(8..=22))]
    pub bits: u32,
    /// The seed of the order the sentences are learned in; another seed gives other
    /// weights of about the same quality, which shows how much a change's figures vary.
    #[arg(long, default_value_t = tidings_eval::name_training::DEFAULT_SEED)]
    pub seed: u64,
}

#[derive(Args)]
pub struct EvalArgs {
    /// JSON Lines with a gold "story" label per article.
    #[arg(long, value_name = "FILE")]
    pub gold: PathBuf,
    /// Articles to cluster (default: the gold file itself, labels ignored).
    pub inputs: Vec<PathBuf>,
    /// Print the scores as one JSON object.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub tuning: TuningArgs,
}

#[derive(Args)]
pub struct GenerateArgs {
    /// Number of articles.
    #[arg(long, default_value_t = 10_000)]
    pub articles: u64,
    /// Headlines only (empty bodies).
    #[arg(long)]
    pub headlines: bool,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Args)]
pub struct BenchArgs {
    /// Number of articles to generate and cluster (with `--input`: at most this many of
    /// the file's; all of them by default).
    #[arg(long)]
    pub articles: Option<usize>,
    /// Time a stream of your own (JSON Lines, or any input `cluster` reads) instead of
    /// generated articles, clustered in the order given, as with `cluster --sorted`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["headlines", "seed", "search"])]
    pub input: Option<PathBuf>,
    /// Headlines only (empty bodies).
    #[arg(long)]
    pub headlines: bool,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Report throughput for every slice of this many articles.
    #[arg(long, default_value_t = 50_000)]
    pub slice: usize,
    /// Instead of clustering, measure search latency over the store in DIR (or the
    /// PostgreSQL store at URL, with its index in ./tidings-index).
    #[arg(long, value_name = "DIR|URL")]
    pub search: Option<String>,
    /// Queries of each kind for `--search`.
    #[arg(long, default_value_t = 1000)]
    pub queries: usize,
    #[command(flatten)]
    pub tuning: TuningArgs,
}
