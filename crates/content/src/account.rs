//! Newsroom accounts and what each role may do.
//!
//! The permission policy lives here, as a pure function of role, action and
//! ownership, so the web admin, the JSON API and the tests all ask the same
//! question and get the same answer.

use crate::{Slug, Status, Transition, UserId, ValidationError};

/// What a newsroom account may do, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Writes drafts and submits them for review.
    Contributor,
    /// Publishes their own articles.
    Author,
    /// Edits and publishes anyone's articles, corrects and moderates.
    Editor,
    /// Everything an editor does, plus users and settings.
    Admin,
}

impl Role {
    /// Every role, least powerful first.
    pub const ALL: [Role; 4] = [Role::Contributor, Role::Author, Role::Editor, Role::Admin];

    /// The stored and typed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contributor => "contributor",
            Self::Author => "author",
            Self::Editor => "editor",
            Self::Admin => "admin",
        }
    }

    /// Reads a role name.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == value.trim())
            .ok_or_else(|| ValidationError::UnknownRole(value.chars().take(40).collect()))
    }

    /// Whether someone with this role may take `action`. `own` says whether
    /// the article concerned was created by them (ignored for actions that
    /// concern no article); `status` is the article's current status.
    pub fn may(self, action: Action, own: bool, status: Option<Status>) -> bool {
        use Action::*;
        let editor = self >= Role::Editor;
        match action {
            ViewNewsroom | CreateArticle | UploadMedia => true,
            ManageUsers | ManageSettings => self == Role::Admin,
            AddCorrection | ModerateComments => editor,
            // A picture's caption, credit and alt text follow the rules of articles: `own` is
            // whether they uploaded it, `status` whether a published article shows it.
            EditArticle | DescribeMedia => match self {
                Role::Contributor => own && matches!(status, Some(Status::Draft | Status::InReview) | None),
                Role::Author => own,
                Role::Editor | Role::Admin => true,
            },
            Step(step) => match self {
                // A contributor hands work over and may take it back, nothing more.
                Role::Contributor => {
                    own && match step {
                        Transition::Submit => true,
                        Transition::ReturnToDraft => status == Some(Status::InReview),
                        _ => false,
                    }
                }
                Role::Author => own,
                Role::Editor | Role::Admin => true,
            },
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything the newsroom lets someone do, as the permission policy names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See the newsroom: article lists, revisions, previews.
    ViewNewsroom,
    /// Start a new article.
    CreateArticle,
    /// Change an article's text, taxonomy, images or slug.
    EditArticle,
    /// Move an article through the workflow.
    Step(Transition),
    /// Append a correction note to a published article.
    AddCorrection,
    /// Upload images.
    UploadMedia,
    /// Change a picture's caption, credit or alt text.
    DescribeMedia,
    /// Approve, reject and delete reader comments.
    ModerateComments,
    /// Add users, change roles, reset passwords.
    ManageUsers,
    /// Change the site's settings (comment moderation).
    ManageSettings,
}

/// A normalised email address: trimmed, lower-cased, one `@`, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Reads an address typed by a person.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let address = value.trim().to_lowercase();
        let invalid = || ValidationError::InvalidEmail(value.chars().take(60).collect());
        let (local, domain) = address.split_once('@').ok_or_else(invalid)?;
        let plausible = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && address.len() <= 254
            && !address.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"'));
        if plausible { Ok(Self(address)) } else { Err(invalid()) }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A newsroom account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Identity.
    pub id: UserId,
    /// Sign-in name; unique.
    pub email: Email,
    /// Display name.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// Their byline: the author profile their articles are credited to.
    pub author: Slug,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_order_by_power() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()).unwrap(), role);
        }
        assert!(Role::Contributor < Role::Admin);
        assert!(Role::parse("owner").is_err());
    }

    #[test]
    fn emails_are_normalised_and_nonsense_refused() {
        assert_eq!(Email::parse("  Ada@Example.ORG ").unwrap().as_str(), "ada@example.org");
        for bad in ["", "ada", "@example.org", "ada@example", "ada@.org", "a b@example.org", "a@b@c.org", "<a@b.org>"] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn contributors_hand_over_but_never_publish() {
        let c = Role::Contributor;
        assert!(c.may(Action::EditArticle, true, Some(Status::Draft)));
        assert!(!c.may(Action::EditArticle, false, Some(Status::Draft)));
        assert!(!c.may(Action::EditArticle, true, Some(Status::Published)));
        assert!(c.may(Action::Step(Transition::Submit), true, Some(Status::Draft)));
        assert!(!c.may(Action::Step(Transition::Publish), true, Some(Status::Draft)));
        assert!(!c.may(Action::AddCorrection, true, Some(Status::Published)));
    }

    #[test]
    fn pictures_are_described_by_their_uploader_or_an_editor_as_articles_are_edited() {
        let describe = Action::DescribeMedia;
        assert!(Role::Contributor.may(describe, true, None), "a contributor's own picture, on nothing published");
        assert!(!Role::Contributor.may(describe, false, None), "someone else's picture");
        assert!(!Role::Contributor.may(describe, true, Some(Status::Published)), "their picture, now published");
        assert!(Role::Author.may(describe, true, Some(Status::Published)));
        assert!(!Role::Author.may(describe, false, Some(Status::Published)));
        assert!(Role::Editor.may(describe, false, Some(Status::Published)));
    }

    #[test]
    fn authors_publish_their_own_and_editors_anyones() {
        let publish = Action::Step(Transition::Publish);
        assert!(Role::Author.may(publish, true, Some(Status::InReview)));
        assert!(!Role::Author.may(publish, false, Some(Status::InReview)));
        assert!(Role::Editor.may(publish, false, Some(Status::InReview)));
        assert!(!Role::Editor.may(Action::ManageUsers, false, None));
        assert!(Role::Admin.may(Action::ManageUsers, false, None));
    }
}
