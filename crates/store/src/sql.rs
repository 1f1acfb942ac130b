//! One way to run SQL on either database: the store's queries are written once where the
//! two dialects agree (with `?1`-style placeholders, turned into `$1` for PostgreSQL), and
//! rows are read by column name through [`Columns`], so that a row mapper serves both.
//! Where the dialects differ (JSON, upserts, dates), the caller picks by [`Dialect`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use postgres::types::ToSql;

use crate::StoreError;

/// Which SQL a connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// A value bound to a placeholder. Typed even when null: PostgreSQL checks each
/// parameter's type against what the statement expects.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Blob(Vec<u8>),
    Bool(bool),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(Some(v))
    }
}
impl From<Option<f64>> for Value {
    fn from(v: Option<f64>) -> Self {
        Value::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_string()))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}
impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        Value::Text(v.map(str::to_string))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Blob(v)
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Value::Int(v) => rusqlite::ToSql::to_sql(v),
            Value::Real(v) => rusqlite::ToSql::to_sql(v),
            Value::Text(v) => rusqlite::ToSql::to_sql(v),
            Value::Blob(v) => rusqlite::ToSql::to_sql(v),
            Value::Bool(v) => rusqlite::ToSql::to_sql(v),
        }
    }
}

impl Value {
    fn pg(&self) -> &(dyn ToSql + Sync) {
        match self {
            Value::Int(v) => v,
            Value::Real(v) => v,
            Value::Text(v) => v,
            Value::Blob(v) => v,
            Value::Bool(v) => v,
        }
    }
}

/// A row, read by column name.
pub(crate) trait Columns {
    fn int(&self, column: &str) -> Result<i64, StoreError>;
    fn opt_int(&self, column: &str) -> Result<Option<i64>, StoreError>;
    fn real(&self, column: &str) -> Result<f64, StoreError>;
    fn opt_real(&self, column: &str) -> Result<Option<f64>, StoreError>;
    fn text(&self, column: &str) -> Result<String, StoreError>;
    fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError>;
    fn flag(&self, column: &str) -> Result<bool, StoreError>;
    fn blob(&self, column: &str) -> Result<Vec<u8>, StoreError>;
    /// The error for a stored record that does not read back.
    fn damaged(&self, record: String, reason: String) -> StoreError;
}

/// The typed getters of [`Columns`], each the row type's own `get` (the two databases'
/// rows differ only there).
macro_rules! typed_getters {
    () => {
        fn int(&self, c: &str) -> Result<i64, StoreError> {
            self.get(c)
        }
        fn opt_int(&self, c: &str) -> Result<Option<i64>, StoreError> {
            self.get(c)
        }
        fn real(&self, c: &str) -> Result<f64, StoreError> {
            self.get(c)
        }
        fn opt_real(&self, c: &str) -> Result<Option<f64>, StoreError> {
            self.get(c)
        }
        fn text(&self, c: &str) -> Result<String, StoreError> {
            self.get(c)
        }
        fn opt_text(&self, c: &str) -> Result<Option<String>, StoreError> {
            self.get(c)
        }
        fn flag(&self, c: &str) -> Result<bool, StoreError> {
            self.get(c)
        }
        fn blob(&self, c: &str) -> Result<Vec<u8>, StoreError> {
            self.get(c)
        }
    };
}

struct SqliteRow<'r, 's> {
    row: &'r rusqlite::Row<'s>,
    path: &'r Path,
}

impl SqliteRow<'_, '_> {
    fn get<T: rusqlite::types::FromSql>(&self, column: &str) -> Result<T, StoreError> {
        self.row.get(column).map_err(|e| StoreError::sqlite(self.path, e))
    }
}

impl Columns for SqliteRow<'_, '_> {
    typed_getters!();
    fn damaged(&self, record: String, reason: String) -> StoreError {
        StoreError::Damaged { path: self.path.to_path_buf(), record, reason }
    }
}

struct PgRow<'r> {
    row: &'r postgres::Row,
    shown: &'r str,
}

impl PgRow<'_> {
    fn get<'a, T: postgres::types::FromSql<'a>>(&'a self, column: &str) -> Result<T, StoreError> {
        self.row.try_get(column).map_err(|source| StoreError::Postgres { url: self.shown.to_string(), source })
    }
}

impl Columns for PgRow<'_> {
    typed_getters!();
    fn damaged(&self, record: String, reason: String) -> StoreError {
        StoreError::Damaged { path: PathBuf::from(self.shown), record, reason }
    }
}

/// A connection to either database.
pub(crate) enum Conn {
    Sqlite {
        conn: rusqlite::Connection,
        path: PathBuf,
    },
    Postgres {
        client: Box<RefCell<postgres::Client>>,
        shown: String,
        statements: RefCell<HashMap<String, postgres::Statement>>,
    },
}

impl Conn {
    pub(crate) fn postgres(client: postgres::Client, shown: String) -> Self {
        Conn::Postgres { client: Box::new(RefCell::new(client)), shown, statements: RefCell::default() }
    }

    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Conn::Sqlite { .. } => Dialect::Sqlite,
            Conn::Postgres { .. } => Dialect::Postgres,
        }
    }

    /// The database as a user would name it (a file, or a URL without its password).
    pub(crate) fn shown(&self) -> PathBuf {
        match self {
            Conn::Sqlite { path, .. } => path.clone(),
            Conn::Postgres { shown, .. } => PathBuf::from(shown),
        }
    }

    fn pg_error(shown: &str, source: postgres::Error) -> StoreError {
        StoreError::Postgres { url: shown.to_string(), source }
    }

    /// The prepared PostgreSQL statement for `sql` (prepared once per connection).
    fn pg_statement(
        client: &mut postgres::Client,
        statements: &RefCell<HashMap<String, postgres::Statement>>,
        shown: &str,
        sql: &str,
    ) -> Result<postgres::Statement, StoreError> {
        if let Some(s) = statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let statement = client.prepare(&pg_placeholders(sql)).map_err(|e| Self::pg_error(shown, e))?;
        statements.borrow_mut().insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    /// Calls `f` with each row of a query, in order, without holding them all; stops at
    /// `f`'s first error.
    pub(crate) fn each<E: From<StoreError>>(
        &self,
        sql: &str,
        args: &[Value],
        mut f: impl FnMut(&dyn Columns) -> Result<(), E>,
    ) -> Result<(), E> {
        match self {
            Conn::Sqlite { conn, path } => {
                let err = |e| StoreError::sqlite(path, e);
                let mut stmt = conn.prepare_cached(sql).map_err(err)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(args)).map_err(err)?;
                while let Some(row) = rows.next().map_err(err)? {
                    f(&SqliteRow { row, path })?;
                }
                Ok(())
            }
            Conn::Postgres { client, shown, statements } => {
                let mut client = client.borrow_mut();
                let statement = Self::pg_statement(&mut client, statements, shown, sql)?;
                let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(Value::pg).collect();
                let mut rows =
                    client.query_raw(&statement, params.iter().copied()).map_err(|e| Self::pg_error(shown, e))?;
                use postgres::fallible_iterator::FallibleIterator;
                while let Some(row) = rows.next().map_err(|e| Self::pg_error(shown, e))? {
                    f(&PgRow { row: &row, shown })?;
                }
                Ok(())
            }
        }
    }

    /// Every row of a query, mapped.
    pub(crate) fn rows<T>(
        &self,
        sql: &str,
        args: &[Value],
        mut f: impl FnMut(&dyn Columns) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        self.each(sql, args, |r| {
            out.push(f(r)?);
            Ok::<_, StoreError>(())
        })?;
        Ok(out)
    }

    /// The first row of a query, mapped, if there is one.
    pub(crate) fn row<T>(
        &self,
        sql: &str,
        args: &[Value],
        f: impl FnOnce(&dyn Columns) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        let mut f = Some(f);
        let mut out = None;
        self.each(sql, args, |r| {
            if let Some(f) = f.take() {
                out = Some(f(r)?);
            }
            Ok::<_, StoreError>(())
        })?;
        Ok(out)
    }

    /// Runs a statement; returns the rows it changed.
    pub(crate) fn execute(&self, sql: &str, args: &[Value]) -> Result<u64, StoreError> {
        match self {
            Conn::Sqlite { conn, path } => {
                let mut stmt = conn.prepare_cached(sql).map_err(|e| StoreError::sqlite(path, e))?;
                let n = stmt.execute(rusqlite::params_from_iter(args)).map_err(|e| StoreError::sqlite(path, e))?;
                Ok(n as u64)
            }
            Conn::Postgres { client, shown, statements } => {
                let mut client = client.borrow_mut();
                let statement = Self::pg_statement(&mut client, statements, shown, sql)?;
                let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(Value::pg).collect();
                client.execute(&statement, &params).map_err(|e| Self::pg_error(shown, e))
            }
        }
    }

    /// Runs statements without parameters (`BEGIN`, `COMMIT`, DDL).
    pub(crate) fn batch(&self, sql: &str) -> Result<(), StoreError> {
        match self {
            Conn::Sqlite { conn, path } => conn.execute_batch(sql).map_err(|e| StoreError::sqlite(path, e)),
            Conn::Postgres { client, shown, .. } => {
                client.borrow_mut().batch_execute(sql).map_err(|e| Self::pg_error(shown, e))
            }
        }
    }
}

impl Conn {
    /// Loads rows into a table with binary COPY (PostgreSQL only; `None` on SQLite, where
    /// the caller inserts row by row, which costs no round trips there). `types` are the
    /// columns' types in the order of `columns`.
    pub(crate) fn copy_in(
        &self,
        table: &str,
        columns: &str,
        types: &[postgres::types::Type],
        rows: &[Vec<Value>],
    ) -> Option<Result<(), StoreError>> {
        let Conn::Postgres { client, shown, .. } = self else { return None };
        let run = || -> Result<(), postgres::Error> {
            let mut client = client.borrow_mut();
            let sink = client.copy_in(&format!("COPY {table} ({columns}) FROM STDIN (FORMAT binary)"))?;
            let mut writer = postgres::binary_copy::BinaryCopyInWriter::new(sink, types);
            for row in rows {
                let values: Vec<&(dyn ToSql + Sync)> = row.iter().map(Value::pg).collect();
                writer.write(&values)?;
            }
            writer.finish().map(drop)
        };
        Some(run().map_err(|e| Self::pg_error(shown, e)))
    }
}

/// The numbers of a JSON array bound to `?1`, as a subquery (a list of ids in one
/// parameter, the same way in both databases).
pub(crate) fn number_list(d: Dialect) -> &'static str {
    match d {
        Dialect::Sqlite => "SELECT value FROM json_each(?1)",
        Dialect::Postgres => {
            "SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST(CAST(?1 AS TEXT) AS JSONB))"
        }
    }
}

/// The strings of a JSON array bound to `?1`, as a table `j(value)`.
pub(crate) fn text_list(d: Dialect) -> &'static str {
    match d {
        Dialect::Sqlite => "json_each(?1) AS j",
        Dialect::Postgres => "jsonb_array_elements_text(CAST(CAST(?1 AS TEXT) AS JSONB)) AS j(value)",
    }
}

/// `?1` → `$1`, and a bare `?` → the next number: SQLite's placeholders in PostgreSQL's
/// spelling. The store's SQL has no `?` inside string literals.
pub(crate) fn pg_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut next = 1;
    while let Some(c) = chars.next() {
        if c != '?' {
            out.push(c);
            continue;
        }
        out.push('$');
        if chars.peek().is_some_and(char::is_ascii_digit) {
            while let Some(d) = chars.next_if(char::is_ascii_digit) {
                out.push(d);
            }
        } else {
            out.push_str(&next.to_string());
            next += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres() {
        assert_eq!(pg_placeholders("a = ?1 AND b = ?12"), "a = $1 AND b = $12");
        assert_eq!(pg_placeholders("a >= ? AND (b < ? OR c = ?)"), "a >= $1 AND (b < $2 OR c = $3)");
    }
}
