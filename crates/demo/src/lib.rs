//! The demo publication Masthead loads into a new site on its first start,
//! so `masthead serve` shows a real-looking news site at once.
//!
//! The content lives as files under `content/` (embedded at build time):
//! `site.toml` (sections, authors, tags), `articles/*.md` (TOML front matter
//! between `+++` lines, then the Markdown body), `comments.toml` and
//! `media/`. Times are written relative to the moment of loading
//! (`published_hours_ago`), so the demo always looks current.
//!
//! [`DemoSite::parse`] reads and checks it all; [`DemoSite::load`] copies
//! the media files and stores everything.

mod generate;
mod model;

use std::path::{Path, PathBuf};

use masthead_content::{ArticleDraft, ArticleId, Correction, NewArticle, NewComment, NewMedia, Slug};
use masthead_storage::{StorageError, Store};
use time::{Duration, OffsetDateTime};

pub use generate::{GenerateOptions, GenerateReport, generate};
pub use model::{DemoArticle, DemoComment, DemoSite};

mod files {
    include!(concat!(env!("OUT_DIR"), "/demo_files.rs"));
}

/// Why the demo content could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A demo file does not parse or breaks a content rule: a bug in the build, not in the site.
    #[error("demo content file {file} is invalid: {message}")]
    Invalid {
        /// The file, relative to `content/`.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A media file could not be written.
    #[error("cannot write demo media file {path}: {source}")]
    Io {
        /// The file being written.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The store refused the content.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// What was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadReport {
    /// Articles stored.
    pub articles: usize,
    /// Comments stored.
    pub comments: usize,
    /// Media files written.
    pub media: usize,
}

impl DemoSite {
    /// Loads the demo publication into `store`, writing its media files into
    /// `media_dir`, with times counted back from `now`.
    pub async fn load(
        &self,
        store: &dyn Store,
        media_dir: &Path,
        now: OffsetDateTime,
    ) -> Result<LoadReport, DemoError> {
        std::fs::create_dir_all(media_dir).map_err(|source| DemoError::Io { path: media_dir.to_owned(), source })?;
        for (name, bytes) in &self.media_files {
            let path = media_dir.join(name);
            std::fs::write(&path, bytes).map_err(|source| DemoError::Io { path, source })?;
        }
        for (position, section) in self.sections.iter().enumerate() {
            store.save_section(section, u32::try_from(position).unwrap_or(u32::MAX)).await?;
        }
        for tag in &self.tags {
            store.save_tag(tag).await?;
        }
        for author in &self.authors {
            store.save_author(author).await?;
        }
        let hours_ago = |hours: f64| now - Duration::seconds_f64(hours * 3600.0);
        let mut ids: Vec<(Slug, ArticleId)> = Vec::new();
        for article in &self.articles {
            let lead_image = match &article.lead_image {
                Some(image) => Some(store.add_media(image.clone()).await?.id),
                None => None,
            };
            let published_at = hours_ago(article.published_hours_ago);
            let id = store
                .create_article(NewArticle {
                    draft: ArticleDraft {
                        slug: article.slug.clone(),
                        headline: article.headline.clone(),
                        standfirst: article.standfirst.clone(),
                        body_source: article.body.clone(),
                        section: article.section.clone(),
                        tags: article.tags.clone(),
                        authors: article.authors.clone(),
                        lead_image,
                        embargo_until: None,
                    },
                    status: masthead_content::Status::Published,
                    published_at: Some(published_at),
                    updated_at: article.updated_hours_ago.map(hours_ago).unwrap_or(published_at),
                    owner: None,
                })
                .await?;
            for (note, hours) in &article.corrections {
                store.add_correction(id, &Correction { note: note.clone(), issued_at: hours_ago(*hours) }).await?;
            }
            ids.push((article.slug.clone(), id));
        }
        let mut comment_ids = Vec::new();
        for comment in &self.comments {
            let article_id = ids
                .iter()
                .find(|(slug, _)| *slug == comment.article)
                .map(|(_, id)| *id)
                .ok_or_else(|| invalid("comments.toml", format!("no article `{}`", comment.article)))?;
            let parent_id = match &comment.reply_to {
                Some(key) => Some(
                    comment_ids
                        .iter()
                        .find(|(k, _)| k == key)
                        .map(|(_, id)| *id)
                        .ok_or_else(|| invalid("comments.toml", format!("reply to unknown comment `{key}`")))?,
                ),
                None => None,
            };
            let stored = store
                .add_comment(NewComment {
                    article_id,
                    parent_id,
                    author_name: comment.name.clone(),
                    author_email: None,
                    body: comment.body.clone(),
                    status: masthead_content::CommentStatus::Approved,
                    posted_at: hours_ago(comment.hours_ago),
                    client_hash: None,
                    spam_score: 0,
                    reasons: Vec::new(),
                })
                .await?;
            comment_ids.push((comment.key.clone(), stored.id));
        }
        Ok(LoadReport { articles: ids.len(), comments: comment_ids.len(), media: self.media_files.len() })
    }
}

fn invalid(file: &str, message: impl Into<String>) -> DemoError {
    DemoError::Invalid { file: file.into(), message: message.into() }
}

/// Media types of the files the demo ships, by extension.
fn content_type_of(file_name: &str) -> &'static str {
    match file_name.rsplit('.').next() {
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("jpg" | "jpeg") => "image/jpeg",
        _ => "application/octet-stream",
    }
}

/// Keeps `NewMedia` construction in one place for lead images.
fn new_media(file: String, width: u32, height: u32, caption: String, credit: String, alt: String) -> NewMedia {
    NewMedia {
        content_type: content_type_of(&file).into(),
        file_name: file,
        width,
        height,
        caption,
        credit,
        alt_text: alt,
        uploaded_by: None,
    }
}
