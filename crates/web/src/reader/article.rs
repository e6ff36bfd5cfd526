//! The article page: headline, byline, lead image, body, corrections, tags
//! and the reader comments with the comment form.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use masthead_comments::{CommentError, Submission};
use masthead_content::{Article, Comment, CommentStatus, Slug};
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
    comment_form: CommentFormView,
    json_ld: String,
    /// Related stories not already linked in the text.
    related: Vec<LinkView>,
    /// The people, organisations and places an editor confirmed, most central first.
    topics: Vec<LinkView>,
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
    /// The article's own path, for links back to it.
    url: String,
}

#[derive(Serialize)]
struct CorrectionView {
    note: String,
    issued: TimeView,
}

#[derive(Serialize)]
pub(crate) struct CommentView {
    id: String,
    anchor: String,
    name: String,
    /// The body as escaped HTML with linked addresses (`masthead_markup::comment_html`).
    html: String,
    posted: TimeView,
    replies: Vec<CommentView>,
}

/// The comment form's state: open or closed, its token, and what the reader
/// sent when it comes back with a message.
#[derive(Serialize, Default)]
pub(crate) struct CommentFormView {
    open: bool,
    token: String,
    /// Set when the form answers a comment (`?reply=`).
    reply_to: Option<ReplyView>,
    notice: Option<String>,
    error: Option<String>,
    name: String,
    email: String,
    body: String,
}

#[derive(Serialize)]
pub(crate) struct ReplyView {
    id: String,
    name: String,
}

/// Query parameters of the article page.
#[derive(serde::Deserialize, Default)]
pub(crate) struct ArticleQuery {
    /// `published` or `held`, after a comment was posted without JavaScript.
    comment: Option<String>,
    /// The comment being answered.
    reply: Option<String>,
}

/// `GET /{section}/{slug}`
pub(crate) async fn show_article(
    State(state): State<AppState>,
    Path((section, slug)): Path<(String, String)>,
    Query(query): Query<ArticleQuery>,
) -> Result<Response, AppError> {
    let article = match find_article(&state, &section, &slug).await? {
        Ok(article) => article,
        Err(redirect) => return Ok(redirect),
    };
    let notice = match query.comment.as_deref() {
        Some("published") => Some("Thank you: your comment is published.".to_owned()),
        Some("held") => Some("Thank you. Your comment will appear once a moderator has approved it.".to_owned()),
        _ => None,
    };
    let form = CommentFormView { notice, ..CommentFormView::default() };
    let (html, tags) = article_page_tagged(&state, &article, form, query.reply.as_deref()).await?;
    let mut response = HtmlPage(html).into_response();
    response.extensions_mut().insert(crate::cache::PageTags(tags));
    Ok(response)
}

/// The published article at `/{section}/{slug}`, or the redirect to where it is now.
async fn find_article(state: &AppState, section: &str, slug: &str) -> Result<Result<Article, Response>, AppError> {
    let slug = Slug::parse(slug).map_err(|_| AppError::NotFound)?;
    let article = match state.store().published_article(&slug).await? {
        ArticleLookup::Found(article) => *article,
        ArticleLookup::Moved { slug, section } => {
            return Ok(Err(moved_permanently(article_url(&section, &slug))));
        }
        ArticleLookup::Missing => return Err(AppError::NotFound),
    };
    // One address per article: a wrong or old section in the path moves the reader to the right one.
    if article.section.slug.as_str() != section {
        return Ok(Err(moved_permanently(article_url(&article.section.slug, &article.slug))));
    }
    Ok(Ok(article))
}

/// The article page and the cache tags of what it shows: the article and
/// every article it links to (READ ALSO and related stories show their headlines).
async fn article_page_tagged(
    state: &AppState,
    article: &Article,
    form: CommentFormView,
    reply: Option<&str>,
) -> Result<(String, Vec<String>), AppError> {
    let mut tags = vec![format!("article:{}", article.id)];
    let related = related_stories(state, article).await?;
    let named = masthead_markup::referenced_articles(&related.body_source);
    // Pages that only link to an article change with its headline or address, not its comments.
    for link in state.store().published_links(&named).await? {
        tags.push(format!("link:{}", link.id));
    }
    tags.extend(related.block.iter().map(|story| format!("link:{}", story.id)));
    Ok((article_page(state, article, &related, form, reply).await?, tags))
}

/// The related stories an article page shows: inline "READ ALSO" links
/// (when the body names none itself) and a block after the text.
struct RelatedStories {
    /// The body with the inline links in place.
    body_source: String,
    /// The stories for the block at the end.
    block: Vec<RelatedLink>,
}

struct RelatedLink {
    id: masthead_content::ArticleId,
    headline: String,
    url: String,
    slug: Slug,
}

/// Stories in the "Related stories" block after an article's text.
pub const RELATED_BLOCK: usize = 4;

/// The editor's pinned stories first, then the ranked suggestions.
async fn related_stories(state: &AppState, article: &Article) -> Result<RelatedStories, AppError> {
    let in_body = masthead_markup::referenced_articles(&article.body_source);
    let mut chosen: Vec<RelatedLink> = Vec::new();
    let pinned = state.store().related_pins(article.id).await?;
    for id in pinned {
        if let Some(other) = state.store().article(id).await?
            && other.status == masthead_content::Status::Published
        {
            chosen.push(RelatedLink {
                id,
                headline: other.headline.to_string(),
                url: article_url(&other.section.slug, &other.slug),
                slug: other.slug,
            });
        }
    }
    let wanted = state.config().read_also_links + RELATED_BLOCK;
    if chosen.len() < wanted {
        // Related stories are a bonus: a failing index costs them, not the article page.
        let suggested = state.search().related(article.id, wanted + in_body.len()).await.unwrap_or_else(|error| {
            tracing::warn!(%error, article = %article.id, "related stories unavailable");
            Vec::new()
        });
        for story in suggested {
            let Ok(id) = masthead_content::ArticleId::parse(&story.id) else { continue };
            let slug = story.url.rsplit('/').next().and_then(|s| Slug::parse(s).ok());
            let Some(slug) = slug else { continue };
            if chosen.iter().any(|c| c.id == id) || in_body.contains(&slug) {
                continue;
            }
            chosen.push(RelatedLink { id, headline: story.headline, url: story.url, slug });
        }
    }
    chosen.truncate(wanted);
    let body_source = if in_body.is_empty() && state.config().read_also_links > 0 {
        let inline: Vec<Slug> = chosen.iter().take(state.config().read_also_links).map(|c| c.slug.clone()).collect();
        let source = masthead_markup::with_read_also(&article.body_source, &inline, state.config().read_also_every);
        let placed = masthead_markup::referenced_articles(&source);
        chosen.retain(|c| !placed.contains(&c.slug));
        source
    } else {
        article.body_source.clone()
    };
    chosen.truncate(RELATED_BLOCK);
    Ok(RelatedStories { body_source, block: chosen })
}

/// The whole article page, with the comment form in the given state.
async fn article_page(
    state: &AppState,
    article: &Article,
    related: &RelatedStories,
    mut form: CommentFormView,
    reply: Option<&str>,
) -> Result<String, AppError> {
    let body_html = render_body(state, article, &related.body_source).await?;
    let comments = state.store().approved_comments(article.id).await?;
    let canonical = format!("{}{}", state.config().site_url, article_url(&article.section.slug, &article.slug));
    form.open = state.comments().open_for(article).await?;
    form.token = state.comments().form_token(article.id, time::OffsetDateTime::now_utc());
    form.reply_to = reply.and_then(|id| {
        comments
            .iter()
            .find(|c| c.id.to_string() == id && c.parent_id.is_none())
            .map(|c| ReplyView { id: c.id.to_string(), name: c.author_name.clone() })
    });
    let view = ArticlePageView {
        site: super::site_view(state, Some(&article.section.slug)).await?,
        json_ld: json_ld(state, article, &canonical),
        canonical,
        comment_count: comments.len(),
        comments: thread(&comments),
        comment_form: form,
        article: article_view(state, article, body_html),
        related: related.block.iter().map(|r| LinkView { name: r.headline.clone(), url: r.url.clone() }).collect(),
        topics: state
            .store()
            .article_topics(article.id)
            .await?
            .into_iter()
            .filter(|t| t.state == masthead_content::TopicState::Confirmed)
            .take(8)
            .map(|t| LinkView { name: t.topic.name, url: format!("/topic/{}", t.topic.slug) })
            .collect(),
    };
    Ok(state.0.templates.render("article.html", &view)?)
}

/// A 301: the status search engines and feed readers treat as "update your link".
fn moved_permanently(location: String) -> Response {
    (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response()
}

/// `POST /{section}/{slug}/comments`: a reader's comment, from the plain
/// form (answered with a redirect back to the comment, or the page with the
/// problem) or from the page's script (`Accept: application/json`).
pub(crate) async fn post_comment(
    State(state): State<AppState>,
    Path((section, slug)): Path<(String, String)>,
    extensions: axum::http::Extensions,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let wants_json =
        headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"));
    let article = match find_article(&state, &section, &slug).await? {
        Ok(article) => article,
        Err(_) => return Err(AppError::NotFound),
    };
    let fields: HashMap<String, String> = form_urlencoded(&body);
    let get = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let submission = Submission {
        name: get("name"),
        email: get("email"),
        body: get("body"),
        reply_to: get("reply_to"),
        token: get("token"),
        honeypot: get("website"),
    };
    let client = extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    let result = state.comments().post(&article, submission.clone(), client, time::OffsetDateTime::now_utc()).await;
    let url = article_url(&article.section.slug, &article.slug);
    match result {
        Ok(posted) => {
            let approved = posted.comment.status == CommentStatus::Approved;
            if wants_json {
                let html = if approved {
                    let view = thread(std::slice::from_ref(&posted.comment)).pop();
                    Some(state.0.templates.render("partials/comment.html", minijinja::context! { comment => view })?)
                } else {
                    None
                };
                let reply = serde_json::json!({
                    "id": posted.comment.id.to_string(),
                    "status": posted.comment.status.as_str(),
                    "message": posted.message(),
                    "parent": posted.comment.parent_id.map(|p| p.to_string()),
                    "html": html,
                });
                return Ok((StatusCode::CREATED, axum::Json(reply)).into_response());
            }
            let location = if approved {
                format!("{url}?comment=published#comment-{}", posted.comment.id)
            } else {
                format!("{url}?comment=held#comments")
            };
            Ok((StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response())
        }
        Err(CommentError::Storage(e)) => Err(AppError::Storage(e)),
        Err(error) => {
            let status = match &error {
                CommentError::Closed => StatusCode::FORBIDDEN,
                CommentError::BadForm => StatusCode::BAD_REQUEST,
                CommentError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                CommentError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
                CommentError::Duplicate => StatusCode::CONFLICT,
                CommentError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
            };
            let mut response = if wants_json {
                (status, axum::Json(serde_json::json!({ "error": error.to_string(), "status": status.as_u16() })))
                    .into_response()
            } else {
                // The page again, with the problem above the form and everything typed still in it.
                let form = CommentFormView {
                    error: Some(error.to_string()),
                    name: submission.name,
                    email: submission.email,
                    body: submission.body,
                    ..CommentFormView::default()
                };
                let related = related_stories(&state, &article).await?;
                let html = article_page(&state, &article, &related, form, Some(&submission.reply_to)).await?;
                let mut page = HtmlPage(html).into_response();
                *page.status_mut() = status;
                page
            };
            if let CommentError::Throttled { retry_after } = error
                && let Ok(value) = axum::http::HeaderValue::from_str(&retry_after.whole_seconds().max(1).to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(response)
        }
    }
}

/// Decodes an urlencoded form body.
fn form_urlencoded(body: &[u8]) -> HashMap<String, String> {
    crate::admin::decode_form(&String::from_utf8_lossy(body)).into_iter().collect()
}

/// Renders the body with its "read also" links resolved to current headlines.
pub(crate) async fn render_body(state: &AppState, article: &Article, source: &str) -> Result<String, AppError> {
    let rendered = render_source(state, source).await?;
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
        url: article_url(&article.section.slug, &article.slug),
    }
}

/// Top-level comments in order, each with its replies.
pub(crate) fn thread(comments: &[Comment]) -> Vec<CommentView> {
    let view = |c: &Comment, replies| CommentView {
        id: c.id.to_string(),
        anchor: format!("comment-{}", c.id),
        name: c.author_name.clone(),
        html: masthead_markup::comment_html(&c.body),
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
