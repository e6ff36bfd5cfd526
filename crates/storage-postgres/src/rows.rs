//! Turning rows back into content-model values. Stored data that no longer
//! satisfies the model becomes [`StorageError::Corrupt`], never a panic.

use masthead_content::{
    ArticleId, Author, Comment, CommentId, CommentStatus, Email, Headline, Media, MediaId, MediaVariant, Role, Section,
    Slug, Tag, User, UserId,
};
use masthead_storage::StorageError;
use sqlx::Row;
use sqlx::postgres::PgRow;

pub(crate) fn text(row: &PgRow, column: &str) -> Result<String, StorageError> {
    row.try_get::<String, _>(column).map_err(crate::store::database_error)
}

pub(crate) fn optional_text(row: &PgRow, column: &str) -> Result<Option<String>, StorageError> {
    row.try_get::<Option<String>, _>(column).map_err(crate::store::database_error)
}

pub(crate) fn slug(row: &PgRow, column: &str) -> Result<Slug, StorageError> {
    Ok(Slug::parse(&text(row, column)?)?)
}

pub(crate) fn headline(row: &PgRow, column: &str) -> Result<Headline, StorageError> {
    Ok(Headline::parse(&text(row, column)?)?)
}

pub(crate) fn article_id(row: &PgRow, column: &str) -> Result<ArticleId, StorageError> {
    Ok(ArticleId::parse(&text(row, column)?)?)
}

pub(crate) fn time(row: &PgRow, column: &str) -> Result<time::OffsetDateTime, StorageError> {
    row.try_get::<time::OffsetDateTime, _>(column).map_err(crate::store::database_error)
}

pub(crate) fn optional_time(row: &PgRow, column: &str) -> Result<Option<time::OffsetDateTime>, StorageError> {
    row.try_get::<Option<time::OffsetDateTime>, _>(column).map_err(crate::store::database_error)
}

pub(crate) fn section(row: &PgRow) -> Result<Section, StorageError> {
    Ok(Section {
        slug: slug(row, "section_slug")?,
        name: text(row, "section_name")?,
        description: text(row, "section_description")?,
    })
}

pub(crate) fn tag(row: &PgRow) -> Result<Tag, StorageError> {
    Ok(Tag { slug: slug(row, "slug")?, name: text(row, "name")? })
}

pub(crate) fn author(row: &PgRow) -> Result<Author, StorageError> {
    Ok(Author { slug: slug(row, "slug")?, name: text(row, "name")?, bio: text(row, "bio")? })
}

/// The lead media columns of a joined row; `None` when the article has no lead image.
pub(crate) fn lead_media(row: &PgRow) -> Result<Option<Media>, StorageError> {
    let Some(id) = optional_text(row, "media_id")? else {
        return Ok(None);
    };
    media_with_id(row, &id).map(Some)
}

pub(crate) fn media(row: &PgRow) -> Result<Media, StorageError> {
    media_with_id(row, &text(row, "id")?)
}

fn media_with_id(row: &PgRow, id: &str) -> Result<Media, StorageError> {
    let pixels = |column: &str| -> Result<u32, StorageError> {
        let value: i64 = row.try_get(column).map_err(crate::store::database_error)?;
        u32::try_from(value).map_err(|_| StorageError::Corrupt(format!("media {column} {value} is out of range")))
    };
    Ok(Media {
        id: MediaId::parse(id)?,
        file_name: text(row, "file_name")?,
        content_type: text(row, "content_type")?,
        width: pixels("width")?,
        height: pixels("height")?,
        caption: text(row, "caption")?,
        credit: text(row, "credit")?,
        alt_text: text(row, "alt_text")?,
        variants: Vec::new(),
        uploaded_by: optional_text(row, "uploaded_by")?.map(|u| UserId::parse(&u)).transpose()?,
    })
}

fn pixels(row: &PgRow, column: &str) -> Result<u32, StorageError> {
    let value: i64 = row.try_get(column).map_err(crate::store::database_error)?;
    u32::try_from(value).map_err(|_| StorageError::Corrupt(format!("media {column} {value} is out of range")))
}

pub(crate) fn media_variant(row: &PgRow) -> Result<MediaVariant, StorageError> {
    Ok(MediaVariant {
        file_name: text(row, "file_name")?,
        content_type: text(row, "content_type")?,
        width: pixels(row, "width")?,
        height: pixels(row, "height")?,
    })
}

/// A `users` row joined with its author's slug as `author_slug`.
pub(crate) fn user(row: &PgRow) -> Result<User, StorageError> {
    Ok(User {
        id: UserId::parse(&text(row, "id")?)?,
        email: Email::parse(&text(row, "email")?)?,
        name: text(row, "name")?,
        role: Role::parse(&text(row, "role")?)?,
        author: slug(row, "author_slug")?,
    })
}

pub(crate) fn comment(row: &PgRow) -> Result<Comment, StorageError> {
    Ok(Comment {
        id: CommentId::parse(&text(row, "id")?)?,
        article_id: article_id(row, "article_id")?,
        parent_id: optional_text(row, "parent_id")?.map(|p| CommentId::parse(&p)).transpose()?,
        author_name: text(row, "author_name")?,
        body: text(row, "body")?,
        status: CommentStatus::parse(&text(row, "status")?)?,
        posted_at: time(row, "posted_at")?,
    })
}

pub(crate) fn topic(row: &PgRow) -> Result<masthead_content::Topic, StorageError> {
    Ok(masthead_content::Topic {
        slug: slug(row, "topic")?,
        name: text(row, "name")?,
        kind: masthead_content::TopicKind::parse(&text(row, "kind")?)?,
    })
}

pub(crate) fn quote(row: &PgRow) -> Result<masthead_content::ArticleQuote, StorageError> {
    Ok(masthead_content::ArticleQuote {
        text: text(row, "text")?,
        speaker: optional_text(row, "speaker")?,
        speaker_topic: optional_text(row, "speaker_topic")?.map(|s| Slug::parse(&s)).transpose()?,
    })
}
