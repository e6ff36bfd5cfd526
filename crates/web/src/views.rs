//! View models: the small, flat structs templates receive. The content
//! model never derives `Serialize` for a page's sake; these do.

use masthead_content::{ArticleSummary, Author, Media, Section, Slug, Tag};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// What every page shows of the site: name, navigation, assets.
#[derive(Serialize)]
pub(crate) struct SiteView {
    pub name: String,
    /// Public base URL, no trailing slash.
    pub url: String,
    /// The whole site's feeds, advertised on every page.
    pub feeds: Vec<FeedLinkView>,
    pub language: String,
    pub stylesheet: String,
    /// The comment form's script (posting without a page reload).
    pub comments_script: String,
    pub icon: String,
    pub sections: Vec<NavItem>,
    pub year: i32,
}

/// A `<link rel="alternate">` to a feed.
#[derive(Serialize)]
pub(crate) struct FeedLinkView {
    pub title: String,
    pub url: String,
    pub kind: &'static str,
}

#[derive(Serialize)]
pub(crate) struct NavItem {
    pub name: String,
    pub url: String,
    pub current: bool,
}

/// A link with a label.
#[derive(Serialize)]
pub(crate) struct LinkView {
    pub name: String,
    pub url: String,
}

/// A moment, machine-readable for `<time datetime>` and readable for people.
#[derive(Serialize)]
pub(crate) struct TimeView {
    pub iso: String,
    pub human: String,
}

impl TimeView {
    pub(crate) fn new(at: OffsetDateTime) -> Self {
        let at = at.to_offset(time::UtcOffset::UTC);
        let human = at
            .format(format_description!("[day padding:none] [month repr:long] [year], [hour]:[minute] UTC"))
            .unwrap_or_default();
        Self { iso: at.format(&Rfc3339).unwrap_or_default(), human }
    }
}

#[derive(Serialize)]
pub(crate) struct ImageView {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    /// Resized copies in the original format, with the original last; empty when there are none yet.
    pub srcset: String,
    /// WebP copies, for a `<source type="image/webp">`; empty when there are none.
    pub webp_srcset: String,
}

impl From<&Media> for ImageView {
    fn from(media: &Media) -> Self {
        let list = |variants: Vec<&masthead_content::MediaVariant>, original: Option<(&str, u32)>| -> String {
            let mut entries: Vec<String> =
                variants.iter().map(|v| format!("/media/{} {}w", v.file_name, v.width)).collect();
            if let Some((url, width)) = original
                && !variants.iter().any(|v| v.width == width)
            {
                entries.push(format!("{url} {width}w"));
            }
            entries.join(", ")
        };
        let same_format = media.variants_of(&media.content_type);
        let url = media.url_path();
        Self {
            srcset: if same_format.is_empty() { String::new() } else { list(same_format, Some((&url, media.width))) },
            webp_srcset: if media.content_type == "image/webp" {
                String::new()
            } else {
                list(media.variants_of("image/webp"), None)
            },
            url,
            width: media.width,
            height: media.height,
            alt: media.alt_text.clone(),
            caption: media.caption.clone(),
            credit: media.credit.clone(),
        }
    }
}

/// An article in a listing.
#[derive(Serialize)]
pub(crate) struct CardView {
    pub url: String,
    pub headline: String,
    pub standfirst: String,
    pub section: LinkView,
    pub authors: Vec<LinkView>,
    pub published: Option<TimeView>,
    pub image: Option<ImageView>,
    pub comment_count: u32,
}

impl From<&ArticleSummary> for CardView {
    fn from(article: &ArticleSummary) -> Self {
        Self {
            url: article_url(&article.section.slug, &article.slug),
            headline: article.headline.to_string(),
            standfirst: article.standfirst.clone(),
            section: section_link(&article.section),
            authors: article.authors.iter().map(author_link).collect(),
            published: article.published_at.map(TimeView::new),
            image: article.lead_image.as_ref().map(ImageView::from),
            comment_count: article.comment_count,
        }
    }
}

/// Links to the pages before and after this one.
#[derive(Serialize)]
pub(crate) struct PaginationView {
    pub current: u32,
    pub total: u32,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl PaginationView {
    pub(crate) fn new(base: &str, current: u32, total: u32) -> Self {
        let url = |n: u32| if n == 1 { base.to_owned() } else { format!("{base}?page={n}") };
        Self {
            current,
            total,
            previous: (current > 1).then(|| url(current - 1)),
            next: (current < total).then(|| url(current + 1)),
        }
    }
}

pub(crate) fn article_url(section: &Slug, slug: &Slug) -> String {
    format!("/{section}/{slug}")
}

pub(crate) fn section_link(section: &Section) -> LinkView {
    LinkView { name: section.name.clone(), url: format!("/{}", section.slug) }
}

pub(crate) fn author_link(author: &Author) -> LinkView {
    LinkView { name: author.name.clone(), url: format!("/author/{}", author.slug) }
}

pub(crate) fn tag_link(tag: &Tag) -> LinkView {
    LinkView { name: tag.name.clone(), url: format!("/tag/{}", tag.slug) }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn times_read_well_and_carry_a_machine_readable_form() {
        let view = TimeView::new(datetime!(2024-01-17 11:05:00 +01:00));
        assert_eq!(view.iso, "2024-01-17T10:05:00Z");
        assert_eq!(view.human, "17 January 2024, 10:05 UTC");
    }

    #[test]
    fn pagination_links_omit_page_one_and_the_ends() {
        let first = PaginationView::new("/world", 1, 3);
        assert_eq!((first.previous, first.next.as_deref()), (None, Some("/world?page=2")));
        let middle = PaginationView::new("/world", 2, 3);
        assert_eq!(middle.previous.as_deref(), Some("/world"));
        let last = PaginationView::new("/world", 3, 3);
        assert_eq!(last.next, None);
    }
}
