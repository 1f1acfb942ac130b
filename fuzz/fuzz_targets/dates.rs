//! Publication dates: no string may panic the parser, the plausibility check or the
//! display of a parsed date.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings_article::{looks_like_date, parse_published};

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else { return };
    match parse_published(raw) {
        Some(p) => {
            let _ = p.implausible(jiff::Timestamp::now());
            let _ = p.to_display_string();
        }
        None => {
            let _ = looks_like_date(raw);
        }
    }
});
