//! The SQLite backend against the storage conformance suite, plus what only
//! a database file can show: reopening, corrupt files, newer schemas.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a panic is a failed test")]

use masthead_storage::{StorageError, Store};
use masthead_storage_sqlite::SqliteStore;

/// A fresh database file, so that concurrent checks use several connections
/// as a running site does.
async fn fresh_store() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("masthead.db")).await.unwrap();
    (store, dir)
}

mod conformance {
    use super::fresh_store;

    masthead_storage::conformance_tests!(fresh_store().await);
}

#[tokio::test]
async fn data_survives_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("masthead.db");
    let store = SqliteStore::open(&path).await.unwrap();
    store.mark_initialised().await.unwrap();
    store.close().await;
    let reopened = SqliteStore::open(&path).await.unwrap();
    assert!(reopened.is_initialised().await.unwrap());
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("masthead.db");
    std::fs::write(&path, vec![0x42u8; 8192]).unwrap();
    let error = SqliteStore::open(&path).await.err().expect("garbage must not open");
    assert!(matches!(error, StorageError::Corrupt(_)), "{error:?}");
    assert!(error.to_string().contains("is not a SQLite database"), "{error}");
}

#[tokio::test]
async fn a_database_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("masthead.db");
    SqliteStore::open(&path).await.unwrap().close().await;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display())).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99999, 'from the future', 1, x'00', 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let error = SqliteStore::open(&path).await.err().expect("a newer schema must not open");
    assert!(matches!(error, StorageError::SchemaTooNew { found: 99999, .. }), "{error:?}");
}
