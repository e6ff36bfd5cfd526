//! Every kind of reader page passes the W3C Nu HTML Checker with no errors.
//!
//! The checker (vnu.jar, a Java program) is installed by the README's test
//! command into `tests/node_modules`. Run alone, without it, this test
//! says it is skipping; the full suite sets `MASTHEAD_REQUIRE_VALIDATOR=1`
//! so that a missing checker fails instead.

use std::path::PathBuf;
use std::process::Command;

use masthead_storage::{Listing, PageRequest, Store};

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
    ]
    .iter()
    .map(|p| (*p).to_owned())
    .collect();
    let articles = app.store.published_articles(&Listing::All, PageRequest::new(1, 100)).await.unwrap();
    paths.extend(articles.items.iter().map(|a| format!("/{}/{}", a.section.slug, a.slug)));

    let folder = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let html = app.get(path).await.text().await.unwrap();
        let file = folder.path().join(format!("page-{i}.html"));
        std::fs::write(&file, html).unwrap();
        files.push(file);
    }
    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--format", "json", "--stdout"])
        .args(&files)
        .output()
        .expect("java runs (install a JRE: apt-get install default-jre-headless)");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("the checker's report is JSON ({e}): {}", String::from_utf8_lossy(&output.stderr)));
    let messages = report["messages"].as_array().expect("a list of messages");
    let errors: Vec<String> = messages
        .iter()
        .filter(|m| m["type"] == "error" || m["subType"] == "fatal")
        .map(|m| {
            let url = m["url"].as_str().unwrap_or_default();
            let index = files.iter().position(|f| url.ends_with(&*f.file_name().unwrap().to_string_lossy()));
            let page = index.map(|i| paths[i].as_str()).unwrap_or(url);
            format!("{page} line {}: {}", m["lastLine"], m["message"])
        })
        .collect();
    assert!(errors.is_empty(), "Nu HTML Checker errors:\n{}", errors.join("\n"));
    assert!(paths.len() >= 20, "checked {} pages", paths.len());
}
