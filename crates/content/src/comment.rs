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
    /// A salted hash of the poster's IP address (the address itself is never stored).
    pub client_hash: Option<String>,
    /// How spam-like the comment looked when posted (0 = not at all).
    pub spam_score: u32,
    /// Why it was held or scored, for moderators.
    pub reasons: Vec<String>,
}

/// What happens to a new comment before readers see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModerationPolicy {
    /// Every comment waits for a moderator.
    HoldAll,
    /// A reader's first comment waits; once one is approved, the next ones appear at once.
    #[default]
    HoldFirstTime,
    /// Comments appear at once unless they look like spam.
    PublishImmediately,
}

impl ModerationPolicy {
    /// Every policy.
    pub const ALL: [ModerationPolicy; 3] = [Self::HoldAll, Self::HoldFirstTime, Self::PublishImmediately];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HoldAll => "hold_all",
            Self::HoldFirstTime => "hold_first_time",
            Self::PublishImmediately => "publish",
        }
    }

    /// What the setting says, for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::HoldAll => "Hold every comment for a moderator",
            Self::HoldFirstTime => "Hold a reader's first comment; publish theirs at once after one is approved",
            Self::PublishImmediately => "Publish at once unless a comment looks like spam",
        }
    }

    /// Reads a stored name.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        Self::ALL.into_iter().find(|p| p.as_str() == value.trim()).ok_or_else(|| ValidationError::InvalidText {
            field: "moderation policy",
            reason: format!(
                "must be hold_all, hold_first_time or publish, not `{}`",
                value.chars().take(40).collect::<String>()
            ),
        })
    }
}

/// The site's comment settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentSettings {
    /// What happens to new comments.
    pub moderation: ModerationPolicy,
    /// Comments close this many days after publication; 0 keeps them open.
    pub close_after_days: u32,
}

impl Default for CommentSettings {
    fn default() -> Self {
        Self { moderation: ModerationPolicy::HoldFirstTime, close_after_days: 30 }
    }
}

impl CommentSettings {
    /// Whether readers may comment on `article` at `now`: an editor's explicit
    /// choice wins; otherwise comments close `close_after_days` after publication.
    pub fn open_for(&self, article: &crate::Article, now: OffsetDateTime) -> bool {
        if let Some(open) = article.comments_open {
            return open;
        }
        match (self.close_after_days, article.published_at) {
            (0, _) | (_, None) => true,
            (days, Some(published)) => now < published + time::Duration::days(i64::from(days)),
        }
    }
}
