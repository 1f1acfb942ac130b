//! Snowball stemmers (frostem) per language. Bokmål and Nynorsk share the Norwegian
//! stemmer; languages without a Snowball stemmer keep their words as they are.

use std::borrow::Cow;

use frostem::{Algorithm, Stemmer};

use crate::Lang;

pub struct Stemmers {
    by_lang: Vec<Option<Stemmer>>,
}

impl Stemmers {
    pub fn new() -> Self {
        let by_lang = crate::language::ALL_LANGS.iter().map(|l| algorithm(*l).map(Stemmer::new)).collect();
        Self { by_lang }
    }

    pub fn stem<'a>(&self, lang: Lang, word: &'a str) -> Cow<'a, str> {
        match &self.by_lang[lang as usize] {
            Some(stemmer) => stemmer.stem(word),
            None => Cow::Borrowed(word),
        }
    }
}

impl Default for Stemmers {
    fn default() -> Self {
        Self::new()
    }
}

fn algorithm(lang: Lang) -> Option<Algorithm> {
    Some(match lang {
        Lang::Bokmal | Lang::Nynorsk => Algorithm::Norwegian,
        Lang::Danish => Algorithm::Danish,
        Lang::Swedish => Algorithm::Swedish,
        Lang::English | Lang::Unknown => Algorithm::English,
        Lang::German => Algorithm::German,
        Lang::French => Algorithm::French,
        Lang::Spanish => Algorithm::Spanish,
        Lang::Italian => Algorithm::Italian,
        Lang::Dutch => Algorithm::Dutch,
        Lang::Portuguese => Algorithm::Portuguese,
        Lang::Finnish => Algorithm::Finnish,
        Lang::Russian => Algorithm::Russian,
        Lang::Greek => Algorithm::Greek,
        Lang::Polish | Lang::Icelandic => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_inflections_together() {
        let s = Stemmers::new();
        assert_eq!(s.stem(Lang::Bokmal, "regjeringen"), s.stem(Lang::Bokmal, "regjeringens"));
        assert_eq!(s.stem(Lang::English, "meetings"), s.stem(Lang::English, "meeting"));
        assert_eq!(s.stem(Lang::German, "treffen"), s.stem(Lang::German, "treffens"));
        assert_eq!(s.stem(Lang::Polish, "spotkanie"), "spotkanie");
    }
}
