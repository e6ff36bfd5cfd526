//! `TestApp`: the real site on 127.0.0.1 port 0 with a fresh temporary data
//! directory, plus helpers to fetch and parse its pages.
//!
//! The suite runs on SQLite by default. With `MASTHEAD_TEST_DATABASE=postgres`
//! every site it starts keeps its data in PostgreSQL instead, each in a fresh
//! schema of its own on the database named by `MASTHEAD_TEST_POSTGRES_URL`
//! (default: the local server's `test` database).

use std::sync::Arc;

use masthead::Site;
use masthead_config::{Database, Settings};
use masthead_storage::Store;
use masthead_storage_postgres::testing::TestSchema;
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
    pub store: Arc<dyn Store>,
    /// The newsroom services, for setting up accounts.
    pub newsroom: masthead_newsroom::Newsroom,
    /// The page cache, told by tests that change the database directly.
    pub cache: Arc<masthead_web::PageCache>,
    /// The search index; `settled()` waits until every change is applied (and the pages it touches refreshed).
    pub search: Arc<masthead_search::SearchService>,
    /// The settings it was started with.
    pub settings: Settings,
    stop: Option<oneshot::Sender<()>>,
    _data: TestData,
}

/// Where a test site keeps its data, removed when the test ends.
pub struct TestData {
    /// The data directory's parent.
    pub dir: tempfile::TempDir,
    /// The PostgreSQL schema, when the suite runs on PostgreSQL.
    pub schema: Option<TestSchema>,
}

impl TestData {
    /// A fresh temporary directory and, on PostgreSQL, a fresh schema.
    pub async fn create() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let schema = match on_postgres() {
            true => Some(TestSchema::create().await),
            false => None,
        };
        Self { dir, schema }
    }

    /// Settings for a site on this data, as `masthead serve` would resolve them.
    pub fn settings(&self) -> Settings {
        let mut settings = test_settings(&self.dir.path().join("data"));
        if let Some(schema) = &self.schema {
            settings.database = Database::Postgres(schema.url());
        }
        settings
    }
}

/// Whether this run of the suite keeps its data in PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("MASTHEAD_TEST_DATABASE").is_ok_and(|engine| engine == "postgres")
}

/// Settings as `masthead serve` would resolve them for a fresh data directory.
pub fn test_settings(data_dir: &std::path::Path) -> Settings {
    Settings {
        data_dir: data_dir.to_owned(),
        database: Database::Sqlite(data_dir.join("masthead.db")),
        listen: "127.0.0.1:0".parse().expect("valid address"),
        site_name: "The Masthead Times".into(),
        site_url: None,
        language: "en".into(),
        page_size: 10,
        websub_hub: None,
        read_also_links: 2,
        read_also_every: 3,
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
        Self::spawn_with_timeouts(adjust, masthead_web::Timeouts::default()).await
    }

    /// The site with settings adjusted by `adjust` and clients given `timeouts`.
    pub async fn spawn_with_timeouts(adjust: impl FnOnce(&mut Settings), timeouts: masthead_web::Timeouts) -> Self {
        let data = TestData::create().await;
        let mut settings = data.settings();
        adjust(&mut settings);
        Self::start(settings, data, timeouts).await
    }

    /// A second node of this site: another server on the same database, with
    /// a data directory (search index, media) of its own.
    pub async fn second_node(&self) -> Self {
        let data = TestData { dir: tempfile::tempdir().expect("temporary directory"), schema: None };
        let mut settings = self.settings.clone();
        settings.data_dir = data.dir.path().join("data");
        Self::start(settings, data, masthead_web::Timeouts::default()).await
    }

    async fn start(settings: Settings, data: TestData, timeouts: masthead_web::Timeouts) -> Self {
        // Bind first: the port is known before the site is built, and no test waits or sleeps.
        let listener = masthead::bind(settings.listen).await.expect("bind port 0");
        let address = listener.local_addr().expect("bound address");
        let mut site: Site = masthead::open_site(&settings, address).await.expect("site opens");
        site.timeouts = timeouts;
        let store = site.store.clone();
        let newsroom = site.newsroom.clone();
        let cache = site.cache.clone();
        let search = site.search.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(site.serve(listener, async {
            let _ = stopped.await;
        }));
        let client =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("HTTP client");
        Self {
            url: format!("http://{address}"),
            client,
            store,
            newsroom,
            cache,
            search,
            settings,
            stop: Some(stop),
            _data: data,
        }
    }

    /// Ends every connection this site's nodes have to PostgreSQL, as a
    /// restart of the server would; returns how many there were.
    pub async fn cut_database_connections(&self) -> u64 {
        self._data.schema.as_ref().expect("a site on PostgreSQL").end_connections().await
    }

    /// Tells the page cache that the database changed behind the application's back.
    pub fn forget_pages(&self) {
        use masthead_content::ChangeListener as _;
        self.cache.changed(&masthead_content::Change::Everything);
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

/// Signs in through the sign-in form of the server at `url` (any Masthead
/// process), as a browser does, with a client that does not follow redirects.
pub async fn sign_in_at(client: &reqwest::Client, url: &str, email: &str, password: &str) -> Browser {
    let response = client
        .post(format!("{url}/admin/sign-in"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .expect("sign-in answered");
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "sign-in of {email}");
    let set_cookie = response.headers()["set-cookie"].to_str().expect("cookie is text").to_owned();
    let cookie = set_cookie.split(';').next().expect("cookie pair").to_owned();
    let page = client
        .get(format!("{url}/admin"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("request is answered")
        .text()
        .await
        .expect("body is text");
    let csrf = page
        .split("data-csrf=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("pages carry the CSRF token")
        .to_owned();
    Browser { cookie, csrf }
}

/// A newsroom account made for a test, with its password.
#[derive(Debug, Clone)]
pub struct Account {
    /// The account.
    pub user: masthead_content::User,
    /// Its password.
    pub password: String,
}

/// A signed-in browser: its session cookie and the CSRF token its forms carry.
#[derive(Debug, Clone)]
pub struct Browser {
    /// `masthead_session=…`, for the Cookie header.
    pub cookie: String,
    /// The session's CSRF token.
    pub csrf: String,
}

impl TestApp {
    /// Creates an account with `role`, named after it ("Editor One").
    pub async fn account(&self, role: masthead_content::Role, n: u32) -> Account {
        let name = format!("{} Number{n}", capitalised(role.as_str()));
        let password = format!("password-of-{}-{n}", role.as_str());
        let request = masthead_newsroom::accounts::AccountRequest {
            email: format!("{}{n}@example.org", role.as_str()),
            name,
            role,
            password: Some(password.clone()),
        };
        let (user, _) = self.newsroom.create_account(None, request).await.expect("account created");
        Account { user, password }
    }

    /// Signs in through the sign-in form, as a browser does.
    pub async fn sign_in(&self, account: &Account) -> Browser {
        sign_in_at(&self.client, &self.url, account.user.email.as_str(), &account.password).await
    }

    /// GETs `path` with a session cookie and returns the body.
    pub async fn with_cookie(&self, cookie: &str, path: &str) -> String {
        let response = self
            .client
            .get(format!("{}{path}", self.url))
            .header("cookie", cookie)
            .send()
            .await
            .expect("request is answered");
        response.text().await.expect("body is text")
    }

    /// POSTs an urlencoded form as a signed-in browser (with its CSRF token).
    pub async fn post_form(&self, browser: &Browser, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut fields = fields.to_vec();
        fields.push(("csrf", browser.csrf.as_str()));
        self.client
            .post(format!("{}{path}", self.url))
            .header("cookie", &browser.cookie)
            .form(&fields)
            .send()
            .await
            .expect("request is answered")
    }

    /// An API token acting as `account`.
    pub async fn token(&self, account: &Account) -> String {
        self.newsroom.create_api_token(&account.user, "tests").await.expect("token created")
    }

    /// Calls the JSON API with a token; returns the status and the JSON body.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> (StatusCode, serde_json::Value) {
        let mut request = self.client.request(method, format!("{}{path}", self.url)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request is answered");
        let status = response.status();
        let text = response.text().await.expect("body is text");
        (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
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
