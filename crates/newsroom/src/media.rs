//! Image uploads: checked, turned upright, stripped of metadata and stored;
//! resized copies are made in the background.

use masthead_content::{Action, Change, Media, MediaId, MediaVariant, NewMedia, Status, User};
use masthead_images::{DERIVATIVE_WIDTHS, ImageError};

use crate::jobs::MakeImageVariants;
use crate::{Newsroom, NewsroomError, NewsroomResult};

/// What readers are told about a picture.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageText {
    /// What it shows.
    pub caption: String,
    /// Who holds the rights.
    pub credit: String,
    /// For readers who cannot see it.
    pub alt_text: String,
}

const MAX_TEXT_CHARS: usize = 1_000;

impl Newsroom {
    /// Stores an uploaded JPEG, PNG or WebP and queues its resized copies.
    /// The bytes are checked (format, size, pixel count) before any decoding.
    pub async fn upload_image(&self, actor: &User, bytes: Vec<u8>, text: ImageText) -> NewsroomResult<Media> {
        self.authorise(actor, Action::UploadMedia, None)?;
        let text = check_text(text)?;
        if bytes.len() > self.limits.max_bytes {
            return Err(image_error(ImageError::TooManyBytes { size: bytes.len(), limit: self.limits.max_bytes }));
        }
        let limits = self.limits;
        let prepared = tokio::task::spawn_blocking(move || masthead_images::prepare_upload(&bytes, &limits))
            .await
            .map_err(|e| NewsroomError::Internal(e.to_string()))?
            .map_err(image_error)?;
        let id = MediaId::generate();
        let file_name = format!("{id}.{}", prepared.format.extension());
        self.write_media_file(&file_name, &prepared.bytes).await?;
        let media = self
            .store
            .add_media(NewMedia {
                file_name,
                content_type: prepared.format.content_type().to_owned(),
                width: prepared.width,
                height: prepared.height,
                caption: text.caption,
                credit: text.credit,
                alt_text: text.alt_text,
                uploaded_by: Some(actor.id),
            })
            .await?;
        masthead_jobs::enqueue::<MakeImageVariants>(self.store.as_ref(), &self.wake, &media.id.to_string()).await?;
        tracing::info!(media = %media.id, width = media.width, height = media.height, by = %actor.email, "image uploaded");
        Ok(media)
    }

    /// Changes a picture's caption, credit and alt text, following the
    /// ownership rules of articles: a picture is its uploader's own, and it
    /// counts as published while a published article shows it. Every page
    /// showing it is refreshed.
    pub async fn describe_image(&self, actor: &User, id: MediaId, text: ImageText) -> NewsroomResult<Media> {
        let media = self.store.media(id).await?.ok_or_else(|| NewsroomError::NotFound(format!("Image {id}")))?;
        let showing = self.store.articles_showing_media(id).await?;
        let own = media.uploaded_by == Some(actor.id);
        let status = showing
            .iter()
            .map(|(_, status)| *status)
            .find(|status| *status == Status::Published)
            .or(showing.first().map(|(_, status)| *status));
        if !actor.role.may(Action::DescribeMedia, own, status) {
            let refusal = if own {
                format!("A {} cannot change a picture that a published article shows; ask an editor.", actor.role)
            } else {
                format!("A {} can only describe the pictures they uploaded.", actor.role)
            };
            return Err(NewsroomError::Forbidden(refusal));
        }
        let text = check_text(text)?;
        self.store.describe_media(id, &text.caption, &text.credit, &text.alt_text).await?;
        for (article, status) in showing {
            if status != Status::Published {
                continue;
            }
            if let Some(article) = self.store.article(article).await? {
                self.report(&Change::article(&article, None));
            }
        }
        tracing::info!(media = %id, by = %actor.email, "image described");
        self.image(actor, id).await
    }

    /// One media item.
    pub async fn image(&self, actor: &User, id: MediaId) -> NewsroomResult<Media> {
        self.authorise(actor, Action::ViewNewsroom, None)?;
        self.store.media(id).await?.ok_or_else(|| NewsroomError::NotFound(format!("Image {id}")))
    }

    /// The newest uploads.
    pub async fn recent_images(&self, actor: &User, limit: u32) -> NewsroomResult<Vec<Media>> {
        self.authorise(actor, Action::ViewNewsroom, None)?;
        Ok(self.store.recent_media(limit).await?)
    }

    /// Makes and records the resized copies of an image (the job's work).
    /// Idempotent: running it again rewrites the same files.
    pub async fn make_variants(&self, id: MediaId) -> NewsroomResult<()> {
        let media = self.store.media(id).await?.ok_or_else(|| NewsroomError::NotFound(format!("Image {id}")))?;
        if !matches!(media.content_type.as_str(), "image/jpeg" | "image/png" | "image/webp") {
            return Ok(());
        }
        let original = tokio::fs::read(self.media_dir.join(&media.file_name))
            .await
            .map_err(|e| NewsroomError::Internal(format!("cannot read {}: {e}", media.file_name)))?;
        let derivatives =
            tokio::task::spawn_blocking(move || masthead_images::make_derivatives(&original, &DERIVATIVE_WIDTHS))
                .await
                .map_err(|e| NewsroomError::Internal(e.to_string()))?
                .map_err(image_error)?;
        let stem = media.file_name.rsplit_once('.').map_or(media.file_name.as_str(), |(stem, _)| stem);
        let mut variants = Vec::with_capacity(derivatives.len());
        for derivative in derivatives {
            let file_name = format!("{stem}-{}w.{}", derivative.width, derivative.format.extension());
            self.write_media_file(&file_name, &derivative.bytes).await?;
            variants.push(MediaVariant {
                file_name,
                content_type: derivative.format.content_type().to_owned(),
                width: derivative.width,
                height: derivative.height,
            });
        }
        self.store.add_media_variants(id, &variants).await?;
        tracing::info!(media = %id, variants = variants.len(), "image variants made");
        Ok(())
    }

    /// Writes a file into the media folder atomically (temporary name, then rename),
    /// so a reader never fetches half a file.
    async fn write_media_file(&self, file_name: &str, bytes: &[u8]) -> NewsroomResult<()> {
        let fail = |e: std::io::Error| NewsroomError::Internal(format!("cannot store {file_name}: {e}"));
        tokio::fs::create_dir_all(&self.media_dir).await.map_err(fail)?;
        let partial = self.media_dir.join(format!(".{file_name}.partial"));
        tokio::fs::write(&partial, bytes).await.map_err(fail)?;
        tokio::fs::rename(&partial, self.media_dir.join(file_name)).await.map_err(fail)
    }
}

fn image_error(error: ImageError) -> NewsroomError {
    match error {
        ImageError::TooManyBytes { .. } | ImageError::TooManyPixels { .. } => {
            NewsroomError::TooLarge(error.to_string())
        }
        ImageError::Encode { .. } => NewsroomError::Internal(error.to_string()),
        other => NewsroomError::Invalid(other.to_string()),
    }
}

fn check_text(text: ImageText) -> NewsroomResult<ImageText> {
    let clean = |value: String, field: &str| -> NewsroomResult<String> {
        let value = value.trim().to_owned();
        if value.chars().count() > MAX_TEXT_CHARS || value.chars().any(|c| c.is_control() && c != '\n') {
            return Err(NewsroomError::Invalid(format!(
                "The {field} can have at most {MAX_TEXT_CHARS} characters and no control characters."
            )));
        }
        Ok(value)
    };
    Ok(ImageText {
        caption: clean(text.caption, "caption")?,
        credit: clean(text.credit, "credit")?,
        alt_text: clean(text.alt_text, "alt text")?,
    })
}
