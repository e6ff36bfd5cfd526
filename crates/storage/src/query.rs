use masthead_content::{Article, Headline, Slug};
use time::OffsetDateTime;

/// Which published articles a listing page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// Every published article.
    All,
    /// Articles in the section with this slug.
    Section(Slug),
    /// Articles carrying the tag with this slug.
    Tag(Slug),
    /// Articles with this author in the byline.
    Author(Slug),
    /// Articles an editor confirmed this topic on.
    Topic(Slug),
}

/// A 1-based page number and a page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    number: u32,
    size: u32,
}

impl PageRequest {
    /// The largest page size accepted.
    pub const MAX_SIZE: u32 = 100;

    /// Page `number` (from 1) of `size` items; out-of-range values are clamped.
    pub fn new(number: u32, size: u32) -> Self {
        Self { number: number.max(1), size: size.clamp(1, Self::MAX_SIZE) }
    }

    /// The 1-based page number.
    pub fn number(self) -> u32 {
        self.number
    }

    /// Items per page.
    pub fn size(self) -> u32 {
        self.size
    }

    /// How many items come before this page.
    pub fn offset(self) -> u64 {
        u64::from(self.number - 1) * u64::from(self.size)
    }
}

/// One page of a longer list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paged<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// What was asked for.
    pub request: PageRequest,
    /// Items in the whole list.
    pub total: u64,
}

impl<T> Paged<T> {
    /// Number of pages in the whole list; at least 1, so an empty list has one empty page.
    pub fn page_count(&self) -> u32 {
        let size = u64::from(self.request.size());
        u32::try_from(self.total.div_ceil(size).max(1)).unwrap_or(u32::MAX)
    }

    /// Whether a page follows this one.
    pub fn has_next(&self) -> bool {
        self.request.number() < self.page_count()
    }

    /// Whether this page is past the end of the list (and is not the first page).
    pub fn is_past_the_end(&self) -> bool {
        self.request.number() > self.page_count()
    }
}

/// The answer to a reader asking for an article by slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArticleLookup {
    /// The published article with that slug.
    Found(Box<Article>),
    /// The slug is a former slug; the article now answers at this one.
    Moved {
        /// The current slug.
        slug: Slug,
        /// The current section slug, to build the new URL.
        section: Slug,
    },
    /// No published article has or had that slug.
    Missing,
}

/// What a link to a published article needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedLink {
    /// The linked article.
    pub id: masthead_content::ArticleId,
    /// The slug it was asked for by: the current one, or a former one.
    pub named: Slug,
    /// Current slug.
    pub slug: Slug,
    /// Section slug.
    pub section: Slug,
    /// Current headline.
    pub headline: Headline,
}

/// A calendar month (UTC) in which articles were published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicationMonth {
    /// Year.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Articles published in it.
    pub articles: u64,
    /// The newest change to any of them.
    pub last_modified: OffsetDateTime,
}

/// Where a published article lives and when it last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleLocation {
    /// Current slug.
    pub slug: Slug,
    /// Section slug.
    pub section: Slug,
    /// Last change.
    pub updated_at: OffsetDateTime,
}

/// A background job taken from the queue to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    /// Queue id, for finishing or retrying it.
    pub id: i64,
    /// What to do: the name of a job handler.
    pub kind: String,
    /// The handler's input.
    pub payload: String,
    /// Times it has been claimed, this time included. Every claim counts
    /// one more, so `(id, attempts)` names this claim alone: it is the
    /// fencing token that settling the job checks.
    pub attempts: u32,
}

/// A background job to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// The name of the job handler that runs it.
    pub kind: String,
    /// The handler's input.
    pub payload: String,
    /// The earliest time it may run.
    pub run_after: time::OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_counted_from_one_and_sizes_clamped() {
        assert_eq!(PageRequest::new(0, 10).number(), 1);
        assert_eq!(PageRequest::new(3, 10).offset(), 20);
        assert_eq!(PageRequest::new(1, 0).size(), 1);
        assert_eq!(PageRequest::new(1, 10_000).size(), PageRequest::MAX_SIZE);
    }

    #[test]
    fn page_count_rounds_up_and_is_never_zero() {
        let paged = |number, total| Paged::<()> { items: vec![], request: PageRequest::new(number, 10), total };
        assert_eq!(paged(1, 0).page_count(), 1);
        assert_eq!(paged(1, 10).page_count(), 1);
        assert_eq!(paged(1, 11).page_count(), 2);
        assert!(paged(1, 11).has_next());
        assert!(!paged(2, 11).has_next());
        assert!(paged(3, 11).is_past_the_end());
        assert!(!paged(1, 0).is_past_the_end());
    }
}

/// Which articles the newsroom's article list shows; every field narrows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewsroomFilter {
    /// Only articles in this workflow state.
    pub status: Option<masthead_content::Status>,
    /// Only articles in this section.
    pub section: Option<Slug>,
    /// Only articles with this author in the byline.
    pub author: Option<Slug>,
    /// Only articles whose headline contains this text (case-insensitive).
    pub headline_contains: Option<String>,
}

/// An account to be stored.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Sign-in name; unique.
    pub email: masthead_content::Email,
    /// Display name.
    pub name: String,
    /// What they may do.
    pub role: masthead_content::Role,
    /// Their byline's author profile; it must exist.
    pub author: Slug,
    /// The argon2id hash of their password (PHC string).
    pub password_hash: String,
}

/// A signed-in browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Whose session it is.
    pub user: masthead_content::User,
    /// The token every state-changing request of this session must carry.
    pub csrf_token: String,
    /// When it ends.
    pub expires_at: OffsetDateTime,
}

/// A revision in an article's history, without its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionSummary {
    /// Its number.
    pub number: u32,
    /// When it was saved.
    pub saved_at: OffsetDateTime,
    /// Who saved it.
    pub saved_by: String,
}

/// A comment as moderators see it: with the article, the poster's email and why it was held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldComment {
    /// The comment.
    pub comment: masthead_content::Comment,
    /// The poster's email, if given (never shown to readers).
    pub email: Option<String>,
    /// Headline of the article commented on.
    pub article_headline: masthead_content::Headline,
    /// Where that article is: section slug and slug.
    pub article_path: String,
    /// How spam-like it looked.
    pub spam_score: u32,
    /// Why it was held or scored.
    pub reasons: Vec<String>,
}

/// An article to import in bulk, with its approved comments.
#[derive(Debug, Clone)]
pub struct ImportedArticle {
    /// The article.
    pub article: masthead_content::NewArticle,
    /// Its approved comments: name, body, posting time.
    pub comments: Vec<(String, String, OffsetDateTime)>,
}

/// A change as the change feed holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedChange {
    /// Its place in the feed; later changes have higher numbers.
    pub sequence: u64,
    /// The node that made it.
    pub origin: String,
    /// What changed.
    pub change: masthead_content::Change,
}

/// What one read of the change feed found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeBatch {
    /// The changes, oldest first.
    pub changes: Vec<RecordedChange>,
    /// Whether the connection that waits for notices was lost and made
    /// anew: notices may have been missed, so a cache should start afresh.
    pub reconnected: bool,
}
