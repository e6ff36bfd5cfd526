//! Masthead's storage port: the [`Store`] trait every database backend
//! implements, the [`StorageError`] it returns, and the query types
//! ([`Listing`], [`PageRequest`], [`Paged`], [`ArticleLookup`]).
//!
//! Methods are named after what the publication does (`published_articles`,
//! `change_slug`), not after SQL. Backends live in their own crates
//! (`masthead-storage-sqlite`, later PostgreSQL); everything above this layer
//! holds an `Arc<dyn Store>` and never knows which one it has.

use async_trait::async_trait;
use masthead_content::Change;
use masthead_content::{
    Article, ArticleDraft, ArticleId, ArticleQuote, ArticleSummary, ArticleTopic, Author, Comment, CommentId,
    CommentStatus, Correction, Email, Media, MediaId, MediaVariant, NewArticle, NewComment, NewMedia, Revision,
    Section, Slug, Status, Tag, Topic, TopicQuote, TopicState, User, UserId,
};
use time::OffsetDateTime;

#[cfg(feature = "conformance")]
pub mod conformance;
mod error;
mod query;

pub use error::StorageError;
pub use query::{
    ArticleLocation, ArticleLookup, ChangeBatch, ClaimedJob, HeldComment, ImportedArticle, Listing, NewJob, NewUser,
    NewsroomFilter, PageRequest, Paged, PublicationMonth, PublishedLink, RecordedChange, RevisionSummary, Session,
};

/// Shorthand for results of storage operations.
pub type StorageResult<T> = Result<T, StorageError>;

/// Everything Masthead keeps in its database.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Closes the store's connections once the work in progress is done;
    /// SQLite also checkpoints its write-ahead log into the database file.
    async fn close(&self);

    /// Answers when the database is reachable and its schema is the one this
    /// build knows: [`StorageError::SchemaTooNew`] once a newer Masthead has
    /// migrated it, [`StorageError::Unavailable`] when it does not answer.
    async fn check_ready(&self) -> StorageResult<()>;

    /// Whether the site has been set up (the first start has happened).
    async fn is_initialised(&self) -> StorageResult<bool>;
    /// Records that the first start has happened, so demo content is never loaded twice.
    async fn mark_initialised(&self) -> StorageResult<()>;

    /// Adds a section, or updates the one with the same slug. Reserved slugs are refused.
    async fn save_section(&self, section: &Section, position: u32) -> StorageResult<()>;
    /// Adds a tag, or updates the one with the same slug.
    async fn save_tag(&self, tag: &Tag) -> StorageResult<()>;
    /// Adds an author, or updates the one with the same slug.
    async fn save_author(&self, author: &Author) -> StorageResult<()>;
    /// All sections, in navigation order.
    async fn sections(&self) -> StorageResult<Vec<Section>>;
    /// The section with this slug.
    async fn section(&self, slug: &Slug) -> StorageResult<Option<Section>>;
    /// The tag with this slug.
    async fn tag(&self, slug: &Slug) -> StorageResult<Option<Tag>>;
    /// The author with this slug.
    async fn author(&self, slug: &Slug) -> StorageResult<Option<Author>>;

    /// Records a media item whose file is already in the media store.
    async fn add_media(&self, media: NewMedia) -> StorageResult<Media>;

    /// Stores a new article. Its slug must be free: neither in use nor a former slug of another article.
    async fn create_article(&self, article: NewArticle) -> StorageResult<ArticleId>;
    /// Stores many articles (and their approved comments) in one transaction,
    /// for imports and generated sites. Slugs must be free; sections, tags,
    /// authors and lead images must exist. Returns how many were stored.
    async fn import_articles(&self, batch: &[ImportedArticle]) -> StorageResult<u64>;
    /// Gives an article a new slug and keeps the old one answering as a redirect.
    async fn change_slug(&self, id: ArticleId, new_slug: &Slug) -> StorageResult<()>;
    /// Appends a correction note and moves the article's update time to it.
    async fn add_correction(&self, id: ArticleId, correction: &Correction) -> StorageResult<()>;
    /// The published article a reader asked for by slug, or where it moved.
    async fn published_article(&self, slug: &Slug) -> StorageResult<ArticleLookup>;
    /// One page of published articles, newest first.
    async fn published_articles(&self, listing: &Listing, page: PageRequest) -> StorageResult<Paged<ArticleSummary>>;
    /// The newest published articles of a listing, whole (with their bodies), for feeds.
    async fn recent_articles(&self, listing: &Listing, limit: u32) -> StorageResult<Vec<Article>>;
    /// Months that have published articles, newest first, with the last change in each.
    async fn publication_months(&self) -> StorageResult<Vec<PublicationMonth>>;
    /// Addresses and last changes of the articles published in a month, oldest first,
    /// `limit` of them after skipping `offset`.
    async fn published_in_month(
        &self,
        month: &PublicationMonth,
        offset: u64,
        limit: u32,
    ) -> StorageResult<Vec<ArticleLocation>>;
    /// Articles published at or after `since`, newest first, at most `limit`.
    async fn published_since(&self, since: time::OffsetDateTime, limit: u32) -> StorageResult<Vec<ArticleSummary>>;
    /// Headlines and current addresses of the published articles named by
    /// `slugs` (current or former slugs), for "read also" links.
    async fn published_links(&self, slugs: &[Slug]) -> StorageResult<Vec<PublishedLink>>;

    /// Queues a background job to run at or after `run_after`.
    async fn enqueue_job(&self, job: &NewJob) -> StorageResult<i64>;
    /// Takes the oldest due job, leasing it until `now + lease`: if it is
    /// neither finished nor retried by then, it becomes due again.
    async fn claim_job(&self, now: time::OffsetDateTime, lease: time::Duration) -> StorageResult<Option<ClaimedJob>>;
    /// Removes a job that ran successfully.
    ///
    /// Each of the three ways of settling a job holds only while the
    /// runner's claim does: when its lease ran out and another runner claimed
    /// the job since, the call is refused with [`StorageError::LeaseLost`]
    /// and the job is left to its new holder.
    async fn finish_job(&self, job: &ClaimedJob) -> StorageResult<()>;
    /// Puts a failed job back to run again at `run_after`, keeping the error.
    async fn retry_job(&self, job: &ClaimedJob, run_after: time::OffsetDateTime, error: &str) -> StorageResult<()>;
    /// Stops retrying a job that ran out of attempts, keeping its error for operators.
    async fn give_up_job(&self, job: &ClaimedJob, error: &str) -> StorageResult<()>;
    /// Jobs that ran out of attempts: kind, payload and last error.
    async fn failed_jobs(&self) -> StorageResult<Vec<(String, String, String)>>;

    /// Every author profile, by name.
    async fn authors(&self) -> StorageResult<Vec<Author>>;
    /// Every tag, by name.
    async fn tags(&self) -> StorageResult<Vec<Tag>>;

    /// Whether no article uses `slug`, now or as a former address.
    async fn slug_is_free(&self, slug: &Slug) -> StorageResult<bool>;
    /// Any article, whatever its status, as the newsroom sees it.
    async fn article(&self, id: ArticleId) -> StorageResult<Option<Article>>;
    /// One page of the newsroom's article list, most recently changed first.
    async fn newsroom_articles(
        &self,
        filter: &NewsroomFilter,
        page: PageRequest,
    ) -> StorageResult<Paged<ArticleSummary>>;
    /// Saves new fields over revision `expected_revision` and keeps them as the
    /// next revision, which it returns. The revision check and the write are
    /// one compare-and-set: of several writers who started from the same
    /// revision exactly one succeeds, and the others are refused with
    /// [`StorageError::Stale`]. A published article's
    /// old slug keeps answering as a redirect.
    async fn save_article(
        &self,
        id: ArticleId,
        expected_revision: u32,
        draft: &ArticleDraft,
        saved_by: &str,
        at: OffsetDateTime,
    ) -> StorageResult<u32>;
    /// Moves an article from status `from` to `to`, setting its publish time,
    /// and queues `then` (such as the job that publishes a scheduled
    /// article) in the same transaction: either both are kept or neither.
    /// Refused with [`StorageError::Conflict`] when its status is no longer `from`.
    async fn change_status(
        &self,
        id: ArticleId,
        from: Status,
        to: Status,
        published_at: Option<OffsetDateTime>,
        at: OffsetDateTime,
        then: Option<&NewJob>,
    ) -> StorageResult<()>;
    /// An article's saved revisions, newest first.
    async fn revisions(&self, id: ArticleId) -> StorageResult<Vec<RevisionSummary>>;
    /// One saved revision.
    async fn revision(&self, id: ArticleId, number: u32) -> StorageResult<Option<Revision>>;

    /// A media item.
    async fn media(&self, id: MediaId) -> StorageResult<Option<Media>>;
    /// The newest media items, newest first.
    async fn recent_media(&self, limit: u32) -> StorageResult<Vec<Media>>;
    /// Changes what readers are told about a picture.
    async fn describe_media(&self, id: MediaId, caption: &str, credit: &str, alt_text: &str) -> StorageResult<()>;
    /// Records resized copies of a media item (replacing earlier ones of the same file name).
    async fn add_media_variants(&self, id: MediaId, variants: &[MediaVariant]) -> StorageResult<()>;

    /// Stores a newsroom account. Its email must be free and its author profile exist.
    async fn add_user(&self, user: NewUser) -> StorageResult<User>;
    /// Every account, by name.
    async fn users(&self) -> StorageResult<Vec<User>>;
    /// One account.
    async fn user(&self, id: UserId) -> StorageResult<Option<User>>;
    /// An account and its password hash, for signing in.
    async fn credentials(&self, email: &Email) -> StorageResult<Option<(User, String)>>;
    /// Replaces an account's password hash.
    async fn set_password_hash(&self, id: UserId, password_hash: &str) -> StorageResult<()>;
    /// Changes an account's role.
    async fn set_role(&self, id: UserId, role: masthead_content::Role) -> StorageResult<()>;

    /// Stores a browser session under the hash of its cookie token.
    async fn start_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf_token: &str,
        expires_at: OffsetDateTime,
    ) -> StorageResult<()>;
    /// The unexpired session with this token hash.
    async fn session(&self, token_hash: &str, now: OffsetDateTime) -> StorageResult<Option<Session>>;
    /// Ends one session.
    async fn end_session(&self, token_hash: &str) -> StorageResult<()>;
    /// Ends every session and API token of an account; returns how many sessions ended.
    async fn end_all_sessions(&self, user: UserId) -> StorageResult<u64>;
    /// Stores an API token under its hash.
    async fn add_api_token(&self, token_hash: &str, user: UserId, label: &str) -> StorageResult<()>;
    /// The account an API token belongs to.
    async fn api_token_user(&self, token_hash: &str) -> StorageResult<Option<User>>;

    /// Records a failed sign-in for `key` (an email address or client).
    async fn record_login_failure(&self, key: &str, at: OffsetDateTime) -> StorageResult<()>;
    /// Failed sign-ins for `key` since `since`, and the oldest of them.
    async fn login_failures(&self, key: &str, since: OffsetDateTime) -> StorageResult<(u32, Option<OffsetDateTime>)>;
    /// Forgets the failed sign-ins of `key` after a successful one.
    async fn clear_login_failures(&self, key: &str) -> StorageResult<()>;

    /// Stores a comment.
    async fn add_comment(&self, comment: NewComment) -> StorageResult<Comment>;
    /// The approved comments on an article, oldest first.
    async fn approved_comments(&self, article: ArticleId) -> StorageResult<Vec<Comment>>;
    /// One comment, in any state.
    async fn comment(&self, id: CommentId) -> StorageResult<Option<Comment>>;
    /// Comments in a moderation state, newest first, for moderators.
    async fn comments_in(&self, status: CommentStatus, page: PageRequest) -> StorageResult<Paged<HeldComment>>;
    /// Moves comments to a moderation state; returns how many changed.
    async fn set_comment_status(&self, ids: &[CommentId], status: CommentStatus) -> StorageResult<u64>;
    /// Deletes comments (and their replies); returns how many were deleted.
    async fn delete_comments(&self, ids: &[CommentId]) -> StorageResult<u64>;
    /// Deletes everything posted with this email address; returns how many comments went.
    async fn delete_comments_by_email(&self, email: &str) -> StorageResult<u64>;
    /// Comments posted from a client (by its hash) since `since`, and the oldest of them.
    async fn client_comments_since(
        &self,
        client_hash: &str,
        since: OffsetDateTime,
    ) -> StorageResult<(u32, Option<OffsetDateTime>)>;
    /// Comments posted on an article since `since`, and the oldest of them.
    async fn article_comments_since(
        &self,
        article: ArticleId,
        since: OffsetDateTime,
    ) -> StorageResult<(u32, Option<OffsetDateTime>)>;
    /// Whether the same body was posted on this article, or by this client, since `since`.
    async fn is_duplicate_comment(
        &self,
        article: ArticleId,
        client_hash: Option<&str>,
        body: &str,
        since: OffsetDateTime,
    ) -> StorageResult<bool>;
    /// Whether a reader (by email, or else by client hash) has had a comment approved before.
    async fn has_approved_comment(&self, email: Option<&str>, client_hash: Option<&str>) -> StorageResult<bool>;
    /// Opens or closes comments on an article; `None` returns it to the site's settings.
    async fn set_comments_open(&self, article: ArticleId, open: Option<bool>) -> StorageResult<()>;

    /// A site-wide setting kept in the database (such as the comment moderation policy).
    async fn site_setting(&self, key: &str) -> StorageResult<Option<String>>;
    /// Stores a site-wide setting.
    async fn set_site_setting(&self, key: &str, value: &str) -> StorageResult<()>;

    // Newsroom intelligence.

    /// Stores the analysis of an article's `revision`: its entities become
    /// topic suggestions (an editor's confirmed or removed topics keep their
    /// state; suggestions no longer found go), and its quotations replace
    /// the earlier ones.
    async fn save_analysis(
        &self,
        article: ArticleId,
        revision: u32,
        topics: &[ArticleTopic],
        quotes: &[ArticleQuote],
    ) -> StorageResult<()>;
    /// An article's topics in every state, most salient first.
    async fn article_topics(&self, article: ArticleId) -> StorageResult<Vec<ArticleTopic>>;
    /// Records an editor's decision on one of an article's topics.
    async fn set_topic_state(&self, article: ArticleId, topic: &Slug, state: TopicState) -> StorageResult<()>;
    /// Adds a topic an editor chose (confirmed), or confirms it if suggested.
    async fn add_topic(&self, article: ArticleId, topic: &Topic) -> StorageResult<()>;
    /// An article's quotations, in order.
    async fn article_quotes(&self, article: ArticleId) -> StorageResult<Vec<ArticleQuote>>;
    /// A topic confirmed on at least one published article.
    async fn topic(&self, slug: &Slug) -> StorageResult<Option<Topic>>;
    /// Quotations by the topic (a person or organisation) in published articles, newest first.
    async fn topic_quotes(&self, topic: &Slug, limit: u32) -> StorageResult<Vec<TopicQuote>>;
    /// Articles whose current revision has not been analysed.
    async fn articles_needing_analysis(&self, limit: u32) -> StorageResult<Vec<ArticleId>>;
    /// Every published article's id.
    async fn published_article_ids(&self) -> StorageResult<Vec<ArticleId>>;
    /// The related stories an editor pinned to an article, in order.
    async fn related_pins(&self, article: ArticleId) -> StorageResult<Vec<ArticleId>>;
    /// Replaces an article's pinned related stories.
    async fn set_related_pins(&self, article: ArticleId, targets: &[ArticleId]) -> StorageResult<()>;

    /// Every published article's id with its [`Article::version`](masthead_content::Article::version),
    /// for caches of the database to find what they missed.
    async fn published_versions(&self) -> StorageResult<Vec<(ArticleId, u64)>>;
    /// The articles whose lead image is this media item, with their status.
    async fn articles_showing_media(&self, id: MediaId) -> StorageResult<Vec<(ArticleId, Status)>>;

    // The change feed: every node of a site hears of every change through the database.

    /// Appends a change made by the node `origin` to the change feed and
    /// wakes the nodes following it; returns its sequence number.
    async fn record_change(&self, origin: &str, change: &Change) -> StorageResult<u64>;
    /// The sequence number of the newest recorded change (0 when there is none).
    async fn last_change(&self) -> StorageResult<u64>;
    /// Changes recorded after sequence number `after`, oldest first, at most
    /// `limit`. When there are none yet it waits up to `wait` for one: woken
    /// at once where the engine can notify (PostgreSQL's `LISTEN`), by
    /// polling where it cannot. [`ChangeBatch::reconnected`] says the wait
    /// lost its connection, so changes may have gone unheard.
    async fn changes_after(&self, after: u64, limit: u32, wait: std::time::Duration) -> StorageResult<ChangeBatch>;
    /// Forgets recorded changes older than `before`, keeping the feed short.
    async fn prune_changes(&self, before: OffsetDateTime) -> StorageResult<u64>;
}
