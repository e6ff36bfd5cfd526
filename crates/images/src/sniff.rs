//! What a file is, from its first bytes, and how large an image it declares,
//! from its header alone.

use crate::{ImageError, ImageFormat};

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The accepted format the bytes are in, or what they appear to be instead.
pub(crate) fn sniff(bytes: &[u8]) -> Result<ImageFormat, ImageError> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(ImageFormat::Jpeg);
    }
    if bytes.starts_with(PNG_SIGNATURE) {
        return Ok(ImageFormat::Png);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP".as_slice()) {
        return Ok(ImageFormat::WebP);
    }
    Err(ImageError::Unsupported { found: describe(bytes) })
}

/// A phrase for what an unaccepted file appears to be, completing "The file is …".
fn describe(bytes: &[u8]) -> &'static str {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if bytes.is_empty() {
        return "empty";
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return "a GIF image";
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return "a TIFF image or a camera raw file";
    }
    if bytes.get(4..8) == Some(b"ftyp".as_slice()) {
        let brand = bytes.get(8..12).unwrap_or_default();
        return match brand {
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
                "a HEIC photo (the iPhone format; set the camera to \u{201c}Most Compatible\u{201d} or export as JPEG)"
            }
            b"avif" | b"avis" => "an AVIF image",
            _ => "a video or another MP4-style file",
        };
    }
    if starts(&[0xFF, 0x0A]) || starts(b"\0\0\0\x0cJXL \r\n\x87\n") {
        return "a JPEG XL image";
    }
    if starts(b"BM") && bytes.len() >= 26 {
        return "a BMP image";
    }
    if starts(&[0, 0, 1, 0]) {
        return "an icon (ICO) file";
    }
    if starts(b"8BPS") {
        return "a Photoshop document";
    }
    if starts(b"%PDF") {
        return "a PDF document";
    }
    if starts(b"RIFF") {
        return "a RIFF file that is not a WebP image (audio or video)";
    }
    let head = &bytes[..bytes.len().min(1024)];
    let text = match std::str::from_utf8(head) {
        Ok(text) => Some(text),
        // A multi-byte character cut at the end of the window is still text.
        Err(error) if error.error_len().is_none() => std::str::from_utf8(&head[..error.valid_up_to()]).ok(),
        Err(_) => None,
    };
    if let Some(text) = text {
        if text.contains("<svg") {
            return "an SVG drawing";
        }
        if text.trim_start_matches('\u{feff}').trim_start().starts_with('<') {
            return "an HTML or XML document";
        }
        if text.chars().all(|c| !c.is_control() || c.is_whitespace()) {
            return "a text file";
        }
    }
    "not in a recognised image format"
}

/// Width and height as declared by the header, read without decoding any
/// pixel data.
pub(crate) fn header_dimensions(format: ImageFormat, bytes: &[u8]) -> Result<(u32, u32), ImageError> {
    let dimensions = match format {
        ImageFormat::Png => png_dimensions(bytes),
        ImageFormat::Jpeg => jpeg_dimensions(bytes),
        ImageFormat::WebP => webp_dimensions(bytes),
    }
    .ok_or_else(|| ImageError::unreadable(format!("the {} header is missing or damaged", format.name())))?;
    if dimensions.0 == 0 || dimensions.1 == 0 {
        return Err(ImageError::unreadable("the header declares a width or height of zero"));
    }
    Ok(dimensions)
}

fn be16(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 2)?;
    Some(u32::from(u16::from_be_bytes([b[0], b[1]])))
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn le16(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 2)?;
    Some(u32::from(u16::from_le_bytes([b[0], b[1]])))
}

fn le24(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 3)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], 0]))
}

fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The IHDR chunk must come first.
fn png_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    Some((be32(bytes, 16)?, be32(bytes, 20)?))
}

/// Walks the marker segments up to the first start-of-frame.
fn jpeg_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        // Any number of 0xFF fill bytes may precede a marker.
        while *bytes.get(at)? == 0xFF {
            at += 1;
        }
        let marker = *bytes.get(at)?;
        at += 1;
        match marker {
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => continue,
            // End of image or start of scan before any frame header.
            0x00 | 0xD8 | 0xD9 | 0xDA => return None,
            _ => {}
        }
        let length = usize::try_from(be16(bytes, at)?).ok()?;
        if length < 2 {
            return None;
        }
        // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC).
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            // Length, precision, then height and width.
            let height = be16(bytes, at + 3)?;
            let width = be16(bytes, at + 5)?;
            return Some((width, height));
        }
        at += length;
    }
}

/// The first chunk says which kind of WebP it is, and each kind keeps its
/// size in a different place.
fn webp_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    match bytes.get(12..16)? {
        // Lossy: frame tag (3 bytes), start code 9D 01 2A, then 14-bit sizes.
        b"VP8 " => {
            if bytes.get(23..26)? != [0x9D, 0x01, 0x2A] {
                return None;
            }
            let width = le16(bytes, 26)? & 0x3FFF;
            let height = le16(bytes, 28)? & 0x3FFF;
            Some((width, height))
        }
        // Lossless: signature 0x2F, then 14 bits each of width − 1 and height − 1.
        b"VP8L" => {
            if *bytes.get(20)? != 0x2F {
                return None;
            }
            let bits = le32(bytes, 21)?;
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        // Extended: flags (4 bytes), then 24 bits each of canvas width − 1 and height − 1.
        b"VP8X" => Some((le24(bytes, 24)? + 1, le24(bytes, 27)? + 1)),
        _ => None,
    }
}

/// Whether the WebP's image data is lossless (a `VP8L` chunk rather than `VP8 `).
pub(crate) fn webp_is_lossless(bytes: &[u8]) -> bool {
    let mut at = 12;
    while let (Some(fourcc), Some(size)) = (bytes.get(at..at + 4), le32(bytes, at + 4)) {
        match fourcc {
            b"VP8L" => return true,
            b"VP8 " | b"ANMF" => return false,
            _ => {}
        }
        let Ok(size) = usize::try_from(size) else { return false };
        // Chunks are padded to an even size.
        at = match at.checked_add(8).and_then(|a| a.checked_add(size)).and_then(|a| a.checked_add(size % 2)) {
            Some(next) => next,
            None => return false,
        };
    }
    false
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]
mod tests {
    use super::*;
    use crate::testing;

    #[test]
    fn the_accepted_formats_are_recognised_from_their_bytes() {
        let photo = testing::photo(64, 48);
        assert_eq!(sniff(&testing::jpeg(&photo)).unwrap(), ImageFormat::Jpeg);
        assert_eq!(sniff(&testing::png(&photo)).unwrap(), ImageFormat::Png);
        assert_eq!(sniff(&testing::webp_lossy(&photo)).unwrap(), ImageFormat::WebP);
        assert_eq!(sniff(&testing::webp_lossless(&photo)).unwrap(), ImageFormat::WebP);
    }

    #[test]
    fn header_dimensions_match_each_kind_of_header() {
        let photo = testing::photo(123, 45);
        for bytes in [
            testing::jpeg(&photo),
            testing::png(&photo),
            testing::webp_lossy(&photo),
            testing::webp_lossless(&photo),
            testing::webp_extended(&photo),
        ] {
            let format = sniff(&bytes).unwrap();
            assert_eq!(header_dimensions(format, &bytes).unwrap(), (123, 45), "{format}");
        }
    }

    #[test]
    fn webp_lossless_is_told_from_lossy() {
        let photo = testing::photo(20, 10);
        assert!(webp_is_lossless(&testing::webp_lossless(&photo)));
        assert!(!webp_is_lossless(&testing::webp_lossy(&photo)));
        assert!(!webp_is_lossless(b"RIFF\xff\xff\xff\xffWEBPVP8X\xff\xff\xff\xff"));
    }

    #[test]
    fn other_files_are_named() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "empty"),
            (b"GIF89a\x01\x00\x01\x00", "a GIF image"),
            (b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "an SVG drawing"),
            (b"<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>", "an SVG drawing"),
            (b"<!doctype html><title>x</title>", "an HTML or XML document"),
            (b"Just some words.\n", "a text file"),
            (b"%PDF-1.7\n", "a PDF document"),
            (
                b"\0\0\0\x18ftypheic\0\0\0\0",
                "a HEIC photo (the iPhone format; set the camera to \u{201c}Most Compatible\u{201d} or export as JPEG)",
            ),
            (b"\0\0\0\x1cftypavif\0\0\0\0", "an AVIF image"),
            (b"RIFF\x10\0\0\0WAVEfmt ", "a RIFF file that is not a WebP image (audio or video)"),
            (b"\x00\x01\x02\x03\xfe", "not in a recognised image format"),
        ];
        for (bytes, found) in cases {
            assert_eq!(sniff(bytes), Err(ImageError::Unsupported { found }), "{bytes:?}");
        }
    }

    #[test]
    fn damaged_headers_are_unreadable_not_panics() {
        for bytes in [
            &b"\xff\xd8\xff"[..],
            b"\xff\xd8\xff\xe0\x00",
            b"\xff\xd8\xff\xe0\x00\x00",
            b"\xff\xd8\xff\xda\x00\x08",
            b"\xff\xd8\xff\xc0\x00\x11\x08\x00\x00\x00\x10",
            b"\x89PNG\r\n\x1a\n",
            b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0",
            b"RIFF\0\0\0\0WEBP",
            b"RIFF\0\0\0\0WEBPVP8 \0\0\0\0\0\0\0\0\0\0",
            b"RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f",
            b"RIFF\0\0\0\0WEBPJUNK\0\0\0\0\x2f",
        ] {
            let format = sniff(bytes).unwrap();
            assert!(matches!(header_dimensions(format, bytes), Err(ImageError::Unreadable { .. })), "{bytes:?}");
        }
    }
}
