//! How deeply a page nests its elements, and how many it has, read without parsing it.
//!
//! Building the document tree costs time that grows with the square of the nesting depth
//! (the parser checks the stack of open elements at each tag) and Readability's scoring
//! walks ancestors too: 1,000 nested `<div>`s took 0.45 s, 8,000 took 17 s, 200,000 never
//! finished. Real article pages nest a few dozen deep. This scan is linear, so a page can
//! be judged before it is parsed.

/// The shape of a page as far as its cost goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Nesting {
    /// Deepest nesting of elements that must be closed (an estimate: elements whose end
    /// tag is optional, such as `p` and `li`, and void ones, such as `br`, are not counted).
    pub depth: usize,
    /// Start tags.
    pub elements: usize,
}

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input", "keygen", "link",
    "meta", "param", "source", "track", "wbr",
];

/// Elements whose end tag may be left out: the parser closes them itself, so they do not
/// nest when unclosed.
const OPTIONAL_END: &[&str] = &[
    "html", "head", "body", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot",
    "colgroup", "caption", "rb", "rt", "rtc", "rp",
];

/// Elements whose content is text up to their end tag, never markup.
const RAW_TEXT: &[&str] =
    &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"];

/// Scans `html` once.
pub fn nesting(html: &str) -> Nesting {
    let mut shape = Nesting::default();
    let mut depth = 0usize;
    // Inside <svg> or <math>, `<x/>` closes itself; in HTML it opens `x`.
    let mut foreign = 0usize;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let tag = &rest[lt + 1..];
        if let Some(comment) = tag.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let closing = tag.starts_with('/');
        let name_start = usize::from(closing);
        let name_len = tag[name_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
            .unwrap_or(tag.len() - name_start);
        let name = tag[name_start..name_start + name_len].to_ascii_lowercase();
        let Some(gt) = tag.find('>') else { break };
        rest = &tag[gt + 1..];
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let counted = !VOID.contains(&name.as_str()) && !OPTIONAL_END.contains(&name.as_str());
        if closing {
            if counted {
                depth = depth.saturating_sub(1);
            }
            if name == "svg" || name == "math" {
                foreign = foreign.saturating_sub(1);
            }
            continue;
        }
        shape.elements += 1;
        let self_closed = tag[..gt].ends_with('/') && foreign > 0;
        if RAW_TEXT.contains(&name.as_str()) {
            rest = crate::html_text::after_closing_tag(rest, &name);
            continue;
        }
        if name == "svg" || name == "math" {
            foreign += usize::from(!self_closed);
        }
        if counted && !self_closed {
            depth += 1;
            shape.depth = shape.depth.max(depth);
        }
    }
    shape
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_what_nests() {
        let page = "<html><head><title><div></title><meta charset=utf-8></head><body><!-- <div><div> -->\
            <div class=a><article><p>One<p>Two<br><img src=x></article></div><ul><li>a<li>b</ul></body></html>";
        assert_eq!(nesting(page), Nesting { depth: 2, elements: 14 });
    }

    #[test]
    fn svg_closes_itself_html_does_not() {
        let icons = "<span><svg><path d='M0'/><path d='M1'/></svg></span>".repeat(50);
        assert_eq!(nesting(&icons).depth, 2);
        // In HTML, `<div/>` opens a div that is never closed.
        assert_eq!(nesting(&"<div/>".repeat(300)).depth, 300);
    }

    #[test]
    fn scripts_are_text() {
        let page = format!("<div><script>{}</script></div>", "document.write('<div>');".repeat(500));
        assert_eq!(nesting(&page).depth, 1);
    }

    #[test]
    fn deep_pages_are_seen_in_linear_time() {
        let n = 200_000;
        let page = format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n));
        assert_eq!(nesting(&page), Nesting { depth: n, elements: n });
    }
}
