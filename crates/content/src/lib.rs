//! The content model of Masthead: what a news publication is made of.
//!
//! Articles ([`Article`], [`ArticleSummary`]) belong to a [`Section`], carry
//! [`Tag`]s, one or more [`Author`]s, an optional lead [`Media`] item and
//! [`Correction`]s; readers leave [`Comment`]s. Values that have rules, such
//! as [`Slug`] and [`Headline`], can only be built through `parse`, so every
//! value of those types in the program is valid.
//!
//! This crate does no I/O and is not async: it is the centre every other
//! Masthead crate depends on.

mod account;
mod article;
mod change;
mod comment;
mod error;
mod id;
mod media;
mod slug;
mod taxonomy;
mod text;
mod topic;
mod workflow;

pub use account::{Action, Email, Role, User};
pub use article::{Article, ArticleDraft, ArticleSummary, Correction, NewArticle, Revision, Status};
pub use change::{Change, ChangeListener};
pub use comment::{Comment, CommentSettings, CommentStatus, ModerationPolicy, NewComment};
pub use error::ValidationError;
pub use id::{ArticleId, CommentId, MediaId, UserId};
pub use media::{Media, MediaVariant, NewMedia, credit_warning};
pub use slug::Slug;
pub use taxonomy::{Author, Section, Tag};
pub use text::{Headline, PlainText};
pub use topic::{ArticleQuote, ArticleTopic, Topic, TopicKind, TopicQuote, TopicState};
pub use workflow::Transition;
