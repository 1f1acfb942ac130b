use crate::{Origin, Published};

/// One news article as the readers hand it to the pipeline.
///
/// Only `title` or `text` needs to be non-empty; everything else is optional metadata.
/// `lang` is the source's claim (a hint), not the analyzer's verdict.
#[derive(Debug, Clone)]
pub struct Article {
    pub id: String,
    pub published: Option<Published>,
    pub title: String,
    pub text: String,
    pub lang: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    /// A section label such as `sport` or `utenriks`, when the input gives one.
    pub section: Option<String>,
    pub origin: Origin,
}

impl Article {
    /// Title and text joined, the way a reader sees the article.
    pub fn full_text(&self) -> String {
        let mut s = String::with_capacity(self.title.len() + self.text.len() + 2);
        s.push_str(&self.title);
        if !self.title.is_empty() && !self.text.is_empty() {
            s.push_str("\n\n");
        }
        s.push_str(&self.text);
        s
    }
}
