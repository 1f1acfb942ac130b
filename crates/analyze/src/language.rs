//! Language identification. Norwegian comes first: Bokmål and Nynorsk are told apart,
//! and both from Danish and Swedish, by lingua's models restricted to the languages
//! tidings stems; Cyrillic and Greek script decide their language without a model.

use std::sync::OnceLock;

use lingua::{Language as L, LanguageDetector, LanguageDetectorBuilder};
use serde::Serialize;

use crate::stopwords::StopWords;

/// The languages the analyzer knows (stop words, stemmer, decompounding), plus `Unknown`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
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
    #[default]
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

    /// The language of an output code (`nb`, `en`, …); `Unknown` for anything else.
    pub fn from_code(code: &str) -> Lang {
        ALL_LANGS.iter().copied().find(|l| l.code() == code).unwrap_or(Lang::Unknown)
    }

    /// Every language, `Unknown` last.
    pub fn all() -> &'static [Lang] {
        &ALL_LANGS
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

/// The model for the close Nordic calls only: four languages cost a quarter of sixteen.
fn nordic_detector() -> &'static LanguageDetector {
    static DETECTOR: OnceLock<LanguageDetector> = OnceLock::new();
    DETECTOR.get_or_init(|| {
        LanguageDetectorBuilder::from_languages(&[L::Bokmal, L::Nynorsk, L::Danish, L::Swedish])
            .with_preloaded_language_models()
            .build()
    })
}

/// Texts up to this long (a headline) keep a hint their stop words do not contradict.
const SHORT_TEXT_BYTES: usize = 120;

/// Stop words seen in a text must favour one language this clearly (hits, and a multiple
/// of the runner-up) for the vote to decide without the model.
const CLEAR_VOTES: u32 = 3;
const CLEAR_MARGIN: u32 = 2;

/// Identifies the language of `text`, honouring `hint` when the text makes it plausible.
///
/// Models are slow (most of the analyzer's time if run on every article), so the common
/// cases are decided by counting stop words first: a hint that the text does not
/// contradict is taken, and a clear majority outside the Nordic languages decides. Only
/// the Nordic languages (which share most stop words) and unclear texts go to lingua.
pub fn identify(text: &str, hint: Option<&str>, stop_words: &StopWords) -> Identified {
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
    let votes = stop_words.votes(sample);
    let (best, best_votes, runner_up) = ranked(&votes);
    let total: u32 = votes.iter().sum();
    let share = |lang: Lang| if total == 0 { 0.5 } else { votes[lang as usize] as f32 / total.max(1) as f32 };
    match hint {
        // Nothing in the text speaks against the hint: take it.
        Some(Hint::Exact(lang)) if votes[lang as usize] + 1 >= best_votes && !is_nordic(lang) => {
            return Identified { lang, confidence: share(lang).max(0.5) };
        }
        Some(Hint::Exact(lang)) if best_votes == 0 => return Identified { lang, confidence: 0.5 },
        // A headline is too short for the model to overrule a hint its stop words agree with.
        Some(Hint::Exact(lang)) if sample.len() <= SHORT_TEXT_BYTES && votes[lang as usize] == best_votes => {
            return Identified { lang, confidence: 0.5 };
        }
        // Longer Nordic texts are checked by the model: Bokmål is often labelled for Nynorsk.
        _ => {}
    }
    let clear = best_votes >= CLEAR_VOTES && best_votes >= CLEAR_MARGIN * runner_up.max(1);
    if clear && !is_nordic(best) {
        return Identified { lang: best, confidence: share(best) };
    }
    let nordic_hint = matches!(hint, Some(Hint::Norwegian)) || matches!(hint, Some(Hint::Exact(l)) if is_nordic(l));
    let nordic = is_nordic(best) && (best_votes >= CLEAR_VOTES || nordic_hint);
    if nordic && let Some(lang) = nordic_by_markers(sample) {
        return Identified { lang, confidence: 0.9 };
    }
    let values = if nordic {
        nordic_detector().compute_language_confidence_values(shorten(sample, NORDIC_SAMPLE_BYTES))
    } else {
        detector().compute_language_confidence_values(sample)
    };
    choose(&values, hint)
}

/// The model's verdict, or the hint where the model finds it plausible.
fn choose(values: &[(L, f64)], hint: Option<Hint>) -> Identified {
    let Some(&(best, best_conf)) = values.first() else {
        return Identified { lang: Lang::Unknown, confidence: 0.0 };
    };
    let conf_of = |lang: Lang| values.iter().find(|(l, _)| Lang::from_lingua(*l) == lang).map_or(0.0, |(_, c)| *c);
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

/// Function words only one of the four Nordic written languages uses. Where a text uses
/// them clearly, they decide as well as the model does, at a fraction of its cost.
const NORDIC_MARKERS: [(Lang, &[&str]); 4] = [
    (Lang::Bokmal, &["hva", "noe", "noen", "bare", "mye", "ble", "fikk", "gikk", "sier", "mens", "derfor"]),
    (
        Lang::Nynorsk,
        &[
            "ikkje", "eg", "ein", "eit", "dei", "frå", "kva", "korleis", "kvifor", "noko", "nokon", "berre", "heile",
            "mykje", "vart", "fekk", "gjekk", "ho", "kven", "kvar", "vere", "sjølv", "òg", "seier", "hjå", "medan",
            "difor",
        ],
    ),
    (
        Lang::Danish,
        &["hvad", "noget", "nogle", "kun", "meget", "fik", "gik", "af", "ud", "op", "hende", "siger", "sagde"],
    ),
    (
        Lang::Swedish,
        &[
            "inte", "jag", "vad", "hur", "varför", "något", "några", "bara", "hela", "mycket", "fick", "från", "upp",
            "hon", "och", "att", "är", "också", "säger",
        ],
    ),
];

/// Marker hits needed, and the factor by which the best must beat the runner-up.
const MARKER_VOTES: u32 = 3;
const MARKER_MARGIN: u32 = 3;

fn nordic_by_markers(sample: &str) -> Option<Lang> {
    let mut hits = [0u32; 4];
    let mut lower = String::new();
    for word in sample.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        lower.clear();
        lower.extend(word.chars().flat_map(char::to_lowercase));
        for (i, (_, markers)) in NORDIC_MARKERS.iter().enumerate() {
            hits[i] += u32::from(markers.contains(&lower.as_str()));
        }
    }
    let mut order = [0usize, 1, 2, 3];
    order.sort_by(|a, b| hits[*b].cmp(&hits[*a]));
    let (best, second) = (hits[order[0]], hits[order[1]]);
    (best >= MARKER_VOTES && best >= MARKER_MARGIN * second.max(1)).then(|| NORDIC_MARKERS[order[0]].0)
}

fn is_nordic(lang: Lang) -> bool {
    matches!(lang, Lang::Bokmal | Lang::Nynorsk | Lang::Danish | Lang::Swedish)
}

/// The language with most votes, its votes, and the runner-up's votes.
fn ranked(votes: &[u32]) -> (Lang, u32, u32) {
    let mut best = (Lang::Unknown, 0);
    let mut second = 0;
    for (lang, &v) in ALL_LANGS.iter().zip(votes) {
        if v > best.1 {
            second = best.1;
            best = (*lang, v);
        } else if v > second {
            second = v;
        }
    }
    (best.0, best.1, second)
}

fn sample(text: &str) -> &str {
    shorten(text, SAMPLE_BYTES)
}

/// Among the four Nordic languages, this much text is enough for the model.
const NORDIC_SAMPLE_BYTES: usize = 200;

/// At most the first `max` bytes of `text`, ending at a word boundary (so that the last
/// word is not cut into a non-word) unless that would lose more than half.
pub(crate) fn shorten(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[..end].rfind(char::is_whitespace) {
        Some(ws) if ws > max / 2 => &text[..ws],
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

    fn identify(text: &str, hint: Option<&str>) -> Identified {
        super::identify(text, hint, &StopWords::new())
    }

    fn lang(text: &str) -> Lang {
        identify(text, None).lang
    }

    #[test]
    fn tells_bokmal_nynorsk_danish_swedish_apart() {
        assert_eq!(
            lang("Regjeringen vil ikke svare på spørsmålene før etter helgen, sier statsministeren."),
            Lang::Bokmal
        );
        assert_eq!(
            lang("Regjeringa vil ikkje svare på spørsmåla før etter helga, seier statsministeren."),
            Lang::Nynorsk
        );
        assert_eq!(
            lang("Regeringen vil ikke svare på spørgsmålene før efter weekenden, siger statsministeren."),
            Lang::Danish
        );
        assert_eq!(
            lang("Regeringen vill inte svara på frågorna förrän efter helgen, säger statsministern."),
            Lang::Swedish
        );
    }

    #[test]
    fn nordic_markers_decide_only_clear_texts() {
        let nb = "Jeg vet ikke hva som skjedde, men hun fikk bare se hele ulykken fra bilen etter at de kom ut.";
        let nn = "Eg veit ikkje kva som skjedde, men ho fekk berre sjå heile ulukka frå bilen etter at dei kom ut.";
        let da = "Jeg ved ikke hvad der skete, men hun fik kun set hele ulykken fra bilen efter at de kom ud.";
        let sv = "Jag vet inte vad som hände, men hon fick bara se hela olyckan från bilen efter att de kom ut.";
        assert_eq!(nordic_by_markers(nb), Some(Lang::Bokmal));
        assert_eq!(nordic_by_markers(nn), Some(Lang::Nynorsk));
        assert_eq!(nordic_by_markers(sv), Some(Lang::Swedish));
        assert_eq!(nordic_by_markers(da), Some(Lang::Danish));
        // Too few markers: the model decides.
        assert_eq!(nordic_by_markers("Regjeringen vil ikke svare før helgen"), None);
        assert_eq!(nordic_by_markers("Statsministeren holdt tale"), None);
    }

    #[test]
    fn scripts_and_short_texts() {
        assert_eq!(lang("Президент России встретился с лидером КНДР"), Lang::Russian);
        assert_eq!(lang("Ο πρωθυπουργός συναντήθηκε με τον πρόεδρο"), Lang::Greek);
        assert_eq!(identify("42", None).lang, Lang::Unknown);
        assert_eq!(identify("42", Some("nn")).lang, Lang::Nynorsk);
    }

    #[test]
    fn stop_word_votes_decide_clear_cases() {
        assert_eq!(
            lang("The minister said that the talks with the unions would go on for another week."),
            Lang::English
        );
        assert_eq!(
            lang("Der Minister sagte, dass die Gespräche mit den Gewerkschaften noch eine Woche dauern."),
            Lang::German
        );
        assert_eq!(
            lang("Le ministre a dit que les négociations avec les syndicats dureront encore une semaine."),
            Lang::French
        );
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
