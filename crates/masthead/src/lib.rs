//! The `masthead` program's wiring: it turns [`Settings`] into a running
//! site. `main.rs` parses the command line and calls in here; the
//! integration tests call the same functions with a fresh data directory and
//! port 0, so they exercise exactly what `masthead serve` runs.
//!
//! This is the one place (with the tests) that chooses a storage backend.

mod start_error;

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use masthead_config::Settings;
use masthead_demo::DemoSite;
use masthead_storage::Store;
use masthead_storage_sqlite::SqliteStore;
use masthead_web::{AppState, WebConfig};
use tokio::net::TcpListener;

pub use start_error::StartError;

/// A site ready to serve: its store and its routes.
pub struct Site {
    /// The database, shared with the web layer.
    pub store: Arc<SqliteStore>,
    router: axum::Router,
}

/// Prepares the data directory, opens (and migrates) the database, loads the
/// demo publication on the very first start, and builds the web routes.
/// `address` is where the site is served, the public URL unless `site_url` says otherwise.
pub async fn open_site(settings: &Settings, address: SocketAddr) -> Result<Site, StartError> {
    prepare_data_dir(&settings.data_dir)?;
    let database = settings.database_path();
    let store = Arc::new(
        SqliteStore::open(&database).await.map_err(|source| StartError::Database { path: database.clone(), source })?,
    );
    if !store.is_initialised().await.map_err(|source| StartError::Database { path: database.clone(), source })? {
        if settings.demo {
            let demo = DemoSite::parse()?;
            let report = demo.load(store.as_ref(), &settings.media_dir(), time::OffsetDateTime::now_utc()).await?;
            tracing::info!(
                demo.articles = report.articles,
                demo.comments = report.comments,
                "loaded the demo publication: {} articles, {} comments",
                report.articles,
                report.comments
            );
        }
        store.mark_initialised().await.map_err(|source| StartError::Database { path: database.clone(), source })?;
    }
    let media_dir = settings.media_dir();
    std::fs::create_dir_all(&media_dir).map_err(|source| StartError::DataDir { path: media_dir.clone(), source })?;
    let config = WebConfig {
        site_name: settings.site_name.clone(),
        site_url: settings.site_url.clone().unwrap_or_else(|| format!("http://{address}")),
        language: settings.language.clone(),
        page_size: settings.page_size,
        media_dir,
        templates_dir: settings.templates_dir(),
    };
    let shared: Arc<dyn Store> = store.clone();
    let state = AppState::new(shared, config)?;
    Ok(Site { store, router: masthead_web::router(state) })
}

impl Site {
    /// Serves readers on `listener` until `shutdown` completes, then closes the database.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartError> {
        let result = masthead_web::serve(listener, self.router, shutdown).await;
        self.store.close().await;
        result.map_err(StartError::Serve)
    }
}

/// Binds the listening socket, explaining the usual failures.
pub async fn bind(address: SocketAddr) -> Result<TcpListener, StartError> {
    TcpListener::bind(address).await.map_err(|source| StartError::Listen { address, source })
}

/// Creates the data directory if needed and proves it is writable, so the
/// failure is reported now, in words, rather than as a database error later.
fn prepare_data_dir(path: &Path) -> Result<(), StartError> {
    let fail = |source| StartError::DataDir { path: path.to_owned(), source };
    std::fs::create_dir_all(path).map_err(fail)?;
    let probe = path.join(".masthead-write-check");
    std::fs::write(&probe, b"ok").map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)?;
    Ok(())
}
