//! Many writers at once: uploads, new articles, saves, publications,
//! corrections, reader comments and the background jobs they start all
//! write to the database together, and none of them is refused for it.

use masthead_content::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::comments::{post, reader, token, wait_like_a_person};
use crate::support::TestApp;

/// Writers working side by side, and the rounds each of them makes.
const WRITERS: usize = 5;
const ROUNDS: usize = 5;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn uploads_articles_comments_and_jobs_written_at_once_never_fail() {
    let app = TestApp::spawn().await;
    let editor = app.token(&app.account(Role::Editor, 1).await).await;
    let admin = app.token(&app.account(Role::Admin, 2).await).await;
    let (status, _) = app
        .api(
            Method::PUT,
            "/admin/api/settings",
            &admin,
            Some(json!({"comment_moderation": "publish", "comments_close_after_days": 0})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let seed = "/world/us-doubtful-on-ukraine-ceasefire";
    let form_token = token(&app, seed).await;
    wait_like_a_person().await;

    let writers = (0..WRITERS).map(|writer| {
        let (app, editor, form_token) = (&app, editor.clone(), form_token.clone());
        async move {
            let mut answers = Vec::new();
            for round in 0..ROUNDS {
                let n = writer * ROUNDS + round;
                let image = app
                    .client
                    .post(format!("{}/admin/api/images?caption=c&credit=Photo%3A%20Ann&alt_text=a", app.url))
                    .bearer_auth(&editor)
                    .body(crate::newsroom_images::jpeg(320, 200))
                    .send()
                    .await
                    .unwrap();
                answers.push(("upload", image.status()));
                let image: serde_json::Value = image.json().await.unwrap();
                let (status, article) = app
                    .api(
                        Method::POST,
                        "/admin/api/articles",
                        &editor,
                        Some(json!({"headline": format!("Story {n} from writer {writer}"), "section": "world",
                                    "body_source": "Words.", "lead_image": image["id"]})),
                    )
                    .await;
                answers.push(("create", status));
                let Some(id) = article["id"].as_str().map(str::to_owned) else { continue };
                let (status, saved) = app
                    .api(
                        Method::PUT,
                        &format!("/admin/api/articles/{id}"),
                        &editor,
                        Some(json!({"headline": format!("Story {n}, updated"), "section": "world",
                                    "body_source": "More words.", "lead_image": image["id"],
                                    "revision": article["revision"]})),
                    )
                    .await;
                answers.push(("save", status));
                let step = json!({"step": "publish"});
                let path = format!("/admin/api/articles/{id}/step");
                answers.push(("publish", app.api(Method::POST, &path, &editor, Some(step)).await.0));
                let correction = json!({"note": format!("Story {n} named the wrong day.")});
                let path = format!("/admin/api/articles/{id}/corrections");
                answers.push(("correct", app.api(Method::POST, &path, &editor, Some(correction)).await.0));
                let client = reader(u8::try_from(10 + n).unwrap());
                let body = format!("Comment {n}: a thoughtful reply {}", saved["revision"]);
                let fields = [("name", "A reader"), ("body", body.as_str()), ("token", form_token.as_str())];
                answers.push(("comment", post(app, &client, seed, &fields).await.status()));
            }
            answers
        }
    });
    let answers: Vec<(&str, StatusCode)> = futures_join_all(writers).await.into_iter().flatten().collect();
    let failed: Vec<_> = answers.iter().filter(|(_, status)| status.is_server_error()).collect();
    assert!(failed.is_empty(), "{} of {} writes failed: {failed:?}", failed.len(), answers.len());
    let refused: Vec<_> =
        answers.iter().filter(|(_, status)| !status.is_success() && !status.is_redirection()).collect();
    assert!(refused.is_empty(), "refused: {refused:?}");
    assert_eq!(answers.len(), WRITERS * ROUNDS * 6, "every write was answered");
}

/// Runs the futures concurrently and collects their outputs in order.
async fn futures_join_all<F: std::future::Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for future in futures {
        set.push(Box::pin(future));
    }
    let mut outputs: Vec<Option<F::Output>> = (0..set.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (slot, future) in outputs.iter_mut().zip(set.iter_mut()) {
            if slot.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(output) => *slot = Some(output),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending { std::task::Poll::Pending } else { std::task::Poll::Ready(()) }
    })
    .await;
    outputs.into_iter().map(|o| o.expect("every future finished")).collect()
}
