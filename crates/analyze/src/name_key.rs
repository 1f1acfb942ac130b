//! Name keys: one spelling-independent key per name, so that transliteration variants
//! meet (Jurij / Juri / Yuri / Iouri; Usjakov / Ushakov / Uschakow; Dmitrij / Dmitry;
//! Путин / Putin). The key is a matching device, never shown as a name.

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64;

/// The key of a whole name: each word keyed, joined by spaces.
pub fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for word in name.split(|c: char| c.is_whitespace()) {
        with_word_key(word, |k| {
            if !k.is_empty() {
                if !key.is_empty() {
                    key.push(' ');
                }
                key.push_str(k);
            }
        });
    }
    key
}

/// The key of one word: transliterated to Latin, folded to plain letters, with the
/// spellings that transliteration schemes disagree on mapped to one letter.
pub fn word_key(word: &str) -> String {
    with_word_key(word, str::to_owned)
}

thread_local! {
    /// Keys are asked for every capitalised word an article might name, and names repeat
    /// (a tenth of the analyzer's time went to recomputing them): each thread remembers
    /// the keys of the words it has seen, by a 64-bit hash of the word.
    static WORD_KEYS: RefCell<FxHashMap<u64, Box<str>>> = RefCell::new(FxHashMap::default());
}

/// The cache of word keys is dropped when it grows past this many words.
const WORD_KEY_CACHE_LIMIT: usize = 100_000;

/// Calls `f` with the key of `word`, computed once per thread.
fn with_word_key<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    WORD_KEYS.with_borrow_mut(|cache| {
        if cache.len() > WORD_KEY_CACHE_LIMIT {
            cache.clear();
        }
        let key = cache.entry(xxh3_64(word.as_bytes())).or_insert_with(|| compute_word_key(word).into_boxed_str());
        f(key)
    })
}

fn compute_word_key(word: &str) -> String {
    let lower: String = word.chars().flat_map(char::to_lowercase).collect();
    let mut latin = String::with_capacity(lower.len() + 4);
    for c in strip_possessive(&lower).chars() {
        fold_char(c, &mut latin);
    }
    let mut s = latin;
    // Multi-letter spellings first, longest first, to placeholders (capitals cannot occur here).
    for (from, to) in [
        ("shch", "S"),
        ("tsch", "C"),
        ("tsj", "C"),
        ("tch", "C"),
        ("sch", "S"),
        ("ch", "C"),
        ("sh", "S"),
        ("sj", "S"),
        ("zh", "S"),
        ("zj", "S"),
        ("kh", "H"),
        ("ph", "f"),
        ("th", "t"),
        ("ck", "k"),
        ("ou", "u"),
        ("ts", "C"),
        ("tz", "C"),
    ] {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let mapped = match c {
            'w' => 'v',
            'y' | 'j' => 'i',
            'z' => 's',
            'q' | 'c' => 'k',
            'C' => 'c',
            'S' => 's',
            'H' => 'h',
            c => c,
        };
        // Doubled letters are spelling, not sound: Jurij → iurii → iuri.
        if out.ends_with(mapped) {
            continue;
        }
        out.push(mapped);
    }
    out
}

/// `Putin's` → `Putin`; a lone trailing apostrophe (`Lukas'`) goes too.
fn strip_possessive(word: &str) -> &str {
    for suffix in ["'s", "’s", "'", "’"] {
        if let Some(base) = word.strip_suffix(suffix)
            && !base.is_empty()
        {
            return base;
        }
    }
    word
}

/// Folds one lowercase character to ASCII letters: diacritics dropped, Nordic and German
/// letters spelt out, Cyrillic and Greek transliterated. Other symbols are dropped.
fn fold_char(c: char, out: &mut String) {
    let s: &str = match c {
        'a'..='z' | '0'..='9' => {
            out.push(c);
            return;
        }
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' => "i",
        'ł' | 'ľ' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' => "r",
        'ś' | 'š' | 'ş' => "s",
        'ß' => "ss",
        'ť' | 'ţ' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        // Cyrillic (Russian and Ukrainian letters).
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'ґ' => "g",
        'д' => "d",
        'е' | 'ё' | 'є' | 'э' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' | 'ї' | 'ы' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ю' => "yu",
        'я' => "ya",
        'ъ' | 'ь' => "",
        // Greek.
        'α' | 'ά' => "a",
        'β' => "v",
        'γ' => "g",
        'δ' => "d",
        'ε' | 'έ' => "e",
        'ζ' => "z",
        'η' | 'ή' | 'ι' | 'ί' | 'ϊ' | 'ΐ' => "i",
        'θ' => "th",
        'κ' => "k",
        'λ' => "l",
        'μ' => "m",
        'ν' => "n",
        'ξ' => "x",
        'ο' | 'ό' | 'ω' | 'ώ' => "o",
        'π' => "p",
        'ρ' => "r",
        'σ' | 'ς' => "s",
        'τ' => "t",
        'υ' | 'ύ' => "y",
        'φ' => "f",
        'χ' => "ch",
        'ψ' => "ps",
        _ if c.is_alphanumeric() => {
            out.push(c);
            return;
        }
        _ => "",
    };
    out.push_str(s);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) {
        assert_eq!(name_key(a), name_key(b), "{a} vs {b}");
    }

    #[test]
    fn transliteration_variants_meet() {
        for variant in ["Juri Usjakov", "Yuri Ushakov", "Juri Uschakow", "Юрий Ушаков"] {
            same("Jurij Usjakov", variant);
        }
        same("Dmitrij Medvedev", "Dmitry Medvedev");
        same("Dmitri Medwedew", "Дмитрий Медведев");
        same("Putin's", "Putin");
        same("PUTIN'S", "Putin");
        same("Tsjernobyl", "Tschernobyl");
        same("Zelensky", "Selenskyj");
    }

    #[test]
    fn different_names_stay_apart() {
        assert_ne!(name_key("Putin"), name_key("Patel"));
        assert_ne!(name_key("Kim Jong-un"), name_key("Kim Jong-il"));
        assert_ne!(name_key("Oslo"), name_key("Osaka"));
    }

    #[test]
    fn nordic_letters_fold() {
        assert_eq!(name_key("Ærø Ålesund"), "aero alesund");
        assert_eq!(name_key("Støre"), "store");
    }
}
