//! Named-entity candidates: capitalised word sequences that are not just capitalised
//! because they start a sentence, acronyms, and hyphenated names, each with a name key
//! (see [`crate::name_key`]) and a type from titles, suffixes and the gazetteer. Once
//! an article's mentions are found, [`resolve`] gives each entity one canonical name: a
//! place its gazetteer name (*Moskva* → Moscow), a genitive its base (*Putins* → Putin when
//! Putin is named), a surname the full name given earlier (*Usjakov* → Jurij Usjakov).

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::gazetteer::Gazetteer;
use crate::name_clues::NameClues;
use crate::name_key::name_key;
use crate::token::Token;

/// One entity mention as the analyzer saw it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entity {
    /// The surface form as written (`Putins`).
    pub text: String,
    /// The canonical name (`Putin`): possessives and genitive endings removed.
    pub name: String,
    /// The spelling-independent matching key.
    pub key: String,
    #[serde(rename = "type")]
    pub kind: EntityKind,
    /// How central the entity is to the article, in (0, 1]: named in the headline, early
    /// and often scores high; set by [`resolve`].
    pub salience: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Person,
    Organization,
    Place,
    Other,
}

const GIVEN_NAMES: &str = include_str!("../data/given-names.txt");

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
    "präsident",
    "präsidentin",
    "ministerin",
    "direktor",
    "direktorin",
    "sprecher",
    "sprecherin",
    "chefin",
    "machthaber",
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
    "analyst",
    "analytiker",
    "economist",
    "økonom",
    "secretary",
    "official",
    "resident",
    "beboer",
    "runner",
    "løper",
    "talsmann",
    "talskvinne",
    "operasjonsleder",
    "fylkesråd",
    "byråd",
    "statsråd",
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

/// Words that start sentences before a name without being part of it (*Ifølge Usjakov*),
/// beyond the stop words and person titles.
const LEADING_WORDS: &[&str] = &[
    "ifølge",
    "ifølgje",
    "iflg",
    "enligt",
    "laut",
    "gemäß",
    "according",
    "mens",
    "medan",
    "medens",
    "während",
    "blant",
    "bland",
    "unter",
    "hos",
    "etter",
    "efter",
    "nach",
    "både",
    "også",
    "sjølv",
    "selv",
    "själv",
    "selbst",
    "dessuten",
    "dessutom",
    "außerdem",
    "ifjor",
    "nå",
    "no",
    "nu",
    "jetzt",
    "today",
    "tidligere",
    "tidlegare",
    "tidigare",
    "früher",
    "yesterday",
    "igår",
    "norske",
    "svenske",
    "danske",
    "tyske",
    "britiske",
    "amerikanske",
    "russiske",
    "franske",
    "finske",
    "norwegian",
    "swedish",
    "danish",
    "german",
    "british",
    "american",
    "french",
    "finnish",
    "state",
];

/// Words that make a two- or three-word name something other than a person's (*River
/// Ouse*, *Met Office*).
const NOT_IN_PERSON_NAMES: &[&str] = &[
    "river", "lake", "mount", "office", "street", "road", "bridge", "airport", "church", "hospital", "school", "park",
    "square", "state", "states", "visit", "sykehus", "skole", "kirke", "gate", "vei", "veien", "plass", "elva",
    "fjord", "fjorden", "lufthavn", "flyplass", "stasjon", "kyrkje", "kyrka", "kirche", "straße",
];

/// Prepositions after which a name is a place.
const PLACE_PREPOSITIONS: &[&str] = &["i", "på", "in", "near", "nær", "utenfor", "outside", "im", "nahe"];

/// Lowercase words inside names.
const NAME_PARTICLES: &[&str] = &["de", "van", "von", "der", "den", "af", "di", "da", "du", "la", "le", "bin", "ibn"];

/// Days and months, capitalised in English and German but never names ("May" is left
/// out: it is also a surname).
const CALENDAR_WORDS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Montag",
    "Dienstag",
    "Mittwoch",
    "Donnerstag",
    "Freitag",
    "Samstag",
    "Sonntag",
    "Sonnabend",
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Januar",
    "Februar",
    "März",
    "Juni",
    "Juli",
    "Oktober",
    "Dezember",
];

fn is_calendar_word(key: &str) -> bool {
    use std::sync::OnceLock;
    static KEYS: OnceLock<FxHashSet<String>> = OnceLock::new();
    KEYS.get_or_init(|| CALENDAR_WORDS.iter().map(|w| name_key(w)).collect()).contains(key)
}

/// Lowercase words inside place names.
const PLACE_CONNECTORS: &[&str] = &["i", "am", "an", "upon", "on", "sur", "de", "del"];

/// Words that join two names of one kind.
const COORDINATORS: &[&str] = &["og", "and", "und", "och", "eller", "or", "oder"];

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
    "förbund",
    "förbundet",
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
    // Norwegian institutions, in Bokmål and Nynorsk (also as compound heads:
    // *Tuberkuloseforeningen*, *Europautvalet*, *Haukeland universitetssjukehus*).
    "utvalg",
    "utvalget",
    "utvalet",
    "komiteen",
    "komitéen",
    "foreningen",
    "foreninga",
    "foreininga",
    "forening",
    "lensmannskontor",
    "kontoret",
    "direktoratet",
    "tilsynet",
    "sykehus",
    "sjukehus",
    "sykehuset",
    "sjukehuset",
    "høgskolen",
    "høgskulen",
    "høyskolen",
    "akademiet",
    "selskapet",
    "stiftelsen",
    "instituttet",
    "etaten",
    "tingrett",
    "lagmannsrett",
    "byrett",
    "fylkeskommune",
    "fylkeskommunen",
    "kommunestyre",
    "kommunestyret",
    "universitetet",
    "kommune",
    "police",
    "politi",
    "airlines",
    "air",
    "line",
    "lines",
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
    /// The language marks the genitive with a bare `-s` (*Putins*, *Nord-Koreas*).
    pub genitive_s: bool,
}

/// The entities the rules find in one segment (title or body) of a document, with the
/// words each spans. `headline_case` says every word of the segment is capitalised by
/// style (English headlines), so that only words known as names elsewhere count.
pub(crate) fn extract_spans(
    tokens: &[Token<'_>],
    facts: &[WordFacts],
    text: &str,
    ctx: &DocumentContext<'_>,
    headline_case: bool,
) -> Vec<(std::ops::Range<usize>, Entity)> {
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
            return ctx.mid_sentence_capitals.contains(&f.word)
                || inner_capital
                || NameClues::of(t.text).known_place(ctx.genitive_s);
        }
        true
    };
    let mut out = Vec::new();
    // The type and end of the last entity found, for names joined to it by "og", "and".
    let mut last: Option<(EntityKind, usize)> = None;
    let mut i = 0;
    while i < tokens.len() {
        let initial = tokens[i].sentence_initial;
        // A title before a name is not part of it (President Vladimir Putin).
        if tokens[i].is_capitalised() && continues(tokens, i, text) && NameClues::of(tokens[i].text).leads_into_names()
        {
            i += 1;
            continue;
        }
        // A sentence-initial word starts a name that continues mid-sentence if it is a given
        // name (Jurij Usjakov), not a role or a preposition (Meteorolog Kristian Aas, Ifølge Usjakov).
        let starts = qualifies(i, initial)
            || (initial
                && !headline_case
                && continues(tokens, i, text)
                && NameClues::of(tokens[i].text).given_name()
                && qualifies(i, false)
                && qualifies(i + 1, false));
        if !starts {
            i += 1;
            continue;
        }
        if let Some(place_end) = connected_place(tokens, i, text) {
            // Mo i Rana, Frankfurt am Main: a place whose name has a lowercase word inside.
            let prev = i.checked_sub(1).map(|p| tokens[p].text.to_lowercase());
            out.push((i..place_end, entity(&tokens[i..place_end], text, prev.as_deref(), ctx.genitive_s)));
            last = Some((EntityKind::Place, place_end));
            i = place_end;
            continue;
        }
        let mut end = i + 1;
        while end < tokens.len() && end - i < MAX_NAME_WORDS && continues(tokens, end - 1, text) {
            if qualifies(end, headline_case) && !NameClues::of(tokens[end].text).leads_into_names() {
                end += 1;
            } else if NAME_PARTICLES.contains(&tokens[end].text)
                && (!ctx.capitalised_nouns || NameClues::of(tokens[i].text).given_name())
                && continues(tokens, end, text)
                && end + 1 < tokens.len()
                && qualifies(end + 1, headline_case)
            {
                // Pieter de Vries, Ursula von der Leyen.
                end += 2;
            } else {
                break;
            }
        }
        if ctx.capitalised_nouns {
            i = past_leading_nouns(tokens, i, end);
        }
        let prev = i.checked_sub(1).map(|p| tokens[p].text.to_lowercase());
        let mut found = entity(&tokens[i..end], text, prev.as_deref(), ctx.genitive_s);
        // "Bodø og Værøy", "Putin and Kim": a name joined to the one before takes its type.
        if found.kind == EntityKind::Other
            && let Some((last_kind, last_end)) = last
            && i >= 2
            && last_end == i - 1
            && COORDINATORS.contains(&tokens[i - 1].text)
        {
            found.kind = last_kind;
        }
        let lone_noun = ctx.capitalised_nouns && end - i == 1 && !tokens[i].is_acronym();
        let calendar = end - i == 1 && is_calendar_word(&found.key);
        if !calendar && (!lone_noun || found.kind != EntityKind::Other) {
            last = Some((found.kind, end));
            out.push((i..end, found));
        }
        i = end;
    }
    out
}

/// Where a name really starts in a run of capitalised words, in a language that
/// capitalises every noun: at its first given name, when the words before are none
/// (*Parlamentsdirektorin Marianne Andreassen*, *Nordkoreas Machthaber Kim Jong-un*: nouns
/// and a genitive that lead into the name).
fn past_leading_nouns(tokens: &[Token<'_>], start: usize, end: usize) -> usize {
    (start..end).find(|&j| NameClues::of(tokens[j].text).given_name()).unwrap_or(start)
}

/// Common nouns that name what kind of organisation the name after them is
/// (*nyhetsbyrået Yonhap*, *fagforeningen Industri Energi*, *the news agency Reuters*).
const ORGANISATION_NOUNS: &[&str] = &[
    "nyhetsbyrået",
    "nyheitsbyrået",
    "byrået",
    "fagforeningen",
    "fagforeininga",
    "forbundet",
    "foreningen",
    "foreininga",
    "organisasjonen",
    "selskapet",
    "konsernet",
    "bedriften",
    "firmaet",
    "partiet",
    "avisen",
    "avisa",
    "kanalen",
    "klubben",
    "banken",
    "stiftelsen",
    "agency",
    "company",
    "firm",
    "party",
    "newspaper",
    "broadcaster",
    "union",
    "club",
];

/// A common noun that says the name after it is an organisation's.
pub(crate) fn announces_organisation(lower: &str) -> bool {
    ORGANISATION_NOUNS.contains(&lower)
}

/// A title (*President*, also inside a compound: *Forhandlingsleder*, *Virke-direktør*), a
/// nationality (*Norske*) or another word that leads into a name without belonging to it.
pub(crate) fn leads_into_names(word: &str) -> bool {
    use std::sync::OnceLock;
    static EXACT: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    static COMPOUND_HEADS: OnceLock<Vec<&'static str>> = OnceLock::new();
    let exact = EXACT.get_or_init(|| PERSON_TITLES.iter().chain(LEADING_WORDS).copied().collect());
    if word.len() < 2 {
        return false;
    }
    let lower = word.to_lowercase();
    if exact.contains(lower.as_str()) {
        return true;
    }
    // Only a word longer than a title plus a three-letter head can be a compound title.
    let at_least = |s: &str, chars: usize| s.chars().nth(chars - 1).is_some();
    let titles = COMPOUND_HEADS.get_or_init(|| PERSON_TITLES.iter().copied().filter(|t| at_least(t, 4)).collect());
    at_least(&lower, 7) && titles.iter().any(|t| lower.strip_suffix(t).is_some_and(|head| at_least(head, 3)))
}

/// The end of a gazetteer place starting at `i` whose name joins two capitalised words
/// with a lowercase one (*Mo i Rana*, *Frankfurt am Main*).
fn connected_place(tokens: &[Token<'_>], i: usize, text: &str) -> Option<usize> {
    let joined = tokens.get(i + 1).is_some_and(|t| PLACE_CONNECTORS.contains(&t.text));
    if !joined || !continues(tokens, i, text) || !continues(tokens, i + 1, text) {
        return None;
    }
    let last = tokens.get(i + 2).filter(|t| t.is_capitalised())?;
    let span = &text[tokens[i].start..last.start + last.text.len()];
    Gazetteer::get().lookup(&name_key(span)).map(|_| i + 3)
}

/// A given name from `data/given-names.txt` (by name key, so Jurij = Juri = Yuri).
pub(crate) fn is_given_name(word: &str) -> bool {
    use std::sync::OnceLock;
    static NAMES: OnceLock<FxHashSet<String>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        GIVEN_NAMES.lines().filter(|l| !l.starts_with('#')).flat_map(str::split_whitespace).map(name_key).collect()
    });
    names.contains(&name_key(word))
}

/// A word the gazetteer knows as a place: a name even at the start of a sentence.
pub(crate) fn is_known_place(word: &str, genitive_s: bool) -> bool {
    Gazetteer::get().lookup_inflected(&name_key(word), genitive_s).is_some()
}

/// Whether token `i + 1` directly continues token `i` in one name (one space between).
fn continues(tokens: &[Token<'_>], i: usize, text: &str) -> bool {
    let Some(next) = tokens.get(i + 1) else { return false };
    // A possessive ends a name: Germany's Laura Becker is two.
    if tokens[i].text.ends_with("'s") || tokens[i].text.ends_with("’s") {
        return false;
    }
    let gap = &text[tokens[i].start + tokens[i].text.len()..next.start];
    gap == " " || gap == "\u{a0}"
}

fn entity(words: &[Token<'_>], text: &str, prev_word: Option<&str>, genitive_s: bool) -> Entity {
    let first = words[0].start;
    let last = &words[words.len() - 1];
    let surface = &text[first..last.start + last.text.len()];
    let name = canonical_name(surface);
    let key = name_key(&name);
    if let Some(place) = Gazetteer::get().lookup_inflected(&key, genitive_s) {
        let name = place.name.to_string();
        let key = name_key(&name);
        return Entity { text: surface.to_string(), name, key, kind: EntityKind::Place, salience: 0.0 };
    }
    let kind = classify(words, prev_word);
    Entity { text: surface.to_string(), name, key, kind, salience: 0.0 }
}

/// An entity the name tagger found over `words`, of the kind it gave. A place the
/// gazetteer knows takes the gazetteer's name (*Moskva* → Moscow).
pub(crate) fn tagged_entity(words: &[Token<'_>], text: &str, kind: EntityKind, genitive_s: bool) -> Entity {
    let first = words[0].start;
    let last = &words[words.len() - 1];
    let surface = &text[first..last.start + last.text.len()];
    let name = canonical_name(name_before_common_noun(surface));
    let key = name_key(&name);
    // A one-word name the gazetteer knows as a place is one, whatever the tagger guessed
    // from context (*Norge* thanked for its help is still a country).
    let place_shaped = kind == EntityKind::Place || words.len() == 1;
    if place_shaped && let Some(place) = Gazetteer::get().lookup_inflected(&key, genitive_s) {
        let name = place.name.to_string();
        let key = name_key(&name);
        return Entity { text: surface.to_string(), name, key, kind: EntityKind::Place, salience: 0.0 };
    }
    Entity { text: surface.to_string(), name, key, kind, salience: 0.0 }
}

/// Whether a name as written is a compound of a name and a common noun (*Mowi-aksjen*).
pub(crate) fn is_compound(surface: &str) -> bool {
    name_before_common_noun(surface).len() < surface.len()
}

/// The name in a compound of a name and a common noun (*Mowi-aksjen*, *Nav-reformen*,
/// *Oslo-mannen*): what other articles call it (*Mowi*). Names with a hyphen inside
/// (*Jong-un*, *Nord-Korea*) continue in capitals and stay whole.
fn name_before_common_noun(surface: &str) -> &str {
    match surface.rsplit_once('-') {
        Some((name, noun))
            if !name.contains(' ')
                && noun.chars().count() >= 3
                && noun.chars().all(char::is_lowercase)
                && name.chars().next().is_some_and(char::is_uppercase) =>
        {
            name
        }
        _ => surface,
    }
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

fn classify(words: &[Token<'_>], prev_word: Option<&str>) -> EntityKind {
    let last = NameClues::of(words[words.len() - 1].text);
    if last.organisation_ending() || (words.len() == 1 && words[0].is_acronym()) {
        return EntityKind::Organization;
    }
    if is_demonym(words) {
        return EntityKind::Other;
    }
    if prev_word.is_some_and(|p| PERSON_TITLES.contains(&p)) {
        return EntityKind::Person;
    }
    let ordinary = |w: &Token<'_>| {
        NameClues::of(w.text).known_place(false) || NOT_IN_PERSON_NAMES.contains(&w.text.to_lowercase().as_str())
    };
    let person_shaped =
        (2..=4).contains(&words.len()) && words.iter().all(|w| !w.is_acronym()) && !words.iter().any(ordinary);
    // "i Per Bortens regjering": a given name first says person even after a preposition
    // of place.
    if person_shaped && NameClues::of(words[0].text).given_name() {
        return EntityKind::Person;
    }
    // "i Vågan", "near Fort McMurray": a name after a preposition of place is a place.
    if prev_word.is_some_and(|p| PLACE_PREPOSITIONS.contains(&p)) {
        return EntityKind::Place;
    }
    if person_shaped {
        return EntityKind::Person;
    }
    EntityKind::Other
}

/// A lowercase word that ends organisation names (*asa*, *partiet*), also as the head of
/// a compound (*Transportarbetareförbundet*, *Nordlandsbanken*).
pub(crate) fn has_organisation_ending(lower: &str) -> bool {
    use std::sync::OnceLock;
    // Only endings of five letters or more are heads of compounds (*Nordlandsbanken*).
    static HEADS: OnceLock<Vec<&'static str>> = OnceLock::new();
    let heads = HEADS.get_or_init(|| ORG_SUFFIXES.iter().copied().filter(|s| s.chars().count() >= 5).collect());
    ORG_SUFFIXES.contains(&lower) || heads.iter().any(|head| lower.ends_with(head))
}

/// *North Korean*, *Russian*, *Kenyan*: the adjective of a known place, not a name.
fn is_demonym(words: &[Token<'_>]) -> bool {
    let last = words[words.len() - 1].text;
    let Some(stem) = last.strip_suffix('n') else { return false };
    let mut name: Vec<&str> = words[..words.len() - 1].iter().map(|w| w.text).collect();
    name.push(stem);
    is_known_place(&name.join(" "), false)
}

/// Turns an article's mentions (the headline's `in_title` first, then the body's, in
/// order) into its distinct entities, each with one canonical name, its most specific
/// type and its salience, in order of first mention; and says which of them each mention
/// became (an index into them).
pub(crate) fn resolve(mentions: Vec<Entity>, in_title: usize, genitive_s: bool) -> (Vec<Entity>, Vec<usize>) {
    let people = full_names(mentions.iter().map(|m| (m.key.as_str(), m.name.as_str(), m.kind)));
    let kinds: FxHashMap<String, EntityKind> = mentions.iter().map(|m| (m.key.clone(), m.kind)).collect();
    let mut entities: Vec<Entity> = Vec::new();
    let mut index: FxHashMap<String, usize> = FxHashMap::default();
    let mut scores: Vec<f32> = Vec::new();
    let mut became = Vec::with_capacity(mentions.len());
    let mut votes: Vec<[u32; 4]> = Vec::new();
    for (i, mut m) in mentions.into_iter().enumerate() {
        if m.kind != EntityKind::Place
            && let Some((name, key, kind)) = referent(&m, &people, &kinds, genitive_s)
        {
            (m.name, m.key, m.kind) = (name, key, kind);
        }
        // A headline mention counts most, one in the first body sentences more than later ones.
        let score = if i < in_title {
            3.0
        } else if i < in_title + 3 {
            2.0
        } else {
            1.0
        };
        let at = *index.entry(m.key.clone()).or_insert(entities.len());
        if at == entities.len() {
            entities.push(m.clone());
            scores.push(0.0);
            votes.push([0; 4]);
        }
        scores[at] += score;
        votes[at][m.kind as usize] += 1;
        became.push(at);
    }
    let top = scores.iter().copied().fold(1.0f32, f32::max);
    for ((e, s), votes) in entities.iter_mut().zip(scores).zip(votes) {
        e.salience = (s / top * 1000.0).round() / 1000.0;
        e.kind = most_given(votes);
    }
    (entities, became)
}

/// Multi-word person names by the key of their last word and of their first: how later
/// mentions refer to them (*Usjakov* for *Jurij Usjakov*, *Kim* for *Kim Jong-un*). A
/// word two people share (*Solberg* for *Erna Solberg* and *Bjørn Solberg*) refers to
/// neither.
fn full_names<'a>(
    names: impl Iterator<Item = (&'a str, &'a str, EntityKind)>,
) -> FxHashMap<String, Option<(String, String)>> {
    let mut people: FxHashMap<String, Option<(String, String)>> = FxHashMap::default();
    for (key, name, _) in names.filter(|(_, _, kind)| *kind == EntityKind::Person) {
        let (Some((first, _)), Some((_, last))) = (key.split_once(' '), key.rsplit_once(' ')) else { continue };
        for part in [first, last] {
            let entry = people.entry(part.to_string()).or_insert_with(|| Some((name.to_string(), key.to_string())));
            if entry.as_ref().is_some_and(|(_, full)| full != key) {
                *entry = None;
            }
        }
    }
    people
}

/// For a story's names (key, name and type each, as its articles gave them), which one
/// each stands for, when that is another of them: a lone first or last name the story
/// also gives in full (*Putin* for *Vladimir Putin*, *Kim* for *Kim Jong-un*), or a
/// genitive of another (*Theresa Mays*, *Putins*). Articles fold these within themselves
/// ([`resolve`]); a story must fold them across its articles, since one article says only
/// *Støre* where another says *Jonas Gahr Støre*. A word two people of the story share
/// stands for neither, and a place never stands for a person. Across articles the types
/// are less sure than within one, so a word not itself taken for a person folds only into
/// a full name that starts with a given name (not *Notre-Dame* into a *Pariser Kathedrale
/// Notre-Dame* some article took for a person).
pub fn story_referents(names: &[(&str, &str, EntityKind)]) -> Vec<Option<usize>> {
    let people = full_names(names.iter().copied());
    let index: FxHashMap<&str, usize> = names.iter().enumerate().map(|(i, (key, _, _))| (*key, i)).collect();
    let full = |key: &str, kind: EntityKind| {
        let (name, full) = people.get(key)?.as_ref()?;
        let given = name.split_whitespace().next().is_some_and(is_given_name);
        (kind == EntityKind::Person || given).then(|| index.get(full.as_str())).flatten()
    };
    let direct: Vec<Option<usize>> = names
        .iter()
        .map(|&(key, _, kind)| {
            let own = (kind != EntityKind::Place && !key.contains(' ')).then(|| full(key, kind)).flatten();
            let genitive = || key.strip_suffix('s').filter(|b| b.chars().count() >= 3).and_then(|b| index.get(b));
            own.or_else(genitive).copied()
        })
        .collect();
    // A genitive of a short form stands for what the short form stands for (*Putins*).
    // Every step goes from one word to a longer name or drops a letter, so chains end.
    let last = |mut to: usize| {
        while let Some(next) = direct[to] {
            to = next;
        }
        to
    };
    direct.iter().map(|r| r.map(last)).collect()
}

/// The entity a mention stands for, when that is another name in the article: a surname
/// used alone (*Usjakov* for *Jurij Usjakov*), or a genitive (*Putins* where *Putin* is
/// named, *Usjakovs*).
fn referent(
    m: &Entity,
    people: &FxHashMap<String, Option<(String, String)>>,
    kinds: &FxHashMap<String, EntityKind>,
    genitive_s: bool,
) -> Option<(String, String, EntityKind)> {
    let person = |(name, key): &(String, String)| (name.clone(), key.clone(), EntityKind::Person);
    if !m.key.contains(' ')
        && let Some(full) = people.get(&m.key)
    {
        // A word two people share stays as written.
        return full.as_ref().map(person);
    }
    let base = m.name.strip_suffix('s').filter(|b| genitive_s && b.chars().count() >= 3)?;
    let base_key = name_key(base);
    if !base_key.contains(' ')
        && let Some(full) = people.get(&base_key)
    {
        return full.as_ref().map(person);
    }
    let kind = *kinds.get(&base_key)?;
    Some((base.to_string(), base_key, more_specific(kind, m.kind)))
}

/// The type most mentions of an entity were given (`votes` counts them in the order of
/// [`EntityKind`]); of types given equally often, the more informative. One mention
/// typed wrong by its context (*i Europautvalet* read as a place) does not retype the rest.
fn most_given(votes: [u32; 4]) -> EntityKind {
    const KINDS: [EntityKind; 4] = [EntityKind::Person, EntityKind::Organization, EntityKind::Place, EntityKind::Other];
    KINDS.into_iter().fold(EntityKind::Other, |best, k| {
        let (v, b) = (votes[k as usize], votes[best as usize]);
        if v > b || v == b && more_specific(best, k) == k { k } else { best }
    })
}

/// Of two types given to one entity, the more informative.
fn more_specific(a: EntityKind, b: EntityKind) -> EntityKind {
    let rank = |k: EntityKind| match k {
        EntityKind::Place => 3,
        EntityKind::Person => 2,
        EntityKind::Organization => 1,
        EntityKind::Other => 0,
    };
    if rank(b) > rank(a) { b } else { a }
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
        run_in(text, headline_case, body_for_context, false)
    }

    /// [`run`] in a language that capitalises every noun (German).
    fn run_in(text: &str, headline_case: bool, body_for_context: &str, capitalised_nouns: bool) -> Vec<Entity> {
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
        let ctx = DocumentContext {
            lowercase_words: &lowercase,
            mid_sentence_capitals: &mid,
            capitalised_nouns,
            genitive_s: !capitalised_nouns,
        };
        let tokens = tokenize(text);
        extract_spans(&tokens, &facts(&tokens), text, &ctx, headline_case).into_iter().map(|(_, e)| e).collect()
    }

    fn names(entities: &[Entity]) -> Vec<&str> {
        entities.iter().map(|e| e.name.as_str()).collect()
    }

    #[test]
    fn german_nouns_before_a_name_are_not_part_of_it() {
        let text = "Die Schwedin Greta Thunberg sprach vom Gipfeltreffen von Donald Trump, \
                    während Nordkoreas Kim Jong-un und Olaf von Berg schwiegen.";
        let e = run_in(text, false, "", true);
        assert_eq!(names(&e), ["Greta Thunberg", "Donald Trump", "Kim Jong-un", "Olaf von Berg"], "{e:?}");
        let e = run_in("Die Parlamentsdirektorin Marianne Andreassen und der Machthaber Kim Jong-un.", false, "", true);
        assert_eq!(names(&e), ["Marianne Andreassen", "Kim Jong-un"], "titles lead into names: {e:?}");
    }

    #[test]
    fn a_name_compounded_with_a_common_noun_is_the_name() {
        assert_eq!(name_before_common_noun("Mowi-aksjen"), "Mowi");
        assert_eq!(name_before_common_noun("Nord-Korea"), "Nord-Korea");
        assert_eq!(name_before_common_noun("Kim Jong-un"), "Kim Jong-un");
        assert_eq!(name_before_common_noun("Jong-un"), "Jong-un", "a two-letter tail is part of a name");
    }

    #[test]
    fn a_short_form_folds_into_the_one_full_name_it_belongs_to() {
        let mention = |text: &str, kind| Entity {
            text: text.into(),
            name: text.into(),
            key: name_key(text),
            kind,
            salience: 0.0,
        };
        let (found, _) = resolve(
            vec![
                mention("Kim Jong-un", EntityKind::Person),
                mention("Kim", EntityKind::Person),
                mention("Erna Solberg", EntityKind::Person),
                mention("Bjørn Solberg", EntityKind::Person),
                mention("Solberg", EntityKind::Person),
            ],
            0,
            true,
        );
        let names: Vec<&str> = found.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["Kim Jong-un", "Erna Solberg", "Bjørn Solberg", "Solberg"], "two Solbergs: neither");
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

    #[test]
    fn an_entity_takes_the_type_most_of_its_mentions_were_given() {
        let mention = |kind| Entity {
            text: "Europautvalet".into(),
            name: "Europautvalet".into(),
            key: name_key("Europautvalet"),
            kind,
            salience: 0.0,
        };
        use EntityKind::{Organization, Person, Place};
        let (e, became) = resolve(vec![mention(Place), mention(Organization), mention(Organization)], 0, true);
        assert_eq!((e.len(), e[0].kind), (1, Organization), "one mention read as a place does not retype the rest");
        assert_eq!(became, [0, 0, 0]);
        let (e, _) = resolve(vec![mention(Organization), mention(Place)], 0, true);
        assert_eq!(e[0].kind, Place, "a tie goes to the more informative type");
        let (e, _) = resolve(vec![mention(Person), mention(Organization)], 0, true);
        assert_eq!(e[0].kind, Person);
    }

    fn resolved(text: &str, genitive_s: bool) -> Vec<(String, EntityKind)> {
        resolve(run(text, false, ""), 0, genitive_s).0.into_iter().map(|e| (e.name, e.kind)).collect()
    }

    #[test]
    fn a_given_name_first_is_a_person_even_after_a_preposition_of_place() {
        let e = resolved("Saken ble behandlet i Per Bortens regjering, og møtet var i Vågan.", true);
        let kinds: Vec<EntityKind> = e.iter().map(|(_, k)| *k).collect();
        assert_eq!(kinds, [EntityKind::Person, EntityKind::Place], "{e:?}");
    }

    #[test]
    fn places_take_their_gazetteer_name_in_any_language() {
        let e = resolved("Møtet blir i Moskva. Lederne reiser videre til Nord-Koreas hovedstad.", true);
        assert_eq!(e, [("Moscow".to_string(), EntityKind::Place), ("North Korea".to_string(), EntityKind::Place)]);
    }

    #[test]
    fn surnames_and_genitives_resolve_to_the_full_name() {
        let e = resolved(
            "Rådgiver Jurij Usjakov bekrefter møtet. Ifølge Usjakov blir det kort. Usjakovs kontor svarte ikke.",
            true,
        );
        assert_eq!(e, [("Jurij Usjakov".to_string(), EntityKind::Person)]);
        let e = resolved("Kremlin says the talks went well. Putins office and Putin agreed.", true);
        assert!(e.contains(&("Putin".to_string(), EntityKind::Other)), "{e:?}");
        assert!(!e.iter().any(|(n, _)| n == "Putins"), "{e:?}");
    }

    #[test]
    fn a_story_folds_short_forms_and_genitives_into_the_full_name_but_not_a_shared_surname() {
        use EntityKind::{Other, Person, Place};
        let names = [
            ("vladimir putin", "Vladimir Putin", Person),
            ("putin", "Putin", Person),
            ("putins", "Putins", Other),
            ("theresa may", "Theresa May", Person),
            ("theresa mays", "Theresa Mays", Person),
            ("erna solberg", "Erna Solberg", Person),
            ("bjorn solberg", "Bjørn Solberg", Person),
            ("solberg", "Solberg", Person),
            ("kim iongun", "Kim Jong-un", Person),
            ("kim", "Kim", Other),
            ("may", "May", Place),
            ("pariser katedrale notre-dame", "Pariser Kathedrale Notre-Dame", Person),
            ("notre-dame", "Notre-Dame", Other),
        ];
        let to = story_referents(&names);
        let expected = [None, Some(0), Some(0), None, Some(3), None, None, None, None, Some(8), None, None, None];
        assert_eq!(to, expected);
    }

    #[test]
    fn salience_favours_the_headline_and_repeated_names() {
        let mentions = run("Kim Jong-un besøker Vladivostok", false, "");
        let in_title = mentions.len();
        let mut all = mentions;
        all.extend(run("Det bekrefter Dmitrij Peskov. Senere snakket Kim Jong-un med journalister.", false, ""));
        let (e, _) = resolve(all, in_title, true);
        let salience = |name: &str| e.iter().find(|x| x.name == name).map(|x| x.salience);
        assert_eq!(salience("Kim Jong-un"), Some(1.0));
        assert!(salience("Dmitrij Peskov") < salience("Vladivostok"), "{e:?}");
    }
}
