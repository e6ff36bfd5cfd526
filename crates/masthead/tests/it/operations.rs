//! What operators and load balancers ask a node: `/healthz` and `/readyz`.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::TestApp;

async fn readiness(app: &TestApp) -> (StatusCode, Value) {
    let response = app.get("/readyz").await;
    let status = response.status();
    assert_eq!(response.headers()["cache-control"], "no-store", "a cache must never answer for a node's health");
    (status, response.json().await.expect("readiness is JSON"))
}

#[tokio::test]
async fn healthz_says_the_process_answers() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.text().await.unwrap(), "ok\n");
}

#[tokio::test]
async fn readyz_is_ready_once_the_node_follows_the_change_feed_and_pages_answer_503_when_the_database_is_gone() {
    let app = TestApp::spawn().await;
    let started = Instant::now();
    let ready = loop {
        let (status, body) = readiness(&app).await;
        if status == StatusCode::OK {
            break body;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "never ready: {body}");
        tokio::task::yield_now().await;
    };
    assert_eq!(ready["database"], "ok");
    assert_eq!(ready["change_feed"], "following");
    assert_eq!(ready["ready"], true);

    app.store.close().await;
    let (status, body) = readiness(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["ready"], false);
    assert!(body["database"].as_str().unwrap().contains("unavailable"), "{body}");
    // The process itself still answers, and a page it has not cached says the database is away.
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    let page = app.get("/author/elena-marchetti").await;
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.text().await.unwrap().contains("cannot reach its database"));
}

#[tokio::test]
async fn no_section_can_take_the_health_addresses() {
    let app = TestApp::spawn().await;
    for reserved in ["healthz", "readyz"] {
        let section = masthead_content::Section {
            slug: masthead_content::Slug::parse(reserved).unwrap(),
            name: "Health".into(),
            description: String::new(),
        };
        assert!(app.store.save_section(&section, 9).await.is_err(), "{reserved} must be refused");
    }
}
