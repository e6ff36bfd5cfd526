//! Masthead's newsroom: the application layer behind `/admin` and the JSON
//! admin API.
//!
//! Every newsroom operation is a method on [`Newsroom`] that takes the acting
//! [`User`] first, asks the permission policy ([`masthead_content::Role::may`])
//! before touching anything, and reports failures as a [`NewsroomError`]. The
//! HTML admin and the JSON API are two thin front ends over these methods, so
//! they cannot disagree about who may do what.
//!
//! - [`accounts`]: users, argon2id passwords, sessions, API tokens, sign-in throttling.
//! - [`articles`]: drafts, saves with optimistic locking, revisions, the workflow, corrections.
//! - [`media`]: image uploads and their resized copies.
//! - [`intelligence`]: topic suggestions, quotations and pinned related stories.
//! - [`jobs`]: the background jobs the newsroom queues (scheduled publication, image variants).

pub mod accounts;
pub mod articles;
pub mod diff;
mod error;
pub mod intelligence;
pub mod jobs;
pub mod media;
pub mod moderation;
mod secrets;

use std::path::PathBuf;
use std::sync::Arc;

use masthead_content::{Action, Article, Change, ChangeListener, Status, User};
use masthead_storage::Store;
use tokio::sync::Notify;

pub use error::{NewsroomError, NewsroomResult};
pub use secrets::{generate_password, hash_token};

/// Maps a page path ("", "/world", "/tag/ukraine") to the URLs of its feeds.
pub type FeedTopics = Arc<dyn Fn(&str) -> Vec<String> + Send + Sync>;

/// The newsroom's services, shared by every request.
#[derive(Clone)]
pub struct Newsroom {
    store: Arc<dyn Store>,
    wake: Arc<Notify>,
    media_dir: PathBuf,
    limits: masthead_images::UploadLimits,
    /// Set when a WebSub hub is configured: publishing pings it for these feeds.
    websub_topics: Option<FeedTopics>,
    /// Told about every change readers could see (the page cache listens).
    listeners: Vec<Arc<dyn ChangeListener>>,
}

impl Newsroom {
    /// A newsroom over `store`, storing uploads in `media_dir` and waking the
    /// job runner through `wake` when it queues work.
    pub fn new(store: Arc<dyn Store>, wake: Arc<Notify>, media_dir: PathBuf) -> Self {
        Self {
            store,
            wake,
            media_dir,
            limits: masthead_images::UploadLimits::default(),
            websub_topics: None,
            listeners: Vec::new(),
        }
    }

    /// Pings the WebSub hub for the feeds `topics` names whenever articles appear or change.
    pub fn with_websub(mut self, topics: FeedTopics) -> Self {
        self.websub_topics = Some(topics);
        self
    }

    /// Tells `listener` about every change readers could see.
    pub fn with_listener(mut self, listener: Arc<dyn ChangeListener>) -> Self {
        self.listeners.push(listener);
        self
    }

    /// Reports a change to every listener.
    pub(crate) fn report(&self, change: &Change) {
        for listener in &self.listeners {
            listener.changed(change);
        }
    }

    /// Replaces the upload limits.
    pub fn with_upload_limits(mut self, limits: masthead_images::UploadLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The store underneath.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Refuses unless `actor` may take `action` (on `article`, when one is concerned).
    pub fn authorise(&self, actor: &User, action: Action, article: Option<&Article>) -> NewsroomResult<()> {
        let own = article.is_some_and(|a| is_own(actor, a));
        let status = article.map(|a| a.status);
        if actor.role.may(action, own, status) {
            Ok(())
        } else {
            Err(NewsroomError::Forbidden(refusal(actor, action, own, status)))
        }
    }

    /// Whether `actor` may take `action` on `article`; for showing or hiding buttons.
    pub fn may(&self, actor: &User, action: Action, article: Option<&Article>) -> bool {
        self.authorise(actor, action, article).is_ok()
    }

    /// Queues the WebSub pings for the feeds that list `article`.
    async fn announce(&self, article: &Article) -> NewsroomResult<()> {
        let Some(topics) = &self.websub_topics else {
            return Ok(());
        };
        for page in pages_listing(article) {
            for topic in topics(&page) {
                masthead_jobs::enqueue::<masthead_websub::PingHub>(self.store.as_ref(), &self.wake, &topic).await?;
            }
        }
        Ok(())
    }
}

/// The listing pages an article appears on: home, its section, tags and authors.
pub fn pages_listing(article: &Article) -> Vec<String> {
    let mut pages = vec![String::new(), format!("/{}", article.section.slug)];
    pages.extend(article.tags.iter().map(|t| format!("/tag/{}", t.slug)));
    pages.extend(article.authors.iter().map(|a| format!("/author/{}", a.slug)));
    pages
}

/// An article is someone's own when they created it or their byline is on it.
fn is_own(actor: &User, article: &Article) -> bool {
    article.owner == Some(actor.id) || article.authors.iter().any(|a| a.slug == actor.author)
}

fn refusal(actor: &User, action: Action, own: bool, status: Option<Status>) -> String {
    let role = actor.role.as_str();
    match action {
        Action::ManageUsers => "Only an admin can manage accounts.".to_owned(),
        Action::ManageSettings => "Only an admin can change the site's settings.".to_owned(),
        Action::AddCorrection | Action::ModerateComments => format!("A {role} cannot do that; ask an editor."),
        Action::EditArticle if own => format!(
            "A {role} cannot edit an article that is {}; ask an editor.",
            status.map(Status::label).unwrap_or("in this state")
        ),
        Action::Step(step) if own => format!("A {role} cannot {}; ask an editor.", step.label().to_lowercase()),
        _ => format!("A {role} can only work on their own articles."),
    }
}

/// A time as the newsroom shows it: "29 November 2026, 14:05 UTC".
pub fn human_time(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!("{} {} {}, {:02}:{:02} UTC", at.day(), at.month(), at.year(), at.hour(), at.minute())
}
