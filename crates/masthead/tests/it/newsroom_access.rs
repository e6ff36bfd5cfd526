//! Who may use the newsroom: every admin route refuses anonymous requests,
//! every role gets exactly what the permission policy allows, forms need
//! their CSRF token, and sign-ins are throttled.

use masthead_content::{Action, Role};
use masthead_web::{Access, AdminRoute, admin_routes};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Account, TestApp};

/// The ids the route patterns need, in a site with a draft owned by someone else.
struct Fixture {
    article: String,
    comment: String,
    revision: u32,
    image: String,
    user: String,
}

async fn fixture(app: &TestApp, owner: &Account, bystander: &Account) -> Fixture {
    let token = app.token(owner).await;
    let (status, article) = app
        .api(
            Method::POST,
            "/admin/api/articles",
            &token,
            Some(json!({"headline": "Owner's draft", "section": "world"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{article}");
    let image = app
        .client
        .post(format!("{}/admin/api/images?caption=c&credit=Photo%3A%20Ann&alt_text=a", app.url))
        .bearer_auth(&token)
        .body(crate::newsroom_images::jpeg(64, 48))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let demo = app
        .store
        .published_articles(&masthead_storage::Listing::All, masthead_storage::PageRequest::new(1, 1))
        .await
        .unwrap();
    let comment = masthead_storage::Store::add_comment(
        app.store.as_ref(),
        masthead_content::NewComment {
            article_id: demo.items[0].id,
            parent_id: None,
            author_name: "A reader".into(),
            author_email: None,
            body: "Held for the matrix.".into(),
            status: masthead_content::CommentStatus::Pending,
            posted_at: time::OffsetDateTime::now_utc(),
            client_hash: None,
            spam_score: 0,
            reasons: Vec::new(),
        },
    )
    .await
    .unwrap();
    Fixture {
        comment: comment.id.to_string(),
        article: article["id"].as_str().unwrap().to_owned(),
        revision: article["revision"].as_u64().unwrap() as u32,
        image: image["id"].as_str().unwrap().to_owned(),
        user: bystander.user.id.to_string(),
    }
}

fn concrete_path(route: &AdminRoute, f: &Fixture) -> String {
    let path = route.path.replace("{number}", "1").replace("{topic}", "matrix-topic");
    if path.starts_with("/admin/api/images/") || path.starts_with("/admin/images/") {
        path.replace("{id}", &f.image)
    } else if path.contains("/users/") {
        path.replace("{id}", &f.user)
    } else {
        path.replace("{id}", &f.article)
    }
}

/// A valid request body for each route that takes one, so an allowed role is
/// never refused for its input, and a refused one is refused for its role.
fn api_body(route: &AdminRoute, f: &Fixture) -> Option<serde_json::Value> {
    let body = match (route.method.as_str(), route.path) {
        ("POST", "/admin/api/articles") => json!({"headline": "A matrix draft", "section": "world"}),
        ("PUT", "/admin/api/articles/{id}") => {
            json!({"headline": "Edited by the matrix", "section": "world", "revision": f.revision})
        }
        ("POST", "/admin/api/articles/{id}/step") => json!({"step": "submit"}),
        ("POST", "/admin/api/articles/{id}/corrections") => json!({"note": "A correction."}),
        ("POST", "/admin/api/articles/{id}/restore") => json!({"number": 1, "revision": f.revision}),
        ("POST", "/admin/api/preview") => json!({"body_source": "Hello"}),
        ("PUT", "/admin/api/images/{id}") => json!({"caption": "c", "credit": "Photo: Ann", "alt_text": "a"}),
        ("POST", "/admin/api/users") => {
            json!({"email": format!("new-{}@example.org", f.revision), "name": "New Person", "role": "contributor"})
        }
        ("PUT", "/admin/api/users/{id}/role") => json!({"role": "contributor"}),
        ("POST", "/admin/api/tokens") => json!({"label": "matrix"}),
        ("POST", "/admin/api/comments/moderate") => json!({"ids": [f.comment], "verdict": "approve"}),
        ("POST", "/admin/api/comments/erase") => json!({"email": "nobody@example.org"}),
        ("PUT", "/admin/api/articles/{id}/comments") => json!({"state": "auto"}),
        ("POST", "/admin/api/articles/{id}/topics") => json!({"name": "Matrix Topic", "type": "place"}),
        ("PUT", "/admin/api/articles/{id}/topics/{topic}") => json!({"state": "confirmed"}),
        ("PUT", "/admin/api/articles/{id}/related") => json!({"pinned": []}),
        ("PUT", "/admin/api/settings") => {
            json!({"comment_moderation": "hold_first_time", "comments_close_after_days": 30})
        }
        _ => return None,
    };
    Some(body)
}

fn form_fields(route: &AdminRoute, f: &Fixture) -> Vec<(&'static str, String)> {
    let fields: Vec<(&'static str, String)> = match route.path {
        "/admin/sign-in" => vec![("email", "nobody@example.org".into()), ("password", "wrong password".into())],
        "/admin/articles" | "/admin/articles/{id}" => vec![
            ("headline", "Edited in a form".into()),
            ("section", "world".into()),
            ("revision", f.revision.to_string()),
        ],
        "/admin/articles/{id}/step" => vec![("step", "submit".into())],
        "/admin/articles/{id}/corrections" => vec![("note", "A correction.".into())],
        "/admin/articles/{id}/restore" => vec![("number", "1".into()), ("revision", f.revision.to_string())],
        "/admin/preview" => vec![("body_source", "Hello".into())],
        "/admin/images/{id}" => {
            vec![("caption", "c".into()), ("credit", "Photo: Ann".into()), ("alt_text", "a".into())]
        }
        "/admin/users" => vec![
            ("email", "form-made@example.org".into()),
            ("name", "Form Made".into()),
            ("role", "contributor".into()),
        ],
        "/admin/users/{id}/role" => vec![("role", "contributor".into())],
        "/admin/account/tokens" => vec![("label", "matrix".into())],
        "/admin/comments/moderate" => vec![("one", format!("approve:{}", f.comment))],
        "/admin/comments/erase" => vec![("email", "nobody@example.org".into())],
        "/admin/articles/{id}/comments" => vec![("state", "auto".into())],
        "/admin/articles/{id}/topics" => vec![("name", "Matrix Topic".into()), ("type", "place".into())],
        "/admin/settings" => vec![("moderation", "hold_first_time".into()), ("close_after_days", "30".into())],
        _ => vec![],
    };
    fields
}

/// Routes that end the caller's own sessions go last (the API's first, as
/// it would otherwise find its token revoked), so the walk can go on.
fn walk_order(mut routes: Vec<AdminRoute>) -> Vec<AdminRoute> {
    routes.sort_by_key(|r| (r.path.contains("sign-out"), !r.is_api()));
    routes
}

#[tokio::test]
async fn no_admin_route_answers_without_signing_in() {
    let app = TestApp::spawn().await;
    let owner = app.account(Role::Admin, 1).await;
    let bystander = app.account(Role::Contributor, 2).await;
    let f = fixture(&app, &owner, &bystander).await;
    let routes = admin_routes();
    assert!(routes.len() >= 40, "the newsroom has {} routes", routes.len());
    for route in routes.iter().filter(|r| r.access != Access::Public) {
        let path = concrete_path(route, &f);
        let mut request = app.client.request(route.method.clone(), format!("{}{path}", app.url));
        if route.is_api() {
            if let Some(body) = api_body(route, &f) {
                request = request.json(&body);
            }
        } else {
            request = request.form(&form_fields(route, &f));
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        if route.is_api() {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{} {path}", route.method);
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["error"], "Please sign in.");
        } else {
            assert_eq!(status, StatusCode::SEE_OTHER, "{} {path}", route.method);
            let location = response.headers()["location"].to_str().unwrap();
            assert!(location.starts_with("/admin/sign-in"), "{} {path} → {location}", route.method);
        }
    }
    // A made-up token is no better than none.
    let (status, _) = app.api(Method::GET, "/admin/api/me", "mh_not-a-real-token", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn every_role_gets_exactly_what_the_policy_allows_on_every_route() {
    let app = TestApp::spawn().await;
    let owner = app.account(Role::Admin, 1).await;
    let bystander = app.account(Role::Contributor, 2).await;
    let f = fixture(&app, &owner, &bystander).await;
    let mut checked = 0;
    for (n, role) in Role::ALL.into_iter().enumerate() {
        let actor = app.account(role, 10 + n as u32).await;
        let token = app.token(&actor).await;
        let browser = app.sign_in(&actor).await;
        for route in walk_order(admin_routes()) {
            let Access::SignedIn(action) = route.access else { continue };
            let on_article = route.path.contains("/articles/{id}");
            // The owner's draft is someone else's for every actor.
            let status_now = on_article.then_some(masthead_content::Status::Draft);
            let allowed = role.may(action, false, status_now)
                // Viewing and previewing never depend on ownership; stepping a draft the actor does
                // not own is refused for contributors and authors whatever the status.
                || (action == Action::ViewNewsroom);
            let path = concrete_path(&route, &f);
            let status = if route.is_api() {
                app.api(route.method.clone(), &path, &token, api_body(&route, &f)).await.0
            } else if route.method == Method::GET {
                app.client
                    .get(format!("{}{path}", app.url))
                    .header("cookie", &browser.cookie)
                    .send()
                    .await
                    .unwrap()
                    .status()
            } else if route.path == "/admin/images" {
                let form = reqwest::multipart::Form::new()
                    .part(
                        "file",
                        reqwest::multipart::Part::bytes(crate::newsroom_images::jpeg(32, 32)).file_name("a.jpg"),
                    )
                    .text("caption", "c");
                app.client
                    .post(format!("{}{path}?csrf={}", app.url, browser.csrf))
                    .header("cookie", &browser.cookie)
                    .multipart(form)
                    .send()
                    .await
                    .unwrap()
                    .status()
            } else {
                let fields = form_fields(&route, &f);
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.post_form(&browser, &path, &fields).await.status()
            };
            if allowed {
                assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
                    "{role} should be allowed {} {path}, got {status}",
                    route.method
                );
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{role} should be refused {} {path}", route.method);
            }
            checked += 1;
        }
    }
    assert!(checked >= 4 * 40, "checked {checked} role × route pairs");
}

#[tokio::test]
async fn forms_without_the_session_csrf_token_are_refused() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let browser = app.sign_in(&editor).await;
    let post = |csrf: Option<&str>, origin: Option<&str>| {
        let mut fields = vec![("headline", "Forged"), ("section", "world")];
        if let Some(csrf) = csrf {
            fields.push(("csrf", csrf));
        }
        let mut request =
            app.client.post(format!("{}/admin/articles", app.url)).header("cookie", &browser.cookie).form(&fields);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send()
    };
    assert_eq!(post(None, None).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(post(Some("not-the-token"), None).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(post(Some(&browser.csrf), Some("https://evil.example")).await.unwrap().status(), StatusCode::FORBIDDEN);
    let page = app.with_cookie(&browser.cookie, "/admin?q=Forged").await;
    assert!(page.contains("0 articles"), "no forged article was created");
    // With its token the same form goes through.
    let response = post(Some(&browser.csrf), Some(&app.url)).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn repeated_failed_sign_ins_are_throttled_with_retry_after() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let attempt = |password: &str| {
        app.client
            .post(format!("{}/admin/sign-in", app.url))
            .form(&[("email", editor.user.email.as_str()), ("password", password)])
            .send()
    };
    for _ in 0..5 {
        let response = attempt("wrong password").await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(response.text().await.unwrap().contains("The email address or password is wrong."));
    }
    // Now even the right password waits: a guesser learns nothing from it.
    let response = attempt(&editor.password).await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait), "Retry-After {wait}");
    assert!(response.text().await.unwrap().contains("Too many failed sign-ins"));
    // Another account is not affected.
    let other = app.account(Role::Author, 2).await;
    app.sign_in(&other).await;
}

#[tokio::test]
async fn session_cookies_are_http_only_and_signing_out_everywhere_ends_every_session() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let response = app
        .client
        .post(format!("{}/admin/sign-in", app.url))
        .form(&[("email", editor.user.email.as_str()), ("password", editor.password.as_str())])
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/admin"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "the test site is http, so the cookie cannot be Secure");
    let laptop = app.sign_in(&editor).await;
    let phone = app.sign_in(&editor).await;
    let token = app.token(&editor).await;
    assert!(app.with_cookie(&phone.cookie, "/admin").await.contains("Articles"));
    let response = app.post_form(&laptop, "/admin/sign-out-everywhere", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    for browser in [&laptop, &phone] {
        let response =
            app.client.get(format!("{}/admin", app.url)).header("cookie", &browser.cookie).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "the session has ended");
    }
    assert_eq!(app.api(Method::GET, "/admin/api/me", &token, None).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_admin_resets_a_password_and_the_old_one_and_its_sessions_stop_working() {
    let app = TestApp::spawn().await;
    let admin = app.account(Role::Admin, 1).await;
    let reporter = app.account(Role::Contributor, 2).await;
    let reporter_browser = app.sign_in(&reporter).await;
    let token = app.token(&admin).await;
    let (status, body) =
        app.api(Method::POST, &format!("/admin/api/users/{}/password", reporter.user.id), &token, None).await;
    assert_eq!(status, StatusCode::OK);
    let new_password = body["password"].as_str().unwrap().to_owned();
    assert!(new_password.len() >= 16);
    let response =
        app.client.get(format!("{}/admin", app.url)).header("cookie", &reporter_browser.cookie).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let old = app
        .client
        .post(format!("{}/admin/sign-in", app.url))
        .form(&[("email", reporter.user.email.as_str()), ("password", reporter.password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    app.sign_in(&Account { user: reporter.user.clone(), password: new_password }).await;
    // Nobody but an admin may do it.
    let editor = app.account(Role::Editor, 3).await;
    let editor_token = app.token(&editor).await;
    let (status, body) =
        app.api(Method::POST, &format!("/admin/api/users/{}/password", admin.user.id), &editor_token, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "Only an admin can manage accounts.");
}

#[tokio::test]
async fn the_openapi_document_is_served_and_describes_the_api() {
    let app = TestApp::spawn().await;
    let response = app.get("/admin/api/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    let document: serde_json::Value = response.json().await.unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    let documented: usize =
        document["paths"].as_object().unwrap().values().map(|ops| ops.as_object().unwrap().len()).sum();
    assert_eq!(documented, admin_routes().iter().filter(|r| r.is_api()).count());
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_the_site_is_served_over_https() {
    let app = TestApp::spawn_with(|settings| settings.site_url = Some("https://news.example".into())).await;
    let editor = app.account(Role::Editor, 1).await;
    let response = app
        .client
        .post(format!("{}/admin/sign-in", app.url))
        .form(&[("email", editor.user.email.as_str()), ("password", editor.password.as_str())])
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.ends_with("; Secure") && cookie.contains("HttpOnly"), "{cookie}");
}
