//! Masthead's storage port: the [`Store`] trait every database backend
//! implements, the [`StorageError`] it returns, and the query types
//! ([`Listing`], [`PageRequest`], [`Paged`], [`ArticleLookup`]).
//!
//! Methods are named after what the publication does (`published_articles`,
//! `change_slug`), not after SQL. Backends live in their own crates
//! (`masthead-storage-sqlite`, later PostgreSQL); everything above this layer
//! holds an `Arc<dyn Store>` and never knows which one it has.

use async_trait::async_trait;
use masthead_content::{
    Article, ArticleId, ArticleSummary, Author, Comment, Correction, Media, NewArticle, NewComment, NewMedia, Section,
    Slug, Tag,
};

#[cfg(feature = "conformance")]
pub mod conformance;
mod error;
mod query;

pub use error::StorageError;
pub use query::{
    ArticleLocation, ArticleLookup, ClaimedJob, Listing, PageRequest, Paged, PublicationMonth, PublishedLink,
};

/// Shorthand for results of storage operations.
pub type StorageResult<T> = Result<T, StorageError>;

/// Everything Masthead keeps in its database.
#[async_trait]
pub trait Store: Send + Sync + 'static {
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
    async fn enqueue_job(&self, kind: &str, payload: &str, run_after: time::OffsetDateTime) -> StorageResult<i64>;
    /// Takes the oldest due job, leasing it until `now + lease`: if it is
    /// neither finished nor retried by then, it becomes due again.
    async fn claim_job(&self, now: time::OffsetDateTime, lease: time::Duration) -> StorageResult<Option<ClaimedJob>>;
    /// Removes a job that ran successfully.
    async fn finish_job(&self, id: i64) -> StorageResult<()>;
    /// Puts a failed job back to run again at `run_after`, keeping the error.
    async fn retry_job(&self, id: i64, run_after: time::OffsetDateTime, error: &str) -> StorageResult<()>;
    /// Stops retrying a job that ran out of attempts, keeping its error for operators.
    async fn give_up_job(&self, id: i64, error: &str) -> StorageResult<()>;
    /// Jobs that ran out of attempts: kind, payload and last error.
    async fn failed_jobs(&self) -> StorageResult<Vec<(String, String, String)>>;

    /// Stores a comment.
    async fn add_comment(&self, comment: NewComment) -> StorageResult<Comment>;
    /// The approved comments on an article, oldest first.
    async fn approved_comments(&self, article: ArticleId) -> StorageResult<Vec<Comment>>;
}
