//! Test images, made in code: ordinary ones with the `image` and `webp`
//! encoders, hostile and metadata-laden ones byte by byte.

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use image::DynamicImage;

/// A photograph-like picture: red towards the top left, blue towards the
/// bottom right, with a fine texture so encoders have detail to keep.
pub(crate) fn photo(width: u32, height: u32) -> DynamicImage {
    let span = (width + height).max(1);
    DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
        let t = (x + y) * 200 / span;
        let noise = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)).wrapping_mul(2_654_435_761) >> 28;
        let grain = noise as u8;
        image::Rgb([(230 - t) as u8 + grain, 60 + ((x / 7 + y / 5) % 40) as u8, (20 + t) as u8 + grain])
    }))
}

/// JPEG at quality 90, as a camera would leave it (without the metadata).
pub(crate) fn jpeg(picture: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    match picture {
        DynamicImage::ImageLuma8(grey) => encoder.encode_image(grey).unwrap(),
        other => encoder.encode_image(&other.to_rgb8()).unwrap(),
    }
    out
}

pub(crate) fn png(picture: &DynamicImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A simple lossy WebP: `RIFF`, `WEBP`, then one `VP8 ` chunk.
pub(crate) fn webp_lossy(picture: &DynamicImage) -> Vec<u8> {
    let rgb = picture.to_rgb8();
    webp::Encoder::from_rgb(rgb.as_raw(), rgb.width(), rgb.height()).encode(75.0).to_vec()
}

/// A simple lossless WebP: one `VP8L` chunk.
pub(crate) fn webp_lossless(picture: &DynamicImage) -> Vec<u8> {
    let rgb = picture.to_rgb8();
    webp::Encoder::from_rgb(rgb.as_raw(), rgb.width(), rgb.height()).encode_lossless().to_vec()
}

/// An extended WebP: a `VP8X` header, the lossy image, then an `EXIF` chunk
/// with a GPS location.
pub(crate) fn webp_extended(picture: &DynamicImage) -> Vec<u8> {
    let simple = webp_lossy(picture);
    let mut chunks = vp8x_chunk(picture.width(), picture.height(), 0x08);
    chunks.extend_from_slice(&simple[12..]);
    let exif = exif_tiff(1);
    chunks.extend_from_slice(b"EXIF");
    chunks.extend_from_slice(&(exif.len() as u32).to_le_bytes());
    chunks.extend_from_slice(&exif);
    if !exif.len().is_multiple_of(2) {
        chunks.push(0);
    }
    riff_webp(&chunks)
}

/// A `VP8X` header declaring a canvas, and nothing else.
pub(crate) fn webp_extended_header_only(width: u32, height: u32) -> Vec<u8> {
    riff_webp(&vp8x_chunk(width, height, 0))
}

fn vp8x_chunk(width: u32, height: u32, flags: u8) -> Vec<u8> {
    let mut chunk = b"VP8X".to_vec();
    chunk.extend_from_slice(&10u32.to_le_bytes());
    chunk.extend_from_slice(&[flags, 0, 0, 0]);
    chunk.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    chunk.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    chunk
}

fn riff_webp(chunks: &[u8]) -> Vec<u8> {
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(chunks.len() as u32 + 4).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(chunks);
    out
}

/// CRC-32 as PNG chunks use it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    chunk.extend_from_slice(&body);
    chunk.extend_from_slice(&crc32(&body).to_be_bytes());
    chunk
}

/// A valid PNG signature and IHDR (8-bit RGBA, correct CRC) declaring
/// `width × height`, then straight to IEND: no pixel data at all.
pub(crate) fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend_from_slice(&png_chunk(b"IHDR", &ihdr));
    out.extend_from_slice(&png_chunk(b"IEND", &[]));
    out
}

/// A `tEXt` chunk slipped in right after IHDR.
pub(crate) fn with_png_text(png: &[u8], keyword: &str, text: &str) -> Vec<u8> {
    let mut data = keyword.as_bytes().to_vec();
    data.push(0);
    data.extend_from_slice(text.as_bytes());
    let after_ihdr = 8 + 25;
    let mut out = png[..after_ihdr].to_vec();
    out.extend_from_slice(&png_chunk(b"tEXt", &data));
    out.extend_from_slice(&png[after_ihdr..]);
    out
}

/// A baseline JPEG frame header declaring `width × height` with three
/// components, then the end of the image: no tables, no scan.
pub(crate) fn jpeg_header_only(width: u16, height: u16) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 17, 8];
    out.extend_from_slice(&height.to_be_bytes());
    out.extend_from_slice(&width.to_be_bytes());
    out.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

/// GPSLatitude as stored: 51/1, 28/1, 3805/100 (51° 28′ 38.05″).
pub(crate) const GPS_LATITUDE: [u8; 24] =
    [51, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 1, 0, 0, 0, 0xDD, 0x0E, 0, 0, 100, 0, 0, 0];
/// GPSLongitude as stored: 0/1, 7/1, 3961/100.
pub(crate) const GPS_LONGITUDE: [u8; 24] =
    [0, 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 0x79, 0x0F, 0, 0, 100, 0, 0, 0];

/// Little-endian TIFF as carried in EXIF: IFD0 with Orientation and a
/// pointer to a GPS IFD holding latitude and longitude.
pub(crate) fn exif_tiff(orientation: u16) -> Vec<u8> {
    fn entry(out: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]) {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&value);
    }
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    const ASCII: u16 = 2;
    const RATIONAL: u16 = 5;
    let ifd0 = 8u32;
    let gps_ifd = ifd0 + 2 + 2 * 12 + 4;
    let latitude = gps_ifd + 2 + 4 * 12 + 4;
    let longitude = latitude + 24;

    let mut out = b"II\x2a\x00".to_vec();
    out.extend_from_slice(&ifd0.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    let [o0, o1] = orientation.to_le_bytes();
    entry(&mut out, 0x0112, SHORT, 1, [o0, o1, 0, 0]);
    entry(&mut out, 0x8825, LONG, 1, gps_ifd.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(out.len(), gps_ifd as usize);
    out.extend_from_slice(&4u16.to_le_bytes());
    entry(&mut out, 0x0001, ASCII, 2, *b"N\0\0\0");
    entry(&mut out, 0x0002, RATIONAL, 3, latitude.to_le_bytes());
    entry(&mut out, 0x0003, ASCII, 2, *b"W\0\0\0");
    entry(&mut out, 0x0004, RATIONAL, 3, longitude.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(out.len(), latitude as usize);
    out.extend_from_slice(&GPS_LATITUDE);
    out.extend_from_slice(&GPS_LONGITUDE);
    out
}

fn jpeg_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut segment = vec![0xFF, marker];
    segment.extend_from_slice(&(payload.len() as u16 + 2).to_be_bytes());
    segment.extend_from_slice(payload);
    segment
}

/// The JPEG with, right after its start: an EXIF APP1 segment (the given
/// orientation and a GPS location), an XMP APP1 segment and a comment.
pub(crate) fn with_jpeg_metadata(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&exif_tiff(orientation));
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend_from_slice(
        b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF><rdf:Description photoshop:Source='Secret Source'/></rdf:RDF></x:xmpmeta>",
    );
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&jpeg_segment(0xE1, &exif));
    out.extend_from_slice(&jpeg_segment(0xE1, &xmp));
    out.extend_from_slice(&jpeg_segment(0xFE, b"Photographed at the safe house"));
    out.extend_from_slice(&jpeg[2..]);
    out
}

pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// One small valid file of each kind, for mutating.
pub(crate) fn samples() -> Vec<Vec<u8>> {
    let picture = photo(24, 16);
    vec![
        jpeg(&picture),
        png(&picture),
        webp_lossy(&picture),
        webp_lossless(&picture),
        with_jpeg_metadata(&jpeg(&picture), 6),
    ]
}

#[test]
fn the_png_crc_is_the_standard_one() {
    assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
}
