//! Reader comments end to end: posting with and without JavaScript, replies,
//! every moderation state, closing, rate limits, the honeypot and timing
//! checks, and a corpus of hostile payloads that must never become markup.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use masthead_content::Role;
use reqwest::{Method, StatusCode};
use scraper::Html;
use serde_json::json;

use crate::hostile::{assert_nothing_live, hostile_payloads};
use crate::support::{TestApp, css, texts};

const SEED: &str = "/world/us-doubtful-on-ukraine-ceasefire";

/// A reader's browser, connecting from its own loopback address (127.0.0.N),
/// so each reader is a different client to the rate limits.
pub(crate) fn reader(n: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, n)))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The form token of an article page, as rendered now.
pub(crate) async fn token(app: &TestApp, path: &str) -> String {
    let (_, page) = app.page(path).await;
    page.select(&css("input[name=token]"))
        .next()
        .expect("the comment form has a token")
        .value()
        .attr("value")
        .unwrap()
        .to_owned()
}

/// Tokens are refused for the first seconds after the page was rendered, as a robot's would be.
pub(crate) async fn wait_like_a_person() {
    tokio::time::sleep(Duration::from_millis(3100)).await;
}

pub(crate) async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client.post(format!("{}{path}/comments", app.url)).form(fields).send().await.unwrap()
}

async fn set_policy(app: &TestApp, token: &str, policy: &str, days: u32) {
    let body = json!({"comment_moderation": policy, "comments_close_after_days": days});
    let (status, _) = app.api(Method::PUT, "/admin/api/settings", token, Some(body)).await;
    assert_eq!(status, StatusCode::OK);
}

async fn editor_token(app: &TestApp) -> String {
    let editor = app.account(Role::Editor, 90).await;
    app.token(&editor).await
}

async fn admin_token(app: &TestApp) -> String {
    let admin = app.account(Role::Admin, 91).await;
    app.token(&admin).await
}

fn comment_texts(page: &Html) -> Vec<String> {
    texts(page, ".comment-list .comment > p:not(.comment-reply)")
}

#[tokio::test]
async fn a_first_comment_waits_for_a_moderator_and_appears_once_approved() {
    let app = TestApp::spawn().await;
    let editor = editor_token(&app).await;
    let form_token = token(&app, SEED).await;
    wait_like_a_person().await;
    let fields = [
        ("name", "Maria K."),
        ("email", "maria@example.org"),
        ("body", "Blinken is right to doubt it."),
        ("token", &form_token),
    ];
    let response = post(&app, &reader(2), SEED, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], format!("{SEED}?comment=held#comments"));
    let (_, page) = app.page(&format!("{SEED}?comment=held")).await;
    assert_eq!(
        texts(&page, ".comment-notice"),
        ["Thank you. Your comment will appear once a moderator has approved it."]
    );
    assert!(!comment_texts(&page).contains(&"Blinken is right to doubt it.".to_owned()));

    let (_, queue) = app.api(Method::GET, "/admin/api/comments?status=pending", &editor, None).await;
    let held = &queue["comments"][0];
    assert_eq!(held["body"], "Blinken is right to doubt it.");
    assert_eq!(held["email"], "maria@example.org");
    assert_eq!(held["reasons"], json!(["first comment from this reader"]));
    let (status, _) = app
        .api(
            Method::POST,
            "/admin/api/comments/moderate",
            &editor,
            Some(json!({"ids": [held["id"]], "verdict": "approve"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, page) = app.page(SEED).await;
    assert!(
        comment_texts(&page).contains(&"Blinken is right to doubt it.".to_owned()),
        "approved comments show at once"
    );

    // Her next comment needs no moderator.
    let fields =
        [("name", "Maria K."), ("email", "maria@example.org"), ("body", "And a follow-up."), ("token", &form_token)];
    let response = post(&app, &reader(2), SEED, &fields).await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&format!("{SEED}?comment=published#comment-")), "{location}");
    let (_, page) = app.page(SEED).await;
    assert!(comment_texts(&page).contains(&"And a follow-up.".to_owned()));
    // Emails and addresses are never shown to readers.
    let html = app.get(SEED).await.text().await.unwrap();
    assert!(!html.contains("maria@example.org") && !html.contains("127.0.0.2"));
}

#[tokio::test]
async fn replies_nest_one_level_and_the_script_path_answers_json() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    set_policy(&app, &admin, "publish", 30).await;
    let form_token = token(&app, SEED).await;
    wait_like_a_person().await;
    let response = reader(3)
        .post(format!("{}{SEED}/comments", app.url))
        .header("accept", "application/json")
        .form(&[("name", "Tomas"), ("body", "A question for the author."), ("token", &form_token)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let posted: serde_json::Value = response.json().await.unwrap();
    assert_eq!(posted["status"], "approved");
    assert!(posted["html"].as_str().unwrap().contains("A question for the author."));
    let top = posted["id"].as_str().unwrap().to_owned();
    // The no-script reply link opens the form answering that comment.
    let (_, page) = app.page(&format!("{SEED}?reply={top}")).await;
    assert_eq!(texts(&page, ".replying")[0], "Replying to Tomas. Write a new comment instead");
    let fields =
        [("name", "Author"), ("body", "Here is the answer."), ("reply_to", top.as_str()), ("token", &form_token)];
    let response = post(&app, &reader(4), SEED, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(SEED).await;
    let replies = texts(&page, &format!("#comment-{top} .comment-replies .comment p"));
    assert_eq!(replies, ["Here is the answer."]);
    // Replies go one level deep.
    let reply_id = page
        .select(&css(&format!("#comment-{top} .comment-replies li")))
        .next()
        .unwrap()
        .value()
        .attr("id")
        .unwrap()
        .trim_start_matches("comment-")
        .to_owned();
    let fields = [("name", "Third"), ("body", "Deeper?"), ("reply_to", reply_id.as_str()), ("token", &form_token)];
    let response = post(&app, &reader(5), SEED, &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(texts(&page, "#comment-error"), ["A reply must answer a comment on this article."]);
    assert_eq!(texts(&page, "#comment-body"), ["Deeper?"], "what the reader typed is kept");
}

#[tokio::test]
async fn each_moderation_state_shows_or_hides_a_comment_and_counts_follow() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    set_policy(&app, &admin, "hold_all", 30).await;
    let form_token = token(&app, SEED).await;
    wait_like_a_person().await;
    let fields = [("name", "Ana"), ("email", "ana@example.org"), ("body", "Held every time."), ("token", &form_token)];
    post(&app, &reader(6), SEED, &fields).await;
    let (_, queue) = app.api(Method::GET, "/admin/api/comments", &admin, None).await;
    let id = queue["comments"][0]["id"].clone();
    assert_eq!(queue["comments"][0]["reasons"], json!(["every comment is held"]));
    for (verdict, shown) in
        [("approve", true), ("reject", false), ("spam", false), ("approve", true), ("delete", false)]
    {
        let (status, result) = app
            .api(Method::POST, "/admin/api/comments/moderate", &admin, Some(json!({"ids": [id], "verdict": verdict})))
            .await;
        assert_eq!(status, StatusCode::OK, "{verdict}: {result}");
        let (_, page) = app.page(SEED).await;
        assert_eq!(comment_texts(&page).contains(&"Held every time.".to_owned()), shown, "after {verdict}");
        // Listings count approved comments only: the demo's 5, plus this one when shown.
        let (_, world) = app.page("/world").await;
        let count = texts(&world, &format!("a.card-comments[href='{SEED}#comments']"));
        assert_eq!(count, [if shown { "6 comments" } else { "5 comments" }], "after {verdict}");
    }
    let (_, result) = app
        .api(Method::POST, "/admin/api/comments/moderate", &admin, Some(json!({"ids": [id], "verdict": "approve"})))
        .await;
    assert_eq!(result["changed"], 0, "a deleted comment is gone");
}

#[tokio::test]
async fn an_editor_erases_everything_one_email_posted() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    set_policy(&app, &admin, "publish", 30).await;
    let form_token = token(&app, SEED).await;
    wait_like_a_person().await;
    for (n, body) in [(7, "First from Ben."), (8, "Second from Ben.")] {
        post(
            &app,
            &reader(n),
            SEED,
            &[("name", "Ben"), ("email", "ben@example.org"), ("body", body), ("token", &form_token)],
        )
        .await;
    }
    post(&app, &reader(9), SEED, &[("name", "Cleo"), ("body", "Cleo stays."), ("token", &form_token)]).await;
    let (_, erased) =
        app.api(Method::POST, "/admin/api/comments/erase", &admin, Some(json!({"email": "BEN@example.org"}))).await;
    assert_eq!(erased["erased"], 2);
    let (_, page) = app.page(SEED).await;
    let shown = comment_texts(&page);
    assert!(shown.contains(&"Cleo stays.".to_owned()) && !shown.iter().any(|t| t.contains("from Ben")));
}

#[tokio::test]
async fn comments_close_by_an_editors_choice_and_after_the_configured_days() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    let (_, listed) = app.api(Method::GET, "/admin/api/articles?q=Ukraine%20Ceasefire", &admin, None).await;
    let id = listed["articles"][0]["id"].as_str().unwrap().to_owned();
    let form_token = token(&app, SEED).await;
    let (status, _) = app
        .api(Method::PUT, &format!("/admin/api/articles/{id}/comments"), &admin, Some(json!({"state": "closed"})))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, page) = app.page(SEED).await;
    assert_eq!(texts(&page, ".comments-closed"), ["Comments are closed on this article."]);
    assert!(page.select(&css("#comment-form")).next().is_none());
    wait_like_a_person().await;
    let response =
        post(&app, &reader(10), SEED, &[("name", "Late"), ("body", "Too late?"), ("token", &form_token)]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    app.api(Method::PUT, &format!("/admin/api/articles/{id}/comments"), &admin, Some(json!({"state": "auto"}))).await;
    assert!(app.page(SEED).await.1.select(&css("#comment-form")).next().is_some());
    // The seed article is hours old: closing after one day leaves it open, after zero... never closes.
    set_policy(&app, &admin, "hold_first_time", 1).await;
    assert!(app.page(SEED).await.1.select(&css("#comment-form")).next().is_some());
    // An article published three days ago is closed by the same setting.
    let article = app.store.article(masthead_content::ArticleId::parse(&id).unwrap()).await.unwrap().unwrap();
    let old = time::OffsetDateTime::now_utc() - time::Duration::days(3);
    app.store
        .change_status(
            article.id,
            masthead_content::Status::Published,
            masthead_content::Status::Published,
            Some(old),
            old,
            None,
        )
        .await
        .unwrap();
    app.forget_pages();
    assert_eq!(texts(&app.page(SEED).await.1, ".comments-closed"), ["Comments are closed on this article."]);
    set_policy(&app, &admin, "hold_first_time", 0).await;
    assert!(app.page(SEED).await.1.select(&css("#comment-form")).next().is_some(), "0 days: never closes");
}

#[tokio::test]
async fn a_flood_from_one_client_is_throttled_without_blocking_the_next_honest_reader() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    set_policy(&app, &admin, "publish", 30).await;
    let form_token = token(&app, SEED).await;
    wait_like_a_person().await;
    let flooder = reader(20);
    let mut statuses = Vec::new();
    for n in 0..6 {
        let body = format!("Flood message number {n}");
        let response = post(&app, &flooder, SEED, &[("name", "Flood"), ("body", &body), ("token", &form_token)]).await;
        statuses.push(response.status());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            let wait: i64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
            assert!((1..=60).contains(&wait), "Retry-After {wait}");
            let page = Html::parse_document(&response.text().await.unwrap());
            assert!(texts(&page, "#comment-error")[0].starts_with("You are commenting faster than we can read."));
        }
    }
    assert_eq!(&statuses[..3], [StatusCode::SEE_OTHER; 3]);
    assert_eq!(&statuses[3..], [StatusCode::TOO_MANY_REQUESTS; 3]);
    let honest =
        post(&app, &reader(21), SEED, &[("name", "Honest"), ("body", "Just one thought."), ("token", &form_token)])
            .await;
    assert_eq!(honest.status(), StatusCode::SEE_OTHER, "another reader is not blocked");

    // Many clients at once hit the article's own limit, which also answers with Retry-After.
    let mut limited = None;
    for n in 30..70u8 {
        let body = format!("Crowd comment from reader {n}");
        let response =
            post(&app, &reader(n), SEED, &[("name", "Crowd"), ("body", &body), ("token", &form_token)]).await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some((n, response.headers()["retry-after"].to_str().unwrap().to_owned()));
            break;
        }
    }
    let (n, _) = limited.expect("the article's limit applies");
    assert_eq!(n, 30 + 30 - 4, "30 comments a minute per article, counting the 4 accepted above");
}

#[tokio::test]
async fn robots_forged_forms_and_rule_breaking_comments_are_refused_with_reasons() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    set_policy(&app, &admin, "publish", 30).await;
    let fresh = token(&app, SEED).await;
    // Sent at once, as a robot does: refused.
    let response = post(&app, &reader(40), SEED, &[("name", "Bot"), ("body", "Fast"), ("token", &fresh)]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    wait_like_a_person().await;
    let cases: Vec<(Overrides, StatusCode, &str)> = vec![
        (vec![("website", "http://spam.example".into())], StatusCode::BAD_REQUEST, "This form has expired"),
        (vec![("token", "1700000000.deadbeef".into())], StatusCode::BAD_REQUEST, "This form has expired"),
        (vec![("token", String::new())], StatusCode::BAD_REQUEST, "This form has expired"),
        (vec![("name", String::new())], StatusCode::UNPROCESSABLE_ENTITY, "Give a name of 1 to 80 characters."),
        (
            vec![("body", "x".repeat(5001))],
            StatusCode::UNPROCESSABLE_ENTITY,
            "A comment can have at most 5000 characters",
        ),
        (
            vec![("body", "a https://a.example b https://b.example c https://c.example d https://d.example".into())],
            StatusCode::UNPROCESSABLE_ENTITY,
            "at most 3 web addresses",
        ),
        (
            vec![("email", "not-an-email".into())],
            StatusCode::UNPROCESSABLE_ENTITY,
            "The email address does not look right",
        ),
    ];
    for (n, (overrides, status, message)) in cases.into_iter().enumerate() {
        let mut fields: Vec<(&str, String)> =
            vec![("name", "Reader".into()), ("body", format!("An ordinary comment {n}.")), ("token", fresh.clone())];
        for (key, value) in overrides {
            fields.retain(|(k, _)| *k != key);
            fields.push((key, value));
        }
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = post(&app, &reader(41 + n as u8), SEED, &fields).await;
        assert_eq!(response.status(), status, "{fields:?}");
        let page = Html::parse_document(&response.text().await.unwrap());
        assert!(texts(&page, "#comment-error")[0].contains(message), "{:?}", texts(&page, "#comment-error"));
    }
    // The same words twice are a duplicate.
    let fields = [("name", "Echo"), ("body", "Say it once."), ("token", fresh.as_str())];
    assert_eq!(post(&app, &reader(50), SEED, &fields).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(post(&app, &reader(51), SEED, &fields).await.status(), StatusCode::CONFLICT);
    // Obvious spam is filed as spam, with its reasons for the moderator.
    let spam = [
        ("name", "Cheap Pills www.pills.example"),
        ("body", "BUY NOW https://pills.example"),
        ("token", fresh.as_str()),
    ];
    assert_eq!(post(&app, &reader(52), SEED, &spam).await.status(), StatusCode::SEE_OTHER);
    let (_, queue) = app.api(Method::GET, "/admin/api/comments?status=spam", &admin, None).await;
    let reasons = queue["comments"][0]["reasons"].to_string();
    assert!(reasons.contains("spam phrase") && reasons.contains("a web address in the name"), "{reasons}");
}

/// Form fields that replace an ordinary comment's.
type Overrides = Vec<(&'static str, String)>;

#[tokio::test]
async fn no_hostile_payload_in_any_field_ever_becomes_live_markup() {
    let app = TestApp::spawn().await;
    let admin = admin_token(&app).await;
    set_policy(&app, &admin, "publish", 0).await;
    let payloads = hostile_payloads();
    assert!(payloads.len() >= 100, "{} payloads", payloads.len());
    // Spread over every demo article and a different client per post, so no limit gets in the way.
    let articles = app
        .store
        .published_articles(&masthead_storage::Listing::All, masthead_storage::PageRequest::new(1, 50))
        .await
        .unwrap();
    let paths: Vec<String> = articles.items.iter().map(|a| format!("/{}/{}", a.section.slug, a.slug)).collect();
    let mut tokens = Vec::new();
    for path in &paths {
        tokens.push(token(&app, path).await);
    }
    wait_like_a_person().await;
    let mut client = 2u8;
    let mut next_client = || {
        client = if client >= 250 { 2 } else { client + 1 };
        reader(client)
    };
    let mut stored = 0;
    for (i, payload) in payloads.iter().enumerate() {
        let which = i % paths.len();
        let (path, form_token) = (&paths[which], &tokens[which]);
        let name: String = payload.chars().take(80).collect();
        // 1. In every field at once: the email makes it a refusal, whose page shows the fields again.
        let fields = [
            ("name", name.as_str()),
            ("email", payload.as_str()),
            ("body", payload.as_str()),
            ("token", form_token.as_str()),
        ];
        let response = post(&app, &next_client(), path, &fields).await;
        let status = response.status();
        let html = response.text().await.unwrap();
        if status != StatusCode::SEE_OTHER {
            assert_nothing_live(&html, &format!("refusal page for payload {i} {payload:?}"));
            let page = Html::parse_document(&html);
            let kept =
                page.select(&css("#comment-body")).next().map(|t| t.text().collect::<String>()).unwrap_or_default();
            assert_eq!(kept.trim(), payload.replace("\r\n", "\n").trim(), "payload {i} is kept as text in the form");
        }
        // 2. With a plain email, so it is stored and shown.
        let fields = [
            ("name", name.as_str()),
            ("email", "reader@example.org"),
            ("body", payload.as_str()),
            ("token", form_token.as_str()),
        ];
        let response = post(&app, &next_client(), path, &fields).await;
        if response.status() == StatusCode::SEE_OTHER {
            stored += 1;
        } else {
            // Refused for a rule (too many links): the refusal page must be inert too.
            assert_nothing_live(&response.text().await.unwrap(), &format!("refusal of payload {i}"));
        }
    }
    // Whatever was held as spam-like is approved, so every stored payload is on a page.
    for status in ["pending", "spam"] {
        let (_, queue) = app.api(Method::GET, &format!("/admin/api/comments?status={status}"), &admin, None).await;
        let ids: Vec<serde_json::Value> =
            queue["comments"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect();
        if !ids.is_empty() {
            app.api(
                Method::POST,
                "/admin/api/comments/moderate",
                &admin,
                Some(json!({"ids": ids, "verdict": "approve"})),
            )
            .await;
        }
    }
    assert!(stored >= 100, "{stored} payloads stored");
    let mut shown = 0;
    for path in &paths {
        let html = app.get(path).await.text().await.unwrap();
        assert_nothing_live(&html, path);
        shown += Html::parse_document(&html).select(&css(".comment-list .comment")).count();
    }
    assert!(shown >= stored, "{shown} comments shown for {stored} stored");
    // And the text a reader typed reads back as text.
    let (_, page) = app.page(&paths[0]).await;
    let all = texts(&page, ".comment-list .comment").join("\n");
    assert!(all.contains("<script>alert(1)</script>"), "payloads show as the text they are");
}
