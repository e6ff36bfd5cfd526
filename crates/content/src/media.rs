use crate::MediaId;

/// An image (or other file) the publication serves, with what a reader must be told about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// Identity.
    pub id: MediaId,
    /// The stored file's name, unique within the media store; served at `/media/{file_name}`.
    pub file_name: String,
    /// MIME type, such as `image/jpeg`.
    pub content_type: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// What the picture shows, in a sentence.
    pub caption: String,
    /// Who holds the rights: "Photo: Jane Doe/Agency".
    pub credit: String,
    /// Text for readers who cannot see the picture.
    pub alt_text: String,
}

impl Media {
    /// The path readers fetch the file from.
    pub fn url_path(&self) -> String {
        format!("/media/{}", self.file_name)
    }
}

/// A media item to be stored.
#[derive(Debug, Clone)]
pub struct NewMedia {
    /// See [`Media::file_name`]. Letters, digits, `-`, `_` and `.` only.
    pub file_name: String,
    /// See [`Media::content_type`].
    pub content_type: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// See [`Media::caption`].
    pub caption: String,
    /// See [`Media::credit`].
    pub credit: String,
    /// See [`Media::alt_text`].
    pub alt_text: String,
}

impl NewMedia {
    /// Whether `name` is safe as a stored file name: no path separators, no
    /// leading dot, only `[A-Za-z0-9._-]`, at most 200 characters.
    pub fn file_name_is_safe(name: &str) -> bool {
        !name.is_empty()
            && name.len() <= 200
            && !name.starts_with('.')
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_that_could_escape_the_media_folder_are_unsafe() {
        assert!(NewMedia::file_name_is_safe("davos-lead.svg"));
        for bad in ["", "../x", "a/b", ".hidden", "a b.png", "c:\\x"] {
            assert!(!NewMedia::file_name_is_safe(bad), "{bad:?}");
        }
    }
}
