//! The PostgreSQL backend against the storage conformance suite, plus what
//! only a server can show: a schema from a newer version, reconnecting.
//!
//! Each test works in its own schema of the database named by
//! `MASTHEAD_TEST_POSTGRES_URL` (default: the local server's `test`
//! database), so tests run in parallel without seeing each other.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a panic is a failed test")]

use masthead_storage::{StorageError, Store};
use masthead_storage_postgres::PostgresStore;
use masthead_storage_postgres::testing::TestSchema;

async fn connect(schema: &TestSchema) -> PostgresStore {
    PostgresStore::connect_with(schema.options()).await.unwrap()
}

async fn fresh_store() -> (PostgresStore, TestSchema) {
    let schema = TestSchema::create().await;
    (connect(&schema).await, schema)
}

mod conformance {
    use super::fresh_store;

    masthead_storage::conformance_tests!(fresh_store().await);
}

#[tokio::test]
async fn data_survives_reconnecting() {
    let schema = TestSchema::create().await;
    let store = connect(&schema).await;
    store.mark_initialised().await.unwrap();
    store.close().await;
    assert!(connect(&schema).await.is_initialised().await.unwrap());
}

#[tokio::test]
async fn a_schema_from_a_newer_version_is_refused() {
    let schema = TestSchema::create().await;
    let store = connect(&schema).await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99999, 'from the future', true, '\\x00', 0)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    store.close().await;
    let error = PostgresStore::connect_with(schema.options()).await.err().expect("a newer schema must not open");
    assert!(matches!(error, StorageError::SchemaTooNew { found: 99999, .. }), "{error:?}");
}

#[tokio::test]
async fn an_unreachable_server_is_reported_as_unavailable() {
    let error = PostgresStore::connect("postgres://postgres@127.0.0.1:1/test?connect_timeout=2")
        .await
        .err()
        .expect("nothing listens on port 1");
    assert!(matches!(error, StorageError::Unavailable(_)), "{error:?}");
}
