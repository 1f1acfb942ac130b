//! Plain-text article files: an optional `date` header line, an optional headline, then
//! body paragraphs. The article id is the file name without its extension.

use tidings_article::{Article, Origin, Published, parse_published};

use crate::{BadRecord, Record, accept};

/// A headline is a short line; anything longer is the first paragraph of a file that
/// has no headline.
const MAX_HEADLINE_WORDS: usize = 24;
const MAX_HEADLINE_CHARS: usize = 200;

/// Parses one plain-text article.
pub fn parse_text_article(content: &str, id: String, origin: Origin) -> Record {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let mut lines = content.lines().map(|l| l.trim_end()).skip_while(|l| l.trim().is_empty()).peekable();
    let mut published = None;
    let mut section = None;
    let mut caption = None;
    if let Some(header) = lines.peek().and_then(|l| parse_header(l)) {
        lines.next();
        published = Some(header.published);
        section = header.section;
        caption = header.caption;
    }
    let rest: Vec<&str> = lines.collect();
    let (title, body_lines) = split_headline(&rest);
    let mut text = String::new();
    if let Some(c) = caption {
        text.push_str(&c);
    }
    for line in body_lines {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(line);
    }
    let mut article = Article {
        id,
        published,
        title: title.unwrap_or_default(),
        text: text.trim().to_string(),
        lang: None,
        source: None,
        url: None,
        section,
        origin: origin.clone(),
    };
    if !accept(&mut article) {
        return Err(BadRecord::new(origin, "empty article: no headline and no text"));
    }
    Ok(article)
}

struct Header {
    published: Published,
    section: Option<String>,
    caption: Option<String>,
}

/// Recognises `date 2019-04`, `  date 2019-04-23 sport` and `date 2019-04 ÅPNET: …`.
/// A line that starts with the word "date" but no valid date is ordinary text.
fn parse_header(line: &str) -> Option<Header> {
    let rest = line.trim_start().strip_prefix("date")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let (token, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let published = parse_published(token)?;
    let tail = tail.trim();
    let is_section = !tail.is_empty()
        && tail.chars().all(|c| c.is_lowercase() || c == '-' || c == '_')
        && tail.chars().next().is_some_and(char::is_alphabetic);
    let (section, caption) = match tail {
        "" => (None, None),
        t if is_section => (Some(t.to_string()), None),
        t => (None, Some(t.to_string())),
    };
    Some(Header { published, section, caption })
}

/// Splits off the headline: the first non-empty line when it is short, does not end with
/// a full stop and is followed by more text.
fn split_headline<'a>(lines: &[&'a str]) -> (Option<String>, Vec<&'a str>) {
    let Some(first) = lines.iter().position(|l| !l.trim().is_empty()) else {
        return (None, Vec::new());
    };
    let candidate = lines[first].trim();
    let has_body = lines[first + 1..].iter().any(|l| !l.trim().is_empty());
    let short =
        candidate.split_whitespace().count() <= MAX_HEADLINE_WORDS && candidate.chars().count() <= MAX_HEADLINE_CHARS;
    if has_body && short && !candidate.ends_with('.') {
        let body = lines[first + 1..].iter().copied().skip_while(|l| l.trim().is_empty()).collect();
        (Some(candidate.to_string()), body)
    } else {
        (None, lines[first..].to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn parse(content: &str) -> Article {
        parse_text_article(content, "x".into(), Origin::new(Arc::from("x.txt"), None)).unwrap()
    }

    #[test]
    fn header_with_section_and_headline() {
        let a = parse("date 2019-04-23 utenriks\nPutin møter Kim\n\nFørste avsnitt.\nAndre avsnitt.\n");
        assert_eq!(a.published.unwrap().to_display_string(), "2019-04-23");
        assert_eq!(a.section.as_deref(), Some("utenriks"));
        assert_eq!(a.title, "Putin møter Kim");
        assert_eq!(a.text, "Første avsnitt.\nAndre avsnitt.");
    }

    #[test]
    fn caption_in_header_starts_the_text() {
        let a =
            parse("  date 2019-04 ÅPNET: Ordføreren klipper snoret. Foto: NTB\nNy bru i Bodø\nBrua ble åpnet i dag.");
        assert_eq!(a.published.unwrap().to_display_string(), "2019-04");
        assert_eq!(a.section, None);
        assert_eq!(a.title, "Ny bru i Bodø");
        assert!(a.text.starts_with("ÅPNET: Ordføreren klipper snoret. Foto: NTB\nBrua"));
    }

    #[test]
    fn file_without_headline_or_header() {
        let a = parse("Møtet startet torsdag morgen i Vladivostok, melder nyhetsbyrået.\nDe to lederne hilste.");
        assert_eq!(a.title, "");
        assert!(a.published.is_none());
        assert!(a.text.starts_with("Møtet startet"));
    }

    #[test]
    fn the_word_date_without_a_date_is_text() {
        let a = parse("date night in Paris\nCouples flock to the city.");
        assert!(a.published.is_none());
        assert_eq!(a.title, "date night in Paris");
    }

    #[test]
    fn empty_file_is_a_bad_record() {
        let r = parse_text_article("\n \n", "e".into(), Origin::new(Arc::from("e.txt"), None));
        assert!(r.unwrap_err().to_string().starts_with("e.txt: empty"));
        let r = parse_text_article("date 2019-04-01\n", "e".into(), Origin::new(Arc::from("e.txt"), None));
        assert!(r.is_err());
    }
}
