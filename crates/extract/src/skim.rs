//! A page without what no extractor reads: the bodies of scripts and stylesheets, the text
//! of comments, and the drawings of inline SVG icons and MathML, cut out before the page is
//! parsed.
//!
//! On news pages these are nearly half the bytes (trafilatura's evaluation pages: scripts
//! 23 %, stylesheets 16 %, SVG 5 %, comments 2 %), and the HTML parser tokenizes every one
//! of them; SVG icons also add thousands of elements that Readability walks. Cutting them
//! with a linear scan first is cheaper than parsing them.
//!
//! The scan follows the HTML tokenizer where it matters: a `>` inside a quoted attribute
//! value does not end a tag; `title`, `textarea` and the other raw-text elements are
//! passed over whole, so a `<script>` written inside them stays text; a script ends at
//! the first `</script` unless the script-data escape (`<!--` then `<script`) could
//! apply. Where the page does something the scan does not follow for certain (a script
//! that may be double-escaped, an SVG with HTML elements or CDATA in it, a tag or comment
//! never closed), the rest of the page is kept as it is, so that the parser sees the
//! same page, only shorter. Scripts of type `application/ld+json` are kept: their
//! metadata is read.

use std::borrow::Cow;

use crate::html_text::{ends_tag_name, find_closing_tag};

/// Elements whose content the tokenizer reads as text up to their end tag; passed over
/// whole. (`noscript` is not among them: pages are parsed with scripting off.)
const RAW_TEXT: &[&str] = &["title", "textarea", "xmp", "iframe", "noembed", "noframes"];

/// Start tags that end foreign content (SVG, MathML) in the parser: after one of them the
/// rest of an `<svg>` is HTML, so such an SVG is kept whole.
#[rustfmt::skip]
const BREAKOUT: &[&str] = &[
    "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em", "embed", "font", "h1",
    "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing", "menu", "meta", "nobr", "ol", "p", "pre",
    "ruby", "s", "small", "span", "strike", "strong", "sub", "sup", "table", "tt", "u", "ul", "var",
];

/// `html` with the bodies of scripts (but JSON-LD), stylesheets, SVG and MathML cut out
/// and its comments emptied; borrowed when there was nothing to cut.
pub fn skim(html: &str) -> Cow<'_, str> {
    let mut out = Skimmed { html, out: String::new(), copied: 0 };
    let mut at = 0;
    while let Some(lt) = html[at..].find('<').map(|i| at + i) {
        match step(html, lt, &mut out) {
            Step::Next(next) => at = next,
            Step::KeepRest => break,
        }
    }
    out.finish()
}

/// What to do after one `<`.
enum Step {
    /// Go on scanning here.
    Next(usize),
    /// Keep the rest of the page as it is.
    KeepRest,
}

/// Reads what starts at the `<` at `lt`, cutting what is not needed.
fn step(html: &str, lt: usize, out: &mut Skimmed) -> Step {
    let bytes = html.as_bytes();
    match bytes.get(lt + 1) {
        Some(b'!') if html[lt..].starts_with("<!--") => match comment_end(html, lt) {
            Some(end) => {
                // An empty comment stays in its place: without it, the text on either side
                // would join (`<` and `p>` into a tag, `&am` and `p;` into `&amp;`).
                out.replace(lt, end, EMPTY_COMMENT);
                Step::Next(end)
            }
            None => Step::KeepRest,
        },
        Some(b'/') if bytes.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) => {
            tag_end(bytes, name_end(bytes, lt + 2)).map_or(Step::KeepRest, |tag| Step::Next(tag.end))
        }
        // A doctype, CDATA or another bogus comment, or `</>`: up to the first '>'.
        Some(b'!' | b'?' | b'/') => bogus_comment_end(html, lt).map_or(Step::KeepRest, Step::Next),
        Some(c) if c.is_ascii_alphabetic() => start_tag(html, lt, out),
        _ => Step::Next(lt + 1),
    }
}

/// Where the comment opened by the `<!--` at `lt` ends: after `-->` or `--!>` (`<!-->` and
/// `<!--->` are empty comments). `None` when it runs to the end of the page.
fn comment_end(html: &str, lt: usize) -> Option<usize> {
    let body = lt + 4;
    let rest = &html[body..];
    if rest.starts_with('>') {
        return Some(body + 1);
    }
    if rest.starts_with("->") {
        return Some(body + 2);
    }
    // Look for `--!>` only before the first `-->`: searching the whole rest of the page
    // for each comment would cost time quadratic in the page's length.
    let close = rest.find("-->").unwrap_or(rest.len());
    let bang = rest[..close].find("--!>").map(|i| i + 4);
    match bang {
        Some(bang) => Some(body + bang),
        None => (close < rest.len()).then_some(body + close + 3),
    }
}

fn bogus_comment_end(html: &str, lt: usize) -> Option<usize> {
    html[lt..].find('>').map(|gt| lt + gt + 1)
}

/// A start tag: scripts and stylesheets lose their bodies, SVG and MathML their drawings;
/// raw-text elements are passed over.
fn start_tag(html: &str, lt: usize, out: &mut Skimmed) -> Step {
    let bytes = html.as_bytes();
    let name_end = name_end(bytes, lt + 1);
    let mut buffer = [0u8; 9];
    let name = lowercase_name(&bytes[lt + 1..name_end], &mut buffer);
    let Some(open) = tag_end(bytes, name_end) else { return Step::KeepRest };
    match name {
        "script" => {
            let Some(close) = script_end(&html[open.end..]).map(|i| open.end + i) else {
                return Step::KeepRest;
            };
            if !is_json_ld(&html[lt..open.end]) {
                out.cut(open.end, close);
            }
            Step::Next(close)
        }
        "style" => match find_closing_tag(&html[open.end..], "style") {
            Some(close) => {
                out.cut(open.end, open.end + close);
                Step::Next(open.end + close)
            }
            None => Step::KeepRest,
        },
        "svg" | "math" if !open.self_closing => foreign(html, open.end, name, out),
        "plaintext" => Step::KeepRest,
        raw if RAW_TEXT.contains(&raw) => {
            find_closing_tag(&html[open.end..], raw).map_or(Step::KeepRest, |close| Step::Next(open.end + close))
        }
        _ => Step::Next(open.end),
    }
}

/// Where a script's text ends: at the `</script` that closes it, read as the tokenizer
/// reads script data. After `<!--` it is "escaped", and a `<script` there opens a
/// "double-escaped" part in which `</script` does not close the script (old pages wrap
/// `document.write("<script …></script>")` so); `-->` ends either. `None` when the
/// script runs to the end of the page.
fn script_end(script: &str) -> Option<usize> {
    #[derive(PartialEq)]
    enum State {
        Data,
        Escaped,
        DoubleEscaped,
    }
    let bytes = script.as_bytes();
    let mut state = State::Data;
    let mut i = 0;
    while i < bytes.len() {
        if state == State::Data {
            i += script[i..].find('<')?;
        }
        let rest = &bytes[i..];
        if rest.starts_with(b"<!--") && state == State::Data {
            state = State::Escaped;
            i += 2; // "<!-->" escapes and ends at once: its dashes are also "-->"'s.
            continue;
        }
        if rest.starts_with(b"-->") {
            state = State::Data;
            i += 3;
            continue;
        }
        if rest.first() == Some(&b'<') {
            if is_script_tag(&rest[1..], true) {
                if state != State::DoubleEscaped {
                    return Some(i);
                }
                state = State::Escaped;
            } else if state == State::Escaped && is_script_tag(&rest[1..], false) {
                state = State::DoubleEscaped;
            }
        }
        i += 1;
    }
    None
}

/// Whether `after_lt` (what follows a `<`) is `script` (or `/script` for an end tag) in any
/// case, followed by what ends a tag name there: space, `/` or `>` (or the page's end).
fn is_script_tag(after_lt: &[u8], end: bool) -> bool {
    let name: &[u8] = if end { b"/script" } else { b"script" };
    after_lt.len() >= name.len()
        && after_lt[..name.len()].eq_ignore_ascii_case(name)
        && after_lt.get(name.len()).is_none_or(|&c| ends_tag_name(c))
}

/// Whether a `<script …>` tag holds JSON-LD (`type="application/ld+json"`), whose metadata
/// is read.
fn is_json_ld(open_tag: &str) -> bool {
    open_tag.as_bytes().windows(7).any(|w| w.eq_ignore_ascii_case(b"ld+json"))
}

/// Foreign elements in which the parser reads start tags by HTML's rules again (HTML
/// integration points and MathML's text integration points).
const INTEGRATION_POINTS: &[&str] =
    &["foreignobject", "desc", "title", "annotation-xml", "mi", "mo", "mn", "ms", "mtext"];

/// The content of an `<svg>` or `<math>` element that opened at `open_end`, cut when the
/// scan is sure where it ends: foreign elements and comments only, every end tag closing
/// one of them. Otherwise the rest is kept: an HTML element (or its end tag) ends foreign
/// content for the parser, CDATA hides tags, and inside an integration point (`<desc>`,
/// `<title>`, `<foreignObject>`…) every start tag is HTML's again.
fn foreign(html: &str, open_end: usize, name: &str, out: &mut Skimmed) -> Step {
    let bytes = html.as_bytes();
    // The open elements inside, as the parser's stack of them, and how many of them are
    // integration points (counted, not searched for at each tag: a page may nest
    // thousands deep).
    let mut open: Vec<String> = vec![name.to_string()];
    let mut integration_points = 0usize;
    let mut at = open_end;
    while let Some(lt) = html[at..].find('<').map(|i| at + i) {
        if html[lt..].starts_with("<!--") {
            let Some(end) = comment_end(html, lt) else { return Step::KeepRest };
            at = end;
            continue;
        }
        let closing = bytes.get(lt + 1) == Some(&b'/');
        let name_start = lt + 1 + usize::from(closing);
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            if bytes.get(lt + 1).is_some_and(|&c| c == b'!' || c == b'?' || c == b'/') {
                return Step::KeepRest;
            }
            at = lt + 1;
            continue;
        }
        let name_end = name_end(bytes, name_start);
        let tag_name = html[name_start..name_end].to_ascii_lowercase();
        let Some(tag) = tag_end(bytes, name_end) else { return Step::KeepRest };
        if closing {
            // The parser pops up to the element the end tag names.
            // (The search costs what the pops do, so the scan stays linear.)
            let Some(found) = open.iter().rposition(|n| *n == tag_name) else { return Step::KeepRest };
            integration_points -= open[found..].iter().filter(|n| is_integration_point(n)).count();
            open.truncate(found);
            if open.is_empty() {
                out.cut(open_end, lt);
                return Step::Next(tag.end);
            }
        } else {
            let in_integration_point = integration_points > 0;
            let html_like = BREAKOUT.contains(&tag_name.as_str())
                || RAW_TEXT.contains(&tag_name.as_str()) && tag_name != "title"
                || tag_name == "plaintext"
                || in_integration_point;
            if html_like {
                return Step::KeepRest;
            }
            if !tag.self_closing {
                integration_points += usize::from(is_integration_point(&tag_name));
                open.push(tag_name);
            }
        }
        at = tag.end;
    }
    Step::KeepRest
}

/// A tag's name in small letters, or "" when it is longer than any name the scan acts on
/// (read without allocating: the scan meets every tag of the page).
fn lowercase_name<'a>(name: &[u8], buffer: &'a mut [u8; 9]) -> &'a str {
    if name.len() > buffer.len() {
        return "";
    }
    let lower = &mut buffer[..name.len()];
    lower.copy_from_slice(name);
    lower.make_ascii_lowercase();
    std::str::from_utf8(lower).unwrap_or("")
}

fn is_integration_point(name: &str) -> bool {
    INTEGRATION_POINTS.contains(&name)
}

/// Where the name of a tag that starts at `from` ends.
fn name_end(bytes: &[u8], from: usize) -> usize {
    from + bytes[from..].iter().position(|&c| ends_tag_name(c)).unwrap_or(bytes.len() - from)
}

/// The end of a tag, as the tokenizer reads it.
struct TagEnd {
    /// Just after its `>`.
    end: usize,
    /// Written `<…/>`.
    self_closing: bool,
}

/// Where a tag whose name ends at `from` ends, read as the tokenizer reads attributes: a
/// `>` inside a quoted value does not end it, a `/` in an unquoted one does not close it.
/// `None` when it never ends (the parser drops such a tag).
fn tag_end(bytes: &[u8], from: usize) -> Option<TagEnd> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        /// Between attributes, or after a name (`=` starts a value only after a name).
        Between,
        /// Just after a `/` outside a value.
        Solidus,
        Name,
        BeforeValue,
        Quoted(u8),
        Unquoted,
    }
    let mut state = State::Between;
    let mut i = from;
    while i < bytes.len() {
        if let State::Quoted(quote) = state {
            // Values are most of a tag's bytes (links, class lists): jump to the quote.
            i += 1 + memchr::memchr(quote, &bytes[i..])?;
            state = State::Between;
            continue;
        }
        let c = bytes[i];
        i += 1;
        let space = matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ');
        state = match (state, c) {
            // (Skipped above.)
            (State::Quoted(quote), _) => State::Quoted(quote),
            (_, b'>') => return Some(TagEnd { end: i, self_closing: state == State::Solidus }),
            (State::Name, b'=') => State::BeforeValue,
            (State::BeforeValue, b'"' | b'\'') => State::Quoted(c),
            (State::BeforeValue, _) if space => State::BeforeValue,
            (State::BeforeValue, _) => State::Unquoted,
            (State::Unquoted, _) if space => State::Between,
            (State::Unquoted, _) => State::Unquoted,
            (_, b'/') => State::Solidus,
            (State::Name, _) if space => State::Name,
            (_, _) if space => State::Between,
            (_, _) => State::Name,
        };
    }
    None
}

/// What a comment becomes.
const EMPTY_COMMENT: &str = "<!---->";

/// The page being written: what was cut so far, and how far the page has been copied.
struct Skimmed<'a> {
    html: &'a str,
    out: String,
    copied: usize,
}

impl<'a> Skimmed<'a> {
    /// Leaves `html[from..to]` out.
    fn cut(&mut self, from: usize, to: usize) {
        self.replace(from, to, "");
    }

    /// Writes `with` instead of `html[from..to]`.
    fn replace(&mut self, from: usize, to: usize, with: &str) {
        if to <= from + with.len() {
            return;
        }
        if self.out.is_empty() {
            self.out.reserve(self.html.len() / 2);
        }
        self.out.push_str(&self.html[self.copied..from]);
        self.out.push_str(with);
        self.copied = to;
    }

    fn finish(mut self) -> Cow<'a, str> {
        if self.copied == 0 {
            return Cow::Borrowed(self.html);
        }
        self.out.push_str(&self.html[self.copied..]);
        Cow::Owned(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dom_query::{Document, NodeRef};

    /// What a parsed page holds for an extractor: its elements (names, namespaces, types)
    /// and text in document order, without the parts `skim` cuts (comments, and the content of
    /// scripts but JSON-LD, stylesheets, SVG and MathML).
    fn outline(html: &str) -> String {
        let document = Document::from(html);
        let mut out = String::new();
        walk(&document.root(), &mut out);
        out
    }

    fn walk(node: &NodeRef, out: &mut String) {
        for child in node.children() {
            if child.is_text() {
                out.push_str(&child.text());
            } else if child.is_element() {
                let name = child.node_name().unwrap_or_default().to_string();
                let ns = child.qual_name_ref().map(|q| q.ns.to_string()).unwrap_or_default();
                out.push_str(&format!("<{ns}:{name} {:?}>", child.attr("type")));
                let json_ld = child.attr("type").is_some_and(|t| t.contains("ld+json"));
                let cut = matches!(name.as_str(), "style" | "svg" | "math") || name == "script" && !json_ld;
                if !cut {
                    walk(&child, out);
                }
                out.push_str(&format!("</{name}>"));
            }
        }
    }

    /// Asserts that `skim` leaves the parser the same page, and returns the skimmed text.
    fn same_page(html: &str) -> String {
        let skimmed = skim(html);
        assert_eq!(outline(&skimmed), outline(html), "skimmed: {skimmed:?}\npage: {html:?}");
        skimmed.into_owned()
    }

    #[test]
    fn cuts_scripts_styles_comments_and_icons() {
        let page = r#"<html><head><script src="a.js"></script><script>var a = "<div>" + x;</script>
<script type="application/ld+json">{"headline":"Brua åpnet"}</script><style>p > a { color: red }</style>
<!-- build 42 --></head><body><p>Brua er <b>åpnet</b>.</p>
<a href="/del"><svg viewBox="0 0 8 8"><title>Del</title><path d="M0 0h8"/><g><circle r="2"></circle></g></svg></a>
<math><mi>x</mi></math></body></html>"#;
        let skimmed = same_page(page);
        assert!(skimmed.contains(r#"<script src="a.js"></script><script></script>"#), "{skimmed}");
        assert!(skimmed.contains(r#"{"headline":"Brua åpnet"}"#), "JSON-LD is kept: {skimmed}");
        assert!(skimmed.contains("<style></style>") && !skimmed.contains("build 42"), "{skimmed}");
        assert!(skimmed.contains(r#"<svg viewBox="0 0 8 8"></svg></a>"#), "{skimmed}");
        assert!(skimmed.contains("<math></math>"), "{skimmed}");
        assert!(skimmed.contains("<p>Brua er <b>åpnet</b>.</p>"));
    }

    #[test]
    fn a_page_with_nothing_to_cut_is_borrowed() {
        assert!(matches!(skim("<p>Ingen skript her.</p>"), Cow::Borrowed(_)));
    }

    #[test]
    fn follows_the_tokenizer_where_text_looks_like_markup() {
        for page in [
            // A '>' inside a quoted attribute value does not end the tag.
            r#"<a title="x > <script>y" href=/p>lenke</a><p>tekst</p>"#,
            r#"<a title='<!--' data-x=a>b</a>etter<!-- c -->"#,
            // Raw-text elements hold text that looks like tags.
            "<title>Hva <script> gjør</title><textarea><style>x</style></textarea><p>etter</p>",
            // Empty and odd comments.
            "a<!-->b<!--->c<!-- x --!>d<!-- y --->e",
            // The script-data escape: the first </script> does not close this one.
            r#"<script><!-- document.write("<script>x()</script>"); --></script><p>etter</p>"#,
            "<script><!-- a --></script><p>etter</p><script>b</script>",
            // An end tag closed by a form feed.
            "<script>a</script\x0c><p>etter</p>",
            // An SVG with an HTML element inside, whose text the parser shows.
            "<svg><path/><p>synlig</p></svg><p>etter</p>",
            "<div><svg><g></div>utenfor</svg>",
            "<svg><desc><style>x</style></desc></svg><p>etter</p>",
            "<svg><![CDATA[ </svg> ]]></svg><p>etter</p>",
            // Never closed.
            "<p>a<script>b",
            "<p>a<!-- b",
            "<p>a<svg><g>",
            "<p>a <b",
            "<plaintext><script>x</script>",
        ] {
            same_page(page);
        }
    }

    #[test]
    fn deep_drawings_are_cut_in_linear_time() {
        let n = 200_000;
        let page = format!("<p>a</p><svg>{}{}</svg><p>b</p>", "<g><title>t</title>".repeat(n), "</g>".repeat(n));
        assert_eq!(skim(&page), "<p>a</p><svg></svg><p>b</p>");
        let unclosed = format!("<svg>{}<p>b</p>", "<g>".repeat(n));
        assert_eq!(skim(&unclosed), unclosed, "an HTML element ends the drawing: kept as it is");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Any mix of the constructs the scan reads gives the parser the same page.
        #[test]
        fn the_parser_sees_the_same_page(parts in proptest::collection::vec(proptest::sample::select(vec![
            "<script>", "<script type=\"application/ld+json\">", "</script>", "</SCRIPT >", "<style>", "</style>",
            "<!--", "-->", "--!>", "<!-->", "<svg>", "</svg>", "<svg/>", "<math>", "</math>", "<g>", "</g>",
            "<path d='M0'/>", "<title>", "</title>", "<desc>", "</desc>", "<textarea>", "</textarea>", "<p>",
            "</p>", "<div>", "</div>", "<b>", "<a title=\"", "\"", "'", "=", ">", "<", "</", "<!", "<?x",
            "<![CDATA[", "]]>", "tekst", " ", "\n", "/", "-", "<noscript>", "</noscript>", "<iframe>",
            "</iframe>", "<table>", "<td>", "<select>", "<template>", "</template>", "<font color=red>",
            "<SVG>", "<Script>", "<mi>", "<foreignObject>", "&am", "p;", "<!-", "<b", "\u{c}", "<xmp>", "</xmp>",
        ]), 0..24)) {
            let page = parts.concat();
            let skimmed = skim(&page);
            proptest::prop_assert_eq!(outline(&skimmed), outline(&page), "skimmed {:?}", skimmed);
        }
    }
}
