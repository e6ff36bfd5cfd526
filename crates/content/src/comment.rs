use time::OffsetDateTime;

use crate::{ArticleId, CommentId, ValidationError};

/// Where a comment stands in moderation. Only approved comments are shown to readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentStatus {
    /// Waiting for a moderator.
    Pending,
    /// Visible on the article.
    Approved,
    /// Refused by a moderator.
    Rejected,
    /// Marked as spam.
    Spam,
}

impl CommentStatus {
    /// The stored name of the status.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Spam => "spam",
        }
    }

    /// Reads a stored status name.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        Ok(match value {
            "pending" => Self::Pending,
            "approved" => Self::Approved,
            "rejected" => Self::Rejected,
            "spam" => Self::Spam,
            other => return Err(ValidationError::UnknownCommentStatus(other.chars().take(40).collect())),
        })
    }
}

/// A reader's comment on an article. The body is plain text, never markup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Identity.
    pub id: CommentId,
    /// The article commented on.
    pub article_id: ArticleId,
    /// The comment this one replies to; replies go one level deep.
    pub parent_id: Option<CommentId>,
    /// The name the reader chose to show.
    pub author_name: String,
    /// Plain text; paragraphs separated by blank lines.
    pub body: String,
    /// Moderation state.
    pub status: CommentStatus,
    /// When it was posted.
    pub posted_at: OffsetDateTime,
}

/// A comment to be stored.
#[derive(Debug, Clone)]
pub struct NewComment {
    /// The article commented on.
    pub article_id: ArticleId,
    /// The comment replied to, if any.
    pub parent_id: Option<CommentId>,
    /// Display name.
    pub author_name: String,
    /// Never shown; kept for reply notifications.
    pub author_email: Option<String>,
    /// Plain text.
    pub body: String,
    /// Initial moderation state.
    pub status: CommentStatus,
    /// When it was posted.
    pub posted_at: OffsetDateTime,
}
