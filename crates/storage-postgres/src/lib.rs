//! Masthead's PostgreSQL storage backend: one database shared by every node
//! of a site that has outgrown one machine.
//!
//! [`PostgresStore::connect`] connects to a database URL and applies the
//! versioned migrations in `migrations/`, under PostgreSQL's advisory lock so
//! that nodes starting together do not race. The schema holds the same
//! tables as the SQLite backend's, in PostgreSQL's own types (times are
//! `TIMESTAMPTZ`). Writes that read a row in order to change it lock it
//! first (`SELECT … FOR UPDATE`), saves are one compare-and-set on the
//! article's revision, and job runners on several nodes take due jobs with
//! `FOR UPDATE SKIP LOCKED`.

mod store;

#[cfg(feature = "testing")]
pub mod testing;

pub use store::PostgresStore;
