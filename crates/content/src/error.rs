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
    /// A topic kind that is not person, organization or place.
    #[error("`{0}` is not a kind of topic (person, organization, place)")]
    UnknownTopicKind(String),
    /// A topic state that is not suggested, confirmed or removed.
    #[error("`{0}` is not a topic state (suggested, confirmed, removed)")]
    UnknownTopicState(String),
    /// A role name that is not one of the newsroom roles.
    #[error("`{0}` is not a role (contributor, author, editor, admin)")]
    UnknownRole(String),
    /// An email address that cannot be one.
    #[error("`{0}` is not an email address")]
    InvalidEmail(String),
    /// A workflow step name that is not one of the transitions.
    #[error("`{0}` is not a workflow step (submit, return_to_draft, publish, schedule, unpublish)")]
    UnknownTransition(String),
    /// A workflow step that does not start from the article's current status.
    #[error("an article that is {from} cannot be {step}")]
    TransitionNotAllowed {
        /// The article's status, in words.
        from: &'static str,
        /// The step, in words ("submitted for review").
        step: &'static str,
    },
    /// An identifier that is not a UUID.
    #[error("`{0}` is not a valid identifier")]
    InvalidId(String),
}
