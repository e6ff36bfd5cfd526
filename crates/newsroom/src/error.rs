use masthead_storage::StorageError;

/// Shorthand for newsroom results.
pub type NewsroomResult<T> = Result<T, NewsroomError>;

/// Why a newsroom operation was refused or failed. Every message is a
/// sentence that can be shown to the person who asked.
#[derive(Debug, thiserror::Error)]
pub enum NewsroomError {
    /// No valid session or token.
    #[error("Please sign in.")]
    NotSignedIn,
    /// Wrong email or password.
    #[error("The email address or password is wrong.")]
    BadCredentials,
    /// Too many failed sign-ins; try again after the wait.
    #[error("Too many failed sign-ins. Try again in {} minutes.", retry_after.whole_minutes().max(1))]
    Throttled {
        /// How long until the next attempt is accepted.
        retry_after: time::Duration,
    },
    /// The role does not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// The thing named does not exist.
    #[error("{0} was not found.")]
    NotFound(String),
    /// The input breaks a rule; the message says which.
    #[error("{0}")]
    Invalid(String),
    /// Someone saved a newer revision meanwhile (optimistic locking).
    #[error(
        "Someone else saved this article meanwhile (revision {current}; you started from revision {yours}). \
         Your text is kept below: compare it with theirs and save again."
    )]
    Stale {
        /// The revision the writer started from.
        yours: u32,
        /// The article's current revision.
        current: u32,
    },
    /// A uniqueness or state rule (slug taken, status changed meanwhile).
    #[error("{0}")]
    Conflict(String),
    /// An upload bigger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// The database or file system failed.
    #[error("the newsroom could not complete the request: {0}")]
    Internal(String),
}

impl From<StorageError> for NewsroomError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::NotFound(what) => Self::NotFound(capitalised(&what)),
            StorageError::Conflict(message) => Self::Conflict(sentence(&message)),
            StorageError::InvalidReference(message) => Self::Invalid(sentence(&message)),
            StorageError::Invalid(e) => Self::Invalid(sentence(&e.to_string())),
            StorageError::Stale { yours, current } => Self::Stale { yours, current },
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<masthead_content::ValidationError> for NewsroomError {
    fn from(error: masthead_content::ValidationError) -> Self {
        Self::Invalid(sentence(&error.to_string()))
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Capitalises and ends with a full stop, so storage's phrases read as sentences.
pub(crate) fn sentence(text: &str) -> String {
    let mut out = capitalised(text.trim());
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}
