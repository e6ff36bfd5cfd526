//! The seed article, element by element against the page it reproduces
//! (`fixtures/seed-article.txt`, the text of the original page).

use reqwest::StatusCode;
use scraper::Html;

use crate::support::{TestApp, css, hrefs, text_of, texts};

const FIXTURE: &str = include_str!("fixtures/seed-article.txt");
const SEED_PATH: &str = "/world/us-doubtful-on-ukraine-ceasefire";
const CREDIT: &str = "Photo from Google";
const COMMENTS_HEADING: &str = "Leave a Comment";
const SUBHEADINGS: [&str; 2] = ["Doubts Persist Despite Openness", "Ceasefire Calls Amidst Ongoing Struggles"];

/// One block of the article body, as the fixture lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Block {
    Paragraph(String),
    Subheading(String),
    ReadAlso(String),
}

/// The fixture's headline and body blocks, in order. The photo credit (printed
/// twice on the original page) and the comments heading are not body blocks.
fn fixture() -> (String, Vec<Block>) {
    let mut lines = FIXTURE.lines().map(str::trim).filter(|l| !l.is_empty());
    let headline = lines.next().expect("fixture has a headline").to_owned();
    let blocks = lines
        .filter(|line| *line != CREDIT && *line != COMMENTS_HEADING)
        .map(|line| match line.strip_prefix("READ ALSO:") {
            Some(headline) => Block::ReadAlso(headline.trim().to_owned()),
            None if SUBHEADINGS.contains(&line) => Block::Subheading(line.to_owned()),
            None => Block::Paragraph(line.to_owned()),
        })
        .collect();
    (headline, blocks)
}

/// The article body of the page as blocks.
fn body_blocks(page: &Html) -> Vec<Block> {
    let body = page.select(&css("article.article .article-body")).next().expect("the page has an article body");
    body.child_elements()
        .filter_map(|element| {
            let text = text_of(element);
            match element.value().name() {
                "h2" => Some(Block::Subheading(text)),
                "p" if element.value().classes().any(|c| c == "read-also") => {
                    Some(Block::ReadAlso(text.trim_start_matches("READ ALSO:").trim().to_owned()))
                }
                "p" => Some(Block::Paragraph(text)),
                _ => None,
            }
        })
        .collect()
}

#[tokio::test]
async fn the_seed_article_matches_the_fixture_block_by_block() {
    let app = TestApp::spawn().await;
    let (status, page) = app.page(SEED_PATH).await;
    assert_eq!(status, StatusCode::OK);
    let (headline, expected) = fixture();
    assert_eq!(texts(&page, "h1"), [headline], "exactly one h1, the headline");
    assert_eq!(body_blocks(&page), expected);
}

#[tokio::test]
async fn the_seed_article_has_both_subheadings_as_h2() {
    let app = TestApp::spawn().await;
    let (_, page) = app.page(SEED_PATH).await;
    assert_eq!(texts(&page, ".article-body h2"), SUBHEADINGS);
}

#[tokio::test]
async fn the_lead_photo_is_a_figure_whose_credit_appears_exactly_once() {
    let app = TestApp::spawn().await;
    let response = app.get(SEED_PATH).await;
    let html = response.text().await.unwrap();
    assert_eq!(html.matches(CREDIT).count(), 1, "the credit appears once in the whole page");
    let page = Html::parse_document(&html);
    let figure = page.select(&css("article.article figure.lead-image")).next().expect("a lead figure");
    let image = figure.select(&css("img")).next().expect("an image in the figure");
    for attribute in ["src", "alt", "width", "height"] {
        assert!(image.value().attr(attribute).is_some_and(|v| !v.is_empty()), "img has {attribute}");
    }
    let credit: Vec<String> = figure.select(&css("figcaption .credit")).map(text_of).collect();
    assert_eq!(credit, [CREDIT]);
    let src = image.value().attr("src").unwrap();
    let picture = app.get(src).await;
    assert_eq!(picture.status(), StatusCode::OK, "the site serves the lead photo at {src}");
    assert_eq!(picture.headers()["content-type"], "image/svg+xml");
}

#[tokio::test]
async fn both_read_also_links_answer_with_the_headline_they_show() {
    let app = TestApp::spawn().await;
    let (_, page) = app.page(SEED_PATH).await;
    let links: Vec<(String, String)> = page
        .select(&css(".article-body .read-also a"))
        .map(|a| (a.value().attr("href").unwrap_or_default().to_owned(), text_of(a)))
        .collect();
    let expected: Vec<String> = fixture()
        .1
        .into_iter()
        .filter_map(|b| match b {
            Block::ReadAlso(headline) => Some(headline),
            _ => None,
        })
        .collect();
    assert_eq!(links.iter().map(|(_, text)| text.clone()).collect::<Vec<_>>(), expected);
    for (href, headline) in links {
        let (status, target) = app.page(&href).await;
        assert_eq!(status, StatusCode::OK, "{href}");
        assert_eq!(texts(&target, "h1"), [headline], "{href}");
    }
}

#[tokio::test]
async fn the_comment_section_shows_demo_comments_and_the_form() {
    let app = TestApp::spawn().await;
    let (_, page) = app.page(SEED_PATH).await;
    assert_eq!(texts(&page, "section#comments > h2"), [COMMENTS_HEADING]);
    let comments = page.select(&css("section#comments li article.comment")).count();
    assert!(comments >= 3, "{comments} comments shown");
    assert_eq!(page.select(&css("section#comments .comment-replies li")).count(), 2, "replies are nested");
    let form = page.select(&css("section#comments form.comment-form")).next().expect("a comment form");
    assert_eq!(form.value().attr("method"), Some("post"));
    for field in ["input[name=name]", "input[name=email][type=email]", "textarea[name=body]", "button[type=submit]"] {
        assert!(form.select(&css(field)).next().is_some(), "the form has {field}");
    }
    for id in ["comment-name", "comment-email", "comment-body"] {
        assert_eq!(form.select(&css(&format!("label[for={id}]"))).count(), 1, "{id} has a label");
    }
}

#[tokio::test]
async fn the_article_page_carries_byline_dates_section_and_tags() {
    let app = TestApp::spawn().await;
    let (_, page) = app.page(SEED_PATH).await;
    assert_eq!(hrefs(&page, ".article-header .byline a"), ["/author/elena-marchetti"]);
    let published = page.select(&css(".article-header time")).next().expect("a publication time");
    let datetime = published.value().attr("datetime").unwrap();
    assert!(
        time::OffsetDateTime::parse(datetime, &time::format_description::well_known::Rfc3339).is_ok(),
        "{datetime}"
    );
    assert_eq!(hrefs(&page, ".article-header .kicker a"), ["/world"]);
    assert!(hrefs(&page, ".article-footer .tags a").contains(&"/tag/ukraine".to_owned()));
    assert_eq!(hrefs(&page, "link[rel=canonical]"), [format!("{}{SEED_PATH}", app.url)]);
}
