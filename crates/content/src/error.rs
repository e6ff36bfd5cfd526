use thiserror::Error;

/// A value that breaks one of the content model's rules.
///
/// The message names the field and the rule, so it can be shown to the
/// person who typed the value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValidationError {
    /// A slug that is empty, too long or has characters other than `a-z`, `0-9` and single hyphens.
    #[error("`{value}` is not a valid slug: {reason}")]
    InvalidSlug {
        /// The rejected text (shortened when long).
        value: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// A text field that is empty, too long or holds control characters.
    #[error("{field} {reason}")]
    InvalidText {
        /// The field's name as a writer knows it ("headline", "author name").
        field: &'static str,
        /// Which rule it breaks.
        reason: String,
    },
    /// An article needs at least one byline.
    #[error("an article needs at least one author")]
    NoAuthors,
    /// A status name that is not one of the workflow states.
    #[error("`{0}` is not an article status (draft, in_review, scheduled, published, unpublished)")]
    UnknownStatus(String),
    /// A comment status name that is not one of the moderation states.
    #[error("`{0}` is not a comment status (pending, approved, rejected, spam)")]
    UnknownCommentStatus(String),
    /// An identifier that is not a UUID.
    #[error("`{0}` is not a valid identifier")]
    InvalidId(String),
}
