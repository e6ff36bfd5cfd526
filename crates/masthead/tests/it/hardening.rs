//! Faults found by attacking the site from outside, each kept fixed: slow
//! clients, password spraying, oversized searches, a broken return address
//! after signing in, and stray text in the comment form.

use std::time::Duration;

use masthead_content::Role;
use reqwest::{Method, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::comments::reader;
use crate::support::{TestApp, css};

/// Short limits, so the tests need not wait long for them.
fn impatient() -> masthead_web::Timeouts {
    masthead_web::Timeouts {
        header_read: Duration::from_millis(300),
        body_read: Duration::from_millis(300),
        ..masthead_web::Timeouts::default()
    }
}

/// Reads until the server closes the connection; what it sent.
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer))
        .await
        .expect("the server closes the connection")
        .ok();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_client_that_trickles_its_headers_is_disconnected() {
    let app = TestApp::spawn_with_timeouts(|_| {}, impatient()).await;
    let mut stream = TcpStream::connect(app.url.trim_start_matches("http://")).await.unwrap();
    stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: a").await.unwrap();
    // The rest of the headers never come.
    let answer = until_closed(&mut stream).await;
    assert!(!answer.contains("200 OK"), "{answer}");
    // Others are served meanwhile and afterwards.
    assert_eq!(app.get("/").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_client_that_trickles_its_body_is_answered_408() {
    let app = TestApp::spawn_with_timeouts(|_| {}, impatient()).await;
    let mut stream = TcpStream::connect(app.url.trim_start_matches("http://")).await.unwrap();
    stream
        .write_all(
            b"POST /admin/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 100\r\n\r\nemail=a",
        )
        .await
        .unwrap();
    let answer = until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("took too long"), "{answer}");
}

#[tokio::test]
async fn one_password_tried_against_many_addresses_is_slowed() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let sprayer = reader(77);
    let mut answers = Vec::new();
    for n in 0..masthead_newsroom::accounts::MAX_CLIENT_FAILURES + 1 {
        let email = format!("person{n}@example.org");
        let response = sprayer
            .post(format!("{}/admin/sign-in", app.url))
            .form(&[("email", email.as_str()), ("password", "Winter2026!")])
            .send()
            .await
            .unwrap();
        answers.push(response.status());
    }
    let throttled = answers.last().copied();
    assert!(answers[..answers.len() - 1].iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{answers:?}");
    assert_eq!(throttled, Some(StatusCode::TOO_MANY_REQUESTS), "the next try from the same client waits");
    // The sprayer's next try waits even with the right password of a real account…
    let right = sprayer
        .post(format!("{}/admin/sign-in", app.url))
        .form(&[("email", editor.user.email.as_str()), ("password", editor.password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(right.headers().contains_key("retry-after"));
    // …while the account's owner, on another client, signs in.
    let owner = reader(78)
        .post(format!("{}/admin/sign-in", app.url))
        .form(&[("email", editor.user.email.as_str()), ("password", editor.password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(owner.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_line_break_in_the_return_address_falls_back_to_the_newsroom_home() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    for next in ["/admin/articles\r\nSet-Cookie: x=y", "/admin\nLocation: https://evil.example", "/admin/a b"] {
        let response = app
            .client
            .post(format!("{}/admin/sign-in", app.url))
            .form(&[("email", editor.user.email.as_str()), ("password", editor.password.as_str()), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(response.headers()["location"], "/admin", "{next:?}");
    }
}

#[tokio::test]
async fn a_very_long_newsroom_search_gets_an_answer() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let token = app.token(&editor).await;
    let browser = app.sign_in(&editor).await;
    let words = "ceasefire ".repeat(5_000);
    let query = format!("q={}", words.trim().replace(' ', "+"));
    let (status, body) = app.api(Method::GET, &format!("/admin/api/articles?{query}"), &token, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let page =
        app.client.get(format!("{}/admin?{query}", app.url)).header("cookie", &browser.cookie).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let (_, short) = app.api(Method::GET, "/admin/api/articles?q=Ceasefire", &token, None).await;
    assert_eq!(short["articles"].as_array().unwrap().len(), 1, "an ordinary search still finds its article");
}

#[tokio::test]
async fn the_comment_form_shows_no_error_before_a_comment_is_sent() {
    let app = TestApp::spawn().await;
    let (_, page) = app.page("/world/us-doubtful-on-ukraine-ceasefire").await;
    let error = page.select(&css("#comment-error")).next().expect("the form has an error line");
    assert_eq!(error.text().collect::<String>(), "", "the hidden error line is empty");
    assert!(!page.html().contains(">None<") && !page.html().contains(">none<"));
}
