//! A query of the search syntax evaluated against one article in memory, with the search
//! index's own analysis of words (`IndexTerms`: lowercased, stemmed in the article's
//! language, compounds as their parts at one position), so that an alert matches the
//! articles that a search for its query would find.

use rustc_hash::FxHashMap;
use tidings_analyze::{IndexTerms, Lang};
use tidings_query::{Atom, Expr};
use unicode_segmentation::UnicodeSegmentation;

/// Positions between the headline and the body, so that no phrase spans both (the index
/// keeps them in separate fields).
const FIELD_GAP: u32 = 10_000;

/// An article's terms with their positions: what a query is evaluated against.
#[derive(Debug, Default)]
pub struct DocTerms {
    pub lang: Option<Lang>,
    positions: FxHashMap<String, Vec<u32>>,
}

impl DocTerms {
    /// The terms of a headline and a body in `lang`.
    pub fn new(terms: &IndexTerms, lang: Lang, title: &str, body: &str) -> Self {
        let mut positions: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut add = |text: &str, offset: u32| {
            terms.for_each(lang, text, |t| {
                positions.entry(t.text.to_string()).or_default().push(offset + t.position as u32);
            });
        };
        add(title, 0);
        add(body, FIELD_GAP);
        Self { lang: Some(lang), positions }
    }

    /// Every distinct term (for the percolator's lookup).
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        self.positions.keys().map(String::as_str)
    }

    fn at(&self, term: &str) -> &[u32] {
        self.positions.get(term).map_or(&[], Vec::as_slice)
    }

    /// Whether the terms of `text` (analysed in the article's language) occur in a row, the
    /// last one perhaps only as a prefix of a term.
    fn phrase(&self, terms: &IndexTerms, text: &str, prefix: bool) -> bool {
        let Some(lang) = self.lang else { return false };
        let mut query: Vec<(String, u32)> = Vec::new();
        terms.for_each(lang, text, |t| query.push((t.text.to_string(), t.position as u32)));
        if prefix {
            // The last word is matched by its lowercased form, as the index's prefix
            // query does.
            let last = text.unicode_words().next_back().map(str::to_lowercase).unwrap_or_default();
            let at = query.last().map_or(0, |(_, p)| *p);
            query.retain(|(_, p)| *p != at);
            return self.starts(&query, |start| {
                self.positions.iter().any(|(t, ps)| t.starts_with(&last) && ps.contains(&(start + at)))
            });
        }
        !query.is_empty() && self.starts(&query, |_| true)
    }

    /// Whether some start position has every `(term, offset)` of `query` at
    /// `start + offset`, and `more(start)` holds. An empty query matches at any position of
    /// any term.
    fn starts(&self, query: &[(String, u32)], more: impl Fn(u32) -> bool) -> bool {
        let Some((first, first_offset)) = query.first() else {
            return self.positions.values().flatten().any(|&p| more(p));
        };
        self.at(first)
            .iter()
            .filter_map(|p| p.checked_sub(*first_offset))
            .any(|start| query.iter().all(|(t, offset)| self.at(t).contains(&(start + offset))) && more(start))
    }
}

/// Whether the article matches the parsed query.
pub fn matches(expr: &Expr, doc: &DocTerms, terms: &IndexTerms) -> bool {
    expr.alternatives.iter().any(|parts| {
        parts.iter().any(|p| !p.exclude)
            && parts.iter().all(|part| {
                let found = match &part.atom {
                    Atom::Group(inner) => matches(inner, doc, terms),
                    Atom::Word { text, prefix } | Atom::Phrase { text, prefix } => doc.phrase(terms, text, *prefix),
                };
                found != part.exclude
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str, lang: Lang, title: &str, body: &str) -> bool {
        let terms = IndexTerms::new();
        let doc = DocTerms::new(&terms, lang, title, body);
        matches(&tidings_query::parse(query).expect("a query"), &doc, &terms)
    }

    #[test]
    fn words_phrases_exclusions_and_groups_match_as_search_does() {
        let (title, body) = ("Ferries stopped by fire", "The terminal at Kvalnes burned on Tuesday.");
        assert!(check("ferry fire", Lang::English, title, body), "stems meet");
        assert!(check("\"the terminal at kvalnes\"", Lang::English, title, body));
        assert!(!check("\"terminal kvalnes\"", Lang::English, title, body), "a phrase is words in a row");
        assert!(!check("\"fire the terminal\"", Lang::English, title, body), "no phrase across headline and body");
        assert!(!check("ferry -kvalnes", Lang::English, title, body));
        assert!(check("(storm OR fire) kvalnes", Lang::English, title, body));
        assert!(!check("storm OR flood", Lang::English, title, body));
        assert!(check("kval*", Lang::English, title, body));
        assert!(check("\"terminal at kval\"*", Lang::English, title, body));
        assert!(!check("\"terminal kval\"*", Lang::English, title, body));
    }

    #[test]
    fn compounds_are_found_by_their_parts() {
        let title = "Nytt atomvåpenprogram lagt fram";
        assert!(check("atomprogram", Lang::Bokmal, title, ""));
        assert!(check("atomvåpenprogrammet", Lang::Bokmal, title, ""));
        assert!(!check("atomkraft", Lang::Bokmal, title, ""));
    }
}
