//! The front page: the lead story, then the latest from each section.

use axum::extract::State;
use masthead_storage::{Listing, PageRequest};
use serde::Serialize;

use crate::page::HtmlPage;
use crate::views::{CardView, LinkView, SiteView, section_link};
use crate::{AppError, AppState};

/// Stories shown per section on the front page.
const STORIES_PER_SECTION: u32 = 4;

#[derive(Serialize)]
struct HomeView {
    site: SiteView,
    canonical: String,
    lead: Option<CardView>,
    sections: Vec<SectionBlock>,
}

#[derive(Serialize)]
struct SectionBlock {
    section: LinkView,
    description: String,
    stories: Vec<CardView>,
}

/// `GET /`
pub(crate) async fn show_home(State(state): State<AppState>) -> Result<HtmlPage, AppError> {
    let store = state.store();
    let sections = store.sections().await?;
    let latest = store.published_articles(&Listing::All, PageRequest::new(1, 1)).await?;
    let lead = latest.items.first();
    let mut blocks = Vec::new();
    for section in &sections {
        // One more than shown, in case the lead story is among them.
        let page = PageRequest::new(1, STORIES_PER_SECTION + 1);
        let found = store.published_articles(&Listing::Section(section.slug.clone()), page).await?;
        let stories: Vec<CardView> = found
            .items
            .iter()
            .filter(|a| Some(a.id) != lead.map(|l| l.id))
            .take(STORIES_PER_SECTION as usize)
            .map(CardView::from)
            .collect();
        if !stories.is_empty() {
            blocks.push(SectionBlock {
                section: section_link(section),
                description: section.description.clone(),
                stories,
            });
        }
    }
    let view = HomeView {
        site: super::site_view(&state, None).await?,
        canonical: format!("{}/", state.config().site_url),
        lead: lead.map(CardView::from),
        sections: blocks,
    };
    Ok(HtmlPage(state.0.templates.render("home.html", &view)?))
}
