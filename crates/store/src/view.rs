//! The one JSON form of a story, for every output: `tidings cluster --stories`,
//! `stories --json`, `story --json`, `export stories` and the API.
//!
//! Two names for one thing, kept for a deprecation period: the story's id is both `id`
//! (the API's name since v1) and `story` (the name in files and on the command line since
//! the first release). New clients should read `id`; `story` goes away in 1.0.

use std::collections::HashMap;

use serde::ser::{SerializeMap, Serializer};
use tidings_cluster::{CopyGroup, StorySummary, StoryThread};

use crate::query::{ArticleRow, StoryLinkRow, StoryRow};
use crate::{story_label, story_number};

/// A story's articles (ids in stream order) and its copy groups.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryMembers {
    pub article_ids: Vec<String>,
    pub copy_groups: Vec<CopyGroup>,
}

impl StoryRow {
    /// A story as `tidings cluster` made it, threaded into its storyline.
    pub fn from_summary(s: &StorySummary, thread: &StoryThread) -> Self {
        let storyline = story_number(thread.storyline);
        StoryRow {
            storyline: Some(story_label(storyline)),
            storyline_number: Some(storyline),
            continues: thread.continues.as_ref().map(|l| StoryLinkRow {
                story: story_label(story_number(l.story)),
                number: story_number(l.story),
                score: l.score,
                shared: l.shared.clone(),
            }),
            members: Some(StoryMembers { article_ids: s.article_ids.clone(), copy_groups: s.copy_groups.clone() }),
            ..Self::from_card(s, None)
        }
    }

    /// A story's card as the placer has it (no storyline yet: the store threads it).
    pub fn from_card(s: &StorySummary, active: Option<bool>) -> Self {
        StoryRow {
            story: story_label(story_number(s.id)),
            number: story_number(s.id),
            title: s.title.clone(),
            articles: s.articles as i64,
            unique_articles: s.unique_articles as i64,
            first_seen: s.first_seen.map(|p| p.to_display_string()),
            last_seen: s.last_seen.map(|p| p.to_display_string()),
            languages: s.languages.clone(),
            sources: s.sources.clone(),
            keywords: s.keywords.clone(),
            entities: serde_json::to_value(&s.entities).unwrap_or_default(),
            active,
            titles: s.titles.clone(),
            keyphrases: s.keyphrases.clone(),
            summary: s.summary.clone(),
            storyline: None,
            storyline_number: None,
            continues: None,
            breaking_since: s.breaking_since.map(|p| p.to_display_string()),
            members: None,
        }
    }
}

impl serde::Serialize for StoryRow {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.serialize_entry("id", &self.story)?;
        m.serialize_entry("story", &self.story)?;
        m.serialize_entry("title", &self.title)?;
        m.serialize_entry("articles", &self.articles)?;
        m.serialize_entry("unique_articles", &self.unique_articles)?;
        if let Some(members) = &self.members {
            m.serialize_entry("article_ids", &members.article_ids)?;
        }
        m.serialize_entry("first_seen", &self.first_seen)?;
        m.serialize_entry("last_seen", &self.last_seen)?;
        m.serialize_entry("languages", &self.languages)?;
        m.serialize_entry("sources", &self.sources)?;
        m.serialize_entry("keywords", &self.keywords)?;
        m.serialize_entry("entities", &self.entities)?;
        if let Some(members) = &self.members {
            m.serialize_entry("copy_groups", &members.copy_groups)?;
        }
        if let Some(active) = self.active {
            m.serialize_entry("active", &active)?;
        }
        m.serialize_entry("titles", &self.titles)?;
        m.serialize_entry("keyphrases", &self.keyphrases)?;
        m.serialize_entry("summary", &self.summary)?;
        m.serialize_entry("storyline", &self.storyline)?;
        m.serialize_entry("continues", &self.continues)?;
        m.serialize_entry("breaking", &self.breaking_since.is_some())?;
        m.serialize_entry("breaking_since", &self.breaking_since)?;
        m.end()
    }
}

/// "first – last", or one date when they are the same day or only one is known, each
/// written by `format` (the reader's date style); "undated" without a date.
pub fn date_span(first: Option<&str>, last: Option<&str>, format: impl Fn(&str) -> String) -> String {
    match (first, last) {
        (Some(a), Some(b)) if a != b => format!("{} – {}", format(a), format(b)),
        (Some(a), _) | (None, Some(a)) => format(a),
        (None, None) => "undated".into(),
    }
}

/// One line of a story's timeline: an article and the copies of its text in the story.
pub struct TimelineEntry<'a> {
    pub article: &'a ArticleRow,
    pub copies: Vec<&'a ArticleRow>,
}

/// A story's articles as a reader sees them: each article that copies nothing, in the
/// order given, with the copies of its text folded under it; then the copies whose original
/// is in another story (rare: the original's story retired first), each on its own.
pub fn fold_copies(articles: &[ArticleRow]) -> Vec<TimelineEntry<'_>> {
    // By id: a large story has thousands of articles, so no search per copy.
    let mut entry_of: HashMap<&str, usize> = HashMap::new();
    let mut entries: Vec<TimelineEntry<'_>> = Vec::new();
    for a in articles.iter().filter(|a| a.duplicate_of.is_none()) {
        entry_of.insert(a.id.as_str(), entries.len());
        entries.push(TimelineEntry { article: a, copies: Vec::new() });
    }
    let mut orphans = Vec::new();
    for a in articles {
        let Some(original) = a.duplicate_of.as_deref() else { continue };
        match entry_of.get(original) {
            Some(&i) => entries[i].copies.push(a),
            None => orphans.push(TimelineEntry { article: a, copies: Vec::new() }),
        }
    }
    entries.extend(orphans);
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, duplicate_of: Option<&str>) -> ArticleRow {
        ArticleRow {
            seq: 0,
            id: id.into(),
            published: None,
            published_ts: None,
            source: None,
            lang: "en".into(),
            title: String::new(),
            display_title: String::new(),
            url: None,
            story: "s000001".into(),
            story_number: 1,
            duplicate_of: duplicate_of.map(str::to_string),
            similarity: 1.0,
            body: None,
        }
    }

    #[test]
    fn copies_fold_under_their_original_and_strays_come_last() {
        let articles = [
            row("a", None),
            row("a2", Some("a")),
            row("stray", Some("elsewhere")),
            row("b", None),
            row("a3", Some("a")),
        ];
        let folded = fold_copies(&articles);
        let shape: Vec<(&str, Vec<&str>)> =
            folded.iter().map(|e| (e.article.id.as_str(), e.copies.iter().map(|c| c.id.as_str()).collect())).collect();
        assert_eq!(shape, [("a", vec!["a2", "a3"]), ("b", vec![]), ("stray", vec![])]);
    }

    #[test]
    fn a_span_names_one_date_when_it_has_one() {
        let plain = |s: &str| s.to_string();
        assert_eq!(date_span(Some("1 May"), Some("3 May"), plain), "1 May – 3 May");
        assert_eq!(date_span(Some("1 May"), Some("1 May"), plain), "1 May");
        assert_eq!(date_span(None, Some("3 May"), plain), "3 May");
        assert_eq!(date_span(None, None, plain), "undated");
    }
}
