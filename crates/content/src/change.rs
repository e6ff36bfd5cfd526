//! What changed in the publication, as the parts that show it need to hear:
//! the page cache, search, a CDN. Whoever changes content reports a
//! [`Change`] to a [`ChangeListener`]; each listener decides what that means
//! for it.

use crate::{ArticleId, Slug};

/// Something readers may see differently now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// An article was published, edited, corrected, unpublished or moved.
    /// The slugs are those it has now together with those it had before, so
    /// pages it left are refreshed too.
    Article {
        /// The article.
        id: ArticleId,
        /// Its sections, before and after.
        sections: Vec<Slug>,
        /// Its tags, before and after.
        tags: Vec<Slug>,
        /// Its authors, before and after.
        authors: Vec<Slug>,
        /// Its confirmed topics (whose pages list it), before and after.
        topics: Vec<Slug>,
    },
    /// An article's visible comments changed (approved, removed, opened or closed).
    Comments {
        /// The article.
        id: ArticleId,
        /// Its section.
        section: Slug,
        /// Its tags.
        tags: Vec<Slug>,
        /// Its authors.
        authors: Vec<Slug>,
    },
    /// The related stories these articles' pages show may have changed (a
    /// story like them was published or edited): only their own pages.
    Related {
        /// The articles whose pages show related stories.
        ids: Vec<ArticleId>,
    },
    /// Something every page shows (sections, site settings) changed.
    Everything,
}

/// Hears about changes. Implementations must be quick: they are called on
/// the request that made the change.
pub trait ChangeListener: Send + Sync {
    /// Called after a change is stored.
    fn changed(&self, change: &Change);
}

impl Change {
    /// The change an article's current state (and optionally its state before) describes.
    pub fn article(now: &crate::Article, before: Option<&crate::Article>) -> Self {
        let mut sections = vec![now.section.slug.clone()];
        let mut tags: Vec<Slug> = now.tags.iter().map(|t| t.slug.clone()).collect();
        let mut authors: Vec<Slug> = now.authors.iter().map(|a| a.slug.clone()).collect();
        if let Some(before) = before {
            push_new(&mut sections, std::iter::once(before.section.slug.clone()));
            push_new(&mut tags, before.tags.iter().map(|t| t.slug.clone()));
            push_new(&mut authors, before.authors.iter().map(|a| a.slug.clone()));
        }
        Self::Article { id: now.id, sections, tags, authors, topics: Vec::new() }
    }

    /// The same change, also touching the pages of these topics.
    pub fn with_topics(mut self, more: impl IntoIterator<Item = Slug>) -> Self {
        if let Self::Article { topics, .. } = &mut self {
            push_new(topics, more.into_iter());
        }
        self
    }

    /// The change of an article's visible comments.
    pub fn comments(article: &crate::Article) -> Self {
        Self::Comments {
            id: article.id,
            section: article.section.slug.clone(),
            tags: article.tags.iter().map(|t| t.slug.clone()).collect(),
            authors: article.authors.iter().map(|a| a.slug.clone()).collect(),
        }
    }
}

fn push_new(into: &mut Vec<Slug>, more: impl Iterator<Item = Slug>) {
    for slug in more {
        if !into.contains(&slug) {
            into.push(slug);
        }
    }
}
