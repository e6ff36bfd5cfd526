//! `/search`: the archive search page, and `/search.json` for scripts.
//!
//! Neither goes through the page cache (every query is different, and a
//! publish must show in results at once). A query the index cannot read
//! well still gets a results page: the index never reports a syntax error.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use masthead_search::{SearchQuery, SearchResults};
use serde::Serialize;
use time::macros::format_description;

use crate::page::HtmlPage;
use crate::views::{LinkView, SiteView, TimeView};
use crate::{AppError, AppState};

/// Results on one page.
const PER_PAGE: u32 = 10;

/// The query string, read leniently: unknown or malformed parameters are ignored.
#[derive(Debug, Default, Clone)]
struct Params {
    text: String,
    section: String,
    author: String,
    tag: String,
    from: String,
    to: String,
    page: u32,
}

fn params(raw: Option<&str>) -> Params {
    let mut params = Params { page: 1, ..Params::default() };
    for (key, value) in crate::admin::decode_form(raw.unwrap_or_default()) {
        let value: String = value.chars().take(300).collect();
        match key.as_str() {
            "q" => params.text = value,
            "section" => params.section = value,
            "author" => params.author = value,
            "tag" => params.tag = value,
            "from" => params.from = value,
            "to" => params.to = value,
            "page" => params.page = value.parse().ok().filter(|n| (1..=1000).contains(n)).unwrap_or(1),
            _ => {}
        }
    }
    params
}

/// A `YYYY-MM-DD` date as the start of that day, UTC.
fn day(text: &str) -> Option<time::OffsetDateTime> {
    let date = time::Date::parse(text.trim(), format_description!("[year]-[month]-[day]")).ok()?;
    Some(date.midnight().assume_utc())
}

fn slug_or_none(text: &str) -> Option<String> {
    masthead_content::Slug::parse(text.trim()).ok().map(|s| s.as_str().to_owned())
}

impl Params {
    fn query(&self) -> SearchQuery {
        SearchQuery {
            text: self.text.clone(),
            section: slug_or_none(&self.section),
            author: slug_or_none(&self.author),
            tag: slug_or_none(&self.tag),
            from: day(&self.from),
            // "To" a day includes that day.
            until: day(&self.to).map(|d| d + time::Duration::days(1)),
            page: self.page,
            per_page: PER_PAGE,
        }
    }

    fn asked(&self) -> bool {
        [&self.text, &self.section, &self.author, &self.tag, &self.from, &self.to].iter().any(|v| !v.trim().is_empty())
    }

    /// The query string for another page of the same search.
    fn with_page(&self, page: u32) -> String {
        let mut pairs = vec![("q", self.text.as_str())];
        for (key, value) in [
            ("section", &self.section),
            ("author", &self.author),
            ("tag", &self.tag),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !value.is_empty() {
                pairs.push((key, value.as_str()));
            }
        }
        let page = page.to_string();
        pairs.push(("page", &page));
        let encoded: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
        format!("/search?{}", encoded.join("&"))
    }
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[derive(Serialize)]
struct SearchPageView {
    site: SiteView,
    canonical: String,
    query: String,
    section: String,
    author: String,
    tag: String,
    from: String,
    to: String,
    asked: bool,
    total: usize,
    partial: bool,
    corrected: bool,
    hits: Vec<HitView>,
    sections: Vec<LinkView>,
    previous: Option<String>,
    next: Option<String>,
    page: u32,
    pages: usize,
}

#[derive(Serialize)]
struct HitView {
    url: String,
    headline_html: String,
    snippet_html: String,
    section: String,
    published: Option<TimeView>,
}

async fn run(state: &AppState, params: &Params) -> Result<SearchResults, AppError> {
    if !params.asked() {
        return Ok(SearchResults::default());
    }
    Ok(state.search().search(params.query()).await?)
}

/// `GET /search?q=…&section=…&author=…&tag=…&from=YYYY-MM-DD&to=YYYY-MM-DD&page=N`
pub(crate) async fn show_search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let params = params(raw.as_deref());
    let results = run(&state, &params).await?;
    let pages = results.total.div_ceil(PER_PAGE as usize).max(1);
    let sections = state
        .store()
        .sections()
        .await?
        .iter()
        .map(|s| LinkView { name: s.name.clone(), url: s.slug.as_str().to_owned() })
        .collect();
    let view = SearchPageView {
        site: super::site_view(&state, None).await?,
        canonical: format!("{}/search", state.config().site_url),
        query: params.text.clone(),
        section: params.section.clone(),
        author: params.author.clone(),
        tag: params.tag.clone(),
        from: params.from.clone(),
        to: params.to.clone(),
        asked: params.asked(),
        total: results.total,
        partial: results.partial,
        corrected: !results.corrections.is_empty(),
        hits: results
            .hits
            .into_iter()
            .map(|hit| HitView {
                url: hit.url,
                headline_html: hit.headline_html,
                snippet_html: hit.snippet_html,
                section: hit.section_name,
                published: hit.published_at.map(TimeView::new),
            })
            .collect(),
        sections,
        previous: (params.page > 1).then(|| params.with_page(params.page - 1)),
        next: ((params.page as usize) < pages).then(|| params.with_page(params.page + 1)),
        page: params.page,
        pages,
    };
    let mut response = HtmlPage(state.templates().render("search.html", &view)?).into_response();
    // Result pages are not for search engines' indexes.
    response.headers_mut().insert("x-robots-tag", axum::http::HeaderValue::from_static("noindex"));
    Ok(response)
}

/// `GET /search.json`: the same search as JSON.
pub(crate) async fn search_json(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let params = params(raw.as_deref());
    let results = run(&state, &params).await?;
    let body = serde_json::json!({
        "query": params.text,
        "page": params.page,
        "per_page": PER_PAGE,
        "total": results.total,
        "partial": results.partial,
        "corrections": results.corrections.iter().map(|(typed, used)| serde_json::json!({"typed": typed, "used": used})).collect::<Vec<_>>(),
        "results": results.hits,
    });
    Ok(Json(body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_parameters_are_ignored_not_fatal() {
        let p = params(Some("q=%E2%9C%93+ok&page=abc&from=yesterday&section=%ZZ&x"));
        assert_eq!(p.text, "✓ ok");
        assert_eq!(p.page, 1);
        assert!(p.query().from.is_none());
        assert!(p.query().section.is_none());
        let p = params(Some("q=%"));
        assert_eq!(p.text, "%");
    }

    #[test]
    fn a_page_link_keeps_the_search() {
        let p = params(Some("q=ceasefire+talks&section=world&page=2"));
        assert_eq!(p.with_page(3), "/search?q=ceasefire+talks&section=world&page=3");
    }
}
