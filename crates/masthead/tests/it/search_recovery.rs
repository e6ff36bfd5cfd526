//! The search index after a crash: changes it never heard of (the server
//! was killed between a save and the index's commit) are caught up from the
//! database at the next start, so search never keeps an article's old text.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use masthead_content::{ArticleId, Status};
use masthead_storage::{Listing, PageRequest};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::support::test_settings;

async fn finds(search: &masthead_search::SearchService, words: &str) -> Vec<String> {
    let query = masthead_search::SearchQuery { text: words.into(), page: 1, per_page: 50, ..Default::default() };
    search.search(query).await.unwrap().hits.into_iter().map(|hit| hit.url).collect()
}

#[tokio::test]
async fn changes_the_index_never_heard_of_are_caught_up_at_the_next_start() {
    let data = tempfile::tempdir().unwrap();
    let settings = test_settings(&data.path().join("data"));
    let address = "127.0.0.1:0".parse().unwrap();
    let site = masthead::open_site(&settings, address).await.unwrap();
    let listed = site.store.published_articles(&Listing::All, PageRequest::new(1, 3)).await.unwrap().items;
    let (edited, withdrawn) = (listed[0].id, listed[1].id);
    // Behind the index's back, as when the server dies before the index commits.
    let article = site.store.article(edited).await.unwrap().unwrap();
    let mut draft = article.draft();
    draft.body_source.push_str("\n\nA zeppelinesque postscript.");
    site.store
        .save_article(edited, article.revision, &draft, "Ann Lee", time::OffsetDateTime::now_utc())
        .await
        .unwrap();
    let now = time::OffsetDateTime::now_utc();
    site.store.change_status(withdrawn, Status::Published, Status::Unpublished, None, now, None).await.unwrap();
    let withdrawn_url = format!("/{}/{}", listed[1].section.slug, listed[1].slug);
    assert!(finds(&site.search, "zeppelinesque").await.is_empty(), "the running index never heard of the save");
    drop(site);

    let site = masthead::open_site(&settings, address).await.unwrap();
    let edited_url = format!("/{}/{}", listed[0].section.slug, listed[0].slug);
    assert_eq!(finds(&site.search, "zeppelinesque").await, vec![edited_url], "the save is searchable");
    let title = listed[1].headline.as_str().to_owned();
    assert!(!finds(&site.search, &title).await.contains(&withdrawn_url), "the unpublished article is gone");
    assert_eq!(site.search.behind().await.unwrap().len(), 0, "nothing is left behind");
}

/// The binary, serving a data directory on port 0; returns the child and its URL.
async fn serve(data: &Path) -> (tokio::process::Child, String) {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_masthead"))
        .args(["serve", "--listen", "127.0.0.1:0", "--log", "error", "--data-dir"])
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = tokio::time::timeout(Duration::from_secs(120), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(at) = line.strip_prefix("Masthead is serving The Masthead Times at ") {
                return at.trim_end_matches('/').to_owned();
            }
        }
        panic!("masthead exited without printing its URL");
    })
    .await
    .expect("masthead printed its URL");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}

#[tokio::test]
async fn search_is_consistent_after_every_kill_during_a_burst_of_saves() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let token = {
        let (mut child, _) = serve(&data).await;
        child.kill().await.unwrap();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_masthead"))
            .args(["user", "add", "--email", "ed@example.org", "--name", "Ed Itor", "--role", "editor", "--data-dir"])
            .arg(&data)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_masthead"))
            .args(["user", "token", "--email", "ed@example.org", "--label", "crash test", "--data-dir"])
            .arg(&data)
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    };
    let client = reqwest::Client::new();
    for kill in 0..3 {
        let (mut child, url) = serve(&data).await;
        let listed: Value = client
            .get(format!("{url}/admin/api/articles?status=published"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        // Every published article is saved with a word of this round, as fast as the server takes them.
        let mut saved = Vec::new();
        for (n, article) in listed["articles"].as_array().unwrap().iter().enumerate() {
            let id = article["id"].as_str().unwrap();
            let full: Value = client
                .get(format!("{url}/admin/api/articles/{id}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let word = format!("crashword{kill}x{n}");
            let mut fields = json!({
                "headline": full["headline"], "standfirst": full["standfirst"], "section": full["section"],
                "body_source": format!("{}\n\nAlso {word}.", full["body_source"].as_str().unwrap()),
                "tags": full["tags"], "authors": full["authors"], "slug": full["slug"], "revision": full["revision"],
            });
            if let Some(image) = full["lead_image"]["id"].as_str() {
                fields["lead_image"] = json!(image);
            }
            let response = client
                .put(format!("{url}/admin/api/articles/{id}"))
                .bearer_auth(&token)
                .json(&fields)
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success(), "save {n}: {}", response.text().await.unwrap());
            saved.push((ArticleId::parse(id).unwrap(), word, full["url"].as_str().unwrap().to_owned()));
        }
        assert!(saved.len() >= 10);
        child.start_kill().unwrap();
        child.wait().await.unwrap();

        let (child, url) = serve(&data).await;
        for (_, word, article_url) in &saved {
            let found: Value =
                client.get(format!("{url}/search.json?q={word}")).send().await.unwrap().json().await.unwrap();
            let urls: Vec<&str> =
                found["results"].as_array().unwrap().iter().filter_map(|r| r["url"].as_str()).collect();
            assert_eq!(urls, vec![article_url.as_str()], "after kill {kill}, search finds the save with {word}");
        }
        drop(child);
    }
}
