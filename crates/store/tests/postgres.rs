//! The PostgreSQL store against a real server (127.0.0.1:5432 unless
//! `TIDINGS_TEST_POSTGRES` names another): each test creates its own database and drops
//! it. Without a reachable server the tests say so and pass, unless
//! `TIDINGS_REQUIRE_POSTGRES=1` (set by `.ci/run`), which makes that a failure.

use tidings_store::pg::PG_SCHEMA_VERSION;
use tidings_store::pg::testing::TestDatabase;
use tidings_store::{Access, Location, Store, StoreError};

/// A test database, opened as a store.
fn open(db: &TestDatabase, access: Access) -> Result<Store, StoreError> {
    let index = std::env::temp_dir().join(format!("{}-index", db.name()));
    Store::open(&Location::parse(&db.url(), Some(&index)), access)
}

#[test]
fn an_empty_database_gets_the_schema_and_then_reads() {
    let Some(db) = TestDatabase::create() else { return };
    let missing = open(&db, Access::Read).err().expect("an empty database is no store yet");
    assert!(matches!(missing, StoreError::Missing(_)), "{missing}");
    let writer = open(&db, Access::Write).expect("migrated");
    assert_eq!(writer.stats().expect("stats").schema_version, PG_SCHEMA_VERSION);
    drop(writer);
    let reader = open(&db, Access::Read).expect("readable");
    assert_eq!(reader.stats().expect("stats").schema_version, PG_SCHEMA_VERSION);
    let again = open(&db, Access::Write).expect("migrating twice changes nothing");
    assert_eq!(again.stats().expect("stats").schema_version, PG_SCHEMA_VERSION);
}

#[test]
fn a_second_writer_is_refused_at_once_naming_the_first() {
    let Some(db) = TestDatabase::create() else { return };
    let first = open(&db, Access::Write).expect("the first writer");
    let started = std::time::Instant::now();
    let second = open(&db, Access::Write).err().expect("a second writer is refused");
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "refused at once, not after a wait");
    let StoreError::Locked { holder, .. } = &second else { panic!("not a lock error: {second}") };
    assert!(holder.contains("tidings writer") && holder.contains(&std::process::id().to_string()), "{holder}");
    assert!(open(&db, Access::Read).is_ok(), "readers are never locked out");
    drop(first);
    assert!(open(&db, Access::Write).is_ok(), "the lock ends with its connection");
}

#[test]
fn foreign_and_newer_databases_are_refused_and_left_alone() {
    let Some(foreign) = TestDatabase::create() else { return };
    foreign.sql("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('mine')");
    let refused = open(&foreign, Access::Write).err().expect("not ours");
    assert!(matches!(refused, StoreError::Foreign(_)), "{refused}");
    let tables = foreign.number("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'");
    assert_eq!(tables, 1, "nothing was created in a database that is not ours");

    let Some(newer) = TestDatabase::create() else { return };
    drop(open(&newer, Access::Write).expect("a store"));
    newer.sql("UPDATE tidings_meta SET value = '99' WHERE key = 'schema_version'");
    let refused = open(&newer, Access::Write).err().expect("newer than this build");
    assert!(matches!(refused, StoreError::TooNew { found: 99, .. }), "{refused}");
}
