//! Comment moderation for editors, and the site's comment settings for admins.

use masthead_content::{Action, ArticleId, Change, CommentId, CommentSettings, CommentStatus, User};
use masthead_storage::{HeldComment, PageRequest, Paged};

use crate::{Newsroom, NewsroomError, NewsroomResult};

/// What a moderator does to comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Show it on the article.
    Approve,
    /// Do not show it.
    Reject,
    /// File it as spam.
    Spam,
    /// Remove it (and its replies) for good.
    Delete,
}

impl Verdict {
    /// Every verdict.
    pub const ALL: [Verdict; 4] = [Self::Approve, Self::Reject, Self::Spam, Self::Delete];

    /// The name used in forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Spam => "spam",
            Self::Delete => "delete",
        }
    }

    /// Reads a verdict name.
    pub fn parse(value: &str) -> NewsroomResult<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == value.trim())
            .ok_or_else(|| NewsroomError::Invalid("Choose approve, reject, spam or delete.".into()))
    }
}

impl Newsroom {
    /// Comments in a moderation state, newest first.
    pub async fn comments_in(
        &self,
        actor: &User,
        status: CommentStatus,
        page: PageRequest,
    ) -> NewsroomResult<Paged<HeldComment>> {
        self.authorise(actor, Action::ModerateComments, None)?;
        Ok(self.store.comments_in(status, page).await?)
    }

    /// Applies a verdict to comments; returns how many changed.
    pub async fn moderate(&self, actor: &User, ids: &[CommentId], verdict: Verdict) -> NewsroomResult<u64> {
        self.authorise(actor, Action::ModerateComments, None)?;
        if ids.is_empty() {
            return Err(NewsroomError::Invalid("Choose at least one comment.".into()));
        }
        // The articles whose pages show these comments, found before any is deleted.
        let mut articles = Vec::new();
        for id in ids {
            if let Some(comment) = self.store.comment(*id).await?
                && !articles.contains(&comment.article_id)
            {
                articles.push(comment.article_id);
            }
        }
        let changed = match verdict {
            Verdict::Approve => self.store.set_comment_status(ids, CommentStatus::Approved).await?,
            Verdict::Reject => self.store.set_comment_status(ids, CommentStatus::Rejected).await?,
            Verdict::Spam => self.store.set_comment_status(ids, CommentStatus::Spam).await?,
            Verdict::Delete => self.store.delete_comments(ids).await?,
        };
        for article in articles {
            if let Some(article) = self.store.article(article).await? {
                self.report(&Change::comments(&article));
            }
        }
        tracing::info!(by = %actor.email, verdict = verdict.as_str(), comments = changed, "comments moderated");
        Ok(changed)
    }

    /// Deletes everything posted with an email address (a reader's request to be forgotten).
    pub async fn erase_commenter(&self, actor: &User, email: &str) -> NewsroomResult<u64> {
        self.authorise(actor, Action::ModerateComments, None)?;
        let email = masthead_content::Email::parse(email)?;
        let erased = self.store.delete_comments_by_email(email.as_str()).await?;
        // Rare, and the comments may be anywhere: every page is refreshed.
        self.report(&Change::Everything);
        tracing::info!(by = %actor.email, comments = erased, "a commenter's comments were erased");
        Ok(erased)
    }

    /// Opens or closes comments on an article; `None` follows the site's settings.
    pub async fn set_comments_open(&self, actor: &User, article: ArticleId, open: Option<bool>) -> NewsroomResult<()> {
        self.authorise(actor, Action::ModerateComments, None)?;
        self.store.set_comments_open(article, open).await?;
        if let Some(article) = self.store.article(article).await? {
            self.report(&Change::comments(&article));
        }
        Ok(())
    }

    /// The site's comment settings.
    pub async fn comment_settings(&self, actor: &User) -> NewsroomResult<CommentSettings> {
        self.authorise(actor, Action::ViewNewsroom, None)?;
        Ok(masthead_comments::read_settings(self.store.as_ref()).await?)
    }

    /// Changes the site's comment settings. Admins only.
    pub async fn change_comment_settings(&self, actor: &User, settings: CommentSettings) -> NewsroomResult<()> {
        self.authorise(actor, Action::ManageSettings, None)?;
        if settings.close_after_days > 3650 {
            return Err(NewsroomError::Invalid("Close comments after 0 (never) to 3,650 days.".into()));
        }
        masthead_comments::write_settings(self.store.as_ref(), settings).await?;
        // Closing comments by age changes every article page.
        self.report(&Change::Everything);
        Ok(())
    }
}
