//! Checking an upload and making the copy that is kept.

use std::fmt;

use crate::codec::{self, WEBP_UPLOAD_QUALITY, WebpMode};
use crate::{ImageError, ImageFormat, UploadLimits};

/// An accepted upload, upright and stripped of all metadata.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedImage {
    /// The format, the same as the upload's.
    pub format: ImageFormat,
    /// Width in pixels, upright (after the EXIF orientation is applied).
    pub width: u32,
    /// Height in pixels, upright.
    pub height: u32,
    /// The encoded image: pixels only, no EXIF, XMP, comments or ICC profile.
    pub bytes: Vec<u8>,
}

impl fmt::Debug for PreparedImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedImage")
            .field("format", &self.format)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("bytes", &format_args!("[{} bytes]", self.bytes.len()))
            .finish()
    }
}

/// Checks an upload and re-encodes it as the copy to keep.
///
/// In order: the byte limit; the format, sniffed from the bytes (JPEG, PNG or
/// WebP); the pixel limit, from the header, before any pixel is decoded. Then
/// the image is decoded (under [`image::Limits`] as well), turned upright
/// according to its EXIF orientation, and encoded again in the same format:
/// JPEG at quality 85, PNG losslessly, WebP lossy at quality 85 or
/// losslessly if it was lossless. Only pixels are written, so EXIF (with any
/// GPS location), XMP, IPTC, comments, text chunks and ICC profiles are gone.
///
/// # Errors
///
/// [`ImageError::TooManyBytes`], [`ImageError::Unsupported`],
/// [`ImageError::TooManyPixels`] or [`ImageError::Unreadable`] for an upload
/// that is refused; [`ImageError::Encode`] if writing the pixels fails.
pub fn prepare_upload(bytes: &[u8], limits: &UploadLimits) -> Result<PreparedImage, ImageError> {
    let decoded = codec::decode(bytes, limits)?;
    let webp = if decoded.lossless { WebpMode::Lossless } else { WebpMode::Lossy(WEBP_UPLOAD_QUALITY) };
    let bytes = codec::encode(&decoded.image, decoded.format, webp)?;
    Ok(PreparedImage { format: decoded.format, width: decoded.image.width(), height: decoded.image.height(), bytes })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]
mod tests {
    use std::time::{Duration, Instant};

    use image::GenericImageView;

    use super::*;
    use crate::testing;

    fn decode(bytes: &[u8]) -> image::DynamicImage {
        image::load_from_memory(bytes).unwrap()
    }

    #[test]
    fn each_format_round_trips_with_its_dimensions() {
        let photo = testing::photo(320, 200);
        for (bytes, format) in [
            (testing::jpeg(&photo), ImageFormat::Jpeg),
            (testing::png(&photo), ImageFormat::Png),
            (testing::webp_lossy(&photo), ImageFormat::WebP),
            (testing::webp_lossless(&photo), ImageFormat::WebP),
            (testing::webp_extended(&photo), ImageFormat::WebP),
        ] {
            let prepared = prepare_upload(&bytes, &UploadLimits::default()).unwrap();
            assert_eq!((prepared.format, prepared.width, prepared.height), (format, 320, 200));
            let again = decode(&prepared.bytes);
            assert_eq!(again.dimensions(), (320, 200));
            assert_eq!(image::guess_format(&prepared.bytes).unwrap(), format.to_image());
            // Still the same picture: the red top-left corner stays red.
            let corner = again.get_pixel(8, 8);
            assert!(corner[0] > 180 && corner[2] < 80, "{format}: {corner:?}");
        }
    }

    #[test]
    fn png_keeps_transparency_and_lossless_pixels() {
        let mut picture = image::RgbaImage::new(50, 30);
        for (x, _, pixel) in picture.enumerate_pixels_mut() {
            *pixel = image::Rgba([200, 10, 10, if x < 25 { 0 } else { 255 }]);
        }
        let picture = image::DynamicImage::ImageRgba8(picture);
        let prepared = prepare_upload(&testing::png(&picture), &UploadLimits::default()).unwrap();
        assert_eq!(decode(&prepared.bytes).to_rgba8(), picture.to_rgba8());
    }

    #[test]
    fn a_lossless_webp_stays_lossless() {
        let photo = testing::photo(40, 30);
        let prepared = prepare_upload(&testing::webp_lossless(&photo), &UploadLimits::default()).unwrap();
        assert!(crate::sniff::webp_is_lossless(&prepared.bytes));
        assert_eq!(decode(&prepared.bytes).to_rgb8(), photo.to_rgb8());
        let prepared = prepare_upload(&testing::webp_lossy(&photo), &UploadLimits::default()).unwrap();
        assert!(!crate::sniff::webp_is_lossless(&prepared.bytes));
    }

    #[test]
    fn greyscale_and_sixteen_bit_pngs_are_kept() {
        let grey =
            image::DynamicImage::ImageLuma8(image::GrayImage::from_fn(30, 20, |x, y| image::Luma([(x * y) as u8])));
        let prepared = prepare_upload(&testing::png(&grey), &UploadLimits::default()).unwrap();
        assert_eq!(decode(&prepared.bytes), grey);
        let deep = image::DynamicImage::ImageRgb16(image::ImageBuffer::from_fn(30, 20, |x, y| {
            image::Rgb([(x * 2000) as u16, (y * 3000) as u16, 65535])
        }));
        let prepared = prepare_upload(&testing::png(&deep), &UploadLimits::default()).unwrap();
        assert_eq!(decode(&prepared.bytes), deep);
        let grey_jpeg = testing::jpeg(&grey);
        let prepared = prepare_upload(&grey_jpeg, &UploadLimits::default()).unwrap();
        assert_eq!((prepared.width, prepared.height), (30, 20));
    }

    #[test]
    fn other_formats_are_refused_by_what_they_are() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "empty"),
            (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;", "a GIF image"),
            (b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>", "an SVG drawing"),
            (b"This is not a picture.", "a text file"),
        ];
        for (bytes, found) in cases {
            let error = prepare_upload(bytes, &UploadLimits::default()).unwrap_err();
            assert_eq!(error, ImageError::Unsupported { found }, "{bytes:?}");
            assert!(error.to_string().contains("only JPEG, PNG and WebP images are accepted"));
        }
    }

    #[test]
    fn the_file_name_has_no_say() {
        // A GIF renamed to .jpg is still a GIF; a PNG called .gif is still a PNG.
        let png = testing::png(&testing::photo(20, 10));
        assert_eq!(prepare_upload(&png, &UploadLimits::default()).unwrap().format, ImageFormat::Png);
    }

    #[test]
    fn truncated_images_are_unreadable() {
        let photo = testing::photo(200, 150);
        for bytes in [testing::png(&photo), testing::webp_lossy(&photo), testing::webp_lossless(&photo)] {
            for keep in [bytes.len() / 2, 40, 20, 13] {
                let error = prepare_upload(&bytes[..keep], &UploadLimits::default()).unwrap_err();
                assert!(matches!(error, ImageError::Unreadable { .. }), "{keep} of {}: {error:?}", bytes.len());
            }
        }
        // JPEG cut before its first scan has no pixels at all; cut later, the
        // lenient decoder may fill in the rest: either way, no panic.
        let jpeg = testing::jpeg(&photo);
        let scan = jpeg.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        let error = prepare_upload(&jpeg[..scan + 2], &UploadLimits::default()).unwrap_err();
        assert!(matches!(error, ImageError::Unreadable { .. }), "{error:?}");
        let error = prepare_upload(&jpeg[..10], &UploadLimits::default()).unwrap_err();
        assert!(matches!(error, ImageError::Unreadable { .. }), "{error:?}");
        for keep in [scan + 20, jpeg.len() / 2, jpeg.len() - 2] {
            let _ = prepare_upload(&jpeg[..keep], &UploadLimits::default());
        }
    }

    #[test]
    fn the_byte_limit_comes_first() {
        let limits = UploadLimits { max_bytes: 100, ..UploadLimits::default() };
        let error = prepare_upload(&[0u8; 101], &limits).unwrap_err();
        assert_eq!(error, ImageError::TooManyBytes { size: 101, limit: 100 });
        let png = testing::png(&testing::photo(64, 64));
        let limits = UploadLimits { max_bytes: png.len() - 1, ..UploadLimits::default() };
        assert!(matches!(prepare_upload(&png, &limits), Err(ImageError::TooManyBytes { .. })));
        let limits = UploadLimits { max_bytes: png.len(), ..UploadLimits::default() };
        assert!(prepare_upload(&png, &limits).is_ok());
    }

    #[test]
    fn the_pixel_limit_counts_width_times_height() {
        let png = testing::png(&testing::photo(100, 50));
        let limits = UploadLimits { max_pixels: 4999, ..UploadLimits::default() };
        let error = prepare_upload(&png, &limits).unwrap_err();
        assert_eq!(error, ImageError::TooManyPixels { width: 100, height: 50, limit: 4999 });
        let limits = UploadLimits { max_pixels: 5000, ..UploadLimits::default() };
        assert!(prepare_upload(&png, &limits).is_ok());
    }

    #[test]
    fn a_decompression_bomb_is_refused_from_its_header() {
        let bombs = [
            (testing::png_header_only(60000, 60000), 60000, 60000),
            (testing::jpeg_header_only(65535, 65535), 65535, 65535),
            (testing::webp_extended_header_only(16384, 16384), 16384, 16384),
        ];
        for (bytes, width, height) in bombs {
            let started = Instant::now();
            let error = prepare_upload(&bytes, &UploadLimits::default()).unwrap_err();
            assert!(started.elapsed() < Duration::from_millis(200), "took {:?}", started.elapsed());
            assert_eq!(error, ImageError::TooManyPixels { width, height, limit: 40_000_000 });
        }
        let error = prepare_upload(&testing::png_header_only(60000, 60000), &UploadLimits::default()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "The image is 60000 × 60000 pixels (3600 megapixels); the limit is 40 megapixels."
        );
    }

    #[test]
    fn a_bomb_under_the_limit_still_fails_without_pixels() {
        // 6000 × 6000 is allowed, but there is no image data behind the header.
        let error = prepare_upload(&testing::png_header_only(6000, 6000), &UploadLimits::default()).unwrap_err();
        assert!(matches!(error, ImageError::Unreadable { .. }), "{error:?}");
    }

    #[test]
    fn exif_orientation_is_applied_and_every_piece_of_metadata_dropped() {
        // 40 × 20, red on the left half and blue on the right; Orientation 6
        // means "turn 90° clockwise to view", which puts the red on top.
        let picture = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(40, 20, |x, _| {
            if x < 20 { image::Rgb([230, 20, 20]) } else { image::Rgb([20, 20, 230]) }
        }));
        let jpeg = testing::with_jpeg_metadata(&testing::jpeg(&picture), 6);
        assert!(testing::contains(&jpeg, b"Exif\0\0"));
        assert!(testing::contains(&jpeg, &testing::GPS_LATITUDE));

        let prepared = prepare_upload(&jpeg, &UploadLimits::default()).unwrap();
        assert_eq!((prepared.width, prepared.height), (20, 40));
        let upright = decode(&prepared.bytes);
        assert_eq!(upright.dimensions(), (20, 40));
        let top = upright.get_pixel(10, 5);
        let bottom = upright.get_pixel(10, 35);
        assert!(top[0] > 180 && top[2] < 80, "top {top:?}");
        assert!(bottom[2] > 180 && bottom[0] < 80, "bottom {bottom:?}");

        for needle in [
            &b"Exif"[..],
            &testing::GPS_LATITUDE,
            &testing::GPS_LONGITUDE,
            b"xmpmeta",
            b"Secret Source",
            b"Photographed at the safe house",
        ] {
            assert!(!testing::contains(&prepared.bytes, needle), "{:?} survived", String::from_utf8_lossy(needle));
        }
    }

    #[test]
    fn every_exif_orientation_comes_out_upright() {
        let picture = testing::photo(40, 20);
        for orientation in 1..=8u16 {
            let jpeg = testing::with_jpeg_metadata(&testing::jpeg(&picture), orientation);
            let prepared = prepare_upload(&jpeg, &UploadLimits::default()).unwrap();
            let expected = if orientation >= 5 { (20, 40) } else { (40, 20) };
            assert_eq!((prepared.width, prepared.height), expected, "orientation {orientation}");
        }
    }

    #[test]
    fn webp_exif_is_dropped() {
        let webp = testing::webp_extended(&testing::photo(30, 20));
        assert!(testing::contains(&webp, &testing::GPS_LATITUDE));
        let prepared = prepare_upload(&webp, &UploadLimits::default()).unwrap();
        assert!(!testing::contains(&prepared.bytes, &testing::GPS_LATITUDE));
        assert!(!testing::contains(&prepared.bytes, b"EXIF"));
    }

    #[test]
    fn png_text_chunks_are_dropped() {
        let png = testing::with_png_text(&testing::png(&testing::photo(30, 20)), "Location", "Secret Source");
        assert!(testing::contains(&png, b"Secret Source"));
        let prepared = prepare_upload(&png, &UploadLimits::default()).unwrap();
        assert!(!testing::contains(&prepared.bytes, b"Secret Source"));
        assert!(!testing::contains(&prepared.bytes, b"tEXt"));
    }

    #[test]
    fn debug_output_does_not_dump_the_bytes() {
        let prepared = prepare_upload(&testing::png(&testing::photo(10, 10)), &UploadLimits::default()).unwrap();
        let debug = format!("{prepared:?}");
        assert!(debug.contains("bytes]") && debug.len() < 120, "{debug}");
    }

    /// Small enough that a mutated header cannot make a case slow.
    const FUZZ_LIMITS: UploadLimits = UploadLimits { max_bytes: 1 << 20, max_pixels: 250_000 };

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
            let _ = prepare_upload(&bytes, &FUZZ_LIMITS);
        }

        #[test]
        fn mutated_images_never_panic(
            which in 0usize..5,
            edits in proptest::collection::vec((proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>()), 1..12),
            cut in proptest::option::of(proptest::prelude::any::<usize>()),
        ) {
            let mut bytes = testing::samples()[which].clone();
            for (at, value) in edits {
                let at = at % bytes.len();
                bytes[at] = value;
            }
            if let Some(cut) = cut {
                bytes.truncate(cut % (bytes.len() + 1));
            }
            if let Ok(prepared) = prepare_upload(&bytes, &FUZZ_LIMITS) {
                let _ = crate::make_derivatives_with_limits(&prepared.bytes, &[4, 16], &FUZZ_LIMITS);
            }
        }

        #[test]
        fn mutated_headers_never_panic(
            which in 0usize..5,
            edits in proptest::collection::vec((0usize..64, proptest::prelude::any::<u8>()), 1..6),
        ) {
            let mut bytes = testing::samples()[which].clone();
            for (at, value) in edits {
                if let Some(byte) = bytes.get_mut(at) {
                    *byte = value;
                }
            }
            let _ = prepare_upload(&bytes, &FUZZ_LIMITS);
        }
    }
}
