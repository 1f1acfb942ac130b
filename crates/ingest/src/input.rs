use std::path::{Path, PathBuf};
use std::sync::Arc;

use tidings_article::Origin;

use crate::BadRecord;

/// The input formats a file can hold, decided from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON Lines; `gzip` when the name ends in `.gz`.
    JsonLines { gzip: bool },
    /// One plain-text article per file.
    Text,
    /// RSS 2.0, Atom or JSON Feed (the parser tells them apart by content).
    Feed,
    /// One article page (HTML), extracted like a fetched page.
    Html,
    /// A web archive; `gzip` for `.warc.gz` (one gzip member per record, or one for all).
    Warc { gzip: bool },
}

/// One input to read: a file with its format, or stdin (`-`, always JSON Lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: Option<PathBuf>,
    pub format: Format,
}

impl Input {
    pub fn stdin() -> Self {
        Self { path: None, format: Format::JsonLines { gzip: false } }
    }

    /// The name used in messages: the path as given, or `-` for stdin.
    pub fn name(&self) -> Arc<str> {
        match &self.path {
            Some(p) => Arc::from(p.display().to_string()),
            None => Arc::from("-"),
        }
    }
}

impl Format {
    /// The format of a file by its extension, or `None` when tidings cannot read it.
    pub fn from_path(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let (stem, gzip) = match name.strip_suffix(".gz") {
            Some(stem) => (stem.to_string(), true),
            None => (name, false),
        };
        let ext = Path::new(&stem).extension()?.to_str()?;
        match ext {
            "jsonl" | "ndjson" => Some(Format::JsonLines { gzip }),
            "txt" if !gzip => Some(Format::Text),
            "rss" | "atom" | "xml" | "json" if !gzip => Some(Format::Feed),
            "html" | "htm" if !gzip => Some(Format::Html),
            "warc" => Some(Format::Warc { gzip }),
            _ => None,
        }
    }
}

/// Expands the command line's inputs: `-` is stdin, a directory is every supported file
/// below it (in sorted order, so runs are reproducible), a file is itself. Unreadable
/// paths and files of unknown type named explicitly are reported, not fatal.
pub fn expand_inputs(args: &[PathBuf]) -> (Vec<Input>, Vec<BadRecord>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for arg in args {
        if arg.as_os_str() == "-" {
            inputs.push(Input::stdin());
        } else if arg.is_dir() {
            expand_directory(arg, &mut inputs, &mut problems);
        } else if !arg.exists() {
            problems.push(bad(arg, "no such file or directory"));
        } else {
            match Format::from_path(arg) {
                Some(format) => inputs.push(Input { path: Some(arg.clone()), format }),
                None => problems.push(bad(
                    arg,
                    "unsupported file type (expected .jsonl, .ndjson, .jsonl.gz, .txt, .rss, .atom, .xml, .json, .html, .warc or .warc.gz)",
                )),
            }
        }
    }
    (inputs, problems)
}

fn expand_directory(dir: &Path, inputs: &mut Vec<Input>, problems: &mut Vec<BadRecord>) {
    let walker = walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let hidden = entry.file_name().to_str().is_some_and(|n| n.starts_with('.'));
                if let (false, Some(format)) = (hidden, Format::from_path(entry.path())) {
                    inputs.push(Input { path: Some(entry.into_path()), format });
                }
            }
            Ok(_) => {}
            Err(err) => {
                let path = err.path().unwrap_or(dir).to_path_buf();
                problems.push(bad(&path, &format!("cannot read directory entry: {err}")));
            }
        }
    }
}

fn bad(path: &Path, reason: &str) -> BadRecord {
    BadRecord::new(Origin::new(Arc::from(path.display().to_string()), None), reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_extensions() {
        let f = |p: &str| Format::from_path(Path::new(p));
        assert_eq!(f("a.jsonl"), Some(Format::JsonLines { gzip: false }));
        assert_eq!(f("a.NDJSON.gz"), Some(Format::JsonLines { gzip: true }));
        assert_eq!(f("x/y.txt"), Some(Format::Text));
        assert_eq!(f("feed.rss"), Some(Format::Feed));
        assert_eq!(f("feed.json"), Some(Format::Feed));
        assert_eq!(f("a.txt.gz"), None);
        assert_eq!(f("CC-NEWS-2026.warc.gz"), Some(Format::Warc { gzip: true }));
        assert_eq!(f("crawl.warc"), Some(Format::Warc { gzip: false }));
        assert_eq!(f("side.html"), Some(Format::Html));
        assert_eq!(f("README"), None);
        assert_eq!(f("page.pdf"), None);
    }

    #[test]
    fn directories_expand_sorted_and_skip_unknown_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        for name in ["b.txt", "a.jsonl", "sub/c.rss", "notes.md", ".hidden.txt"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let (inputs, problems) = expand_inputs(&[dir.path().to_path_buf()]);
        assert!(problems.is_empty());
        let names: Vec<_> =
            inputs.iter().map(|i| i.path.as_ref().unwrap().strip_prefix(dir.path()).unwrap().to_path_buf()).collect();
        assert_eq!(names, [Path::new("a.jsonl"), Path::new("b.txt"), Path::new("sub/c.rss")]);
    }

    #[test]
    fn missing_and_unknown_files_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let odd = dir.path().join("odd.pdf");
        std::fs::write(&odd, "x").unwrap();
        let (inputs, problems) = expand_inputs(&[dir.path().join("nope.jsonl"), odd]);
        assert!(inputs.is_empty());
        assert_eq!(problems.len(), 2);
        assert!(problems[0].reason.contains("no such file"));
        assert!(problems[1].reason.contains("unsupported"));
    }
}
