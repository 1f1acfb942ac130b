//! Publication order: the clusterer places articles in the order they appeared, so every
//! input is put in that order before it is placed (a chunk at a time for long inputs).

use tidings_article::Article;

/// Puts articles in publication order. An undated article keeps its place in the input:
/// it sorts with the last dated article before it.
pub fn order_by_publication(articles: Vec<Article>) -> Vec<Article> {
    let mut last = i64::MIN;
    let mut keyed: Vec<(i64, Article)> = articles
        .into_iter()
        .map(|a| {
            if let Some(p) = a.published {
                last = p.seconds();
            }
            (a.published.map_or(last, |p| p.seconds()), a)
        })
        .collect();
    keyed.sort_by_key(|(t, _)| *t);
    keyed.into_iter().map(|(_, a)| a).collect()
}

/// Puts each chunk of a stream in publication order, so that memory stays bounded however
/// long the stream.
pub struct SortedChunks<I> {
    articles: I,
    chunk: usize,
    sorted: std::vec::IntoIter<Article>,
}

impl<I: Iterator<Item = Article>> SortedChunks<I> {
    pub fn new(articles: I, chunk: usize) -> Self {
        Self { articles, chunk: chunk.max(1), sorted: Vec::new().into_iter() }
    }
}

impl<I: Iterator<Item = Article>> Iterator for SortedChunks<I> {
    type Item = Article;

    fn next(&mut self) -> Option<Article> {
        if let Some(a) = self.sorted.next() {
            return Some(a);
        }
        let chunk: Vec<Article> = self.articles.by_ref().take(self.chunk).collect();
        self.sorted = order_by_publication(chunk).into_iter();
        self.sorted.next()
    }
}

/// A headline for display: the article's own, or its first sentence (shortened).
pub fn display_title(article: &Article) -> String {
    if !article.title.trim().is_empty() {
        return article.title.trim().to_string();
    }
    let first_line = article.text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let sentence = first_line.split_inclusive(['.', '!', '?']).next().unwrap_or(first_line);
    let words: Vec<&str> = sentence.split_whitespace().collect();
    if words.len() > 16 { format!("{} …", words[..16].join(" ")) } else { words.join(" ") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tidings_article::{Origin, parse_published};

    fn article(id: &str, published: Option<&str>) -> Article {
        Article {
            id: id.into(),
            published: published.and_then(parse_published),
            title: String::new(),
            text: "x".into(),
            lang: None,
            source: None,
            url: None,
            section: None,
            origin: Origin::new(Arc::from("t"), None),
        }
    }

    #[test]
    fn undated_articles_keep_their_place() {
        let input = vec![
            article("c", Some("2019-04-25")),
            article("u1", None),
            article("a", Some("2019-04-23")),
            article("u2", None),
            article("b", Some("2019-04-24")),
        ];
        let ids: Vec<String> = order_by_publication(input).into_iter().map(|a| a.id).collect();
        assert_eq!(ids, ["a", "u2", "b", "c", "u1"]);
    }

    #[test]
    fn chunks_are_sorted_one_at_a_time() {
        let input = vec![
            article("b", Some("2019-04-24")),
            article("a", Some("2019-04-23")),
            article("d", Some("2019-04-26")),
            article("c", Some("2019-04-25")),
            article("e", Some("2019-04-20")),
        ];
        let ids: Vec<String> = SortedChunks::new(input.into_iter(), 2).map(|a| a.id).collect();
        assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    }

    #[test]
    fn display_title_falls_back_to_the_first_sentence() {
        let mut a = article("x", None);
        a.text = "\nMøtet startet i dag. Mer tekst.".into();
        assert_eq!(display_title(&a), "Møtet startet i dag.");
        a.title = " Overskrift ".into();
        assert_eq!(display_title(&a), "Overskrift");
    }
}
