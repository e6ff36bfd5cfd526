//! The JSON admin API under `/admin/api/`: every newsroom operation, for
//! scripts (bearer tokens) and for the editor's own script (session cookie
//! plus CSRF header). Described by the OpenAPI document at
//! `/admin/api/openapi.json`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::handler::Handler as _;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use masthead_content::{Action, Article, ArticleId, Media, MediaId, Role, Status, Transition, User, UserId};
use masthead_newsroom::NewsroomError;
use masthead_newsroom::accounts::AccountRequest;
use masthead_newsroom::articles::DraftInput;
use masthead_newsroom::media::ImageText;
use masthead_storage::{NewsroomFilter, PageRequest};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Access, Routes, SignedIn, status_of};
use crate::AppState;

pub(super) fn add_routes(routes: Routes) -> Routes {
    use Access::{Public, SignedIn as Needs};
    routes
        .add(Method::GET, "/admin/api/openapi.json", Public, super::openapi::serve)
        .add(Method::GET, "/admin/api/me", Needs(Action::ViewNewsroom), me)
        .add(Method::GET, "/admin/api/articles", Needs(Action::ViewNewsroom), list_articles)
        .add(Method::POST, "/admin/api/articles", Needs(Action::CreateArticle), create_article)
        .add(Method::GET, "/admin/api/articles/{id}", Needs(Action::ViewNewsroom), get_article)
        .add(Method::PUT, "/admin/api/articles/{id}", Needs(Action::EditArticle), save_article)
        .add(Method::POST, "/admin/api/articles/{id}/step", Needs(Action::Step(Transition::Submit)), take_step)
        .add(Method::POST, "/admin/api/articles/{id}/corrections", Needs(Action::AddCorrection), add_correction)
        .add(Method::GET, "/admin/api/articles/{id}/revisions", Needs(Action::ViewNewsroom), list_revisions)
        .add(Method::GET, "/admin/api/articles/{id}/revisions/{number}", Needs(Action::ViewNewsroom), get_revision)
        .add(Method::POST, "/admin/api/articles/{id}/restore", Needs(Action::EditArticle), restore)
        .add(Method::POST, "/admin/api/preview", Needs(Action::ViewNewsroom), preview)
        .add(Method::GET, "/admin/api/articles/{id}/topics", Needs(Action::ViewNewsroom), list_topics)
        .add(Method::POST, "/admin/api/articles/{id}/topics", Needs(Action::EditArticle), add_topic)
        .add(Method::PUT, "/admin/api/articles/{id}/topics/{topic}", Needs(Action::EditArticle), decide_topic)
        .add(Method::GET, "/admin/api/articles/{id}/quotes", Needs(Action::ViewNewsroom), list_quotes)
        .add(Method::GET, "/admin/api/articles/{id}/related", Needs(Action::ViewNewsroom), list_related)
        .add(Method::PUT, "/admin/api/articles/{id}/related", Needs(Action::EditArticle), pin_related)
        .add(
            Method::POST,
            "/admin/api/images",
            Needs(Action::UploadMedia),
            upload_image.layer(axum::extract::DefaultBodyLimit::max(26 * 1024 * 1024)),
        )
        .add(Method::GET, "/admin/api/images/{id}", Needs(Action::ViewNewsroom), get_image)
        .add(Method::PUT, "/admin/api/images/{id}", Needs(Action::DescribeMedia), describe_image)
        .add(Method::GET, "/admin/api/users", Needs(Action::ManageUsers), list_users)
        .add(Method::POST, "/admin/api/users", Needs(Action::ManageUsers), create_user)
        .add(Method::POST, "/admin/api/users/{id}/password", Needs(Action::ManageUsers), reset_password)
        .add(Method::PUT, "/admin/api/users/{id}/role", Needs(Action::ManageUsers), change_role)
        .add(Method::POST, "/admin/api/tokens", Needs(Action::ViewNewsroom), create_token)
        .add(Method::POST, "/admin/api/sign-out-everywhere", Needs(Action::ViewNewsroom), sign_out_everywhere)
}

/// A newsroom error as JSON: `{"error": "...", "status": 409}` (plus the current revision when stale).
pub(crate) fn error_response(error: &NewsroomError) -> Response {
    let status = status_of(error);
    let message = match error {
        NewsroomError::Internal(detail) => {
            tracing::error!(error = %detail, "admin API request failed");
            "Something went wrong; the error has been logged.".to_owned()
        }
        other => other.to_string(),
    };
    let mut body = json!({ "error": message, "status": status.as_u16() });
    if let NewsroomError::Stale { current, .. } = error {
        body["current_revision"] = json!(current);
    }
    let mut response = (status, Json(body)).into_response();
    if let NewsroomError::Throttled { retry_after } = error {
        super::html::retry_after_header(&mut response, *retry_after);
    }
    response
}

/// The API's result: JSON, or a newsroom error as JSON.
type ApiResult = Result<Response, ApiError>;

pub(crate) struct ApiError(NewsroomError);

impl<E: Into<NewsroomError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        Self(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error_response(&self.0)
    }
}

fn ok(value: Value) -> ApiResult {
    Ok(Json(value).into_response())
}

fn created(value: Value) -> ApiResult {
    Ok((StatusCode::CREATED, Json(value)).into_response())
}

/// Reads a JSON body, refusing malformed ones with a 400-class sentence.
pub(super) fn body<T: serde::de::DeserializeOwned>(bytes: &Bytes) -> Result<T, NewsroomError> {
    serde_json::from_slice(bytes).map_err(|e| NewsroomError::Invalid(format!("The request body is not valid: {e}.")))
}

fn time_text(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

fn parse_rfc3339(field: &str, value: Option<&str>) -> Result<Option<OffsetDateTime>, NewsroomError> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| {
            OffsetDateTime::parse(v.trim(), &Rfc3339).map_err(|_| {
                NewsroomError::Invalid(format!("`{field}` must be an RFC 3339 time such as 2026-12-01T09:30:00Z."))
            })
        })
        .transpose()
}

pub(crate) fn user_json(user: &User) -> Value {
    json!({
        "id": user.id.to_string(),
        "email": user.email.as_str(),
        "name": user.name,
        "role": user.role.as_str(),
        "author": user.author.as_str(),
    })
}

pub(crate) fn media_json(media: &Media) -> Value {
    json!({
        "id": media.id.to_string(),
        "url": media.url_path(),
        "content_type": media.content_type,
        "width": media.width,
        "height": media.height,
        "caption": media.caption,
        "credit": media.credit,
        "alt_text": media.alt_text,
        "variants": media.variants.iter().map(|v| json!({
            "url": format!("/media/{}", v.file_name), "content_type": v.content_type, "width": v.width, "height": v.height,
        })).collect::<Vec<_>>(),
        "missing_for_publication": media.missing_for_publication(),
        "credit_warning": media.credit_warning(),
    })
}

fn article_json(article: &Article) -> Value {
    json!({
        "id": article.id.to_string(),
        "slug": article.slug.as_str(),
        "headline": article.headline.as_str(),
        "standfirst": article.standfirst,
        "body_source": article.body_source,
        "section": article.section.slug.as_str(),
        "tags": article.tags.iter().map(|t| t.name.clone()).collect::<Vec<_>>(),
        "authors": article.authors.iter().map(|a| a.slug.as_str().to_owned()).collect::<Vec<_>>(),
        "lead_image": article.lead_image.as_ref().map(media_json),
        "status": article.status.as_str(),
        "revision": article.revision,
        "published_at": article.published_at.map(time_text),
        "updated_at": time_text(article.updated_at),
        "embargo_until": article.embargo_until.map(time_text),
        "url": (article.status == Status::Published).then(|| format!("/{}/{}", article.section.slug, article.slug)),
        "corrections": article.corrections.iter().map(|c| json!({"note": c.note, "issued_at": time_text(c.issued_at)})).collect::<Vec<_>>(),
    })
}

/// The writable fields of an article, as the API takes them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleFields {
    headline: String,
    #[serde(default)]
    standfirst: String,
    #[serde(default)]
    body_source: String,
    section: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    lead_image: Option<String>,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    embargo_until: Option<String>,
    /// Only for saves: the revision the change is based on.
    #[serde(default)]
    revision: Option<u32>,
}

impl ArticleFields {
    fn into_input(self) -> Result<(DraftInput, Option<u32>), NewsroomError> {
        let embargo_until = parse_rfc3339("embargo_until", self.embargo_until.as_deref())?;
        Ok((
            DraftInput {
                headline: self.headline,
                standfirst: self.standfirst,
                body_source: self.body_source,
                section: self.section,
                tags: self.tags,
                authors: self.authors,
                lead_image: self.lead_image,
                slug: self.slug,
                embargo_until,
            },
            self.revision,
        ))
    }
}

fn article_id(id: &str) -> Result<ArticleId, NewsroomError> {
    ArticleId::parse(id)
        .map_err(|_| NewsroomError::NotFound(format!("Article `{}`", id.chars().take(40).collect::<String>())))
}

async fn me(SignedIn(signed): SignedIn) -> ApiResult {
    ok(user_json(&signed.user))
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    section: Option<String>,
    author: Option<String>,
    q: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

async fn list_articles(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Query(query): Query<ListQuery>,
) -> ApiResult {
    let slug = |v: Option<String>| -> Result<Option<masthead_content::Slug>, NewsroomError> {
        Ok(v.filter(|v| !v.is_empty()).map(|v| masthead_content::Slug::parse(&v)).transpose()?)
    };
    let filter = NewsroomFilter {
        status: query
            .status
            .filter(|s| !s.is_empty())
            .map(|s| Status::parse(&s))
            .transpose()
            .map_err(NewsroomError::from)?,
        section: slug(query.section)?,
        author: slug(query.author)?,
        headline_contains: query.q,
    };
    let request = PageRequest::new(query.page.unwrap_or(1), query.per_page.unwrap_or(25));
    let page = state.newsroom().articles(&signed.user, &filter, request).await?;
    ok(json!({
        "total": page.total,
        "page": page.request.number(),
        "per_page": page.request.size(),
        "articles": page.items.iter().map(|a| json!({
            "id": a.id.to_string(),
            "slug": a.slug.as_str(),
            "headline": a.headline.as_str(),
            "status": a.status.as_str(),
            "section": a.section.slug.as_str(),
            "authors": a.authors.iter().map(|x| x.slug.as_str().to_owned()).collect::<Vec<_>>(),
            "published_at": a.published_at.map(time_text),
            "updated_at": time_text(a.updated_at),
        })).collect::<Vec<_>>(),
    }))
}

async fn create_article(State(state): State<AppState>, SignedIn(signed): SignedIn, bytes: Bytes) -> ApiResult {
    let (input, _) = body::<ArticleFields>(&bytes)?.into_input()?;
    let article = state.newsroom().create_article(&signed.user, input).await?;
    created(article_json(&article))
}

async fn get_article(State(state): State<AppState>, SignedIn(signed): SignedIn, Path(id): Path<String>) -> ApiResult {
    let newsroom = state.newsroom();
    let article = newsroom.article(&signed.user, article_id(&id)?).await?;
    let mut value = article_json(&article);
    value["warnings"] = json!(newsroom.editor_warnings(&article).await?);
    ok(value)
}

async fn save_article(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let (input, revision) = body::<ArticleFields>(&bytes)?.into_input()?;
    let revision = revision
        .ok_or_else(|| NewsroomError::Invalid("Send `revision`: the revision your change is based on.".into()))?;
    let article = state.newsroom().save_article(&signed.user, article_id(&id)?, revision, input).await?;
    ok(article_json(&article))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepRequest {
    step: String,
    publish_at: Option<String>,
}

async fn take_step(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: StepRequest = body(&bytes)?;
    let step = Transition::parse(&request.step)?;
    let at = parse_rfc3339("publish_at", request.publish_at.as_deref())?;
    let article = state.newsroom().step(&signed.user, article_id(&id)?, step, at).await?;
    ok(article_json(&article))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CorrectionRequest {
    note: String,
}

async fn add_correction(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: CorrectionRequest = body(&bytes)?;
    let article = state.newsroom().add_correction(&signed.user, article_id(&id)?, &request.note).await?;
    created(article_json(&article))
}

async fn list_revisions(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
) -> ApiResult {
    let history = state.newsroom().revisions(&signed.user, article_id(&id)?).await?;
    ok(json!({
        "revisions": history.iter().map(|r| json!({"number": r.number, "saved_at": time_text(r.saved_at), "saved_by": r.saved_by})).collect::<Vec<_>>(),
    }))
}

async fn get_revision(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path((id, number)): Path<(String, u32)>,
) -> ApiResult {
    let revision = state.newsroom().revision(&signed.user, article_id(&id)?, number).await?;
    let draft = &revision.draft;
    ok(json!({
        "number": revision.number,
        "saved_at": time_text(revision.saved_at),
        "saved_by": revision.saved_by,
        "fields": {
            "slug": draft.slug.as_str(),
            "headline": draft.headline.as_str(),
            "standfirst": draft.standfirst,
            "body_source": draft.body_source,
            "section": draft.section.as_str(),
            "tags": draft.tags.iter().map(|t| t.as_str().to_owned()).collect::<Vec<_>>(),
            "authors": draft.authors.iter().map(|a| a.as_str().to_owned()).collect::<Vec<_>>(),
            "lead_image": draft.lead_image.map(|m| m.to_string()),
            "embargo_until": draft.embargo_until.map(time_text),
        },
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RestoreRequest {
    number: u32,
    revision: u32,
}

async fn restore(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: RestoreRequest = body(&bytes)?;
    let article = state.newsroom().restore(&signed.user, article_id(&id)?, request.number, request.revision).await?;
    ok(article_json(&article))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PreviewRequest {
    body_source: String,
}

async fn preview(State(state): State<AppState>, SignedIn(_): SignedIn, bytes: Bytes) -> ApiResult {
    let request: PreviewRequest = body(&bytes)?;
    let html = crate::reader::article::render_body_preview(&state, &request.body_source).await;
    ok(json!({ "html": html }))
}

#[derive(Deserialize)]
struct ImageQuery {
    #[serde(default)]
    caption: String,
    #[serde(default)]
    credit: String,
    #[serde(default)]
    alt_text: String,
}

async fn upload_image(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Query(query): Query<ImageQuery>,
    bytes: Bytes,
) -> ApiResult {
    let text = ImageText { caption: query.caption, credit: query.credit, alt_text: query.alt_text };
    let media = state.newsroom().upload_image(&signed.user, bytes.to_vec(), text).await?;
    created(media_json(&media))
}

fn media_id(id: &str) -> Result<MediaId, NewsroomError> {
    MediaId::parse(id)
        .map_err(|_| NewsroomError::NotFound(format!("Image `{}`", id.chars().take(40).collect::<String>())))
}

async fn get_image(State(state): State<AppState>, SignedIn(signed): SignedIn, Path(id): Path<String>) -> ApiResult {
    let media = state.newsroom().image(&signed.user, media_id(&id)?).await?;
    ok(media_json(&media))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageTextRequest {
    caption: String,
    credit: String,
    alt_text: String,
}

async fn describe_image(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: ImageTextRequest = body(&bytes)?;
    let text = ImageText { caption: request.caption, credit: request.credit, alt_text: request.alt_text };
    let media = state.newsroom().describe_image(&signed.user, media_id(&id)?, text).await?;
    ok(media_json(&media))
}

async fn list_users(State(state): State<AppState>, SignedIn(signed): SignedIn) -> ApiResult {
    let users = state.newsroom().users(&signed.user).await?;
    ok(json!({ "users": users.iter().map(user_json).collect::<Vec<_>>() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserRequest {
    email: String,
    name: String,
    role: String,
    password: Option<String>,
}

async fn create_user(State(state): State<AppState>, SignedIn(signed): SignedIn, bytes: Bytes) -> ApiResult {
    let request: UserRequest = body(&bytes)?;
    let role = Role::parse(&request.role)?;
    let account = AccountRequest { email: request.email, name: request.name, role, password: request.password };
    let (user, password) = state.newsroom().create_account(Some(&signed.user), account).await?;
    let mut value = user_json(&user);
    value["password"] = json!(password);
    created(value)
}

fn user_id(id: &str) -> Result<UserId, NewsroomError> {
    UserId::parse(id)
        .map_err(|_| NewsroomError::NotFound(format!("Account `{}`", id.chars().take(40).collect::<String>())))
}

async fn reset_password(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
) -> ApiResult {
    let password = state.newsroom().reset_password(&signed.user, user_id(&id)?).await?;
    ok(json!({ "password": password }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleRequest {
    role: String,
}

async fn change_role(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: RoleRequest = body(&bytes)?;
    let id = user_id(&id)?;
    state.newsroom().change_role(&signed.user, id, Role::parse(&request.role)?).await?;
    let user = state.newsroom().store().user(id).await.map_err(NewsroomError::from)?;
    ok(user.as_ref().map(user_json).unwrap_or(Value::Null))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    label: String,
}

async fn create_token(State(state): State<AppState>, SignedIn(signed): SignedIn, bytes: Bytes) -> ApiResult {
    let request: TokenRequest = body(&bytes)?;
    let token = state.newsroom().create_api_token(&signed.user, &request.label).await?;
    created(json!({ "token": token, "label": request.label.trim() }))
}

async fn sign_out_everywhere(State(state): State<AppState>, SignedIn(signed): SignedIn) -> ApiResult {
    let ended = state.newsroom().sign_out_everywhere(&signed.user).await?;
    ok(json!({ "sessions_ended": ended }))
}

pub(crate) fn topic_json(topic: &masthead_content::ArticleTopic) -> Value {
    json!({
        "topic": topic.topic.slug.as_str(),
        "name": topic.topic.name,
        "type": topic.topic.kind.as_str(),
        "salience": topic.salience,
        "mentions": topic.mentions,
        "role": topic.role,
        "state": topic.state.as_str(),
        "url": format!("/topic/{}", topic.topic.slug),
    })
}

async fn list_topics(State(state): State<AppState>, SignedIn(signed): SignedIn, Path(id): Path<String>) -> ApiResult {
    let topics = state.newsroom().topics(&signed.user, article_id(&id)?).await?;
    ok(json!({ "topics": topics.iter().map(topic_json).collect::<Vec<_>>() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTopicRequest {
    name: String,
    #[serde(rename = "type")]
    kind: String,
}

async fn add_topic(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: NewTopicRequest = body(&bytes)?;
    let kind = masthead_content::TopicKind::parse(&request.kind).map_err(|e| NewsroomError::Invalid(e.to_string()))?;
    let topics = state.newsroom().add_topic(&signed.user, article_id(&id)?, &request.name, kind).await?;
    created(json!({ "topics": topics.iter().map(topic_json).collect::<Vec<_>>() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicStateRequest {
    state: String,
}

async fn decide_topic(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path((id, topic)): Path<(String, String)>,
    bytes: Bytes,
) -> ApiResult {
    let request: TopicStateRequest = body(&bytes)?;
    let decision =
        masthead_content::TopicState::parse(&request.state).map_err(|e| NewsroomError::Invalid(e.to_string()))?;
    let topic = masthead_content::Slug::parse(&topic).map_err(|_| NewsroomError::NotFound("That topic".into()))?;
    let topics = state.newsroom().decide_topic(&signed.user, article_id(&id)?, &topic, decision).await?;
    ok(json!({ "topics": topics.iter().map(topic_json).collect::<Vec<_>>() }))
}

async fn list_quotes(State(state): State<AppState>, SignedIn(signed): SignedIn, Path(id): Path<String>) -> ApiResult {
    let quotes = state.newsroom().quotes(&signed.user, article_id(&id)?).await?;
    ok(json!({
        "quotes": quotes.iter().map(|q| json!({
            "text": q.text,
            "speaker": q.speaker,
            "speaker_topic": q.speaker_topic.as_ref().map(|s| s.as_str()),
        })).collect::<Vec<_>>(),
    }))
}

/// An article's pinned related stories and the ranked suggestions.
pub(crate) async fn related_choices(
    state: &AppState,
    user: &User,
    id: ArticleId,
) -> Result<(Vec<Value>, Vec<Value>), NewsroomError> {
    let pinned_ids = state.newsroom().related_pins(user, id).await?;
    let mut pinned = Vec::new();
    for pin in &pinned_ids {
        let other = state.newsroom().article(user, *pin).await?;
        pinned.push(json!({
            "id": pin.to_string(),
            "headline": other.headline.as_str(),
            "url": format!("/{}/{}", other.section.slug, other.slug),
        }));
    }
    let suggested = state
        .search()
        .related(id, 8)
        .await
        .map_err(|e| NewsroomError::Internal(e.to_string()))?
        .into_iter()
        .filter(|story| !pinned_ids.iter().any(|p| p.to_string() == story.id))
        .map(|story| json!({"id": story.id, "headline": story.headline, "url": story.url, "score": (story.score * 1000.0).round() / 1000.0}))
        .collect();
    Ok((pinned, suggested))
}

async fn list_related(State(state): State<AppState>, SignedIn(signed): SignedIn, Path(id): Path<String>) -> ApiResult {
    let (pinned, suggested) = related_choices(&state, &signed.user, article_id(&id)?).await?;
    ok(json!({ "pinned": pinned, "suggested": suggested }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PinRequest {
    pinned: Vec<String>,
}

async fn pin_related(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult {
    let request: PinRequest = body(&bytes)?;
    let targets = request.pinned.iter().map(|t| article_id(t)).collect::<Result<Vec<_>, _>>()?;
    let id = article_id(&id)?;
    state.newsroom().pin_related(&signed.user, id, &targets).await?;
    let (pinned, suggested) = related_choices(&state, &signed.user, id).await?;
    ok(json!({ "pinned": pinned, "suggested": suggested }))
}
