//! WebSub: with a hub configured, feeds name it and publishing pings it, with
//! retries when the hub fails. The hub here is a tiny local one that records
//! what it is told and refuses the first ping.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::routing::post;

use crate::support::TestApp;

/// Records each ping's form body; answers the first one 503, the rest 204.
async fn start_hub() -> (String, Arc<Mutex<Vec<String>>>) {
    let pings = Arc::new(Mutex::new(Vec::<String>::new()));
    let recorded = pings.clone();
    let app = axum::Router::new().route(
        "/hub",
        post(move |body: String| {
            let recorded = recorded.clone();
            async move {
                let mut pings = recorded.lock().unwrap();
                pings.push(body);
                if pings.len() == 1 {
                    axum::http::StatusCode::SERVICE_UNAVAILABLE
                } else {
                    axum::http::StatusCode::NO_CONTENT
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hub", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, pings)
}

fn encoded(url: &str) -> String {
    url.replace(':', "%3A").replace('/', "%2F")
}

#[tokio::test]
async fn publishing_pings_the_hub_for_every_changed_feed_retrying_a_refusal() {
    let (hub, pings) = start_hub().await;
    let app = TestApp::spawn_with(|settings| settings.websub_hub = Some(hub.clone())).await;
    let wanted: Vec<String> = ["/feed.xml", "/feed.atom", "/feed.json", "/world/feed.xml", "/tag/ukraine/feed.atom"]
        .iter()
        .map(|path| format!("hub.mode=publish&hub.url={}", encoded(&format!("{}{path}", app.url))))
        .collect();
    // The demo's first start published 11 articles; the runner works through the queue.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let seen = pings.lock().unwrap().clone();
        // 22 pages (site, 3 sections, 14 tags, 4 authors) × 3 formats, plus the refused first try.
        if wanted.iter().all(|w| seen.contains(w)) && seen.len() > 22 * 3 {
            break;
        }
        assert!(Instant::now() < deadline, "the hub heard only {} pings: {seen:?}", seen.len());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seen = pings.lock().unwrap().clone();
    assert_eq!(seen.iter().filter(|p| **p == seen[0]).count(), 2, "the refused ping was tried again");
    assert!(app.store.failed_jobs().await.unwrap().is_empty());
}

#[tokio::test]
async fn feeds_name_the_hub_only_when_there_is_one() {
    let with_hub = TestApp::spawn_with(|settings| {
        settings.websub_hub = Some("https://hub.example.com/".into());
        settings.demo = false;
    })
    .await;
    let rss = with_hub.get("/feed.xml").await.text().await.unwrap();
    assert!(rss.contains("<atom:link href=\"https://hub.example.com/\" rel=\"hub\"/>"), "{rss}");
    assert!(with_hub.get("/feed.atom").await.text().await.unwrap().contains("rel=\"hub\""));
    assert!(with_hub.get("/feed.json").await.text().await.unwrap().contains("\"WebSub\""));

    let without = TestApp::spawn_with(|settings| settings.demo = false).await;
    assert!(!without.get("/feed.xml").await.text().await.unwrap().contains("rel=\"hub\""));
}
