//! WebSub publishing (W3C WebSub, section 7): when articles are published,
//! the hub named in the settings is told which feeds changed, so subscribers
//! hear at once instead of polling.
//!
//! [`PingHub`] is a [`BackgroundJob`]: one job per changed feed URL, retried
//! with backoff by the job engine when the hub is down or refuses. Pinging
//! twice is harmless, so the job is idempotent as the engine requires.

use std::time::Duration;

use async_trait::async_trait;
use masthead_jobs::{BackgroundJob, JobError};

/// Tells the hub that the feed at the job's payload URL has new content.
pub struct PingHub {
    hub: String,
    client: reqwest::Client,
}

impl PingHub {
    /// A pinger for the hub at `hub` (an http or https URL).
    pub fn new(hub: String) -> Result<Self, JobError> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .user_agent(concat!("Masthead/", env!("CARGO_PKG_VERSION"), " (WebSub publisher)"))
            .build()
            .map_err(|e| JobError(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self { hub, client })
    }
}

#[async_trait]
impl BackgroundJob for PingHub {
    const KIND: &'static str = "websub_ping";

    async fn run(&self, topic: &str) -> Result<(), JobError> {
        let response = self
            .client
            .post(&self.hub)
            .form(&[("hub.mode", "publish"), ("hub.url", topic)])
            .send()
            .await
            .map_err(|e| JobError(format!("cannot reach the WebSub hub {}: {e}", self.hub)))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(JobError(format!("the WebSub hub {} answered {status} for {topic}", self.hub)))
        }
    }
}
