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
    json_ld: String,
}

#[derive(Serialize)]
struct ArticleView {
    headline: String,
    standfirst: String,
    section: LinkView,
    authors: Vec<LinkView>,
    published: Option<TimeView>,
    updated: Option<TimeView>,
    /// Last change, always present (for metadata).
    modified: TimeView,
    image: Option<ImageView>,
    /// The lead image's absolute URL, for OpenGraph and Twitter cards.
    image_absolute_url: Option<String>,
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
    let canonical = format!("{}{}", state.config().site_url, article_url(&article.section.slug, &article.slug));
    let view = ArticlePageView {
        site: super::site_view(&state, Some(&article.section.slug)).await?,
        json_ld: json_ld(&state, &article, &canonical),
        canonical,
        comment_count: comments.len(),
        comments: thread(&comments),
        article: article_view(&state, &article, body_html),
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
pub(crate) async fn render_body(state: &AppState, article: &Article) -> Result<String, AppError> {
    let rendered = render_source(state, &article.body_source).await?;
    for problem in &rendered.problems {
        tracing::warn!(article.slug = %article.slug, %problem, "article {} has a body problem: {problem}", article.slug);
    }
    Ok(rendered.html)
}

/// A body as readers would see it, for the editor's preview; problems are
/// listed above it so the writer sees them while typing.
pub(crate) async fn render_body_preview(state: &AppState, source: &str) -> String {
    match render_source(state, source).await {
        Ok(rendered) if rendered.problems.is_empty() => rendered.html,
        Ok(rendered) => {
            let mut html = String::from("<ul class=\"preview-problems\" role=\"status\">");
            for problem in &rendered.problems {
                html.push_str("<li>");
                masthead_markup::push_escaped_html(&mut html, &problem.to_string());
                html.push_str("</li>");
            }
            html.push_str("</ul>");
            html.push_str(&rendered.html);
            html
        }
        Err(_) => "<p>The preview is unavailable right now.</p>".to_owned(),
    }
}

async fn render_source(state: &AppState, source: &str) -> Result<masthead_markup::Rendered, AppError> {
    let wanted = masthead_markup::referenced_articles(source);
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
    Ok(masthead_markup::render(source, &|slug: &Slug| links.get(slug).cloned()))
}

/// `NewsArticle` and `BreadcrumbList` structured data for the article page.
fn json_ld(state: &AppState, article: &Article, canonical: &str) -> String {
    let absolute = |path: &str| crate::distribution::absolute(state, path);
    let facts = masthead_feeds::metadata::ArticleFacts {
        url: canonical.to_owned(),
        headline: article.headline.to_string(),
        description: article.standfirst.clone(),
        published: article.published_at.unwrap_or(article.updated_at),
        modified: article.updated_at,
        authors: article
            .authors
            .iter()
            .map(|a| masthead_feeds::Person { name: a.name.clone(), url: absolute(&format!("/author/{}", a.slug)) })
            .collect(),
        section: article.section.name.clone(),
        keywords: article.tags.iter().map(|t| t.name.clone()).collect(),
        images: article.lead_image.iter().map(|m| crate::distribution::image(state, m)).collect(),
        language: state.config().language.clone(),
    };
    let crumbs = vec![
        (state.config().site_name.clone(), absolute("/")),
        (article.section.name.clone(), absolute(&format!("/{}", article.section.slug))),
        (article.headline.to_string(), canonical.to_owned()),
    ];
    masthead_feeds::metadata::news_article(&facts, &super::publisher(state), &crumbs)
}

fn article_view(state: &AppState, article: &Article, body_html: String) -> ArticleView {
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
        modified: TimeView::new(article.updated_at),
        image: article.lead_image.as_ref().map(ImageView::from),
        image_absolute_url: article.lead_image.as_ref().map(|m| crate::distribution::absolute(state, &m.url_path())),
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
