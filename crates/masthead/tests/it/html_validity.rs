//! Every kind of reader page passes the W3C Nu HTML Checker with no errors.
//!
//! The checker (vnu.jar, a Java program) is installed by the README's test
//! command into `tests/node_modules`. Run alone, without it, this test
//! says it is skipping; the full suite sets `MASTHEAD_REQUIRE_VALIDATOR=1`
//! so that a missing checker fails instead.

use std::path::PathBuf;
use std::process::Command;

use masthead_storage::{Listing, PageRequest};

use crate::support::TestApp;

fn validator_jar() -> Option<PathBuf> {
    let default = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/node_modules/vnu-jar/build/dist/vnu.jar");
    let jar = std::env::var_os("MASTHEAD_VNU_JAR").map(PathBuf::from).unwrap_or(default);
    if jar.is_file() {
        return Some(jar);
    }
    if std::env::var_os("MASTHEAD_REQUIRE_VALIDATOR").is_some() {
        panic!("the Nu HTML Checker is required but {} does not exist", jar.display());
    }
    eprintln!(
        "skipping: the Nu HTML Checker is not installed at {} (the README's test command installs it)",
        jar.display()
    );
    None
}

#[tokio::test]
async fn every_kind_of_reader_page_passes_the_nu_html_checker() {
    let Some(jar) = validator_jar() else { return };
    let app = TestApp::spawn_with(|settings| settings.page_size = 3).await;
    let mut paths: Vec<String> = [
        "/",
        "/world",
        "/politics",
        "/business",
        "/world?page=2",
        "/tag/ukraine",
        "/author/elena-marchetti",
        "/no-such-page",
        "/world/no-such-story",
        "/world?page=x",
        "/search",
        "/search?q=Blinken+Davos",
        "/search?q=%22no+such+phrase%22&section=world&from=2020-01-01",
        "/topic/antony-blinken",
        "/topic/kyiv",
    ]
    .iter()
    .map(|p| (*p).to_owned())
    .collect();
    let articles = app.store.published_articles(&Listing::All, PageRequest::new(1, 100)).await.unwrap();
    paths.extend(articles.items.iter().map(|a| format!("/{}/{}", a.section.slug, a.slug)));

    let mut pages = Vec::new();
    for path in &paths {
        pages.push((path.clone(), app.get(path).await.text().await.unwrap()));
    }
    let errors = nu_errors(&jar, &pages);
    assert!(errors.is_empty(), "Nu HTML Checker errors:\n{}", errors.join("\n"));
    assert!(paths.len() >= 20, "checked {} pages", paths.len());
}

/// Runs the checker over `(label, html)` pages; returns its errors, each with its page's label.
fn nu_errors(jar: &std::path::Path, pages: &[(String, String)]) -> Vec<String> {
    let folder = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, (_, html)) in pages.iter().enumerate() {
        let file = folder.path().join(format!("page-{i}.html"));
        std::fs::write(&file, html).unwrap();
        files.push(file);
    }
    let output = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--format", "json", "--stdout"])
        .args(&files)
        .output()
        .expect("java runs (install a JRE: apt-get install default-jre-headless)");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("the checker's report is JSON ({e}): {}", String::from_utf8_lossy(&output.stderr)));
    let messages = report["messages"].as_array().expect("a list of messages");
    messages
        .iter()
        .filter(|m| m["type"] == "error" || m["subType"] == "fatal")
        .map(|m| {
            let url = m["url"].as_str().unwrap_or_default();
            let index = files.iter().position(|f| url.ends_with(&*f.file_name().unwrap().to_string_lossy()));
            let page = index.map(|i| pages[i].0.as_str()).unwrap_or(url);
            format!("{page} line {}: {}", m["lastLine"], m["message"])
        })
        .collect()
}

#[tokio::test]
async fn every_newsroom_page_passes_the_nu_html_checker() {
    let Some(jar) = validator_jar() else { return };
    let app = TestApp::spawn().await;
    let admin = app.account(masthead_content::Role::Admin, 1).await;
    let browser = app.sign_in(&admin).await;
    let token = app.token(&admin).await;
    let image: serde_json::Value = app
        .client
        .post(format!("{}/admin/api/images?caption=A%20caption&credit=Photo%20from%20Google", app.url))
        .bearer_auth(&token)
        .body(crate::newsroom_images::jpeg(800, 600))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let image_id = image["id"].as_str().unwrap();
    let body = serde_json::json!({
        "headline": "A story <with> \"markup\" & more",
        "section": "world",
        "body_source": "One.\n\n```read-also\nno-such-story\n```\n\nTwo.",
        "lead_image": image_id,
    });
    let (_, article) = app.api(reqwest::Method::POST, "/admin/api/articles", &token, Some(body.clone())).await;
    let id = article["id"].as_str().unwrap();
    let mut edit = body.clone();
    edit["body_source"] = serde_json::json!("One, changed.\n\nTwo.");
    edit["revision"] = serde_json::json!(1);
    app.api(reqwest::Method::PUT, &format!("/admin/api/articles/{id}"), &token, Some(edit)).await;
    let (_, listed) = app.api(reqwest::Method::GET, "/admin/api/articles?q=Ukraine%20Ceasefire", &token, None).await;
    let seed = listed["articles"][0]["id"].as_str().unwrap().to_owned();
    let mut pages = vec![("/admin/sign-in".to_owned(), app.get("/admin/sign-in").await.text().await.unwrap())];
    for path in [
        "/admin".to_owned(),
        "/admin?status=draft&q=story".to_owned(),
        "/admin/articles/new".to_owned(),
        format!("/admin/articles/{id}"),
        format!("/admin/articles/{id}/revisions?from=1&to=2"),
        "/admin/images".to_owned(),
        format!("/admin/images/{image_id}"),
        "/admin/users".to_owned(),
        "/admin/account".to_owned(),
        "/admin/comments".to_owned(),
        "/admin/comments?status=approved".to_owned(),
        "/admin/settings".to_owned(),
        format!("/admin/articles/{seed}"),
    ] {
        pages.push((path.clone(), app.with_cookie(&browser.cookie, &path).await));
    }
    // Pages in their error states: a refused stale save, a shown secret, a failed sign-in.
    let stale = app
        .post_form(
            &browser,
            &format!("/admin/articles/{id}"),
            &[("headline", "Mine"), ("section", "world"), ("revision", "1")],
        )
        .await;
    pages.push(("stale save".into(), stale.text().await.unwrap()));
    let created = app
        .post_form(&browser, "/admin/users", &[("name", "New One"), ("email", "new@example.org"), ("role", "author")])
        .await;
    pages.push(("new account".into(), created.text().await.unwrap()));
    let failed = app
        .client
        .post(format!("{}/admin/sign-in", app.url))
        .form(&[("email", "x@example.org"), ("password", "wrong password")])
        .send()
        .await
        .unwrap();
    pages.push(("failed sign-in".into(), failed.text().await.unwrap()));
    // The article page answering a refused comment, with the reader's text kept in the form.
    let refused = app
        .client
        .post(format!("{}/world/us-doubtful-on-ukraine-ceasefire/comments", app.url))
        .form(&[("name", "<b>Reader</b>"), ("body", "</textarea><p>Kept"), ("token", "forged")])
        .send()
        .await
        .unwrap();
    pages.push(("refused comment".into(), refused.text().await.unwrap()));
    pages.push((
        "reply form".into(),
        app.get("/world/us-doubtful-on-ukraine-ceasefire?reply=none&comment=held").await.text().await.unwrap(),
    ));
    let errors = nu_errors(&jar, &pages);
    assert!(errors.is_empty(), "Nu HTML Checker errors:\n{}", errors.join("\n"));
}
