use std::fmt;
use std::sync::Arc;

/// Where a record came from: a file (or `-` for stdin) and, for multi-record formats,
/// the 1-based line or item number. Shown in every warning about the record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The path as the user gave it (shared: one file yields many records).
    pub file: Arc<str>,
    /// Line (JSON Lines) or item (feeds) number, 1-based; `None` for one-article files.
    pub record: Option<u64>,
}

impl Origin {
    pub fn new(file: Arc<str>, record: Option<u64>) -> Self {
        Self { file, record }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.record {
            Some(n) => write!(f, "{}:{}", self.file, n),
            None => write!(f, "{}", self.file),
        }
    }
}
