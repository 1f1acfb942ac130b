//! The one rule for which articles are new: an id names one article, so an article whose
//! id the store already has, or that came earlier in the same input, is not placed again.
//! Files, feeds, request bodies and the bus all go through [`NewArticles`].

use rustc_hash::FxHashMap;
use tidings_article::{Article, Origin};
use tidings_store::{Store, StoreError};

/// What [`NewArticles::check`] found.
#[derive(Debug, Clone, PartialEq)]
pub enum Novelty {
    New,
    /// The store has an article with this id.
    Stored,
    /// An earlier article of the same input had this id; where it was.
    Repeated(Origin),
}

/// Remembers the ids of one input (a run, a request, a feed's items).
#[derive(Default)]
pub struct NewArticles {
    seen: FxHashMap<String, Origin>,
}

/// An input split by [`NewArticles::keep_new`].
#[derive(Debug, Default)]
pub struct Kept {
    pub new: Vec<Article>,
    /// Articles whose id was stored already or came earlier in the input.
    pub skipped: u64,
}

impl NewArticles {
    /// Whether `article` repeats an id of this input (no store asked).
    pub fn check_repeat(&mut self, article: &Article) -> Novelty {
        match self.seen.entry(article.id.clone()) {
            std::collections::hash_map::Entry::Occupied(first) => Novelty::Repeated(first.get().clone()),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(article.origin.clone());
                Novelty::New
            }
        }
    }

    /// Whether each of `articles` is new to this input and to `store`, in their order
    /// (the store is asked once for them all).
    pub fn check_all(&mut self, articles: Vec<Article>, store: &Store) -> Result<Vec<(Article, Novelty)>, StoreError> {
        let checked: Vec<(Article, Novelty)> = articles
            .into_iter()
            .map(|a| {
                let novelty = self.check_repeat(&a);
                (a, novelty)
            })
            .collect();
        let candidates: Vec<&str> =
            checked.iter().filter(|(_, n)| *n == Novelty::New).map(|(a, _)| a.id.as_str()).collect();
        let stored = store.stored_among(&candidates)?;
        Ok(checked
            .into_iter()
            .map(|(a, n)| match n {
                Novelty::New if stored.contains(&a.id) => (a, Novelty::Stored),
                n => (a, n),
            })
            .collect())
    }

    /// The new articles of `articles`, in their order, and how many were skipped.
    pub fn keep_new(&mut self, articles: Vec<Article>, store: &Store) -> Result<Kept, StoreError> {
        let mut kept = Kept { new: Vec::with_capacity(articles.len()), skipped: 0 };
        for (article, novelty) in self.check_all(articles, store)? {
            match novelty {
                Novelty::New => kept.new.push(article),
                Novelty::Stored | Novelty::Repeated(_) => kept.skipped += 1,
            }
        }
        Ok(kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    pub(crate) fn article(id: &str, line: u64) -> Article {
        Article {
            id: id.into(),
            published: None,
            title: format!("Title {id}"),
            text: "Some text.".into(),
            lang: None,
            source: None,
            url: None,
            section: None,
            origin: Origin::new(Arc::from("input.jsonl"), Some(line)),
        }
    }

    #[test]
    fn a_repeated_id_names_where_it_was_first_seen() {
        let mut filter = NewArticles::default();
        assert_eq!(filter.check_repeat(&article("a", 1)), Novelty::New);
        assert_eq!(filter.check_repeat(&article("b", 2)), Novelty::New);
        let Novelty::Repeated(first) = filter.check_repeat(&article("a", 3)) else { panic!("a repeats") };
        assert_eq!(first.record, Some(1));
    }

    #[test]
    fn stored_and_repeated_articles_are_skipped() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut store = Store::open(&dir.path().into(), tidings_store::Access::Write).expect("a new store");
        store.begin_batch().expect("a batch");
        let stored = article("stored", 1);
        store
            .put_article(&tidings_store::ArticleWrite {
                seq: 0,
                article: &stored,
                lang: "en",
                display_title: "Title stored",
                story: 0,
                duplicate_of: None,
                similarity: 1.0,
            })
            .expect("an article written");
        store.end_batch(&tidings_store::BatchEnd::default()).expect("a commit");
        let input = vec![article("new", 1), article("stored", 2), article("new", 3), article("other", 4)];
        let kept = NewArticles::default().keep_new(input, &store).expect("the store answers");
        let ids: Vec<&str> = kept.new.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["new", "other"]);
        assert_eq!(kept.skipped, 2);
    }
}
