//! The [`Analyzer`]: one article in, its language, weighted features and entities out.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use tidings_article::Article;
use xxhash_rust::xxh3::xxh3_64;

use crate::compound::Decompounder;
use crate::concept::Concepts;
use crate::embedding::{EMBEDDED_BODY_CHARS, StaticModel};
use crate::entity::{self, DocumentContext, Entity, EntityKind, WordFacts};
use crate::language::{self, Lang};
use crate::name_key::word_key;
use crate::name_tagger::{self, TaggedName};
use crate::stem::Stemmers;
use crate::stopwords::StopWords;
use crate::term::{Kind, Term, TermBag, feature_hash};
use crate::token::{Token, tokenize};

/// Weight of each constituent of a split compound, next to the whole word's weight of 1.
const COMPOUND_PART_WEIGHT: f32 = 0.5;
/// Terms shown by `tidings analyze` and used as story keyword candidates.
const TOP_TERMS: usize = 16;
/// The per-thread word cache is dropped when it grows past this many words per language.
const CACHE_LIMIT: usize = 200_000;

/// What the analyzer saw in one article.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub lang: Lang,
    pub lang_confidence: f32,
    /// Features of the headline, sorted by hash.
    pub title_terms: Vec<Term>,
    /// Features of the body, sorted by hash.
    pub body_terms: Vec<Term>,
    /// Entity keys, sorted by hash.
    pub entity_terms: Vec<Term>,
    /// Entity keys a headline in title case (*Japan Says Bitcoin Not Currency*) might
    /// name: its capitalised words and pairs of them, sorted and distinct. Capitals say
    /// nothing there, so the article alone cannot tell names from words; the clusterer
    /// takes those the stream has seen as names elsewhere.
    pub title_case_names: Vec<u64>,
    /// Distinct entities in order of first mention.
    pub entities: Vec<Entity>,
    /// Where the headline and the analysed body (its first [`LEAD_BYTES`]) name them, in
    /// order: what a page highlights, and what a name evaluation scores mention by mention.
    pub mentions: Vec<NameMention>,
    /// The most weighted terms with a readable label (a surface word), heaviest first.
    pub top_terms: Vec<(u64, String, f32)>,
    /// The body's first sentences that can stand alone in a story summary.
    pub lead_sentences: Vec<LeadSentence>,
    /// The article's semantic vector (headline and lead), normalised; empty without a
    /// model (see `embedding.rs`).
    pub embedding: Vec<f32>,
}

/// One place where an article names an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameMention {
    /// In the headline, else in the body.
    pub in_title: bool,
    /// Byte offsets into the headline or the body.
    pub span: Range<usize>,
    /// The entity named: an index into [`Analysis::entities`].
    pub entity: usize,
    /// What the mention names: the entity's type, which the whole article settles on,
    /// except where the name is the first part of a compound (*Ap-velgerne*, *Mowi-aksjen*
    /// name voters and a share, not a party and a company), which keeps its own.
    pub kind: EntityKind,
}

/// A sentence from the start of a body, with the word features it contains, so that a
/// story can pick the sentences that say what most of its articles say.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LeadSentence {
    pub text: String,
    /// Word feature hashes (stems, no stop words), sorted and distinct.
    pub terms: Vec<u64>,
}

/// Sentences offered per article, and the words a summary sentence needs at least and at most.
const LEAD_SENTENCES: usize = 3;
const MIN_SENTENCE_WORDS: usize = 6;
const MAX_SENTENCE_WORDS: usize = 60;

/// What the analyzer remembers about a lowercase word in a language.
struct WordInfo {
    stop: bool,
    hash: u64,
    parts: Box<[u64]>,
}

thread_local! {
    /// Stemming and decompounding are the costly steps and news repeats its words, so
    /// each thread caches the outcome per word. Keyed by a 64-bit hash of the word, not the
    /// word: a lookup then compares one integer instead of following a pointer to compare
    /// bytes (the cache is hit for nearly every token). Two of the words in one cache
    /// sharing a hash is about as likely as two features sharing one, which the
    /// clusterer accepts already (features are 64-bit hashes).
    static WORDS: RefCell<Vec<FxHashMap<u64, WordInfo>>> =
        RefCell::new((0..language::ALL_LANGS.len()).map(|_| FxHashMap::default()).collect());
}

/// Analyzes articles. Cheap to share across threads (`&Analyzer` is `Sync`).
pub struct Analyzer {
    stop_words: StopWords,
    stemmers: Stemmers,
    decompounder: Decompounder,
    concepts: Concepts,
    /// The optional static embedding model.
    model: Option<Arc<StaticModel>>,
}

impl Default for Analyzer {
    fn default() -> Self {
        Self::new()
    }
}

impl Analyzer {
    pub fn new() -> Self {
        let stemmers = Stemmers::new();
        let concepts = Concepts::new(&stemmers);
        Self { stop_words: StopWords::new(), stemmers, decompounder: Decompounder::new(), concepts, model: None }
    }

    /// An analyzer that also gives each article a semantic vector from `model`.
    pub fn with_model(model: Option<Arc<StaticModel>>) -> Self {
        Self { model, ..Self::new() }
    }

    pub fn analyze(&self, article: &Article) -> Analysis {
        let identified = language::identify(&language_sample(article), article.lang.as_deref(), &self.stop_words);
        let lang = identified.lang;
        let title_tokens = tokenize(&article.title);
        let body_tokens = tokenize(lead(&article.text));
        let title = self.terms(lang, &title_tokens);
        let body = self.terms(lang, &body_tokens);

        let headline_case = is_headline_case(&title_tokens, &title.facts);
        let (entities, mentions) =
            entities(lang, article, (&title_tokens, &title.facts), (&body_tokens, &body.facts), headline_case);
        let entity_terms = entity_terms(lang, &entities);
        let title_case_names = if headline_case { title_case_names(&title_tokens, &title.facts) } else { Vec::new() };
        let top_terms = top_terms((&title, &title_tokens), (&body, &body_tokens));
        let lead_sentences = lead_sentences(lead(&article.text), &body_tokens, &body.facts);
        let (title_terms, body_terms) = (title.terms, body.terms);
        let embedding = self.model.as_ref().map(|m| m.embed(&embedded_text(article))).unwrap_or_default();
        Analysis {
            lang,
            lang_confidence: identified.confidence,
            title_terms,
            body_terms,
            entity_terms,
            title_case_names,
            entities,
            mentions,
            top_terms,
            lead_sentences,
            embedding,
        }
    }

    /// The rules' label of each word of a body in `lang` (its `tokens`), judged with what
    /// the body says about its words, as [`Analyzer::analyze`] judges them: the hint the
    /// name tagger learns from (see [`crate::NameTrainer`]).
    pub fn rule_labels(&self, lang: Lang, text: &str, tokens: &[Token<'_>]) -> Vec<name_tagger::Label> {
        let facts = self.terms(lang, tokens).facts;
        let (lowercase_words, mid_sentence_capitals) =
            word_evidence(tokens.iter().zip(&facts), tokens.iter().zip(&facts));
        let ctx = DocumentContext {
            lowercase_words: &lowercase_words,
            mid_sentence_capitals: &mid_sentence_capitals,
            capitalised_nouns: lang == Lang::German,
            genitive_s: lang.compounds(),
        };
        rule_labels(tokens, &facts, text, &ctx, false)
    }

    /// The language of a text without an article around it.
    pub fn identify(&self, text: &str) -> Lang {
        language::identify(text, None, &self.stop_words).lang
    }

    /// Identifies the language only (cheaper than a full analysis).
    pub fn language(&self, article: &Article) -> language::Identified {
        language::identify(&language_sample(article), article.lang.as_deref(), &self.stop_words)
    }

    /// The weighted terms of a token sequence, with each term's source word as a label,
    /// and what was learnt about each token on the way.
    fn terms(&self, lang: Lang, tokens: &[Token<'_>]) -> SegmentTerms {
        let mut bag = TermBag::default();
        let mut facts = Vec::with_capacity(tokens.len());
        let mut lower = String::new();
        WORDS.with_borrow_mut(|caches| {
            let cache = &mut caches[lang as usize];
            if cache.len() > CACHE_LIMIT {
                cache.clear();
            }
            for (i, token) in tokens.iter().enumerate() {
                let i = i as u32;
                if token.is_numeric() {
                    let hash = feature_hash(Kind::Number, &normalise_number(token.text));
                    bag.add(hash, 1.0, i);
                    facts.push(WordFacts { word: hash, stop: false });
                    continue;
                }
                let word = if is_lowercase_already(token.text) {
                    token.text
                } else {
                    lower.clear();
                    lower.extend(token.text.chars().flat_map(char::to_lowercase).map(straight_apostrophe));
                    lower.as_str()
                };
                let info = cache.entry(xxh3_64(word.as_bytes())).or_insert_with(|| self.word_info(lang, word));
                facts.push(WordFacts { word: info.hash, stop: info.stop });
                if info.stop {
                    continue;
                }
                bag.add(info.hash, 1.0, i);
                for &part in &info.parts {
                    bag.add(part, COMPOUND_PART_WEIGHT, i);
                }
            }
        });
        let merged = bag.finish();
        let (terms, sources) = merged.into_iter().unzip();
        SegmentTerms { terms, sources, facts }
    }

    fn word_info(&self, lang: Lang, lower: &str) -> WordInfo {
        let stop = lower.chars().count() < 2 || self.stop_words.contains(lang, lower);
        // A word of the cross-language lexicon is its concept: the same feature in every
        // language, and still one feature per word within one.
        let feature = |stem: &str| self.concepts.of(lang, stem).unwrap_or_else(|| feature_hash(Kind::Word, stem));
        let stem = self.stemmers.stem(lang, lower);
        let parts =
            self.decompounder.split(lang, lower).into_iter().map(|p| feature(&self.stemmers.stem(lang, p))).collect();
        WordInfo { stop, hash: feature(&stem), parts }
    }
}

/// What goes into an article's semantic vector: its headline and the start of its lead,
/// cut at a character boundary.
fn embedded_text(article: &Article) -> String {
    let body = lead(&article.text);
    let end = body.char_indices().nth(EMBEDDED_BODY_CHARS).map_or(body.len(), |(i, _)| i);
    format!("{}\n{}", article.title, &body[..end])
}

/// A word that lowercasing leaves as it is: no capital, no typeset apostrophe, nothing
/// beyond Latin-1 (whose small letters are their own lowercase). Most words of Western
/// European text are such, and need no lowercase copy.
fn is_lowercase_already(word: &str) -> bool {
    word.chars().all(|c| c.is_ascii() && !c.is_ascii_uppercase() || matches!(c, 'ß'..='ÿ') && c != '÷')
}

/// Typeset apostrophes (*Titanfall’s*) are the typewriter one (*Titanfall's*), whose
/// possessive the English stemmer removes; otherwise the two spellings never meet.
fn straight_apostrophe(c: char) -> char {
    if c == '\u{2019}' { '\'' } else { c }
}

/// The terms of a headline or a body.
struct SegmentTerms {
    terms: Vec<Term>,
    /// For each term, the index of the first token that produced it (its label).
    sources: Vec<u32>,
    facts: Vec<WordFacts>,
}

/// The entities of the headline and the body and where each is named, judged with what
/// the whole article says about each word (is it also written in lowercase? capitalised
/// mid-sentence?).
fn entities(
    lang: Lang,
    article: &Article,
    (title, title_facts): (&[Token<'_>], &[WordFacts]),
    (body, body_facts): (&[Token<'_>], &[WordFacts]),
    headline_case: bool,
) -> (Vec<Entity>, Vec<NameMention>) {
    let (lowercase_words, mid_sentence_capitals) =
        word_evidence(title.iter().zip(title_facts).chain(body.iter().zip(body_facts)), body.iter().zip(body_facts));
    let ctx = DocumentContext {
        lowercase_words: &lowercase_words,
        mid_sentence_capitals: &mid_sentence_capitals,
        capitalised_nouns: lang == Lang::German,
        genitive_s: lang.compounds(),
    };
    let found = |tokens: &[Token<'_>], facts: &[WordFacts], text: &str, headline_case: bool| {
        if matches!(lang, Lang::Bokmal | Lang::Nynorsk) {
            // Norwegian has a learned tagger (it types names by context and knows the
            // lowercase words inside them), which reads what the rules found as a hint.
            let rules = rule_labels(tokens, facts, text, &ctx, headline_case);
            return name_tagger::tagged_entities(tokens, facts, &rules, text, ctx.genitive_s);
        }
        let spans = entity::extract_spans(tokens, facts, text, &ctx, headline_case);
        spans.into_iter().map(|(words, e)| (name_tagger::span_of(&tokens[words]), e)).collect()
    };
    let mut mentions = found(title, title_facts, &article.title, headline_case);
    let in_title = mentions.len();
    mentions.extend(found(body, body_facts, &article.text, false));
    let (spans, mentions): (Vec<Range<usize>>, Vec<Entity>) = mentions.into_iter().unzip();
    let compounds: Vec<Option<EntityKind>> =
        mentions.iter().map(|m| entity::is_compound(&m.text).then_some(m.kind)).collect();
    let (entities, became) = entity::resolve(mentions, in_title, ctx.genitive_s);
    let mentions = spans
        .into_iter()
        .zip(became)
        .zip(compounds)
        .enumerate()
        .map(|(i, ((span, at), compound))| {
            let kind = compound.unwrap_or(entities[at].kind);
            NameMention { in_title: i < in_title, span, entity: at, kind }
        })
        .collect();
    (entities, mentions)
}

/// What a text says about its words: those written in lowercase somewhere in `all`, and
/// those capitalised away from a sentence start in `running` (running text, not headlines).
fn word_evidence<'a, 't: 'a>(
    all: impl Iterator<Item = (&'a Token<'t>, &'a WordFacts)>,
    running: impl Iterator<Item = (&'a Token<'t>, &'a WordFacts)>,
) -> (FxHashSet<u64>, FxHashSet<u64>) {
    let lowercase = all.filter(|(t, _)| !t.is_capitalised()).map(|(_, f)| f.word).collect();
    let capitals = running.filter(|(t, _)| t.is_capitalised() && !t.sentence_initial).map(|(_, f)| f.word).collect();
    (lowercase, capitals)
}

/// The label the rules give each word (the name tagger's hint).
fn rule_labels(
    tokens: &[Token<'_>],
    facts: &[WordFacts],
    text: &str,
    ctx: &DocumentContext<'_>,
    headline_case: bool,
) -> Vec<name_tagger::Label> {
    let spans: Vec<TaggedName> = entity::extract_spans(tokens, facts, text, ctx, headline_case)
        .into_iter()
        .map(|(words, e)| TaggedName { start: words.start, end: words.end, kind: e.kind })
        .collect();
    name_tagger::labels_of(&spans, tokens.len())
}

/// The first [`LEAD_SENTENCES`] sentences of a body that read as sentences on their own:
/// ended by a full stop, question or exclamation mark, of a sensible length, and neither a
/// quote (news quotes open with a dash or quotation mark) nor a caption (`FOTO:`).
fn lead_sentences(text: &str, tokens: &[Token<'_>], facts: &[WordFacts]) -> Vec<LeadSentence> {
    let mut out = Vec::new();
    // A line break ends a sentence too (a caption line, a standfirst without a full stop).
    let after_break = |i: usize| i > 0 && text[tokens[i - 1].start..tokens[i].start].contains('\n');
    let starts: Vec<usize> = (0..tokens.len()).filter(|&i| tokens[i].sentence_initial || after_break(i)).collect();
    for (n, &first) in starts.iter().enumerate() {
        if out.len() == LEAD_SENTENCES {
            break;
        }
        let end_token = starts.get(n + 1).copied().unwrap_or(tokens.len());
        let end_byte = starts.get(n + 1).map_or(text.len(), |&next| tokens[next].start);
        // The opening dash or quotation mark of the next sentence is not part of this one.
        let sentence =
            text[tokens[first].start..end_byte].trim_end_matches(['–', '-', '«', '“', '„', ' ', '\n']).trim();
        let words = end_token - first;
        let quote = text[..tokens[first].start].trim_end().ends_with(['–', '-', '«', '"', '“', '„']);
        let ended = sentence.ends_with(['.', '!', '?']) || sentence.ends_with(".\"") || sentence.ends_with(".»");
        if quote || !ended || tokens[first].before_colon || !(MIN_SENTENCE_WORDS..=MAX_SENTENCE_WORDS).contains(&words)
        {
            continue;
        }
        let mut terms: Vec<u64> = facts[first..end_token].iter().filter(|f| !f.stop).map(|f| f.word).collect();
        terms.sort_unstable();
        terms.dedup();
        out.push(LeadSentence { text: sentence.split_whitespace().collect::<Vec<_>>().join(" "), terms });
    }
    out
}

/// The part of the body that is analyzed: news puts the event first (the inverted
/// pyramid), and later paragraphs add background that mostly blurs one story into the
/// next. Measured on ECB+ (articles of about 330 words), reading only the lead changes
/// BCubed F1 by less than 0.002 and nearly doubles throughput on 300–800-word bodies.
pub const LEAD_BYTES: usize = 1500;

/// The first [`LEAD_BYTES`] of a body, ending at a word boundary.
fn lead(text: &str) -> &str {
    language::shorten(text, LEAD_BYTES)
}

/// Title plus the start of the body: what the language identifier reads.
fn language_sample(article: &Article) -> String {
    let mut s = String::with_capacity(article.title.len() + 512);
    s.push_str(&article.title);
    s.push_str(". ");
    s.push_str(language::shorten(&article.text, 480));
    s
}

/// English-style headlines capitalise every word: there, capitals are style, not names.
fn is_headline_case(title: &[Token<'_>], facts: &[WordFacts]) -> bool {
    let content: Vec<_> = title
        .iter()
        .zip(facts)
        .filter(|(t, f)| !t.is_numeric() && t.text.chars().count() >= 4 && !f.stop)
        .map(|(t, _)| t)
        .collect();
    let capitalised = content.iter().filter(|t| t.is_capitalised()).count();
    content.len() >= 3 && capitalised * 10 >= content.len() * 7
}

/// The keys of a title-case headline's capitalised words that are not stop words, and of
/// each pair of them in a row (*Mt. Gox*), as entity features.
fn title_case_names(title: &[Token<'_>], facts: &[WordFacts]) -> Vec<u64> {
    let keys: Vec<Option<String>> = title
        .iter()
        .zip(facts)
        .map(|(t, f)| (t.is_capitalised() && !t.is_numeric() && !f.stop).then(|| word_key(t.text)))
        .map(|k| k.filter(|k| k.chars().count() >= 2))
        .collect();
    let mut names: Vec<u64> = keys.iter().flatten().map(|k| feature_hash(Kind::Entity, k)).collect();
    for pair in keys.windows(2) {
        if let [Some(a), Some(b)] = pair {
            names.push(feature_hash(Kind::Entity, &format!("{a} {b}")));
        }
    }
    names.sort_unstable();
    names.dedup();
    names
}

/// `7,2` and `7.2` are one number; a trailing full stop is punctuation.
fn normalise_number(text: &str) -> String {
    text.trim_end_matches('.').replace(',', ".")
}

/// Entity keys as features: the whole name, and for longer names also the last word,
/// which is how other articles refer to people (*Usjakov*). In languages with a genitive
/// `-s`, a one-word name the article did not also write without it (*Putins* alone) adds
/// the form without it at half weight.
fn entity_terms(lang: Lang, entities: &[Entity]) -> Vec<Term> {
    let mut bag = TermBag::default();
    for e in entities {
        bag.add(feature_hash(Kind::Entity, &e.key), 1.0, 0);
        if let Some((_, last)) = e.key.rsplit_once(' ') {
            bag.add(feature_hash(Kind::Entity, last), 1.0, 0);
        } else if lang.compounds() && e.name.chars().count() >= 5 && e.name.ends_with('s') {
            let base = word_key(&e.name[..e.name.len() - 1]);
            bag.add(feature_hash(Kind::Entity, &base), 0.5, 0);
        }
    }
    bag.finish().into_iter().map(|(t, _)| t).collect()
}

/// The heaviest terms, the headline's counting double, labelled with a word that produced
/// them (from the headline where it has one). Only the winners get a label string.
fn top_terms(title: (&SegmentTerms, &[Token<'_>]), body: (&SegmentTerms, &[Token<'_>])) -> Vec<(u64, String, f32)> {
    let ((t, t_tokens), (b, b_tokens)) = (title, body);
    // Both term lists are sorted by hash: merge them.
    let mut merged: Vec<(u64, f32, &str)> = Vec::with_capacity(t.terms.len() + b.terms.len());
    let (mut i, mut j) = (0, 0);
    while i < t.terms.len() || j < b.terms.len() {
        let th = t.terms.get(i).map_or(u64::MAX, |x| x.hash);
        let bh = b.terms.get(j).map_or(u64::MAX, |x| x.hash);
        let title_label = |i: usize| t_tokens[t.sources[i] as usize].text;
        if th < bh || (th == bh && j >= b.terms.len()) {
            merged.push((th, 2.0 * t.terms[i].weight, title_label(i)));
            i += 1;
        } else if bh < th || i >= t.terms.len() {
            merged.push((bh, b.terms[j].weight, b_tokens[b.sources[j] as usize].text));
            j += 1;
        } else {
            merged.push((th, 2.0 * t.terms[i].weight + b.terms[j].weight, title_label(i)));
            i += 1;
            j += 1;
        }
    }
    merged.sort_unstable_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    merged.truncate(TOP_TERMS);
    merged.into_iter().map(|(h, w, label)| (h, label.to_lowercase(), w)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tidings_article::Origin;

    fn article(title: &str, text: &str, lang: Option<&str>) -> Article {
        Article {
            id: "t".into(),
            published: None,
            title: title.into(),
            text: text.into(),
            lang: lang.map(Into::into),
            source: None,
            url: None,
            section: None,
            origin: Origin::new(Arc::from("t"), None),
        }
    }

    #[test]
    fn words_taken_as_lowercase_already_are() {
        for c in ('\0'..='\u{24F}').chain(['’', 'ǅ', 'Σ', 'ς', '東']) {
            let word = format!("a{c}b");
            if is_lowercase_already(&word) {
                assert_eq!(word.to_lowercase(), word, "{c:?}");
            }
        }
        assert!(is_lowercase_already("blåbærsyltetøy") && is_lowercase_already("l'été"));
        assert!(!is_lowercase_already("Ærø") && !is_lowercase_already("putin’s"));
    }

    #[test]
    fn mentions_say_where_each_entity_is_named() {
        let a = article(
            "Støre til Bergen",
            "Statsminister Jonas Gahr Støre kom til Bergen tirsdag. Der møtte Støre ordføreren.",
            Some("nb"),
        );
        let analysis = Analyzer::new().analyze(&a);
        let named: Vec<(bool, &str, &str)> = analysis
            .mentions
            .iter()
            .map(|m| {
                let segment = if m.in_title { &a.title } else { &a.text };
                (m.in_title, &segment[m.span.clone()], analysis.entities[m.entity].name.as_str())
            })
            .collect();
        assert_eq!(
            named,
            [
                (true, "Støre", "Jonas Gahr Støre"),
                (true, "Bergen", "Bergen"),
                (false, "Jonas Gahr Støre", "Jonas Gahr Støre"),
                (false, "Bergen", "Bergen"),
                (false, "Støre", "Jonas Gahr Støre"),
            ],
            "{analysis:?}"
        );
        let kinds: Vec<EntityKind> = analysis.mentions.iter().map(|m| m.kind).collect();
        use EntityKind::{Person, Place};
        assert_eq!(kinds, [Person, Place, Person, Place, Person]);
    }

    fn shared(a: &[Term], b: &[Term]) -> usize {
        a.iter().filter(|x| b.iter().any(|y| y.hash == x.hash)).count()
    }

    #[test]
    fn title_case_headlines_offer_their_capitalised_words_as_possible_names() {
        let analyzer = Analyzer::new();
        let title_case = analyzer.analyze(&article("Forget Mt. Gox: Bitcoins Will Still Be Your Currency", "", None));
        let key = |words: &[&str]| {
            feature_hash(Kind::Entity, &words.iter().map(|w| word_key(w)).collect::<Vec<_>>().join(" "))
        };
        let names = &title_case.title_case_names;
        assert!(names.contains(&key(&["Gox"])) && names.contains(&key(&["Mt", "Gox"])), "Gox, and Mt. Gox");
        assert!(names.contains(&key(&["Bitcoins"])) && !names.contains(&key(&["Will"])), "stop words are not names");
        assert!(names.is_sorted());
        // In sentence case capitals mean something: entities are found the usual way.
        let sentence_case = analyzer.analyze(&article("Japan says bitcoin is not a currency", "", None));
        assert!(sentence_case.title_case_names.is_empty());
    }

    #[test]
    fn brief_example_articles_share_terms_and_entities() {
        let analyzer = Analyzer::new();
        let a = analyzer.analyze(&article(
            "Usjakov bekrefter toppmøte i Vladivostok",
            "Putins rådgiver Jurij Usjakov bekrefter at Kim Jong-un kommer til Vladivostok. Atomprogrammet blir hovedtema.",
            Some("nb"),
        ));
        let b = analyzer.analyze(&article(
            "",
            "Møtet mellom Putin og Kim Jong-un er i gang i Vladivostok, sier rådgiver Juri Usjakov. Atomvåpenprogrammet står sentralt.",
            None,
        ));
        assert_eq!(a.lang, Lang::Bokmal);
        assert_eq!(b.lang, Lang::Bokmal);
        let keys = |x: &Analysis| x.entities.iter().map(|e| e.key.clone()).collect::<Vec<_>>();
        assert!(keys(&a).contains(&"iuri usakov".to_string()), "{:?}", a.entities);
        assert!(keys(&b).contains(&"iuri usakov".to_string()), "{:?}", b.entities);
        // Putin, Kim Jong-un, Vladivostok, Usjakov all meet; the genitive Putins too.
        assert!(shared(&a.entity_terms, &b.entity_terms) >= 4, "{:?} {:?}", a.entities, b.entities);
        // atomprogrammet / atomvåpenprogrammet share "atom" and "program".
        assert!(shared(&a.body_terms, &b.body_terms) >= 4);
    }

    #[test]
    fn a_norwegian_name_ends_before_a_dash_and_never_on_a_function_word() {
        let analyzer = Analyzer::new();
        let a = analyzer.analyze(&article(
            "Ny ferje på sambandet",
            "Ferja går på sambandet Drøbak–Horten fra mandag. Den lades ved kai i Horten på ti minutter, \
             sier daglig leder Kari Holm i rederiet til NRK.",
            Some("nb"),
        ));
        let names: Vec<&str> = a.entities.iter().map(|e| e.name.as_str()).collect();
        assert!(names.contains(&"Horten") && names.contains(&"Kari Holm") && names.contains(&"NRK"), "{names:?}");
        assert!(!names.iter().any(|n| n.contains('–') || n.ends_with(" på")), "{names:?}");
    }

    #[test]
    fn typeset_and_typewriter_possessives_are_one_term() {
        let analyzer = Analyzer::new();
        let hashes = |title: &str| {
            let a = analyzer.analyze(&article(title, "", Some("en")));
            a.title_terms.iter().map(|t| t.hash).collect::<Vec<_>>()
        };
        let plain = hashes("Titanfall launch delayed");
        assert_eq!(hashes("Titanfall\u{2019}s launch delayed"), plain);
        assert_eq!(hashes("Titanfall's launch delayed"), plain);
    }

    #[test]
    fn stop_words_go_and_numbers_stay() {
        let analyzer = Analyzer::new();
        let a = analyzer.analyze(&article(
            "",
            "The quake of magnitude 7,2 hit the city and the quake was felt.",
            Some("en"),
        ));
        let labels: Vec<&str> = a.top_terms.iter().map(|(_, l, _)| l.as_str()).collect();
        assert_eq!(labels[0], "quake");
        assert!(labels.contains(&"7,2"));
        assert!(!labels.contains(&"the") && !labels.contains(&"and"));
    }

    #[test]
    fn only_the_lead_is_read() {
        let analyzer = Analyzer::new();
        let body = format!("{} Zanzibar.", "Ferja gikk på grunn ved Bodø i natt. ".repeat(60));
        let a = analyzer.analyze(&article("", &body, Some("nb")));
        assert!(!a.top_terms.iter().any(|(_, l, _)| l == "zanzibar"));
        assert!(lead(&body).len() <= LEAD_BYTES && body.starts_with(lead(&body)));
        assert_eq!(lead("kort tekst"), "kort tekst");
    }

    #[test]
    fn analysis_is_deterministic() {
        let analyzer = Analyzer::new();
        let art = article("Ferja gikk på grunn ved Bodø", "Ferjeulykka skjedde tirsdag. Ingen ble skadd.", None);
        let a = analyzer.analyze(&art);
        let b = analyzer.analyze(&art);
        assert_eq!(a.body_terms, b.body_terms);
        assert_eq!(a.top_terms, b.top_terms);
    }

    #[test]
    fn lead_sentences_skip_quotes_captions_and_fragments() {
        let text = "FOTO: NTB\nFergen gikk på grunn ved Moskenes tidlig søndag morgen med 40 passasjerer. \
            – Det var en voldsom smell, sier en passasjer. Alle kom seg i land. \
            Redningsskøyta var på stedet etter tjue minutter og slepte fergen til kai. \
            Politiet har startet etterforskning av ulykken i Lofoten. Mer kommer.";
        let a = Analyzer::new().analyze(&article("Ferge på grunn", text, Some("nb")));
        let texts: Vec<&str> = a.lead_sentences.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Fergen gikk på grunn ved Moskenes tidlig søndag morgen med 40 passasjerer.",
                "Redningsskøyta var på stedet etter tjue minutter og slepte fergen til kai.",
                "Politiet har startet etterforskning av ulykken i Lofoten.",
            ]
        );
        assert!(a.lead_sentences.iter().all(|s| !s.terms.is_empty() && s.terms.is_sorted()));
    }
}
