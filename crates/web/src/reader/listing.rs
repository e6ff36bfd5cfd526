//! Section, tag and author pages: a paginated list of published articles.

use axum::extract::{Path, RawQuery, State};
use masthead_content::Slug;
use masthead_storage::{Listing, PageRequest};
use serde::Serialize;

use crate::page::HtmlPage;
use crate::views::{CardView, FeedLinkView, PaginationView, SiteView};
use crate::{AppError, AppState};

#[derive(Serialize)]
struct ListingView {
    site: SiteView,
    canonical: String,
    kind: &'static str,
    title: String,
    description: String,
    articles: Vec<CardView>,
    pagination: PaginationView,
    feeds: Vec<FeedLinkView>,
    json_ld: String,
    /// On a person's or organisation's topic page: what they said.
    quotes: Vec<TopicQuoteView>,
}

#[derive(Serialize)]
struct TopicQuoteView {
    text: String,
    headline: String,
    url: String,
}

/// What a listing page is about.
struct Subject {
    listing: Listing,
    kind: &'static str,
    title: String,
    description: String,
    path: String,
    section: Option<Slug>,
    quotes: Vec<TopicQuoteView>,
}

/// `GET /{section}`
pub(crate) async fn show_section(
    State(state): State<AppState>,
    Path(section): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<HtmlPage, AppError> {
    let slug = Slug::parse(&section).map_err(|_| AppError::NotFound)?;
    let section = state.store().section(&slug).await?.ok_or(AppError::NotFound)?;
    let subject = Subject {
        listing: Listing::Section(slug.clone()),
        kind: "Section",
        title: section.name,
        description: section.description,
        path: format!("/{slug}"),
        section: Some(slug),
        quotes: Vec::new(),
    };
    render(&state, subject, query.as_deref()).await
}

/// `GET /tag/{slug}`
pub(crate) async fn show_tag(
    State(state): State<AppState>,
    Path(tag): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<HtmlPage, AppError> {
    let slug = Slug::parse(&tag).map_err(|_| AppError::NotFound)?;
    let tag = state.store().tag(&slug).await?.ok_or(AppError::NotFound)?;
    let subject = Subject {
        listing: Listing::Tag(slug.clone()),
        kind: "Topic",
        description: format!("The latest articles about {}.", tag.name),
        title: tag.name,
        path: format!("/tag/{slug}"),
        section: None,
        quotes: Vec::new(),
    };
    render(&state, subject, query.as_deref()).await
}

/// `GET /author/{slug}`
pub(crate) async fn show_author(
    State(state): State<AppState>,
    Path(author): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<HtmlPage, AppError> {
    let slug = Slug::parse(&author).map_err(|_| AppError::NotFound)?;
    let author = state.store().author(&slug).await?.ok_or(AppError::NotFound)?;
    let subject = Subject {
        listing: Listing::Author(slug.clone()),
        kind: "Author",
        title: author.name,
        description: author.bio,
        path: format!("/author/{slug}"),
        section: None,
        quotes: Vec::new(),
    };
    render(&state, subject, query.as_deref()).await
}

/// `GET /topic/{slug}`: a person, organisation or place, its articles
/// and, for people and organisations, what they said.
pub(crate) async fn show_topic(
    State(state): State<AppState>,
    Path(topic): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<HtmlPage, AppError> {
    let slug = Slug::parse(&topic).map_err(|_| AppError::NotFound)?;
    let topic = state.store().topic(&slug).await?.ok_or(AppError::NotFound)?;
    let quotes = if topic.kind == masthead_content::TopicKind::Place {
        Vec::new()
    } else {
        state
            .store()
            .topic_quotes(&slug, 10)
            .await?
            .into_iter()
            .map(|q| TopicQuoteView { text: q.quote.text, headline: q.headline, url: q.url })
            .collect()
    };
    let subject = Subject {
        listing: Listing::Topic(slug.clone()),
        kind: topic.kind.label(),
        description: format!("The latest articles about {}.", topic.name),
        title: topic.name,
        path: format!("/topic/{slug}"),
        section: None,
        quotes,
    };
    render(&state, subject, query.as_deref()).await
}

async fn render(state: &AppState, subject: Subject, query: Option<&str>) -> Result<HtmlPage, AppError> {
    let number = super::page_number(query)?;
    let page = PageRequest::new(number, state.config().page_size);
    let found = state.store().published_articles(&subject.listing, page).await?;
    if found.is_past_the_end() {
        return Err(AppError::NotFound);
    }
    let canonical_path = if number == 1 { subject.path.clone() } else { format!("{}?page={number}", subject.path) };
    let canonical = format!("{}{canonical_path}", state.config().site_url);
    let crumbs = vec![
        (state.config().site_name.clone(), crate::distribution::absolute(state, "/")),
        (subject.title.clone(), crate::distribution::absolute(state, &subject.path)),
    ];
    let json_ld = masthead_feeds::metadata::collection_page(
        &subject.title,
        &subject.description,
        &canonical,
        &super::publisher(state),
        &crumbs,
    );
    let view = ListingView {
        site: super::site_view(state, subject.section.as_ref()).await?,
        feeds: super::feed_links(state, &subject.path, &format!("{} | {}", subject.title, state.config().site_name)),
        json_ld,
        canonical,
        kind: subject.kind,
        title: subject.title,
        description: subject.description,
        articles: found.items.iter().map(CardView::from).collect(),
        pagination: PaginationView::new(&subject.path, number, found.page_count()),
        quotes: subject.quotes,
    };
    Ok(HtmlPage(state.0.templates.render("listing.html", &view)?))
}
