//! Home, section, tag and author pages, pagination, redirects and errors.

use masthead_content::Slug;
use masthead_storage::ArticleLookup;
use reqwest::StatusCode;

use crate::support::{TestApp, css, hrefs, texts};

#[tokio::test]
async fn the_home_page_leads_with_the_newest_story_then_each_section() {
    let app = TestApp::spawn().await;
    let (status, page) = app.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.select(&css("h1")).count(), 1);
    assert_eq!(
        texts(&page, ".lead-story .card-headline"),
        ["US Doubtful on Ukraine Ceasefire Amid Lack of Russian Good Faith"]
    );
    assert_eq!(texts(&page, ".section-block-title"), ["World", "Politics", "Business"]);
    assert_eq!(texts(&page, "nav.site-nav a"), ["World", "Politics", "Business"]);
    // The lead story is not repeated in its section's block.
    let world_links = hrefs(&page, ".section-block .card-headline a");
    assert!(!world_links.contains(&"/world/us-doubtful-on-ukraine-ceasefire".to_owned()));
    for link in world_links {
        assert_eq!(app.get(&link).await.status(), StatusCode::OK, "{link}");
    }
}

#[tokio::test]
async fn a_section_page_lists_only_its_articles_newest_first() {
    let app = TestApp::spawn().await;
    let (status, page) = app.page("/business").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&page, "h1"), ["Business"]);
    let links = hrefs(&page, ".card-headline a");
    assert!(!links.is_empty());
    assert!(links.iter().all(|l| l.starts_with("/business/")), "{links:?}");
    let times: Vec<String> =
        page.select(&css(".card time")).filter_map(|t| t.value().attr("datetime")).map(str::to_owned).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
    assert_eq!(hrefs(&page, "nav.site-nav a[aria-current=page]"), ["/business"]);
}

#[tokio::test]
async fn tag_and_author_pages_list_their_articles() {
    let app = TestApp::spawn().await;
    let (status, page) = app.page("/tag/ukraine").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&page, "h1"), ["Ukraine"]);
    assert!(hrefs(&page, ".card-headline a").contains(&"/world/us-doubtful-on-ukraine-ceasefire".to_owned()));

    let (status, page) = app.page("/author/elena-marchetti").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&page, "h1"), ["Elena Marchetti"]);
    let bylines = texts(&page, ".card .byline");
    assert!(!bylines.is_empty() && bylines.iter().all(|b| b.contains("Elena Marchetti")), "{bylines:?}");
}

#[tokio::test]
async fn listings_paginate_with_links_both_ways() {
    let app = TestApp::spawn_with(|settings| settings.page_size = 2).await;
    let (_, first) = app.page("/world").await;
    assert_eq!(first.select(&css(".card")).count(), 2);
    assert_eq!(hrefs(&first, ".pagination a[rel=next]"), ["/world?page=2"]);
    assert!(hrefs(&first, ".pagination a[rel=prev]").is_empty());

    let (status, second) = app.page("/world?page=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(hrefs(&second, ".pagination a[rel=prev]"), ["/world"]);
    let first_links = hrefs(&first, ".card-headline a");
    let second_links = hrefs(&second, ".card-headline a");
    assert!(second_links.iter().all(|l| !first_links.contains(l)), "pages do not overlap");

    let (_, last) = app.page("/world?page=3").await;
    assert!(hrefs(&last, ".pagination a[rel=next]").is_empty());
    assert_eq!(app.get("/world?page=4").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/world?page=zero").await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/world?page=0").await.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_changed_slug_answers_the_old_url_with_a_301() {
    let app = TestApp::spawn().await;
    let old = Slug::parse("putin-alleges-us-election-rigging").unwrap();
    let ArticleLookup::Found(article) = app.store.published_article(&old).await.unwrap() else {
        panic!("the demo article exists");
    };
    app.store.change_slug(article.id, &Slug::parse("putin-claims-election-rigging").unwrap()).await.unwrap();
    app.forget_pages();

    let response = app.get("/world/putin-alleges-us-election-rigging").await;
    assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(response.headers()["location"], "/world/putin-claims-election-rigging");
    assert_eq!(app.get("/world/putin-claims-election-rigging").await.status(), StatusCode::OK);

    // The seed article's "read also" link follows the new slug and keeps the headline.
    let (_, seed) = app.page("/world/us-doubtful-on-ukraine-ceasefire").await;
    assert!(hrefs(&seed, ".read-also a").contains(&"/world/putin-claims-election-rigging".to_owned()));
}

#[tokio::test]
async fn an_article_under_the_wrong_section_redirects_to_its_address() {
    let app = TestApp::spawn().await;
    let response = app.get("/business/us-doubtful-on-ukraine-ceasefire").await;
    assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(response.headers()["location"], "/world/us-doubtful-on-ukraine-ceasefire");
}

#[tokio::test]
async fn unknown_addresses_get_the_404_page() {
    let app = TestApp::spawn().await;
    for path in [
        "/no-such-section",
        "/world/no-such-story",
        "/tag/no-such-tag",
        "/author/nobody",
        "/Not%20A%20Slug",
        "/world/..%2F..%2Fetc%2Fpasswd",
        "/a/b/c/d",
        "/assets/site.css",
        "/media/no-such-file.jpg",
        "/media/../masthead.db",
    ] {
        let (status, page) = app.page(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        if !path.starts_with("/media/") {
            assert_eq!(texts(&page, "h1"), ["Page not found"], "{path}");
            assert_eq!(hrefs(&page, "nav.site-nav a").len(), 3, "the 404 page keeps the site's navigation");
        }
    }
}

#[tokio::test]
async fn the_stylesheet_is_served_under_a_hashed_name_for_a_year() {
    let app = TestApp::spawn().await;
    let (_, page) = app.page("/").await;
    let stylesheet = hrefs(&page, "link[rel=stylesheet]").pop().expect("a stylesheet link");
    assert!(stylesheet.starts_with("/assets/site.") && stylesheet.ends_with(".css"), "{stylesheet}");
    let response = app.get(&stylesheet).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
    let css = response.text().await.unwrap();
    assert!(css.len() < 16 * 1024, "the stylesheet stays small: {} bytes", css.len());
}

#[tokio::test]
async fn pages_need_no_javascript_and_set_protective_headers() {
    let app = TestApp::spawn().await;
    for path in ["/", "/world/us-doubtful-on-ukraine-ceasefire", "/world", "/nope"] {
        let response = app.get(path).await;
        assert_eq!(response.headers()["content-type"], "text/html; charset=utf-8", "{path}");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert!(response.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
        let html = response.text().await.unwrap();
        // Structured data is data, not code; the one script is the comment form's
        // enhancement, and the form works without it (see the comments tests).
        let scripts = html.matches("<script").count();
        let data = html.matches("<script type=\"application/ld+json\">").count();
        let enhancement = html.matches("<script src=\"/assets/comments.").count();
        assert_eq!(scripts, data + enhancement, "{path} has a script that runs");
        assert!(enhancement <= 1 && (enhancement == 0 || html.contains("id=\"comment-form\"")), "{path}");
        assert!(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
    }
}

#[tokio::test]
async fn a_corrected_article_shows_its_dated_correction() {
    let app = TestApp::spawn().await;
    let (_, page) = app.page("/business/central-banks-signal-patience-on-rate-cuts").await;
    let notes = texts(&page, ".corrections li");
    assert_eq!(notes.len(), 1);
    assert!(notes[0].contains("three, not four"), "{notes:?}");
    assert_eq!(page.select(&css(".corrections time[datetime]")).count(), 1);
    assert_eq!(page.select(&css(".dateline .updated time")).count(), 1, "the update time is shown");
}

#[tokio::test]
async fn head_requests_are_answered_without_a_body() {
    let app = TestApp::spawn().await;
    let response = app.client.head(format!("{}/world", app.url)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_site_started_without_the_demo_is_empty_but_works() {
    let app = TestApp::spawn_with(|settings| settings.demo = false).await;
    let (status, page) = app.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&page, ".empty"), ["Nothing has been published yet."]);
    assert!(app.store.is_initialised().await.unwrap(), "the first start is recorded even without the demo");
    assert_eq!(app.get("/world").await.status(), StatusCode::NOT_FOUND);
}
