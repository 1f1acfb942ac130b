//! The output contracts: assignment and story JSON lines, analyzer JSON lines, and the
//! readable summary. Field names are a public contract: add fields, never rename them.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{Value, json};
use tidings_analyze::Analysis;
use tidings_article::Article;
use tidings_cluster::{StoryId, StorySummary, StoryThread};

use tidings_engine::Placement;

/// The public id of a story (`s000007`), the same in files and in the store.
pub fn story_id(id: StoryId) -> String {
    tidings_store::story_label(tidings_store::story_number(id))
}

/// A buffered JSON Lines file; `None` writes nothing.
pub struct JsonLinesOut {
    out: Option<(BufWriter<File>, String)>,
}

impl JsonLinesOut {
    pub fn create(path: Option<&Path>) -> Result<Self> {
        let out = match path {
            Some(p) => {
                let file = File::create(p).with_context(|| format!("cannot create {}", p.display()))?;
                Some((BufWriter::with_capacity(1 << 16, file), p.display().to_string()))
            }
            None => None,
        };
        Ok(Self { out })
    }

    pub fn write(&mut self, value: &Value) -> Result<()> {
        if let Some((w, name)) = &mut self.out {
            serde_json::to_writer(&mut *w, value).with_context(|| format!("cannot write {name}"))?;
            w.write_all(b"\n").with_context(|| format!("cannot write {name}"))?;
        }
        Ok(())
    }

    pub fn finish(self) -> Result<()> {
        if let Some((mut w, name)) = self.out {
            w.flush().with_context(|| format!("cannot write {name}"))?;
        }
        Ok(())
    }
}

/// `{"id", "story", "duplicate_of", "similarity"}`: `duplicate_of` names the earliest
/// article with the same text, for a copy; `similarity` is to the story joined (for a
/// copy, to its original).
pub fn assignment_json(article: &Article, p: &Placement) -> Value {
    json!({
        "id": article.id,
        "story": story_id(p.assignment.story),
        "duplicate_of": p.duplicate_of.as_deref(),
        "similarity": round3(p.assignment.similarity),
    })
}

/// `{"id", "story", "title", "articles", "unique_articles", "article_ids", "first_seen",
/// "last_seen", "languages", "sources", "keywords", "entities", "copy_groups", "titles",
/// "keyphrases", "summary", "storyline", "continues"}`: the store's one story form
/// (`tidings_store::StoryRow`). `storyline` is the id of the storyline's first story;
/// `continues` the earlier story this one continues, with the score and the shared names
/// and terms, or null.
pub fn story_json(s: &StorySummary, thread: &StoryThread) -> Value {
    serde_json::to_value(tidings_store::StoryRow::from_summary(s, thread)).unwrap_or_default()
}

/// `{"id", "lang", "lang_confidence", "title", "terms", "entities"}`.
pub fn analysis_json(article: &Article, a: &Analysis) -> Value {
    json!({
        "id": article.id,
        "lang": a.lang.code(),
        "lang_confidence": round3(a.lang_confidence),
        "title": tidings_engine::display_title(article),
        "terms": a.top_terms.iter().map(|(_, label, _)| label).collect::<Vec<_>>(),
        "term_weights": a.top_terms.iter().map(|(_, _, w)| round3(*w)).collect::<Vec<_>>(),
        "entities": a.entities,
    })
}

fn round3(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}

/// The readable summary on stdout: totals, then the largest stories.
pub fn print_summary(
    stories: &[StorySummary],
    threads: &[StoryThread],
    articles: u64,
    bad: u64,
    top: usize,
) -> std::io::Result<()> {
    let mut largest: Vec<&StorySummary> = stories.iter().collect();
    largest.sort_by(|a, b| b.article_ids.len().cmp(&a.article_ids.len()).then(a.id.cmp(&b.id)));
    let linked = threads.iter().filter(|t| t.continues.is_some()).count();
    let mut storylines: Vec<StoryId> = threads.iter().filter(|t| t.continues.is_some()).map(|t| t.storyline).collect();
    storylines.sort_unstable();
    storylines.dedup();
    out!(
        "{articles} articles in {} stories ({} with more than one article); {bad} bad records skipped",
        stories.len(),
        stories.iter().filter(|s| s.article_ids.len() > 1).count()
    )?;
    out!("{} storylines join {} stories", storylines.len(), linked + storylines.len())?;
    for s in largest.iter().take(top).filter(|s| s.article_ids.len() > 1) {
        let (first, last) = (s.first_seen.map(|p| p.to_display_string()), s.last_seen.map(|p| p.to_display_string()));
        let span = tidings_store::date_span(first.as_deref(), last.as_deref(), str::to_string);
        out!(
            "{:>5} articles  {:>3} sources  {:<8}  {}  {}\n       {}\n       {}",
            s.article_ids.len(),
            s.sources.len(),
            s.languages.join(","),
            story_id(s.id),
            span,
            s.title,
            s.keyphrases.join(" · ")
        )?;
    }
    Ok(())
}
