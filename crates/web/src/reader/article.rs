//! The article page: headline, byline, lead image, body, corrections, tags
//! and the reader comments with the comment form.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use masthead_content::{Article, Comment, Slug};
use masthead_markup::ArticleLink;
use masthead_storage::ArticleLookup;
use serde::Serialize;

use crate::page::HtmlPage;
use crate::views::{ImageView, LinkView, SiteView, TimeView, article_url, author_link, section_link, tag_link};
use crate::{AppError, AppState};

#[derive(Serialize)]
struct ArticlePageView {
    site: SiteView,
    canonical: String,
    article: ArticleView,
    comments: Vec<CommentView>,
    comment_count: usize,
}

#[derive(Serialize)]
struct ArticleView {
    headline: String,
    standfirst: String,
    section: LinkView,
    authors: Vec<LinkView>,
    published: Option<TimeView>,
    updated: Option<TimeView>,
    image: Option<ImageView>,
    body_html: String,
    tags: Vec<LinkView>,
    corrections: Vec<CorrectionView>,
    comments_url: String,
}

#[derive(Serialize)]
struct CorrectionView {
    note: String,
    issued: TimeView,
}

#[derive(Serialize)]
struct CommentView {
    anchor: String,
    name: String,
    paragraphs: Vec<String>,
    posted: TimeView,
    replies: Vec<CommentView>,
}

/// `GET /{section}/{slug}`
pub(crate) async fn show_article(
    State(state): State<AppState>,
    Path((section, slug)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
    let article = match state.store().published_article(&slug).await? {
        ArticleLookup::Found(article) => article,
        ArticleLookup::Moved { slug, section } => {
            return Ok(moved_permanently(article_url(&section, &slug)));
        }
        ArticleLookup::Missing => return Err(AppError::NotFound),
    };
    // One address per article: a wrong or old section in the path moves the reader to the right one.
    if article.section.slug.as_str() != section {
        return Ok(moved_permanently(article_url(&article.section.slug, &article.slug)));
    }
    let body_html = render_body(&state, &article).await?;
    let comments = state.store().approved_comments(article.id).await?;
    let view = ArticlePageView {
        site: super::site_view(&state, Some(&article.section.slug)).await?,
        canonical: format!("{}{}", state.config().site_url, article_url(&article.section.slug, &article.slug)),
        comment_count: comments.len(),
        comments: thread(&comments),
        article: article_view(&article, body_html),
    };
    Ok(HtmlPage(state.0.templates.render("article.html", &view)?).into_response())
}

/// A 301: the status search engines and feed readers treat as "update your link".
fn moved_permanently(location: String) -> Response {
    (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response()
}

/// `POST /{section}/{slug}/comments`: the form is on every article, but this
/// site does not take comments yet; say so plainly.
pub(crate) async fn post_comment() -> AppError {
    AppError::Unavailable(
        "Comments are not open on this site yet. Thank you for wanting to join the conversation.".into(),
    )
}

/// Renders the body with its "read also" links resolved to current headlines.
async fn render_body(state: &AppState, article: &Article) -> Result<String, AppError> {
    let wanted = masthead_markup::referenced_articles(&article.body_source);
    let links: HashMap<Slug, ArticleLink> = state
        .store()
        .published_links(&wanted)
        .await?
        .into_iter()
        .map(|link| {
            let url = article_url(&link.section, &link.slug);
            (link.named, ArticleLink { headline: link.headline.to_string(), url })
        })
        .collect();
    let rendered = masthead_markup::render(&article.body_source, &|slug: &Slug| links.get(slug).cloned());
    for problem in &rendered.problems {
        tracing::warn!(article.slug = %article.slug, %problem, "article {} has a body problem: {problem}", article.slug);
    }
    Ok(rendered.html)
}

fn article_view(article: &Article, body_html: String) -> ArticleView {
    let updated = match article.published_at {
        Some(published) if article.updated_at > published => Some(TimeView::new(article.updated_at)),
        _ => None,
    };
    ArticleView {
        headline: article.headline.to_string(),
        standfirst: article.standfirst.clone(),
        section: section_link(&article.section),
        authors: article.authors.iter().map(author_link).collect(),
        published: article.published_at.map(TimeView::new),
        updated,
        image: article.lead_image.as_ref().map(ImageView::from),
        body_html,
        tags: article.tags.iter().map(tag_link).collect(),
        corrections: article
            .corrections
            .iter()
            .map(|c| CorrectionView { note: c.note.clone(), issued: TimeView::new(c.issued_at) })
            .collect(),
        comments_url: format!("{}/comments", article_url(&article.section.slug, &article.slug)),
    }
}

/// Top-level comments in order, each with its replies.
fn thread(comments: &[Comment]) -> Vec<CommentView> {
    let view = |c: &Comment, replies| CommentView {
        anchor: format!("comment-{}", c.id),
        name: c.author_name.clone(),
        paragraphs: c.body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect(),
        posted: TimeView::new(c.posted_at),
        replies,
    };
    comments
        .iter()
        .filter(|c| c.parent_id.is_none())
        .map(|parent| {
            let replies =
                comments.iter().filter(|c| c.parent_id == Some(parent.id)).map(|c| view(c, Vec::new())).collect();
            view(parent, replies)
        })
        .collect()
}
