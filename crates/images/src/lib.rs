//! Masthead's processing of uploaded pictures, as pure functions from bytes
//! to bytes: the web layer receives the upload and stores what comes out;
//! nothing here does I/O or runs asynchronously.
//!
//! - [`prepare_upload`] checks an upload and makes the copy that is kept:
//!   the format is sniffed from the bytes (JPEG, PNG and WebP are accepted,
//!   whatever the file name or content type claims), the byte limit and then
//!   the pixel limit of [`UploadLimits`] are enforced, the latter from the
//!   image header before any pixel is decoded (so a decompression bomb is
//!   refused at once), the EXIF orientation is applied so the picture stands
//!   upright, and the pixels are re-encoded in the same format, which leaves
//!   every piece of metadata behind: EXIF (camera, GPS location), XMP, IPTC,
//!   comments, text chunks and ICC profiles.
//! - [`make_derivatives`] makes the smaller copies a `srcset` offers, each in
//!   the original format and in WebP, plus a full-size WebP when the original
//!   is not one.
//!
//! Every failure is an [`ImageError`] whose message is a sentence an editor
//! can act on; no input makes these functions panic.
//!
//! # Encoders
//!
//! JPEG is written at quality 85 and PNG with default compression and
//! adaptive filtering, both by the `image` crate. WebP is written by libwebp
//! (through the `webp` crate, which compiles libwebp from the C source it
//! ships, so it needs a C compiler but no network): lossy at quality 80 for
//! derivatives and 85 for a prepared WebP upload, and lossless when the
//! uploaded WebP was itself lossless. Lossy WebP is chosen over the `image`
//! crate's pure-Rust encoder because that one is lossless only, which makes
//! photographs larger than the JPEGs they should replace.
//!
//! WebP cannot be wider or taller than 16383 pixels: a derivative that would
//! exceed that is left out rather than failing the whole set.
//!
//! An animated PNG or WebP keeps only its first frame.

mod codec;
mod derive;
mod error;
mod prepare;
mod sniff;

#[cfg(test)]
mod testing;

use std::fmt;

pub use derive::{DERIVATIVE_WIDTHS, Derivative, make_derivatives, make_derivatives_with_limits};
pub use error::ImageError;
pub use prepare::{PreparedImage, prepare_upload};

/// How large an upload may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UploadLimits {
    /// Largest accepted file, in bytes. Checked before anything else.
    pub max_bytes: usize,
    /// Largest accepted width × height, read from the image header before
    /// decoding. Decoding needs up to 8 bytes per pixel (16-bit RGBA PNG).
    pub max_pixels: u64,
}

impl UploadLimits {
    /// The default byte limit: 25 MiB.
    pub const DEFAULT_MAX_BYTES: usize = 25 * 1024 * 1024;
    /// The default pixel limit: 40 megapixels.
    pub const DEFAULT_MAX_PIXELS: u64 = 40_000_000;
}

impl Default for UploadLimits {
    fn default() -> Self {
        Self { max_bytes: Self::DEFAULT_MAX_BYTES, max_pixels: Self::DEFAULT_MAX_PIXELS }
    }
}

/// An accepted image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    /// JPEG (JFIF or EXIF).
    Jpeg,
    /// PNG.
    Png,
    /// WebP, lossy or lossless.
    WebP,
}

impl ImageFormat {
    /// The MIME type, as sent in `Content-Type`.
    #[must_use]
    pub const fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::WebP => "image/webp",
        }
    }

    /// The file name extension, without the dot.
    #[must_use]
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::WebP => "webp",
        }
    }

    /// The name an editor knows the format by.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Jpeg => "JPEG",
            Self::Png => "PNG",
            Self::WebP => "WebP",
        }
    }

    pub(crate) const fn to_image(self) -> image::ImageFormat {
        match self {
            Self::Jpeg => image::ImageFormat::Jpeg,
            Self::Png => image::ImageFormat::Png,
            Self::WebP => image::ImageFormat::WebP,
        }
    }
}

impl fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
