//! Named-entity candidates: capitalised word sequences that are not just capitalised
//! because they start a sentence, acronyms, and hyphenated names, each with a name key
//! (see [`crate::name_key`]) and a rough type from titles, suffixes and a place list.

use rustc_hash::FxHashSet;
use serde::Serialize;

use crate::name_key::name_key;
use crate::token::Token;

/// One entity mention as the analyzer saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entity {
    /// The surface form as written (`Putins`).
    pub text: String,
    /// The canonical name (`Putin`): possessives and genitive endings removed.
    pub name: String,
    /// The spelling-independent matching key.
    pub key: String,
    #[serde(rename = "type")]
    pub kind: EntityKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Person,
    Organization,
    Place,
    Other,
}

const PLACES: &str = include_str!("../data/places.txt");

/// Words that announce a person's name right after them.
const PERSON_TITLES: &[&str] = &[
    "president",
    "presidenten",
    "statsminister",
    "statsministeren",
    "minister",
    "ministeren",
    "utenriksminister",
    "rådgiver",
    "rådgjevar",
    "rådgivare",
    "adviser",
    "advisor",
    "ordfører",
    "ordførar",
    "borgermester",
    "leader",
    "leder",
    "leiar",
    "ledare",
    "chef",
    "sjef",
    "sjefen",
    "direktør",
    "director",
    "ceo",
    "mr",
    "mrs",
    "ms",
    "dr",
    "herr",
    "fru",
    "frau",
    "kanzler",
    "kanzlerin",
    "bundeskanzler",
    "kansler",
    "statsministern",
    "talsperson",
    "spokesman",
    "spokeswoman",
    "kaptein",
    "captain",
    "trener",
    "coach",
    "prins",
    "prince",
    "dronning",
    "queen",
    "kong",
    "kung",
    "king",
    "actress",
    "actor",
    "singer",
    "skuespiller",
    "sangerinne",
    "sanger",
    "forfatter",
    "author",
    "senator",
    "governor",
    "guvernør",
    "general",
    "biskop",
    "bishop",
    "professor",
    "sheriff",
];

/// Last words of organisation names.
const ORG_SUFFIXES: &[&str] = &[
    "as",
    "asa",
    "ab",
    "inc",
    "ltd",
    "corp",
    "corporation",
    "company",
    "co",
    "gmbh",
    "ag",
    "plc",
    "llc",
    "group",
    "bank",
    "party",
    "partiet",
    "parti",
    "partei",
    "university",
    "universitet",
    "universität",
    "council",
    "rådet",
    "association",
    "forbund",
    "forbundet",
    "institute",
    "institutt",
    "center",
    "centre",
    "senter",
    "news",
    "times",
    "agency",
    "ministry",
    "departement",
    "departementet",
    "kommune",
    "police",
    "politi",
    "airlines",
    "air",
];

/// The longest sequence of words taken as one name.
const MAX_NAME_WORDS: usize = 4;

/// What the analyzer already knows about each token: the hash of its lowercase word (its
/// stem), and whether it is a stop word. Words are compared by these hashes, not strings.
#[derive(Debug, Clone, Copy, Default)]
pub struct WordFacts {
    pub word: u64,
    pub stop: bool,
}

/// What the extractor needs to know about the rest of the document.
pub struct DocumentContext<'a> {
    /// Words written in lowercase somewhere: a capitalised word that also appears in
    /// lowercase is a common word at a sentence start, not a name.
    pub lowercase_words: &'a FxHashSet<u64>,
    /// Capitalised words seen away from a sentence start: real names.
    pub mid_sentence_capitals: &'a FxHashSet<u64>,
    /// The language capitalises every noun (German): a lone capitalised word is then no
    /// evidence of a name, only a sequence of them, an acronym or a known place is.
    pub capitalised_nouns: bool,
}

/// Finds entity mentions in one segment (title or body) of a document. `headline_case`
/// says every word of the segment is capitalised by style (English headlines), so that
/// only words known as names elsewhere count.
pub fn extract(
    tokens: &[Token<'_>],
    facts: &[WordFacts],
    text: &str,
    ctx: &DocumentContext<'_>,
    headline_case: bool,
) -> Vec<Entity> {
    let shouting = tokens.iter().filter(|t| t.is_acronym()).count() * 2 > tokens.len();
    let qualifies = |i: usize, initial: bool| -> bool {
        let (t, f) = (&tokens[i], facts[i]);
        if t.is_numeric() || !t.is_capitalised() || (t.is_acronym() && t.before_colon) || f.stop {
            return false;
        }
        if t.is_acronym() {
            return !shouting && t.text.chars().count() <= 6;
        }
        if ctx.lowercase_words.contains(&f.word) {
            return false;
        }
        // McDonald's, iPhone: a capital inside a word (not after a hyphen) marks a name.
        let inner_capital = t.text.chars().zip(t.text.chars().skip(1)).any(|(a, b)| b.is_uppercase() && a != '-');
        if initial || headline_case {
            return ctx.mid_sentence_capitals.contains(&f.word) || inner_capital;
        }
        true
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let initial = tokens[i].sentence_initial;
        // A sentence-initial word may start a name that continues mid-sentence (Jurij Usjakov).
        let starts = qualifies(i, initial)
            || (initial
                && !headline_case
                && continues(tokens, i, text)
                && qualifies(i, false)
                && qualifies(i + 1, false));
        if !starts {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < tokens.len()
            && end - i < MAX_NAME_WORDS
            && continues(tokens, end - 1, text)
            && qualifies(end, headline_case)
        {
            end += 1;
        }
        let prev = i.checked_sub(1).map(|p| tokens[p].text.to_lowercase());
        let found = entity(&tokens[i..end], text, prev.as_deref());
        let lone_noun = ctx.capitalised_nouns && end - i == 1 && !tokens[i].is_acronym();
        if !lone_noun || found.kind != EntityKind::Other {
            out.push(found);
        }
        i = end;
    }
    out
}

/// Whether token `i + 1` directly continues token `i` in one name (one space between).
fn continues(tokens: &[Token<'_>], i: usize, text: &str) -> bool {
    let Some(next) = tokens.get(i + 1) else { return false };
    let gap = &text[tokens[i].start + tokens[i].text.len()..next.start];
    gap == " " || gap == "\u{a0}"
}

fn entity(words: &[Token<'_>], text: &str, prev_word: Option<&str>) -> Entity {
    let first = words[0].start;
    let last = &words[words.len() - 1];
    let surface = &text[first..last.start + last.text.len()];
    let name = canonical_name(surface);
    let key = name_key(&name);
    let kind = classify(words, &key, prev_word);
    Entity { text: surface.to_string(), name, key, kind }
}

/// Drops possessive endings: `Putin's` → `Putin`.
fn canonical_name(surface: &str) -> String {
    for suffix in ["'s", "’s"] {
        if let Some(base) = surface.strip_suffix(suffix) {
            return base.to_string();
        }
    }
    surface.to_string()
}

fn classify(words: &[Token<'_>], key: &str, prev_word: Option<&str>) -> EntityKind {
    if is_place(key) {
        return EntityKind::Place;
    }
    let last = words[words.len() - 1].text.to_lowercase();
    if ORG_SUFFIXES.contains(&last.as_str()) || (words.len() == 1 && words[0].is_acronym()) {
        return EntityKind::Organization;
    }
    if prev_word.is_some_and(|p| PERSON_TITLES.contains(&p)) {
        return EntityKind::Person;
    }
    if (2..=3).contains(&words.len()) && words.iter().all(|w| !w.is_acronym()) {
        return EntityKind::Person;
    }
    EntityKind::Other
}

fn is_place(key: &str) -> bool {
    use std::sync::OnceLock;
    static KEYS: OnceLock<FxHashSet<String>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        PLACES.lines().filter(|l| !l.starts_with('#')).flat_map(str::split_whitespace).map(name_key).collect()
    });
    keys.contains(key) || key.split(' ').count() == 2 && key.split(' ').all(|w| keys.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::{Kind, feature_hash};
    use crate::token::{Token, tokenize};

    fn facts(tokens: &[Token<'_>]) -> Vec<WordFacts> {
        let stop = ["the", "a", "in", "og", "i", "han", "det"];
        tokens
            .iter()
            .map(|t| {
                let lower = t.text.to_lowercase();
                WordFacts { word: feature_hash(Kind::Word, &lower), stop: stop.contains(&lower.as_str()) }
            })
            .collect()
    }

    fn run(text: &str, headline_case: bool, body_for_context: &str) -> Vec<Entity> {
        let all = format!("{text}\n{body_for_context}");
        let tokens = tokenize(&all);
        let all_facts = facts(&tokens);
        let lowercase: FxHashSet<u64> =
            tokens.iter().zip(&all_facts).filter(|(t, _)| !t.is_capitalised()).map(|(_, f)| f.word).collect();
        let body = tokenize(body_for_context);
        let mid: FxHashSet<u64> = body
            .iter()
            .zip(facts(&body))
            .filter(|(t, _)| t.is_capitalised() && !t.sentence_initial)
            .map(|(_, f)| f.word)
            .collect();
        let ctx =
            DocumentContext { lowercase_words: &lowercase, mid_sentence_capitals: &mid, capitalised_nouns: false };
        let tokens = tokenize(text);
        extract(&tokens, &facts(&tokens), text, &ctx, headline_case)
    }

    fn names(entities: &[Entity]) -> Vec<&str> {
        entities.iter().map(|e| e.name.as_str()).collect()
    }

    #[test]
    fn finds_names_not_sentence_starts() {
        let e =
            run("Jurij Usjakov bekrefter at møtet i Vladivostok blir holdt. Det handler om atomprogrammet.", false, "");
        assert_eq!(names(&e), ["Jurij Usjakov", "Vladivostok"]);
        assert_eq!(e[0].key, "iuri usakov");
        assert_eq!(e[1].kind, EntityKind::Place);
    }

    #[test]
    fn possessives_acronyms_and_caption_labels() {
        let e =
            run("ÅPNET: Ordføreren klipper snoret. Foto: NTB. Aides to Putin's office met NATO officials.", false, "");
        assert_eq!(names(&e), ["NTB", "Putin", "NATO"]);
        assert_eq!(e[0].kind, EntityKind::Organization);
    }

    #[test]
    fn headline_case_needs_evidence_from_the_body() {
        let e = run("Tara Reid Checks Into Rehab Center", true, "The actress Tara Reid entered a rehab center.");
        assert_eq!(names(&e), ["Tara Reid"]);
        assert_eq!(e[0].kind, EntityKind::Person);
    }

    #[test]
    fn common_words_at_sentence_start_are_not_names() {
        let e = run("Police said the fire started early. The police chief agreed.", false, "");
        assert!(e.is_empty(), "{e:?}");
    }
}
