//! The accepted articles of some input files, as a stream: bad records are reported (a
//! few per file, then counted) and repeated ids are bad records too (an id names one
//! article). With a store, articles it has already are skipped and counted.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;
use tidings_article::Article;
use tidings_ingest::{BadRecord, Reader, expand_inputs};
use tidings_store::{Store, StoreError};

use crate::novelty::{NewArticles, Novelty};

/// What an [`Accepted`] stream has counted so far. Shared, because the stream usually
/// runs on the analysis thread while the caller waits for the end.
#[derive(Debug, Default)]
pub struct Tally {
    /// Articles passed on.
    pub accepted: AtomicU64,
    /// Bad records (repeated ids included).
    pub bad: AtomicU64,
    /// Articles the store had already.
    pub stored: AtomicU64,
    /// The store error that ended the stream early, if one did.
    error: Mutex<Option<StoreError>>,
}

impl Tally {
    pub fn bad(&self) -> u64 {
        self.bad.load(Ordering::Relaxed)
    }

    pub fn accepted(&self) -> u64 {
        self.accepted.load(Ordering::Relaxed)
    }

    pub fn stored(&self) -> u64 {
        self.stored.load(Ordering::Relaxed)
    }

    /// The error that ended the stream before its end, if any (taken: asked once).
    pub fn take_error(&self) -> Option<StoreError> {
        self.error.lock().ok().and_then(|mut e| e.take())
    }
}

/// Everything read from some inputs at once.
pub struct ReadAll {
    pub articles: Vec<Article>,
    pub bad: u64,
}

/// Reads every input into memory (for commands that need the whole input, like `eval`).
pub fn read_all(inputs: &[PathBuf]) -> ReadAll {
    let accepted = Accepted::open(inputs);
    let tally = accepted.tally();
    let articles = accepted.collect();
    ReadAll { articles, bad: tally.bad() }
}

/// The accepted articles of some inputs, streamed: a sorted input can be clustered
/// without holding it.
pub struct Accepted {
    reader: Reader,
    filter: NewArticles,
    /// Where to look for articles stored already (its own read connection: the stream
    /// runs on the analysis thread).
    store: Option<Store>,
    tally: Arc<Tally>,
    /// Records read and checked, not yet passed on.
    ready: std::collections::VecDeque<(Article, Novelty)>,
    /// Bad records per file, so that a file of a million bad lines prints a few messages
    /// and a count, not a million messages.
    bad_per_file: FxHashMap<Arc<str>, u64>,
}

/// Bad records of one file shown in the log; the rest are counted.
const SHOWN_PER_FILE: u64 = 10;

/// Articles whose ids the store is asked about at once.
const STORE_CHECK_CHUNK: usize = 512;

impl Accepted {
    pub fn open(inputs: &[PathBuf]) -> Self {
        let (inputs, problems) = expand_inputs(inputs);
        let mut accepted = Self {
            reader: Reader::new(inputs),
            filter: NewArticles::default(),
            store: None,
            tally: Arc::default(),
            ready: Default::default(),
            bad_per_file: FxHashMap::default(),
        };
        problems.iter().for_each(|b| accepted.report(b));
        accepted
    }

    /// Skips (and counts) the articles `store` has already. A store error ends the
    /// stream; [`Tally::take_error`] tells it.
    pub fn skipping_stored(mut self, store: Store) -> Self {
        self.store = Some(store);
        self
    }

    /// The counts so far.
    pub fn tally(&self) -> Arc<Tally> {
        self.tally.clone()
    }

    /// Reads the next records (a chunk of them when a store is asked, so that it is asked
    /// once per chunk) and queues them with their novelty; bad records are reported as
    /// they come. `false` at the end of the input.
    fn fill(&mut self) -> Result<bool, StoreError> {
        let want = if self.store.is_some() { STORE_CHECK_CHUNK } else { 1 };
        let mut chunk = Vec::with_capacity(want);
        while chunk.len() < want {
            match self.reader.next() {
                Some(Ok(article)) => chunk.push(article),
                Some(Err(b)) => self.report(&b),
                None => break,
            }
        }
        if chunk.is_empty() {
            return Ok(false);
        }
        match &self.store {
            Some(store) => self.ready.extend(self.filter.check_all(chunk, store)?),
            None => self.ready.extend(chunk.into_iter().map(|a| {
                let novelty = self.filter.check_repeat(&a);
                (a, novelty)
            })),
        }
        Ok(true)
    }

    fn report(&mut self, b: &BadRecord) {
        self.tally.bad.fetch_add(1, Ordering::Relaxed);
        let count = self.bad_per_file.entry(b.origin.file.clone()).or_default();
        *count += 1;
        match *count {
            n if n <= SHOWN_PER_FILE => tracing::warn!("{b}"),
            n if n == SHOWN_PER_FILE + 1 => {
                tracing::warn!("{}: more bad records; they are counted, not shown", b.origin.file)
            }
            _ => {}
        }
    }

    /// At the end of the input: the count of each file whose bad records were not all shown.
    fn report_hidden(&mut self) {
        let counts = std::mem::take(&mut self.bad_per_file);
        let mut files: Vec<_> = counts.iter().filter(|(_, n)| **n > SHOWN_PER_FILE).collect();
        files.sort();
        for (file, n) in files {
            tracing::warn!("{file}: {n} bad records in all ({} not shown)", n - SHOWN_PER_FILE);
        }
    }
}

impl Iterator for Accepted {
    type Item = Article;

    fn next(&mut self) -> Option<Article> {
        loop {
            let Some((article, novelty)) = self.ready.pop_front() else {
                match self.fill() {
                    Ok(true) => continue,
                    Ok(false) => {
                        self.report_hidden();
                        return None;
                    }
                    Err(e) => {
                        if let Ok(mut slot) = self.tally.error.lock() {
                            *slot = Some(e);
                        }
                        return None;
                    }
                }
            };
            match novelty {
                Novelty::New => {
                    self.tally.accepted.fetch_add(1, Ordering::Relaxed);
                    return Some(article);
                }
                Novelty::Stored => {
                    self.tally.stored.fetch_add(1, Ordering::Relaxed);
                }
                Novelty::Repeated(first) => {
                    let reason = format!("duplicate id {:?} (first seen at {first}), skipped", article.id);
                    self.report(&BadRecord::new(article.origin.clone(), reason))
                }
            }
        }
    }
}
