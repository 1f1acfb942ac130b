//! The percolator: saved alerts indexed by a term or name each must contain, so that an
//! article is checked against the few alerts it could match, not against all of them.
//!
//! Each alert is filed under one *anchor* that every matching article contains: the
//! entity's key, else for each alternative of its query (`a OR b`) the longest term of a
//! word or phrase that alternative requires (long words are rarer), analysed in every
//! language, since the article's language decides how a word is stemmed. An alert with no
//! such anchor (only a prefix, only a language or outlet) is checked against every article;
//! those are few and cheap.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};
use tidings_analyze::{Entity, EntityKind, IndexTerms, Lang, name_key};
use tidings_query::{Atom, Expr};

use crate::definition::Alert;
use crate::matcher::{CompiledQuery, DocTerms, find_anchors, lang_index, term_hash};

/// An alert's id in the store.
pub type AlertId = i64;

/// What the percolator needs of an article.
pub struct ArticleView<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub lang: Lang,
    pub source: Option<&'a str>,
    pub entities: &'a [Entity],
}

struct Compiled {
    id: AlertId,
    expr: Option<Expr>,
    /// The query analysed per language (`Lang::all()` order), on first use.
    by_lang: Vec<OnceLock<CompiledQuery>>,
    entity_key: Option<String>,
    langs: Vec<Lang>,
    /// Lowercased.
    source: Option<String>,
}

/// The alerts of a store, ready to match articles against.
pub struct Percolator {
    alerts: Vec<Compiled>,
    /// Per language (in `Lang::all()` order): anchor term's hash → alerts (positions in
    /// `alerts`).
    by_term: Vec<FxHashMap<u64, Vec<usize>>>,
    /// Per language: the bytes of the shortest anchor term (articles' shorter words are
    /// not looked up).
    shortest_anchor: Vec<usize>,
    by_entity: FxHashMap<String, Vec<usize>>,
    always: Vec<usize>,
    terms: IndexTerms,
    /// Whether any alert has a query (then articles' terms are needed).
    queries: bool,
    /// Whether any query has a prefix (then the terms' text is needed too).
    prefixes: bool,
}

impl Percolator {
    /// Compiles saved alerts; an alert whose query no longer parses is left out (with a
    /// warning from the caller: alerts are validated when saved).
    pub fn new(alerts: &[(AlertId, Alert)]) -> Self {
        let terms = IndexTerms::new();
        let mut p = Percolator {
            alerts: Vec::new(),
            by_term: vec![FxHashMap::default(); Lang::all().len()],
            shortest_anchor: vec![usize::MAX; Lang::all().len()],
            by_entity: FxHashMap::default(),
            always: Vec::new(),
            terms,
            queries: false,
            prefixes: false,
        };
        for (id, alert) in alerts {
            let expr = match alert.query.as_deref().map(tidings_query::parse).transpose() {
                Ok(expr) => expr,
                Err(_) => continue,
            };
            p.queries |= expr.is_some();
            p.prefixes |= alert.query.as_deref().is_some_and(|q| q.contains('*'));
            let compiled = Compiled {
                id: *id,
                by_lang: (0..Lang::all().len()).map(|_| OnceLock::new()).collect(),
                expr,
                entity_key: alert.entity.as_deref().map(name_key),
                langs: alert.langs.iter().map(|l| Lang::from_code(l)).collect(),
                source: alert.source.as_deref().map(str::to_lowercase),
            };
            p.file(compiled);
        }
        p
    }

    pub fn is_empty(&self) -> bool {
        self.alerts.is_empty()
    }

    pub fn len(&self) -> usize {
        self.alerts.len()
    }

    /// Files an alert under its anchors.
    fn file(&mut self, alert: Compiled) {
        let at = self.alerts.len();
        if let Some(key) = &alert.entity_key {
            self.by_entity.entry(key.clone()).or_default().push(at);
        } else if let Some(anchors) = alert.expr.as_ref().and_then(anchor_words) {
            for (i, lang) in Lang::all().iter().enumerate() {
                let mut filed = FxHashSet::default();
                for word in &anchors {
                    let mut longest: Option<String> = None;
                    self.terms.for_each(*lang, word, |t| {
                        if longest.as_ref().is_none_or(|l| t.text.chars().count() > l.chars().count()) {
                            longest = Some(t.text.to_string());
                        }
                    });
                    if let Some(term) = longest
                        && filed.insert(term.clone())
                    {
                        self.shortest_anchor[i] = self.shortest_anchor[i].min(term.len());
                        self.by_term[i].entry(term_hash(&term)).or_default().push(at);
                    }
                }
            }
        } else {
            self.always.push(at);
        }
        self.alerts.push(alert);
    }

    /// The alerts an article matches, in the order they were given.
    pub fn matches(&self, a: &ArticleView<'_>) -> Vec<AlertId> {
        let lang_index = lang_index(a.lang);
        let mut candidates: Vec<usize> = self.always.clone();
        for e in a.entities {
            candidates.extend(self.by_entity.get(&e.key).into_iter().flatten());
            if e.kind == EntityKind::Person
                && let Some((_, surname)) = e.key.rsplit_once(' ')
            {
                candidates.extend(self.by_entity.get(surname).into_iter().flatten());
            }
        }
        let index = &self.by_term[lang_index];
        let scanned = self.queries && !index.is_empty();
        if scanned {
            find_anchors(&self.terms, a.lang, (a.title, a.body), self.shortest_anchor[lang_index], |term| {
                if let Some(alerts) = index.get(&term) {
                    candidates.extend(alerts);
                }
            });
        }
        if candidates.is_empty() {
            return Vec::new();
        }
        // Alerts found by name or checked against every article need the terms too; so do
        // prefixes, with their text.
        let doc = match (self.queries, scanned && !self.prefixes) {
            (false, _) => None,
            (true, true) => Some(DocTerms::of_anchored(&self.terms, a.lang, (a.title, a.body))),
            (true, false) => Some(DocTerms::new(&self.terms, a.lang, a.title, a.body, self.prefixes)),
        };
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .filter(|&i| self.holds(&self.alerts[i], a, doc.as_ref()))
            .map(|i| self.alerts[i].id)
            .collect()
    }

    /// Whether every filter of the alert holds for the article.
    fn holds(&self, c: &Compiled, a: &ArticleView<'_>, doc: Option<&DocTerms>) -> bool {
        if !c.langs.is_empty() && !c.langs.contains(&a.lang) {
            return false;
        }
        if let Some(s) = &c.source
            && a.source.is_none_or(|mine| mine.to_lowercase() != *s)
        {
            return false;
        }
        if let Some(key) = &c.entity_key
            && !a.entities.iter().any(|e| names(e, key))
        {
            return false;
        }
        match (&c.expr, doc) {
            (Some(expr), Some(doc)) => {
                c.by_lang[lang_index(a.lang)].get_or_init(|| CompiledQuery::new(expr, a.lang, &self.terms)).matches(doc)
            }
            (Some(_), None) => false,
            (None, _) => true,
        }
    }
}

/// Whether an article's entity is the alert's: the same key, or for a person, the
/// surname alone (*Støre* follows *Jonas Gahr Støre*).
fn names(e: &Entity, key: &str) -> bool {
    e.key == key || (e.kind == EntityKind::Person && e.key.rsplit_once(' ').is_some_and(|(_, last)| last == key))
}

/// One required word or phrase of each alternative of the query (the longest), or `None`
/// when an alternative requires none (a prefix, or only groups).
fn anchor_words(expr: &Expr) -> Option<Vec<String>> {
    expr.alternatives
        .iter()
        .map(|parts| {
            parts
                .iter()
                .filter(|p| !p.exclude)
                .filter_map(|p| match &p.atom {
                    Atom::Word { text, prefix: false } | Atom::Phrase { text, prefix: false } => Some(text),
                    _ => None,
                })
                .max_by_key(|t| t.chars().count())
                .cloned()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::{DEFAULT_EVERY_SECONDS, Trigger};
    use tidings_analyze::words;

    fn alert(name: &str) -> Alert {
        Alert {
            name: name.into(),
            query: None,
            entity: None,
            langs: Vec::new(),
            source: None,
            min_articles: 2,
            trigger: Trigger::NewStory,
            every_seconds: DEFAULT_EVERY_SECONDS,
            webhook: None,
        }
    }

    fn person(name: &str) -> Entity {
        Entity { text: name.into(), name: name.into(), key: name_key(name), kind: EntityKind::Person, salience: 1.0 }
    }

    #[test]
    fn each_filter_must_hold_and_the_index_finds_every_match() {
        let alerts = vec![
            (1, Alert { query: Some("ferry fire".into()), ..alert("fire") }),
            (2, Alert { query: Some("storm OR ferje".into()), langs: vec!["nb".into()], ..alert("storm") }),
            (3, Alert { entity: Some("Jonas Gahr Støre".into()), ..alert("pm") }),
            (4, Alert { entity: Some("Støre".into()), ..alert("surname") }),
            (5, Alert { source: Some("Kystposten".into()), ..alert("outlet") }),
            (6, Alert { query: Some("kval*".into()), ..alert("prefix") }),
        ];
        let p = Percolator::new(&alerts);
        let pm = [person("Jonas Gahr Støre")];
        let fire = view("Fire closes the ferry quay at Kvalnes", Lang::English, None, &[]);
        assert_eq!(p.matches(&fire), [1, 6]);
        let storm = view("Ferjene står etter storm", Lang::Bokmal, Some("kystposten"), &[]);
        assert_eq!(p.matches(&storm), [2, 5]);
        assert_eq!(p.matches(&view("Storm stops ferries", Lang::English, None, &[])), Vec::<i64>::new());
        assert_eq!(p.matches(&view("Statsministeren talte", Lang::Bokmal, None, &pm)), [3, 4]);
    }

    fn view<'a>(title: &'a str, lang: Lang, source: Option<&'a str>, entities: &'a [Entity]) -> ArticleView<'a> {
        ArticleView { title, body: "", lang, source, entities }
    }

    /// The index skips short words and unlikely alerts; it must still find exactly what
    /// checking every alert against every article finds.
    #[test]
    fn the_index_finds_what_checking_every_alert_finds() {
        let sample = concat!(
            include_str!("../../../examples/news/norsk.jsonl"),
            include_str!("../../../examples/news/international.jsonl"),
        );
        let articles: Vec<(String, String, Lang)> = sample
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .map(|a| {
                let text = |k: &str| a[k].as_str().unwrap_or_default().to_string();
                (text("title"), text("text"), Lang::from_code(&text("lang")))
            })
            .collect();
        let mut vocabulary: Vec<&str> = articles.iter().flat_map(|(t, b, _)| words(t).chain(words(b))).collect();
        vocabulary.sort_unstable();
        vocabulary.dedup();
        let picked: Vec<&str> = vocabulary.iter().step_by(29).copied().collect();
        let mut queries: Vec<String> =
            ["i", "og", "EU", "to OR fra", "\"i Oslo\"", "the -og"].map(String::from).to_vec();
        for pair in picked.windows(2) {
            queries.extend([
                pair[0].to_string(),
                format!("{} {}", pair[0], pair[1]),
                format!("{} OR {}", pair[0], pair[1]),
            ]);
        }
        let alerts: Vec<(AlertId, Alert)> = queries
            .iter()
            .enumerate()
            .map(|(i, q)| (i as AlertId, Alert { query: Some(q.clone()), ..alert("q") }))
            .collect();
        let p = Percolator::new(&alerts);
        let terms = IndexTerms::new();
        let exprs: Vec<Expr> = queries.iter().map(|q| tidings_query::parse(q).expect("parses")).collect();
        let mut matched = 0;
        for (title, body, lang) in &articles {
            let doc = DocTerms::new(&terms, *lang, title, body, false);
            let each: Vec<AlertId> = (0..exprs.len() as AlertId)
                .filter(|i| CompiledQuery::new(&exprs[*i as usize], *lang, &terms).matches(&doc))
                .collect();
            let view = ArticleView { title, body, lang: *lang, source: None, entities: &[] };
            assert_eq!(p.matches(&view), each, "{title}");
            matched += each.len();
        }
        assert!(matched > articles.len(), "the alerts match something ({matched})");
    }

    #[test]
    fn anchors_come_from_every_alternative_or_none() {
        let q = |s: &str| anchor_words(&tidings_query::parse(s).expect("parses"));
        assert_eq!(q("ferry fire"), Some(vec!["ferry".to_string()]));
        assert_eq!(q("fire OR \"ferry quay\""), Some(vec!["fire".to_string(), "ferry quay".to_string()]));
        assert_eq!(q("kval* OR fire"), None);
    }
}
