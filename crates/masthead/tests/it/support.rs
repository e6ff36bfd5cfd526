//! `TestApp`: the real site on 127.0.0.1 port 0 with a fresh temporary data
//! directory, plus helpers to fetch and parse its pages.

use std::sync::Arc;

use masthead::Site;
use masthead_config::Settings;
use masthead_storage_sqlite::SqliteStore;
use reqwest::StatusCode;
use scraper::{Html, Selector};
use tokio::sync::oneshot;

/// A running site. Stops when dropped.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub url: String,
    /// A client that does not follow redirects, so tests can see them.
    pub client: reqwest::Client,
    /// The site's own database, for changes the tests make behind the web layer.
    pub store: Arc<SqliteStore>,
    stop: Option<oneshot::Sender<()>>,
    _data: tempfile::TempDir,
}

/// Settings as `masthead serve` would resolve them for a fresh data directory.
pub fn test_settings(data_dir: &std::path::Path) -> Settings {
    Settings {
        data_dir: data_dir.to_owned(),
        listen: "127.0.0.1:0".parse().expect("valid address"),
        site_name: "The Masthead Times".into(),
        site_url: None,
        language: "en".into(),
        page_size: 10,
        websub_hub: None,
        demo: true,
        log: "warn".into(),
    }
}

impl TestApp {
    /// The site with default settings and the demo publication.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// The site with settings adjusted by `adjust`.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        let data = tempfile::tempdir().expect("temporary directory");
        let mut settings = test_settings(&data.path().join("data"));
        adjust(&mut settings);
        // Bind first: the port is known before the site is built, and no test waits or sleeps.
        let listener = masthead::bind(settings.listen).await.expect("bind port 0");
        let address = listener.local_addr().expect("bound address");
        let site: Site = masthead::open_site(&settings, address).await.expect("site opens");
        let store = site.store.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(site.serve(listener, async {
            let _ = stopped.await;
        }));
        let client =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("HTTP client");
        Self { url: format!("http://{address}"), client, store, stop: Some(stop), _data: data }
    }

    /// GETs `path` (which starts with `/`).
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.url)).send().await.expect("request is answered")
    }

    /// GETs `path` and parses the HTML.
    pub async fn page(&self, path: &str) -> (StatusCode, Html) {
        let response = self.get(path).await;
        let status = response.status();
        let body = response.text().await.expect("body is text");
        (status, Html::parse_document(&body))
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A CSS selector; panics on a typo in the test.
pub fn css(selector: &str) -> Selector {
    Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector:?}: {e:?}"))
}

/// The whitespace-normalised text of an element.
pub fn text_of(element: scraper::ElementRef<'_>) -> String {
    element.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The texts of every element matching `selector`.
pub fn texts(html: &Html, selector: &str) -> Vec<String> {
    html.select(&css(selector)).map(text_of).collect()
}

/// The `href`s of every element matching `selector`.
pub fn hrefs(html: &Html, selector: &str) -> Vec<String> {
    html.select(&css(selector)).filter_map(|a| a.value().attr("href")).map(str::to_owned).collect()
}
