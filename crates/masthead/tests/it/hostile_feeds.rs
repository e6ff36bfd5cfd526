//! Hostile text in every field of every feed: headlines, standfirsts,
//! bodies, tag, topic and author names, picture captions and credits, each
//! a payload that tries to become markup. Read as feed readers read them,
//! fields that hold text give back exactly the text typed, and fields that
//! hold HTML have nothing live in them.

use std::collections::HashMap;

use masthead_content::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::hostile::{assert_nothing_live, hostile_payloads};
use crate::support::TestApp;

/// What an article was given, to compare with what its feed entries say.
struct Typed {
    headline: String,
    standfirst: String,
    author: String,
    credit: String,
    caption: String,
}

/// The text an HTML fragment shows, and a check that nothing in it is live.
fn shown_text(html: &str, context: &str) -> String {
    assert_nothing_live(&format!("<!DOCTYPE html><html><body>{html}</body></html>"), context);
    scraper::Html::parse_fragment(html).root_element().text().collect()
}

fn single_line(payload: &str, most: usize) -> Option<String> {
    let line: String = payload.chars().filter(|c| !c.is_control()).take(most).collect();
    let line = line.trim().to_owned();
    (!line.is_empty() && line.chars().any(char::is_alphanumeric)).then_some(line)
}

#[tokio::test]
async fn hostile_text_in_every_field_of_every_feed_stays_text() {
    let app = TestApp::spawn().await;
    let editor = app.account(Role::Editor, 1).await;
    let token = app.token(&editor).await;
    let payloads: Vec<String> = hostile_payloads().iter().filter_map(|p| single_line(p, 200)).collect();
    assert!(payloads.len() >= 100, "{} payloads", payloads.len());

    // Bylines and pictures with hostile names, captions and credits.
    let mut authors = Vec::new();
    let mut images = Vec::new();
    for (n, payload) in payloads.iter().take(6).enumerate() {
        let name = single_line(payload, 120).unwrap();
        let request = masthead_newsroom::accounts::AccountRequest {
            email: format!("hostile{n}@example.org"),
            name: name.clone(),
            role: Role::Author,
            password: Some("a long enough password".into()),
        };
        let (user, _) = app.newsroom.create_account(None, request).await.unwrap();
        authors.push((user.author.as_str().to_owned(), name));
        let caption = format!("{payload} caption");
        let credit = format!("Photo: {payload}");
        let uploaded: Value = app
            .client
            .post(format!("{}/admin/api/images", app.url))
            .query(&[("caption", caption.as_str()), ("credit", credit.as_str()), ("alt_text", payload.as_str())])
            .bearer_auth(&token)
            .body(crate::newsroom_images::jpeg(64, 48))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        images.push((uploaded["id"].as_str().unwrap().to_owned(), credit, caption));
    }

    let mut typed: HashMap<String, Typed> = HashMap::new();
    let mut feeds = vec!["".to_owned(), "/world".to_owned()];
    for (n, payload) in payloads.iter().enumerate() {
        let (author_slug, author_name) = &authors[n % authors.len()];
        let (image, credit, caption) = &images[n % images.len()];
        let (status, article) = app
            .api(
                Method::POST,
                "/admin/api/articles",
                &token,
                Some(json!({
                    "headline": payload, "standfirst": payload, "body_source": payload, "section": "world",
                    "tags": [payload], "authors": [author_slug], "lead_image": image, "slug": format!("hostile-{n}"),
                })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "payload {n} {payload:?}: {article}");
        let id = article["id"].as_str().unwrap().to_owned();
        if let Some(name) = single_line(payload, 120) {
            let (status, topics) = app
                .api(
                    Method::POST,
                    &format!("/admin/api/articles/{id}/topics"),
                    &token,
                    Some(json!({"name": name, "type": "person"})),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{topics}");
        }
        let (status, published) = app
            .api(Method::POST, &format!("/admin/api/articles/{id}/step"), &token, Some(json!({"step": "publish"})))
            .await;
        assert_eq!(status, StatusCode::OK, "payload {n}: {published}");
        let stored = app.store.article(masthead_content::ArticleId::parse(&id).unwrap()).await.unwrap().unwrap();
        for tag in &stored.tags {
            feeds.push(format!("/tag/{}", tag.slug));
        }
        for topic in app.store.article_topics(stored.id).await.unwrap() {
            if topic.state == masthead_content::TopicState::Confirmed {
                feeds.push(format!("/topic/{}", topic.topic.slug));
            }
        }
        typed.insert(
            format!("urn:uuid:{id}"),
            Typed {
                headline: stored.headline.as_str().to_owned(),
                standfirst: stored.standfirst.clone(),
                author: author_name.clone(),
                credit: credit.clone(),
                caption: caption.clone(),
            },
        );
    }
    feeds.extend(authors.iter().map(|(slug, _)| format!("/author/{slug}")));
    feeds.sort();
    feeds.dedup();

    let mut compared = 0;
    for page in &feeds {
        compared += check_rss(&app, page, &typed).await;
        compared += check_atom(&app, page, &typed).await;
        compared += check_json(&app, page, &typed).await;
    }
    assert!(feeds.len() > 100, "{} feeds read", feeds.len());
    assert!(compared >= 3 * payloads.len(), "{compared} entries compared field by field");
}

async fn fetch(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

fn child<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<roxmltree::Node<'a, 'a>> {
    node.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

fn text_of(node: Option<roxmltree::Node<'_, '_>>) -> String {
    node.and_then(|n| n.text()).unwrap_or_default().to_owned()
}

/// RSS: title, creator, category, credit and picture description hold text;
/// description and `content:encoded` hold HTML.
async fn check_rss(app: &TestApp, page: &str, typed: &HashMap<String, Typed>) -> usize {
    let path = format!("{page}/feed.xml");
    let xml = fetch(app, &path).await;
    let document = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{path} is XML: {e}"));
    let channel = document.descendants().find(|n| n.has_tag_name("channel")).expect("a channel");
    let description = text_of(child(channel, "description"));
    let shown = shown_text(&description, &format!("{path} channel description"));
    assert!(!shown.trim().is_empty(), "{path}: the channel description shows text");
    let mut compared = 0;
    for item in channel.children().filter(|n| n.has_tag_name("item")) {
        let context = format!("{path} item {}", text_of(child(item, "guid")));
        let content = text_of(child(item, "encoded"));
        shown_text(&content, &format!("{context} content:encoded"));
        let summary = shown_text(&text_of(child(item, "description")), &format!("{context} description"));
        let Some(expected) = typed.get(&text_of(child(item, "guid"))) else { continue };
        assert_eq!(text_of(child(item, "title")), expected.headline, "{context}: the title is the headline as text");
        assert_eq!(summary, expected.standfirst, "{context}: the description shows the standfirst as typed");
        assert_eq!(text_of(child(item, "creator")), expected.author, "{context}: dc:creator");
        let media = child(item, "content").expect("media:content");
        assert_eq!(text_of(child(media, "credit")), expected.credit, "{context}: media:credit");
        assert_eq!(text_of(child(media, "description")), expected.caption, "{context}: media:description");
        assert!(item.children().filter(|n| n.has_tag_name("category")).count() >= 2, "{context}: categories");
        compared += 1;
    }
    compared
}

/// Atom: every element but `content type="html"` holds text.
async fn check_atom(app: &TestApp, page: &str, typed: &HashMap<String, Typed>) -> usize {
    let path = format!("{page}/feed.atom");
    let xml = fetch(app, &path).await;
    let document = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{path} is XML: {e}"));
    let feed = document.root_element();
    let mut compared = 0;
    for entry in feed.children().filter(|n| n.has_tag_name("entry")) {
        let context = format!("{path} entry {}", text_of(child(entry, "id")));
        let content = child(entry, "content").expect("content");
        assert_eq!(content.attribute("type"), Some("html"), "{context}");
        shown_text(&text_of(Some(content)), &format!("{context} content"));
        let Some(expected) = typed.get(&text_of(child(entry, "id"))) else { continue };
        let title = child(entry, "title").expect("title");
        assert_eq!(title.attribute("type"), Some("text"), "{context}");
        assert_eq!(text_of(Some(title)), expected.headline, "{context}: title");
        let summary = child(entry, "summary").expect("summary");
        assert_eq!(summary.attribute("type"), Some("text"), "{context}");
        assert_eq!(text_of(Some(summary)), expected.standfirst, "{context}: summary");
        assert_eq!(text_of(child(child(entry, "author").expect("author"), "name")), expected.author, "{context}");
        let media = child(entry, "content")
            .into_iter()
            .chain(entry.children())
            .find(|n| n.is_element() && n.tag_name().namespace() == Some("http://search.yahoo.com/mrss/"))
            .expect("media:content");
        assert_eq!(text_of(child(media, "credit")), expected.credit, "{context}: media:credit");
        compared += 1;
    }
    compared
}

/// JSON Feed: `content_html` holds HTML; title, summary, names and tags hold text.
async fn check_json(app: &TestApp, page: &str, typed: &HashMap<String, Typed>) -> usize {
    let path = format!("{page}/feed.json");
    let feed: Value = serde_json::from_str(&fetch(app, &path).await).unwrap();
    let mut compared = 0;
    for item in feed["items"].as_array().expect("items") {
        let context = format!("{path} item {}", item["id"]);
        shown_text(item["content_html"].as_str().unwrap_or_default(), &format!("{context} content_html"));
        let Some(expected) = typed.get(item["id"].as_str().unwrap_or_default()) else { continue };
        assert_eq!(item["title"], expected.headline.as_str(), "{context}: title");
        assert_eq!(item["summary"], expected.standfirst.as_str(), "{context}: summary");
        assert_eq!(item["authors"][0]["name"], expected.author.as_str(), "{context}: author");
        assert_eq!(item["attachments"][0]["title"], expected.credit.as_str(), "{context}: attachment title");
        compared += 1;
    }
    compared
}
