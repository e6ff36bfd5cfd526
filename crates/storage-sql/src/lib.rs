//! What Masthead's SQL backends share, so that each engine's crate holds
//! only its own SQL: reading rows back into content-model values
//! ([`rows`], over either engine's row type), the JSON form of stored
//! revisions ([`revision_fields`]) and times as SQLite text ([`time_text`]).

pub mod change_json;
pub mod revision_fields;
pub mod rows;
pub mod time_text;

/// The columns of published article summaries, for listings; callers put a
/// condition in place of `/*filter*/` and bind the page size and offset.
pub const ARTICLE_SUMMARIES_SQL: &str = include_str!("sql/article_summaries.sql");
/// Every column a whole article is read from; callers append a WHERE clause.
pub const FULL_ARTICLE_SQL: &str = include_str!("sql/full_article.sql");

/// Whether a database whose newest applied migration is `applied` has the
/// schema `migrator` builds: [`SchemaTooNew`](masthead_storage::StorageError::SchemaTooNew) when a newer
/// Masthead migrated it further, [`Unavailable`](masthead_storage::StorageError::Unavailable) when it is
/// behind (not migrated yet).
pub fn schema_is_current(
    applied: Option<i64>,
    migrator: &sqlx::migrate::Migrator,
) -> Result<(), masthead_storage::StorageError> {
    let supported = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    match applied.unwrap_or(0) {
        found if found > supported => Err(masthead_storage::StorageError::SchemaTooNew { found, supported }),
        found if found == supported => Ok(()),
        found => Err(masthead_storage::StorageError::Unavailable(
            format!("the schema is at migration {found}, not yet at {supported}").into(),
        )),
    }
}
