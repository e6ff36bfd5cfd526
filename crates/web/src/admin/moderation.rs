//! Comment moderation and site settings, as pages and as API endpoints.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use masthead_content::{Action, ArticleId, CommentId, CommentSettings, CommentStatus, ModerationPolicy};
use masthead_newsroom::moderation::Verdict;
use masthead_newsroom::{NewsroomError, human_time};
use masthead_storage::PageRequest;
use serde::Deserialize;
use serde_json::{Value, json};

use super::api::body;
use super::html::FormData;
use super::html::{PageError, chrome, merge, render};
use super::{Access, Routes, SignedIn, percent_encode};
use crate::AppState;

pub(super) fn add_routes(routes: Routes) -> Routes {
    use Access::SignedIn as Needs;
    routes
        .add(Method::GET, "/admin/comments", Needs(Action::ModerateComments), queue_page)
        .add(Method::POST, "/admin/comments/moderate", Needs(Action::ModerateComments), moderate_form)
        .add(Method::POST, "/admin/comments/erase", Needs(Action::ModerateComments), erase_form)
        .add(Method::POST, "/admin/articles/{id}/comments", Needs(Action::ModerateComments), article_comments_form)
        .add(Method::GET, "/admin/settings", Needs(Action::ManageSettings), settings_page)
        .add(Method::POST, "/admin/settings", Needs(Action::ManageSettings), settings_form)
        .add(Method::GET, "/admin/api/comments", Needs(Action::ModerateComments), api_queue)
        .add(Method::POST, "/admin/api/comments/moderate", Needs(Action::ModerateComments), api_moderate)
        .add(Method::POST, "/admin/api/comments/erase", Needs(Action::ModerateComments), api_erase)
        .add(Method::PUT, "/admin/api/articles/{id}/comments", Needs(Action::ModerateComments), api_article_comments)
        .add(Method::GET, "/admin/api/settings", Needs(Action::ViewNewsroom), api_settings)
        .add(Method::PUT, "/admin/api/settings", Needs(Action::ManageSettings), api_change_settings)
}

const STATES: [CommentStatus; 4] =
    [CommentStatus::Pending, CommentStatus::Approved, CommentStatus::Spam, CommentStatus::Rejected];

fn state_label(status: CommentStatus) -> &'static str {
    match status {
        CommentStatus::Pending => "Awaiting moderation",
        CommentStatus::Approved => "Approved",
        CommentStatus::Spam => "Spam",
        CommentStatus::Rejected => "Rejected",
    }
}

fn verdict_label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Approve => "Approve",
        Verdict::Reject => "Reject",
        Verdict::Spam => "Mark as spam",
        Verdict::Delete => "Delete",
    }
}

#[derive(Deserialize)]
struct QueueQuery {
    status: Option<String>,
    page: Option<u32>,
    done: Option<String>,
}

fn parse_status(value: Option<&str>) -> Result<CommentStatus, NewsroomError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(CommentStatus::Pending),
        Some(text) => Ok(CommentStatus::parse(text)?),
    }
}

async fn queue_page(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Query(query): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let status = parse_status(query.status.as_deref())?;
    let page =
        state.newsroom().comments_in(&signed.user, status, PageRequest::new(query.page.unwrap_or(1), 50)).await?;
    let comments: Vec<Value> = page
        .items
        .iter()
        .map(|held| {
            json!({
                "id": held.comment.id.to_string(),
                "name": held.comment.author_name,
                "email": held.email,
                "html": masthead_markup::comment_html(&held.comment.body),
                "posted": human_time(held.comment.posted_at),
                "article_headline": held.article_headline.as_str(),
                "article_path": held.article_path,
                "spam_score": held.spam_score,
                "reasons": held.reasons,
            })
        })
        .collect();
    render(
        &state,
        StatusCode::OK,
        "admin/comments.html",
        merge(
            chrome(&state, Some(&signed), "comments"),
            json!({
                "status": status.as_str(),
                "status_label": state_label(status),
                "states": STATES.iter().map(|s| json!({"value": s.as_str(), "label": state_label(*s)})).collect::<Vec<_>>(),
                "verdicts": Verdict::ALL.iter().map(|v| json!({"value": v.as_str(), "label": verdict_label(*v)})).collect::<Vec<_>>(),
                "comments": comments,
                "total": page.total,
                "notice": query.done.map(|d| d.chars().take(120).collect::<String>()),
                "message": Value::Null,
            }),
        ),
    )
}

fn comment_ids(values: &[String]) -> Result<Vec<CommentId>, NewsroomError> {
    values
        .iter()
        .map(|v| CommentId::parse(v.trim()).map_err(|_| NewsroomError::Invalid("That is not a comment.".into())))
        .collect()
}

async fn moderate_form(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = FormData::parse(&body);
    let get = |name: &str| form.get(name);
    // A row's own button names one comment ("approve:ID"); the bulk buttons use the ticked boxes.
    let (verdict, ids) = match get("one").split_once(':') {
        Some((verdict, id)) => (Verdict::parse(verdict)?, vec![id.to_owned()]),
        None => (Verdict::parse(&get("verdict"))?, form.all("ids")),
    };
    let changed = state.newsroom().moderate(&signed.user, &comment_ids(&ids)?, verdict).await?;
    let done = format!("{}: {changed} comment{}.", verdict_label(verdict), if changed == 1 { "" } else { "s" });
    let status = parse_status(Some(&get("status")))?;
    Ok(Redirect::to(&format!("/admin/comments?status={}&done={}", status.as_str(), percent_encode(&done)))
        .into_response())
}

async fn erase_form(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    let email = FormData::parse(&body).get("email");
    let erased = state.newsroom().erase_commenter(&signed.user, &email).await?;
    let done = format!("Erased {erased} comment{} posted with that address.", if erased == 1 { "" } else { "s" });
    Ok(Redirect::to(&format!("/admin/comments?done={}", percent_encode(&done))).into_response())
}

fn parse_open(state: &str) -> Result<Option<bool>, NewsroomError> {
    match state.trim() {
        "auto" | "" => Ok(None),
        "open" => Ok(Some(true)),
        "closed" => Ok(Some(false)),
        _ => Err(NewsroomError::Invalid("Choose open, closed or auto.".into())),
    }
}

fn article_id(id: &str) -> Result<ArticleId, NewsroomError> {
    ArticleId::parse(id).map_err(|_| NewsroomError::NotFound("That article".into()))
}

async fn article_comments_form(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let choice = FormData::parse(&body).get("state");
    let id = article_id(&id)?;
    state.newsroom().set_comments_open(&signed.user, id, parse_open(&choice)?).await?;
    Ok(Redirect::to(&format!("/admin/articles/{id}?done=Comment+setting+saved.")).into_response())
}

async fn settings_page(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Query(query): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let settings = state.newsroom().comment_settings(&signed.user).await?;
    render(
        &state,
        StatusCode::OK,
        "admin/settings.html",
        merge(
            chrome(&state, Some(&signed), "settings"),
            json!({
                "moderation": settings.moderation.as_str(),
                "close_after_days": settings.close_after_days,
                "policies": ModerationPolicy::ALL.iter().map(|p| json!({"value": p.as_str(), "label": p.label()})).collect::<Vec<_>>(),
                "notice": query.done,
                "message": Value::Null,
            }),
        ),
    )
}

fn settings_from(moderation: &str, close_after_days: &str) -> Result<CommentSettings, NewsroomError> {
    let moderation = ModerationPolicy::parse(moderation)?;
    let close_after_days = close_after_days
        .trim()
        .parse()
        .map_err(|_| NewsroomError::Invalid("Close comments after a whole number of days (0: never).".into()))?;
    Ok(CommentSettings { moderation, close_after_days })
}

async fn settings_form(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = FormData::parse(&body);
    let settings = settings_from(&form.get("moderation"), &form.get("close_after_days"))?;
    state.newsroom().change_comment_settings(&signed.user, settings).await?;
    Ok(Redirect::to("/admin/settings?done=Settings+saved.").into_response())
}

// ---- API ----

type ApiResult = Result<Response, super::api::ApiError>;

async fn api_queue(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Query(query): Query<QueueQuery>,
) -> ApiResult {
    let status = parse_status(query.status.as_deref())?;
    let page =
        state.newsroom().comments_in(&signed.user, status, PageRequest::new(query.page.unwrap_or(1), 50)).await?;
    Ok(axum::Json(json!({
        "total": page.total,
        "comments": page.items.iter().map(|held| json!({
            "id": held.comment.id.to_string(),
            "article": held.comment.article_id.to_string(),
            "article_path": format!("/{}", held.article_path),
            "parent": held.comment.parent_id.map(|p| p.to_string()),
            "name": held.comment.author_name,
            "email": held.email,
            "body": held.comment.body,
            "status": held.comment.status.as_str(),
            "posted_at": held.comment.posted_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
            "spam_score": held.spam_score,
            "reasons": held.reasons,
        })).collect::<Vec<_>>(),
    }))
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModerateRequest {
    ids: Vec<String>,
    verdict: String,
}

async fn api_moderate(State(state): State<AppState>, SignedIn(signed): SignedIn, bytes: Bytes) -> ApiResult {
    let request: ModerateRequest = body(&bytes)?;
    let verdict = Verdict::parse(&request.verdict)?;
    let changed = state.newsroom().moderate(&signed.user, &comment_ids(&request.ids)?, verdict).await?;
    Ok(axum::Json(json!({ "changed": changed })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EraseRequest {
    email: String,
}

async fn api_erase(State(state): State<AppState>, SignedIn(signed): SignedIn, bytes: Bytes) -> ApiResult {
    let request: EraseRequest = body(&bytes)?;
    let erased = state.newsroom().erase_commenter(&signed.user, &request.email).await?;
    Ok(axum::Json(json!({ "erased": erased })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommentsStateRequest {
    state: String,
}

async fn api_article_comments(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: CommentsStateRequest = body(&bytes)?;
    state.newsroom().set_comments_open(&signed.user, article_id(&id)?, parse_open(&request.state)?).await?;
    Ok(axum::Json(json!({ "state": request.state.trim() })).into_response())
}

fn settings_json(settings: CommentSettings) -> Value {
    json!({ "comment_moderation": settings.moderation.as_str(), "comments_close_after_days": settings.close_after_days })
}

async fn api_settings(State(state): State<AppState>, SignedIn(signed): SignedIn) -> ApiResult {
    let settings = state.newsroom().comment_settings(&signed.user).await?;
    Ok(axum::Json(settings_json(settings)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsRequest {
    comment_moderation: String,
    comments_close_after_days: u32,
}

async fn api_change_settings(State(state): State<AppState>, SignedIn(signed): SignedIn, bytes: Bytes) -> ApiResult {
    let request: SettingsRequest = body(&bytes)?;
    let settings = settings_from(&request.comment_moderation, &request.comments_close_after_days.to_string())?;
    state.newsroom().change_comment_settings(&signed.user, settings).await?;
    Ok(axum::Json(settings_json(settings)).into_response())
}
