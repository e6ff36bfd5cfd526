//! Every node's link to the site's change feed. A change made here is told
//! to this node's own caches at once (the newsroom and the comment desk do
//! that) and recorded in the database's feed; a [`Follower`] reads the feed
//! and tells this node's caches about the changes other nodes made.
//!
//! When a node may have missed changes (the connection that waits for
//! notices was lost, a sequence number was skipped, or the database did not
//! answer for a while) it drops its whole page cache and has the search
//! index compare itself with the database: nothing stale survives.

use std::sync::Arc;
use std::time::Duration;

use masthead_content::{Change, ChangeListener};
use masthead_search::SearchService;
use masthead_storage::{ChangeBatch, Store};
use masthead_web::NodeHealth;
use tokio::sync::mpsc;

/// The longest a follower waits for a change in one read; it also bounds
/// how late a node hears of a change when notices cannot reach it.
const WAIT: Duration = Duration::from_secs(1);
/// Changes read at once.
const BATCH: u32 = 500;
/// How long recorded changes are kept: a node down for longer starts afresh anyway.
const KEEP: time::Duration = time::Duration::days(1);
/// The pause after the database failed to answer, before asking again.
const RETRY: Duration = Duration::from_secs(1);

/// Records this node's changes in the feed, in the order they were made.
pub struct Recorder {
    sender: mpsc::UnboundedSender<Change>,
}

impl ChangeListener for Recorder {
    fn changed(&self, change: &Change) {
        // The receiving task lives as long as the site; a send fails only at shutdown.
        let _ = self.sender.send(change.clone());
    }
}

impl Recorder {
    /// A recorder for node `node`, and the task that writes what it hears.
    pub fn start(store: Arc<dyn Store>, node: String) -> (Arc<Self>, impl Future<Output = ()> + Send) {
        let (sender, mut receiver) = mpsc::unbounded_channel::<Change>();
        let task = async move {
            while let Some(change) = receiver.recv().await {
                // A change that cannot be recorded is retried: other nodes must hear of it.
                let mut attempts = 0;
                while let Err(error) = store.record_change(&node, &change).await {
                    attempts += 1;
                    tracing::warn!(%error, attempts, "cannot record a change in the change feed; retrying: {error}");
                    if attempts == 30 {
                        tracing::error!(%error, "gave up recording a change: other nodes refresh only when they next start afresh");
                        break;
                    }
                    tokio::time::sleep(RETRY).await;
                }
            }
        };
        (Arc::new(Self { sender }), task)
    }
}

/// Reads the feed and tells this node's caches about other nodes' changes.
pub struct Follower {
    store: Arc<dyn Store>,
    node: String,
    cache: Arc<dyn ChangeListener>,
    search: Arc<SearchService>,
    health: Arc<NodeHealth>,
}

impl Follower {
    /// A follower for node `node` that keeps `cache` and `search` fresh and
    /// tells `health` whether it is following.
    pub fn new(
        store: Arc<dyn Store>,
        node: String,
        cache: Arc<dyn ChangeListener>,
        search: Arc<SearchService>,
        health: Arc<NodeHealth>,
    ) -> Self {
        Self { store, node, cache, search, health }
    }

    /// Follows the feed from its current end until `shutdown` completes.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        tokio::pin!(shutdown);
        let mut seen = loop {
            match self.store.last_change().await {
                Ok(last) => break last,
                Err(error) => {
                    self.health.set_following(false);
                    tracing::warn!(%error, "cannot read the change feed: {error}");
                }
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(RETRY) => {}
            }
        };
        self.health.set_following(true);
        let mut missed = false;
        let mut pruned_at = tokio::time::Instant::now();
        loop {
            let batch = tokio::select! {
                () = &mut shutdown => return,
                batch = self.store.changes_after(seen, BATCH, WAIT) => batch,
            };
            match batch {
                Ok(batch) => {
                    self.health.set_following(true);
                    seen = self.apply(seen, batch, std::mem::take(&mut missed)).await;
                }
                Err(error) => {
                    self.health.set_following(false);
                    tracing::warn!(%error, "cannot read the change feed; pages are refreshed when it answers: {error}");
                    missed = true;
                    tokio::select! {
                        () = &mut shutdown => return,
                        () = tokio::time::sleep(RETRY) => {}
                    }
                }
            }
            if pruned_at.elapsed() > Duration::from_secs(3600) {
                pruned_at = tokio::time::Instant::now();
                if let Err(error) = self.store.prune_changes(time::OffsetDateTime::now_utc() - KEEP).await {
                    tracing::warn!(%error, "cannot prune the change feed: {error}");
                }
            }
        }
    }

    /// Tells the caches about one batch; returns the last sequence number seen.
    async fn apply(&self, mut seen: u64, batch: ChangeBatch, missed: bool) -> u64 {
        let skipped = batch.changes.first().is_some_and(|first| first.sequence != seen + 1);
        if missed || batch.reconnected || skipped {
            tracing::info!(
                missed,
                reconnected = batch.reconnected,
                skipped,
                "changes may have been missed: refreshing every page"
            );
            self.cache.changed(&Change::Everything);
            if let Err(error) = self.search.catch_up().await {
                tracing::error!(%error, "the search index could not catch up with the database: {error}");
            }
        }
        for recorded in batch.changes {
            seen = seen.max(recorded.sequence);
            if recorded.origin == self.node {
                continue;
            }
            self.cache.changed(&recorded.change);
            self.search.changed(&recorded.change);
        }
        seen
    }
}
