use crate::Slug;

/// A part of the publication with its own front page: World, Politics, Business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// URL name; the section page is `/{slug}`.
    pub slug: Slug,
    /// Display name.
    pub name: String,
    /// One sentence shown on the section page.
    pub description: String,
}

impl Section {
    /// Names that cannot be sections because the site's own paths use them.
    pub const RESERVED_SLUGS: &'static [&'static str] = &[
        "admin", "api", "assets", "author", "feed", "feeds", "healthz", "media", "readyz", "search", "sitemap",
        "sitemaps", "tag", "topic",
    ];

    /// Whether `slug` is free to name a section.
    pub fn slug_is_available(slug: &Slug) -> bool {
        !Self::RESERVED_SLUGS.contains(&slug.as_str())
    }
}

/// A subject label that groups articles across sections: "Ukraine", "Elections".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// URL name; the tag page is `/tag/{slug}`.
    pub slug: Slug,
    /// Display name.
    pub name: String,
}

/// A person who writes for the publication and appears in bylines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    /// URL name; the author page is `/author/{slug}`.
    pub slug: Slug,
    /// Display name.
    pub name: String,
    /// A sentence or two about the author.
    pub bio: String,
}
