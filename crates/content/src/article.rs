use time::OffsetDateTime;

use crate::{ArticleId, Author, Headline, Media, MediaId, Section, Slug, Tag, UserId, ValidationError};

/// Where an article stands in the editorial workflow. Readers see only `Published`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Being written.
    Draft,
    /// Submitted to an editor.
    InReview,
    /// Approved, to be published at its publish time.
    Scheduled,
    /// Visible to readers.
    Published,
    /// Taken down after publication.
    Unpublished,
}

impl Status {
    /// The stored name of the status.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InReview => "in_review",
            Self::Scheduled => "scheduled",
            Self::Published => "published",
            Self::Unpublished => "unpublished",
        }
    }

    /// The status in words, for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "a draft",
            Self::InReview => "in review",
            Self::Scheduled => "scheduled",
            Self::Published => "published",
            Self::Unpublished => "unpublished",
        }
    }

    /// Reads a stored status name.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        Ok(match value {
            "draft" => Self::Draft,
            "in_review" => Self::InReview,
            "scheduled" => Self::Scheduled,
            "published" => Self::Published,
            "unpublished" => Self::Unpublished,
            other => return Err(ValidationError::UnknownStatus(other.chars().take(40).collect())),
        })
    }
}

/// A dated note an editor appends when a published article was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// What was wrong and what was changed.
    pub note: String,
    /// When the correction was made.
    pub issued_at: OffsetDateTime,
}

/// A whole article, as the article page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Identity.
    pub id: ArticleId,
    /// Current URL name.
    pub slug: Slug,
    /// Headline.
    pub headline: Headline,
    /// The summary under the headline.
    pub standfirst: String,
    /// The body's Markdown source; HTML is rendered from it, never stored instead of it.
    pub body_source: String,
    /// The section it belongs to.
    pub section: Section,
    /// Subject labels.
    pub tags: Vec<Tag>,
    /// Bylines, in order; never empty.
    pub authors: Vec<Author>,
    /// Workflow state.
    pub status: Status,
    /// When it was (or will be) published.
    pub published_at: Option<OffsetDateTime>,
    /// Last change readers should know about.
    pub updated_at: OffsetDateTime,
    /// The picture at the top of the page.
    pub lead_image: Option<Media>,
    /// Corrections, oldest first.
    pub corrections: Vec<Correction>,
    /// The number of the last saved revision; saving needs it (optimistic locking).
    pub revision: u32,
    /// No publication before this time.
    pub embargo_until: Option<OffsetDateTime>,
    /// The account that created it; `None` for imported content.
    pub owner: Option<UserId>,
    /// An editor's choice to open (`Some(true)`) or close comments; `None` follows the site's settings.
    pub comments_open: Option<bool>,
    /// Moves with every change to what the article shows (fields, status,
    /// address, topics): caches of it, such as the search index, compare it
    /// with the one they hold to know whether they are behind.
    pub version: u64,
}

impl Article {
    /// The editable fields, as the editor and revisions hold them.
    pub fn draft(&self) -> ArticleDraft {
        ArticleDraft {
            slug: self.slug.clone(),
            headline: self.headline.clone(),
            standfirst: self.standfirst.clone(),
            body_source: self.body_source.clone(),
            section: self.section.slug.clone(),
            tags: self.tags.iter().map(|t| t.slug.clone()).collect(),
            authors: self.authors.iter().map(|a| a.slug.clone()).collect(),
            lead_image: self.lead_image.as_ref().map(|m| m.id),
            embargo_until: self.embargo_until,
        }
    }
}

/// What a listing shows of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleSummary {
    /// Identity.
    pub id: ArticleId,
    /// Current URL name.
    pub slug: Slug,
    /// Headline.
    pub headline: Headline,
    /// The summary under the headline.
    pub standfirst: String,
    /// The section it belongs to.
    pub section: Section,
    /// Bylines, in order.
    pub authors: Vec<Author>,
    /// When it was published.
    pub published_at: Option<OffsetDateTime>,
    /// Last change.
    pub updated_at: OffsetDateTime,
    /// The lead picture, for listings that show one.
    pub lead_image: Option<Media>,
    /// Approved comments.
    pub comment_count: u32,
    /// Workflow state (always `Published` in reader listings).
    pub status: Status,
}

/// What a writer edits: every field of an article that a revision keeps.
/// Section, tags, authors and lead image are referred to by slug and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleDraft {
    /// URL name; must not be in use, nor be a former slug of another article.
    pub slug: Slug,
    /// Headline.
    pub headline: Headline,
    /// Summary.
    pub standfirst: String,
    /// Markdown source.
    pub body_source: String,
    /// Section slug.
    pub section: Slug,
    /// Tag slugs.
    pub tags: Vec<Slug>,
    /// Author slugs, in byline order; at least one.
    pub authors: Vec<Slug>,
    /// Lead picture.
    pub lead_image: Option<MediaId>,
    /// No publication before this time.
    pub embargo_until: Option<OffsetDateTime>,
}

impl ArticleDraft {
    /// Checks the rules that span fields.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.authors.is_empty() {
            return Err(ValidationError::NoAuthors);
        }
        Ok(())
    }
}

/// An article to be stored.
#[derive(Debug, Clone)]
pub struct NewArticle {
    /// Its fields.
    pub draft: ArticleDraft,
    /// Workflow state.
    pub status: Status,
    /// Publish time.
    pub published_at: Option<OffsetDateTime>,
    /// Last update time.
    pub updated_at: OffsetDateTime,
    /// The account creating it.
    pub owner: Option<UserId>,
}

/// A saved state of an article's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// 1 for the first save, counting up.
    pub number: u32,
    /// When it was saved.
    pub saved_at: OffsetDateTime,
    /// Who saved it (display name).
    pub saved_by: String,
    /// The fields as saved.
    pub draft: ArticleDraft,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_names() {
        for status in [Status::Draft, Status::InReview, Status::Scheduled, Status::Published, Status::Unpublished] {
            assert_eq!(Status::parse(status.as_str()).unwrap(), status);
        }
        assert!(Status::parse("live").is_err());
    }
}
