//! The newsroom's pages: sign-in, the article list, the editor, revisions,
//! images, accounts. Plain HTML forms that work without JavaScript; a small
//! script adds the live preview and keyboard shortcuts.

use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::handler::Handler as _;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use masthead_content::{
    Action, Article, ArticleId, MediaId, Role, Slug, Status, TopicKind, TopicState, Transition, UserId,
};
use masthead_newsroom::accounts::AccountRequest;
use masthead_newsroom::articles::DraftInput;
use masthead_newsroom::media::ImageText;
use masthead_newsroom::{NewsroomError, diff, human_time};
use masthead_storage::{NewsroomFilter, PageRequest};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{Access, Routes, SESSION_COOKIE, Signed, SignedIn, percent_encode, serde_urlencoded_pairs, status_of};
use crate::AppState;

/// The most an image upload may be, with room for the form around it.
const UPLOAD_BODY_LIMIT: usize = 26 * 1024 * 1024;

pub(super) fn add_routes(routes: Routes) -> Routes {
    use Access::{Public, SignedIn as Needs};
    routes
        .add(Method::GET, "/admin/sign-in", Public, sign_in_page)
        .add(Method::POST, "/admin/sign-in", Public, sign_in)
        .add(Method::POST, "/admin/sign-out", Needs(Action::ViewNewsroom), sign_out)
        .add(Method::POST, "/admin/sign-out-everywhere", Needs(Action::ViewNewsroom), sign_out_everywhere)
        .add(Method::GET, "/admin", Needs(Action::ViewNewsroom), article_list)
        .add(Method::GET, "/admin/articles/new", Needs(Action::CreateArticle), new_article)
        .add(Method::POST, "/admin/articles", Needs(Action::CreateArticle), create_article)
        .add(Method::GET, "/admin/articles/{id}", Needs(Action::ViewNewsroom), edit_article)
        .add(Method::POST, "/admin/articles/{id}", Needs(Action::EditArticle), save_article)
        .add(Method::POST, "/admin/articles/{id}/step", Needs(Action::Step(Transition::Submit)), take_step)
        .add(Method::POST, "/admin/articles/{id}/corrections", Needs(Action::AddCorrection), add_correction)
        .add(Method::GET, "/admin/articles/{id}/revisions", Needs(Action::ViewNewsroom), revisions)
        .add(Method::POST, "/admin/articles/{id}/restore", Needs(Action::EditArticle), restore)
        .add(Method::POST, "/admin/articles/{id}/topics", Needs(Action::EditArticle), change_topics)
        .add(Method::POST, "/admin/articles/{id}/related", Needs(Action::EditArticle), change_related)
        .add(Method::POST, "/admin/preview", Needs(Action::ViewNewsroom), preview)
        .add(Method::GET, "/admin/images", Needs(Action::ViewNewsroom), image_list)
        .add(
            Method::POST,
            "/admin/images",
            Needs(Action::UploadMedia),
            upload_image.layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .add(Method::GET, "/admin/images/{id}", Needs(Action::ViewNewsroom), image_page)
        .add(Method::POST, "/admin/images/{id}", Needs(Action::DescribeMedia), describe_image)
        .add(Method::GET, "/admin/users", Needs(Action::ManageUsers), user_list)
        .add(Method::POST, "/admin/users", Needs(Action::ManageUsers), create_user)
        .add(Method::POST, "/admin/users/{id}/password", Needs(Action::ManageUsers), reset_password)
        .add(Method::POST, "/admin/users/{id}/role", Needs(Action::ManageUsers), change_role)
        .add(Method::GET, "/admin/account", Needs(Action::ViewNewsroom), account_page)
        .add(Method::POST, "/admin/account/tokens", Needs(Action::ViewNewsroom), create_token)
}

/// A newsroom error as a page: the site's error page with the message.
pub(crate) fn error_response(error: &NewsroomError) -> Response {
    let status = status_of(error);
    let message = match error {
        NewsroomError::Internal(_) => String::new(),
        other => other.to_string(),
    };
    let detail = matches!(error, NewsroomError::Internal(_)).then(|| error.to_string());
    let mut response = status.into_response();
    if let NewsroomError::Throttled { retry_after } = error {
        retry_after_header(&mut response, *retry_after);
    }
    response.extensions_mut().insert(crate::error::ErrorPage { status, message, detail });
    response
}

pub(crate) fn retry_after_header(response: &mut Response, wait: time::Duration) {
    let seconds = wait.whole_seconds().max(1).to_string();
    if let Ok(value) = HeaderValue::from_str(&seconds) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
}

/// A page result: a response, or a newsroom error shown as a page.
type PageResult = Result<Response, PageError>;

pub(crate) struct PageError(NewsroomError);

impl From<NewsroomError> for PageError {
    fn from(error: NewsroomError) -> Self {
        Self(error)
    }
}

impl From<minijinja::Error> for PageError {
    fn from(error: minijinja::Error) -> Self {
        Self(NewsroomError::Internal(format!("template error: {error}")))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_response(&self.0)
    }
}

/// An urlencoded form, keeping repeated fields (several bylines).
pub(super) struct FormData(Vec<(String, String)>);

impl FormData {
    pub(super) fn parse(body: &Bytes) -> Self {
        Self(serde_urlencoded_pairs(&String::from_utf8_lossy(body)))
    }

    pub(super) fn get(&self, name: &str) -> String {
        self.0.iter().find(|(key, _)| key == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    pub(super) fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(key, _)| key == name).map(|(_, v)| v.clone()).collect()
    }
}

/// Reads a `datetime-local` value (`2026-12-01T09:30`) as UTC; empty is `None`.
fn parse_time(field: &str, value: &str) -> Result<Option<OffsetDateTime>, NewsroomError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let with_seconds = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(value, format)
        .or_else(|_| time::PrimitiveDateTime::parse(value, with_seconds))
        .map(|t| Some(t.assume_utc()))
        .or_else(|_| OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339).map(Some))
        .map_err(|_| NewsroomError::Invalid(format!("The {field} must be a date and time such as 2026-12-01T09:30.")))
}

fn time_input(at: Option<OffsetDateTime>) -> String {
    at.map(|t| {
        let t = t.to_offset(time::UtcOffset::UTC);
        format!("{:04}-{:02}-{:02}T{:02}:{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute())
    })
    .unwrap_or_default()
}

fn draft_from_form(form: &FormData) -> Result<DraftInput, NewsroomError> {
    Ok(DraftInput {
        headline: form.get("headline"),
        standfirst: form.get("standfirst"),
        body_source: form.get("body_source").replace("\r\n", "\n"),
        section: form.get("section"),
        tags: form.get("tags").split(',').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect(),
        authors: form.all("authors"),
        lead_image: Some(form.get("lead_image")).filter(|v| !v.trim().is_empty()),
        slug: form.get("slug"),
        embargo_until: parse_time("embargo", &form.get("embargo_until"))?,
    })
}

/// A 303 to `location`; an address that cannot be a `Location` header goes to the newsroom's home.
fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => Redirect::to("/admin").into_response(),
    }
}

pub(super) fn render(state: &AppState, status: StatusCode, template: &str, context: Value) -> PageResult {
    let html = state.templates().render(template, context)?;
    Ok((status, Html(html)).into_response())
}

/// What every newsroom page shows: the site, the account, the navigation and the CSRF token.
pub(super) fn chrome(state: &AppState, signed: Option<&Signed>, current: &str) -> Value {
    json!({
        "site": { "name": state.config().site_name, "language": state.config().language },
        "stylesheet": state.asset_url("admin.css"),
        "script": state.asset_url("admin.js"),
        "icon": state.asset_url("icon.svg"),
        "current": current,
        "me": signed.map(|s| json!({
            "name": s.user.name,
            "email": s.user.email.as_str(),
            "role": s.user.role.as_str(),
            "is_admin": s.user.role == Role::Admin,
            "may_moderate": s.user.role.may(Action::ModerateComments, false, None),
        })),
        "csrf": signed.and_then(|s| s.csrf_token.clone()).unwrap_or_default(),
    })
}

pub(super) fn merge(mut base: Value, extra: Value) -> Value {
    if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), extra) {
        base.extend(extra);
    }
    base
}

// ---- sign-in ----

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn sign_in_page(State(state): State<AppState>, Query(query): Query<NextQuery>) -> PageResult {
    sign_in_form(&state, StatusCode::OK, query.next.as_deref(), "", None).await
}

async fn sign_in_form(
    state: &AppState,
    status: StatusCode,
    next: Option<&str>,
    email: &str,
    message: Option<String>,
) -> PageResult {
    let first_run = !state.newsroom().has_accounts().await?;
    render(
        state,
        status,
        "admin/sign_in.html",
        merge(
            chrome(state, None, "sign-in"),
            json!({ "next": safe_next(next), "email": email, "message": message, "first_run": first_run }),
        ),
    )
}

/// Only newsroom paths are followed after signing in, so the form cannot send anyone elsewhere;
/// anything else (another site, a line break, a space) returns to the newsroom's home.
fn safe_next(next: Option<&str>) -> String {
    next.filter(|n| {
        n.starts_with("/admin")
            && !n.contains('\\')
            && !n.chars().any(|c| c.is_control() || c.is_whitespace())
            && n.parse::<axum::http::uri::PathAndQuery>().is_ok()
    })
    .unwrap_or("/admin")
    .to_owned()
}

async fn sign_in(State(state): State<AppState>, extensions: axum::http::Extensions, body: Bytes) -> PageResult {
    let form = FormData::parse(&body);
    let email = form.get("email");
    let next = form.get("next");
    // Known only by the salted hash the comment desk gives an address.
    let client = extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|address| state.comments().client_hash(address.0.ip()));
    match state.newsroom().sign_in(&email, &form.get("password"), client.as_deref()).await {
        Ok(signed) => {
            let mut response = see_other(&safe_next(Some(&next)));
            let secure = if state.config().site_url.starts_with("https://") { "; Secure" } else { "" };
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/admin; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
                signed.token,
                masthead_newsroom::accounts::SESSION_LIFETIME.whole_seconds()
            );
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            Ok(response)
        }
        Err(error @ (NewsroomError::BadCredentials | NewsroomError::Throttled { .. })) => {
            let mut response =
                sign_in_form(&state, status_of(&error), Some(&next), &email, Some(error.to_string())).await?;
            if let NewsroomError::Throttled { retry_after } = error {
                retry_after_header(&mut response, retry_after);
            }
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}

fn clear_session_cookie(mut response: Response) -> Response {
    let cookie = format!("{SESSION_COOKIE}=; Path=/admin; HttpOnly; SameSite=Lax; Max-Age=0");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

async fn sign_out(State(state): State<AppState>, headers: axum::http::HeaderMap, SignedIn(_): SignedIn) -> PageResult {
    if let Some(token) = super::cookie(&headers, SESSION_COOKIE) {
        state.newsroom().sign_out(&token).await?;
    }
    Ok(clear_session_cookie(see_other("/admin/sign-in")))
}

async fn sign_out_everywhere(State(state): State<AppState>, SignedIn(signed): SignedIn) -> PageResult {
    state.newsroom().sign_out_everywhere(&signed.user).await?;
    Ok(clear_session_cookie(see_other("/admin/sign-in")))
}

// ---- articles ----

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    section: Option<String>,
    author: Option<String>,
    q: Option<String>,
    page: Option<u32>,
}

async fn article_list(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let newsroom = state.newsroom();
    let nonempty = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let filter = NewsroomFilter {
        status: nonempty(&query.status).map(|s| Status::parse(&s)).transpose().map_err(NewsroomError::from)?,
        section: nonempty(&query.section)
            .map(|s| masthead_content::Slug::parse(&s))
            .transpose()
            .map_err(NewsroomError::from)?,
        author: nonempty(&query.author)
            .map(|s| masthead_content::Slug::parse(&s))
            .transpose()
            .map_err(NewsroomError::from)?,
        headline_contains: nonempty(&query.q),
    };
    let page = newsroom.articles(&signed.user, &filter, PageRequest::new(query.page.unwrap_or(1), 25)).await?;
    let store = newsroom.store();
    let sections = store.sections().await.map_err(NewsroomError::from)?;
    let authors = store.authors().await.map_err(NewsroomError::from)?;
    let total_pages = page.total.div_ceil(25).max(1);
    let filter_query = format!(
        "status={}&section={}&author={}&q={}",
        percent_encode(query.status.as_deref().unwrap_or("")),
        percent_encode(query.section.as_deref().unwrap_or("")),
        percent_encode(query.author.as_deref().unwrap_or("")),
        percent_encode(query.q.as_deref().unwrap_or("")),
    );
    let articles: Vec<Value> = page
        .items
        .iter()
        .map(|a| {
            json!({
                "id": a.id.to_string(),
                "headline": a.headline.as_str(),
                "status": a.status.as_str(),
                "status_label": status_label(a.status),
                "section": a.section.name,
                "authors": a.authors.iter().map(|x| x.name.clone()).collect::<Vec<_>>().join(", "),
                "updated": human_time(a.updated_at),
                "updated_iso": a.updated_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
            })
        })
        .collect();
    render(
        &state,
        StatusCode::OK,
        "admin/articles.html",
        merge(
            chrome(&state, Some(&signed), "articles"),
            json!({
                "articles": articles,
                "total": page.total,
                "page": page.request.number(),
                "total_pages": total_pages,
                "filter_query": filter_query,
                "filter": {
                    "status": query.status.unwrap_or_default(),
                    "section": query.section.unwrap_or_default(),
                    "author": query.author.unwrap_or_default(),
                    "q": query.q.unwrap_or_default(),
                },
                "statuses": ALL_STATUSES.iter().map(|s| json!({"value": s.as_str(), "label": status_label(*s)})).collect::<Vec<_>>(),
                "sections": sections.iter().map(|s| json!({"slug": s.slug.as_str(), "name": s.name})).collect::<Vec<_>>(),
                "authors": authors.iter().map(|a| json!({"slug": a.slug.as_str(), "name": a.name})).collect::<Vec<_>>(),
            }),
        ),
    )
}

const ALL_STATUSES: [Status; 5] =
    [Status::Draft, Status::InReview, Status::Scheduled, Status::Published, Status::Unpublished];

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Draft => "Draft",
        Status::InReview => "In review",
        Status::Scheduled => "Scheduled",
        Status::Published => "Published",
        Status::Unpublished => "Unpublished",
    }
}

fn parse_article_id(id: &str) -> Result<ArticleId, NewsroomError> {
    ArticleId::parse(id).map_err(|_| NewsroomError::NotFound("That article".into()))
}

/// What the editor page needs besides the article itself.
struct EditorPage<'a> {
    article: Option<&'a Article>,
    input: DraftInput,
    revision: u32,
    message: Option<String>,
    notice: Option<String>,
    /// On a refused save: the newer version, compared with what was typed.
    theirs: Option<Value>,
}

async fn editor(state: &AppState, signed: &Signed, status: StatusCode, page: EditorPage<'_>) -> PageResult {
    let newsroom = state.newsroom();
    let store = newsroom.store();
    let sections = store.sections().await.map_err(NewsroomError::from)?;
    let authors = store.authors().await.map_err(NewsroomError::from)?;
    let images = newsroom.recent_images(&signed.user, 60).await?;
    let mut image_choices: Vec<Value> =
        images.iter().map(|m| json!({"id": m.id.to_string(), "label": image_label(m), "url": m.url_path()})).collect();
    if let Some(current) = page.article.and_then(|a| a.lead_image.as_ref())
        && !images.iter().any(|m| m.id == current.id)
    {
        image_choices
            .insert(0, json!({"id": current.id.to_string(), "label": image_label(current), "url": current.url_path()}));
    }
    let selected_authors: Vec<String> =
        if page.input.authors.is_empty() { vec![signed.user.author.to_string()] } else { page.input.authors.clone() };
    let mut article_view = Value::Null;
    let mut steps = Vec::new();
    let mut warnings = Vec::new();
    let mut may_edit = newsroom.may(&signed.user, Action::CreateArticle, None);
    let mut may_correct = false;
    let may_moderate = signed.user.role.may(Action::ModerateComments, false, None);
    if let Some(article) = page.article {
        may_edit = newsroom.may(&signed.user, Action::EditArticle, Some(article));
        may_correct =
            article.status == Status::Published && newsroom.may(&signed.user, Action::AddCorrection, Some(article));
        steps = Transition::available_from(article.status)
            .into_iter()
            .filter(|step| newsroom.may(&signed.user, Action::Step(*step), Some(article)))
            .map(
                |step| json!({"value": step.as_str(), "label": step.label(), "schedule": step == Transition::Schedule}),
            )
            .collect();
        warnings = newsroom.editor_warnings(article).await?;
        article_view = json!({
            "id": article.id.to_string(),
            "status": article.status.as_str(),
            "status_label": status_label(article.status),
            "revision": article.revision,
            "published_at": article.published_at.map(human_time),
            "public_url": (article.status == Status::Published)
                .then(|| format!("/{}/{}", article.section.slug, article.slug)),
            "corrections": article.corrections.iter()
                .map(|c| json!({"note": c.note, "issued": human_time(c.issued_at)}))
                .collect::<Vec<_>>(),
            "publish_at": time_input(article.published_at.filter(|_| article.status == Status::Scheduled)),
            "comments_state": match article.comments_open { None => "auto", Some(true) => "open", Some(false) => "closed" },
            "comments_open_now": state.comments().open_for(article).await.map_err(NewsroomError::from)?,
        });
    }
    let mut intelligence = Value::Null;
    if let Some(article) = page.article {
        let topics = newsroom.topics(&signed.user, article.id).await?;
        let quotes = newsroom.quotes(&signed.user, article.id).await?;
        let (pinned, suggested) = super::api::related_choices(state, &signed.user, article.id).await?;
        intelligence = json!({
            "topics": topics.iter().map(super::api::topic_json).collect::<Vec<_>>(),
            "quotes": quotes.iter().map(|q| json!({
                "text": q.text,
                "speaker": q.speaker,
                "block": format!("```pull-quote\nquote: {}\nby: {}\n```", q.text.replace('\n', " "), q.speaker.clone().unwrap_or_default()),
            })).collect::<Vec<_>>(),
            "pinned": pinned,
            "suggested": suggested,
        });
    }
    let preview = crate::reader::article::render_body_preview(state, &page.input.body_source).await;
    render(
        state,
        status,
        "admin/editor.html",
        merge(
            chrome(state, Some(signed), "editor"),
            json!({
                "article": article_view,
                "input": {
                    "headline": page.input.headline,
                    "standfirst": page.input.standfirst,
                    "body_source": page.input.body_source,
                    "section": page.input.section,
                    "tags": page.input.tags.join(", "),
                    "lead_image": page.input.lead_image.unwrap_or_default(),
                    "slug": page.input.slug,
                    "embargo_until": time_input(page.input.embargo_until),
                },
                "revision": page.revision,
                "message": page.message,
                "notice": page.notice,
                "theirs": page.theirs,
                "warnings": warnings,
                "steps": steps,
                "may_edit": may_edit,
                "may_correct": may_correct,
                "may_moderate": may_moderate,
                "preview": preview,
                "sections": sections.iter().map(|s| json!({"slug": s.slug.as_str(), "name": s.name})).collect::<Vec<_>>(),
                "authors": authors.iter().map(|a| json!({
                    "slug": a.slug.as_str(),
                    "name": a.name,
                    "selected": selected_authors.iter().any(|s| s == a.slug.as_str()),
                })).collect::<Vec<_>>(),
                "images": image_choices,
                "intelligence": intelligence,
            }),
        ),
    )
}

fn image_label(media: &masthead_content::Media) -> String {
    let text = [media.caption.as_str(), media.alt_text.as_str(), media.file_name.as_str()]
        .into_iter()
        .find(|t| !t.trim().is_empty())
        .unwrap_or("")
        .chars()
        .take(70)
        .collect::<String>();
    format!("{text} ({}×{})", media.width, media.height)
}

async fn new_article(State(state): State<AppState>, SignedIn(signed): SignedIn) -> PageResult {
    state.newsroom().authorise(&signed.user, Action::CreateArticle, None)?;
    let sections = state.newsroom().store().sections().await.map_err(NewsroomError::from)?;
    let input = DraftInput {
        section: sections.first().map(|s| s.slug.to_string()).unwrap_or_default(),
        ..DraftInput::default()
    };
    editor(
        &state,
        &signed,
        StatusCode::OK,
        EditorPage { article: None, input, revision: 0, message: None, notice: None, theirs: None },
    )
    .await
}

async fn create_article(State(state): State<AppState>, SignedIn(signed): SignedIn, body: Bytes) -> PageResult {
    let form = FormData::parse(&body);
    let input = draft_from_form(&form);
    let result = match &input {
        Ok(input) => state.newsroom().create_article(&signed.user, input.clone()).await,
        Err(e) => Err(NewsroomError::Invalid(e.to_string())),
    };
    match result {
        Ok(article) => Ok(see_other(&format!("/admin/articles/{}?saved=1", article.id))),
        Err(error @ (NewsroomError::Invalid(_) | NewsroomError::Conflict(_))) => {
            let input = input.unwrap_or_else(|_| lenient_input(&form));
            let page = EditorPage {
                article: None,
                input,
                revision: 0,
                message: Some(error.to_string()),
                notice: None,
                theirs: None,
            };
            editor(&state, &signed, status_of(&error), page).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The typed fields even when one of them is malformed, so nothing typed is lost.
fn lenient_input(form: &FormData) -> DraftInput {
    DraftInput {
        headline: form.get("headline"),
        standfirst: form.get("standfirst"),
        body_source: form.get("body_source").replace("\r\n", "\n"),
        section: form.get("section"),
        tags: form.get("tags").split(',').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect(),
        authors: form.all("authors"),
        lead_image: Some(form.get("lead_image")).filter(|v| !v.trim().is_empty()),
        slug: form.get("slug"),
        embargo_until: None,
    }
}

#[derive(Deserialize)]
struct SavedQuery {
    saved: Option<String>,
    done: Option<String>,
}

async fn edit_article(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    Query(query): Query<SavedQuery>,
) -> PageResult {
    let article = state.newsroom().article(&signed.user, parse_article_id(&id)?).await?;
    let notice = query
        .done
        .or(query.saved.map(|_| "Saved.".to_owned()))
        .map(|done| if done == "1" { "Saved.".to_owned() } else { done.chars().take(120).collect() });
    let page = EditorPage {
        article: Some(&article),
        input: DraftInput::from_article(&article),
        revision: article.revision,
        message: None,
        notice,
        theirs: None,
    };
    editor(&state, &signed, StatusCode::OK, page).await
}

async fn save_article(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let id = parse_article_id(&id)?;
    let form = FormData::parse(&body);
    let revision: u32 = form.get("revision").trim().parse().unwrap_or(0);
    let input = draft_from_form(&form);
    let result = match &input {
        Ok(input) => state.newsroom().save_article(&signed.user, id, revision, input.clone()).await,
        Err(e) => Err(NewsroomError::Invalid(e.to_string())),
    };
    match result {
        Ok(article) => Ok(see_other(&format!("/admin/articles/{}?saved=1", article.id))),
        Err(error @ (NewsroomError::Invalid(_) | NewsroomError::Conflict(_) | NewsroomError::Stale { .. })) => {
            let article = state.newsroom().article(&signed.user, id).await?;
            let typed = input.unwrap_or_else(|_| lenient_input(&form));
            let theirs = matches!(error, NewsroomError::Stale { .. }).then(|| their_version(&article, &typed));
            // After a refused stale save the form carries the newer revision, so the next save,
            // made knowingly over it, goes through.
            let next_revision = if theirs.is_some() { article.revision } else { revision };
            let page = EditorPage {
                article: Some(&article),
                input: typed,
                revision: next_revision,
                message: Some(error.to_string()),
                notice: None,
                theirs,
            };
            editor(&state, &signed, status_of(&error), page).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The saved version next to what the writer typed, line by line.
fn their_version(article: &Article, typed: &DraftInput) -> Value {
    let lines = |before: &str, after: &str| -> Vec<Value> {
        diff::line_diff(before, after)
            .into_iter()
            .map(|l| json!({"mark": l.mark.to_string(), "text": l.text}))
            .collect()
    };
    json!({
        "revision": article.revision,
        "headline": article.headline.as_str(),
        "standfirst": article.standfirst,
        "body_source": article.body_source,
        "headline_diff": lines(article.headline.as_str(), &typed.headline),
        "body_diff": lines(&article.body_source, &typed.body_source),
    })
}

async fn take_step(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let id = parse_article_id(&id)?;
    let form = FormData::parse(&body);
    let step = Transition::parse(&form.get("step")).map_err(NewsroomError::from)?;
    let outcome = match parse_time("publish time", &form.get("publish_at")) {
        Ok(at) => state.newsroom().step(&signed.user, id, step, at).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(article) => Ok(see_other(&format!(
            "/admin/articles/{}?done={}",
            article.id,
            percent_encode(&format!(
                "{}: the article is now {}.",
                step.label(),
                status_label(article.status).to_lowercase()
            ))
        ))),
        Err(error @ (NewsroomError::Invalid(_) | NewsroomError::Conflict(_) | NewsroomError::Forbidden(_))) => {
            let article = state.newsroom().article(&signed.user, id).await?;
            let page = EditorPage {
                article: Some(&article),
                input: DraftInput::from_article(&article),
                revision: article.revision,
                message: Some(error.to_string()),
                notice: None,
                theirs: None,
            };
            editor(&state, &signed, status_of(&error), page).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn add_correction(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let id = parse_article_id(&id)?;
    let form = FormData::parse(&body);
    state.newsroom().add_correction(&signed.user, id, &form.get("note")).await?;
    Ok(see_other(&format!("/admin/articles/{id}?done=Correction+added.")))
}

/// `POST /admin/articles/{id}/topics`: confirm or remove a suggested topic
/// (`topic` and `state`), or add one (`name` and `type`).
async fn change_topics(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let id = parse_article_id(&id)?;
    let form = FormData::parse(&body);
    let newsroom = state.newsroom();
    let done = if form.get("name").trim().is_empty() {
        let topic = Slug::parse(form.get("topic").trim()).map_err(|_| NewsroomError::NotFound("That topic".into()))?;
        let (decision, done) = match form.get("state").as_str() {
            "confirmed" => (TopicState::Confirmed, "Topic+confirmed."),
            "removed" => (TopicState::Removed, "Topic+removed."),
            _ => (TopicState::Suggested, "Topic+back+to+suggested."),
        };
        newsroom.decide_topic(&signed.user, id, &topic, decision).await?;
        done
    } else {
        let kind = TopicKind::parse(form.get("type").trim()).map_err(|e| NewsroomError::Invalid(e.to_string()))?;
        newsroom.add_topic(&signed.user, id, &form.get("name"), kind).await?;
        "Topic+added."
    };
    Ok(see_other(&format!("/admin/articles/{id}?done={done}#intelligence")))
}

/// `POST /admin/articles/{id}/related`: pin a suggested story (`pin`), unpin
/// one (`unpin`), or move a pinned one up (`up`).
async fn change_related(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let id = parse_article_id(&id)?;
    let form = FormData::parse(&body);
    let newsroom = state.newsroom();
    let mut pins = newsroom.related_pins(&signed.user, id).await?;
    let target = |name: &str| ArticleId::parse(form.get(name).trim()).ok();
    if let Some(pin) = target("pin") {
        if !pins.contains(&pin) {
            pins.push(pin);
        }
    } else if let Some(unpin) = target("unpin") {
        pins.retain(|p| *p != unpin);
    } else if let Some(up) = target("up")
        && let Some(at) = pins.iter().position(|p| *p == up)
        && at > 0
    {
        pins.swap(at, at - 1);
    }
    newsroom.pin_related(&signed.user, id, &pins).await?;
    Ok(see_other(&format!("/admin/articles/{id}?done=Related+stories+saved.#intelligence")))
}

#[derive(Deserialize)]
struct CompareQuery {
    from: Option<u32>,
    to: Option<u32>,
}

async fn revisions(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    Query(query): Query<CompareQuery>,
) -> PageResult {
    let id = parse_article_id(&id)?;
    let newsroom = state.newsroom();
    let article = newsroom.article(&signed.user, id).await?;
    let history = newsroom.revisions(&signed.user, id).await?;
    let newest = history.first().map_or(1, |r| r.number);
    let to = query.to.unwrap_or(newest);
    let from = query.from.unwrap_or(to.saturating_sub(1).max(1));
    let changes = if from != to {
        let old = newsroom.revision(&signed.user, id, from).await?;
        let new = newsroom.revision(&signed.user, id, to).await?;
        diff::compare(&old.draft, &new.draft)
            .into_iter()
            .map(|change| {
                json!({
                    "field": change.field,
                    "lines": change.lines.iter().map(|l| json!({"mark": l.mark.to_string(), "text": l.text})).collect::<Vec<_>>(),
                })
            })
            .collect::<Vec<_>>()
    } else {
        Vec::new()
    };
    render(
        &state,
        StatusCode::OK,
        "admin/revisions.html",
        merge(
            chrome(&state, Some(&signed), "editor"),
            json!({
                "article": {"id": article.id.to_string(), "headline": article.headline.as_str(), "revision": article.revision},
                "history": history.iter().map(|r| json!({"number": r.number, "saved_by": r.saved_by, "saved": human_time(r.saved_at)})).collect::<Vec<_>>(),
                "from": from,
                "to": to,
                "changes": changes,
                "may_restore": newsroom.may(&signed.user, Action::EditArticle, Some(&article)),
            }),
        ),
    )
}

async fn restore(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let id = parse_article_id(&id)?;
    let form = FormData::parse(&body);
    let number: u32 =
        form.get("number").trim().parse().map_err(|_| NewsroomError::Invalid("Choose a revision.".into()))?;
    let revision: u32 = form.get("revision").trim().parse().unwrap_or(0);
    state.newsroom().restore(&signed.user, id, number, revision).await?;
    Ok(see_other(&format!("/admin/articles/{id}?done={}", percent_encode(&format!("Revision {number} restored.")))))
}

async fn preview(State(state): State<AppState>, SignedIn(_): SignedIn, body: Bytes) -> PageResult {
    let form = FormData::parse(&body);
    let html = crate::reader::article::render_body_preview(&state, &form.get("body_source")).await;
    Ok((StatusCode::OK, Html(html)).into_response())
}

// ---- images ----

async fn image_list(State(state): State<AppState>, SignedIn(signed): SignedIn) -> PageResult {
    let images = state.newsroom().recent_images(&signed.user, 100).await?;
    render(
        &state,
        StatusCode::OK,
        "admin/images.html",
        merge(
            chrome(&state, Some(&signed), "images"),
            json!({ "images": images.iter().map(image_view).collect::<Vec<_>>(), "message": Value::Null }),
        ),
    )
}

fn image_view(media: &masthead_content::Media) -> Value {
    json!({
        "id": media.id.to_string(),
        "url": media.url_path(),
        "width": media.width,
        "height": media.height,
        "caption": media.caption,
        "credit": media.credit,
        "alt_text": media.alt_text,
        "variants": media.variants.len(),
        "missing": media.missing_for_publication(),
        "credit_warning": media.credit_warning(),
    })
}

async fn upload_image(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    mut multipart: Multipart,
) -> PageResult {
    let mut bytes = None;
    let mut text = ImageText::default();
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            NewsroomError::TooLarge("The file is larger than the 25 MB upload limit.".into())
        } else {
            NewsroomError::Invalid(format!("The upload could not be read: {}", e.body_text()))
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or("") {
            "file" => bytes = Some(field.bytes().await.map_err(unreadable)?.to_vec()),
            "caption" => text.caption = field.text().await.map_err(unreadable)?,
            "credit" => text.credit = field.text().await.map_err(unreadable)?,
            "alt_text" => text.alt_text = field.text().await.map_err(unreadable)?,
            _ => {}
        }
    }
    let bytes =
        bytes.filter(|b| !b.is_empty()).ok_or_else(|| NewsroomError::Invalid("Choose an image file.".into()))?;
    let media = state.newsroom().upload_image(&signed.user, bytes, text).await?;
    Ok(see_other(&format!("/admin/images/{}", media.id)))
}

fn parse_media_id(id: &str) -> Result<MediaId, NewsroomError> {
    MediaId::parse(id).map_err(|_| NewsroomError::NotFound("That image".into()))
}

async fn image_page(State(state): State<AppState>, SignedIn(signed): SignedIn, Path(id): Path<String>) -> PageResult {
    let media = state.newsroom().image(&signed.user, parse_media_id(&id)?).await?;
    render(
        &state,
        StatusCode::OK,
        "admin/image.html",
        merge(chrome(&state, Some(&signed), "images"), json!({ "image": image_view(&media) })),
    )
}

async fn describe_image(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let form = FormData::parse(&body);
    let text = ImageText { caption: form.get("caption"), credit: form.get("credit"), alt_text: form.get("alt_text") };
    let media = state.newsroom().describe_image(&signed.user, parse_media_id(&id)?, text).await?;
    Ok(see_other(&format!("/admin/images/{}", media.id)))
}

// ---- accounts ----

async fn user_list(State(state): State<AppState>, SignedIn(signed): SignedIn) -> PageResult {
    users_page(&state, &signed, StatusCode::OK, None, None).await
}

async fn users_page(
    state: &AppState,
    signed: &Signed,
    status: StatusCode,
    message: Option<String>,
    secret: Option<Value>,
) -> PageResult {
    let users = state.newsroom().users(&signed.user).await?;
    render(
        state,
        status,
        "admin/users.html",
        merge(
            chrome(state, Some(signed), "users"),
            json!({
                "users": users.iter().map(|u| json!({
                    "id": u.id.to_string(), "name": u.name, "email": u.email.as_str(), "role": u.role.as_str(),
                    "is_me": u.id == signed.user.id,
                })).collect::<Vec<_>>(),
                "roles": Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                "message": message,
                "secret": secret,
            }),
        ),
    )
}

async fn create_user(State(state): State<AppState>, SignedIn(signed): SignedIn, body: Bytes) -> PageResult {
    let form = FormData::parse(&body);
    let role = Role::parse(&form.get("role")).map_err(NewsroomError::from);
    let result = match role {
        Ok(role) => {
            let request = AccountRequest { email: form.get("email"), name: form.get("name"), role, password: None };
            state.newsroom().create_account(Some(&signed.user), request).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok((user, password)) => {
            let secret = json!({"label": format!("Password for {} ({})", user.name, user.email), "value": password});
            users_page(&state, &signed, StatusCode::OK, None, Some(secret)).await
        }
        Err(error @ (NewsroomError::Invalid(_) | NewsroomError::Conflict(_))) => {
            users_page(&state, &signed, status_of(&error), Some(error.to_string()), None).await
        }
        Err(other) => Err(other.into()),
    }
}

fn parse_user_id(id: &str) -> Result<UserId, NewsroomError> {
    UserId::parse(id).map_err(|_| NewsroomError::NotFound("That account".into()))
}

async fn reset_password(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
) -> PageResult {
    let id = parse_user_id(&id)?;
    let password = state.newsroom().reset_password(&signed.user, id).await?;
    let user = state.newsroom().store().user(id).await.map_err(NewsroomError::from)?;
    let who = user.map(|u| format!("{} ({})", u.name, u.email)).unwrap_or_default();
    let secret = json!({"label": format!("New password for {who}; their sessions have ended"), "value": password});
    users_page(&state, &signed, StatusCode::OK, None, Some(secret)).await
}

async fn change_role(
    State(state): State<AppState>,
    SignedIn(signed): SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let form = FormData::parse(&body);
    let role = Role::parse(&form.get("role")).map_err(NewsroomError::from)?;
    match state.newsroom().change_role(&signed.user, parse_user_id(&id)?, role).await {
        Ok(()) => Ok(see_other("/admin/users")),
        Err(error @ NewsroomError::Invalid(_)) => {
            users_page(&state, &signed, status_of(&error), Some(error.to_string()), None).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn account_page(State(state): State<AppState>, SignedIn(signed): SignedIn) -> PageResult {
    render(
        &state,
        StatusCode::OK,
        "admin/account.html",
        merge(chrome(&state, Some(&signed), "account"), json!({"secret": null})),
    )
}

async fn create_token(State(state): State<AppState>, SignedIn(signed): SignedIn, body: Bytes) -> PageResult {
    let form = FormData::parse(&body);
    let token = state.newsroom().create_api_token(&signed.user, &form.get("label")).await?;
    let secret = json!({"label": format!("API token “{}”", form.get("label").trim()), "value": token});
    render(
        &state,
        StatusCode::OK,
        "admin/account.html",
        merge(chrome(&state, Some(&signed), "account"), json!({"secret": secret})),
    )
}
