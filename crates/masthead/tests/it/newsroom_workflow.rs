//! The editorial workflow end to end through the admin API and forms:
//! every transition, scheduling (also across a restart), embargoes,
//! optimistic locking, revisions and corrections.

use masthead_content::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::support::{TestApp, test_settings};

async fn draft(app: &TestApp, token: &str, headline: &str) -> Value {
    let body = json!({
        "headline": headline,
        "standfirst": "What happened.",
        "section": "world",
        "tags": ["Geneva talks"],
        "body_source": "First paragraph.\n\n## Next steps\n\nSecond paragraph.",
    });
    let (status, article) = app.api(Method::POST, "/admin/api/articles", token, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{article}");
    article
}

async fn step(app: &TestApp, token: &str, id: &str, step: &str, at: Option<OffsetDateTime>) -> (StatusCode, Value) {
    let mut body = json!({ "step": step });
    if let Some(at) = at {
        body["publish_at"] = json!(at.format(&Rfc3339).unwrap());
    }
    app.api(Method::POST, &format!("/admin/api/articles/{id}/step"), token, Some(body)).await
}

#[tokio::test]
async fn every_workflow_transition_moves_the_article_and_the_reader_site_follows() {
    let app = TestApp::spawn().await;
    let reporter = app.account(Role::Contributor, 1).await;
    let editor = app.account(Role::Editor, 2).await;
    let (reporter_token, editor_token) = (app.token(&reporter).await, app.token(&editor).await);
    let article = draft(&app, &reporter_token, "Ceasefire talks resume in Geneva").await;
    let id = article["id"].as_str().unwrap();
    assert_eq!(article["status"], "draft");
    assert_eq!(article["authors"], json!([reporter.user.author.as_str()]), "the writer's byline by default");
    let url = "/world/ceasefire-talks-resume-in-geneva";
    assert_eq!(app.get(url).await.status(), StatusCode::NOT_FOUND, "drafts are not public");

    // A contributor submits, may withdraw, and may not publish.
    assert_eq!(step(&app, &reporter_token, id, "submit", None).await.1["status"], "in_review");
    assert_eq!(step(&app, &reporter_token, id, "return_to_draft", None).await.1["status"], "draft");
    assert_eq!(step(&app, &reporter_token, id, "submit", None).await.1["status"], "in_review");
    let (status, body) = step(&app, &reporter_token, id, "publish", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "A contributor cannot publish now; ask an editor.");
    // Steps that do not start from the current status are refused in words.
    let (status, body) = step(&app, &editor_token, id, "unpublish", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "An article that is in review cannot be unpublished.");

    // The editor publishes: readers see it, in listings and feeds too.
    let (status, published) = step(&app, &editor_token, id, "publish", None).await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert_eq!(published["status"], "published");
    assert_eq!(published["url"], url);
    let first_published_at = published["published_at"].clone();
    assert_eq!(app.get(url).await.status(), StatusCode::OK);
    assert!(app.get("/world").await.text().await.unwrap().contains("Ceasefire talks resume in Geneva"));
    assert!(app.get("/feed.xml").await.text().await.unwrap().contains("Ceasefire talks resume in Geneva"));
    assert!(app.get("/tag/geneva-talks").await.text().await.unwrap().contains("Ceasefire talks resume"));

    // Unpublish takes it down; publishing again keeps the original date.
    assert_eq!(step(&app, &editor_token, id, "unpublish", None).await.1["status"], "unpublished");
    assert_eq!(app.get(url).await.status(), StatusCode::NOT_FOUND);
    let (_, again) = step(&app, &editor_token, id, "publish", None).await;
    assert_eq!(again["published_at"], first_published_at);
    assert_eq!(app.get(url).await.status(), StatusCode::OK);
    assert_eq!(step(&app, &editor_token, id, "unpublish", None).await.1["status"], "unpublished");
    assert_eq!(step(&app, &editor_token, id, "return_to_draft", None).await.1["status"], "draft");
}

#[tokio::test]
async fn authors_publish_their_own_articles_but_not_other_peoples() {
    let app = TestApp::spawn().await;
    let author = app.account(Role::Author, 1).await;
    let other = app.account(Role::Author, 2).await;
    let (token, other_token) = (app.token(&author).await, app.token(&other).await);
    let article = draft(&app, &token, "An author's own story").await;
    let id = article["id"].as_str().unwrap();
    let (status, _) = step(&app, &other_token, id, "publish", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .api(
            Method::PUT,
            &format!("/admin/api/articles/{id}"),
            &other_token,
            Some(json!({"headline": "Hijacked", "section": "world", "revision": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(step(&app, &token, id, "publish", None).await.1["status"], "published");
    // Corrections are an editor's job.
    let (status, _) = app
        .api(Method::POST, &format!("/admin/api/articles/{id}/corrections"), &token, Some(json!({"note": "Fixed."})))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_scheduled_article_is_published_on_time_and_an_embargo_is_respected() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let token = app.token(&editor).await;
    let article = draft(&app, &token, "Results due at noon").await;
    let id = article["id"].as_str().unwrap();
    let (status, body) =
        step(&app, &token, id, "schedule", Some(OffsetDateTime::now_utc() - time::Duration::minutes(1))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "The publish time has passed; choose a later time or publish now.");
    let at = (OffsetDateTime::now_utc() + time::Duration::seconds(2)).replace_nanosecond(0).unwrap();
    let (status, scheduled) = step(&app, &token, id, "schedule", Some(at)).await;
    assert_eq!(status, StatusCode::OK, "{scheduled}");
    assert_eq!(scheduled["status"], "scheduled");
    let url = "/world/results-due-at-noon";
    assert_eq!(app.get(url).await.status(), StatusCode::NOT_FOUND, "not before its time");
    let mut waited = 0;
    while app.get(url).await.status() != StatusCode::OK {
        waited += 1;
        assert!(waited < 200, "the scheduled article was not published");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (_, published) = app.api(Method::GET, &format!("/admin/api/articles/{id}"), &token, None).await;
    assert_eq!(published["status"], "published");
    assert_eq!(published["published_at"], json!(at.format(&Rfc3339).unwrap()), "published at the scheduled time");

    // An embargoed article cannot go out early, but can be scheduled for the embargo's end.
    let embargo = (OffsetDateTime::now_utc() + time::Duration::hours(3)).replace_nanosecond(0).unwrap();
    let mut fields =
        json!({"headline": "Embargoed report", "section": "world", "embargo_until": embargo.format(&Rfc3339).unwrap()});
    let (_, embargoed) = app.api(Method::POST, "/admin/api/articles", &token, Some(fields.clone())).await;
    let embargoed_id = embargoed["id"].as_str().unwrap();
    let (status, body) = step(&app, &token, embargoed_id, "publish", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].as_str().unwrap().starts_with("The article is embargoed until"), "{body}");
    let (status, _) = step(&app, &token, embargoed_id, "schedule", Some(embargo - time::Duration::minutes(5))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(step(&app, &token, embargoed_id, "schedule", Some(embargo)).await.1["status"], "scheduled");
    // Lifting the embargo is an edit like any other.
    assert_eq!(step(&app, &token, embargoed_id, "return_to_draft", None).await.1["status"], "draft");
    fields["embargo_until"] = Value::Null;
    fields["revision"] = json!(1);
    let (status, _) = app.api(Method::PUT, &format!("/admin/api/articles/{embargoed_id}"), &token, Some(fields)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(step(&app, &token, embargoed_id, "publish", None).await.1["status"], "published");
}

#[tokio::test]
async fn an_article_due_while_the_site_was_down_is_published_at_the_next_start_with_its_time() {
    let data = tempfile::tempdir().unwrap();
    let settings = test_settings(&data.path().join("data"));
    let at = (OffsetDateTime::now_utc() + time::Duration::seconds(3)).replace_nanosecond(0).unwrap();
    let (id, session) = {
        let listener = masthead::bind(settings.listen).await.unwrap();
        let site = masthead::open_site(&settings, listener.local_addr().unwrap()).await.unwrap();
        let request = masthead_newsroom::accounts::AccountRequest {
            email: "editor@example.org".into(),
            name: "Night Editor".into(),
            role: Role::Editor,
            password: Some("correct horse battery".into()),
        };
        let (editor, _) = site.newsroom.create_account(None, request).await.unwrap();
        let input = masthead_newsroom::articles::DraftInput {
            headline: "Published while nobody watched".into(),
            section: "world".into(),
            ..Default::default()
        };
        let article = site.newsroom.create_article(&editor, input).await.unwrap();
        site.newsroom.step(&editor, article.id, masthead_content::Transition::Schedule, Some(at)).await.unwrap();
        let session = site.newsroom.sign_in("editor@example.org", "correct horse battery", None).await.unwrap();
        site.store.close().await;
        (article.id, session.token)
        // The site is dropped here without ever running its job runner: it was "down" at `at`.
    };
    // The site stays down until the scheduled time has passed.
    let until = at - OffsetDateTime::now_utc() + time::Duration::milliseconds(500);
    tokio::time::sleep(std::time::Duration::try_from(until).unwrap_or_default()).await;
    assert!(OffsetDateTime::now_utc() > at);
    let listener = masthead::bind(settings.listen).await.unwrap();
    let address = listener.local_addr().unwrap();
    let site = masthead::open_site(&settings, address).await.unwrap();
    let newsroom = site.newsroom.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(site.serve(listener, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let mut waited = 0;
    loop {
        let response =
            client.get(format!("http://{address}/world/published-while-nobody-watched")).send().await.unwrap();
        if response.status() == StatusCode::OK {
            break;
        }
        waited += 1;
        assert!(waited < 200, "not published after the restart");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let article = newsroom.store().article(id).await.unwrap().unwrap();
    assert_eq!(article.published_at, Some(at), "the scheduled time is kept, not the time of the restart");
    // The session made before the restart is still good.
    let response = client
        .get(format!("http://{address}/admin"))
        .header("cookie", format!("masthead_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn saving_over_a_newer_revision_is_refused_and_nothing_typed_is_lost() {
    let app = TestApp::spawn().await;
    let first = app.account(Role::Editor, 1).await;
    let second = app.account(Role::Editor, 2).await;
    let token = app.token(&first).await;
    let article = draft(&app, &token, "Two editors, one story").await;
    let id = article["id"].as_str().unwrap();
    // Both open revision 1. The first saves through the API.
    let mine = json!({"headline": "Two editors, one story", "section": "world", "body_source": "The first editor's words.", "revision": 1});
    let (status, saved) = app.api(Method::PUT, &format!("/admin/api/articles/{id}"), &token, Some(mine.clone())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(saved["revision"], 2);
    let (status, body) = app.api(Method::PUT, &format!("/admin/api/articles/{id}"), &token, Some(mine)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["current_revision"], 2);
    // The second saves from the form, still on revision 1: refused, their text kept, the other version shown.
    let browser = app.sign_in(&second).await;
    let fields = [
        ("headline", "Two editors, one story"),
        ("section", "world"),
        ("body_source", "The second editor's own paragraph."),
        ("revision", "1"),
    ];
    let response = app.post_form(&browser, &format!("/admin/articles/{id}"), &fields).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = scraper::Html::parse_document(&response.text().await.unwrap());
    assert!(crate::support::texts(&html, "[role=alert]")[0].starts_with("Someone else saved this article meanwhile"));
    assert_eq!(crate::support::texts(&html, "textarea#body_source"), ["The second editor's own paragraph."]);
    let conflict = crate::support::texts(&html, ".conflict .diff").join("\n");
    assert!(
        conflict.contains("− The first editor's words.") && conflict.contains("+ The second editor's own paragraph."),
        "{conflict}"
    );
    let revision_field = html.select(&crate::support::css("input[name=revision]")).next().unwrap();
    assert_eq!(revision_field.value().attr("value"), Some("2"), "the next save is made knowingly over revision 2");
    let mut fields = fields.to_vec();
    fields[3] = ("revision", "2");
    assert_eq!(
        app.post_form(&browser, &format!("/admin/articles/{id}"), &fields).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn every_save_keeps_a_revision_with_a_readable_diff_and_any_can_be_restored() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let token = app.token(&editor).await;
    let article = draft(&app, &token, "Revisions are kept").await;
    let id = article["id"].as_str().unwrap();
    let edit = |revision: u32, body: &str| json!({"headline": "Revisions are kept", "section": "world", "body_source": body, "revision": revision});
    app.api(Method::PUT, &format!("/admin/api/articles/{id}"), &token, Some(edit(1, "Line one.\nLine two."))).await;
    app.api(Method::PUT, &format!("/admin/api/articles/{id}"), &token, Some(edit(2, "Line one.\nLine 2, corrected.")))
        .await;
    let (_, history) = app.api(Method::GET, &format!("/admin/api/articles/{id}/revisions"), &token, None).await;
    let numbers: Vec<u64> =
        history["revisions"].as_array().unwrap().iter().map(|r| r["number"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [3, 2, 1]);
    assert_eq!(history["revisions"][0]["saved_by"], "Editor Number1");
    let browser = app.sign_in(&editor).await;
    let page = app.with_cookie(&browser.cookie, &format!("/admin/articles/{id}/revisions?from=2&to=3")).await;
    let html = scraper::Html::parse_document(&page);
    let diff = crate::support::texts(&html, ".diff span");
    assert_eq!(diff, ["Line one.", "− Line two.", "+ Line 2, corrected."]);
    let (status, restored) = app
        .api(
            Method::POST,
            &format!("/admin/api/articles/{id}/restore"),
            &token,
            Some(json!({"number": 2, "revision": 3})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(restored["revision"], 4);
    assert_eq!(restored["body_source"], "Line one.\nLine two.");
}

#[tokio::test]
async fn a_correction_appears_on_the_article_and_moves_its_modified_date() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let token = app.token(&editor).await;
    let article = draft(&app, &token, "A story with an error").await;
    let id = article["id"].as_str().unwrap();
    step(&app, &token, id, "publish", None).await;
    let (status, _) = app
        .api(Method::POST, &format!("/admin/api/articles/{id}/corrections"), &token, Some(json!({"note": "  "})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let note = "An earlier version gave the wrong date for the talks.";
    let (status, corrected) = app
        .api(Method::POST, &format!("/admin/api/articles/{id}/corrections"), &token, Some(json!({"note": note})))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, page) = app.page(corrected["url"].as_str().unwrap()).await;
    assert!(page.root_element().text().collect::<String>().contains(note));
    let json_ld = crate::support::texts(&page, "script[type='application/ld+json']").join("");
    let corrected_at = corrected["corrections"][0]["issued_at"].as_str().unwrap();
    assert!(json_ld.contains(&format!("\"dateModified\":\"{corrected_at}\"")), "{json_ld}");
}

#[tokio::test]
async fn the_editor_pages_render_for_a_signed_in_writer() {
    let app = TestApp::spawn().await;
    let reporter = app.account(Role::Contributor, 1).await;
    let browser = app.sign_in(&reporter).await;
    let page = app.with_cookie(&browser.cookie, "/admin/articles/new").await;
    assert!(page.contains("<h1>New article</h1>"));
    let response = app
        .post_form(
            &browser,
            "/admin/articles",
            &[("headline", "Written in the form"), ("section", "world"), ("tags", "Geneva, Talks")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let editor = app.with_cookie(&browser.cookie, &location).await;
    let html = scraper::Html::parse_document(&editor);
    assert_eq!(crate::support::texts(&html, "[role=status]")[0], "Saved.");
    let steps: Vec<String> = crate::support::texts(&html, ".steps button");
    assert_eq!(steps, ["Submit for review"], "a contributor is offered only what they may do");
    // Demo articles are someone else's: a contributor sees them read-only.
    let list = app.with_cookie(&browser.cookie, "/admin?q=Ukraine").await;
    assert!(list.contains("US Doubtful on Ukraine Ceasefire"));
}
