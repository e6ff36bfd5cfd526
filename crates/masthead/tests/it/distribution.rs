//! Feeds, sitemaps, robots.txt and page metadata as served. The consumers'
//! own tools (feedparser, extruct, the sitemap XSDs) check the same output
//! in `tests/consumers/`.

use masthead_content::Slug;
use masthead_storage::ArticleLookup;
use reqwest::StatusCode;

use crate::support::{TestApp, css, hrefs};

const SEED: &str = "/world/us-doubtful-on-ukraine-ceasefire";

#[tokio::test]
async fn every_feed_of_the_site_sections_tags_and_authors_answers_in_its_format() {
    let app = TestApp::spawn().await;
    for page in ["", "/world", "/politics", "/business", "/tag/ukraine", "/author/elena-marchetti"] {
        for (file, content_type, marker) in [
            ("feed.xml", "application/rss+xml; charset=utf-8", "<rss version=\"2.0\""),
            ("feed.atom", "application/atom+xml; charset=utf-8", "<feed xmlns=\"http://www.w3.org/2005/Atom\""),
            ("feed.json", "application/feed+json; charset=utf-8", "\"version\": \"https://jsonfeed.org/version/1.1\""),
        ] {
            let path = format!("{page}/{file}");
            let response = app.get(&path).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(response.headers()["content-type"], content_type, "{path}");
            assert!(response.headers().contains_key("etag") && response.headers().contains_key("last-modified"));
            let body = response.text().await.unwrap();
            assert!(body.contains(marker), "{path}: {body}");
        }
    }
    for missing in ["/sport/feed.xml", "/tag/nothing/feed.atom", "/author/nobody/feed.json"] {
        assert_eq!(app.get(missing).await.status(), StatusCode::NOT_FOUND, "{missing}");
    }
}

#[tokio::test]
async fn an_unchanged_feed_is_answered_304_by_etag_and_by_date() {
    let app = TestApp::spawn().await;
    let first = app.get("/feed.xml").await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let last_modified = first.headers()["last-modified"].to_str().unwrap().to_owned();
    let by_tag = app.client.get(format!("{}/feed.xml", app.url)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(by_tag.status(), StatusCode::NOT_MODIFIED);
    assert!(by_tag.bytes().await.unwrap().is_empty());
    let by_date = app
        .client
        .get(format!("{}/feed.xml", app.url))
        .header("if-modified-since", &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(by_date.status(), StatusCode::NOT_MODIFIED);
    let stale =
        app.client.get(format!("{}/feed.xml", app.url)).header("if-none-match", "\"old\"").send().await.unwrap();
    assert_eq!(stale.status(), StatusCode::OK);
}

#[tokio::test]
async fn feed_ids_stay_the_same_when_a_slug_changes() {
    let app = TestApp::spawn().await;
    let before = app.get("/feed.atom").await.text().await.unwrap();
    let ArticleLookup::Found(article) =
        app.store.published_article(&Slug::parse("us-doubtful-on-ukraine-ceasefire").unwrap()).await.unwrap()
    else {
        panic!("the seed article exists");
    };
    let id = format!("<id>urn:uuid:{}</id>", article.id);
    assert!(before.contains(&id));
    app.store.change_slug(article.id, &Slug::parse("us-doubts-ceasefire").unwrap()).await.unwrap();
    app.forget_pages();
    let after = app.get("/feed.atom").await.text().await.unwrap();
    assert!(after.contains(&id), "the entry keeps its id");
    assert!(after.contains("/world/us-doubts-ceasefire\""), "and links to the new address");
    let response =
        app.client.get(format!("{}/feed.atom", app.url)).header("if-none-match", "\"x\"").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_seed_article_is_in_the_feed_with_its_image_credit_and_full_text() {
    let app = TestApp::spawn().await;
    let rss = app.get("/feed.xml").await.text().await.unwrap();
    assert!(rss.contains("<title>US Doubtful on Ukraine Ceasefire Amid Lack of Russian Good Faith</title>"));
    assert!(rss.contains(&format!("<link>{}{SEED}</link>", app.url)));
    assert!(rss.contains("<media:credit>Photo from Google</media:credit>"));
    assert!(rss.contains(&format!("<enclosure url=\"{}/media/davos-lead.svg\"", app.url)));
    assert!(rss.contains("Doubts Persist Despite Openness"), "full text is in the feed");
    assert!(
        rss.contains(&format!("href=&quot;{}/world/putin-alleges-us-election-rigging&quot;", app.url)),
        "absolute links"
    );
}

#[tokio::test]
async fn sitemaps_list_every_article_and_each_url_answers() {
    let app = TestApp::spawn().await;
    let index = app.get("/sitemap.xml").await.text().await.unwrap();
    let children: Vec<String> =
        index.split("<loc>").skip(1).filter_map(|s| s.split("</loc>").next()).map(str::to_owned).collect();
    assert!(children.iter().any(|c| c.ends_with("/sitemaps/news.xml")));
    assert!(children.iter().any(|c| c.contains("/sitemaps/articles-")));
    let mut article_urls = 0;
    for child in &children {
        let path = child.strip_prefix(&app.url).expect("same site");
        let body = app.get(path).await.text().await.unwrap();
        for url in body.split("<loc>").skip(1).filter_map(|s| s.split("</loc>").next()) {
            let path = url.strip_prefix(&app.url).expect("same site");
            assert_eq!(app.get(path).await.status(), StatusCode::OK, "{url} from {child}");
            if child.contains("/articles-") {
                article_urls += 1;
            }
        }
    }
    assert_eq!(article_urls, 11, "every demo article is in a monthly sitemap");
    assert_eq!(app.get("/sitemaps/articles-1999-01.xml").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/sitemaps/nonsense.xml").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_news_sitemap_holds_the_articles_of_the_last_two_days() {
    let app = TestApp::spawn().await;
    let news = app.get("/sitemaps/news.xml").await.text().await.unwrap();
    assert!(news.contains(&format!("<loc>{}{SEED}</loc>", app.url)));
    assert!(news.contains("<news:name>The Masthead Times</news:name><news:language>en</news:language>"));
    // The demo's articles from 75 hours and more ago are out of the window.
    assert!(!news.contains("black-sea-shipping-corridor-holds"));
    assert_eq!(news.matches("<news:news>").count(), 5, "{news}");
}

#[tokio::test]
async fn robots_txt_names_the_sitemaps() {
    let app = TestApp::spawn().await;
    let robots = app.get("/robots.txt").await.text().await.unwrap();
    assert!(robots.contains(&format!("Sitemap: {}/sitemap.xml\n", app.url)));
    assert!(robots.contains(&format!("Sitemap: {}/sitemaps/news.xml\n", app.url)));
}

#[tokio::test]
async fn every_page_advertises_the_site_feeds_and_listings_their_own() {
    let app = TestApp::spawn().await;
    for path in ["/", SEED, "/world", "/tag/ukraine", "/no-such-page"] {
        let (_, page) = app.page(path).await;
        let feeds = hrefs(&page, "link[rel=alternate]");
        for file in ["feed.xml", "feed.atom", "feed.json"] {
            assert!(feeds.contains(&format!("{}/{file}", app.url)), "{path} lacks the site's {file}");
        }
    }
    let (_, world) = app.page("/world").await;
    assert!(hrefs(&world, "link[rel=alternate]").contains(&format!("{}/world/feed.xml", app.url)));
}

#[tokio::test]
async fn the_article_page_carries_opengraph_twitter_and_news_article_data() {
    let app = TestApp::spawn().await;
    let (_, page) = app.page(SEED).await;
    let meta = |property: &str| -> Vec<String> {
        page.select(&css(&format!("meta[property=\"{property}\"], meta[name=\"{property}\"]")))
            .filter_map(|m| m.value().attr("content"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(meta("og:type"), ["article"]);
    assert_eq!(meta("og:image"), [format!("{}/media/davos-lead.svg", app.url)]);
    assert_eq!(meta("og:image:width"), ["1200"]);
    assert_eq!(meta("article:section"), ["World"]);
    assert_eq!(meta("article:tag").len(), 4);
    assert_eq!(meta("article:published_time").len(), 1);
    assert_eq!(meta("twitter:card"), ["summary_large_image"]);
    assert_eq!(meta("robots"), ["max-image-preview:large"]);
    let json: Vec<serde_json::Value> = page
        .select(&css("script[type=\"application/ld+json\"]"))
        .map(|s| serde_json::from_str(&s.text().collect::<String>()).unwrap())
        .collect();
    let article = &json[0]["@graph"][0];
    assert_eq!(article["@type"], "NewsArticle");
    assert_eq!(article["headline"], "US Doubtful on Ukraine Ceasefire Amid Lack of Russian Good Faith");
    assert_eq!(article["author"][0]["name"], "Elena Marchetti");
    assert_eq!(article["publisher"]["@type"], "Organization");
    assert_eq!(article["articleSection"], "World");
    assert_eq!(json[0]["@graph"][1]["@type"], "BreadcrumbList");
}
