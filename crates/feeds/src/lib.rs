//! Masthead's distribution formats, as pure functions from plain data to
//! text: what feed readers, aggregators and search engines read.
//!
//! - [`feed`]: RSS 2.0, Atom 1.0 and JSON Feed 1.1 from a [`feed::Channel`]
//!   and its [`feed::Entry`]s. Entry ids are the article's permanent id
//!   (`urn:uuid:…`), so they survive edits and slug changes.
//! - [`sitemap`]: sitemap index, URL sets, the Google News sitemap and
//!   `robots.txt`.
//! - [`metadata`]: schema.org JSON-LD (`NewsArticle`, `BreadcrumbList`,
//!   `CollectionPage`), safe to place inside a `<script>` element.
//!
//! The web layer gathers the data and serves the text; nothing here does I/O.

pub mod feed;
pub mod metadata;
pub mod sitemap;
mod xml;

/// A person credited on an item, with the page about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Display name.
    pub name: String,
    /// Absolute URL of their page.
    pub url: String,
}

/// A picture with what a consumer must show with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Absolute URL.
    pub url: String,
    /// MIME type.
    pub content_type: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// What it shows.
    pub caption: String,
    /// Who holds the rights.
    pub credit: String,
    /// Text for readers who cannot see it.
    pub alt: String,
}
