//! Stop words: the Snowball lists (as distributed with NLTK, via the `stop-words` crate)
//! plus a few words every news article repeats (reporting verbs, agency names), which
//! would otherwise make unrelated articles look alike.

use rustc_hash::FxHashSet;

use crate::Lang;

/// Words that news text repeats in every story, per language family.
const NEWS_EXTRA: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "said",
            "says",
            "say",
            "told",
            "also",
            "would",
            "could",
            "according",
            "will",
            "mr",
            "mrs",
            "ms",
            "one",
            "like",
            "just",
            "new",
            "news",
            "reported",
            "reports",
            "reuters",
            "ap",
            "afp",
            "percent",
            "per",
            "cent",
            "inc",
            "update",
            "live",
            "video",
            "photos",
            "watch",
        ],
    ),
    (
        "no",
        &[
            "sier", "seier", "sa", "sagt", "også", "òg", "óg", "ogso", "bl", "ca", "kl", "ntb", "nrk", "får", "fått",
            "går", "gikk", "kommer", "mener", "prosent", "må", "kunne", "gjør", "ifølge", "iflg",
        ],
    ),
    ("da", &["siger", "sagde", "sagt", "også", "ritzau", "procent", "ifølge", "får", "går"]),
    ("sv", &["säger", "sade", "sa", "sagt", "också", "enligt", "tt", "procent", "får", "går"]),
    ("de", &["sagte", "sagt", "sagen", "sei", "dpa", "afp", "prozent", "laut", "worden", "wurde", "wurden"]),
];

/// Words of a text that take part in the language vote.
const VOTING_WORDS: usize = 60;

pub struct StopWords {
    sets: Vec<FxHashSet<&'static str>>,
    /// For each stop word, a bit per language whose list has it (for voting).
    membership: rustc_hash::FxHashMap<&'static str, u32>,
}

impl StopWords {
    pub fn new() -> Self {
        let sets = crate::language::ALL_LANGS
            .iter()
            .map(|lang| {
                let code = list_code(*lang);
                let mut set: FxHashSet<&'static str> = FxHashSet::default();
                if let Some(words) = code.and_then(stop_words::lookup) {
                    set.extend(words.iter().copied());
                }
                for (c, extra) in NEWS_EXTRA {
                    if Some(*c) == code {
                        set.extend(extra.iter().copied());
                    }
                }
                set
            })
            .collect::<Vec<FxHashSet<&'static str>>>();
        let mut membership = rustc_hash::FxHashMap::default();
        for (lang, set) in crate::language::ALL_LANGS.iter().zip(&sets) {
            // Unknown borrows English's list; it must not vote.
            if *lang == Lang::Unknown {
                continue;
            }
            for w in set {
                *membership.entry(*w).or_insert(0u32) |= 1 << (*lang as u32);
            }
        }
        Self { sets, membership }
    }

    /// Stop-word hits per language (indexed by `Lang`) among the first words of `text`.
    pub fn votes(&self, text: &str) -> Vec<u32> {
        let mut votes = vec![0u32; crate::language::ALL_LANGS.len()];
        let mut lower = String::new();
        for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).take(VOTING_WORDS) {
            lower.clear();
            lower.extend(word.chars().flat_map(char::to_lowercase));
            if let Some(&bits) = self.membership.get(lower.as_str()) {
                for (i, v) in votes.iter_mut().enumerate() {
                    *v += (bits >> i) & 1;
                }
            }
        }
        votes
    }

    /// Whether `word` (lowercase) is a stop word in `lang`. Unknown languages use English,
    /// the most likely language of stray text.
    pub fn contains(&self, lang: Lang, word: &str) -> bool {
        self.sets[lang as usize].contains(word)
    }
}

impl Default for StopWords {
    fn default() -> Self {
        Self::new()
    }
}

/// The list a language uses: Norwegian's Snowball list covers Bokmål and Nynorsk.
fn list_code(lang: Lang) -> Option<&'static str> {
    Some(match lang {
        Lang::Bokmal | Lang::Nynorsk => "no",
        Lang::Unknown => "en",
        Lang::Polish | Lang::Icelandic => return None,
        other => other.code(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snowball_lists_and_news_words() {
        let s = StopWords::new();
        assert!(s.contains(Lang::Bokmal, "og") && s.contains(Lang::Nynorsk, "ikkje"));
        assert!(s.contains(Lang::Bokmal, "sier"));
        assert!(s.contains(Lang::English, "said") && s.contains(Lang::English, "the"));
        assert!(s.contains(Lang::German, "und"));
        // Content words that the ISO Norwegian list wrongly contains are not stop words here.
        assert!(!s.contains(Lang::Bokmal, "arbeid") && !s.contains(Lang::Bokmal, "tid"));
    }
}
