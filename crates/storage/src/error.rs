use thiserror::Error;

/// Why a storage operation failed, in the words of its caller.
#[derive(Debug, Error)]
pub enum StorageError {
    /// The thing named does not exist.
    #[error("{0} was not found")]
    NotFound(String),
    /// The operation would break a uniqueness rule, such as a slug already in use.
    #[error("{0}")]
    Conflict(String),
    /// Saving over a newer revision than the one the writer started from.
    #[error("the article was saved by someone else meanwhile (revision {current} is newer than your revision {yours})")]
    Stale {
        /// The revision the writer started from.
        yours: u32,
        /// The article's current revision.
        current: u32,
    },
    /// A job runner settling a job it no longer holds: its lease ran out and
    /// another runner claimed the job since.
    #[error("job {job} is no longer held by this runner: its lease ran out and it was claimed again")]
    LeaseLost {
        /// The job's queue id.
        job: i64,
    },
    /// The input refers to something that does not exist (an unknown section or author).
    #[error("{0}")]
    InvalidReference(String),
    /// The input breaks a content rule.
    #[error(transparent)]
    Invalid(#[from] masthead_content::ValidationError),
    /// Stored data that no longer satisfies the content model.
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    /// The database file was written by a newer Masthead.
    #[error(
        "the database was written by a newer version of Masthead (schema version {found}, this version knows up to {supported})"
    )]
    SchemaTooNew {
        /// Newest migration recorded in the database.
        found: i64,
        /// Newest migration this build knows.
        supported: i64,
    },
    /// The database could not be reached or answered with an error.
    #[error("the database is unavailable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}
