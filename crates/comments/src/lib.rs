//! Reader comments on Masthead: the "Leave a Comment" form's other side.
//!
//! [`CommentDesk::post`] takes what a reader sent and decides, in order:
//! is the article open for comments; is the form genuine (a signed token
//! from when the page was rendered, not sent back too fast, and the hidden
//! honeypot field empty); are the fields within their limits; has this
//! client (known only by a salted hash of its address) or this article had
//! too many comments lately; has the same text been posted already; how
//! spam-like it looks ([`spam::score`]); and finally, by the site's
//! [`ModerationPolicy`], whether it appears at once or waits for a moderator.
//!
//! Readers' IP addresses are never stored: only a salted SHA-256 of them, with
//! a salt made for the site on first use and kept in its database.

pub mod spam;

use std::net::IpAddr;
use std::sync::Arc;

use masthead_content::{
    Article, ArticleId, Change, ChangeListener, Comment, CommentId, CommentSettings, CommentStatus, Email,
    ModerationPolicy, NewComment,
};
use masthead_storage::{StorageError, Store};
use rand::Rng;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

/// The longest display name.
pub const MAX_NAME_CHARS: usize = 80;
/// The longest comment.
pub const MAX_BODY_CHARS: usize = 5_000;
/// The most web addresses a comment may contain.
pub const MAX_LINKS: usize = 3;
/// A form sent back sooner than this after the page was rendered is a robot's.
pub const MIN_SECONDS_TO_WRITE: i64 = 3;
/// A form older than this has expired.
pub const MAX_FORM_AGE: Duration = Duration::days(1);
/// Comments one client may post per minute, and per hour.
pub const CLIENT_LIMITS: [(u32, Duration); 2] = [(3, Duration::minutes(1)), (12, Duration::hours(1))];
/// Comments one article may receive per minute from everyone together.
pub const ARTICLE_LIMIT: (u32, Duration) = (30, Duration::minutes(1));
/// A score at which a comment is filed as spam.
pub const SPAM_SCORE: u32 = 5;
/// A score at which a comment waits for a moderator whatever the policy.
pub const HOLD_SCORE: u32 = 2;

/// The settings keys in the site's database.
const MODERATION_KEY: &str = "comment_moderation";
const CLOSE_AFTER_KEY: &str = "comments_close_after_days";
const SALT_KEY: &str = "comment_salt";

/// What a reader sent.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    /// Display name.
    pub name: String,
    /// Optional email, never shown.
    pub email: String,
    /// The comment.
    pub body: String,
    /// The comment replied to, as sent.
    pub reply_to: String,
    /// The form token rendered with the page.
    pub token: String,
    /// The honeypot field: hidden from people, filled in by robots.
    pub honeypot: String,
}

/// A stored comment and what to tell the reader.
#[derive(Debug, Clone)]
pub struct Posted {
    /// The comment as stored.
    pub comment: Comment,
}

impl Posted {
    /// The sentence for the reader.
    pub fn message(&self) -> &'static str {
        match self.comment.status {
            CommentStatus::Approved => "Thank you: your comment is published.",
            _ => "Thank you. Your comment will appear once a moderator has approved it.",
        }
    }
}

/// Why a comment was not taken. Every message can be shown to the reader.
#[derive(Debug, thiserror::Error)]
pub enum CommentError {
    /// Comments are closed on the article.
    #[error("Comments are closed on this article.")]
    Closed,
    /// The form's token is missing, forged, too fresh or too old.
    #[error("This form has expired or was sent too quickly. Please wait a moment and send it again.")]
    BadForm,
    /// A field breaks a rule.
    #[error("{0}")]
    Invalid(String),
    /// Too many comments from this client or on this article lately.
    #[error("You are commenting faster than we can read. Please try again in {} seconds.", retry_after.whole_seconds().max(1))]
    Throttled {
        /// When the next comment will be taken.
        retry_after: Duration,
    },
    /// The same text was posted already.
    #[error("This comment has already been posted.")]
    Duplicate,
    /// The database failed.
    #[error("comments are unavailable: {0}")]
    Storage(#[from] StorageError),
}

/// Takes readers' comments for a site.
#[derive(Clone)]
pub struct CommentDesk {
    store: Arc<dyn Store>,
    salt: Arc<str>,
    listeners: Vec<Arc<dyn ChangeListener>>,
}

impl CommentDesk {
    /// The desk for the site behind `store`, creating its salt on first use.
    pub async fn open(store: Arc<dyn Store>) -> Result<Self, StorageError> {
        let salt = match store.site_setting(SALT_KEY).await? {
            Some(salt) => salt,
            None => {
                let bytes: [u8; 32] = rand::rng().random();
                let salt = hex(&bytes);
                store.set_site_setting(SALT_KEY, &salt).await?;
                salt
            }
        };
        Ok(Self { store, salt: salt.into(), listeners: Vec::new() })
    }

    /// Tells `listener` when a comment appears on an article.
    pub fn with_listener(mut self, listener: Arc<dyn ChangeListener>) -> Self {
        self.listeners.push(listener);
        self
    }

    /// The site's comment settings (defaults until an admin changes them).
    pub async fn settings(&self) -> Result<CommentSettings, StorageError> {
        read_settings(self.store.as_ref()).await
    }

    /// Whether readers may comment on `article` now.
    pub async fn open_for(&self, article: &Article) -> Result<bool, StorageError> {
        Ok(self.settings().await?.open_for(article, OffsetDateTime::now_utc()))
    }

    /// The token a comment form rendered at `now` carries: its time, signed.
    pub fn form_token(&self, article: ArticleId, now: OffsetDateTime) -> String {
        let at = now.unix_timestamp();
        format!("{at}.{}", self.sign(&format!("form|{article}|{at}")))
    }

    /// The salted hash a client's address is known by.
    pub fn client_hash(&self, address: IpAddr) -> String {
        self.sign(&format!("client|{address}"))
    }

    fn sign(&self, text: &str) -> String {
        let digest = Sha256::digest(format!("{}|{text}", self.salt).as_bytes());
        hex(&digest[..16])
    }

    /// Takes a reader's comment on a published `article`.
    pub async fn post(
        &self,
        article: &Article,
        submission: Submission,
        client: Option<IpAddr>,
        now: OffsetDateTime,
    ) -> Result<Posted, CommentError> {
        let settings = self.settings().await?;
        if !settings.open_for(article, now) {
            return Err(CommentError::Closed);
        }
        self.check_token(article.id, &submission.token, now)?;
        if !submission.honeypot.trim().is_empty() {
            tracing::info!(article = %article.id, "comment refused: the honeypot field was filled in");
            return Err(CommentError::BadForm);
        }
        let fields = check_fields(&submission)?;
        let client_hash = client.map(|address| self.client_hash(address));
        if let Some(hash) = &client_hash {
            for (limit, window) in CLIENT_LIMITS {
                let (count, oldest) = self.store.client_comments_since(hash, now - window).await?;
                if count >= limit {
                    return Err(throttled(oldest, window, now));
                }
            }
        }
        let (limit, window) = ARTICLE_LIMIT;
        let (count, oldest) = self.store.article_comments_since(article.id, now - window).await?;
        if count >= limit {
            return Err(throttled(oldest, window, now));
        }
        if self
            .store
            .is_duplicate_comment(article.id, client_hash.as_deref(), &fields.body, now - Duration::days(1))
            .await?
        {
            return Err(CommentError::Duplicate);
        }
        let mut found = spam::score(&fields.name, &fields.body);
        let status = if found.score >= SPAM_SCORE {
            CommentStatus::Spam
        } else {
            match settings.moderation {
                ModerationPolicy::HoldAll => {
                    found.reasons.push("every comment is held".into());
                    CommentStatus::Pending
                }
                _ if found.score >= HOLD_SCORE => CommentStatus::Pending,
                ModerationPolicy::PublishImmediately => CommentStatus::Approved,
                ModerationPolicy::HoldFirstTime => {
                    if self.store.has_approved_comment(fields.email.as_deref(), client_hash.as_deref()).await? {
                        CommentStatus::Approved
                    } else {
                        found.reasons.push("first comment from this reader".into());
                        CommentStatus::Pending
                    }
                }
            }
        };
        let comment = self
            .store
            .add_comment(NewComment {
                article_id: article.id,
                parent_id: fields.reply_to,
                author_name: fields.name,
                author_email: fields.email,
                body: fields.body,
                status,
                posted_at: now,
                client_hash,
                spam_score: found.score,
                reasons: found.reasons,
            })
            .await
            .map_err(|e| match e {
                StorageError::InvalidReference(_) => {
                    CommentError::Invalid("A reply must answer a comment on this article.".into())
                }
                other => CommentError::Storage(other),
            })?;
        if status == CommentStatus::Approved {
            for listener in &self.listeners {
                listener.changed(&Change::comments(article));
            }
        }
        tracing::info!(article = %article.id, comment = %comment.id, status = status.as_str(), "comment posted");
        Ok(Posted { comment })
    }

    fn check_token(&self, article: ArticleId, token: &str, now: OffsetDateTime) -> Result<(), CommentError> {
        let (at, signature) = token.trim().split_once('.').ok_or(CommentError::BadForm)?;
        let seconds: i64 = at.parse().map_err(|_| CommentError::BadForm)?;
        if self.sign(&format!("form|{article}|{seconds}")) != signature {
            return Err(CommentError::BadForm);
        }
        let age = now.unix_timestamp() - seconds;
        if age < MIN_SECONDS_TO_WRITE || age > MAX_FORM_AGE.whole_seconds() {
            return Err(CommentError::BadForm);
        }
        Ok(())
    }
}

/// Reads the comment settings from the site's database.
pub async fn read_settings(store: &dyn Store) -> Result<CommentSettings, StorageError> {
    let defaults = CommentSettings::default();
    let moderation = match store.site_setting(MODERATION_KEY).await? {
        Some(text) => ModerationPolicy::parse(&text).unwrap_or(defaults.moderation),
        None => defaults.moderation,
    };
    let close_after_days = match store.site_setting(CLOSE_AFTER_KEY).await? {
        Some(text) => text.parse().unwrap_or(defaults.close_after_days),
        None => defaults.close_after_days,
    };
    Ok(CommentSettings { moderation, close_after_days })
}

/// Stores the comment settings.
pub async fn write_settings(store: &dyn Store, settings: CommentSettings) -> Result<(), StorageError> {
    store.set_site_setting(MODERATION_KEY, settings.moderation.as_str()).await?;
    store.set_site_setting(CLOSE_AFTER_KEY, &settings.close_after_days.to_string()).await
}

struct Fields {
    name: String,
    email: Option<String>,
    body: String,
    reply_to: Option<CommentId>,
}

fn check_fields(submission: &Submission) -> Result<Fields, CommentError> {
    let name = submission.name.split_whitespace().collect::<Vec<_>>().join(" ");
    let name_chars = name.chars().count();
    if name_chars == 0 || name_chars > MAX_NAME_CHARS {
        return Err(CommentError::Invalid(format!("Give a name of 1 to {MAX_NAME_CHARS} characters.")));
    }
    let body = submission.body.replace("\r\n", "\n").trim().to_owned();
    let body_chars = body.chars().count();
    if body_chars == 0 {
        return Err(CommentError::Invalid("Write a comment first.".into()));
    }
    if body_chars > MAX_BODY_CHARS {
        return Err(CommentError::Invalid(format!(
            "A comment can have at most {MAX_BODY_CHARS} characters; this one has {body_chars}."
        )));
    }
    if name.chars().chain(body.chars()).any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(CommentError::Invalid("The comment contains control characters.".into()));
    }
    let links = masthead_markup::count_links(&body);
    if links > MAX_LINKS {
        return Err(CommentError::Invalid(format!(
            "A comment can contain at most {MAX_LINKS} web addresses; this one has {links}."
        )));
    }
    let email = match submission.email.trim() {
        "" => None,
        typed => Some(
            Email::parse(typed)
                .map_err(|_| {
                    CommentError::Invalid("The email address does not look right; leave it empty if you prefer.".into())
                })?
                .as_str()
                .to_owned(),
        ),
    };
    let reply_to = match submission.reply_to.trim() {
        "" => None,
        id => Some(
            CommentId::parse(id)
                .map_err(|_| CommentError::Invalid("A reply must answer a comment on this article.".into()))?,
        ),
    };
    Ok(Fields { name, email, body, reply_to })
}

fn throttled(oldest: Option<OffsetDateTime>, window: Duration, now: OffsetDateTime) -> CommentError {
    let retry_after = oldest.map(|t| t + window - now).unwrap_or(window).max(Duration::SECOND);
    CommentError::Throttled { retry_after }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
