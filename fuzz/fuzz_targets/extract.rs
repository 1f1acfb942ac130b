//! Main-text extraction of article pages, and the plain-text fallbacks: no page may
//! panic, and pages too deep to parse are read as plain text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = tidings_extract::decode(data, None);
    // The extractor judges the page it parses: the page without scripts, styles and drawings.
    let shape = tidings_extract::nesting(&tidings_extract::skim(&html));
    if let Ok(page) = tidings_extract::extract(&html, Some("https://example.no/a/b")) {
        let simplified = shape.depth > tidings_extract::MAX_DEPTH || shape.elements > tidings_extract::MAX_TAGS;
        assert_eq!(page.note.is_some(), simplified);
    }
    let _ = tidings_extract::html_to_text(&html);
});
