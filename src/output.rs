//! The output contracts: assignment and story JSON lines, analyzer JSON lines, and the
//! readable summary. Field names are a public contract: add fields, never rename them.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{Value, json};
use tidings_analyze::Analysis;
use tidings_article::Article;
use tidings_cluster::{StoryId, StoryLink, StorySummary, StoryThread};

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

/// `{"story", "title", "articles", "unique_articles", "article_ids", "first_seen",
/// "last_seen", "languages", "sources", "keywords", "entities", "copy_groups", "titles",
/// "keyphrases", "summary", "storyline", "continues"}`: `storyline` is the id of the
/// storyline's first story; `continues` the earlier story this one continues, with the
/// score and the shared names and terms, or null.
pub fn story_json(s: &StorySummary, thread: &StoryThread) -> Value {
    json!({
        "story": story_id(s.id),
        "title": s.title,
        "articles": s.articles,
        "unique_articles": s.unique_articles,
        "article_ids": s.article_ids,
        "first_seen": s.first_seen.map(|p| p.to_display_string()),
        "last_seen": s.last_seen.map(|p| p.to_display_string()),
        "languages": s.languages,
        "sources": s.sources,
        "keywords": s.keywords,
        "entities": s.entities,
        "copy_groups": s.copy_groups.iter().map(|g| json!({
            "original": g.original, "copies": g.copies, "sources": g.sources,
        })).collect::<Vec<_>>(),
        "titles": s.titles,
        "keyphrases": s.keyphrases,
        "summary": s.summary,
        "storyline": story_id(thread.storyline),
        "continues": thread.continues.as_ref().map(link_json),
    })
}

/// `{"story", "score", "shared"}`.
pub fn link_json(link: &StoryLink) -> Value {
    json!({"story": story_id(link.story), "score": link.score, "shared": link.shared})
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
        let span = match (s.first_seen, s.last_seen) {
            (Some(f), Some(l)) if f == l => f.to_display_string(),
            (Some(f), Some(l)) => format!("{} – {}", f.to_display_string(), l.to_display_string()),
            _ => "undated".into(),
        };
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
