//! Why an image was refused, in sentences an editor can read.

/// Why an upload was refused or could not be processed.
///
/// The `Display` text is meant to be shown to the editor as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    /// The file is larger than [`UploadLimits::max_bytes`](crate::UploadLimits::max_bytes).
    #[error("The file is {} MB; the limit is {} MB.", megabytes_up(*size), megabytes(*limit))]
    TooManyBytes {
        /// Size of the upload in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The image header declares more pixels than
    /// [`UploadLimits::max_pixels`](crate::UploadLimits::max_pixels).
    #[error(
        "The image is {width} × {height} pixels ({} megapixels); the limit is {} megapixels.",
        megapixels_up(u64::from(*width) * u64::from(*height)),
        megapixels(*limit)
    )]
    TooManyPixels {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The limit, in pixels.
        limit: u64,
    },
    /// The bytes are not a JPEG, PNG or WebP image.
    #[error("The file is {found}; only JPEG, PNG and WebP images are accepted.")]
    Unsupported {
        /// What the file appears to be, as a phrase ("a GIF image", "empty").
        found: &'static str,
    },
    /// The bytes start like an accepted format but cannot be decoded.
    #[error("The image could not be read ({reason}). The file may be damaged or incomplete; try exporting it again.")]
    Unreadable {
        /// What went wrong, technically.
        reason: String,
    },
    /// The decoded pixels could not be written out again. This is not the
    /// editor's fault.
    #[error("The image could not be saved as {format} ({reason}).")]
    Encode {
        /// The format being written.
        format: crate::ImageFormat,
        /// What went wrong, technically.
        reason: String,
    },
}

impl ImageError {
    pub(crate) fn unreadable(reason: impl std::fmt::Display) -> Self {
        Self::Unreadable { reason: reason.to_string() }
    }
}

const MIB: u128 = 1024 * 1024;

/// `tenths` as "25" or "25.1".
fn tenths_to_string(tenths: u128) -> String {
    if tenths.is_multiple_of(10) { format!("{}", tenths / 10) } else { format!("{}.{}", tenths / 10, tenths % 10) }
}

/// A size in MB (of 2^20 bytes), to the nearest tenth.
fn megabytes(bytes: usize) -> String {
    tenths_to_string((bytes as u128 * 10 + MIB / 2) / MIB)
}

/// A size in MB, rounded up to the tenth, so a size just over a limit never
/// reads as equal to it.
fn megabytes_up(bytes: usize) -> String {
    tenths_to_string((bytes as u128 * 10).div_ceil(MIB))
}

/// A pixel count in megapixels, to the nearest tenth.
fn megapixels(pixels: u64) -> String {
    tenths_to_string((u128::from(pixels) + 50_000) / 100_000)
}

/// A pixel count in megapixels, rounded up to the tenth.
fn megapixels_up(pixels: u64) -> String {
    tenths_to_string(u128::from(pixels).div_ceil(100_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pixel_message_reads_as_a_sentence() {
        let error = ImageError::TooManyPixels { width: 60000, height: 60000, limit: 40_000_000 };
        assert_eq!(
            error.to_string(),
            "The image is 60000 × 60000 pixels (3600 megapixels); the limit is 40 megapixels."
        );
    }

    #[test]
    fn a_size_just_over_the_limit_does_not_read_as_the_limit() {
        let limit = 25 * 1024 * 1024;
        let error = ImageError::TooManyBytes { size: limit + 1, limit };
        assert_eq!(error.to_string(), "The file is 25.1 MB; the limit is 25 MB.");
        let error = ImageError::TooManyPixels { width: 8001, height: 5000, limit: 40_000_000 };
        assert_eq!(error.to_string(), "The image is 8001 × 5000 pixels (40.1 megapixels); the limit is 40 megapixels.");
    }

    #[test]
    fn unsupported_names_the_accepted_formats() {
        let error = ImageError::Unsupported { found: "a GIF image" };
        assert_eq!(error.to_string(), "The file is a GIF image; only JPEG, PNG and WebP images are accepted.");
    }
}
