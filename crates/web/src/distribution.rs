//! What feed readers, aggregators and search engines fetch: RSS, Atom and
//! JSON Feed for the site and each section, tag and author; the sitemap
//! index, monthly sitemaps and the News sitemap; `robots.txt`. Each answer
//! carries a strong ETag and Last-Modified and is answered 304 when unchanged.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use masthead_content::{Article, Media, Slug};
use masthead_feeds::feed::{Channel, Entry};
use masthead_feeds::sitemap::{Location, NewsItem};
use masthead_feeds::{Image, Person};
use masthead_storage::{Listing, PublicationMonth};
use sha2::{Digest, Sha256};
use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::views::article_url;
use crate::{AppError, AppState};

/// Articles in each feed.
const FEED_LENGTH: u32 = 20;
/// Articles in one monthly sitemap file before it is split (sitemaps.org allows 50,000).
const SITEMAP_PAGE: u32 = 50_000;
/// How far back the News sitemap reaches (Google News: two days).
const NEWS_WINDOW: Duration = Duration::hours(48);

/// The three feed formats, each at its own address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Rss,
    Atom,
    Json,
}

impl Format {
    pub(crate) const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];

    /// File name of the feed under its page: `/world/feed.xml`.
    pub(crate) fn file_name(self) -> &'static str {
        match self {
            Self::Rss => "feed.xml",
            Self::Atom => "feed.atom",
            Self::Json => "feed.json",
        }
    }

    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Self::Rss => "application/rss+xml; charset=utf-8",
            Self::Atom => "application/atom+xml; charset=utf-8",
            Self::Json => "application/feed+json; charset=utf-8",
        }
    }

    /// The type named in `<link rel="alternate">`.
    pub(crate) fn link_type(self) -> &'static str {
        match self {
            Self::Rss => "application/rss+xml",
            Self::Atom => "application/atom+xml",
            Self::Json => "application/feed+json",
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Rss => "RSS",
            Self::Atom => "Atom",
            Self::Json => "JSON Feed",
        }
    }
}

/// What a feed follows.
pub(crate) enum Subject {
    Site,
    Section(String),
    Tag(String),
    Author(String),
    Topic(String),
}

/// `GET /feed.xml` and its siblings, and the same under a section, tag or author.
pub(crate) async fn serve_feed(
    state: &AppState,
    headers: &HeaderMap,
    subject: Subject,
    format: Format,
) -> Result<Response, AppError> {
    let config = state.config();
    let store = state.store();
    let parse = |s: &str| Slug::parse(s).map_err(|_| AppError::NotFound);
    let (listing, title, description, page_path) = match subject {
        Subject::Site => {
            (Listing::All, config.site_name.clone(), format!("The latest from {}.", config.site_name), "/".to_owned())
        }
        Subject::Section(slug) => {
            let section = store.section(&parse(&slug)?).await?.ok_or(AppError::NotFound)?;
            let path = format!("/{}", section.slug);
            (
                Listing::Section(section.slug),
                format!("{} | {}", section.name, config.site_name),
                section.description,
                path,
            )
        }
        Subject::Tag(slug) => {
            let tag = store.tag(&parse(&slug)?).await?.ok_or(AppError::NotFound)?;
            let path = format!("/tag/{}", tag.slug);
            let description = format!("The latest about {} from {}.", tag.name, config.site_name);
            (Listing::Tag(tag.slug), format!("{} | {}", tag.name, config.site_name), description, path)
        }
        Subject::Topic(slug) => {
            let topic = store.topic(&parse(&slug)?).await?.ok_or(AppError::NotFound)?;
            let path = format!("/topic/{}", topic.slug);
            let description = format!("Articles about {} in {}.", topic.name, config.site_name);
            (Listing::Topic(topic.slug), format!("{} | {}", topic.name, config.site_name), description, path)
        }
        Subject::Author(slug) => {
            let author = store.author(&parse(&slug)?).await?.ok_or(AppError::NotFound)?;
            let path = format!("/author/{}", author.slug);
            let description = format!("Articles by {} in {}.", author.name, config.site_name);
            (Listing::Author(author.slug), format!("{} | {}", author.name, config.site_name), description, path)
        }
    };
    let articles = store.recent_articles(&listing, FEED_LENGTH).await?;
    let mut entries = Vec::with_capacity(articles.len());
    for article in &articles {
        entries.push(entry(state, article).await?);
    }
    let updated = entries.iter().map(|e| e.updated).max().unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let feed_path = if page_path == "/" {
        format!("/{}", format.file_name())
    } else {
        format!("{page_path}/{}", format.file_name())
    };
    let channel = Channel {
        title,
        description,
        page_url: absolute(state, &page_path),
        self_url: absolute(state, &feed_path),
        language: config.language.clone(),
        updated,
        hub: config.websub_hub.clone(),
    };
    let body = match format {
        Format::Rss => masthead_feeds::feed::rss(&channel, &entries),
        Format::Atom => masthead_feeds::feed::atom(&channel, &entries),
        Format::Json => masthead_feeds::feed::json_feed(&channel, &entries),
    };
    Ok(conditional(headers, body, format.content_type(), updated))
}

async fn entry(state: &AppState, article: &Article) -> Result<Entry, AppError> {
    let html = crate::reader::article::render_body(state, article, &article.body_source).await?;
    let published = article.published_at.unwrap_or(article.updated_at);
    let mut categories = vec![article.section.name.clone()];
    categories.extend(article.tags.iter().map(|t| t.name.clone()));
    Ok(Entry {
        id: format!("urn:uuid:{}", article.id),
        url: absolute(state, &article_url(&article.section.slug, &article.slug)),
        title: article.headline.to_string(),
        summary: article.standfirst.clone(),
        content_html: absolute_links(state, &html),
        published,
        updated: article.updated_at.max(published),
        authors: article
            .authors
            .iter()
            .map(|a| Person { name: a.name.clone(), url: absolute(state, &format!("/author/{}", a.slug)) })
            .collect(),
        categories,
        image: article.lead_image.as_ref().map(|media| image(state, media)),
    })
}

/// A media item as feeds and structured data describe it, with an absolute URL.
pub(crate) fn image(state: &AppState, media: &Media) -> Image {
    Image {
        url: absolute(state, &media.url_path()),
        content_type: media.content_type.clone(),
        width: media.width,
        height: media.height,
        caption: media.caption.clone(),
        credit: media.credit.clone(),
        alt: media.alt_text.clone(),
    }
}

/// The site's absolute URL for `path`.
pub(crate) fn absolute(state: &AppState, path: &str) -> String {
    format!("{}{path}", state.config().site_url)
}

/// Makes the site-relative links of sanitised body HTML absolute: a feed is read away from the site.
/// The sanitiser writes every attribute in double quotes, so these are the only forms to find.
fn absolute_links(state: &AppState, html: &str) -> String {
    let base = &state.config().site_url;
    html.replace("href=\"/", &format!("href=\"{base}/")).replace("src=\"/", &format!("src=\"{base}/"))
}

/// `GET /robots.txt`
pub(crate) async fn serve_robots(State(state): State<AppState>) -> Response {
    let body = masthead_feeds::sitemap::robots_txt(&[
        absolute(&state, "/sitemap.xml"),
        absolute(&state, "/sitemaps/news.xml"),
    ]);
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// `GET /sitemap.xml`: the index of every sitemap.
pub(crate) async fn serve_sitemap_index(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let months = state.store().publication_months().await?;
    let newest = months.iter().map(|m| m.last_modified).max().unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let mut sitemaps = vec![
        Location { url: absolute(&state, "/sitemaps/pages.xml"), last_modified: newest },
        Location { url: absolute(&state, "/sitemaps/news.xml"), last_modified: newest },
    ];
    for month in &months {
        for part in 1..=parts(month) {
            sitemaps
                .push(Location { url: absolute(&state, &month_path(month, part)), last_modified: month.last_modified });
        }
    }
    Ok(conditional(&headers, masthead_feeds::sitemap::index(&sitemaps), XML, newest))
}

const XML: &str = "application/xml; charset=utf-8";

/// How many files a month's articles need.
fn parts(month: &PublicationMonth) -> u64 {
    month.articles.div_ceil(u64::from(SITEMAP_PAGE)).max(1)
}

/// `/sitemaps/articles-2024-01.xml`, and `-2`, `-3`… for the further parts of a very busy month.
fn month_path(month: &PublicationMonth, part: u64) -> String {
    if part == 1 {
        format!("/sitemaps/articles-{:04}-{:02}.xml", month.year, month.month)
    } else {
        format!("/sitemaps/articles-{:04}-{:02}-{part}.xml", month.year, month.month)
    }
}

/// `GET /sitemaps/{file}`: pages, news, or one month of articles.
pub(crate) async fn serve_sitemap(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let store = state.store();
    match file.as_str() {
        "pages.xml" => {
            let months = store.publication_months().await?;
            let newest = months.iter().map(|m| m.last_modified).max().unwrap_or(OffsetDateTime::UNIX_EPOCH);
            let mut pages = vec![Location { url: absolute(&state, "/"), last_modified: newest }];
            for section in store.sections().await? {
                pages.push(Location { url: absolute(&state, &format!("/{}", section.slug)), last_modified: newest });
            }
            Ok(conditional(&headers, masthead_feeds::sitemap::url_set(&pages), XML, newest))
        }
        "news.xml" => {
            let recent = store.published_since(OffsetDateTime::now_utc() - NEWS_WINDOW, 1000).await?;
            let newest = recent.iter().map(|a| a.updated_at).max().unwrap_or(OffsetDateTime::UNIX_EPOCH);
            let items: Vec<NewsItem> = recent
                .iter()
                .map(|a| NewsItem {
                    url: absolute(&state, &article_url(&a.section.slug, &a.slug)),
                    title: a.headline.to_string(),
                    published: a.published_at.unwrap_or(a.updated_at),
                })
                .collect();
            let body = masthead_feeds::sitemap::news(&state.config().site_name, &state.config().language, &items);
            Ok(conditional(&headers, body, XML, newest))
        }
        other => {
            let (year, month, part) = parse_month_file(other).ok_or(AppError::NotFound)?;
            let found = store
                .publication_months()
                .await?
                .into_iter()
                .find(|m| m.year == year && m.month == month && part <= parts(m))
                .ok_or(AppError::NotFound)?;
            let offset = (part - 1) * u64::from(SITEMAP_PAGE);
            let urls: Vec<Location> = store
                .published_in_month(&found, offset, SITEMAP_PAGE)
                .await?
                .into_iter()
                .map(|l| Location {
                    url: absolute(&state, &article_url(&l.section, &l.slug)),
                    last_modified: l.updated_at,
                })
                .collect();
            Ok(conditional(&headers, masthead_feeds::sitemap::url_set(&urls), XML, found.last_modified))
        }
    }
}

/// `articles-2024-01.xml` → (2024, 1, 1); `articles-2024-01-2.xml` → (2024, 1, 2).
fn parse_month_file(file: &str) -> Option<(i32, u8, u64)> {
    let stem = file.strip_prefix("articles-")?.strip_suffix(".xml")?;
    let mut parts = stem.split('-');
    let year = parts.next().filter(|y| y.len() == 4)?.parse().ok()?;
    let month = parts.next().filter(|m| m.len() == 2)?.parse().ok().filter(|m| (1..=12).contains(m))?;
    let part = match parts.next() {
        None => 1,
        Some(n) => n.parse().ok().filter(|n| *n >= 2)?,
    };
    parts.next().is_none().then_some((year, month, part))
}

/// The HTTP-date form of a time (RFC 9110): `Wed, 17 Jan 2024 09:00:00 GMT`.
fn http_date(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        ))
        .unwrap_or_default()
}

pub(crate) fn parse_http_date(text: &str) -> Option<OffsetDateTime> {
    let format =
        format_description!("[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT");
    PrimitiveDateTime::parse(text, format).ok().map(PrimitiveDateTime::assume_utc)
}

/// Answers 304 when the client's copy is current (by ETag first, then by
/// date), else the body with its validators.
fn conditional(
    headers: &HeaderMap,
    body: String,
    content_type: &'static str,
    last_modified: OffsetDateTime,
) -> Response {
    let digest = Sha256::digest(body.as_bytes());
    let etag = format!("\"{}\"", digest.iter().take(16).map(|b| format!("{b:02x}")).collect::<String>());
    let last_modified_text = http_date(last_modified);
    let not_modified = match headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        Some(tags) => tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"),
        None => headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date)
            .is_some_and(|since| last_modified.unix_timestamp() <= since.unix_timestamp()),
    };
    let validators = [
        (header::ETAG, HeaderValue::from_str(&etag).ok()),
        (header::LAST_MODIFIED, HeaderValue::from_str(&last_modified_text).ok()),
        (header::CACHE_CONTROL, Some(HeaderValue::from_static("no-cache"))),
    ];
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, content_type)], body).into_response()
    };
    for (name, value) in validators {
        if let Some(value) = value {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn monthly_sitemap_names_round_trip() {
        let month =
            PublicationMonth { year: 2024, month: 1, articles: 120_000, last_modified: OffsetDateTime::UNIX_EPOCH };
        assert_eq!(parts(&month), 3);
        assert_eq!(month_path(&month, 1), "/sitemaps/articles-2024-01.xml");
        assert_eq!(month_path(&month, 3), "/sitemaps/articles-2024-01-3.xml");
        assert_eq!(parse_month_file("articles-2024-01.xml"), Some((2024, 1, 1)));
        assert_eq!(parse_month_file("articles-2024-01-3.xml"), Some((2024, 1, 3)));
        for bad in
            ["articles-2024-13.xml", "articles-24-01.xml", "articles-2024-01-1.xml", "articles-2024-01-x.xml", "x.xml"]
        {
            assert_eq!(parse_month_file(bad), None, "{bad}");
        }
    }

    #[test]
    fn http_dates_round_trip() {
        let at = datetime!(2024-01-17 09:00:00 UTC);
        assert_eq!(http_date(at), "Wed, 17 Jan 2024 09:00:00 GMT");
        assert_eq!(parse_http_date("Wed, 17 Jan 2024 09:00:00 GMT"), Some(at));
    }

    #[test]
    fn an_unchanged_feed_is_answered_304() {
        let at = datetime!(2024-01-17 09:00:00 UTC);
        let first = conditional(&HeaderMap::new(), "body".into(), XML, at);
        assert_eq!(first.status(), StatusCode::OK);
        let etag = first.headers()[header::ETAG].clone();
        let mut again = HeaderMap::new();
        again.insert(header::IF_NONE_MATCH, etag);
        assert_eq!(conditional(&again, "body".into(), XML, at).status(), StatusCode::NOT_MODIFIED);
        assert_eq!(conditional(&again, "changed".into(), XML, at).status(), StatusCode::OK);
        let mut by_date = HeaderMap::new();
        by_date.insert(header::IF_MODIFIED_SINCE, HeaderValue::from_static("Wed, 17 Jan 2024 09:00:00 GMT"));
        assert_eq!(conditional(&by_date, "body".into(), XML, at).status(), StatusCode::NOT_MODIFIED);
        assert_eq!(conditional(&by_date, "body".into(), XML, at + Duration::seconds(1)).status(), StatusCode::OK);
    }
}
