//! [`HtmlPage`]: a rendered page with its content type and cache headers.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A rendered HTML page.
pub(crate) struct HtmlPage(pub String);

impl IntoResponse for HtmlPage {
    fn into_response(self) -> Response {
        (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
                // Pages change when the newsroom publishes; browsers check back every time.
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            self.0,
        )
            .into_response()
    }
}
