//! The `masthead` program's wiring: it turns [`Settings`] into a running
//! site. `main.rs` parses the command line and calls in here; the
//! integration tests call the same functions with a fresh data directory and
//! port 0, so they exercise exactly what `masthead serve` runs.
//!
//! This is the one place (with the tests) that chooses a storage backend.

pub mod analysis;
pub mod change_feed;
mod start_error;

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use masthead_config::{Database, Settings};
use masthead_demo::DemoSite;
use masthead_newsroom::Newsroom;
use masthead_newsroom::jobs::{MakeImageVariants, PublishScheduled};
use masthead_storage::Store;
use masthead_storage_postgres::PostgresStore;
use masthead_storage_sqlite::SqliteStore;
use masthead_web::{AppState, WebConfig};
use masthead_websub::PingHub;
use tokio::net::TcpListener;

pub use start_error::StartError;

/// Memory for rendered pages (all encodings), beyond which the least recently used are dropped.
const PAGE_CACHE_BYTES: usize = 128 * 1024 * 1024;

/// A site ready to serve: its store, its routes and its background jobs.
pub struct Site {
    /// The database, shared with the web layer.
    pub store: Arc<dyn Store>,
    router: axum::Router,
    jobs: masthead_jobs::Runner,
    /// Whether anyone can sign in to the newsroom yet.
    pub has_accounts: bool,
    /// The newsroom's services, shared with the web layer.
    pub newsroom: Newsroom,
    /// The rendered-page cache; whatever changes content behind the newsroom's back must tell it.
    pub cache: Arc<masthead_web::PageCache>,
    /// The search index, kept in step with the database.
    pub search: Arc<masthead_search::SearchService>,
    /// How long clients may take to send a request.
    pub timeouts: masthead_web::Timeouts,
    /// This node's name in the change feed.
    pub node: String,
    follower: change_feed::Follower,
    recorder: std::pin::Pin<Box<dyn Future<Output = ()> + Send>>,
}

/// Opens the site's database for a command that works on the newsroom
/// alone (such as `masthead user add`), without loading demo content.
pub async fn open_newsroom(settings: &Settings) -> Result<(Arc<dyn Store>, Newsroom), StartError> {
    prepare_data_dir(&settings.data_dir)?;
    let store = open_store(&settings.database).await?;
    let newsroom = Newsroom::new(store.clone(), Arc::new(tokio::sync::Notify::new()), settings.media_dir());
    Ok((store, newsroom))
}

/// Opens (and migrates) the database `database` names, on whichever engine
/// it names: the one place that chooses a storage backend.
pub async fn open_store(database: &Database) -> Result<Arc<dyn Store>, StartError> {
    let failed = |source| StartError::Database { database: database.to_string(), source };
    Ok(match database {
        Database::Sqlite(path) => Arc::new(SqliteStore::open(path).await.map_err(failed)?),
        Database::Postgres(url) => Arc::new(PostgresStore::connect(url).await.map_err(failed)?),
    })
}

/// Fills a site with generated articles (for benchmarks and load tests). A
/// new data directory gets the demo publication first, so its pages (the seed
/// article among them) exist too.
pub async fn generate_site(
    settings: &Settings,
    options: masthead_demo::GenerateOptions,
    progress: impl FnMut(usize, std::time::Duration),
) -> Result<masthead_demo::GenerateReport, StartError> {
    prepare_data_dir(&settings.data_dir)?;
    let store = open_store(&settings.database).await?;
    let fail = |source| StartError::Database { database: settings.database.to_string(), source };
    let demo = DemoSite::parse()?;
    let now = time::OffsetDateTime::now_utc();
    if !store.is_initialised().await.map_err(fail)? {
        if settings.demo {
            demo.load(store.as_ref(), &settings.media_dir(), now).await?;
        }
        store.mark_initialised().await.map_err(fail)?;
    }
    let report =
        masthead_demo::generate(store.as_ref(), &settings.media_dir(), &demo.media_files, options, now, progress)
            .await?;
    // A generated publication is analysed (its topics confirmed) and indexed now, not at the first start.
    let shared: Arc<dyn Store> = store.clone();
    let newsroom = Newsroom::new(shared.clone(), Arc::new(tokio::sync::Notify::new()), settings.media_dir());
    newsroom
        .analyse_pending_with_progress(true, |done| analysis_progress(done, report.articles))
        .await
        .map_err(|e| StartError::Newsroom(e.to_string()))?;
    eprintln!();
    let search =
        masthead_search::SearchService::open(&settings.search_dir(), shared, true).await.map_err(StartError::Search)?;
    drop(search);
    store.close().await;
    Ok(report)
}

fn analysis_progress(done: usize, generated: usize) {
    use std::io::Write as _;
    let mut err = std::io::stderr();
    let _ = write!(err, "\rAnalysed {done} of about {generated} articles for topics, quotes and related stories");
    let _ = err.flush();
}

/// Prepares the data directory, opens (and migrates) the database, loads the
/// demo publication on the very first start, and builds the web routes.
/// `address` is where the site is served, the public URL unless `site_url` says otherwise.
pub async fn open_site(settings: &Settings, address: SocketAddr) -> Result<Site, StartError> {
    prepare_data_dir(&settings.data_dir)?;
    let store = open_store(&settings.database).await?;
    let database = settings.database.to_string();
    let site_url = settings.site_url.clone().unwrap_or_else(|| format!("http://{address}"));
    let wake = Arc::new(tokio::sync::Notify::new());
    let mut loaded_demo = false;
    if !store.is_initialised().await.map_err(|source| StartError::Database { database: database.clone(), source })? {
        if settings.demo {
            let demo = DemoSite::parse()?;
            let report = demo.load(store.as_ref(), &settings.media_dir(), time::OffsetDateTime::now_utc()).await?;
            loaded_demo = true;
            if settings.websub_hub.is_some() {
                // The demo's articles were just published: every feed that lists them changed.
                let mut pages = vec![String::new()];
                pages.extend(demo.sections.iter().map(|s| format!("/{}", s.slug)));
                pages.extend(demo.tags.iter().map(|t| format!("/tag/{}", t.slug)));
                pages.extend(demo.authors.iter().map(|a| format!("/author/{}", a.slug)));
                for topic in pages.iter().flat_map(|page| masthead_web::feed_urls(&site_url, page)) {
                    masthead_jobs::enqueue::<PingHub>(store.as_ref(), &wake, &topic)
                        .await
                        .map_err(|source| StartError::Database { database: database.clone(), source })?;
                }
            }
            tracing::info!(
                demo.articles = report.articles,
                demo.comments = report.comments,
                "loaded the demo publication: {} articles, {} comments",
                report.articles,
                report.comments
            );
        }
        store.mark_initialised().await.map_err(|source| StartError::Database { database: database.clone(), source })?;
    }
    let media_dir = settings.media_dir();
    std::fs::create_dir_all(&media_dir).map_err(|source| StartError::DataDir { path: media_dir.clone(), source })?;
    let config = WebConfig {
        site_name: settings.site_name.clone(),
        site_url,
        language: settings.language.clone(),
        page_size: settings.page_size,
        media_dir,
        templates_dir: settings.templates_dir(),
        websub_hub: settings.websub_hub.clone(),
        read_also_links: settings.read_also_links as usize,
        read_also_every: settings.read_also_every as usize,
    };
    let shared: Arc<dyn Store> = store.clone();
    let cache = Arc::new(masthead_web::PageCache::new(PAGE_CACHE_BYTES));
    // Every change this node makes goes to its own page cache at once and, through the change feed, to every other node's.
    let node = format!("node-{}", uuid::Uuid::now_v7().simple());
    let (recorder, recording) = change_feed::Recorder::start(shared.clone(), node.clone());
    let mut newsroom = Newsroom::new(shared.clone(), wake.clone(), config.media_dir.clone())
        .with_listener(cache.clone())
        .with_listener(recorder.clone());
    if settings.websub_hub.is_some() {
        let site_url = config.site_url.clone();
        newsroom = newsroom.with_websub(Arc::new(move |page: &str| masthead_web::feed_urls(&site_url, page)));
    }
    // The demo just loaded is analysed before the index is built from its topics (which count as an
    // editor's). On later starts, articles stored without an analysis (imports, older versions) are
    // analysed in the background: the site serves at once, and each analysed article is re-indexed.
    if loaded_demo {
        newsroom.analyse_pending(true).await.map_err(|e| StartError::Newsroom(e.to_string()))?;
    }
    let search = masthead_search::SearchService::open(&settings.search_dir(), shared.clone(), true)
        .await
        .map_err(StartError::Search)?;
    if !loaded_demo {
        let pending = newsroom.clone().with_listener(search.clone());
        tokio::spawn(async move {
            match pending.analyse_pending(false).await {
                Ok(0) => {}
                Ok(analysed) => tracing::info!(
                    articles = analysed,
                    "analysed {analysed} articles for topics, quotes and related stories"
                ),
                Err(error) => tracing::error!(%error, "could not analyse the articles stored without an analysis"),
            }
        });
    }
    // An article page asks for its inline links, the block after the text, and as many more as its
    // body names itself (the seed names two).
    search.add_listener(cache.clone(), settings.read_also_links as usize + masthead_web::RELATED_BLOCK + 2);
    let newsroom = newsroom.with_listener(search.clone());
    let accounts = newsroom.has_accounts().await.map_err(|e| StartError::Newsroom(e.to_string()))?;
    let comments = masthead_comments::CommentDesk::open(shared.clone())
        .await
        .map_err(|source| StartError::Database { database: database.clone(), source })?
        .with_listener(cache.clone())
        .with_listener(recorder);
    let state = AppState::new(newsroom.clone(), comments, cache.clone(), search.clone(), config)?;
    let follower =
        change_feed::Follower::new(shared.clone(), node.clone(), cache.clone(), search.clone(), state.health().clone());
    let mut jobs = masthead_jobs::Runner::new(shared, wake)
        .register(PublishScheduled(newsroom.clone()))
        .register(MakeImageVariants(newsroom.clone()));
    if let Some(hub) = &settings.websub_hub {
        jobs = jobs.register(PingHub::new(hub.clone()).map_err(StartError::Jobs)?);
    }
    Ok(Site {
        store,
        router: masthead_web::router(state),
        jobs,
        has_accounts: accounts,
        newsroom,
        cache,
        search,
        timeouts: masthead_web::Timeouts::default(),
        node,
        follower,
        recorder: Box::pin(recording),
    })
}

impl Site {
    /// Serves readers on `listener` and runs background jobs beside it until
    /// `shutdown` completes; then lets the job in progress finish and closes the database.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartError> {
        let (stop_jobs, jobs_stopped) = tokio::sync::oneshot::channel::<()>();
        let jobs = tokio::spawn(self.jobs.run(async {
            let _ = jobs_stopped.await;
        }));
        let (stop_following, following_stopped) = tokio::sync::oneshot::channel::<()>();
        let follower = tokio::spawn(self.follower.run(async {
            let _ = following_stopped.await;
        }));
        let recorder = tokio::spawn(self.recorder);
        let result = masthead_web::serve(listener, self.router, shutdown, self.timeouts).await;
        let _ = stop_jobs.send(());
        let _ = stop_following.send(());
        let _ = jobs.await;
        let _ = follower.await;
        // The changes made last are recorded before the database closes (the recorder ends when
        // the newsroom is gone, or gives up after a few seconds).
        drop(self.newsroom);
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), recorder).await;
        self.store.close().await;
        result.map_err(StartError::Serve)
    }
}

/// Rebuilds the search index of the site in `settings` from its database,
/// reporting (done, total) as it goes; analyses any article not analysed yet
/// first. Fails while `masthead serve` holds the index.
pub async fn reindex(settings: &Settings, progress: impl FnMut(usize, usize)) -> Result<usize, StartError> {
    let (store, newsroom) = open_newsroom(settings).await?;
    newsroom.analyse_pending(false).await.map_err(|e| StartError::Newsroom(e.to_string()))?;
    let shared: Arc<dyn Store> = store.clone();
    let search = masthead_search::SearchService::open(&settings.search_dir(), shared, false)
        .await
        .map_err(StartError::Search)?;
    let count = search.rebuild(progress).await.map_err(StartError::Search)?;
    store.close().await;
    Ok(count)
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
