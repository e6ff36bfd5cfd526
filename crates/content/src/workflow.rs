//! The editorial workflow: which step leads from which status to which.
//!
//! ```text
//! draft ──submit──▶ in review ──publish──▶ published ──unpublish──▶ unpublished
//!   ▲                  │    └──schedule──▶ scheduled ──(its time)──▶ published
//!   └──return to draft─┴────────────────────┴──────────────────────────────┘
//! ```
//! Who may take a step is the permission policy's business ([`crate::Role::may`]).

use crate::{Status, ValidationError};

/// A step through the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transition {
    /// Hand a draft to the editors.
    Submit,
    /// Take an article back to draft (withdraw, send back, unschedule).
    ReturnToDraft,
    /// Make it visible to readers now.
    Publish,
    /// Make it visible at a set time.
    Schedule,
    /// Take it down.
    Unpublish,
}

impl Transition {
    /// Every step.
    pub const ALL: [Transition; 5] =
        [Self::Submit, Self::ReturnToDraft, Self::Publish, Self::Schedule, Self::Unpublish];

    /// The name used in forms and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::ReturnToDraft => "return_to_draft",
            Self::Publish => "publish",
            Self::Schedule => "schedule",
            Self::Unpublish => "unpublish",
        }
    }

    /// What a button for this step says.
    pub fn label(self) -> &'static str {
        match self {
            Self::Submit => "Submit for review",
            Self::ReturnToDraft => "Return to draft",
            Self::Publish => "Publish now",
            Self::Schedule => "Schedule",
            Self::Unpublish => "Unpublish",
        }
    }

    /// Reads a step name.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|step| step.as_str() == value.trim())
            .ok_or_else(|| ValidationError::UnknownTransition(value.chars().take(40).collect()))
    }

    /// The statuses this step starts from.
    pub fn starts_from(self) -> &'static [Status] {
        match self {
            Self::Submit => &[Status::Draft],
            Self::ReturnToDraft => &[Status::InReview, Status::Scheduled, Status::Unpublished],
            Self::Publish | Self::Schedule => &[Status::Draft, Status::InReview, Status::Unpublished],
            Self::Unpublish => &[Status::Published, Status::Scheduled],
        }
    }

    /// Where this step leads.
    pub fn target(self) -> Status {
        match self {
            Self::Submit => Status::InReview,
            Self::ReturnToDraft => Status::Draft,
            Self::Publish => Status::Published,
            Self::Schedule => Status::Scheduled,
            Self::Unpublish => Status::Unpublished,
        }
    }

    /// The status after taking this step from `from`, or why it cannot be taken.
    pub fn apply(self, from: Status) -> Result<Status, ValidationError> {
        if self.starts_from().contains(&from) {
            Ok(self.target())
        } else {
            Err(ValidationError::TransitionNotAllowed { from: from.label(), step: self.past_tense() })
        }
    }

    /// The steps that can be taken from `status`.
    pub fn available_from(status: Status) -> Vec<Transition> {
        Self::ALL.into_iter().filter(|step| step.starts_from().contains(&status)).collect()
    }

    fn past_tense(self) -> &'static str {
        match self {
            Self::Submit => "submitted for review",
            Self::ReturnToDraft => "returned to draft",
            Self::Publish => "published",
            Self::Schedule => "scheduled",
            Self::Unpublish => "unpublished",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUSES: [Status; 5] =
        [Status::Draft, Status::InReview, Status::Scheduled, Status::Published, Status::Unpublished];

    #[test]
    fn every_step_from_every_status_is_either_defined_or_refused_with_a_sentence() {
        let mut allowed = 0;
        for step in Transition::ALL {
            assert_eq!(Transition::parse(step.as_str()).unwrap(), step);
            for from in STATUSES {
                match step.apply(from) {
                    Ok(to) => {
                        allowed += 1;
                        assert_eq!(to, step.target());
                    }
                    Err(e) => assert!(e.to_string().starts_with("an article that is "), "{e}"),
                }
            }
        }
        assert_eq!(allowed, 1 + 3 + 3 + 3 + 2);
    }

    #[test]
    fn a_published_article_can_only_be_unpublished() {
        assert_eq!(Transition::available_from(Status::Published), vec![Transition::Unpublish]);
        assert_eq!(
            Transition::Publish.apply(Status::Published).unwrap_err().to_string(),
            "an article that is published cannot be published"
        );
    }
}
