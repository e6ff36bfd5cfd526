//! The background jobs the newsroom queues.

use async_trait::async_trait;
use masthead_content::{ArticleId, MediaId};
use masthead_jobs::{BackgroundJob, JobError};
use time::OffsetDateTime;

use crate::Newsroom;

/// What a [`PublishScheduled`] job carries: the article and the time it was scheduled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduledPublication {
    /// The article.
    pub article: ArticleId,
    /// Its scheduled publication time.
    pub at: OffsetDateTime,
}

impl ScheduledPublication {
    /// The job payload.
    pub fn to_payload(self) -> String {
        serde_json::json!({ "article": self.article.to_string(), "at": self.at.unix_timestamp() }).to_string()
    }

    fn from_payload(payload: &str) -> Result<Self, JobError> {
        let bad = || JobError(format!("not a scheduled publication: {payload}"));
        let value: serde_json::Value = serde_json::from_str(payload).map_err(|_| bad())?;
        let article = value.get("article").and_then(|v| v.as_str()).ok_or_else(bad)?;
        let at = value.get("at").and_then(|v| v.as_i64()).ok_or_else(bad)?;
        Ok(Self {
            article: ArticleId::parse(article).map_err(|_| bad())?,
            at: OffsetDateTime::from_unix_timestamp(at).map_err(|_| bad())?,
        })
    }
}

/// Publishes a scheduled article when its time comes. Queued with the
/// scheduled time as its run time, in the database: if the site is down at
/// that moment, the job runs at the next start and the article keeps its
/// scheduled time as its publication time.
pub struct PublishScheduled(pub Newsroom);

#[async_trait]
impl BackgroundJob for PublishScheduled {
    const KIND: &'static str = "publish_scheduled";

    async fn run(&self, payload: &str) -> Result<(), JobError> {
        let due = ScheduledPublication::from_payload(payload)?;
        self.0.publish_when_due(&due).await.map(|_| ()).map_err(|e| JobError(e.to_string()))
    }
}

/// Makes the resized copies of an uploaded image and records them.
pub struct MakeImageVariants(pub Newsroom);

#[async_trait]
impl BackgroundJob for MakeImageVariants {
    const KIND: &'static str = "make_image_variants";

    async fn run(&self, payload: &str) -> Result<(), JobError> {
        let id = MediaId::parse(payload).map_err(|e| JobError(e.to_string()))?;
        self.0.make_variants(id).await.map_err(|e| JobError(e.to_string()))
    }
}
