//! Newsroom intelligence as readers and editors meet it: search, topic
//! pages, quotations, related stories, and the quality of the analysis
//! measured on labelled articles.

use std::path::Path;
use std::time::{Duration, Instant};

use masthead_content::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, hrefs, test_settings};

const SEED: &str = "/world/us-doubtful-on-ukraine-ceasefire";
const SEED_READ_ALSO: [&str; 2] =
    ["/world/north-korea-russia-cooperation-deepens", "/world/putin-alleges-us-election-rigging"];

async fn search(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/search.json?{query}")).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    response.json().await.unwrap()
}

fn urls(results: &Value) -> Vec<String> {
    results["results"].as_array().unwrap().iter().map(|hit| hit["url"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn search_finds_the_seed_article_first_for_its_names_and_its_subject() {
    let app = TestApp::spawn().await;
    for query in ["q=Blinken+Davos", "q=ceasefire", "q=ceasfire", "q=%22World+Economic+Forum%22"] {
        let results = search(&app, query).await;
        assert_eq!(urls(&results).first().map(String::as_str), Some(SEED), "{query}: {results}");
    }
    let typo = search(&app, "q=ceasfire").await;
    assert_eq!(typo["corrections"][0]["typed"], "ceasfir");
    let (status, page) = app.page("/search?q=Blinken+Davos").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.html().contains("<mark>Blinken</mark>"), "matched words are highlighted");
    assert_eq!(hrefs(&page, ".search-result h2 a").first().map(String::as_str), Some(SEED));
}

#[tokio::test]
async fn search_filters_by_section_author_tag_and_date() {
    let app = TestApp::spawn().await;
    assert!(!urls(&search(&app, "q=ceasefire&section=business").await).contains(&SEED.to_owned()));
    assert!(urls(&search(&app, "q=ceasefire&section=world").await).contains(&SEED.to_owned()));
    assert!(urls(&search(&app, "q=ceasefire&tag=ukraine").await).contains(&SEED.to_owned()));
    assert!(urls(&search(&app, "q=ceasefire&author=elena-marchetti").await).contains(&SEED.to_owned()));
    assert!(urls(&search(&app, "q=ceasefire&to=2001-01-01").await).is_empty());
    let everything_in_world = search(&app, "section=world").await;
    assert!(everything_in_world["total"].as_u64().unwrap() >= 3, "a filter alone lists its articles");
}

#[tokio::test]
async fn hostile_or_malformed_queries_get_a_normal_results_page() {
    let app = TestApp::spawn().await;
    for query in [
        "q=%22",
        "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "q=title%3A(%5B*",
        "q=AND+OR+NOT+-+%2B",
        "q=%FF%FE",
        "q=%",
        "q=a&page=999999",
        "q=x&from=not-a-date&to=2024-13-45&section=..%2F..",
        &format!("q={}", "ceasefire+".repeat(2000)),
    ] {
        let response = app.get(&format!("/search?{query}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{query}");
        let html = response.text().await.unwrap();
        assert!(!html.contains("<script>alert"), "{query}");
        assert_eq!(app.get(&format!("/search.json?{query}")).await.status(), StatusCode::OK, "{query}");
    }
}

/// Polls search until `found` holds, returning how long it took.
async fn until_search(app: &TestApp, query: &str, found: impl Fn(&[String]) -> bool) -> Duration {
    let started = Instant::now();
    loop {
        if found(&urls(&search(app, query).await)) {
            return started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(5), "search never caught up for {query}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_publish_an_edit_and_an_unpublish_reach_search_within_a_second() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let token = app.token(&editor).await;
    let (status, created) = app
        .api(
            Method::POST,
            "/admin/api/articles",
            &token,
            Some(json!({"headline": "Quokka census in Rottnest", "section": "world",
                        "body_source": "Rangers counted every quokka on the island."})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(urls(&search(&app, "q=quokka").await).is_empty(), "drafts are not searchable");
    let (status, published) = app
        .api(Method::POST, &format!("/admin/api/articles/{id}/step"), &token, Some(json!({"step": "publish"})))
        .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    let url = format!("/world/{}", published["slug"].as_str().unwrap());
    let took = until_search(&app, "q=quokka", |found| found.contains(&url)).await;
    eprintln!("publish searchable after {took:?}");
    assert!(took < Duration::from_secs(1), "published article searchable after {took:?}");

    let mut fields = json!({"headline": "Wombat census in Rottnest", "section": "world", "slug": published["slug"],
        "body_source": "Rangers counted every wombat on the island.", "revision": published["revision"]});
    fields["authors"] = published["authors"].clone();
    let (status, saved) = app.api(Method::PUT, &format!("/admin/api/articles/{id}"), &token, Some(fields)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let took = until_search(&app, "q=wombat", |found| found.contains(&url)).await;
    eprintln!("edit searchable after {took:?}");
    assert!(took < Duration::from_secs(1), "edit searchable after {took:?}");
    assert!(urls(&search(&app, "q=quokka").await).is_empty(), "the old words are gone");

    let (status, _) = app
        .api(Method::POST, &format!("/admin/api/articles/{id}/step"), &token, Some(json!({"step": "unpublish"})))
        .await;
    assert_eq!(status, StatusCode::OK);
    let took = until_search(&app, "q=wombat", |found| found.is_empty()).await;
    eprintln!("unpublish out of search after {took:?}");
    assert!(took < Duration::from_secs(1), "unpublished article left search after {took:?}");
}

#[tokio::test]
async fn a_corrupt_search_index_is_rebuilt_from_the_database_at_start() {
    let data = tempfile::tempdir().unwrap();
    let settings = test_settings(&data.path().join("data"));
    let address = "127.0.0.1:0".parse().unwrap();
    let site = masthead::open_site(&settings, address).await.unwrap();
    assert!(site.search.index().len() >= 11);
    drop(site);
    for entry in std::fs::read_dir(settings.search_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::write(&path, b"\x00 not an index").unwrap();
        }
    }
    let site = masthead::open_site(&settings, address).await.unwrap();
    let results = site.search.search(masthead_search::SearchQuery {
        text: "ceasefire".into(),
        page: 1,
        per_page: 10,
        ..Default::default()
    });
    let results = results.await.unwrap();
    assert!(results.hits.iter().any(|hit| hit.url == SEED), "rebuilt index finds the seed");
}

#[tokio::test]
async fn topic_pages_list_their_articles_and_what_people_said_with_a_feed() {
    let app = TestApp::spawn().await;
    let (status, page) = app.page("/topic/antony-blinken").await;
    assert_eq!(status, StatusCode::OK);
    assert!(hrefs(&page, ".card-headline a").contains(&SEED.to_owned()), "the seed is listed");
    assert!(page.html().contains("I don’t see it."), "his quotation is shown");
    let feed = app.get("/topic/antony-blinken/feed.xml").await;
    assert_eq!(feed.status(), StatusCode::OK);
    assert!(feed.text().await.unwrap().contains("us-doubtful-on-ukraine-ceasefire"));
    assert_eq!(app.get("/topic/world-economic-forum").await.status(), StatusCode::OK);
    assert_eq!(app.get("/topic/davos").await.status(), StatusCode::OK);
    assert_eq!(app.get("/topic/nobody-at-all").await.status(), StatusCode::NOT_FOUND);
    let (_, seed) = app.page(SEED).await;
    assert!(hrefs(&seed, ".article-topics a").contains(&"/topic/antony-blinken".to_owned()));
}

async fn seed_id(app: &TestApp, token: &str) -> String {
    let (_, listed) = app.api(Method::GET, "/admin/api/articles?q=Ukraine%20Ceasefire", token, None).await;
    listed["articles"][0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_seed_articles_read_also_stories_rank_above_every_unrelated_story() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let token = app.token(&editor).await;
    let id = seed_id(&app, &token).await;
    let (status, related) = app.api(Method::GET, &format!("/admin/api/articles/{id}/related"), &token, None).await;
    assert_eq!(status, StatusCode::OK);
    let ranked: Vec<&str> =
        related["suggested"].as_array().unwrap().iter().map(|s| s["url"].as_str().unwrap()).collect();
    let mut top_two = ranked[..2].to_vec();
    top_two.sort();
    assert_eq!(top_two, SEED_READ_ALSO, "ranking: {ranked:?}");
    // The seed page shows both as READ ALSO, and a related block after the text.
    let (_, page) = app.page(SEED).await;
    let mut read_also = hrefs(&page, ".read-also a");
    read_also.sort();
    assert_eq!(read_also, SEED_READ_ALSO);
    assert!(!hrefs(&page, ".related-stories a").is_empty());
}

#[tokio::test]
async fn editors_confirm_remove_and_add_topics_and_topic_pages_follow() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let token = app.token(&editor).await;
    let id = seed_id(&app, &token).await;
    let (status, topics) = app.api(Method::GET, &format!("/admin/api/articles/{id}/topics"), &token, None).await;
    assert_eq!(status, StatusCode::OK);
    let blinken = topics["topics"].as_array().unwrap().iter().find(|t| t["topic"] == "antony-blinken").unwrap();
    assert_eq!(blinken["type"], "person");
    assert_eq!(blinken["role"], "Secretary of State");
    assert_eq!(app.get("/topic/davos").await.status(), StatusCode::OK);
    let (status, _) = app
        .api(Method::PUT, &format!("/admin/api/articles/{id}/topics/davos"), &token, Some(json!({"state": "removed"})))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.get("/topic/davos").await.status(), StatusCode::NOT_FOUND, "no article has Davos any more");
    let (status, _) = app
        .api(
            Method::POST,
            &format!("/admin/api/articles/{id}/topics"),
            &token,
            Some(json!({"name": "Peace Talks Desk", "type": "organization"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, page) = app.page("/topic/peace-talks-desk").await;
    assert_eq!(status, StatusCode::OK);
    assert!(hrefs(&page, ".card-headline a").contains(&SEED.to_owned()));
    // A removed topic stays removed when the article is saved and analysed again.
    let (_, article) = app.api(Method::GET, &format!("/admin/api/articles/{id}"), &token, None).await;
    let mut fields = json!({"headline": article["headline"], "standfirst": article["standfirst"],
        "body_source": article["body_source"], "section": "world", "tags": article["tags"],
        "authors": article["authors"], "slug": article["slug"], "revision": article["revision"]});
    if let Some(image) = article["lead_image"]["id"].as_str() {
        fields["lead_image"] = json!(image);
    }
    let (status, _) = app.api(Method::PUT, &format!("/admin/api/articles/{id}"), &token, Some(fields)).await;
    assert_eq!(status, StatusCode::OK);
    let (_, topics) = app.api(Method::GET, &format!("/admin/api/articles/{id}/topics"), &token, None).await;
    let davos = topics["topics"].as_array().unwrap().iter().find(|t| t["topic"] == "davos").unwrap();
    assert_eq!(davos["state"], "removed");
}

#[tokio::test]
async fn a_pinned_story_becomes_the_inline_read_also_link() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let token = app.token(&editor).await;
    let (_, listed) = app.api(Method::GET, "/admin/api/articles?q=Central%20Banks", &token, None).await;
    let banks = listed["articles"][0]["id"].as_str().unwrap().to_owned();
    let banks_url = "/business/central-banks-signal-patience-on-rate-cuts";
    let (_, page) = app.page(banks_url).await;
    assert!(!hrefs(&page, ".read-also a").is_empty(), "suggestions fill the inline links of a body without any");
    let seed = seed_id(&app, &token).await;
    let (status, related) = app
        .api(Method::PUT, &format!("/admin/api/articles/{banks}/related"), &token, Some(json!({"pinned": [seed]})))
        .await;
    assert_eq!(status, StatusCode::OK, "{related}");
    assert_eq!(related["pinned"][0]["url"], SEED);
    let (_, page) = app.page(banks_url).await;
    assert_eq!(hrefs(&page, ".read-also a").first().map(String::as_str), Some(SEED), "the pinned story comes first");
    let (status, refused) = app
        .api(Method::PUT, &format!("/admin/api/articles/{banks}/related"), &token, Some(json!({"pinned": [banks]})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
}

#[tokio::test]
async fn the_editor_shows_topics_related_stories_and_quotations() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let browser = app.sign_in(&editor).await;
    let token = app.token(&editor).await;
    let id = seed_id(&app, &token).await;
    let html = app.with_cookie(&browser.cookie, &format!("/admin/articles/{id}")).await;
    assert!(html.contains("id=\"intelligence\""));
    assert!(html.contains("Antony Blinken") && html.contains("Secretary of State"));
    assert!(html.contains("I don’t see it."), "quotations are offered as pull quotes");
    assert!(html.contains("putin-alleges-us-election-rigging"), "related stories are suggested");
    let response = app
        .post_form(&browser, &format!("/admin/articles/{id}/topics"), &[("topic", "kyiv"), ("state", "removed")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, topics) = app.api(Method::GET, &format!("/admin/api/articles/{id}/topics"), &token, None).await;
    assert!(topics["topics"].as_array().unwrap().iter().any(|t| t["topic"] == "kyiv" && t["state"] == "removed"));
}

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../intelligence/tests/fixtures")
}

#[test]
fn masthead_analyze_finds_the_seed_articles_names_and_its_quotation() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_masthead"))
        .arg("analyze")
        .arg(fixtures().join("seed-article.txt"))
        .arg(fixtures().join("devset/01-black-sea-talks-open.txt"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<Value> =
        String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "one JSON object per file");
    let seed = &lines[0];
    assert_eq!(seed["id"], "seed-article");
    assert_eq!(seed["related"], json!(["01-black-sea-talks-open"]));
    let kind =
        |name: &str| seed["entities"].as_array().unwrap().iter().find(|e| e["name"] == name).map(|e| e["type"].clone());
    for (name, expected) in [
        ("Antony Blinken", "person"),
        ("Volodymyr Zelensky", "person"),
        ("Vladimir Putin", "person"),
        ("Joe Biden", "person"),
        ("US Congress", "organization"),
        ("World Economic Forum", "organization"),
        ("Davos", "place"),
        ("Kyiv", "place"),
        ("Ukraine", "place"),
        ("Russia", "place"),
        ("North Korea", "place"),
    ] {
        assert_eq!(kind(name), Some(json!(expected)), "{name}");
    }
    assert!(
        seed["quotes"].as_array().unwrap().contains(&json!({"text": "I don’t see it.", "speaker": "Antony Blinken"}))
    );
    let entity = &seed["entities"][0];
    assert!(entity["mentions"].is_array() && entity["salience"].is_number());
}

#[test]
fn masthead_analyze_names_an_unreadable_file() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_masthead"))
        .args(["analyze", "/no/such/article.txt"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot read /no/such/article.txt"), "{stderr}");
}

/// The figures the README reports; the analysis must not fall below them.
/// (F1 of entities, quote F1, speaker accuracy, related precision at 3.)
const DEVSET_FLOOR: [f64; 4] = [0.91, 0.99, 0.90, 0.93];
const HELDOUT_FLOOR: [f64; 4] = [0.87, 0.96, 0.83, 0.93];

#[test]
fn the_analysis_keeps_its_measured_quality_on_the_labelled_articles() {
    for (set, floor) in [("devset", DEVSET_FLOOR), ("heldout", HELDOUT_FLOOR)] {
        let scores = masthead::analysis::evaluate_dir(&fixtures().join(set)).unwrap();
        let measured =
            [scores.entities().f1(), scores.quotes.f1(), scores.speaker_accuracy(), scores.related_precision_at_3];
        for ((name, value), minimum) in
            ["entity F1", "quote F1", "speaker accuracy", "related P@3"].iter().zip(measured).zip(floor)
        {
            assert!(value >= minimum, "{set}: {name} fell to {value:.3} (floor {minimum})\n{scores}");
        }
    }
}

#[test]
fn masthead_reindex_rebuilds_the_index_with_progress() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let generate = std::process::Command::new(env!("CARGO_BIN_EXE_masthead"))
        .args(["demo", "generate", "--articles", "30", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(generate.status.success(), "{}", String::from_utf8_lossy(&generate.stderr));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_masthead"))
        .args(["reindex", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.starts_with("Indexed 41 published articles"), "{stdout}");
    assert!(data.join("search/meta.json").is_file());
}

#[tokio::test]
async fn a_new_story_appears_in_the_related_stories_of_cached_pages_like_it() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let token = app.token(&editor).await;
    let (_, before) = app.page(SEED).await;
    assert_eq!(app.get(SEED).await.headers()["x-cache"], "hit");
    let body = "Secretary of State Antony Blinken said in Davos that a ceasefire in Ukraine depends on Russia. \
                Blinken met Volodymyr Zelensky at the World Economic Forum to discuss the ceasefire.";
    let (_, created) = app
        .api(
            Method::POST,
            "/admin/api/articles",
            &token,
            Some(json!({"headline": "Blinken and Zelensky Discuss Ceasefire in Davos", "section": "world",
                        "body_source": body})),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let (_, published) = app
        .api(Method::POST, &format!("/admin/api/articles/{id}/step"), &token, Some(json!({"step": "publish"})))
        .await;
    app.search.settled().await;
    let url = format!("/world/{}", published["slug"].as_str().unwrap());
    let (_, after) = app.page(SEED).await;
    assert!(!hrefs(&before, ".related-stories a").contains(&url));
    assert!(hrefs(&after, ".related-stories a").contains(&url), "the seed page was refreshed to show the new story");
}
