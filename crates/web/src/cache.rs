//! The rendered-page cache: reader pages, feeds and sitemaps are rendered
//! once and then served from memory, precompressed, until a change makes
//! them stale.
//!
//! Every cacheable response names what it shows with [`PageTags`]
//! (`article:{id}`, `list:section:world`, `feed:all`, `sitemap`…). A
//! [`Change`] reported by the newsroom or the comment desk is turned into
//! the tags it touches ([`tags_for`]), and exactly the pages carrying one of
//! them are dropped; the next request renders afresh. The same tags go out
//! as `Surrogate-Key` and `Cache-Tag` headers so a CDN can purge just as
//! precisely.
//!
//! The hot path takes one short lock (no `.await` while it is held), clones
//! an `Arc`, and picks the stored identity, gzip or brotli body by
//! `Accept-Encoding`; it touches no database. Concurrent misses for one page
//! render it once: the others wait for that render. Memory is bounded: the
//! least recently used pages are evicted past [`PageCache::max_bytes`].

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use masthead_content::{Change, ChangeListener};
use sha2::{Digest, Sha256};
use tokio::sync::{OnceCell, Semaphore};

use crate::AppState;

/// What a response shows, for invalidation; set by handlers as a response extension.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageTags(pub Vec<String>);

/// How long a CDN may keep a page, and serve it stale while it fetches a new one.
const CACHE_CONTROL: &str = "public, max-age=0, must-revalidate, s-maxage=600, stale-while-revalidate=60";

/// A rendered page in its three encodings.
#[derive(Debug)]
pub struct CachedPage {
    content_type: HeaderValue,
    etag: HeaderValue,
    last_modified: Option<HeaderValue>,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
    tags: Vec<String>,
}

impl CachedPage {
    fn size(&self) -> usize {
        self.identity.len() + self.gzip.len() + self.brotli.len() + 256
    }
}

/// How the cache has been used, for tests and operators.
#[derive(Debug, Default)]
pub struct CacheStats {
    /// Requests answered from memory.
    pub hits: AtomicU64,
    /// Pages rendered because they were not in memory.
    pub renders: AtomicU64,
    /// Requests that waited for another request's render of the same page.
    pub coalesced: AtomicU64,
    /// Pages dropped by changes.
    pub invalidated: AtomicU64,
    /// Pages dropped to stay within the memory bound.
    pub evicted: AtomicU64,
}

struct Pages {
    lru: lru::LruCache<String, Arc<CachedPage>>,
    bytes: usize,
    by_tag: HashMap<String, HashSet<String>>,
    /// Bumped by every invalidation; a render that started before the last
    /// invalidation of one of its tags is served but not stored.
    epoch: u64,
    tag_invalidated_at: HashMap<String, u64>,
    everything_invalidated_at: u64,
    /// Invalidations before this epoch are forgotten (to bound memory): a
    /// render that started earlier counts as overtaken by a change.
    forgotten_before: u64,
}

/// Distinct invalidated tags remembered before the oldest are forgotten.
const REMEMBERED_INVALIDATIONS: usize = 4096;

impl Pages {
    /// Whether a change to what a page with `tags` shows came in after `epoch`.
    fn changed_since(&self, tags: &[String], epoch: u64) -> bool {
        epoch < self.forgotten_before
            || self.everything_invalidated_at > epoch
            || tags.iter().any(|tag| self.tag_invalidated_at.get(tag).is_some_and(|at| *at > epoch))
    }
}

/// One render of a page, shared by every request that asks for it meanwhile.
#[derive(Default)]
struct Render {
    /// The epoch when it began: changes after it may not be in it.
    started: u64,
    page: OnceCell<Option<Arc<CachedPage>>>,
}

type Flight = Arc<Render>;

/// The cache of rendered pages.
pub struct PageCache {
    pages: Mutex<Pages>,
    in_flight: Mutex<HashMap<String, Flight>>,
    /// Turns at compressing a rendered page.
    compressing: Semaphore,
    max_bytes: usize,
    /// Counters.
    pub stats: CacheStats,
}

impl PageCache {
    /// A cache holding at most `max_bytes` of pages (all encodings counted).
    pub fn new(max_bytes: usize) -> Self {
        Self {
            pages: Mutex::new(Pages {
                lru: lru::LruCache::unbounded(),
                bytes: 0,
                by_tag: HashMap::new(),
                epoch: 0,
                tag_invalidated_at: HashMap::new(),
                everything_invalidated_at: 0,
                forgotten_before: 0,
            }),
            in_flight: Mutex::new(HashMap::new()),
            compressing: Semaphore::new(std::thread::available_parallelism().map_or(1, usize::from)),
            max_bytes,
            stats: CacheStats::default(),
        }
    }

    /// The memory bound.
    pub fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// Bytes held now.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// Pages held now.
    pub fn len(&self) -> usize {
        self.lock().lru.len()
    }

    /// Whether the cache holds no page.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Pages> {
        // A panic while holding the lock leaves consistent data (every update is one step); carry on.
        self.pages.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        self.lock().lru.get(key).cloned()
    }

    fn epoch(&self) -> u64 {
        self.lock().epoch
    }

    /// Stores a page rendered since `started` (an epoch), unless a change to
    /// what it shows came in meanwhile.
    fn insert(&self, key: String, page: Arc<CachedPage>, started: u64) {
        let size = page.size();
        if size > self.max_bytes {
            return;
        }
        let mut pages = self.lock();
        if pages.changed_since(&page.tags, started) {
            return;
        }
        if let Some(old) = pages.lru.put(key.clone(), page.clone()) {
            pages.bytes -= old.size();
        }
        pages.bytes += size;
        for tag in &page.tags {
            pages.by_tag.entry(tag.clone()).or_default().insert(key.clone());
        }
        while pages.bytes > self.max_bytes {
            let Some((evicted_key, evicted)) = pages.lru.pop_lru() else { break };
            pages.bytes -= evicted.size();
            unlink(&mut pages.by_tag, &evicted_key, &evicted.tags);
            self.stats.evicted.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Drops every page carrying one of `tags`.
    pub fn invalidate(&self, tags: &[String]) {
        let mut pages = self.lock();
        pages.epoch += 1;
        let epoch = pages.epoch;
        if pages.tag_invalidated_at.len() + tags.len() > REMEMBERED_INVALIDATIONS {
            // Forget the older invalidations; renders begun before now are treated as overtaken.
            pages.tag_invalidated_at.clear();
            pages.forgotten_before = epoch;
        }
        for tag in tags {
            pages.tag_invalidated_at.insert(tag.clone(), epoch);
            let keys: Vec<String> = pages.by_tag.remove(tag).map(|k| k.into_iter().collect()).unwrap_or_default();
            for key in keys {
                if let Some(page) = pages.lru.pop(&key) {
                    pages.bytes -= page.size();
                    unlink(&mut pages.by_tag, &key, &page.tags);
                    self.stats.invalidated.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    /// Drops every page.
    pub fn clear(&self) {
        let mut pages = self.lock();
        pages.epoch += 1;
        pages.everything_invalidated_at = pages.epoch;
        let dropped = pages.lru.len() as u64;
        pages.lru.clear();
        pages.by_tag.clear();
        pages.tag_invalidated_at.clear();
        pages.bytes = 0;
        self.stats.invalidated.fetch_add(dropped, Ordering::Relaxed);
    }
}

fn unlink(by_tag: &mut HashMap<String, HashSet<String>>, key: &str, tags: &[String]) {
    for tag in tags {
        if let Some(keys) = by_tag.get_mut(tag) {
            keys.remove(key);
            if keys.is_empty() {
                by_tag.remove(tag);
            }
        }
    }
}

impl ChangeListener for PageCache {
    fn changed(&self, change: &Change) {
        match change {
            Change::Everything => self.clear(),
            other => self.invalidate(&tags_for(other)),
        }
    }
}

/// The tags a change touches.
pub fn tags_for(change: &Change) -> Vec<String> {
    let mut tags = Vec::new();
    match change {
        Change::Article { id, sections, tags: subjects, authors, topics } => {
            tags.push(format!("article:{id}"));
            tags.push(format!("link:{id}"));
            tags.push("sitemap".to_owned());
            for kind in ["list", "feed"] {
                tags.push(format!("{kind}:all"));
                tags.extend(sections.iter().map(|s| format!("{kind}:section:{s}")));
                tags.extend(subjects.iter().map(|t| format!("{kind}:tag:{t}")));
                tags.extend(authors.iter().map(|a| format!("{kind}:author:{a}")));
                tags.extend(topics.iter().map(|t| format!("{kind}:topic:{t}")));
            }
        }
        // Comment counts show on listing cards; feeds and sitemaps carry none.
        Change::Comments { id, section, tags: subjects, authors } => {
            tags.push(format!("article:{id}"));
            tags.push("list:all".to_owned());
            tags.push(format!("list:section:{section}"));
            tags.extend(subjects.iter().map(|t| format!("list:tag:{t}")));
            tags.extend(authors.iter().map(|a| format!("list:author:{a}")));
        }
        Change::Related { ids } => tags.extend(ids.iter().map(|id| format!("article:{id}"))),
        Change::Everything => {}
    }
    tags
}

/// The tags of a page known by its address alone: listings, feeds and
/// sitemaps. Article pages name their own (`PageTags`), since the tag is the
/// article's id, not its slug.
fn path_tags(path: &str) -> Option<Vec<String>> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    let is_feed = |name: &str| matches!(name, "feed.xml" | "feed.atom" | "feed.json");
    let tag = match segments.as_slice() {
        [] => "list:all".to_owned(),
        [file] if is_feed(file) => "feed:all".to_owned(),
        ["sitemap.xml"] | ["robots.txt"] | ["sitemaps", _] => "sitemap".to_owned(),
        ["tag" | "author" | "topic", _] | ["tag" | "author" | "topic", _, _] => {
            let (kind, slug) = (segments[0], segments[1]);
            match segments.get(2) {
                None => format!("list:{kind}:{slug}"),
                Some(file) if is_feed(file) => format!("feed:{kind}:{slug}"),
                Some(_) => return None,
            }
        }
        [section] if !section.contains('.') => format!("list:section:{section}"),
        [section, file] if is_feed(file) => format!("feed:section:{section}"),
        _ => return None,
    };
    Some(vec![tag])
}

/// Query parameters a cached page may have; any other query bypasses the cache.
fn cache_key(request: &Request) -> Option<String> {
    let uri = request.uri();
    match uri.query() {
        None => Some(uri.path().to_owned()),
        Some(query) if query.split('&').all(|pair| pair.starts_with("page=")) => {
            Some(format!("{}?{query}", uri.path()))
        }
        Some(_) => None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// The best encoding the client accepts (q=0 refuses one).
fn negotiate(headers: &HeaderMap) -> Encoding {
    let accepted = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("");
    let accepts = |name: &str| {
        accepted.split(',').any(|item| {
            let mut parts = item.trim().split(';');
            let coding = parts.next().unwrap_or("").trim();
            let refused =
                parts.any(|p| matches!(p.trim().replace(' ', "").as_str(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            (coding.eq_ignore_ascii_case(name) || coding == "*") && !refused
        })
    };
    if accepts("br") {
        Encoding::Brotli
    } else if accepts("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// Answers from a cached page: 304 when the client has it, else the body in its best encoding.
fn respond(page: &CachedPage, request_headers: &HeaderMap, head: bool, source: &'static str) -> Response {
    // By ETag first; by date only when the client sent no ETag (RFC 9110, 13.2.2).
    let not_modified = match request_headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        Some(tags) => tags.split(',').any(|t| t.trim() == page.etag.to_str().unwrap_or("") || t.trim() == "*"),
        None => {
            let since = request_headers
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok())
                .and_then(crate::distribution::parse_http_date);
            let modified = page
                .last_modified
                .as_ref()
                .and_then(|v| v.to_str().ok())
                .and_then(crate::distribution::parse_http_date);
            matches!((since, modified), (Some(since), Some(modified)) if modified <= since)
        }
    };
    let encoding = negotiate(request_headers);
    let (status, body) = if not_modified {
        (StatusCode::NOT_MODIFIED, Bytes::new())
    } else {
        let body = match encoding {
            Encoding::Brotli => page.brotli.clone(),
            Encoding::Gzip => page.gzip.clone(),
            Encoding::Identity => page.identity.clone(),
        };
        (StatusCode::OK, body)
    };
    let length = body.len();
    let mut response = (status, if head { Body::empty() } else { Body::from(body) }).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, page.content_type.clone());
    headers.insert(header::ETAG, page.etag.clone());
    if let Some(modified) = &page.last_modified {
        headers.insert(header::LAST_MODIFIED, modified.clone());
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if status == StatusCode::OK {
        match encoding {
            Encoding::Brotli => headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br")),
            Encoding::Gzip => headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
            Encoding::Identity => None,
        };
        if let Ok(value) = HeaderValue::from_str(&length.to_string()) {
            headers.insert(header::CONTENT_LENGTH, value);
        }
    }
    if let Ok(keys) = HeaderValue::from_str(&page.tags.join(" ")) {
        headers.insert("surrogate-key", keys);
    }
    if let Ok(keys) = HeaderValue::from_str(&page.tags.join(",")) {
        headers.insert("cache-tag", keys);
    }
    headers.insert("x-cache", HeaderValue::from_static(source));
    response
}

/// Turns a rendered response into a cached page, if it can be one: a 200
/// with tags and an uncompressed body.
async fn capture(path: &str, response: Response, compressing: &Semaphore) -> Result<Arc<CachedPage>, Response> {
    let cacheable = response.status() == StatusCode::OK
        && (response.extensions().get::<PageTags>().is_some() || path_tags(path).is_some())
        && !response.headers().contains_key(header::CONTENT_ENCODING)
        && !response.headers().contains_key(header::SET_COOKIE);
    if !cacheable {
        return Err(response);
    }
    let (parts, body) = response.into_parts();
    let tags = match parts.extensions.get::<PageTags>() {
        Some(tags) => tags.0.clone(),
        None => path_tags(path).unwrap_or_default(),
    };
    let Ok(rendered) = axum::body::to_bytes(body, 32 * 1024 * 1024).await else {
        return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
    };
    // A rendered page arrives in the buffer it grew in, up to twice its length; the cache
    // keeps an exact copy, so the memory it counts is the memory it holds.
    let identity = Bytes::copy_from_slice(&rendered);
    drop(rendered);
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .cloned()
        .unwrap_or(HeaderValue::from_static("text/html; charset=utf-8"));
    let etag = match parts.headers.get(header::ETAG) {
        Some(etag) => etag.clone(),
        None => {
            let digest = Sha256::digest(&identity);
            let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
            HeaderValue::from_str(&format!("\"{hex}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
        }
    };
    let last_modified = parts.headers.get(header::LAST_MODIFIED).cloned();
    // Compressing costs a few milliseconds once per render, never per request. Brotli at this
    // quality works in buffers of several megabytes, so renders take turns, one per core: many at
    // once would hold many such buffers and leave the heap that large.
    let (gzip, brotli) = {
        let _turn = compressing.acquire().await;
        let identity = identity.clone();
        tokio::task::spawn_blocking(move || (gzip(&identity), brotli(&identity)))
            .await
            .unwrap_or_else(|_| (Bytes::new(), Bytes::new()))
    };
    Ok(Arc::new(CachedPage { content_type, etag, last_modified, identity, gzip, brotli, tags }))
}

fn gzip(bytes: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(9));
    let _ = encoder.write_all(bytes);
    encoder.finish().map(exact).unwrap_or_default()
}

fn brotli(bytes: &[u8]) -> Bytes {
    let mut out = Vec::new();
    // A window of at most 64 KiB: larger ones make this quality use a 32 MB hash table per page,
    // for a few per cent on the largest feeds.
    let lgwin = (usize::BITS - bytes.len().max(1).leading_zeros()).clamp(10, 16) as i32;
    let params = brotli::enc::BrotliEncoderParams { quality: 9, lgwin, ..Default::default() };
    let _ = brotli::BrotliCompress(&mut std::io::Cursor::new(bytes), &mut out, &params);
    exact(out)
}

/// The bytes without the spare capacity their buffer grew.
fn exact(mut bytes: Vec<u8>) -> Bytes {
    bytes.shrink_to_fit();
    Bytes::from(bytes)
}

/// The middleware in front of reader pages, feeds and sitemaps.
pub(crate) async fn serve_cached(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let head = request.method() == Method::HEAD;
    if !(request.method() == Method::GET || head) {
        return next.run(request).await;
    }
    let Some(key) = cache_key(&request) else {
        return next.run(request).await;
    };
    let cache = state.cache();
    if let Some(page) = cache.get(&key) {
        cache.stats.hits.fetch_add(1, Ordering::Relaxed);
        return respond(&page, request.headers(), head, "hit");
    }
    let path = request.uri().path().to_owned();
    let headers = request.headers().clone();
    let (parts, _) = request.into_parts();
    cache
        .serve(&key, &path, &headers, head, |for_cache| {
            let mut request = Request::from_parts(parts.clone(), Body::empty());
            if for_cache {
                // The page is stored whole; compression is the cache's job, not the client's wish.
                request.headers_mut().remove(header::ACCEPT_ENCODING);
                request.headers_mut().remove(header::IF_NONE_MATCH);
                request.headers_mut().remove(header::IF_MODIFIED_SINCE);
            }
            next.clone().run(request)
        })
        .await
}

impl PageCache {
    /// Answers a request for a page that was not in memory: renders it once
    /// however many requests ask at once (`render(true)` renders it for the
    /// cache, `render(false)` for this request alone), stores it, and hands it
    /// to every request that asked before a change overtook the render.
    async fn serve<F, Fut>(&self, key: &str, path: &str, headers: &HeaderMap, head: bool, render: F) -> Response
    where
        F: Fn(bool) -> Fut,
        Fut: Future<Output = Response>,
    {
        let arrived = self.epoch();
        let flight: Flight = {
            let mut in_flight = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
            in_flight
                .entry(key.to_owned())
                .or_insert_with(|| Arc::new(Render { started: arrived, ..Render::default() }))
                .clone()
        };
        let started = flight.started;
        let mut own_response: Option<Response> = None;
        let mut rendered_here = false;
        let page = flight
            .page
            .get_or_init(|| async {
                rendered_here = true;
                self.stats.renders.fetch_add(1, Ordering::Relaxed);
                match capture(path, render(true).await, &self.compressing).await {
                    Ok(page) => Some(page),
                    Err(response) => {
                        own_response = Some(response);
                        None
                    }
                }
            })
            .await
            .clone();
        // Stored before the flight ends, so a request arriving in between finds the page, not an empty slot.
        if let (true, Some(page)) = (rendered_here, &page) {
            self.insert(key.to_owned(), page.clone(), started);
        }
        {
            let mut in_flight = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
            if in_flight.get(key).is_some_and(|f| Arc::ptr_eq(f, &flight)) {
                in_flight.remove(key);
            }
        }
        // A render that began before a change this request came after may show what the change
        // replaced: such a request renders afresh instead of taking it.
        let overtaken = !rendered_here
            && arrived > started
            && page.as_ref().is_some_and(|page| self.lock().changed_since(&page.tags, started));
        match (page, own_response) {
            (Some(page), _) if !overtaken => {
                if !rendered_here {
                    self.stats.coalesced.fetch_add(1, Ordering::Relaxed);
                }
                respond(&page, headers, head, if rendered_here { "miss" } else { "coalesced" })
            }
            (_, Some(response)) => response,
            (Some(_), None) => {
                self.stats.renders.fetch_add(1, Ordering::Relaxed);
                match capture(path, render(true).await, &self.compressing).await {
                    Ok(page) => {
                        self.insert(key.to_owned(), page.clone(), arrived);
                        respond(&page, headers, head, "miss")
                    }
                    Err(response) => response,
                }
            }
            // Another request's render was not cacheable (a 404, a redirect): render for this one too.
            (None, None) => render(false).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(tags: &[&str], size: usize) -> Arc<CachedPage> {
        Arc::new(CachedPage {
            content_type: HeaderValue::from_static("text/html"),
            etag: HeaderValue::from_static("\"x\""),
            last_modified: None,
            identity: Bytes::from(vec![b'a'; size]),
            gzip: Bytes::new(),
            brotli: Bytes::new(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        })
    }

    #[test]
    fn an_invalidation_drops_exactly_the_pages_with_its_tags() {
        let cache = PageCache::new(1 << 20);
        cache.insert("/a".into(), page(&["article:1", "list:all"], 10), 0);
        cache.insert("/b".into(), page(&["article:2"], 10), 0);
        cache.insert("/".into(), page(&["list:all"], 10), 0);
        cache.invalidate(&["article:1".to_owned()]);
        assert!(cache.get("/a").is_none());
        assert!(cache.get("/b").is_some() && cache.get("/").is_some());
        cache.invalidate(&["list:all".to_owned()]);
        assert!(cache.get("/").is_none() && cache.get("/b").is_some());
        assert_eq!(cache.bytes(), page(&[], 10).size());
    }

    #[test]
    fn the_least_recently_used_pages_go_first_past_the_memory_bound() {
        let one = page(&["t"], 1000).size();
        let cache = PageCache::new(one * 3);
        for key in ["/1", "/2", "/3"] {
            cache.insert(key.into(), page(&["t"], 1000), 0);
        }
        assert!(cache.get("/1").is_some(), "touching /1 makes /2 the oldest");
        cache.insert("/4".into(), page(&["t"], 1000), 0);
        assert!(cache.get("/2").is_none());
        assert!(cache.get("/1").is_some() && cache.get("/3").is_some() && cache.get("/4").is_some());
        assert!(cache.bytes() <= cache.max_bytes());
        assert_eq!(cache.stats.evicted.load(Ordering::Relaxed), 1);
        cache.invalidate(&["t".to_owned()]);
        assert_eq!((cache.len(), cache.bytes()), (0, 0));
    }

    #[test]
    fn a_render_that_raced_an_invalidation_is_not_stored() {
        let cache = PageCache::new(1 << 20);
        let started = cache.epoch();
        cache.invalidate(&["article:1".to_owned()]);
        cache.insert("/a".into(), page(&["article:1"], 10), started);
        assert!(cache.get("/a").is_none(), "it may show the old article");
        cache.insert("/b".into(), page(&["article:2"], 10), started);
        assert!(cache.get("/b").is_some(), "other pages are unaffected");
    }

    /// A render for the tests: the page `article:1` shows, with the text of the `version`th render;
    /// the first render waits for `gate`.
    fn rendering<'a>(
        renders: &'a AtomicU64,
        gate: &'a tokio::sync::Notify,
    ) -> impl Fn(bool) -> std::pin::Pin<Box<dyn Future<Output = Response> + Send + 'a>> {
        move |_| {
            Box::pin(async move {
                let version = renders.fetch_add(1, Ordering::SeqCst) + 1;
                if version == 1 {
                    gate.notified().await;
                }
                let mut response = format!("version {version}").into_response();
                response.extensions_mut().insert(PageTags(vec!["article:1".to_owned()]));
                response
            })
        }
    }

    async fn body_of(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[tokio::test]
    async fn a_request_that_comes_after_a_change_never_gets_a_render_begun_before_it() {
        let cache = PageCache::new(1 << 20);
        let (renders, gate) = (AtomicU64::new(0), tokio::sync::Notify::new());
        let headers = HeaderMap::new();
        let render = rendering(&renders, &gate);
        let before = cache.serve("/a", "/a", &headers, false, &render);
        tokio::pin!(before);
        // The first reader's render begins and waits.
        assert!(futures_poll(&mut before).await.is_none());
        // The article is saved, then a second reader asks: it must not be handed the render begun before.
        cache.invalidate(&["article:1".to_owned()]);
        let after = cache.serve("/a", "/a", &headers, false, &render);
        tokio::pin!(after);
        assert!(futures_poll(&mut after).await.is_none(), "the second reader waits for the render in progress");
        gate.notify_one();
        let (first, second) = tokio::join!(before, after);
        assert_eq!(body_of(first).await, "version 1", "the reader who asked before the save may see the old page");
        assert_eq!(body_of(second).await, "version 2", "the reader who asked after the save sees the new one");
        assert_eq!(cache.stats.coalesced.load(Ordering::Relaxed), 0);
        // The fresh render is kept; the older one was not.
        assert_eq!(cache.get("/a").map(|page| page.identity.clone()), Some(Bytes::from_static(b"version 2")));
    }

    #[tokio::test]
    async fn readers_who_ask_while_a_page_renders_share_that_render() {
        let cache = PageCache::new(1 << 20);
        let (renders, gate) = (AtomicU64::new(0), tokio::sync::Notify::new());
        let headers = HeaderMap::new();
        let render = rendering(&renders, &gate);
        let first = cache.serve("/a", "/a", &headers, false, &render);
        tokio::pin!(first);
        assert!(futures_poll(&mut first).await.is_none());
        let second = cache.serve("/a", "/a", &headers, false, &render);
        tokio::pin!(second);
        assert!(futures_poll(&mut second).await.is_none());
        gate.notify_one();
        let (first, second) = tokio::join!(first, second);
        assert_eq!((body_of(first).await, body_of(second).await), ("version 1".into(), "version 1".into()));
        assert_eq!(cache.stats.coalesced.load(Ordering::Relaxed), 1);
        assert_eq!(renders.load(Ordering::SeqCst), 1);
    }

    /// Polls a future once: its output if it is ready, `None` if it waits.
    async fn futures_poll<F: Future + Unpin>(future: &mut F) -> Option<F::Output> {
        std::future::poll_fn(|cx| {
            std::task::Poll::Ready(match std::pin::Pin::new(&mut *future).poll(cx) {
                std::task::Poll::Ready(output) => Some(output),
                std::task::Poll::Pending => None,
            })
        })
        .await
    }

    #[test]
    fn the_memory_of_invalidations_is_bounded_and_what_it_forgets_counts_as_changed() {
        let cache = PageCache::new(1 << 20);
        let started = cache.epoch();
        for n in 0..REMEMBERED_INVALIDATIONS * 3 {
            cache.invalidate(&[format!("article:{n}")]);
        }
        assert!(cache.lock().tag_invalidated_at.len() <= REMEMBERED_INVALIDATIONS);
        cache.insert("/old".into(), page(&["article:unrelated"], 10), started);
        assert!(cache.get("/old").is_none(), "a render older than what is remembered is not stored");
        cache.insert("/new".into(), page(&["article:unrelated"], 10), cache.epoch());
        assert!(cache.get("/new").is_some());
    }

    #[test]
    fn encodings_are_negotiated_and_refusals_respected() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
            negotiate(&headers)
        };
        assert!(with("gzip, deflate, br") == Encoding::Brotli);
        assert!(with("gzip") == Encoding::Gzip);
        assert!(with("br;q=0, gzip") == Encoding::Gzip);
        assert!(with("identity") == Encoding::Identity);
        assert!(negotiate(&HeaderMap::new()) == Encoding::Identity);
    }

    #[test]
    fn listing_feed_and_sitemap_addresses_carry_their_tags() {
        let tags = |path: &str| path_tags(path).map(|t| t.join(" "));
        assert_eq!(tags("/").as_deref(), Some("list:all"));
        assert_eq!(tags("/feed.json").as_deref(), Some("feed:all"));
        assert_eq!(tags("/world").as_deref(), Some("list:section:world"));
        assert_eq!(tags("/world/feed.atom").as_deref(), Some("feed:section:world"));
        assert_eq!(tags("/tag/ukraine").as_deref(), Some("list:tag:ukraine"));
        assert_eq!(tags("/author/ann-lee/feed.xml").as_deref(), Some("feed:author:ann-lee"));
        assert_eq!(tags("/sitemaps/news.xml").as_deref(), Some("sitemap"));
        assert_eq!(tags("/world/some-story"), None, "article pages name their own tags");
        assert_eq!(tags("/assets/site.css"), None);
    }

    #[test]
    fn changes_touch_their_pages_only() {
        let slug = |s: &str| masthead_content::Slug::parse(s).unwrap_or_else(|_| unreachable!());
        let id = masthead_content::ArticleId::generate();
        let change = Change::Comments { id, section: slug("world"), tags: vec![slug("ukraine")], authors: vec![] };
        let tags = tags_for(&change);
        assert!(tags.contains(&format!("article:{id}")) && tags.contains(&"list:tag:ukraine".to_owned()));
        assert!(!tags.iter().any(|t| t.starts_with("feed:") || t == "sitemap"), "comments are not in feeds");
    }
}
