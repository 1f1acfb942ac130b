//! The schema and its migrations. `PRAGMA application_id` marks a database as a tidings
//! store; `PRAGMA user_version` is its schema version. Migrations run in order, each in
//! one transaction with the version bump, so a store is never half-migrated.

use std::path::Path;

use rusqlite::Connection;

use crate::{Access, StoreError};

/// "tdng" — what `PRAGMA application_id` says in every tidings store.
const APPLICATION_ID: i64 = 0x7464_6e67;

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_feeds.sql"),
    include_str!("../migrations/0003_cards.sql"),
    include_str!("../migrations/0004_storylines.sql"),
    include_str!("../migrations/0005_breaking.sql"),
    include_str!("../migrations/0006_alerts.sql"),
    include_str!("../migrations/0007_follows_open.sql"),
    include_str!("../migrations/0008_robots.sql"),
];

/// The writer's page cache, in KiB as a negative `cache_size` asks.
const WRITER_CACHE_KIB: i64 = -65_536;

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Sets the connection up and checks (and, for a writer, migrates) the schema.
pub(crate) fn prepare(conn: &Connection, db: &Path, access: Access) -> Result<(), StoreError> {
    let err = |e| StoreError::sqlite(db, e);
    conn.busy_timeout(std::time::Duration::from_secs(30)).map_err(err)?;
    let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(err)?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(err)?;
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).map_err(err)?;
    let fresh = app_id == 0 && version == 0 && tables == 0;
    if !fresh && app_id != APPLICATION_ID {
        return Err(StoreError::Foreign(db.to_path_buf()));
    }
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew { path: db.to_path_buf(), found: version, supported: SCHEMA_VERSION });
    }
    match access {
        Access::Read if fresh => Err(StoreError::Missing(db.parent().unwrap_or(db).to_path_buf())),
        Access::Read if version < SCHEMA_VERSION => {
            Err(StoreError::Outdated { path: db.to_path_buf(), found: version, current: SCHEMA_VERSION })
        }
        Access::Read => Ok(()),
        Access::Write => {
            conn.pragma_update(None, "journal_mode", "WAL").map_err(err)?;
            conn.pragma_update(None, "synchronous", "NORMAL").map_err(err)?;
            // 64 MB of pages (SQLite's default is 2 MB): a batch looks up its stories,
            // articles and follows by key all over a store that soon outgrows 2 MB.
            conn.pragma_update(None, "cache_size", WRITER_CACHE_KIB).map_err(err)?;
            migrate(conn, version).map_err(err)
        }
    }
}

fn migrate(conn: &Connection, from: i64) -> rusqlite::Result<()> {
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
