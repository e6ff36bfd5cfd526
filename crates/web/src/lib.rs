//! Masthead's HTTP delivery: the axum [`router`], reader pages, templates and
//! static assets. The only library crate that knows about HTTP.
//!
//! - [`AppState`] holds what handlers share: the store, templates, assets and
//!   the site's settings ([`WebConfig`]).
//! - Handlers live by audience: `reader/` for the public site. Each returns
//!   `Result<_, AppError>`; [`AppError`] becomes an HTML error page through
//!   one middleware, which also logs it, once.
//! - Templates (minijinja) are built into the binary and can be overridden
//!   by files of the same name in the data directory's `templates/` folder.
//! - [`serve`] takes a bound listener, so production binds `--listen` and
//!   tests bind port 0.

// The OpenAPI document is one large `json!` literal.
#![recursion_limit = "512"]

mod admin;
mod assets;
mod cache;
mod distribution;
mod error;
mod health;
mod page;
mod reader;
mod templates;
mod views;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use masthead_storage::Store;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use admin::{Access, AdminRoute, admin_routes};
pub use cache::{CacheStats, PageCache, tags_for};
pub use error::AppError;
pub use health::NodeHealth;
pub use reader::article::RELATED_BLOCK;
pub use templates::TemplateError;

/// What the web layer needs to know about the site.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The publication's name.
    pub site_name: String,
    /// Public base URL without a trailing slash, for canonical links.
    pub site_url: String,
    /// BCP 47 language tag for `<html lang>`.
    pub language: String,
    /// Articles per listing page.
    pub page_size: u32,
    /// Folder served at `/media`.
    pub media_dir: PathBuf,
    /// Folder whose templates override the built-in ones (need not exist).
    pub templates_dir: PathBuf,
    /// WebSub hub that feeds advertise, if any.
    pub websub_hub: Option<String>,
    /// Related-story links placed inside an article's text.
    pub read_also_links: usize,
    /// Paragraphs before the first inline related-story link and between links.
    pub read_also_every: usize,
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

struct Shared {
    store: Arc<dyn Store>,
    newsroom: masthead_newsroom::Newsroom,
    comments: masthead_comments::CommentDesk,
    cache: Arc<PageCache>,
    search: Arc<masthead_search::SearchService>,
    config: WebConfig,
    templates: templates::Templates,
    assets: assets::Assets,
    health: Arc<NodeHealth>,
}

impl AppState {
    /// Builds the state over the newsroom's store, loading templates (built-in, then overrides).
    pub fn new(
        newsroom: masthead_newsroom::Newsroom,
        comments: masthead_comments::CommentDesk,
        cache: Arc<PageCache>,
        search: Arc<masthead_search::SearchService>,
        config: WebConfig,
    ) -> Result<Self, TemplateError> {
        let templates = templates::Templates::load(&config.templates_dir)?;
        let store = newsroom.store().clone();
        let assets = assets::Assets::built_in();
        let health = Arc::new(NodeHealth::new());
        Ok(Self(Arc::new(Shared { store, newsroom, comments, cache, search, config, templates, assets, health })))
    }

    /// What `/readyz` reports of this node beyond its database; whatever
    /// follows the change feed keeps it up to date.
    pub fn health(&self) -> &Arc<NodeHealth> {
        &self.0.health
    }

    fn search(&self) -> &masthead_search::SearchService {
        &self.0.search
    }

    fn cache(&self) -> &PageCache {
        &self.0.cache
    }

    fn comments(&self) -> &masthead_comments::CommentDesk {
        &self.0.comments
    }

    fn store(&self) -> &dyn Store {
        self.0.store.as_ref()
    }

    fn newsroom(&self) -> &masthead_newsroom::Newsroom {
        &self.0.newsroom
    }

    fn templates(&self) -> &templates::Templates {
        &self.0.templates
    }

    fn asset_url(&self, name: &str) -> String {
        self.0.assets.url(name)
    }

    fn config(&self) -> &WebConfig {
        &self.0.config
    }
}

/// Pages load only their own stylesheet, images and (later) scripts; nothing may frame them.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' https: data:; style-src 'self'; \
     script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// The absolute URLs of the three feeds of the page at `path` (`""` for the
/// whole site, `/world` for a section): what a WebSub hub is told changed.
pub fn feed_urls(site_url: &str, path: &str) -> Vec<String> {
    distribution::Format::ALL.iter().map(|format| format!("{site_url}{path}/{}", format.file_name())).collect()
}

/// Every route of the site, with its middleware.
pub fn router(state: AppState) -> Router {
    let media = Router::new().fallback_service(ServeDir::new(&state.config().media_dir)).layer(
        SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400")),
    );
    let mut routes = Router::new();
    for format in distribution::Format::ALL {
        use distribution::{Subject, serve_feed};
        let file = format.file_name();
        routes = routes
            .route(
                &format!("/{file}"),
                get(move |State(state): State<AppState>, headers: HeaderMap| async move {
                    serve_feed(&state, &headers, Subject::Site, format).await
                }),
            )
            .route(
                &format!("/{{section}}/{file}"),
                get(move |State(state): State<AppState>, Path(slug): Path<String>, headers: HeaderMap| async move {
                    serve_feed(&state, &headers, Subject::Section(slug), format).await
                }),
            )
            .route(
                &format!("/tag/{{slug}}/{file}"),
                get(move |State(state): State<AppState>, Path(slug): Path<String>, headers: HeaderMap| async move {
                    serve_feed(&state, &headers, Subject::Tag(slug), format).await
                }),
            )
            .route(
                &format!("/topic/{{slug}}/{file}"),
                get(move |State(state): State<AppState>, Path(slug): Path<String>, headers: HeaderMap| async move {
                    serve_feed(&state, &headers, Subject::Topic(slug), format).await
                }),
            )
            .route(
                &format!("/author/{{slug}}/{file}"),
                get(move |State(state): State<AppState>, Path(slug): Path<String>, headers: HeaderMap| async move {
                    serve_feed(&state, &headers, Subject::Author(slug), format).await
                }),
            );
    }
    let (admin_routes, _) = admin::routes();
    let admin_routes = admin_routes.layer(axum::middleware::from_fn_with_state(state.clone(), admin::authenticate));
    // Reader pages, feeds and sitemaps go through the page cache.
    let pages = routes
        .route("/", get(reader::home::show_home))
        .route("/robots.txt", get(distribution::serve_robots))
        .route("/sitemap.xml", get(distribution::serve_sitemap_index))
        .route("/sitemaps/{file}", get(distribution::serve_sitemap))
        .route("/tag/{slug}", get(reader::listing::show_tag))
        .route("/author/{slug}", get(reader::listing::show_author))
        .route("/topic/{slug}", get(reader::listing::show_topic))
        .route("/{section}", get(reader::listing::show_section))
        .route("/{section}/{slug}", get(reader::article::show_article))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), cache::serve_cached));
    Router::new()
        .merge(pages)
        .merge(admin_routes)
        .route("/assets/{file}", get(assets::serve_asset))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/search", get(reader::search::show_search))
        .route("/search.json", get(reader::search::search_json))
        .route("/{section}/{slug}/comments", post(reader::article::post_comment))
        .nest_service("/media", media)
        .fallback(reader::not_found)
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(axum::middleware::from_fn_with_state(state.clone(), error::render_error_pages))
        .layer(CompressionLayer::new())
        // Keep pages from being framed, sniffed or made to run foreign code.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// How long a client may take, so that slow or stalled clients cannot hold
/// connections for as long as they like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// From the connection (or the end of the previous response) to the end of
    /// the request's headers; a client slower than this is disconnected.
    pub header_read: Duration,
    /// From the end of the headers to the end of the body; a slower body is
    /// answered 408 Request Timeout.
    pub body_read: Duration,
    /// The whole request, body and answer; a request still unanswered then
    /// is answered 503 Service Unavailable.
    pub request: Duration,
    /// How long a shutdown waits for the requests in flight.
    pub shutdown: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(60),
            request: Duration::from_secs(120),
            shutdown: Duration::from_secs(30),
        }
    }
}

/// The largest request body read (an image upload with its form around it).
const MAX_BODY_BYTES: usize = 27 * 1024 * 1024;

/// Reads a request's body in full within the time allowed, so a client that
/// trickles its body is answered 408 instead of holding the request open.
async fn read_body_in_time(State(timeouts): State<Timeouts>, request: Request, next: Next) -> Response {
    use axum::body::HttpBody as _;
    if request.body().size_hint().exact() == Some(0) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    match tokio::time::timeout(timeouts.body_read, axum::body::to_bytes(body, MAX_BODY_BYTES)).await {
        Ok(Ok(bytes)) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Ok(Err(_)) => {
            let declared =
                parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
            if declared.is_some_and(|length| length > MAX_BODY_BYTES) {
                (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.").into_response()
            } else {
                (StatusCode::BAD_REQUEST, [(header::CONNECTION, "close")], "The request body could not be read.")
                    .into_response()
            }
        }
        Err(_) => (
            StatusCode::REQUEST_TIMEOUT,
            [(header::CONNECTION, "close")],
            "The request took too long to arrive; send it again.",
        )
            .into_response(),
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then finishes
/// the requests in flight (waiting at most `timeouts.shutdown`).
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    timeouts: Timeouts,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt as _;

    let router = router
        .layer(axum::middleware::from_fn_with_state(timeouts, read_body_in_time))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, timeouts.request));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(timeouts.header_read).keep_alive(true);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, client) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors or a connection reset before it was accepted: carry on.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        // Comment rate limits need the client's address (only ever stored as a salted hash).
        let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(axum::extract::ConnectInfo(client));
            router.clone().oneshot(request.map(Body::new))
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %client, "connection closed");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(timeouts.shutdown, graceful.shutdown()).await.is_err() {
        tracing::warn!("stopped with requests still in flight after {:?}", timeouts.shutdown);
    }
    Ok(())
}
