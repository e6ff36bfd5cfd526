use time::OffsetDateTime;

use crate::{ArticleId, Author, Headline, Media, MediaId, Section, Slug, Tag, ValidationError};

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
}

/// An article to be stored, referring to its section, tags and authors by slug.
#[derive(Debug, Clone)]
pub struct NewArticle {
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
    /// Workflow state.
    pub status: Status,
    /// Publish time.
    pub published_at: Option<OffsetDateTime>,
    /// Last update time.
    pub updated_at: OffsetDateTime,
    /// Lead picture.
    pub lead_image: Option<MediaId>,
}

impl NewArticle {
    /// Checks the rules that span fields.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.authors.is_empty() {
            return Err(ValidationError::NoAuthors);
        }
        Ok(())
    }
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
