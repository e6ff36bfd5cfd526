//! The rendered-page cache: pages come from memory, precompressed, with
//! validators; and each change drops exactly the pages that show it — the
//! rest keep their ETags.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use masthead_content::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::TestApp;

const SEED: &str = "/world/us-doubtful-on-ukraine-ceasefire";
/// A World article the seed's READ ALSO blocks do not name, and pages of other sections.
const PAGES: &[&str] = &[
    "/",
    "/world",
    "/politics",
    "/business",
    SEED,
    "/business/central-banks-signal-patience-on-rate-cuts",
    "/feed.xml",
    "/world/feed.xml",
    "/business/feed.xml",
    "/tag/ukraine",
    "/author/elena-marchetti",
    "/sitemap.xml",
];

/// The ETag of every page in `PAGES`, fetched twice so the second is a cache hit.
async fn etags(app: &TestApp) -> HashMap<&'static str, String> {
    let mut found = HashMap::new();
    for path in PAGES {
        app.get(path).await;
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["x-cache"], "hit", "{path} comes from memory the second time");
        found.insert(*path, response.headers()["etag"].to_str().unwrap().to_owned());
    }
    found
}

fn changed(before: &HashMap<&'static str, String>, after: &HashMap<&'static str, String>) -> Vec<&'static str> {
    let mut paths: Vec<&'static str> = PAGES.iter().copied().filter(|p| before[p] != after[p]).collect();
    paths.sort();
    paths
}

async fn seed_id(app: &TestApp, token: &str) -> String {
    let (_, listed) = app.api(Method::GET, "/admin/api/articles?q=Ukraine%20Ceasefire", token, None).await;
    listed["articles"][0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn editing_an_article_changes_exactly_the_pages_that_show_it() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let token = app.token(&editor).await;
    let id = seed_id(&app, &token).await;
    let before = etags(&app).await;
    let (_, article) = app.api(Method::GET, &format!("/admin/api/articles/{id}"), &token, None).await;
    let mut fields = json!({
        "headline": "US Doubtful on Ukraine Ceasefire as Talks Stall",
        "standfirst": article["standfirst"], "body_source": article["body_source"], "section": "world",
        "tags": article["tags"], "authors": article["authors"], "slug": article["slug"],
        "revision": article["revision"],
    });
    if let Some(image) = article["lead_image"]["id"].as_str() {
        fields["lead_image"] = json!(image);
    }
    let (status, _) = app.api(Method::PUT, &format!("/admin/api/articles/{id}"), &token, Some(fields)).await;
    assert_eq!(status, StatusCode::OK);
    app.search.settled().await;
    let after = etags(&app).await;
    let mut expected = vec![
        "/",
        "/author/elena-marchetti",
        "/feed.xml",
        "/sitemap.xml",
        "/tag/ukraine",
        "/world",
        "/world/feed.xml",
        SEED,
    ];
    // An article whose related stories link the edited one shows its headline too.
    let other = "/business/central-banks-signal-patience-on-rate-cuts";
    if app.get(other).await.text().await.unwrap().contains(&format!("href=\"{SEED}\"")) {
        expected.push(other);
        expected.sort();
    }
    assert_eq!(changed(&before, &after), expected);
    let page = app.get(SEED).await.text().await.unwrap();
    assert!(page.contains("Talks Stall"), "the next request renders afresh");
}

#[tokio::test]
async fn an_approved_comment_changes_its_article_and_listings_but_not_feeds() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let token = app.token(&editor).await;
    let (_, page) = app.page(SEED).await;
    let form_token = page
        .select(&crate::support::css("input[name=token]"))
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_owned();
    let before = etags(&app).await;
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let response = app
        .client
        .post(format!("{}{SEED}/comments", app.url))
        .form(&[("name", "Reader"), ("body", "Held, then approved."), ("token", &form_token)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(changed(&before, &etags(&app).await).is_empty(), "a held comment changes no page");
    let (_, queue) = app.api(Method::GET, "/admin/api/comments", &token, None).await;
    let ids = json!([queue["comments"][0]["id"]]);
    app.api(Method::POST, "/admin/api/comments/moderate", &token, Some(json!({"ids": ids, "verdict": "approve"})))
        .await;
    app.search.settled().await;
    let after = etags(&app).await;
    assert_eq!(changed(&before, &after), ["/", "/author/elena-marchetti", "/tag/ukraine", "/world", SEED]);
    assert!(app.get(SEED).await.text().await.unwrap().contains("Held, then approved."));
}

#[tokio::test]
async fn publishing_and_unpublishing_refresh_listings_and_never_serve_a_taken_down_page() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let token = app.token(&editor).await;
    let before = etags(&app).await;
    let (_, draft) = app
        .api(
            Method::POST,
            "/admin/api/articles",
            &token,
            Some(json!({"headline": "Markets open higher", "section": "business"})),
        )
        .await;
    let id = draft["id"].as_str().unwrap().to_owned();
    assert!(changed(&before, &etags(&app).await).is_empty(), "a draft changes no page");
    app.api(Method::POST, &format!("/admin/api/articles/{id}/step"), &token, Some(json!({"step": "publish"}))).await;
    app.search.settled().await;
    let after = etags(&app).await;
    assert_eq!(
        changed(&before, &after),
        ["/", "/business", "/business/feed.xml", "/feed.xml", "/sitemap.xml"],
        "World pages and the seed article keep their ETags"
    );
    let url = "/business/markets-open-higher";
    assert_eq!(app.get(url).await.status(), StatusCode::OK);
    assert_eq!(app.get(url).await.headers()["x-cache"], "hit");
    app.api(Method::POST, &format!("/admin/api/articles/{id}/step"), &token, Some(json!({"step": "unpublish"}))).await;
    assert_eq!(app.get(url).await.status(), StatusCode::NOT_FOUND, "taken down at once");
    assert!(!app.get("/business").await.text().await.unwrap().contains("Markets open higher"));
    // A slug change: the old address redirects, the new one serves.
    let seed = seed_id(&app, &token).await;
    let (_, article) = app.api(Method::GET, &format!("/admin/api/articles/{seed}"), &token, None).await;
    let fields = json!({
        "headline": article["headline"], "standfirst": article["standfirst"], "body_source": article["body_source"],
        "section": "world", "tags": article["tags"], "authors": article["authors"],
        "lead_image": article["lead_image"]["id"], "slug": "us-doubts-ceasefire", "revision": article["revision"],
    });
    let (status, _) = app.api(Method::PUT, &format!("/admin/api/articles/{seed}"), &token, Some(fields)).await;
    assert_eq!(status, StatusCode::OK);
    let old = app.get(SEED).await;
    assert_eq!(old.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(old.headers()["location"], "/world/us-doubts-ceasefire");
}

#[tokio::test]
async fn cached_pages_are_precompressed_validated_and_tagged_for_cdns() {
    let app = TestApp::spawn().await;
    let plain = reqwest::Client::builder().no_gzip().no_brotli().no_deflate().build().unwrap();
    let fetch = |encoding: &'static str| {
        let request = plain.get(format!("{}{SEED}", app.url));
        let request = if encoding.is_empty() { request } else { request.header("accept-encoding", encoding) };
        request.send()
    };
    let identity = fetch("").await.unwrap();
    assert!(identity.headers().get("content-encoding").is_none());
    let etag = identity.headers()["etag"].to_str().unwrap().to_owned();
    let html = identity.text().await.unwrap();
    for (accept, encoding) in [("br, gzip", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip")] {
        let response = fetch(accept).await.unwrap();
        assert_eq!(response.headers()["content-encoding"], encoding, "{accept}");
        assert_eq!(response.headers()["vary"], "Accept-Encoding");
        assert_eq!(response.headers()["etag"].to_str().unwrap(), etag, "one ETag for every encoding of the page");
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.len() < html.len() / 2, "{encoding}: {} of {} bytes", bytes.len(), html.len());
        let decoded = match encoding {
            "gzip" => {
                let mut text = String::new();
                flate2_read(&bytes, &mut text);
                text
            }
            _ => brotli_read(&bytes),
        };
        assert_eq!(decoded, html, "{encoding} decodes to the same page");
    }
    let revalidated = plain.get(format!("{}{SEED}", app.url)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    let response = fetch("gzip").await.unwrap();
    let control = response.headers()["cache-control"].to_str().unwrap();
    assert!(control.contains("stale-while-revalidate=") && control.contains("s-maxage="), "{control}");
    let keys = response.headers()["surrogate-key"].to_str().unwrap().to_owned();
    assert!(keys.split(' ').any(|k| k.starts_with("article:")), "{keys}");
    assert_eq!(response.headers()["cache-tag"].to_str().unwrap(), keys.replace(' ', ","));
    // Pages with a reader's own query are never cached.
    let notice = app.get(&format!("{SEED}?comment=held")).await;
    assert!(notice.headers().get("x-cache").is_none());
}

fn flate2_read(bytes: &[u8], out: &mut String) {
    use std::io::Read as _;
    flate2::read::GzDecoder::new(bytes).read_to_string(out).unwrap();
}

fn brotli_read(bytes: &[u8]) -> String {
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut std::io::Cursor::new(bytes), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn concurrent_misses_for_one_page_render_it_once() {
    let app = TestApp::spawn().await;
    let renders_before = app.cache.stats.renders.load(Ordering::Relaxed);
    let mut readers = tokio::task::JoinSet::new();
    for _ in 0..24 {
        let (client, url) = (app.client.clone(), format!("{}/world", app.url));
        readers.spawn(async move {
            let response = client.get(url).send().await.unwrap();
            (response.status(), response.headers()["x-cache"].to_str().unwrap().to_owned())
        });
    }
    let answers = readers.join_all().await;
    assert!(answers.iter().all(|(status, _)| *status == StatusCode::OK));
    let renders = app.cache.stats.renders.load(Ordering::Relaxed) - renders_before;
    assert_eq!(renders, 1, "24 concurrent readers, one render: {answers:?}");
    assert_eq!(answers.iter().filter(|(_, source)| source == "miss").count(), 1, "{answers:?}");
}
