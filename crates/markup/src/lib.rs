//! Masthead's article body format: CommonMark Markdown plus news blocks,
//! rendered to sanitised HTML.
//!
//! A body is stored as its Markdown source. [`render`] turns it into HTML
//! for readers and lists the [`Problem`]s a writer should fix; [`check`]
//! gives only the problems. News blocks are fenced blocks whose info string
//! names the block and whose lines are `key: value` pairs:
//!
//! ````markdown
//! ```figure
//! src: /media/davos.jpg
//! alt: Snow on the roofs of Davos
//! caption: Davos in January.
//! credit: Photo: Jane Doe
//! ```
//!
//! ```read-also
//! putin-alleges-us-election-rigging
//! ```
//!
//! ```pull-quote
//! quote: I don’t see it.
//! by: Antony Blinken
//! ```
//! ````
//!
//! A "read also" block names another article by slug; a [`LinkResolver`]
//! supplies that article's current headline and URL, so the link always
//! reads right. A target that does not resolve is left out of the HTML and
//! reported as a problem: readers never get a broken link.
//!
//! Raw HTML in the source is escaped (shown as text) unless its tag is on a
//! short allow-list of inline tags, and the final HTML passes through an
//! [`ammonia`] allow-list, so no script, event handler or `javascript:` URL
//! from a body can reach a page as markup.

mod blocks;
mod comment;
mod escape;
mod render;
mod sanitise;

pub use comment::{comment_html, count_links};
pub use escape::push_escaped_html;
pub use render::{Rendered, check, plain_blocks, referenced_articles, render, with_read_also};

/// The current headline and URL of an article named by a "read also" block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleLink {
    /// The headline to show.
    pub headline: String,
    /// The path or URL to link to.
    pub url: String,
}

/// Finds the article a "read also" block names. Implemented for closures.
pub trait LinkResolver {
    /// The link to the published article with this slug, if there is one.
    fn resolve(&self, slug: &masthead_content::Slug) -> Option<ArticleLink>;
}

impl<F> LinkResolver for F
where
    F: Fn(&masthead_content::Slug) -> Option<ArticleLink>,
{
    fn resolve(&self, slug: &masthead_content::Slug) -> Option<ArticleLink> {
        self(slug)
    }
}

/// Something in a body a writer should fix. Readers never see these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// A "read also" block names an article that does not exist or is not published.
    #[error("line {line}: \"read also\" links to `{slug}`, which is not a published article")]
    MissingReadAlsoTarget {
        /// 1-based line of the block in the source.
        line: usize,
        /// The slug named.
        slug: String,
    },
    /// A "read also" block whose content is not a slug.
    #[error("line {line}: \"read also\" needs one article slug, found `{value}`")]
    InvalidReadAlsoSlug {
        /// 1-based line of the block in the source.
        line: usize,
        /// What was found instead.
        value: String,
    },
    /// A news block lacks a field it needs.
    #[error("line {line}: the {block} block needs a `{field}:` line")]
    MissingField {
        /// 1-based line of the block in the source.
        line: usize,
        /// Block name.
        block: &'static str,
        /// Field name.
        field: &'static str,
    },
    /// A figure whose image address is neither a site path nor an http(s) URL.
    #[error(
        "line {line}: the figure's `src` must be a site path such as /media/photo.jpg or an https:// URL, found `{value}`"
    )]
    InvalidImageSource {
        /// 1-based line of the block in the source.
        line: usize,
        /// What was found.
        value: String,
    },
    /// A line in a news block that is not `key: value` with a known key.
    #[error("line {line}: the {block} block does not understand `{text}`")]
    UnknownField {
        /// 1-based line in the source.
        line: usize,
        /// Block name.
        block: &'static str,
        /// The line.
        text: String,
    },
}
