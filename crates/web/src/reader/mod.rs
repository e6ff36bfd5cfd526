//! The public site: home, article, section, tag and author pages, and the
//! error pages readers see.

pub(crate) mod article;
pub(crate) mod home;
pub(crate) mod listing;
pub(crate) mod search;

use masthead_content::Slug;
use serde::Serialize;

use crate::distribution::Format;
use crate::error::ErrorPage;
use crate::views::{FeedLinkView, NavItem, SiteView};
use crate::{AppError, AppState};

/// Any address no route matches.
pub(crate) async fn not_found() -> AppError {
    AppError::NotFound
}

/// The site's frame for a page; `current` is the section to highlight.
pub(crate) async fn site_view(state: &AppState, current: Option<&Slug>) -> Result<SiteView, AppError> {
    let sections = state.store().sections().await?;
    Ok(site_view_with(state, &sections, current))
}

fn site_view_with(state: &AppState, sections: &[masthead_content::Section], current: Option<&Slug>) -> SiteView {
    let config = state.config();
    SiteView {
        name: config.site_name.clone(),
        url: config.site_url.clone(),
        feeds: feed_links(state, "", &config.site_name),
        language: config.language.clone(),
        stylesheet: state.0.assets.url("site.css"),
        comments_script: state.0.assets.url("comments.js"),
        icon: state.0.assets.url("icon.svg"),
        sections: sections
            .iter()
            .map(|s| NavItem { name: s.name.clone(), url: format!("/{}", s.slug), current: Some(&s.slug) == current })
            .collect(),
        year: time::OffsetDateTime::now_utc().year(),
    }
}

/// The three feeds of a page at `path` (`""` for the site, `/world` for a section).
pub(crate) fn feed_links(state: &AppState, path: &str, title: &str) -> Vec<FeedLinkView> {
    Format::ALL
        .iter()
        .map(|format| FeedLinkView {
            title: format!("{title} ({})", format.label()),
            url: crate::distribution::absolute(state, &format!("{path}/{}", format.file_name())),
            kind: format.link_type(),
        })
        .collect()
}

/// The organisation named as publisher in structured data.
pub(crate) fn publisher(state: &AppState) -> masthead_feeds::metadata::Publisher {
    masthead_feeds::metadata::Publisher {
        name: state.config().site_name.clone(),
        url: crate::distribution::absolute(state, "/"),
        logo_url: crate::distribution::absolute(state, &state.0.assets.url("logo.svg")),
        logo_width: 600,
        logo_height: 60,
    }
}

/// Reads `?page=N`. Absent means 1; anything but a positive whole number is a bad request.
pub(crate) fn page_number(query: Option<&str>) -> Result<u32, AppError> {
    let Some(query) = query else { return Ok(1) };
    let value = query.split('&').find_map(|pair| pair.strip_prefix("page="));
    match value {
        None => Ok(1),
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| AppError::BadRequest("The page number must be a whole number from 1 up.".into())),
    }
}

#[derive(Serialize)]
struct ErrorView<'a> {
    site: SiteView,
    status: u16,
    title: &'a str,
    message: &'a str,
}

/// The HTML of an error page. Falls back to a bare page if even that fails
/// (the database may be what is down), so a reader always gets an answer.
pub(crate) async fn error_page_html(state: &AppState, page: &ErrorPage) -> String {
    let (title, default_message) = match page.status.as_u16() {
        404 => ("Page not found", "There is no page at this address. It may have been moved or taken down."),
        400 => ("Bad request", "The address is not one this site understands."),
        503 => ("Not available", "This part of the site is not open yet."),
        _ => ("Something went wrong", "The page could not be shown. Please try again in a moment."),
    };
    let message = if page.message.is_empty() { default_message } else { page.message.as_str() };
    // Navigation is a nicety here: a failing database must not turn a 500 page into nothing.
    let sections = state.store().sections().await.unwrap_or_default();
    let view = ErrorView { site: site_view_with(state, &sections, None), status: page.status.as_u16(), title, message };
    state.0.templates.render("error.html", &view).unwrap_or_else(|error| {
        tracing::error!(%error, "the error page template failed");
        format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
             <body><h1>{title}</h1></body></html>"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_read_from_the_query() {
        assert_eq!(page_number(None).unwrap(), 1);
        assert_eq!(page_number(Some("page=3")).unwrap(), 3);
        assert_eq!(page_number(Some("utm=x&page=2")).unwrap(), 2);
        assert_eq!(page_number(Some("other=1")).unwrap(), 1);
        for bad in ["page=0", "page=-1", "page=abc", "page=", "page=99999999999"] {
            assert!(page_number(Some(bad)).is_err(), "{bad}");
        }
    }
}
