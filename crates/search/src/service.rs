//! Keeping a site's index in step with its database.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use masthead_content::{ArticleId, Change, ChangeListener, Status, TopicState};
use masthead_storage::Store;
use tokio::sync::mpsc;

use crate::{IndexedArticle, RelatedStory, SearchIndex, SearchQuery, SearchResult, SearchResults};

/// How many of a changed story's nearest stories are checked for showing it.
const NEIGHBOURS: usize = 10;
/// How many related stories an article page asks for, unless told otherwise.
const DEFAULT_SHOWN: usize = 8;

/// A site's search index, its database, and the background task that
/// applies changes to the index.
pub struct SearchService {
    index: Arc<SearchIndex>,
    store: Arc<dyn Store>,
    changes: mpsc::UnboundedSender<ArticleId>,
    /// Changes reported so far.
    queued: AtomicU64,
    /// Changes applied so far (visible to searches).
    applied: tokio::sync::watch::Sender<u64>,
    /// Told which articles' related stories may have changed (the page cache listens).
    listeners: std::sync::RwLock<Vec<Arc<dyn ChangeListener>>>,
    /// How many related stories an article page asks for (inline links, the block, and the body's own).
    shown: std::sync::atomic::AtomicUsize,
}

impl SearchService {
    /// Opens the index in `dir`. With `sync`, brings it in step with the
    /// database: rebuilt when new or corrupt, and otherwise caught up with
    /// every article whose version differs from the one indexed (changes a
    /// crash kept it from applying) and every article no longer published.
    /// Must run inside a Tokio runtime.
    pub async fn open(dir: &Path, store: Arc<dyn Store>, sync: bool) -> SearchResult<Arc<Self>> {
        let dir = dir.to_owned();
        let started = std::time::Instant::now();
        let (index, fresh) = tokio::task::spawn_blocking(move || SearchIndex::open(&dir))
            .await
            .map_err(|e| crate::SearchError::Index(tantivy::TantivyError::InternalError(e.to_string())))??;
        let index = Arc::new(index);
        let (changes, receiver) = mpsc::unbounded_channel();
        let (applied, _) = tokio::sync::watch::channel(0);
        let service = Arc::new(Self {
            index,
            store,
            changes,
            queued: AtomicU64::new(0),
            applied,
            listeners: std::sync::RwLock::new(Vec::new()),
            shown: std::sync::atomic::AtomicUsize::new(DEFAULT_SHOWN),
        });
        tracing::debug!("search index opened in {:.1?}", started.elapsed());
        if sync {
            if fresh {
                let started = std::time::Instant::now();
                let count = service.rebuild(|_, _| {}).await?;
                tracing::info!(articles = count, "search index rebuilt in {:.1?}", started.elapsed());
            } else {
                service.catch_up().await?;
            }
        }
        tokio::spawn(apply_changes(Arc::downgrade(&service), receiver));
        Ok(service)
    }

    /// Tells `listener` which articles' related stories may have changed
    /// after a story is published or edited; `shown` is how many related
    /// stories an article page asks for.
    pub fn add_listener(&self, listener: Arc<dyn ChangeListener>, shown: usize) {
        self.shown.store(shown, Ordering::SeqCst);
        self.listeners.write().unwrap_or_else(std::sync::PoisonError::into_inner).push(listener);
    }

    /// The index, for searches.
    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// Empties the index and fills it again from the database, reporting
    /// (done, total) as it goes. Returns the number of articles indexed.
    pub async fn rebuild(&self, mut progress: impl FnMut(usize, usize)) -> SearchResult<usize> {
        let ids = self.store.published_article_ids().await?;
        self.index.clear()?;
        let total = ids.len();
        progress(0, total);
        let mut batch = Vec::new();
        for (done, id) in ids.into_iter().enumerate() {
            if let Some(article) = self.indexed(id).await? {
                batch.push(article);
            }
            if batch.len() >= 200 || done + 1 == total {
                let index = self.index.clone();
                let articles = std::mem::take(&mut batch);
                run_blocking(move || articles.iter().try_for_each(|a| index.put(a))).await?;
                progress(done + 1, total);
            }
        }
        let index = self.index.clone();
        run_blocking(move || index.commit()).await?;
        Ok(total)
    }

    /// The articles the index is behind on: published ones it lacks or holds
    /// at another version, and ones it holds that are no longer published.
    pub async fn behind(&self) -> SearchResult<BTreeSet<ArticleId>> {
        let published = self.store.published_versions().await?;
        let index = self.index.clone();
        let mut indexed = run_blocking(move || index.versions()).await?;
        let mut behind = BTreeSet::new();
        for (id, version) in published {
            if indexed.remove(&id.to_string()) != Some(version) {
                behind.insert(id);
            }
        }
        // Whatever is left is indexed but no longer published (or not an article at all).
        for stale in indexed.into_keys() {
            match ArticleId::parse(&stale) {
                Ok(id) => {
                    behind.insert(id);
                }
                Err(_) => self.index.remove(&stale),
            }
        }
        Ok(behind)
    }

    /// Applies whatever the index missed (see [`Self::behind`]); returns how many articles that was.
    pub async fn catch_up(&self) -> SearchResult<usize> {
        let started = std::time::Instant::now();
        let behind = self.behind().await?;
        if !behind.is_empty() {
            self.apply(&behind).await?;
            tracing::info!(articles = behind.len(), "search index caught up in {:.1?}", started.elapsed());
        }
        Ok(behind.len())
    }

    /// An article as the index keeps it, or `None` when readers cannot see it.
    async fn indexed(&self, id: ArticleId) -> SearchResult<Option<IndexedArticle>> {
        let Some(article) = self.store.article(id).await? else { return Ok(None) };
        if article.status != Status::Published {
            return Ok(None);
        }
        let entities = self
            .store
            .article_topics(id)
            .await?
            .into_iter()
            .filter(|t| t.state != TopicState::Removed)
            .map(|t| (t.topic.slug.as_str().to_owned(), t.salience))
            .collect();
        let named = masthead_markup::referenced_articles(&article.body_source);
        let links = self.store.published_links(&named).await?.into_iter().map(|link| link.id.to_string()).collect();
        Ok(Some(IndexedArticle::from_article(&article, entities, links)))
    }

    /// Applies the changes to these articles now.
    pub async fn apply(&self, ids: &BTreeSet<ArticleId>) -> SearchResult<()> {
        let mut puts = Vec::new();
        let mut removals = Vec::new();
        for &id in ids {
            match self.indexed(id).await? {
                Some(article) => puts.push(article),
                None => removals.push(id.to_string()),
            }
        }
        let index = self.index.clone();
        let changed: Vec<String> = puts.iter().map(|a| a.id.clone()).collect();
        let shown = self.shown.load(Ordering::SeqCst);
        // Nobody to tell (a start-up catching up, a rebuild): no neighbours to find.
        let listened = !self.listeners.read().unwrap_or_else(std::sync::PoisonError::into_inner).is_empty();
        let neighbours = run_blocking(move || {
            for id in &removals {
                index.remove(id);
            }
            for article in &puts {
                index.put(article)?;
            }
            index.commit()?;
            // The stories most like a new or edited one are the candidates; of
            // them, those whose own related stories now include it must refresh.
            let mut neighbours = BTreeSet::new();
            for id in changed.iter().filter(|_| listened) {
                for story in index.related(id, NEIGHBOURS)? {
                    let shows_it = index.related(&story.id, shown)?.iter().any(|s| &s.id == id);
                    if let (true, Ok(neighbour)) = (shows_it, ArticleId::parse(&story.id)) {
                        neighbours.insert(neighbour);
                    }
                }
            }
            Ok(neighbours)
        })
        .await?;
        let neighbours: Vec<ArticleId> = neighbours.into_iter().filter(|id| !ids.contains(id)).collect();
        if !neighbours.is_empty() {
            let change = Change::Related { ids: neighbours };
            for listener in self.listeners.read().unwrap_or_else(std::sync::PoisonError::into_inner).iter() {
                listener.changed(&change);
            }
        }
        Ok(())
    }

    /// Runs a reader's search.
    pub async fn search(&self, query: SearchQuery) -> SearchResult<SearchResults> {
        let index = self.index.clone();
        run_blocking(move || index.search(&query)).await
    }

    /// The stories most related to an article, best first.
    pub async fn related(&self, id: ArticleId, limit: usize) -> SearchResult<Vec<RelatedStory>> {
        let index = self.index.clone();
        run_blocking(move || index.related(&id.to_string(), limit)).await
    }

    /// Waits until every change reported so far is searchable.
    pub async fn settled(&self) {
        let target = self.queued.load(Ordering::SeqCst);
        let mut watch = self.applied.subscribe();
        let _ = watch.wait_for(|applied| *applied >= target).await;
    }
}

impl ChangeListener for SearchService {
    fn changed(&self, change: &Change) {
        if let Change::Article { id, .. } = change {
            // The receiver lives as long as the service; a send fails only at shutdown.
            if self.changes.send(*id).is_ok() {
                self.queued.fetch_add(1, Ordering::SeqCst);
            }
        }
    }
}

async fn run_blocking<T: Send + 'static>(work: impl FnOnce() -> SearchResult<T> + Send + 'static) -> SearchResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| crate::SearchError::Index(tantivy::TantivyError::InternalError(e.to_string())))?
}

/// The background task: waits for changes, takes every change queued
/// meanwhile, and applies them as one commit.
async fn apply_changes(service: std::sync::Weak<SearchService>, mut receiver: mpsc::UnboundedReceiver<ArticleId>) {
    while let Some(first) = receiver.recv().await {
        let mut ids = BTreeSet::from([first]);
        let mut received = 1;
        while let Ok(id) = receiver.try_recv() {
            ids.insert(id);
            received += 1;
        }
        let Some(service) = service.upgrade() else { break };
        if let Err(error) = service.apply(&ids).await {
            tracing::error!(%error, "could not update the search index; `masthead reindex` rebuilds it");
        }
        service.applied.send_modify(|n| *n += received);
    }
}
