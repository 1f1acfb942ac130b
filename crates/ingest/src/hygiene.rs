//! What every reader does to an article before handing it on: characters that are not
//! text are taken out, a title is kept to a title's length, and a publication time that
//! cannot be one is dropped with a warning (the article is kept, undated).
//!
//! Titles and sources end up in pages, feeds and terminals: a NUL, an escape sequence or a
//! right-to-left override (U+202E, which makes `exe.txt` read as `txt.exe`) must not.

use jiff::Timestamp;
use tidings_article::Article;

/// Longest title kept, in characters; a longer one is cut at a word and marked with `…`.
pub const MAX_TITLE_CHARS: usize = 500;

/// Cleans `article` in place. `now` is the present, against which dates are judged.
pub(crate) fn clean(article: &mut Article, now: Timestamp) {
    article.title = title(&article.title);
    clean_text(&mut article.text, true);
    for field in [&mut article.source, &mut article.section, &mut article.lang] {
        if let Some(value) = field {
            *value = title(value);
            if value.is_empty() {
                *field = None;
            }
        }
    }
    if let Some(published) = article.published
        && let Some(why) = published.implausible(now)
    {
        tracing::warn!(
            "{}: the publication date {} is {why}; the article is kept without a date",
            article.origin,
            published.to_display_string()
        );
        article.published = None;
    }
}

/// A one-line label: control and bidi-override characters gone, white space collapsed,
/// at most [`MAX_TITLE_CHARS`].
fn title(raw: &str) -> String {
    let mut s = raw.to_string();
    clean_text(&mut s, false);
    let mut out = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((cut, _)) = out.char_indices().nth(MAX_TITLE_CHARS) {
        let at_word = out[..cut].rfind(' ').filter(|&w| w > cut / 2).unwrap_or(cut);
        out.truncate(at_word);
        out.push('…');
    }
    out
}

/// Removes what is not text: C0 and C1 control characters (keeping line breaks and tabs
/// in a body, where they separate paragraphs) and the invisible characters that reorder
/// text (bidi embeddings, overrides and isolates). Allocates only when there is any.
fn clean_text(s: &mut String, keep_lines: bool) {
    if !has_unwanted(s.as_bytes(), keep_lines) {
        return;
    }
    *s = s
        .chars()
        .filter_map(|c| {
            if !unwanted(c, keep_lines) {
                Some(c)
            } else if !keep_lines && c.is_whitespace() {
                Some(' ')
            } else {
                None
            }
        })
        .collect();
}

fn unwanted(c: char, keep_lines: bool) -> bool {
    match c {
        '\n' | '\t' | '\r' => !keep_lines,
        c if c.is_control() => true,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// Whether [`unwanted`] holds for any character, read from the UTF-8 bytes: every body
/// passes through here, and decoding characters to look for a rare few cost 3.5 % of a
/// whole clustering run on real text. C0 controls and DEL are single bytes, C1 controls
/// are `C2 80..9F`, the bidi controls `E2 80 AA..AE` and `E2 81 A6..A9`. Blocks of bytes
/// are first screened for those lead bytes in a loop the compiler vectorises; only a
/// block with one (a line break, a dash, a quotation mark) is looked at byte by byte.
fn has_unwanted(b: &[u8], keep_lines: bool) -> bool {
    const BLOCK: usize = 32;
    let mut start = 0;
    while start < b.len() {
        let end = (start + BLOCK).min(b.len());
        let suspect =
            b[start..end].iter().fold(false, |acc, &x| acc | (x < 0x20) | (x == 0x7F) | (x == 0xC2) | (x == 0xE2));
        if suspect && (start..end).any(|i| unwanted_at(b, i, keep_lines)) {
            return true;
        }
        start = end;
    }
    false
}

/// Whether an unwanted character starts at byte `i`.
fn unwanted_at(b: &[u8], i: usize, keep_lines: bool) -> bool {
    match b[i] {
        b'\n' | b'\t' | b'\r' => !keep_lines,
        0x00..=0x1F | 0x7F => true,
        0xC2 => matches!(b.get(i + 1), Some(0x80..=0x9F)),
        0xE2 => {
            matches!((b.get(i + 1), b.get(i + 2)), (Some(0x80), Some(0xAA..=0xAE)) | (Some(0x81), Some(0xA6..=0xA9)))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tidings_article::{Origin, parse_published};

    fn article(title: &str, text: &str, published: &str) -> Article {
        Article {
            id: "a".into(),
            published: parse_published(published),
            title: title.into(),
            text: text.into(),
            lang: None,
            source: Some("  Nord\u{0}lys\u{1b}[31m ".into()),
            url: None,
            section: Some("\u{202E}".into()),
            origin: Origin::new(Arc::from("in.jsonl"), Some(3)),
        }
    }

    fn now() -> Timestamp {
        parse_published("2026-12-01T12:00:00Z").expect("date").at
    }

    #[test]
    fn control_and_bidi_characters_leave_titles_and_bodies() {
        let mut a = article(
            "Brua\u{0} er\n\u{202E}åpnet\u{85}",
            "Første avsnitt.\n\nAndre\u{7} avsnitt.\u{2066}",
            "2026-11-30",
        );
        clean(&mut a, now());
        assert_eq!(a.title, "Brua er åpnet");
        assert_eq!(a.text, "Første avsnitt.\n\nAndre avsnitt.");
        assert_eq!(a.source.as_deref(), Some("Nordlys[31m"));
        assert_eq!(a.section, None, "nothing left of it");
        assert!(a.published.is_some());
    }

    #[test]
    fn the_byte_scan_finds_exactly_the_unwanted_characters() {
        for c in ['\u{0}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}', '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}'] {
            assert!(has_unwanted(format!("a{c}b").as_bytes(), true), "{c:?}");
        }
        for c in ['\n', '–', '“', '\u{2029}', '\u{2070}', '\u{a0}', 'é', 'ø', '\u{202f}'] {
            assert!(!has_unwanted(format!("a{c}b").as_bytes(), true), "{c:?}");
        }
        assert!(has_unwanted(b"a\nb", false));
        // Across the screening blocks, and a character split between two of them.
        let long = format!("{}\u{202e}{}", "x".repeat(31), "y".repeat(40));
        assert!(has_unwanted(long.as_bytes(), true));
        assert!(!has_unwanted(format!("{}–{}", "x".repeat(31), "y".repeat(40)).as_bytes(), true));
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            assert_eq!(has_unwanted(c.to_string().as_bytes(), true), unwanted(c, true), "{c:?}");
        }
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let mut a = article(&"ordet ".repeat(200), "", "2026-11-30");
        clean(&mut a, now());
        assert!(a.title.chars().count() <= MAX_TITLE_CHARS + 1 && a.title.ends_with("ordet…"), "{}", a.title);
    }

    #[test]
    fn a_date_in_the_far_future_is_dropped() {
        let mut a = article("Tittel", "Tekst.", "9998-12-31");
        clean(&mut a, now());
        assert!(a.published.is_none());
        assert_eq!(a.title, "Tittel", "the article is kept");
    }
}
