//! Masthead's SQLite storage backend: the embedded default database.
//!
//! [`SqliteStore::open`] creates or opens a database file in WAL mode,
//! refuses a file that is not a database or was written by a newer Masthead,
//! and applies the versioned migrations in `migrations/`. Times are stored
//! as UTC RFC 3339 text (see `masthead_storage_sql::time_text`).

mod store;

pub use store::SqliteStore;
