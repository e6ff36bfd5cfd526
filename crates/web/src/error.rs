//! Errors at the HTTP edge. A handler returns [`AppError`]; its
//! `IntoResponse` only marks the response with an [`ErrorPage`], and the
//! [`render_error_pages`] middleware renders the page and logs the failure
//! once. A 500 page never shows internals.

use std::any::Any;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use masthead_storage::StorageError;

use crate::AppState;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Nothing at this address.
    #[error("not found")]
    NotFound,
    /// The request itself is wrong; the message tells the reader how.
    #[error("{0}")]
    BadRequest(String),
    /// A feature that is not open on this site.
    #[error("{0}")]
    Unavailable(String),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A template failed to render.
    #[error("template error: {0}")]
    Template(#[from] minijinja::Error),
    /// The search index failed.
    #[error(transparent)]
    Search(#[from] masthead_search::SearchError),
}

/// Marks a response as an error for the middleware to render.
#[derive(Debug, Clone)]
pub(crate) struct ErrorPage {
    pub status: StatusCode,
    /// Shown to the reader.
    pub message: String,
    /// Logged, never shown.
    pub detail: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, message, detail) = match &self {
            Self::NotFound => (StatusCode::NOT_FOUND, String::new(), None),
            Self::BadRequest(message) => (StatusCode::BAD_REQUEST, message.clone(), None),
            Self::Unavailable(message) => (StatusCode::SERVICE_UNAVAILABLE, message.clone(), None),
            Self::Storage(StorageError::NotFound(_)) => (StatusCode::NOT_FOUND, String::new(), None),
            Self::Storage(StorageError::Unavailable(_)) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "The site cannot reach its database just now. Please try again in a moment.".to_owned(),
                Some(describe(&self)),
            ),
            Self::Storage(_) | Self::Template(_) | Self::Search(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, String::new(), Some(describe(&self)))
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorPage { status, message, detail });
        response
    }
}

/// The error and its causes on one line, for the log.
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Replaces an error response's empty body with the site's error page.
pub(crate) async fn render_error_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let Some(page) = response.extensions().get::<ErrorPage>().cloned() else {
        return response;
    };
    match &page.detail {
        Some(detail) if page.status.is_server_error() => {
            tracing::error!(http.path = %path, http.status = page.status.as_u16(), error = %detail, "request failed: {detail}");
        }
        _ => tracing::debug!(http.path = %path, http.status = page.status.as_u16(), "answered with an error page"),
    }
    let html = crate::reader::error_page_html(&state, &page).await;
    let mut response = (page.status, Body::from(html)).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A handler panicked: answer 500 (the middleware renders the page) instead of dropping the connection.
pub(crate) fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "unknown panic".to_owned());
    let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    response.extensions_mut().insert(ErrorPage {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        message: String::new(),
        detail: Some(format!("handler panicked: {detail}")),
    });
    response
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::body::to_bytes;
    use axum::http::Request;
    use masthead_storage::Store as _;
    use masthead_storage_sqlite::SqliteStore;
    use tower::ServiceExt;

    use super::*;
    use crate::{AppState, WebConfig, router};

    #[tokio::test]
    async fn a_database_that_went_away_gives_readers_the_503_page_without_internals() {
        let config = WebConfig {
            site_name: "The Masthead Times".into(),
            site_url: "http://127.0.0.1".into(),
            language: "en".into(),
            page_size: 10,
            media_dir: "/nonexistent".into(),
            templates_dir: "/nonexistent".into(),
            websub_hub: None,
            read_also_links: 2,
            read_also_every: 3,
        };
        // A closed pool fails every query the way a database that went away does.
        let store = SqliteStore::in_memory().await.unwrap();
        store.close().await;
        let newsroom = masthead_newsroom::Newsroom::new(
            Arc::new(store),
            Arc::new(tokio::sync::Notify::new()),
            "/nonexistent".into(),
        );
        let desk_store = SqliteStore::in_memory().await.unwrap();
        let comments = masthead_comments::CommentDesk::open(Arc::new(desk_store)).await.unwrap();
        let cache = Arc::new(crate::PageCache::new(1 << 20));
        let index_dir = tempfile::tempdir().unwrap();
        let search_store = SqliteStore::in_memory().await.unwrap();
        let search =
            masthead_search::SearchService::open(index_dir.path(), Arc::new(search_store), false).await.unwrap();
        let app = router(AppState::new(newsroom, comments, cache, search, config).unwrap());
        for path in ["/", "/world", "/world/some-story", "/tag/x", "/feed.xml", "/sitemap.xml", "/sitemaps/news.xml"] {
            let response = app.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
            assert_eq!(response.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
            let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
            let html = String::from_utf8_lossy(&body);
            assert!(html.contains("cannot reach its database"), "{html}");
            assert!(!html.contains("pool") && !html.contains("sqlite"), "internals leaked: {html}");
        }
    }
}
