//! Masthead's search index, on [tantivy].
//!
//! - [`SearchIndex`]: the index itself. Readers' searches ([`SearchIndex::search`])
//!   blend BM25 relevance with freshness, take filters (section, author, tag,
//!   dates), phrases in quotation marks, and words with a typo, and come back
//!   with highlighted snippets. [`SearchIndex::related`] ranks the stories
//!   related to one article: text similarity from the index, blended with
//!   shared entities, section and recency by
//!   [`masthead_intelligence::relatedness`].
//! - [`SearchService`]: keeps a site's index in step with its database. It
//!   listens for changes and applies them in the background (a publish shows
//!   in results within milliseconds), and rebuilds the index from the
//!   database when it is missing, corrupt or out of step.
//!
//! The index is a cache of the database: deleting it loses nothing.

mod document;
mod index;
mod query;
mod service;

pub use document::IndexedArticle;
pub use index::{RelatedStory, SearchIndex};
pub use query::{SearchHit, SearchQuery, SearchResults};
pub use service::SearchService;

/// What can go wrong with the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Tantivy refused (a corrupt or unreadable index, a full disk).
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index directory could not be opened or created.
    #[error("search index directory {path}: {source}")]
    Directory {
        /// The directory.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Reading articles to index failed.
    #[error(transparent)]
    Storage(#[from] masthead_storage::StorageError),
}

/// Results of index operations.
pub type SearchResult<T> = Result<T, SearchError>;
