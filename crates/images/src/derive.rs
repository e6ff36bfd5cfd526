//! The smaller copies a `srcset` offers.

use std::fmt;

use image::imageops::FilterType;

use crate::codec::{self, WEBP_DERIVATIVE_QUALITY, WebpMode, webp_can_encode};
use crate::{ImageError, ImageFormat, UploadLimits};

/// The widths Masthead's templates ask for, narrowest first.
pub const DERIVATIVE_WIDTHS: [u32; 3] = [480, 960, 1600];

/// A resized copy of a prepared image.
#[derive(Clone, PartialEq, Eq)]
pub struct Derivative {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels, keeping the original's aspect ratio.
    pub height: u32,
    /// The original's format, or WebP.
    pub format: ImageFormat,
    /// The encoded image.
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Derivative {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Derivative")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("format", &self.format)
            .field("bytes", &format_args!("[{} bytes]", self.bytes.len()))
            .finish()
    }
}

/// Makes the derivatives of a prepared image (the `bytes` of a
/// [`PreparedImage`](crate::PreparedImage)), under the default
/// [`UploadLimits`]; see [`make_derivatives_with_limits`].
///
/// # Errors
///
/// As [`make_derivatives_with_limits`].
pub fn make_derivatives(prepared: &[u8], widths: &[u32]) -> Result<Vec<Derivative>, ImageError> {
    make_derivatives_with_limits(prepared, widths, &UploadLimits::default())
}

/// Makes the derivatives of a prepared image: for each of `widths` narrower
/// than the image (duplicates and zero ignored), a copy resized with a
/// Lanczos filter to that width, the height rounded to keep the aspect ratio,
/// in the original format and in WebP; and, when the original is not WebP, a
/// WebP at the original size. Narrowest first, the original format before
/// WebP at each width, the full-size WebP last. Nothing is ever enlarged, so
/// an image narrower than every width gets only its full-size WebP.
///
/// JPEG derivatives are written at quality 85, PNG losslessly and WebP lossy
/// at quality 80 (lossless when the original is a lossless WebP). A WebP
/// wider or taller than 16383 pixels cannot be written and is left out.
///
/// The bytes are checked and decoded as in
/// [`prepare_upload`](crate::prepare_upload), under the pixel limit of
/// `limits` (which should be those the upload was prepared under) but not its
/// byte limit: re-encoding can make a file larger than the upload was.
///
/// # Errors
///
/// Those of [`prepare_upload`](crate::prepare_upload).
pub fn make_derivatives_with_limits(
    prepared: &[u8],
    widths: &[u32],
    limits: &UploadLimits,
) -> Result<Vec<Derivative>, ImageError> {
    let limits = UploadLimits { max_bytes: usize::MAX, ..*limits };
    let decoded = codec::decode(prepared, &limits)?;
    let (width, height) = (decoded.image.width(), decoded.image.height());
    let format = decoded.format;
    let webp = if decoded.lossless { WebpMode::Lossless } else { WebpMode::Lossy(WEBP_DERIVATIVE_QUALITY) };

    let mut targets: Vec<u32> = widths.iter().copied().filter(|&w| w > 0 && w < width).collect();
    targets.sort_unstable();
    targets.dedup();

    let mut derivatives = Vec::with_capacity(targets.len() * 2 + 1);
    for target in targets {
        let target_height = scaled_height(width, height, target);
        let resized = decoded.image.resize_exact(target, target_height, FilterType::Lanczos3);
        if format != ImageFormat::WebP {
            let bytes = codec::encode(&resized, format, webp)?;
            derivatives.push(Derivative { width: target, height: target_height, format, bytes });
        }
        if webp_can_encode(target, target_height) {
            let bytes = codec::encode(&resized, ImageFormat::WebP, webp)?;
            derivatives.push(Derivative { width: target, height: target_height, format: ImageFormat::WebP, bytes });
        }
    }
    if format != ImageFormat::WebP && webp_can_encode(width, height) {
        let bytes = codec::encode(&decoded.image, ImageFormat::WebP, webp)?;
        derivatives.push(Derivative { width, height, format: ImageFormat::WebP, bytes });
    }
    Ok(derivatives)
}

/// `height × target / width`, rounded to the nearest pixel and at least 1.
/// Only called with `target < width`, so the result fits in `u32`.
fn scaled_height(width: u32, height: u32, target: u32) -> u32 {
    let (width, height, target) = (u64::from(width), u64::from(height), u64::from(target));
    let rounded = (2 * height * target + width) / (2 * width).max(1);
    u32::try_from(rounded.max(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]
mod tests {
    use image::GenericImageView;

    use super::*;
    use crate::{prepare_upload, testing};

    fn summary(derivatives: &[Derivative]) -> Vec<(u32, u32, ImageFormat)> {
        derivatives.iter().map(|d| (d.width, d.height, d.format)).collect()
    }

    /// Each derivative decodes, in the format and at the size it claims.
    fn check(derivatives: &[Derivative]) {
        for derivative in derivatives {
            assert_eq!(image::guess_format(&derivative.bytes).unwrap(), derivative.format.to_image());
            let decoded = image::load_from_memory(&derivative.bytes).unwrap();
            assert_eq!(decoded.dimensions(), (derivative.width, derivative.height));
        }
    }

    #[test]
    fn a_wide_jpeg_gets_every_width_in_jpeg_and_webp() {
        let prepared = prepare_upload(&testing::jpeg(&testing::photo(2000, 1333)), &UploadLimits::default()).unwrap();
        let derivatives = make_derivatives(&prepared.bytes, &DERIVATIVE_WIDTHS).unwrap();
        use ImageFormat::{Jpeg, WebP};
        assert_eq!(
            summary(&derivatives),
            [
                (480, 320, Jpeg),
                (480, 320, WebP),
                (960, 640, Jpeg),
                (960, 640, WebP),
                (1600, 1066, Jpeg),
                (1600, 1066, WebP),
                (2000, 1333, WebP)
            ]
        );
        check(&derivatives);
        // Each keeps the aspect ratio to within the rounding of a pixel.
        for derivative in &derivatives {
            let exact = 1333.0 * f64::from(derivative.width) / 2000.0;
            assert!((f64::from(derivative.height) - exact).abs() <= 0.5, "{derivative:?}");
            assert!(derivative.width <= 2000);
        }
        // The picture survives the resizing: red top-left, blue bottom-right.
        let small = image::load_from_memory(&derivatives[1].bytes).unwrap();
        let corner = small.get_pixel(2, 2);
        assert!(corner[0] > 180 && corner[2] < 80, "{corner:?}");
    }

    #[test]
    fn a_png_gets_png_and_webp_and_keeps_transparency() {
        let mut picture = image::RgbaImage::new(1000, 500);
        for (x, _, pixel) in picture.enumerate_pixels_mut() {
            *pixel = image::Rgba([10, 120, 200, if x < 500 { 0 } else { 255 }]);
        }
        let png = testing::png(&image::DynamicImage::ImageRgba8(picture));
        let derivatives = make_derivatives(&png, &DERIVATIVE_WIDTHS).unwrap();
        use ImageFormat::{Png, WebP};
        assert_eq!(
            summary(&derivatives),
            [(480, 240, Png), (480, 240, WebP), (960, 480, Png), (960, 480, WebP), (1000, 500, WebP)]
        );
        check(&derivatives);
        for derivative in &derivatives {
            let decoded = image::load_from_memory(&derivative.bytes).unwrap();
            assert!(decoded.color().has_alpha(), "{derivative:?}");
            assert!(decoded.get_pixel(1, 1)[3] < 10, "{derivative:?}");
        }
    }

    #[test]
    fn a_webp_gets_webp_only() {
        let webp = testing::webp_lossy(&testing::photo(1200, 800));
        let derivatives = make_derivatives(&webp, &DERIVATIVE_WIDTHS).unwrap();
        use ImageFormat::WebP;
        assert_eq!(summary(&derivatives), [(480, 320, WebP), (960, 640, WebP)]);
        check(&derivatives);
    }

    #[test]
    fn a_small_image_is_never_enlarged() {
        let prepared = prepare_upload(&testing::jpeg(&testing::photo(300, 200)), &UploadLimits::default()).unwrap();
        let derivatives = make_derivatives(&prepared.bytes, &DERIVATIVE_WIDTHS).unwrap();
        assert_eq!(summary(&derivatives), [(300, 200, ImageFormat::WebP)]);
        check(&derivatives);
        let webp = testing::webp_lossy(&testing::photo(300, 200));
        assert!(make_derivatives(&webp, &DERIVATIVE_WIDTHS).unwrap().is_empty());
    }

    #[test]
    fn odd_width_lists_are_cleaned_up() {
        let png = testing::png(&testing::photo(500, 100));
        let derivatives = make_derivatives(&png, &[960, 0, 250, 480, 250, 500, 3]).unwrap();
        use ImageFormat::{Png, WebP};
        assert_eq!(
            summary(&derivatives),
            [
                (3, 1, Png),
                (3, 1, WebP),
                (250, 50, Png),
                (250, 50, WebP),
                (480, 96, Png),
                (480, 96, WebP),
                (500, 100, WebP)
            ]
        );
        check(&derivatives);
        assert_eq!(summary(&make_derivatives(&png, &[]).unwrap()), [(500, 100, WebP)]);
    }

    #[test]
    fn lossy_webp_is_smaller_than_the_jpeg_of_a_photo() {
        let prepared = prepare_upload(&testing::jpeg(&testing::photo(1200, 800)), &UploadLimits::default()).unwrap();
        let derivatives = make_derivatives(&prepared.bytes, &[960]).unwrap();
        let (jpeg, webp) = (&derivatives[0], &derivatives[1]);
        assert!(
            webp.bytes.len() < jpeg.bytes.len(),
            "WebP {} bytes, JPEG {} bytes",
            webp.bytes.len(),
            jpeg.bytes.len()
        );
    }

    #[test]
    fn unusable_bytes_are_errors() {
        assert!(matches!(make_derivatives(b"", &DERIVATIVE_WIDTHS), Err(ImageError::Unsupported { .. })));
        let png = testing::png(&testing::photo(100, 100));
        assert!(matches!(make_derivatives(&png[..60], &DERIVATIVE_WIDTHS), Err(ImageError::Unreadable { .. })));
    }

    /// Run with `cargo test -p masthead-images --release -- --ignored --nocapture`.
    #[test]
    #[ignore = "a timing, meaningful only in a release build"]
    fn a_six_megapixel_photo_is_handled_in_seconds() {
        let jpeg = testing::with_jpeg_metadata(&testing::jpeg(&testing::photo(3000, 2000)), 1);
        let started = std::time::Instant::now();
        let prepared = prepare_upload(&jpeg, &UploadLimits::default()).unwrap();
        let prepared_in = started.elapsed();
        let derivatives = make_derivatives(&prepared.bytes, &DERIVATIVE_WIDTHS).unwrap();
        let total = started.elapsed();
        println!(
            "3000 × 2000 JPEG ({} KB): prepared in {prepared_in:?}, {} derivatives in {:?}, total {total:?}",
            jpeg.len() / 1024,
            derivatives.len(),
            total - prepared_in
        );
        for derivative in &derivatives {
            println!(
                "  {} × {} {}: {} KB",
                derivative.width,
                derivative.height,
                derivative.format,
                derivative.bytes.len() / 1024
            );
        }
        assert!(total < std::time::Duration::from_secs(10), "{total:?}");
    }

    #[test]
    fn the_byte_limit_does_not_apply_to_a_prepared_image() {
        let png = testing::png(&testing::photo(600, 400));
        let limits = UploadLimits { max_bytes: 10, ..UploadLimits::default() };
        assert_eq!(make_derivatives_with_limits(&png, &[480], &limits).unwrap().len(), 3);
        let limits = UploadLimits { max_pixels: 1000, ..UploadLimits::default() };
        let error = make_derivatives_with_limits(&png, &[480], &limits).unwrap_err();
        assert_eq!(error, ImageError::TooManyPixels { width: 600, height: 400, limit: 1000 });
    }

    #[test]
    fn heights_round_to_the_nearest_pixel() {
        assert_eq!(scaled_height(2000, 1333, 1600), 1066);
        assert_eq!(scaled_height(3, 2, 1), 1);
        assert_eq!(scaled_height(10000, 1, 480), 1);
        assert_eq!(scaled_height(999, 1000, 480), 480);
    }
}
