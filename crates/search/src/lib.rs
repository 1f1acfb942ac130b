//! Full-text search over the store with tantivy.
//!
//! The index is derived from the SQLite store and never trusted on its own: its commit
//! records the store generation it reflects, and [`SearchIndex::catch_up`] re-indexes
//! every article written since (a missing, foreign or older-schema index is rebuilt).
//! Each language has its own title and body fields, analysed with tidings' own rules
//! (stems per language, compound parts for Norwegian, Danish, Swedish and German); a query
//! is analysed once per field, so it finds Norwegian and English articles alike.

mod directory;
mod fields;
mod query;
mod tokenizer;

use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, TantivyDocument, Term};
use tidings_analyze::{IndexTerms, Lang};
use tidings_store::{ArticleRow, Store, StoreError};

use directory::{IndexDirectory, is_read_only, tantivy_read_only};
use fields::Fields;

/// The index's directory inside a data directory.
pub const INDEX_DIR: &str = "index";

/// Bumped when the index's fields or analysis change: an index built otherwise is rebuilt.
const INDEX_FORMAT: u64 = 1;

/// A title match counts this many times a body match.
const TITLE_BOOST: f32 = 2.0;

/// Memory the index writer may buffer before it writes a segment.
const WRITER_MEMORY: usize = 128 << 20;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("{path}: {source}")]
    Index { path: PathBuf, source: tantivy::TantivyError },
    #[error("{path}: cannot prepare the index directory: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read the query {query:?}: {reason}")]
    Query { query: String, reason: String },
    /// The index needs writing and this user may not write the data directory.
    #[error("{path}: cannot {task}: this user may not write to the data directory")]
    ReadOnly { path: PathBuf, task: &'static str },
}

impl SearchError {
    /// Whether the index could not be written because the directory is read-only: a
    /// reader may go on with the index as it is.
    pub fn is_read_only(&self) -> bool {
        matches!(self, SearchError::ReadOnly { .. })
    }
}

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: String,
    /// Unix seconds, inclusive.
    pub since: Option<i64>,
    /// Unix seconds, exclusive.
    pub until: Option<i64>,
    pub lang: Option<String>,
    pub source: Option<String>,
    /// A story number.
    pub story: Option<i64>,
    pub limit: usize,
    pub offset: usize,
}

/// One result: the article's place in the store and its score.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub seq: i64,
    pub score: f32,
}

/// Search results: the page asked for and how many match in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub hits: Vec<Hit>,
    pub total: usize,
}

/// An open search index.
pub struct SearchIndex {
    index: Index,
    fields: Fields,
    reader: IndexReader,
    path: PathBuf,
}

/// What the index's last commit says it reflects.
#[derive(serde::Deserialize)]
struct Payload {
    format: u64,
    generation: i64,
    /// The store it follows, where the store has an identity (PostgreSQL: an index
    /// directory is given apart from the database, and could be pointed at another one).
    #[serde(default)]
    store: Option<String>,
}

impl SearchIndex {
    /// Opens the index in `data_dir`, creating it (empty) if missing or rebuilding it
    /// from nothing if it was built by another format. Call [`SearchIndex::catch_up`]
    /// before trusting it.
    pub fn open(data_dir: &Path) -> Result<Self, SearchError> {
        let path = data_dir.join(INDEX_DIR);
        let terms = Arc::new(IndexTerms::new());
        let index_err = |source| SearchError::Index { path: path.clone(), source };
        let opened = IndexDirectory::open(&path).ok().and_then(|dir| Index::open(dir).ok());
        let index = match opened {
            Some(index) if Self::payload_of(&index).is_some_and(|p| p.format == INDEX_FORMAT) => index,
            // Missing, damaged, or another format: derived data, so start over.
            _ => Self::create(&path).map_err(|e| match e {
                SearchError::Io { source, .. } if is_read_only(&source) => SearchError::ReadOnly {
                    path: path.clone(),
                    task: "build the search index (missing or from another version; run `tidings reindex` once as a user who may)",
                },
                e => e,
            })?,
        };
        tokenizer::register(&index, &terms);
        let fields = Fields::of(&index.schema()).map_err(index_err)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(index_err)?;
        Ok(Self { index, fields, reader, path })
    }

    /// A new, empty index at `path`, replacing whatever was there.
    fn create(path: &Path) -> Result<Index, SearchError> {
        let io = |source| SearchError::Io { path: path.to_path_buf(), source };
        if path.exists() {
            std::fs::remove_dir_all(path).map_err(io)?;
        }
        std::fs::create_dir_all(path).map_err(io)?;
        let directory = IndexDirectory::open(path).map_err(|e| io(std::io::Error::other(e.to_string())))?;
        Index::create(directory, fields::schema(), IndexSettings::default())
            .map_err(|source| SearchError::Index { path: path.to_path_buf(), source })
    }

    fn err(&self, source: tantivy::TantivyError) -> SearchError {
        if tantivy_read_only(&source) {
            return SearchError::ReadOnly { path: self.path.clone(), task: "bring the search index up to date" };
        }
        SearchError::Index { path: self.path.clone(), source }
    }

    fn payload_of(index: &Index) -> Option<Payload> {
        let metas = index.load_metas().ok()?;
        serde_json::from_str(metas.payload.as_deref()?).ok()
    }

    /// The store generation the index reflects (0 for a new index).
    pub fn generation(&self) -> i64 {
        Self::payload_of(&self.index).map_or(0, |p| p.generation)
    }

    /// Brings the index up to date with the store: re-indexes every article written since
    /// the index's generation. Returns how many articles it indexed. Searches may run
    /// meanwhile (they see the last commit); catch-ups must not overlap (tantivy's writer
    /// lock refuses a second writer), so callers run them one at a time.
    pub fn catch_up(&self, store: &Store) -> Result<u64, SearchError> {
        let identity = store.identity()?;
        if Self::payload_of(&self.index).and_then(|p| p.store) != identity {
            // It follows another store (or none yet): start again from nothing.
            let writer = self.writer()?;
            writer.delete_all_documents().map_err(|e| self.err(e))?;
            self.commit(writer, 0, identity.as_deref())?;
        }
        let seen = self.generation();
        let (generation, from_seq) = store.changes_since(seen)?;
        if generation == seen {
            return Ok(0);
        }
        let writer = self.writer()?;
        let from_seq = from_seq.unwrap_or(i64::MAX);
        let seq_from = Term::from_field_u64(self.fields.seq, u64::try_from(from_seq).unwrap_or(0));
        writer
            .delete_query(Box::new(RangeQuery::new(Bound::Included(seq_from), Bound::Unbounded)))
            .map_err(|e| self.err(e))?;
        let mut indexed = 0u64;
        store.for_each_article(from_seq, |a| {
            indexed += 1;
            writer.add_document(self.document(&a)).map(|_| ()).map_err(|e| self.err(e))
        })?;
        self.commit(writer, generation, identity.as_deref())?;
        Ok(indexed)
    }

    /// Drops everything and indexes the whole store again.
    pub fn rebuild(&self, store: &Store) -> Result<u64, SearchError> {
        let writer = self.writer()?;
        writer.delete_all_documents().map_err(|e| self.err(e))?;
        self.commit(writer, 0, store.identity()?.as_deref())?;
        self.catch_up(store)
    }

    fn writer(&self) -> Result<IndexWriter<TantivyDocument>, SearchError> {
        self.index.writer(WRITER_MEMORY).map_err(|e| self.err(e))
    }

    fn commit(
        &self,
        mut writer: IndexWriter<TantivyDocument>,
        generation: i64,
        store: Option<&str>,
    ) -> Result<(), SearchError> {
        // The fields of `Payload`.
        let payload = serde_json::json!({"format": INDEX_FORMAT, "generation": generation, "store": store}).to_string();
        let mut prepared = writer.prepare_commit().map_err(|e| self.err(e))?;
        prepared.set_payload(&payload);
        prepared.commit().map_err(|e| self.err(e))?;
        writer.wait_merging_threads().map_err(|e| self.err(e))?;
        self.reader.reload().map_err(|e| self.err(e))
    }

    fn document(&self, a: &ArticleRow) -> TantivyDocument {
        let f = &self.fields;
        let lang = Lang::from_code(&a.lang);
        let (title, body) = f.text_fields(lang);
        let mut doc = TantivyDocument::new();
        doc.add_u64(f.seq, u64::try_from(a.seq).unwrap_or(0));
        doc.add_u64(f.story, u64::try_from(a.story_number).unwrap_or(0));
        if let Some(t) = a.published_ts {
            doc.add_i64(f.published, t);
        }
        doc.add_text(f.lang, &a.lang);
        if let Some(s) = &a.source {
            doc.add_text(f.source, s);
        }
        doc.add_text(title, &a.title);
        doc.add_text(body, a.body.as_deref().unwrap_or(""));
        doc
    }

    /// Runs a query (see [`tidings_query`] for its syntax and limits): every word must match (in
    /// a title or body, in any language's analysis); filters narrow the result.
    pub fn search(&self, request: &SearchRequest) -> Result<Results, SearchError> {
        let f = &self.fields;
        let text_query = self.text_query(&request.query)?;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query)];
        if request.since.is_some() || request.until.is_some() {
            let bound = |t: Option<i64>, inclusive: bool| match t {
                Some(t) if inclusive => Bound::Included(Term::from_field_i64(f.published, t)),
                Some(t) => Bound::Excluded(Term::from_field_i64(f.published, t)),
                None => Bound::Unbounded,
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(bound(request.since, true), bound(request.until, false))),
            ));
        }
        let term = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
        };
        if let Some(l) = &request.lang {
            clauses.push((Occur::Must, term(f.lang, l)));
        }
        if let Some(s) = &request.source {
            clauses.push((Occur::Must, term(f.source, s)));
        }
        if let Some(story) = request.story {
            let story = Term::from_field_u64(f.story, u64::try_from(story).unwrap_or(0));
            clauses.push((Occur::Must, Box::new(TermQuery::new(story, IndexRecordOption::Basic))));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = TopDocs::with_limit(request.limit.max(1)).and_offset(request.offset).order_by_score();
        let (top, total) = searcher.search(&query, &(top, Count)).map_err(|e| self.err(e))?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let seq = searcher
                .segment_reader(address.segment_ord)
                .fast_fields()
                .u64("seq")
                .ok()
                .and_then(|column| column.first(address.doc_id));
            if let Some(seq) = seq.and_then(|s| i64::try_from(s).ok()) {
                hits.push(Hit { seq, score });
            }
        }
        Ok(Results { hits, total })
    }

    /// The query's words, phrases and prefixes over every language's title and body,
    /// titles counting double.
    fn text_query(&self, text: &str) -> Result<Box<dyn Query>, SearchError> {
        let refused = |reason: String| SearchError::Query { query: shortened(text), reason };
        let expr = tidings_query::parse(text).map_err(|e| refused(e.to_string()))?;
        let mut parser = QueryParser::for_index(&self.index, self.fields.all_text_fields());
        parser.set_conjunction_by_default();
        let mut boosted = Vec::new();
        for (title, body) in &self.fields.by_lang {
            parser.set_field_boost(*title, TITLE_BOOST);
            boosted.extend([(*title, TITLE_BOOST), (*body, 1.0)]);
        }
        query::to_query(&expr, &query::Build { parser: &parser, fields: &boosted }).map_err(|e| match e {
            query::BuildError::Tantivy(source) => self.err(source),
            e => refused(e.to_string()),
        })
    }

    /// Documents in the index.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the index takes on disk.
    pub fn disk_bytes(&self) -> u64 {
        dir_size(&self.path)
    }
}

/// Bytes the index in `data_dir` takes on disk (0 if there is none), without opening it.
pub fn index_bytes(data_dir: &Path) -> u64 {
    dir_size(&data_dir.join(INDEX_DIR))
}

/// A query as error messages quote it: at most 80 characters.
fn shortened(query: &str) -> String {
    match query.char_indices().nth(80) {
        Some((end, _)) => format!("{}…", &query[..end]),
        None => query.to_string(),
    }
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}
