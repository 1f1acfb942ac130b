use std::fmt;

use tidings_article::Origin;

/// A record (or a whole file) that could not be read. It is reported once, skipped and
/// counted; `--strict` turns it into a failing exit code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct BadRecord {
    pub origin: Origin,
    pub reason: String,
}

impl BadRecord {
    pub fn new(origin: Origin, reason: impl Into<String>) -> Self {
        Self { origin, reason: reason.into() }
    }
}

impl fmt::Display for BadRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.reason)
    }
}
