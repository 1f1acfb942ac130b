//! Language identification. Norwegian comes first: Bokmål and Nynorsk are told apart,
//! and both from Danish and Swedish, by lingua's models restricted to the languages
//! tidings stems; Cyrillic and Greek script decide their language without a model.

use std::sync::OnceLock;

use lingua::{Language as L, LanguageDetector, LanguageDetectorBuilder};
use rustc_hash::FxHashMap;
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
/// contradict is taken, and a clear majority outside the Nordic languages decides. The
/// Nordic languages share most stop words; there, words spelt each language's way decide
/// where they clearly can. Only the rest goes to lingua.
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
    if nordic && let Some(lang) = nordic_by_words(sample, hint) {
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

/// Common words of each Nordic written language: function words and the commonest verbs,
/// spelt as that language spells them. Most are shared by two or three of the languages
/// (*ikke* is Bokmål and Danish, *av* Bokmål, Nynorsk and Swedish); what tells the
/// languages apart is which language the words of a text support most often.
const NORDIC_WORDS: [(Lang, &str); 4] = [
    (
        Lang::Bokmal,
        "og i det som en et er til på av for med at den har de ikke om var jeg vi han hun seg men kan fra etter \
         skal vil ble blir også når så mot over år to tre eller bare hva hvor hvordan hvorfor noe noen mye sier sa \
         mens derfor dette disse denne være vært sin sitt sine hans hennes deres ut opp nå fikk gikk får går kommer \
         meg oss dem da under mellom uten hele alle andre første ny nye bli blitt å enn ingen rundt hvem selv hos \
         sju mange fått gjort gjøre ønsker mener",
    ),
    (
        Lang::Nynorsk,
        "og i det som ein eit ei er til på av for med at den har dei ikkje om var eg vi me han ho seg men kan frå \
         etter skal vil vart blei blir også òg når så mot over år to tre eller berre kva kvar korleis kvifor noko \
         nokon mykje seier sa medan difor dette desse denne vere vore vorte sin sitt sine hans hennar deira ut opp \
         no fekk gjekk får går kjem meg oss då under mellom utan heile alle andre første ny nye bli blitt å enn \
         ingen rundt kven sjølv hjå sju mange fått gjort gjere ønskjer meiner",
    ),
    (
        Lang::Danish,
        "og i det som en et er til på af for med at den har de ikke om var jeg vi han hun sig men kan fra efter \
         skal vil blev bliver også når så mod over år to tre eller kun hvad hvor hvordan hvorfor noget nogle meget \
         siger sagde mens derfor dette disse denne være været sin sit sine hans hendes deres ud op nu fik gik får \
         går kommer mig os dem da under mellem uden hele alle andre første ny nye blive blevet end ingen omkring \
         hvem selv hos syv mange fået gjort gøre ønsker mener",
    ),
    (
        Lang::Swedish,
        "och i det som en ett är till på av för med att den har de inte om var jag vi han hon sig men kan från \
         efter ska skall vill blev blir också när så mot över år två tre eller bara vad hur varför något några \
         mycket säger sa sade medan därför detta dessa denna vara varit sin sitt sina hans hennes deras ut upp nu \
         fick gick får går kommer mig oss dem då under mellan utan hela alla andra första ny nya bli blivit än \
         ingen runt vem själv hos sju många fått gjort göra önskar menar",
    ),
];

/// Which of the four Nordic languages (bit `i` for `NORDIC_WORDS[i]`) use each word.
fn nordic_lexicon() -> &'static FxHashMap<&'static str, u8> {
    static LEXICON: OnceLock<FxHashMap<&'static str, u8>> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut lexicon = FxHashMap::default();
        for (i, (_, words)) in NORDIC_WORDS.iter().enumerate() {
            for word in words.split_whitespace() {
                *lexicon.entry(word).or_insert(0u8) |= 1 << i;
            }
        }
        lexicon
    })
}

/// How many words of `sample` each Nordic language (in `NORDIC_WORDS` order) uses, counting
/// only words that not all four share. A word outside the lexicon still tells Swedish
/// (ä, ö) from the others (æ, ø).
fn nordic_scores(sample: &str) -> [u32; 4] {
    let lexicon = nordic_lexicon();
    let mut scores = [0u32; 4];
    let mut lower = String::new();
    for word in sample.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        lower.clear();
        lower.extend(word.chars().flat_map(char::to_lowercase));
        let mask = match lexicon.get(lower.as_str()) {
            Some(&mask) => mask,
            None if lower.contains(['ä', 'ö']) => 0b1000,
            None if lower.contains(['æ', 'ø']) => 0b0111,
            None => continue,
        };
        if mask == 0b1111 {
            continue;
        }
        for (i, score) in scores.iter_mut().enumerate() {
            *score += u32::from(mask >> i & 1);
        }
    }
    scores
}

/// Without a hint, the best language must lead every other by this many words to decide
/// without the model; a hint needs a lead of one.
const NORDIC_LEAD: u32 = 2;
const NORDIC_HINT_LEAD: u32 = 1;

/// The Nordic language the words of `sample` clearly favour (the hint's, where the words
/// favour it at all), or `None` to leave the call to the model.
fn nordic_by_words(sample: &str, hint: Option<Hint>) -> Option<Lang> {
    let scores = nordic_scores(sample);
    let leads = |i: usize, by: u32| (0..4).all(|j| j == i || scores[i] >= scores[j] + by);
    let index = |lang: Lang| NORDIC_WORDS.iter().position(|(l, _)| *l == lang);
    match hint {
        Some(Hint::Exact(lang))
            if let Some(i) = index(lang)
                && leads(i, NORDIC_HINT_LEAD) =>
        {
            return Some(lang);
        }
        Some(Hint::Norwegian) => {
            let standards = [Lang::Bokmal, Lang::Nynorsk];
            if let Some(lang) = standards.into_iter().find(|&l| index(l).is_some_and(|i| leads(i, NORDIC_HINT_LEAD))) {
                return Some(lang);
            }
        }
        _ => {}
    }
    (0..4).find(|&i| leads(i, NORDIC_LEAD)).map(|i| NORDIC_WORDS[i].0)
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
    fn nordic_words_decide_only_clear_texts() {
        let nb = "Jeg vet ikke hva som skjedde, men hun fikk bare se hele ulykken fra bilen etter at de kom ut.";
        let nn = "Eg veit ikkje kva som skjedde, men ho fekk berre sjå heile ulukka frå bilen etter at dei kom ut.";
        let da = "Jeg ved ikke hvad der skete, men hun fik kun set hele ulykken fra bilen efter at de kom ud.";
        let sv = "Jag vet inte vad som hände, men hon fick bara se hela olyckan från bilen efter att de kom ut.";
        assert_eq!(nordic_by_words(nb, None), Some(Lang::Bokmal));
        assert_eq!(nordic_by_words(nn, None), Some(Lang::Nynorsk));
        assert_eq!(nordic_by_words(sv, None), Some(Lang::Swedish));
        assert_eq!(nordic_by_words(da, None), Some(Lang::Danish));
        // One telling word (*av*: not Danish) is too little without a hint: the model decides.
        assert_eq!(nordic_by_words("Statsministeren holdt tale av betydning", None), None);
        assert_eq!(nordic_by_words("Statsministeren holdt tale", None), None);
    }

    #[test]
    fn nordic_hints_are_taken_where_the_words_lean_their_way() {
        let nb = Some(Hint::Exact(Lang::Bokmal));
        // *av* leans Bokmål (and Nynorsk) against Danish, and nothing leans Nynorsk: a
        // lead of one over each other language.
        assert_eq!(nordic_by_words("Regjeringen er ikke enig av prinsipp", nb), Some(Lang::Bokmal));
        // A Nynorsk text labelled Bokmål: the words lean the other way, the hint is not taken.
        let nn = "Eg veit ikkje kva som skjedde, men ho fekk berre sjå heile ulukka.";
        assert_eq!(nordic_by_words(nn, nb), Some(Lang::Nynorsk));
        // `no`: the words choose the written standard.
        assert_eq!(nordic_by_words("Dei seier ikkje kva", Some(Hint::Norwegian)), Some(Lang::Nynorsk));
        assert_eq!(nordic_by_words("De sier ikke hva", Some(Hint::Norwegian)), Some(Lang::Bokmal));
        // Neutral words: nothing to go on, the model decides.
        assert_eq!(nordic_by_words("Statsministeren holdt tale", nb), None);
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
