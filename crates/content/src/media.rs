use crate::{MediaId, UserId};

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
    /// Resized copies, for `srcset`; empty until they are made.
    pub variants: Vec<MediaVariant>,
    /// The account that uploaded it; `None` for pictures from the demo, imports or older uploads.
    pub uploaded_by: Option<UserId>,
}

/// A resized copy of a media item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaVariant {
    /// The stored file's name; served at `/media/{file_name}`.
    pub file_name: String,
    /// MIME type.
    pub content_type: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Credits that name where a picture was found rather than who owns it.
const NOT_RIGHTS_HOLDERS: &[&str] = &[
    "google",
    "bing",
    "yahoo",
    "duckduckgo",
    "baidu",
    "yandex",
    "pinterest",
    "facebook",
    "instagram",
    "twitter",
    "tiktok",
    "reddit",
    "imgur",
    "tumblr",
    "wikipedia",
    "internet",
    "web",
    "social media",
    "unknown",
    "online",
];

impl Media {
    /// The fields a reader must be given before an article showing this
    /// image can be published, as the editor names them.
    pub fn missing_for_publication(&self) -> Vec<&'static str> {
        [("caption", &self.caption), ("credit", &self.credit), ("alt text", &self.alt_text)]
            .into_iter()
            .filter(|(_, value)| value.trim().is_empty())
            .map(|(field, _)| field)
            .collect()
    }

    /// A warning when the credit names a search engine, platform or
    /// aggregator ("Photo from Google") instead of a rights holder.
    pub fn credit_warning(&self) -> Option<String> {
        credit_warning(&self.credit)
    }

    /// Variants of one MIME type, narrowest first.
    pub fn variants_of(&self, content_type: &str) -> Vec<&MediaVariant> {
        let mut found: Vec<&MediaVariant> = self.variants.iter().filter(|v| v.content_type == content_type).collect();
        found.sort_by_key(|v| v.width);
        found
    }
}

/// See [`Media::credit_warning`].
pub fn credit_warning(credit: &str) -> Option<String> {
    let lower = credit.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let named = NOT_RIGHTS_HOLDERS.iter().find(|name| {
        let parts: Vec<&str> = name.split(' ').collect();
        words.windows(parts.len()).any(|window| window == parts.as_slice())
    })?;
    Some(format!(
        "The credit names {}, which is where the picture was found, not who holds its rights. \
         Credit the photographer or agency.",
        capitalise(named)
    ))
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
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
    /// See [`Media::uploaded_by`].
    pub uploaded_by: Option<UserId>,
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

    #[test]
    fn credits_naming_a_search_engine_are_flagged_and_agencies_are_not() {
        assert!(credit_warning("Photo from Google").unwrap().contains("Google"));
        assert!(credit_warning("Image: social media").is_some());
        assert!(credit_warning("Photo: Jane Doe/Reuters").is_none());
        // Whole words only: "Webb" is a photographer, not "the web".
        assert!(credit_warning("Photo: Alex Webb/Magnum").is_none());
    }
}
