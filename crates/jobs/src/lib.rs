//! Masthead's background job engine.
//!
//! Work that must not hold up a reader or an editor, or that must survive a
//! failure elsewhere, goes through here: a [`BackgroundJob`] handler is
//! registered under its [`BackgroundJob::KIND`], [`enqueue`] puts work in
//! the queue (a table in the site's own database, so nothing queued is lost
//! by a restart), and [`Runner::run`] takes due jobs one at a time, retrying
//! failures with exponential backoff ([`retry_delay`]) up to
//! [`MAX_ATTEMPTS`], after which the job is kept as failed with its error.
//!
//! Delivery is at least once: a job whose runner died is run again when its
//! lease ends, so handlers must be idempotent.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;
use masthead_storage::{ClaimedJob, NewJob, StorageError, Store};
use time::{Duration, OffsetDateTime};
use tokio::sync::Notify;

/// Attempts before a job is given up.
pub const MAX_ATTEMPTS: u32 = 8;

/// How long a claimed job is reserved for its runner.
const LEASE: Duration = Duration::minutes(5);

/// How often an idle runner looks for due jobs (it is also woken on enqueue).
const IDLE_POLL: std::time::Duration = std::time::Duration::from_millis(500);

/// Why a job run failed. The message is logged and kept with the job.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct JobError(pub String);

/// A kind of background work. Implementations must be idempotent.
#[async_trait]
pub trait BackgroundJob: Send + Sync + 'static {
    /// The name stored with queued jobs of this kind; never change it once shipped.
    const KIND: &'static str;

    /// Does the work described by `payload`.
    async fn run(&self, payload: &str) -> Result<(), JobError>;
}

/// Object-safe form of [`BackgroundJob`], so handlers of different kinds share one table.
#[async_trait]
trait Handler: Send + Sync {
    async fn run(&self, payload: &str) -> Result<(), JobError>;
}

#[async_trait]
impl<J: BackgroundJob> Handler for J {
    async fn run(&self, payload: &str) -> Result<(), JobError> {
        BackgroundJob::run(self, payload).await
    }
}

/// Queues a job of kind `J` to run as soon as a runner is free.
pub async fn enqueue<J: BackgroundJob>(store: &dyn Store, wake: &Notify, payload: &str) -> Result<(), StorageError> {
    store.enqueue_job(&job::<J>(payload, OffsetDateTime::now_utc())).await?;
    wake.notify_one();
    Ok(())
}

/// Queues a job of kind `J` to run at `run_after` (or at the next start, if
/// the site is down then: the queue is in the database).
pub async fn enqueue_at<J: BackgroundJob>(
    store: &dyn Store,
    wake: &Notify,
    payload: &str,
    run_after: OffsetDateTime,
) -> Result<(), StorageError> {
    store.enqueue_job(&job::<J>(payload, run_after)).await?;
    wake.notify_one();
    Ok(())
}

/// A job of kind `J`, to be queued by the caller, for instance in the same
/// transaction as the change that calls for it.
pub fn job<J: BackgroundJob>(payload: &str, run_after: OffsetDateTime) -> NewJob {
    NewJob { kind: J::KIND.to_owned(), payload: payload.to_owned(), run_after }
}

/// The wait before attempt `attempts + 1`: 1 s, 2 s, 4 s … capped at 10 minutes.
pub fn retry_delay(attempts: u32) -> Duration {
    let seconds = 1_i64 << attempts.saturating_sub(1).min(20);
    Duration::seconds(seconds.min(600))
}

/// Takes due jobs from the queue and runs them with their handlers.
pub struct Runner {
    store: Arc<dyn Store>,
    handlers: HashMap<&'static str, Arc<dyn Handler>>,
    wake: Arc<Notify>,
}

impl Runner {
    /// A runner with no handlers; `wake` is notified whenever work is queued.
    pub fn new(store: Arc<dyn Store>, wake: Arc<Notify>) -> Self {
        Self { store, handlers: HashMap::new(), wake }
    }

    /// Registers the handler for jobs of kind `J`.
    pub fn register<J: BackgroundJob>(mut self, job: J) -> Self {
        self.handlers.insert(J::KIND, Arc::new(job));
        self
    }

    /// Runs due jobs until `shutdown` completes. Shutdown is checked between
    /// jobs, so a job in progress always finishes and records its outcome.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        tokio::pin!(shutdown);
        loop {
            if self.run_one().await {
                let stopping = tokio::select! {
                    biased;
                    () = &mut shutdown => true,
                    () = std::future::ready(()) => false,
                };
                if stopping {
                    return;
                }
                continue;
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(IDLE_POLL) => {}
            }
        }
    }

    /// Runs the next due job, if there is one. Returns whether one ran.
    pub async fn run_one(&self) -> bool {
        let job = match self.store.claim_job(OffsetDateTime::now_utc(), LEASE).await {
            Ok(Some(job)) => job,
            Ok(None) => return false,
            Err(error) => {
                tracing::error!(%error, "cannot read the job queue: {error}");
                return false;
            }
        };
        let outcome = match self.handlers.get(job.kind.as_str()) {
            Some(handler) => handler.run(&job.payload).await,
            None => Err(JobError(format!("no handler for jobs of kind `{}`", job.kind))),
        };
        match self.settle(&job, outcome).await {
            Ok(()) => {}
            // Another runner holds the job now and will settle it.
            Err(error @ StorageError::LeaseLost { .. }) => tracing::warn!(job.id = job.id, %error, "{error}"),
            Err(error) => {
                tracing::error!(job.id = job.id, %error, "cannot record the outcome of job {}: {error}", job.id)
            }
        }
        true
    }

    async fn settle(&self, job: &ClaimedJob, outcome: Result<(), JobError>) -> Result<(), StorageError> {
        match outcome {
            Ok(()) => {
                tracing::debug!(job.id = job.id, job.kind = %job.kind, "job done");
                self.store.finish_job(job).await
            }
            Err(error) if job.attempts >= MAX_ATTEMPTS => {
                tracing::error!(job.id = job.id, job.kind = %job.kind, %error, "job failed {} times, giving up: {error}", job.attempts);
                self.store.give_up_job(job, &error.0).await
            }
            Err(error) => {
                let delay = retry_delay(job.attempts);
                tracing::warn!(job.id = job.id, job.kind = %job.kind, %error, retry_in_s = delay.whole_seconds(), "job failed, will retry: {error}");
                self.store.retry_job(job, OffsetDateTime::now_utc() + delay, &error.0).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use masthead_storage_sqlite::SqliteStore;

    use super::*;

    /// Fails its first `failures` runs, then records the payload.
    struct Flaky {
        failures: Mutex<u32>,
        done: Arc<Mutex<Vec<String>>>,
    }

    #[async_trait]
    impl BackgroundJob for Flaky {
        const KIND: &'static str = "flaky";

        async fn run(&self, payload: &str) -> Result<(), JobError> {
            let mut failures = self.failures.lock().unwrap();
            if *failures > 0 {
                *failures -= 1;
                return Err(JobError("not yet".into()));
            }
            self.done.lock().unwrap().push(payload.to_owned());
            Ok(())
        }
    }

    #[test]
    fn retries_back_off_exponentially_up_to_ten_minutes() {
        let delays: Vec<i64> = (1..=12).map(|a| retry_delay(a).whole_seconds()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600]);
    }

    #[tokio::test]
    async fn a_failing_job_is_retried_later_then_done() {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().await.unwrap());
        let done = Arc::new(Mutex::new(Vec::new()));
        let wake = Arc::new(Notify::new());
        let runner =
            Runner::new(store.clone(), wake.clone()).register(Flaky { failures: Mutex::new(1), done: done.clone() });
        enqueue::<Flaky>(store.as_ref(), &wake, "hello").await.unwrap();
        assert!(runner.run_one().await, "the job ran and failed");
        assert!(!runner.run_one().await, "it waits for its retry time");
        // Make the retry due now instead of waiting a second.
        let job = store.claim_job(OffsetDateTime::now_utc() + Duration::seconds(2), LEASE).await.unwrap().unwrap();
        store.retry_job(&job, OffsetDateTime::now_utc(), "moved").await.unwrap();
        assert!(runner.run_one().await);
        assert_eq!(*done.lock().unwrap(), ["hello"]);
        assert!(!runner.run_one().await, "a finished job is gone");
    }

    #[tokio::test]
    async fn a_job_that_keeps_failing_is_given_up_with_its_error() {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().await.unwrap());
        let wake = Arc::new(Notify::new());
        let runner = Runner::new(store.clone(), wake.clone());
        store
            .enqueue_job(&NewJob {
                kind: "unknown-kind".into(),
                payload: "x".into(),
                run_after: OffsetDateTime::now_utc(),
            })
            .await
            .unwrap();
        for attempt in 1..=MAX_ATTEMPTS {
            let job = store.claim_job(OffsetDateTime::now_utc() + Duration::days(1), LEASE).await.unwrap().unwrap();
            assert_eq!(job.attempts, attempt);
            runner.settle(&job, Err(JobError("no handler".into()))).await.unwrap();
        }
        let failed = store.failed_jobs().await.unwrap();
        assert_eq!(failed, [("unknown-kind".to_owned(), "x".to_owned(), "no handler".to_owned())]);
    }
}
