//! Language identification. Norwegian comes first: Bokmål and Nynorsk are told apart,
//! and both from Danish and Swedish, by lingua's models restricted to the languages
//! tidings stems; Cyrillic and Greek script decide their language without a model.

use std::sync::OnceLock;

use lingua::{Language as L, LanguageDetector, LanguageDetectorBuilder};
use serde::Serialize;

/// The languages the analyzer knows (stop words, stemmer, decompounding), plus `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Lang {
    Bokmal,
    Nynorsk,
    Danish,
    Swedish,
    English,
    German,
    French,
    Spanish,
    Italian,
    Dutch,
    Portuguese,
    Finnish,
    Polish,
    Russian,
    Greek,
    Icelandic,
    Unknown,
}

const ALL: [(Lang, L); 16] = [
    (Lang::Bokmal, L::Bokmal),
    (Lang::Nynorsk, L::Nynorsk),
    (Lang::Danish, L::Danish),
    (Lang::Swedish, L::Swedish),
    (Lang::English, L::English),
    (Lang::German, L::German),
    (Lang::French, L::French),
    (Lang::Spanish, L::Spanish),
    (Lang::Italian, L::Italian),
    (Lang::Dutch, L::Dutch),
    (Lang::Portuguese, L::Portuguese),
    (Lang::Finnish, L::Finnish),
    (Lang::Polish, L::Polish),
    (Lang::Russian, L::Russian),
    (Lang::Greek, L::Greek),
    (Lang::Icelandic, L::Icelandic),
];

/// Every `Lang`, indexed by its discriminant (for per-language tables).
pub(crate) const ALL_LANGS: [Lang; 17] = [
    Lang::Bokmal,
    Lang::Nynorsk,
    Lang::Danish,
    Lang::Swedish,
    Lang::English,
    Lang::German,
    Lang::French,
    Lang::Spanish,
    Lang::Italian,
    Lang::Dutch,
    Lang::Portuguese,
    Lang::Finnish,
    Lang::Polish,
    Lang::Russian,
    Lang::Greek,
    Lang::Icelandic,
    Lang::Unknown,
];

impl Lang {
    /// The ISO 639-1 code used in outputs (`nb`, `nn`, `en`, …; `und` when unknown).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Bokmal => "nb",
            Lang::Nynorsk => "nn",
            Lang::Danish => "da",
            Lang::Swedish => "sv",
            Lang::English => "en",
            Lang::German => "de",
            Lang::French => "fr",
            Lang::Spanish => "es",
            Lang::Italian => "it",
            Lang::Dutch => "nl",
            Lang::Portuguese => "pt",
            Lang::Finnish => "fi",
            Lang::Polish => "pl",
            Lang::Russian => "ru",
            Lang::Greek => "el",
            Lang::Icelandic => "is",
            Lang::Unknown => "und",
        }
    }

    /// Reads a language hint: ISO 639-1/639-3 codes, with regions (`en-US`, `nb_NO`);
    /// `no`/`nor` means Norwegian without saying which written standard.
    pub fn from_hint(hint: &str) -> Option<Hint> {
        let base = hint.trim().to_ascii_lowercase();
        let base = base.split(['-', '_']).next().unwrap_or("");
        let lang = match base {
            "no" | "nor" => return Some(Hint::Norwegian),
            "nb" | "nob" => Lang::Bokmal,
            "nn" | "nno" => Lang::Nynorsk,
            "da" | "dan" => Lang::Danish,
            "sv" | "swe" => Lang::Swedish,
            "en" | "eng" => Lang::English,
            "de" | "deu" | "ger" => Lang::German,
            "fr" | "fra" | "fre" => Lang::French,
            "es" | "spa" => Lang::Spanish,
            "it" | "ita" => Lang::Italian,
            "nl" | "nld" | "dut" => Lang::Dutch,
            "pt" | "por" => Lang::Portuguese,
            "fi" | "fin" => Lang::Finnish,
            "pl" | "pol" => Lang::Polish,
            "ru" | "rus" => Lang::Russian,
            "el" | "ell" | "gre" => Lang::Greek,
            "is" | "isl" | "ice" => Lang::Icelandic,
            _ => return None,
        };
        Some(Hint::Exact(lang))
    }

    /// Languages written with compounds that are closed up (one word), where splitting a
    /// compound into its parts lets *atomvåpenprogram* meet *atomprogram*.
    pub fn compounds(self) -> bool {
        matches!(self, Lang::Bokmal | Lang::Nynorsk | Lang::Danish | Lang::Swedish | Lang::German | Lang::Icelandic)
    }

    fn from_lingua(l: L) -> Lang {
        ALL.iter().find(|(_, x)| *x == l).map_or(Lang::Unknown, |(lang, _)| *lang)
    }
}

/// What a source claims about an article's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Exact(Lang),
    /// `no`: Bokmål or Nynorsk, to be decided from the text.
    Norwegian,
}

/// The identified language and how sure the identifier is (0–1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Identified {
    pub lang: Lang,
    pub confidence: f32,
}

/// Only the start of a text is examined: a few hundred characters are enough to tell
/// the language, and lingua's cost grows with the length.
const SAMPLE_BYTES: usize = 400;

/// A hint is honoured when the text does not clearly contradict it: its language must
/// get at least this share of the confidence of the best language.
const HINT_PLAUSIBILITY: f64 = 0.25;

fn detector() -> &'static LanguageDetector {
    static DETECTOR: OnceLock<LanguageDetector> = OnceLock::new();
    DETECTOR.get_or_init(|| {
        let languages: Vec<L> = ALL.iter().map(|(_, l)| *l).collect();
        LanguageDetectorBuilder::from_languages(&languages).with_preloaded_language_models().build()
    })
}

/// Identifies the language of `text`, honouring `hint` when the text makes it plausible.
pub fn identify(text: &str, hint: Option<&str>) -> Identified {
    let sample = sample(text);
    if let Some(lang) = script_language(sample) {
        return Identified { lang, confidence: 1.0 };
    }
    let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
    let hint = hint.and_then(Lang::from_hint);
    if letters < 3 {
        return match hint {
            Some(Hint::Exact(lang)) => Identified { lang, confidence: 0.0 },
            Some(Hint::Norwegian) => Identified { lang: Lang::Bokmal, confidence: 0.0 },
            None => Identified { lang: Lang::Unknown, confidence: 0.0 },
        };
    }
    let values = detector().compute_language_confidence_values(sample);
    let Some(&(best, best_conf)) = values.first() else {
        return Identified { lang: Lang::Unknown, confidence: 0.0 };
    };
    let conf_of = |lang: Lang| {
        values.iter().find(|(l, _)| Lang::from_lingua(*l) == lang).map_or(0.0, |(_, c)| *c)
    };
    let chosen = match hint {
        Some(Hint::Exact(lang)) if conf_of(lang) >= HINT_PLAUSIBILITY * best_conf => Some(lang),
        Some(Hint::Norwegian) => {
            let (nb, nn) = (conf_of(Lang::Bokmal), conf_of(Lang::Nynorsk));
            let (lang, conf) = if nn > nb { (Lang::Nynorsk, nn) } else { (Lang::Bokmal, nb) };
            (conf >= HINT_PLAUSIBILITY * best_conf).then_some(lang)
        }
        _ => None,
    };
    match chosen {
        Some(lang) => Identified { lang, confidence: conf_of(lang) as f32 },
        None => Identified { lang: Lang::from_lingua(best), confidence: best_conf as f32 },
    }
}

fn sample(text: &str) -> &str {
    if text.len() <= SAMPLE_BYTES {
        return text;
    }
    let mut end = SAMPLE_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // End on a word boundary so that the last word is not cut into a non-word.
    match text[..end].rfind(char::is_whitespace) {
        Some(ws) if ws > SAMPLE_BYTES / 2 => &text[..ws],
        _ => &text[..end],
    }
}

/// Cyrillic and Greek letters settle the question (among the supported languages).
fn script_language(sample: &str) -> Option<Lang> {
    let (mut cyrillic, mut greek, mut latin) = (0, 0, 0);
    for c in sample.chars().filter(|c| c.is_alphabetic()) {
        match c {
            '\u{0400}'..='\u{04FF}' => cyrillic += 1,
            '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => greek += 1,
            _ => latin += 1,
        }
    }
    if cyrillic > latin && cyrillic >= greek {
        Some(Lang::Russian)
    } else if greek > latin {
        Some(Lang::Greek)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(text: &str) -> Lang {
        identify(text, None).lang
    }

    #[test]
    fn tells_bokmal_nynorsk_danish_swedish_apart() {
        assert_eq!(lang("Regjeringen vil ikke svare på spørsmålene før etter helgen, sier statsministeren."), Lang::Bokmal);
        assert_eq!(lang("Regjeringa vil ikkje svare på spørsmåla før etter helga, seier statsministeren."), Lang::Nynorsk);
        assert_eq!(lang("Regeringen vil ikke svare på spørgsmålene før efter weekenden, siger statsministeren."), Lang::Danish);
        assert_eq!(lang("Regeringen vill inte svara på frågorna förrän efter helgen, säger statsministern."), Lang::Swedish);
    }

    #[test]
    fn scripts_and_short_texts() {
        assert_eq!(lang("Президент России встретился с лидером КНДР"), Lang::Russian);
        assert_eq!(lang("Ο πρωθυπουργός συναντήθηκε με τον πρόεδρο"), Lang::Greek);
        assert_eq!(identify("42", None).lang, Lang::Unknown);
        assert_eq!(identify("42", Some("nn")).lang, Lang::Nynorsk);
    }

    #[test]
    fn plausible_hints_win_and_implausible_hints_lose() {
        // Bokmål and Danish are close: a Danish hint on this short Bokmål line is plausible.
        let text = "Statsministeren holdt tale i dag";
        assert_eq!(identify(text, Some("da")).lang, Lang::Danish);
        // An English hint on plain Norwegian is not.
        let text = "Regjeringen vil ikke svare på spørsmålene før etter helgen, sier statsministeren.";
        assert_eq!(identify(text, Some("en")).lang, Lang::Bokmal);
        assert_eq!(identify(text, Some("no")).lang, Lang::Bokmal);
        assert_eq!(identify("Regjeringa vil ikkje svare på spørsmåla før etter helga", Some("no")).lang, Lang::Nynorsk);
    }
}
