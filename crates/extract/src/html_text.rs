//! Plain text from HTML without building a document: for the fragments that feeds carry
//! in descriptions and content (which need only their tags dropped and entities decoded),
//! and for pages too deeply nested to parse in reasonable time. Linear in the input.

/// Drops tags (and the contents of `script`/`style`), decodes character references and
/// collapses whitespace, turning block-level tags into line breaks.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_decoded(&mut out, &rest[..lt]);
        let after = &rest[lt..];
        let Some(gt) = after.find('>') else {
            push_decoded(&mut out, after);
            rest = "";
            break;
        };
        let tag = after[1..gt].trim_start_matches('/').to_ascii_lowercase();
        let name = tag.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
        rest = &after[gt + 1..];
        let opening = !after[1..].starts_with('/');
        if opening && (name == "script" || name == "style") {
            rest = after_closing_tag(rest, name);
            out.push(' ');
            continue;
        }
        if matches!(name, "p" | "br" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "tr" | "blockquote") {
            out.push('\n');
        } else {
            out.push(' ');
        }
    }
    push_decoded(&mut out, rest);
    normalise_whitespace(&out)
}

/// What follows `</name…>` in `rest` (nothing if it never closes). Searched without
/// lowercasing the rest, so a page of many scripts costs linear time.
pub(crate) fn after_closing_tag<'a>(rest: &'a str, name: &str) -> &'a str {
    let end = find_closing_tag(rest, name).unwrap_or(rest.len());
    rest[end..].find('>').map_or("", |gt| &rest[end + gt + 1..])
}

/// Where `</name` starts in `text`, in any letter case.
pub(crate) fn find_closing_tag(text: &str, name: &str) -> Option<usize> {
    find_tag(text, "</", name)
}

/// Where `<name` starts in `html`, in any letter case.
pub(crate) fn find_opening_tag(html: &str, name: &str) -> Option<usize> {
    find_tag(html, "<", name)
}

/// Where `opener` (`<` or `</`) followed by the tag `name` starts in `text`, in any letter
/// case; the name must end there (`>`, `/`, white space or the end of the text), so that
/// `<title` is not found in `<titlebar`.
fn find_tag(text: &str, opener: &str, name: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let name = name.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find(opener).map(|i| from + i) {
        let candidate = &bytes[at + opener.len()..];
        let named = candidate.len() >= name.len() && candidate[..name.len()].eq_ignore_ascii_case(name);
        if named && candidate.get(name.len()).is_none_or(|&c| ends_tag_name(c)) {
            return Some(at);
        }
        from = at + opener.len();
    }
    None
}

/// Whether `c` ends a tag's name: white space, `/` or `>`.
pub(crate) fn ends_tag_name(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>')
}

/// The raw content of the first `<name>` element (up to its end tag).
pub(crate) fn element_text(html: &str, name: &str) -> Option<String> {
    let start = find_opening_tag(html, name)?;
    let open_end = start + html[start..].find('>')? + 1;
    let close = find_closing_tag(&html[open_end..], name)?;
    Some(html[open_end..open_end + close].to_string())
}

fn push_decoded(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let end = after.find(';').filter(|&e| e <= 10);
        match end.and_then(|e| decode_entity(&after[1..e]).map(|c| (c, e))) {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
}

fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "aring" => 'å',
        "Aring" => 'Å',
        "oslash" => 'ø',
        "Oslash" => 'Ø',
        "aelig" => 'æ',
        "AElig" => 'Æ',
        "auml" => 'ä',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "szlig" => 'ß',
        "eacute" => 'é',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "laquo" => '«',
        "raquo" => '»',
        "rsquo" => '’',
        "lsquo" => '‘',
        "ldquo" => '“',
        "rdquo" => '”',
        _ => return None,
    })
}

fn normalise_whitespace(s: &str) -> String {
    s.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::html_to_text;

    #[test]
    fn strips_tags_and_decodes_entities() {
        let html = "<p>Bl&aring;b&aelig;r &amp; <b>tyttebær</b></p><script>alert(1)</script><p>Pris: 5&#160;kr &#x263A; &bogus;</p>";
        assert_eq!(html_to_text(html), "Blåbær & tyttebær\nPris: 5 kr ☺ &bogus;");
    }

    #[test]
    fn scripts_in_any_case_are_dropped() {
        assert_eq!(html_to_text("a<SCRIPT>x()</Script >b<style>p{}</STYLE>c<script>never closed"), "a b c");
    }

    #[test]
    fn unterminated_markup_is_kept_as_text() {
        assert_eq!(html_to_text("a < b and &amp"), "a < b and &amp");
    }
}
