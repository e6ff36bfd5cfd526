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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_articles_falling_due_with_both_nodes_running_are_each_published_once_at_their_time() {
    use masthead_content::Status;
    use masthead_newsroom::jobs::{PublishScheduled, ScheduledPublication};

    let a = TestApp::spawn().await;
    let b = a.second_node().await;
    let editor = a.account(Role::Editor, 1).await;
    let token = a.token(&editor).await;
    let now = time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    let mut scheduled = Vec::new();
    for n in 0..30 {
        let (status, created) = a
            .api(
                Method::POST,
                "/admin/api/articles",
                &token,
                Some(json!({"headline": format!("Council vote number {n}"), "section": "world",
                            "body_source": "The council voted."})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = masthead_content::ArticleId::parse(created["id"].as_str().unwrap()).unwrap();
        // Scheduled for a moment that has just passed, as when a site comes back after its time:
        // the step and its job commit together, exactly as the newsroom's "schedule" does.
        let at = now - time::Duration::seconds(n);
        let job = masthead_jobs::job::<PublishScheduled>(&ScheduledPublication { article: id, at }.to_payload(), at);
        a.store.change_status(id, Status::Draft, Status::Scheduled, Some(at), now, Some(&job)).await.unwrap();
        scheduled.push((id, at));
    }
    // Both nodes' job runners take due jobs from the one queue.
    let started = Instant::now();
    for (id, at) in &scheduled {
        loop {
            let article = b.store.article(*id).await.unwrap().unwrap();
            if article.status == Status::Published {
                assert_eq!(article.published_at, Some(*at), "published with its scheduled time");
                break;
            }
            assert!(started.elapsed() < PATIENCE * 3, "{id} was never published");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    eprintln!("30 scheduled articles published by two nodes in {:?}", started.elapsed());
    assert!(
        a.store.failed_jobs().await.unwrap().is_empty(),
        "no job failed, none ran into a conflict it could not settle"
    );
    let listing = b.get("/world").await.text().await.unwrap();
    assert!(listing.contains("Council vote number 0"), "node B lists what the runners published");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_nodes_recover_by_themselves_when_their_database_connections_are_cut() {
    if !crate::support::on_postgres() {
        // Only a database server can drop connections under a running node.
        return;
    }
    let a = TestApp::spawn().await;
    let b = a.second_node().await;
    let editor = a.account(Role::Editor, 1).await;
    let token = a.token(&editor).await;
    let seed = "/world/us-doubtful-on-ukraine-ceasefire";
    assert!(!b.get(seed).await.text().await.unwrap().contains("wrong minister"));

    // As when PostgreSQL restarts: every connection of both nodes ends at once.
    let cut = a.cut_database_connections().await;
    assert!(cut >= 2, "both nodes had connections ({cut} cut)");

    let found = a.api(Method::GET, "/admin/api/articles?q=ceasefire", &token, None).await.1;
    let id = found["articles"][0]["id"].as_str().expect("node A reads again after the cut").to_owned();
    let (status, corrected) = a
        .api(
            Method::POST,
            &format!("/admin/api/articles/{id}/corrections"),
            &token,
            Some(json!({"note": "An earlier version named the wrong minister."})),
        )
        .await;
    assert!(status.is_success(), "{status}: {corrected}");
    let took = until_served(&b, seed, |_, body| body.contains("named the wrong minister")).await;
    eprintln!("after the cut, a correction on A reached B in {took:?}");
    for node in [&a, &b] {
        let started = Instant::now();
        while node.get("/readyz").await.status() != StatusCode::OK {
            assert!(started.elapsed() < PATIENCE, "a node never became ready again");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
