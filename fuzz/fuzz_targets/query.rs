//! The search syntax: no query may panic, and every accepted query keeps the limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings_query::{Atom, Expr, MAX_DEPTH, MAX_QUERY_CHARS, MAX_TERMS, parse};

/// (terms, deepest group) of an expression.
fn shape(expr: &Expr, depth: usize) -> (usize, usize) {
    let mut terms = 0;
    let mut deepest = depth;
    for part in expr.alternatives.iter().flatten() {
        match &part.atom {
            Atom::Group(inner) => {
                let (t, d) = shape(inner, depth + 1);
                terms += t;
                deepest = deepest.max(d);
            }
            _ => terms += 1,
        }
    }
    (terms, deepest)
}

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else { return };
    if let Ok(expr) = parse(query) {
        assert!(query.chars().count() <= MAX_QUERY_CHARS);
        let (terms, depth) = shape(&expr, 0);
        assert!((1..=MAX_TERMS).contains(&terms), "{terms} terms");
        assert!(depth <= MAX_DEPTH, "{depth} deep");
    }
});
