//! Bytes of a fetched page to text, in the order browsers decide a page's encoding: a
//! byte-order mark, the `Content-Type` header's charset, a `<meta>` declaration near the
//! top, and otherwise UTF-8 when the bytes are valid UTF-8, else Windows-1252 (the
//! superset of ISO-8859-1 that old Norwegian pages mean when they say Latin-1).

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How far into the page a `<meta charset>` is looked for (HTML requires it in the
/// first 1,024 bytes; some pages are sloppy).
const META_WINDOW: usize = 4096;

/// Decodes a page; `content_type` is the HTTP header, when there was one. Malformed
/// sequences become U+FFFD rather than errors: a page with one bad byte is still news.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    let encoding = Encoding::for_bom(bytes)
        .map(|(e, _)| e)
        .or_else(|| content_type.and_then(charset_param).and_then(|c| Encoding::for_label(c.as_bytes())))
        .or_else(|| meta_charset(&bytes[..bytes.len().min(META_WINDOW)]))
        .unwrap_or(if std::str::from_utf8(bytes).is_ok() { UTF_8 } else { WINDOWS_1252 });
    // `decode` strips a BOM of the same encoding.
    encoding.decode(bytes).0.into_owned()
}

/// The `charset` parameter of a `Content-Type` value.
fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim().eq_ignore_ascii_case("charset").then(|| value.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// `<meta charset="…">` or `<meta http-equiv="Content-Type" content="…; charset=…">`.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(at) = rest.find("<meta") {
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e);
        let tag = &rest[at..tag_end];
        if let Some(i) = tag.find("charset=") {
            let value = tag[i + "charset=".len()..].trim_start_matches(['"', '\'']);
            let end = value.find(|c: char| c == '"' || c == '\'' || c == ';' || c == '/' || c.is_whitespace());
            let label = &value[..end.unwrap_or(value.len())];
            if let Some(e) = Encoding::for_label(label.as_bytes()) {
                // A page that reached us as bytes cannot really be UTF-16 (HTML's rule).
                return Some(if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE { UTF_8 } else { e });
            }
        }
        rest = &rest[tag_end..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_pages_decode_by_header_meta_or_guess() {
        let latin1 = b"<html><head><title>Bl\xe5b\xe6rsyltet\xf8y</title></head><body>S\xf8ndag</body></html>";
        assert!(decode(latin1, Some("text/html; charset=ISO-8859-1")).contains("Blåbærsyltetøy"));
        let with_meta = [b"<html><head><meta charset='iso-8859-1'>".as_slice(), b"<p>\xc6rlig talt</p>"].concat();
        assert!(decode(&with_meta, Some("text/html")).contains("Ærlig talt"));
        let http_equiv = [
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">".as_slice(),
            b"<p>\x93Hei\x94</p>",
        ]
        .concat();
        assert!(decode(&http_equiv, None).contains("\u{201c}Hei\u{201d}"));
        assert!(decode(latin1, None).contains("Søndag"), "undeclared, not UTF-8: Windows-1252");
    }

    #[test]
    fn utf8_and_boms() {
        assert_eq!(decode("Tromsø".as_bytes(), None), "Tromsø");
        assert_eq!(
            decode(b"\xef\xbb\xbfTroms\xc3\xb8", Some("text/html; charset=iso-8859-1")),
            "Tromsø",
            "the BOM wins"
        );
        assert_eq!(decode("Tromsø".as_bytes(), Some("text/html; charset=\"utf-8\"")), "Tromsø");
        assert_eq!(decode(b"<meta charset=utf-16>ok", None), "<meta charset=utf-16>ok");
    }
}
