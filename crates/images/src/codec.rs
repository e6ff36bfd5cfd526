//! Decoding with the limits enforced, and encoding pixels (and nothing else)
//! into each format.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader};

use crate::sniff::{header_dimensions, sniff, webp_is_lossless};
use crate::{ImageError, ImageFormat, UploadLimits};

/// JPEG quality for prepared uploads and derivatives.
pub(crate) const JPEG_QUALITY: u8 = 85;
/// Lossy WebP quality for a prepared WebP upload.
pub(crate) const WEBP_UPLOAD_QUALITY: f32 = 85.0;
/// Lossy WebP quality for derivatives.
pub(crate) const WEBP_DERIVATIVE_QUALITY: f32 = 80.0;
/// libwebp cannot encode a side longer than this.
pub(crate) const WEBP_MAX_SIDE: u32 = 16383;

/// How a WebP is to be written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum WebpMode {
    /// Lossy, at this quality (0–100).
    Lossy(f32),
    /// Lossless.
    Lossless,
}

/// Decoded, upright pixels and what they came from.
pub(crate) struct Decoded {
    /// Upright pixels: the EXIF orientation has been applied.
    pub(crate) image: DynamicImage,
    /// The format the bytes were in.
    pub(crate) format: ImageFormat,
    /// Whether the bytes were a lossless WebP.
    pub(crate) lossless: bool,
}

/// Checks the limits in order (bytes, format, declared pixels), then decodes
/// and applies the EXIF orientation.
pub(crate) fn decode(bytes: &[u8], limits: &UploadLimits) -> Result<Decoded, ImageError> {
    if bytes.len() > limits.max_bytes {
        return Err(ImageError::TooManyBytes { size: bytes.len(), limit: limits.max_bytes });
    }
    let format = sniff(bytes)?;
    let (width, height) = header_dimensions(format, bytes)?;
    check_pixels(width, height, limits)?;

    // Second guard, in case a decoder reads the header differently: the
    // decoder's own limits, then its own idea of the dimensions.
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.to_image());
    reader.limits(decoder_limits(limits));
    let mut decoder = reader.into_decoder().map_err(from_image_error)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(ImageError::unreadable("the image has a width or height of zero"));
    }
    check_pixels(width, height, limits)?;

    // A damaged EXIF block should not keep a picture out: it is dropped anyway.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(from_image_error)?;
    image.apply_orientation(orientation);
    let lossless = format == ImageFormat::WebP && webp_is_lossless(bytes);
    Ok(Decoded { image, format, lossless })
}

fn check_pixels(width: u32, height: u32, limits: &UploadLimits) -> Result<(), ImageError> {
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(ImageError::TooManyPixels { width, height, limit: limits.max_pixels });
    }
    Ok(())
}

/// No side longer than the whole pixel budget, and no more memory than the
/// largest pixel layout (16-bit RGBA, 8 bytes) needs, with room for the
/// decoders' working buffers.
fn decoder_limits(limits: &UploadLimits) -> image::Limits {
    let side = u32::try_from(limits.max_pixels).unwrap_or(u32::MAX);
    let mut decoder_limits = image::Limits::default();
    decoder_limits.max_image_width = Some(side);
    decoder_limits.max_image_height = Some(side);
    decoder_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8).saturating_add(64 * 1024 * 1024));
    decoder_limits
}

fn from_image_error(error: image::ImageError) -> ImageError {
    match error {
        image::ImageError::Limits(limit) => {
            ImageError::unreadable(format!("decoding it would need more memory than allowed: {limit}"))
        }
        image::ImageError::Unsupported(unsupported) => {
            ImageError::unreadable(format!("it uses a feature that is not supported: {unsupported}"))
        }
        other => ImageError::unreadable(other),
    }
}

/// Writes the pixels, and only the pixels, in `format`.
pub(crate) fn encode(image: &DynamicImage, format: ImageFormat, webp: WebpMode) -> Result<Vec<u8>, ImageError> {
    let failed = |reason: String| ImageError::Encode { format, reason };
    let mut out = Vec::new();
    match format {
        ImageFormat::Jpeg => {
            let mut encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
            let result = if is_grey(image) {
                encoder.encode_image(&image.to_luma8())
            } else {
                encoder.encode_image(&image.to_rgb8())
            };
            result.map_err(|e| failed(e.to_string()))?;
        }
        ImageFormat::Png => {
            let encoder = PngEncoder::new_with_quality(&mut out, CompressionType::Default, FilterType::Adaptive);
            let result = match image {
                DynamicImage::ImageLuma8(_)
                | DynamicImage::ImageLumaA8(_)
                | DynamicImage::ImageRgb8(_)
                | DynamicImage::ImageRgba8(_)
                | DynamicImage::ImageLuma16(_)
                | DynamicImage::ImageLumaA16(_)
                | DynamicImage::ImageRgb16(_)
                | DynamicImage::ImageRgba16(_) => image.write_with_encoder(encoder),
                // Float pixels never come out of these decoders; PNG cannot hold them.
                other => DynamicImage::ImageRgba16(other.to_rgba16()).write_with_encoder(encoder),
            };
            result.map_err(|e| failed(e.to_string()))?;
        }
        ImageFormat::WebP => return encode_webp(image, webp),
    }
    Ok(out)
}

fn is_grey(image: &DynamicImage) -> bool {
    matches!(
        image,
        DynamicImage::ImageLuma8(_)
            | DynamicImage::ImageLumaA8(_)
            | DynamicImage::ImageLuma16(_)
            | DynamicImage::ImageLumaA16(_)
    )
}

fn encode_webp(image: &DynamicImage, mode: WebpMode) -> Result<Vec<u8>, ImageError> {
    let failed = |reason: String| ImageError::Encode { format: ImageFormat::WebP, reason };
    let (width, height) = (image.width(), image.height());
    if width == 0 || height == 0 || width > WEBP_MAX_SIDE || height > WEBP_MAX_SIDE {
        return Err(failed(format!(
            "{width} × {height} pixels; WebP cannot be wider or taller than {WEBP_MAX_SIDE} pixels"
        )));
    }
    let (lossless, quality) = match mode {
        WebpMode::Lossy(quality) => (false, quality),
        WebpMode::Lossless => (true, 75.0),
    };
    // The buffers are made here with exactly width × height pixels, which is
    // what the encoder requires of them.
    let memory = if image.color().has_alpha() {
        let rgba = image.to_rgba8();
        webp::Encoder::from_rgba(rgba.as_raw(), width, height).encode_simple(lossless, quality)
    } else {
        let rgb = image.to_rgb8();
        webp::Encoder::from_rgb(rgb.as_raw(), width, height).encode_simple(lossless, quality)
    };
    let memory = memory.map_err(|e| failed(format!("{e:?}")))?;
    Ok(memory.to_vec())
}

/// Whether libwebp can write an image of this size.
pub(crate) fn webp_can_encode(width: u32, height: u32) -> bool {
    (1..=WEBP_MAX_SIDE).contains(&width) && (1..=WEBP_MAX_SIDE).contains(&height)
}
