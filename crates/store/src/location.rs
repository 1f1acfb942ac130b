//! Where a store lives: a data directory (SQLite, with its search index beside it), or a
//! PostgreSQL database with a local directory for this node's search index.

use std::path::{Path, PathBuf};

use crate::pg;

/// The default directory of a PostgreSQL store's search index.
pub const DEFAULT_INDEX_DIR: &str = "tidings-index";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A data directory: `tidings.sqlite` and the search index.
    Directory(PathBuf),
    /// A PostgreSQL database (`postgres://USER@HOST[:PORT]/DB`) and the directory of this
    /// node's search index, which follows the database's generation log.
    Postgres { url: String, index: PathBuf },
}

impl Location {
    /// `--data` as given: a `postgres://` or `postgresql://` URL, or a directory. `index`
    /// is `--index` (a PostgreSQL store's index directory; a data directory keeps its own).
    pub fn parse(data: &str, index: Option<&Path>) -> Self {
        if pg::is_postgres_url(data) {
            let index = index.map_or_else(|| PathBuf::from(DEFAULT_INDEX_DIR), Path::to_path_buf);
            Location::Postgres { url: data.to_string(), index }
        } else {
            Location::Directory(PathBuf::from(data))
        }
    }

    /// The directory that holds the search index.
    pub fn index_dir(&self) -> &Path {
        match self {
            Location::Directory(dir) => dir,
            Location::Postgres { index, .. } => index,
        }
    }
}

impl From<&Path> for Location {
    fn from(dir: &Path) -> Self {
        Location::Directory(dir.to_path_buf())
    }
}

impl From<PathBuf> for Location {
    fn from(dir: PathBuf) -> Self {
        Location::Directory(dir)
    }
}

/// The directory, or the URL without its password.
impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Directory(dir) => write!(f, "{}", dir.display()),
            Location::Postgres { url, .. } => write!(f, "{}", pg::redact(url)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_postgres_and_anything_else_a_directory() {
        let pg = Location::parse("postgres://news@db:5433/tidings", None);
        assert_eq!(pg.index_dir(), Path::new(DEFAULT_INDEX_DIR));
        assert!(matches!(pg, Location::Postgres { .. }));
        let dir = Location::parse("./data", Some(Path::new("ignored")));
        assert_eq!(dir, Location::Directory(PathBuf::from("./data")));
        assert_eq!(Location::parse("postgresql://u:pw@h/d", None).to_string(), "postgresql://u:***@h/d");
    }
}
