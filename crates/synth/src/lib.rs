//! Synth: synthetic news corpora for benchmarks.
//!
//! Articles have realistic shapes (headlines of 6–14 words, bodies of 300–800 words),
//! words drawn from a Zipf-distributed vocabulary per language mixed with each language's
//! function words, and events: bursts of articles over a day or two that share event
//! words and names. The stream is in publication order and reproducible from its seed;
//! each article carries the event it was generated from as its gold story.

mod copies;

use std::sync::Arc;

use tidings_article::{Article, Origin, Precision, Published};

pub use copies::{CopyCorpus, CopyText, Edit};

/// A small, fast, reproducible random source (SplitMix64); no dependency needed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

struct LanguageModel {
    code: &'static str,
    function_words: &'static [&'static str],
    syllables: &'static [&'static str],
}

const LANGUAGES: &[LanguageModel] = &[
    LanguageModel {
        code: "nb",
        function_words: &[
            "og", "i", "det", "som", "på", "er", "en", "til", "at", "av", "for", "med", "har", "ikke", "de", "den",
            "var", "om", "etter", "fra",
        ],
        syllables: &[
            "ber", "gen", "sk", "rik", "tor", "var", "heim", "stad", "lig", "ning", "fjor", "dal", "mø", "tet", "for",
            "sla", "ord", "før", "bro", "ske",
        ],
    },
    LanguageModel {
        code: "nn",
        function_words: &[
            "og", "i", "det", "som", "på", "er", "ein", "til", "at", "av", "for", "med", "har", "ikkje", "dei", "den",
            "var", "om", "etter", "frå",
        ],
        syllables: &[
            "heim", "fjell", "bygd", "lag", "ing", "tun", "vik", "sjø", "da", "len", "kyr", "kje", "ord", "før", "ar",
            "ane", "sko", "ver", "nad", "stø",
        ],
    },
    LanguageModel {
        code: "en",
        function_words: &[
            "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "was", "with", "as", "by", "at", "from",
            "it", "his", "her", "their",
        ],
        syllables: &[
            "con", "tion", "ment", "pro", "ver", "ing", "ate", "der", "ble", "com", "ter", "est", "pre", "sion", "ly",
            "al", "ous", "port", "trans", "er",
        ],
    },
    LanguageModel {
        code: "de",
        function_words: &[
            "der", "die", "und", "in", "den", "von", "zu", "das", "mit", "sich", "des", "auf", "für", "ist", "im",
            "dem", "nicht", "ein", "eine", "als",
        ],
        syllables: &[
            "ver", "ung", "schaft", "ge", "lich", "keit", "ein", "ber", "stadt", "gen", "haus", "zeit", "wer", "bau",
            "richt", "land", "sch", "ten", "heit", "tag",
        ],
    },
    LanguageModel {
        code: "sv",
        function_words: &[
            "och", "i", "att", "det", "som", "en", "på", "är", "av", "för", "med", "till", "den", "har", "inte", "de",
            "om", "ett", "var", "efter",
        ],
        syllables: &[
            "för", "ning", "het", "sk", "lig", "stad", "berg", "vik", "tion", "and", "ar", "sjö", "gård", "ska", "kom",
            "byg", "rät", "vä", "tå", "mö",
        ],
    },
    LanguageModel {
        code: "fr",
        function_words: &[
            "le", "la", "de", "et", "les", "des", "en", "un", "une", "du", "dans", "pour", "que", "qui", "sur", "par",
            "au", "avec", "est", "pas",
        ],
        syllables: &[
            "tion", "ment", "con", "pre", "eur", "ais", "elle", "ou", "vie", "ter", "ris", "que", "lan", "ble", "mon",
            "ré", "ville", "é", "gou", "ne",
        ],
    },
];

/// Vocabulary size per language: large enough that Zipf's tail is long.
const VOCABULARY: usize = 50_000;
/// Share of an event article's content words that come from the event's own words.
const EVENT_WORD_SHARE: f64 = 0.3;

struct Event {
    id: u64,
    lang: usize,
    words: Vec<u32>,
    names: Vec<String>,
    start: i64,
    remaining: u32,
}

/// An endless, reproducible stream of synthetic articles in publication order.
pub struct Generator {
    rng: Rng,
    headlines_only: bool,
    vocab: Vec<Vec<String>>,
    zipf: Vec<f64>,
    events: Vec<Event>,
    next_event: u64,
    produced: u64,
    clock: i64,
    seconds_per_article: i64,
    origin: Arc<str>,
}

impl Generator {
    /// `per_day` articles per simulated day (10,000 by default in benchmarks).
    pub fn new(seed: u64, headlines_only: bool, per_day: u64) -> Self {
        let mut rng = Rng::new(seed);
        let vocab = LANGUAGES.iter().map(|l| build_vocabulary(&mut rng, l)).collect();
        let zipf = zipf_cdf(VOCABULARY);
        Self {
            rng,
            headlines_only,
            vocab,
            zipf,
            events: Vec::new(),
            next_event: 0,
            produced: 0,
            clock: 1_700_000_000,
            seconds_per_article: (86_400 / per_day.max(1)).max(1) as i64,
            origin: Arc::from("synthetic"),
        }
    }

    fn zipf_word(&mut self) -> u32 {
        let u = (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        self.zipf.partition_point(|&c| c < u).min(VOCABULARY - 1) as u32
    }

    fn new_event(&mut self) -> Event {
        let lang = self.rng.below(LANGUAGES.len() as u64) as usize;
        let words = (0..40).map(|_| self.rng.below(VOCABULARY as u64 / 2) as u32 + VOCABULARY as u32 / 2).collect();
        let names = (0..self.rng.range(2, 5)).map(|_| self.name()).collect();
        let size = 1 + self.rng.below(40) as u32;
        self.next_event += 1;
        Event { id: self.next_event, lang, words, names, start: self.clock, remaining: size }
    }

    fn name(&mut self) -> String {
        let syll = ["Ka", "Mo", "Ri", "Sten", "Ber", "Lun", "Hau", "Vik", "Al", "Dra", "Nes", "Ol", "Tor", "Ek", "Sa"];
        let mut part = || {
            let n = self.rng.range(2, 3);
            let mut s: String = (0..n).map(|_| syll[self.rng.below(syll.len() as u64) as usize]).collect();
            s = s.to_lowercase();
            let mut c = s.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        };
        format!("{} {}", part(), part())
    }

    /// Appends a sentence of `words` words (a name counts as one) to `out`, capitalised.
    /// Writes into one buffer: a string per word made generating a benchmark's articles
    /// (outside its clock) take about a fifth of the run's CPU time.
    fn sentence(&mut self, event: usize, words: usize, out: &mut String) {
        let lang = self.events[event].lang;
        let start = out.len();
        for i in 0..words {
            if i > 0 {
                out.push(' ');
            }
            if self.rng.chance(0.35) {
                let f = LANGUAGES[lang].function_words;
                out.push_str(f[self.rng.below(f.len() as u64) as usize]);
            } else if self.rng.chance(0.04) {
                let n = self.events[event].names.len() as u64;
                let pick = self.rng.below(n) as usize;
                out.push_str(&self.events[event].names[pick]);
            } else if self.rng.chance(0.02) {
                let number = self.rng.range(2, 2030);
                out.push_str(&number.to_string());
            } else {
                let idx = if self.rng.chance(EVENT_WORD_SHARE) {
                    let n = self.events[event].words.len() as u64;
                    let pick = self.rng.below(n) as usize;
                    self.events[event].words[pick]
                } else {
                    self.zipf_word()
                };
                out.push_str(&self.vocab[lang][idx as usize]);
            }
        }
        capitalise_from(out, start);
    }

    /// The next article and its gold story label.
    pub fn next_labelled(&mut self) -> (Article, u64) {
        // Keep a pool of concurrent events; retire exhausted ones.
        self.events.retain(|e| e.remaining > 0);
        while self.events.len() < 60 {
            let e = self.new_event();
            self.events.push(e);
        }
        let idx = self.rng.below(self.events.len() as u64) as usize;
        self.events[idx].remaining -= 1;
        self.clock += self.seconds_per_article;
        self.produced += 1;
        let title_words = self.rng.range(6, 14) as usize;
        // Names are two words: trim the headline back to its drawn length.
        let mut title = String::new();
        self.sentence(idx, title_words, &mut title);
        if let Some((end, _)) = title.match_indices(' ').nth(title_words - 1) {
            title.truncate(end);
        }
        let text = if self.headlines_only {
            String::new()
        } else {
            let target = self.rng.range(300, 800) as usize;
            let mut body = String::with_capacity(target * 8);
            let mut written = 0;
            while written < target {
                let n = (self.rng.range(8, 24) as usize).min(target - written).max(1);
                self.sentence(idx, n, &mut body);
                body.push_str(if self.rng.chance(0.2) { ".\n" } else { ". " });
                written += n;
            }
            body
        };
        let event = &self.events[idx];
        let at = jiff::Timestamp::from_second(self.clock.max(event.start)).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let article = Article {
            id: format!("g{}", self.produced),
            published: Some(Published { at, precision: Precision::Instant }),
            title,
            text,
            lang: Some(LANGUAGES[event.lang].code.to_string()),
            source: Some(format!("outlet{}.example", self.rng.below(200))),
            url: None,
            section: None,
            origin: Origin::new(self.origin.clone(), Some(self.produced)),
        };
        (article, event.id)
    }
}

impl Iterator for Generator {
    type Item = Article;

    fn next(&mut self) -> Option<Article> {
        Some(self.next_labelled().0)
    }
}

/// Upper-cases the first character of `s[start..]`.
fn capitalise_from(s: &mut String, start: usize) {
    let Some(first) = s[start..].chars().next() else { return };
    if !first.is_uppercase() {
        let upper: String = first.to_uppercase().collect();
        s.replace_range(start..start + first.len_utf8(), &upper);
    }
}

fn build_vocabulary(rng: &mut Rng, lang: &LanguageModel) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut words = Vec::with_capacity(VOCABULARY);
    while words.len() < VOCABULARY {
        let n = rng.range(2, 4);
        let w: String = (0..n).map(|_| lang.syllables[rng.below(lang.syllables.len() as u64) as usize]).collect();
        let w = if seen.contains(&w) { format!("{w}{}", words.len() % 97) } else { w };
        if seen.insert(w.clone()) {
            words.push(w);
        }
    }
    words
}

/// Cumulative Zipf distribution (s = 1) over `n` ranks.
fn zipf_cdf(n: usize) -> Vec<f64> {
    let mut acc = 0.0;
    let mut cdf: Vec<f64> = (1..=n)
        .map(|r| {
            acc += 1.0 / r as f64;
            acc
        })
        .collect();
    for c in &mut cdf {
        *c /= acc;
    }
    cdf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_have_realistic_shapes_and_order() {
        let mut g = Generator::new(7, false, 10_000);
        let mut last = None;
        for _ in 0..200 {
            let (a, _) = g.next_labelled();
            let title_words = a.title.split_whitespace().count();
            let body_words = a.text.split_whitespace().count();
            assert!((6..=14).contains(&title_words), "{title_words}");
            assert!((300..=880).contains(&body_words), "{body_words}");
            let t = a.published.unwrap();
            assert!(last.is_none_or(|l| l <= t));
            last = Some(t);
        }
    }

    #[test]
    fn same_seed_same_stream() {
        let a: Vec<String> = Generator::new(3, true, 10_000).take(50).map(|a| a.title).collect();
        let b: Vec<String> = Generator::new(3, true, 10_000).take(50).map(|a| a.title).collect();
        assert_eq!(a, b);
        assert!(Generator::new(3, true, 10_000).take(5).all(|a| a.text.is_empty()));
    }
}
