//! Two nodes of one site: two servers on the same database, each with its
//! own page cache and search index, kept fresh by the change feed. On
//! SQLite the second node is a second server on the same file; with
//! `MASTHEAD_TEST_DATABASE=postgres`, two nodes on one PostgreSQL schema.

use std::time::{Duration, Instant};

use masthead_content::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::TestApp;

/// How long a test waits for the other node before it fails; the times
/// measured are printed, and `bench/` reports them.
const PATIENCE: Duration = Duration::from_secs(10);

/// Fetches `path` from `node` until `fresh` holds for its status and body; returns how long that took.
async fn until_served(node: &TestApp, path: &str, fresh: impl Fn(StatusCode, &str) -> bool) -> Duration {
    let started = Instant::now();
    loop {
        let response = node.get(path).await;
        let status = response.status();
        let body = response.text().await.expect("body is text");
        if fresh(status, &body) {
            return started.elapsed();
        }
        assert!(started.elapsed() < PATIENCE, "{path} on the other node never became fresh (last answer {status})");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_published_edited_and_unpublished_on_one_node_is_served_fresh_by_the_other() {
    let a = TestApp::spawn().await;
    let b = a.second_node().await;
    let editor = a.account(Role::Editor, 1).await;
    let token = a.token(&editor).await;
    // Node B has the front page cached before anything happens on node A.
    let front = b.get("/").await.text().await.unwrap();
    assert!(!front.contains("Ferry strike"));

    let (status, created) = a
        .api(
            Method::POST,
            "/admin/api/articles",
            &token,
            Some(json!({"headline": "Ferry strike ends in Helsinki", "section": "world",
                        "body_source": "The crews went back to work at dawn."})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, published) =
        a.api(Method::POST, &format!("/admin/api/articles/{id}/step"), &token, Some(json!({"step": "publish"}))).await;
    assert_eq!(status, StatusCode::OK, "{published}");
    let url = format!("/world/{}", published["slug"].as_str().unwrap());
    let took = until_served(&b, "/", |_, body| body.contains("Ferry strike ends in Helsinki")).await;
    eprintln!("publish on A: B's front page fresh after {took:?}");
    let article = b.get(&url).await.text().await.unwrap();
    assert!(article.contains("The crews went back to work at dawn."));

    let mut fields = json!({"headline": "Ferry strike ends in Turku", "section": "world", "slug": published["slug"],
        "body_source": "The crews went back to work at noon.", "revision": published["revision"]});
    fields["authors"] = published["authors"].clone();
    let (status, saved) = a.api(Method::PUT, &format!("/admin/api/articles/{id}"), &token, Some(fields)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let took = until_served(&b, &url, |_, body| body.contains("back to work at noon")).await;
    eprintln!("edit on A: B's article page fresh after {took:?}");
    let front = b.get("/").await.text().await.unwrap();
    assert!(front.contains("Ferry strike ends in Turku") && !front.contains("Ferry strike ends in Helsinki"));
    // B's own search index heard of the edit too.
    let took = until_served(&b, "/search?q=Turku", |_, body| body.contains(&url)).await;
    eprintln!("edit on A: B's search finds it after {took:?}");

    let (status, _) = a
        .api(Method::POST, &format!("/admin/api/articles/{id}/step"), &token, Some(json!({"step": "unpublish"})))
        .await;
    assert_eq!(status, StatusCode::OK);
    let took = until_served(&b, &url, |status, _| status != StatusCode::OK).await;
    eprintln!("unpublish on A: B stops serving it after {took:?}");
    assert!(!b.get("/").await.text().await.unwrap().contains("Ferry strike"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correction_made_on_the_second_node_reaches_the_first_nodes_cached_page() {
    let a = TestApp::spawn().await;
    let b = a.second_node().await;
    assert_ne!(a.settings.data_dir, b.settings.data_dir);
    let editor = b.account(Role::Editor, 1).await;
    let token = b.token(&editor).await;
    // This time the change is made on B and A's cached page must follow.
    let seed = "/world/us-doubtful-on-ukraine-ceasefire";
    let before = a.get(seed).await.text().await.unwrap();
    let found = b.api(Method::GET, "/admin/api/articles?q=ceasefire", &token, None).await.1;
    let id = found["articles"][0]["id"].as_str().expect("the seed article is listed").to_owned();
    let (status, corrected) = b
        .api(
            Method::POST,
            &format!("/admin/api/articles/{id}/corrections"),
            &token,
            Some(json!({"note": "An earlier version misstated the date of the talks."})),
        )
        .await;
    assert!(status.is_success(), "{status}: {corrected}");
    assert!(!before.contains("misstated the date"));
    let took = until_served(&a, seed, |_, body| body.contains("misstated the date of the talks")).await;
    eprintln!("correction on B: A's article page fresh after {took:?}");
}
