//! What the index keeps of an article.

use masthead_content::{Article, Slug};
use masthead_intelligence::{Analysis, BlockKind, Document};
use time::OffsetDateTime;

/// An article as the index sees it: words to search, fields to filter by,
/// and the entities that relate it to other stories.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexedArticle {
    /// The article's id (or, outside a site, a file's name).
    pub id: String,
    /// Where readers find it.
    pub url: String,
    /// Headline.
    pub headline: String,
    /// The summary under the headline.
    pub standfirst: String,
    /// The body as plain text.
    pub body: String,
    /// Section slug.
    pub section: String,
    /// Section name, for showing.
    pub section_name: String,
    /// Author slugs.
    pub authors: Vec<String>,
    /// Tag slugs.
    pub tags: Vec<String>,
    /// Publication time.
    pub published_at: Option<OffsetDateTime>,
    /// Entity identities (topic slugs) with their salience.
    pub entities: Vec<(String, f64)>,
    /// The ids of the articles its text links to ("READ ALSO").
    pub links: Vec<String>,
    /// The article's version when it was read (see `Article::version`); 0 outside a site.
    pub version: u64,
}

/// The identity under which an entity joins other articles: the slug of its
/// canonical name ("united-states" for both "US" and "United States").
pub fn entity_identity(name: &str) -> String {
    Slug::from_title(name).map(|s| s.as_str().to_owned()).unwrap_or_else(|| name.to_lowercase())
}

impl IndexedArticle {
    /// A site's article, with its entities (topic slug and salience) and the
    /// ids of the articles its body links to.
    pub fn from_article(article: &Article, entities: Vec<(String, f64)>, links: Vec<String>) -> Self {
        let body = masthead_markup::plain_blocks(&article.body_source)
            .into_iter()
            .map(|(_, text)| text)
            .collect::<Vec<_>>()
            .join("\n");
        Self {
            id: article.id.to_string(),
            url: format!("/{}/{}", article.section.slug, article.slug),
            headline: article.headline.as_str().to_owned(),
            standfirst: article.standfirst.clone(),
            body,
            section: article.section.slug.as_str().to_owned(),
            section_name: article.section.name.clone(),
            authors: article.authors.iter().map(|a| a.slug.as_str().to_owned()).collect(),
            tags: article.tags.iter().map(|t| t.slug.as_str().to_owned()).collect(),
            published_at: article.published_at,
            entities,
            links,
            version: article.version,
        }
    }

    /// A plain-text article (as `masthead analyze` reads) with its analysis
    /// and the ids of the articles it links to.
    pub fn from_document(id: &str, document: &Document, analysis: &Analysis, links: Vec<String>) -> Self {
        let body = document
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Paragraph || b.text.len() > 3)
            .map(|b| b.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        Self {
            id: id.to_owned(),
            url: String::new(),
            headline: document.headline.clone(),
            body,
            entities: analysis.entities.iter().map(|e| (entity_identity(e.identity()), e.salience)).collect(),
            links,
            ..Self::default()
        }
    }
}
