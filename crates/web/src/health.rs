//! `/healthz` and `/readyz`, for load balancers and orchestrators: the first
//! says the process answers, the second whether this node should get
//! readers (its database answers with the schema it knows, and it follows
//! the change feed, so what it serves is fresh).

use std::sync::atomic::{AtomicBool, Ordering};

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::AppState;

/// What this node knows of its own health beyond the database: set by
/// whatever follows the change feed.
#[derive(Debug, Default)]
pub struct NodeHealth {
    following: AtomicBool,
}

impl NodeHealth {
    /// A node that has not read the change feed yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records whether the last read of the change feed succeeded.
    pub fn set_following(&self, following: bool) {
        self.following.store(following, Ordering::Relaxed);
    }

    /// Whether the last read of the change feed succeeded.
    pub fn is_following(&self) -> bool {
        self.following.load(Ordering::Relaxed)
    }
}

/// The body of `/readyz`.
#[derive(Debug, Serialize)]
struct Readiness {
    ready: bool,
    /// "ok", or why the database cannot be used.
    database: String,
    /// "following", or "not following".
    change_feed: &'static str,
}

fn not_stored(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /healthz`: the process is up and answering.
pub(crate) async fn healthz() -> Response {
    not_stored((StatusCode::OK, "ok\n").into_response())
}

/// `GET /readyz`: 200 when this node can serve fresh pages, 503 with the reason otherwise.
pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
    let database = match state.store().check_ready().await {
        Ok(()) => "ok".to_owned(),
        Err(error) => error.to_string(),
    };
    let following = state.health().is_following();
    let ready = database == "ok" && following;
    let body = Readiness { ready, database, change_feed: if following { "following" } else { "not following" } };
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    not_stored((status, Json(body)).into_response())
}
