//! The newsroom at `/admin`: server-rendered pages ([`html`]) and the JSON
//! admin API ([`api`]), both thin front ends over [`masthead_newsroom`].
//!
//! Every route is declared once, through [`Routes::add`], with the access it
//! needs. The same declaration builds the router and the route list that
//! tests walk ([`admin_routes`]), so no route can be added without saying who
//! may use it. Authentication happens in one middleware ([`authenticate`]):
//! a session cookie (browsers) or a bearer token (scripts). Every
//! state-changing request made with a cookie must carry the session's CSRF
//! token, in a form field, a header or the query string.

pub(crate) mod api;
pub(crate) mod html;
mod moderation;
mod openapi;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodFilter, on};
use masthead_content::{Action, User};
use masthead_newsroom::NewsroomError;

use crate::AppState;

/// The session cookie's name.
pub(crate) const SESSION_COOKIE: &str = "masthead_session";

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: the sign-in page, the API description.
    Public,
    /// A signed-in account whose role allows this action (on an article
    /// they do not own, for article actions; owners may be allowed more).
    SignedIn(Action),
}

/// One admin route, as declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminRoute {
    /// HTTP method.
    pub method: Method,
    /// Path pattern, with `{id}`-style parameters.
    pub path: &'static str,
    /// Who may use it.
    pub access: Access,
}

impl AdminRoute {
    /// Whether the route belongs to the JSON API.
    pub fn is_api(&self) -> bool {
        self.path.starts_with("/admin/api/")
    }
}

/// Routes under construction with their declarations.
pub(crate) struct Routes {
    router: Router<AppState>,
    table: Vec<AdminRoute>,
}

impl Routes {
    fn new() -> Self {
        Self { router: Router::new(), table: Vec::new() }
    }

    /// Adds a route and records who may use it.
    fn add<H, T>(mut self, method: Method, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
        let gated =
            handler.layer(axum::middleware::from_fn(move |request: Request, next: Next| gate(access, request, next)));
        self.router = self.router.route(path, on(filter, gated));
        self.table.push(AdminRoute { method, path, access });
        self
    }
}

/// Refuses a request before its handler (and before its body is read) when
/// the route needs a sign-in it lacks, or an action its role never allows.
/// Article actions also depend on ownership and status; the newsroom checks
/// those once it has loaded the article.
async fn gate(access: Access, request: Request, next: Next) -> Response {
    let Access::SignedIn(action) = access else {
        return next.run(request).await;
    };
    let path = request.uri().path().to_owned();
    let return_to = request.uri().path_and_query().map(|p| p.as_str().to_owned());
    let Some(signed) = request.extensions().get::<Signed>() else {
        return refuse(&path, return_to.as_deref(), &NewsroomError::NotSignedIn);
    };
    // The most a role could do with this action: on its own article, in any status.
    if !signed.user.role.may(action, true, None) {
        let refusal = match action {
            Action::ManageUsers => "Only an admin can manage accounts.".to_owned(),
            Action::ManageSettings => "Only an admin can change the site's settings.".to_owned(),
            _ => format!("A {} cannot do that; ask an editor.", signed.user.role),
        };
        return refuse(&path, None, &NewsroomError::Forbidden(refusal));
    }
    next.run(request).await
}

/// Every route under `/admin`, HTML and API, and their declarations.
pub(crate) fn routes() -> (Router<AppState>, Vec<AdminRoute>) {
    let routes = moderation::add_routes(api::add_routes(html::add_routes(Routes::new())));
    (routes.router, routes.table)
}

/// The declared admin routes, for tests that walk them.
pub fn admin_routes() -> Vec<AdminRoute> {
    routes().1
}

/// How a request proved who it is.
#[derive(Debug, Clone)]
pub(crate) struct Signed {
    pub user: User,
    /// The session's CSRF token; `None` for API tokens, which browsers never send on their own.
    pub csrf_token: Option<String>,
}

/// Extracts the signed-in account; routes without one are refused before the handler runs.
pub(crate) struct SignedIn(pub Signed);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Signed>() {
            Some(signed) => Ok(Self(signed.clone())),
            None => Err(refuse(
                parts.uri.path(),
                parts.uri.path_and_query().map(|p| p.as_str()),
                &NewsroomError::NotSignedIn,
            )),
        }
    }
}

/// Resolves the cookie or bearer token of every `/admin` request and
/// enforces CSRF on state-changing requests made with a cookie.
pub(crate) async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let path_and_query = request.uri().path_and_query().map(|p| p.as_str().to_owned());
    let headers = request.headers().clone();
    let signed = if let Some(token) = bearer_token(&headers) {
        match state.newsroom().token_user(&token).await {
            Ok(user) => Some(Signed { user, csrf_token: None }),
            Err(e) => return refuse(&path, path_and_query.as_deref(), &e),
        }
    } else if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        match state.newsroom().session(&token).await {
            Ok(session) => Some(Signed { user: session.user, csrf_token: Some(session.csrf_token) }),
            Err(NewsroomError::NotSignedIn) => None,
            Err(e) => return refuse(&path, path_and_query.as_deref(), &e),
        }
    } else {
        None
    };
    let unsafe_method = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method {
        if !same_origin(&headers) {
            return refuse(&path, None, &NewsroomError::Forbidden("The request came from another site.".into()));
        }
        if let Some(expected) = signed.as_ref().and_then(|s| s.csrf_token.clone()) {
            let (checked, presented) = match csrf_presented(request).await {
                Ok(found) => found,
                Err(response) => return response,
            };
            request = checked;
            if presented.as_deref() != Some(expected.as_str()) {
                return refuse(
                    &path,
                    None,
                    &NewsroomError::Forbidden(
                        "This form has expired or did not come from the newsroom. Reload the page and try again."
                            .into(),
                    ),
                );
            }
        }
    }
    if let Some(signed) = signed {
        request.extensions_mut().insert(signed);
    }
    let mut response = next.run(request).await;
    // Newsroom pages are private and change with every action.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Forms larger than this are not searched for a CSRF field.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// The CSRF token a request presents: header, query string, or field of an
/// urlencoded form (the body is read and put back).
async fn csrf_presented(request: Request) -> Result<(Request, Option<String>), Response> {
    if let Some(value) = request.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        let value = value.to_owned();
        return Ok((request, Some(value)));
    }
    if let Some(value) = request.uri().query().and_then(|q| form_field(q, "csrf")) {
        return Ok((request, Some(value)));
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok((request, None));
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| (StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.").into_response())?;
    let presented = std::str::from_utf8(&bytes).ok().and_then(|text| form_field(text, "csrf"));
    Ok((Request::from_parts(parts, Body::from(bytes)), presented))
}

fn form_field(encoded: &str, name: &str) -> Option<String> {
    serde_urlencoded_pairs(encoded).into_iter().find(|(key, _)| key == name).map(|(_, value)| value)
}

/// Decodes an urlencoded form (`a=1&b=x+y`) into its pairs, keeping repeats.
pub(crate) fn decode_form(encoded: &str) -> Vec<(String, String)> {
    serde_urlencoded_pairs(encoded)
}

/// Decodes `a=1&b=x+y` pairs.
fn serde_urlencoded_pairs(encoded: &str) -> Vec<(String, String)> {
    encoded
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A state-changing request must not come from another origin. Browsers
/// send `Origin` on every cross-site POST; when present it must name this host.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}

fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer "))?;
    Some(token.trim().to_owned())
}

/// A cookie's value from the request's `Cookie` headers.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// The HTTP status for a newsroom error.
pub(crate) fn status_of(error: &NewsroomError) -> StatusCode {
    match error {
        NewsroomError::NotSignedIn | NewsroomError::BadCredentials => StatusCode::UNAUTHORIZED,
        NewsroomError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        NewsroomError::Forbidden(_) => StatusCode::FORBIDDEN,
        NewsroomError::NotFound(_) => StatusCode::NOT_FOUND,
        NewsroomError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        NewsroomError::Stale { .. } | NewsroomError::Conflict(_) => StatusCode::CONFLICT,
        NewsroomError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        NewsroomError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Refuses a request: JSON for the API; for pages, a redirect to the
/// sign-in page when not signed in, else the error page with the message.
pub(crate) fn refuse(path: &str, return_to: Option<&str>, error: &NewsroomError) -> Response {
    if path.starts_with("/admin/api/") {
        return api::error_response(error);
    }
    if matches!(error, NewsroomError::NotSignedIn) {
        let next = return_to.filter(|p| p.starts_with("/admin") && !p.starts_with("/admin/sign-in"));
        let target = match next {
            Some(next) => format!("/admin/sign-in?next={}", percent_encode(next)),
            None => "/admin/sign-in".to_owned(),
        };
        return Redirect::to(&target).into_response();
    }
    html::error_response(error)
}

/// Percent-encodes everything but unreserved characters.
pub(crate) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_are_decoded() {
        assert_eq!(form_field("a=1&csrf=ab%2Bc+d&x", "csrf").as_deref(), Some("ab+c d"));
        assert_eq!(form_field("csrf=%zz%4", "csrf").as_deref(), Some("%zz%4"));
        assert_eq!(form_field("", "csrf"), None);
    }

    #[test]
    fn cross_site_posts_are_told_apart_from_same_site_ones() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("news.example:8080"));
        assert!(same_origin(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("http://news.example:8080"));
        assert!(same_origin(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(!same_origin(&headers));
    }

    #[test]
    fn every_route_declares_its_access_and_no_path_is_declared_twice_for_a_method() {
        let routes = admin_routes();
        let mut seen = std::collections::HashSet::new();
        for route in &routes {
            assert!(seen.insert((route.method.clone(), route.path)), "{} {} twice", route.method, route.path);
        }
        assert!(routes.iter().any(|r| r.access == Access::SignedIn(Action::ManageUsers)));
    }
}
