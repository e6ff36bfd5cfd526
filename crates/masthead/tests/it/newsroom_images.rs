//! Image uploads: limits, orientation and metadata, resized copies, and the
//! rules an image must meet before an article showing it is published.

use std::io::Cursor;

use masthead_content::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::TestApp;

/// A JPEG of `width` × `height` with a gradient, so it compresses like a photo.
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 255 / width.max(1)) as u8, (y * 255 / height.max(1)) as u8, ((x + y) % 256) as u8])
    });
    let mut bytes = Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Jpeg).expect("encode JPEG");
    bytes.into_inner()
}

/// A PNG whose header claims 60000 × 60000 pixels: a decompression bomb.
fn bomb_png() -> Vec<u8> {
    fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc_input = kind.to_vec();
        crc_input.extend_from_slice(data);
        out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
        out
    }
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffff_u32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
    let mut header = 60_000_u32.to_be_bytes().to_vec();
    header.extend_from_slice(&60_000_u32.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &header));
    png.extend(chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
    png.extend(chunk(b"IEND", &[]));
    png
}

async fn upload(app: &TestApp, token: &str, bytes: Vec<u8>, query: &str) -> (StatusCode, Value) {
    let response = app
        .client
        .post(format!("{}/admin/api/images?{query}", app.url))
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// Polls until the background job has made the image's resized copies.
async fn variants_of(app: &TestApp, token: &str, id: &str) -> Value {
    for _ in 0..200 {
        let (_, image) = app.api(Method::GET, &format!("/admin/api/images/{id}"), token, None).await;
        if !image["variants"].as_array().unwrap().is_empty() {
            return image;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no variants were made for image {id}");
}

#[tokio::test]
async fn an_upload_gets_resized_copies_in_its_format_and_webp() {
    let app = TestApp::spawn().await;
    let author = app.account(Role::Author, 1).await;
    let token = app.token(&author).await;
    let (status, image) =
        upload(&app, &token, jpeg(2000, 1000), "caption=Kyiv&credit=Photo%3A%20Ann%20Lee&alt_text=A%20street").await;
    assert_eq!(status, StatusCode::CREATED, "{image}");
    assert_eq!((image["width"].as_u64(), image["height"].as_u64()), (Some(2000), Some(1000)));
    let image = variants_of(&app, &token, image["id"].as_str().unwrap()).await;
    let mut found: Vec<(String, u64, u64)> = image["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["content_type"].as_str().unwrap().to_owned(),
                v["width"].as_u64().unwrap(),
                v["height"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("image/jpeg".to_owned(), 480, 240),
            ("image/jpeg".to_owned(), 960, 480),
            ("image/jpeg".to_owned(), 1600, 800),
            ("image/webp".to_owned(), 480, 240),
            ("image/webp".to_owned(), 960, 480),
            ("image/webp".to_owned(), 1600, 800),
            ("image/webp".to_owned(), 2000, 1000),
        ]
    );
    for variant in image["variants"].as_array().unwrap() {
        let response = app.get(variant["url"].as_str().unwrap()).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], variant["content_type"].as_str().unwrap());
        let bytes = response.bytes().await.unwrap();
        let decoded = image::load_from_memory(&bytes).unwrap();
        assert_eq!(u64::from(decoded.width()), variant["width"].as_u64().unwrap());
    }
}

#[tokio::test]
async fn oversized_bombs_and_non_images_are_refused_with_a_clear_message() {
    let app = TestApp::spawn().await;
    let author = app.account(Role::Author, 1).await;
    let token = app.token(&author).await;
    let (status, body) = upload(&app, &token, bomb_png(), "").await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["error"], "The image is 60000 × 60000 pixels (3600 megapixels); the limit is 40 megapixels.");
    let (status, body) = upload(&app, &token, b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(), "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].as_str().unwrap().contains("only JPEG, PNG and WebP images are accepted"), "{body}");
    let too_big = vec![0xff_u8; 27 * 1024 * 1024];
    let response = app
        .client
        .post(format!("{}/admin/api/images", app.url))
        .bearer_auth(&token)
        .body(too_big)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let (_, list) = app.api(Method::GET, "/admin/api/articles", &token, None).await;
    assert!(list["total"].as_u64().is_some(), "the site still answers");
}

#[tokio::test]
async fn an_article_cannot_be_published_until_its_image_has_caption_credit_and_alt_text() {
    let app = TestApp::spawn().await;
    let author = app.account(Role::Author, 1).await;
    let token = app.token(&author).await;
    let (_, image) = upload(&app, &token, jpeg(1200, 800), "credit=Photo%20from%20Google").await;
    let image_id = image["id"].as_str().unwrap().to_owned();
    let (status, article) = app
        .api(
            Method::POST,
            "/admin/api/articles",
            &token,
            Some(json!({"headline": "Talks resume in Geneva", "section": "world", "body_source": "Talks resumed.", "lead_image": image_id})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{article}");
    let id = article["id"].as_str().unwrap().to_owned();
    let (_, seen) = app.api(Method::GET, &format!("/admin/api/articles/{id}"), &token, None).await;
    let warnings = seen["warnings"].to_string();
    assert!(warnings.contains("The lead image needs its caption and alt text before publication."), "{warnings}");
    assert!(warnings.contains("The credit names Google"), "{warnings}");
    let step = json!({"step": "publish"});
    let (status, body) =
        app.api(Method::POST, &format!("/admin/api/articles/{id}/step"), &token, Some(step.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "The lead image needs its caption and alt text before publication.");
    let text =
        json!({"caption": "Delegates arrive in Geneva.", "credit": "Photo: Ann Lee", "alt_text": "Delegates on steps"});
    let (status, _) = app.api(Method::PUT, &format!("/admin/api/images/{image_id}"), &token, Some(text)).await;
    assert_eq!(status, StatusCode::OK);
    variants_of(&app, &token, &image_id).await;
    let (status, published) =
        app.api(Method::POST, &format!("/admin/api/articles/{id}/step"), &token, Some(step)).await;
    assert_eq!(status, StatusCode::OK, "{published}");
    // The reader page offers the resized copies without shifting the layout.
    let (status, page) = app.page(published["url"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let img = page.select(&crate::support::css(".lead-image img")).next().expect("lead image");
    assert_eq!(img.value().attr("width"), Some("1200"));
    assert_eq!(img.value().attr("height"), Some("800"));
    let srcset = img.value().attr("srcset").expect("srcset");
    assert!(srcset.contains("-480w.jpg 480w") && srcset.contains("-960w.jpg 960w"), "{srcset}");
    assert!(img.value().attr("sizes").is_some());
    let webp = page.select(&crate::support::css(".lead-image source[type='image/webp']")).next().expect("WebP source");
    assert!(webp.value().attr("srcset").unwrap().contains("1200w"));
    assert!(crate::support::texts(&page, ".lead-image figcaption").join(" ").contains("Photo: Ann Lee"));
}

#[tokio::test]
async fn a_figure_in_the_body_needs_its_caption_and_credit_before_publication() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let token = app.token(&editor).await;
    let body = "Before.\n\n```figure\nsrc: /media/chart.png\nalt: A chart\n```\n\nAfter.";
    let (_, article) = app
        .api(
            Method::POST,
            "/admin/api/articles",
            &token,
            Some(json!({"headline": "A chart without a credit", "section": "world", "body_source": body})),
        )
        .await;
    let id = article["id"].as_str().unwrap();
    let (status, refused) = app
        .api(Method::POST, &format!("/admin/api/articles/{id}/step"), &token, Some(json!({"step": "publish"})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused["error"],
        "Line 3: the figure block needs a `caption:` line. Line 3: the figure block needs a `credit:` line."
    );
}

/// The seed article's id and its lead image's id, as the API shows them.
async fn seed_and_its_picture(app: &TestApp, token: &str) -> (String, String) {
    let (_, listed) = app.api(Method::GET, "/admin/api/articles?q=Ukraine%20Ceasefire", token, None).await;
    let id = listed["articles"][0]["id"].as_str().unwrap().to_owned();
    let (_, article) = app.api(Method::GET, &format!("/admin/api/articles/{id}"), token, None).await;
    (id, article["lead_image"]["id"].as_str().expect("the seed article has a lead image").to_owned())
}

fn description(caption: &str) -> Value {
    json!({"caption": caption, "credit": "Photo: Ann Lee", "alt_text": "Delegates on steps"})
}

#[tokio::test]
async fn pictures_are_described_by_their_uploader_or_an_editor_as_articles_are_edited() {
    let app = TestApp::spawn().await;
    let contributor = app.token(&app.account(Role::Contributor, 1).await).await;
    let author = app.token(&app.account(Role::Author, 2).await).await;
    let editor_account = app.account(Role::Editor, 3).await;
    let editor = app.token(&editor_account).await;
    let (_, theirs) = upload(&app, &editor, jpeg(64, 48), "caption=c&credit=Photo%3A%20Ed&alt_text=a").await;
    let (_, own) = upload(&app, &contributor, jpeg(64, 48), "caption=c&credit=Photo%3A%20Co&alt_text=a").await;
    let put = |token: &str, image: &Value, caption: &str| {
        let (token, path, body) =
            (token.to_owned(), format!("/admin/api/images/{}", image["id"].as_str().unwrap()), description(caption));
        let app = &app;
        async move { app.api(Method::PUT, &path, &token, Some(body)).await }
    };

    let (status, body) = put(&contributor, &theirs, "Not mine").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "someone else's picture: {body}");
    assert_eq!(body["error"], "A contributor can only describe the pictures they uploaded.");
    let browser = app.sign_in(&app.account(Role::Contributor, 4).await).await;
    let form = app
        .post_form(
            &browser,
            &format!("/admin/images/{}", theirs["id"].as_str().unwrap()),
            &[("caption", "Not mine"), ("credit", "Photo: X"), ("alt_text", "x")],
        )
        .await;
    assert_eq!(form.status(), StatusCode::FORBIDDEN, "the image form follows the same rule");
    assert_eq!(put(&contributor, &own, "Mine").await.0, StatusCode::OK, "their own picture");

    // The lead image of a published article that is not theirs: only editors.
    let (_, seed_picture) = seed_and_its_picture(&app, &editor).await;
    let seed_picture = json!({ "id": seed_picture });
    assert_eq!(put(&contributor, &seed_picture, "Defaced").await.0, StatusCode::FORBIDDEN);
    assert_eq!(put(&author, &seed_picture, "Defaced").await.0, StatusCode::FORBIDDEN);
    assert_eq!(put(&editor, &seed_picture, "Delegates in Davos.").await.0, StatusCode::OK);

    // Once a published article shows their picture, a contributor may no longer change it.
    let (status, article) = app
        .api(
            Method::POST,
            "/admin/api/articles",
            &editor,
            Some(json!({"headline": "Talks resume", "section": "world", "body_source": "Talks resumed.",
                        "lead_image": own["id"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{article}");
    let step = format!("/admin/api/articles/{}/step", article["id"].as_str().unwrap());
    assert_eq!(app.api(Method::POST, &step, &editor, Some(json!({"step": "publish"}))).await.0, StatusCode::OK);
    let (status, body) = put(&contributor, &own, "Changed after publication").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body["error"].as_str().unwrap().contains("published article"), "{body}");
}

#[tokio::test]
async fn describing_a_picture_refreshes_every_page_that_shows_it() {
    let app = TestApp::spawn().await;
    let editor = app.token(&app.account(Role::Editor, 1).await).await;
    let (_, picture) = seed_and_its_picture(&app, &editor).await;
    let seed = "/world/us-doubtful-on-ukraine-ceasefire";
    let pages = [seed, "/", "/world", "/feed.xml", "/world/feed.json"];
    for page in pages {
        app.get(page).await;
        assert_eq!(app.get(page).await.headers()["x-cache"], "hit", "{page} is cached before the change");
    }
    let text = json!({"caption": "Snow over the congress centre.", "credit": "Photo: Nora Field/Agency",
                      "alt_text": "Snowy roofs in the Alps"});
    let (status, _) = app.api(Method::PUT, &format!("/admin/api/images/{picture}"), &editor, Some(text)).await;
    assert_eq!(status, StatusCode::OK);
    let article = app.get(seed).await;
    assert_ne!(article.headers()["x-cache"], "hit", "the article page is rendered afresh");
    let html = article.text().await.unwrap();
    assert!(html.contains("Snow over the congress centre.") && html.contains("Photo: Nora Field/Agency"));
    assert!(html.contains("Snowy roofs in the Alps"), "the alt text");
    for feed in ["/feed.xml", "/world/feed.json"] {
        assert!(app.get(feed).await.text().await.unwrap().contains("Photo: Nora Field/Agency"), "{feed}");
    }
}
