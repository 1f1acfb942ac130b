//! Plain text from the small HTML fragments that feeds carry in descriptions and content.
//! Full pages need real main-text extraction (a later stage); a feed summary only needs
//! its tags dropped and its entities decoded, which does not justify an HTML parser.

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
            let close = format!("</{name}");
            let end = rest.to_ascii_lowercase().find(&close).unwrap_or(rest.len());
            let skip = rest[end..].find('>').map_or(rest.len(), |gt| end + gt + 1);
            rest = &rest[skip..];
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
    fn unterminated_markup_is_kept_as_text() {
        assert_eq!(html_to_text("a < b and &amp"), "a < b and &amp");
    }
}
