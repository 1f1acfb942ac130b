//! Property tests for the analyzer: any text is analyzed without panicking, the same
//! article always gives the same analysis, and name keys are stable.

use std::sync::Arc;

use proptest::prelude::*;
use tidings_analyze::{Analyzer, name_key};
use tidings_article::{Article, Origin};

fn article(title: String, text: String, lang: Option<String>) -> Article {
    Article {
        id: "p".into(),
        published: None,
        title,
        text,
        lang,
        source: None,
        url: None,
        section: None,
        origin: Origin::new(Arc::from("p"), None),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn analysis_never_panics_and_is_deterministic(
        title in "\\PC{0,60}",
        text in "(\\PC|[A-ZÆØÅ][a-zæøå]+ |[0-9]+[.,][0-9] |: |\n){0,120}",
        lang in prop::option::of("(nb|nn|no|en|de|sv|xx|)"),
    ) {
        let analyzer = Analyzer::new();
        let a = article(title, text, lang);
        let first = analyzer.analyze(&a);
        let second = analyzer.analyze(&a);
        prop_assert_eq!(&first.body_terms, &second.body_terms);
        prop_assert_eq!(&first.entities, &second.entities);
        prop_assert!(first.body_terms.windows(2).all(|w| w[0].hash < w[1].hash), "terms sorted and unique");
        prop_assert!(first.body_terms.iter().all(|t| t.weight > 0.0 && t.weight.is_finite()));
    }

    #[test]
    fn name_keys_ignore_case_and_are_plain_letters(name in "[A-Za-zÆØÅæøåÄÖÜäöüéèñç' -]{0,30}") {
        let key = name_key(&name);
        prop_assert_eq!(name_key(&name.to_uppercase()), key.clone());
        prop_assert!(key.chars().all(|c| c.is_ascii_lowercase() || c == ' '), "{key:?}");
        prop_assert!(!key.contains("  ") && !key.starts_with(' ') && !key.ends_with(' '));
    }

    #[test]
    fn name_keys_never_panic(name in "\\PC{0,40}") {
        let _ = name_key(&name);
    }
}
