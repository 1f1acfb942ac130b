//! The stores a test runs against: a SQLite data directory always, and a PostgreSQL
//! database of the test's own where a server answers (required under
//! `TIDINGS_REQUIRE_POSTGRES=1`). One set of store tests serves both.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Output;

use tidings_store::pg::testing::TestDatabase;

use crate::TestDir;

pub enum Target {
    Sqlite { dir: PathBuf },
    Postgres { db: TestDatabase, index: PathBuf },
}

impl Target {
    /// A SQLite store in `dir`, and a PostgreSQL one where a server answers.
    pub fn all(dir: &TestDir) -> Vec<Target> {
        let mut targets = vec![Target::sqlite(dir)];
        targets.extend(Target::postgres(dir));
        targets
    }

    pub fn sqlite(dir: &TestDir) -> Target {
        Target::Sqlite { dir: dir.path("data") }
    }

    pub fn postgres(dir: &TestDir) -> Option<Target> {
        TestDatabase::create().map(|db| Target::Postgres { db, index: dir.path("pg-index") })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Target::Sqlite { .. } => "SQLite",
            Target::Postgres { .. } => "PostgreSQL",
        }
    }

    /// The directory that holds the search index.
    pub fn index_dir(&self) -> &std::path::Path {
        match self {
            Target::Sqlite { dir } => dir,
            Target::Postgres { index, .. } => index,
        }
    }

    /// `--data … [--index …]` for this store.
    pub fn data_args(&self) -> Vec<std::ffi::OsString> {
        match self {
            Target::Sqlite { dir } => vec!["--data".into(), dir.into()],
            Target::Postgres { db, index } => {
                vec!["--data".into(), db.url().into(), "--index".into(), index.into()]
            }
        }
    }

    /// Runs `tidings COMMAND --data … ARGS…`.
    pub fn run<S: AsRef<OsStr>>(&self, command: &str, args: &[S]) -> Output {
        self.command(command, args).output().expect("tidings runs")
    }

    /// The command, not yet run.
    pub fn command<S: AsRef<OsStr>>(&self, command: &str, args: &[S]) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("tidings"));
        cmd.arg(command).args(self.data_args()).args(args);
        cmd
    }

    /// Articles committed so far, read behind the binary's back (0 before the schema exists).
    pub fn committed_articles(&self) -> i64 {
        match self {
            Target::Sqlite { dir } => {
                let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
                rusqlite::Connection::open_with_flags(dir.join("tidings.sqlite"), flags)
                    .and_then(|c| c.query_row("SELECT count(*) FROM articles", [], |r| r.get(0)))
                    .unwrap_or(0)
            }
            Target::Postgres { db, .. } => {
                let mut client = match postgres::Client::connect(&db.url(), postgres::NoTls) {
                    Ok(c) => c,
                    Err(_) => return 0,
                };
                client.query_one("SELECT count(*) FROM articles", &[]).map(|r| r.get(0)).unwrap_or(0)
            }
        }
    }

    /// Runs statements behind the binary's back (a test's way to let time pass).
    pub fn sql(&self, sql: &str) {
        match self {
            Target::Sqlite { dir } => {
                let conn = rusqlite::Connection::open(dir.join("tidings.sqlite")).expect("the database opens");
                conn.execute_batch(sql).expect("the statement runs");
            }
            Target::Postgres { db, .. } => db.sql(sql),
        }
    }
}
