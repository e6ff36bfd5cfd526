//! Turning rows of either engine back into content-model values. Stored data that no longer
//! satisfies the model becomes [`StorageError::Corrupt`], never a panic.

use masthead_content::{
    ArticleId, Author, Comment, CommentId, CommentStatus, Email, Headline, Media, MediaId, MediaVariant, Role, Section,
    Slug, Tag, User, UserId,
};
use masthead_storage::StorageError;
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use time::OffsetDateTime;

use crate::time_text;

/// A row of either engine, read column by column. The engines differ only
/// in how they keep times: SQLite as RFC 3339 text, PostgreSQL as `TIMESTAMPTZ`.
pub trait Columns {
    /// A text column.
    fn text(&self, column: &str) -> Result<String, StorageError>;
    /// A text column that may be NULL.
    fn optional_text(&self, column: &str) -> Result<Option<String>, StorageError>;
    /// A whole-number column.
    fn integer(&self, column: &str) -> Result<i64, StorageError>;
    /// A time column.
    fn time(&self, column: &str) -> Result<OffsetDateTime, StorageError>;
    /// A time column that may be NULL.
    fn optional_time(&self, column: &str) -> Result<Option<OffsetDateTime>, StorageError>;
}

impl Columns for SqliteRow {
    fn text(&self, column: &str) -> Result<String, StorageError> {
        self.try_get::<String, _>(column).map_err(decode_error)
    }

    fn optional_text(&self, column: &str) -> Result<Option<String>, StorageError> {
        self.try_get::<Option<String>, _>(column).map_err(decode_error)
    }

    fn integer(&self, column: &str) -> Result<i64, StorageError> {
        self.try_get::<i64, _>(column).map_err(decode_error)
    }

    fn time(&self, column: &str) -> Result<OffsetDateTime, StorageError> {
        time_text::from_text(&self.text(column)?)
    }

    fn optional_time(&self, column: &str) -> Result<Option<OffsetDateTime>, StorageError> {
        self.optional_text(column)?.map(|t| time_text::from_text(&t)).transpose()
    }
}

impl Columns for PgRow {
    fn text(&self, column: &str) -> Result<String, StorageError> {
        self.try_get::<String, _>(column).map_err(decode_error)
    }

    fn optional_text(&self, column: &str) -> Result<Option<String>, StorageError> {
        self.try_get::<Option<String>, _>(column).map_err(decode_error)
    }

    fn integer(&self, column: &str) -> Result<i64, StorageError> {
        self.try_get::<i64, _>(column).map_err(decode_error)
    }

    fn time(&self, column: &str) -> Result<OffsetDateTime, StorageError> {
        self.try_get::<OffsetDateTime, _>(column).map_err(decode_error)
    }

    fn optional_time(&self, column: &str) -> Result<Option<OffsetDateTime>, StorageError> {
        self.try_get::<Option<OffsetDateTime>, _>(column).map_err(decode_error)
    }
}

/// A value that could not be read: a column missing or of the wrong type is
/// damaged data; anything else, a database that is not answering.
pub fn decode_error(error: sqlx::Error) -> StorageError {
    match &error {
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::ColumnNotFound(_) => StorageError::Corrupt(error.to_string()),
        _ => StorageError::Unavailable(Box::new(error)),
    }
}

/// A text column.
pub fn text(row: &impl Columns, column: &str) -> Result<String, StorageError> {
    row.text(column)
}

/// A text column that may be NULL.
pub fn optional_text(row: &impl Columns, column: &str) -> Result<Option<String>, StorageError> {
    row.optional_text(column)
}

/// The slug the row holds.
pub fn slug(row: &impl Columns, column: &str) -> Result<Slug, StorageError> {
    Ok(Slug::parse(&text(row, column)?)?)
}

/// The headline the row holds.
pub fn headline(row: &impl Columns, column: &str) -> Result<Headline, StorageError> {
    Ok(Headline::parse(&text(row, column)?)?)
}

/// The article id the row holds.
pub fn article_id(row: &impl Columns, column: &str) -> Result<ArticleId, StorageError> {
    Ok(ArticleId::parse(&text(row, column)?)?)
}

/// A whole-number column.
pub fn integer(row: &impl Columns, column: &str) -> Result<i64, StorageError> {
    row.integer(column)
}

/// A time column.
pub fn time(row: &impl Columns, column: &str) -> Result<OffsetDateTime, StorageError> {
    row.time(column)
}

/// A time column that may be NULL.
pub fn optional_time(row: &impl Columns, column: &str) -> Result<Option<OffsetDateTime>, StorageError> {
    row.optional_time(column)
}

/// The section the row holds.
pub fn section(row: &impl Columns) -> Result<Section, StorageError> {
    Ok(Section {
        slug: slug(row, "section_slug")?,
        name: text(row, "section_name")?,
        description: text(row, "section_description")?,
    })
}

/// The tag the row holds.
pub fn tag(row: &impl Columns) -> Result<Tag, StorageError> {
    Ok(Tag { slug: slug(row, "slug")?, name: text(row, "name")? })
}

/// The author the row holds.
pub fn author(row: &impl Columns) -> Result<Author, StorageError> {
    Ok(Author { slug: slug(row, "slug")?, name: text(row, "name")?, bio: text(row, "bio")? })
}

/// The lead media columns of a joined row; `None` when the article has no lead image.
pub fn lead_media(row: &impl Columns) -> Result<Option<Media>, StorageError> {
    let Some(id) = optional_text(row, "media_id")? else {
        return Ok(None);
    };
    media_with_id(row, &id).map(Some)
}

/// The media the row holds.
pub fn media(row: &impl Columns) -> Result<Media, StorageError> {
    media_with_id(row, &text(row, "id")?)
}

fn media_with_id(row: &impl Columns, id: &str) -> Result<Media, StorageError> {
    Ok(Media {
        id: MediaId::parse(id)?,
        file_name: text(row, "file_name")?,
        content_type: text(row, "content_type")?,
        width: pixels(row, "width")?,
        height: pixels(row, "height")?,
        caption: text(row, "caption")?,
        credit: text(row, "credit")?,
        alt_text: text(row, "alt_text")?,
        variants: Vec::new(),
        uploaded_by: optional_text(row, "uploaded_by")?.map(|u| UserId::parse(&u)).transpose()?,
    })
}

fn pixels(row: &impl Columns, column: &str) -> Result<u32, StorageError> {
    let value = row.integer(column)?;
    u32::try_from(value).map_err(|_| StorageError::Corrupt(format!("media {column} {value} is out of range")))
}

/// The media variant the row holds.
pub fn media_variant(row: &impl Columns) -> Result<MediaVariant, StorageError> {
    Ok(MediaVariant {
        file_name: text(row, "file_name")?,
        content_type: text(row, "content_type")?,
        width: pixels(row, "width")?,
        height: pixels(row, "height")?,
    })
}

/// A `users` row joined with its author's slug as `author_slug`.
pub fn user(row: &impl Columns) -> Result<User, StorageError> {
    Ok(User {
        id: UserId::parse(&text(row, "id")?)?,
        email: Email::parse(&text(row, "email")?)?,
        name: text(row, "name")?,
        role: Role::parse(&text(row, "role")?)?,
        author: slug(row, "author_slug")?,
    })
}

/// The comment the row holds.
pub fn comment(row: &impl Columns) -> Result<Comment, StorageError> {
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

/// The topic the row holds.
pub fn topic(row: &impl Columns) -> Result<masthead_content::Topic, StorageError> {
    Ok(masthead_content::Topic {
        slug: slug(row, "topic")?,
        name: text(row, "name")?,
        kind: masthead_content::TopicKind::parse(&text(row, "kind")?)?,
    })
}

/// The quote the row holds.
pub fn quote(row: &impl Columns) -> Result<masthead_content::ArticleQuote, StorageError> {
    Ok(masthead_content::ArticleQuote {
        text: text(row, "text")?,
        speaker: optional_text(row, "speaker")?,
        speaker_topic: optional_text(row, "speaker_topic")?.map(|s| Slug::parse(&s)).transpose()?,
    })
}

/// A row of the change feed (`sequence`, `origin`, `change`).
pub fn recorded_change(row: &impl Columns) -> Result<masthead_storage::RecordedChange, StorageError> {
    let sequence = row.integer("sequence")?;
    Ok(masthead_storage::RecordedChange {
        sequence: u64::try_from(sequence).map_err(|_| StorageError::Corrupt(format!("change {sequence}")))?,
        origin: row.text("origin")?,
        change: crate::change_json::read(&row.text("change")?)?,
    })
}
