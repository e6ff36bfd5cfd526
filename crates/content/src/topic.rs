//! Topics: the people, organisations and places articles are about.
//!
//! The newsroom's analysis suggests the entities an article names; an
//! editor confirms, removes or adds them. Confirmed ones are the article's
//! topics, and each topic has a page listing its articles.

use crate::{ArticleId, Slug, ValidationError};

/// What kind of thing a topic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TopicKind {
    /// A named person.
    Person,
    /// A company, government body, party, agency, club…
    Organization,
    /// A country, region, city, town or geographic feature.
    Place,
}

impl TopicKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Organization => "organization",
            Self::Place => "place",
        }
    }

    /// The kind in words, for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Person => "Person",
            Self::Organization => "Organisation",
            Self::Place => "Place",
        }
    }

    /// Reads a stored name.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        match value {
            "person" => Ok(Self::Person),
            "organization" | "organisation" => Ok(Self::Organization),
            "place" => Ok(Self::Place),
            other => Err(ValidationError::UnknownTopicKind(other.chars().take(40).collect())),
        }
    }
}

/// A person, organisation or place with a page of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    /// URL name: the page is `/topic/{slug}`.
    pub slug: Slug,
    /// Display name.
    pub name: String,
    /// What it is.
    pub kind: TopicKind,
}

/// Where an editor stands on a suggested topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicState {
    /// Found by the analysis, not yet decided.
    Suggested,
    /// An editor said yes: the article is listed on the topic's page.
    Confirmed,
    /// An editor said no; a later analysis does not bring it back.
    Removed,
}

impl TopicState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Suggested => "suggested",
            Self::Confirmed => "confirmed",
            Self::Removed => "removed",
        }
    }

    /// Reads a stored name.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        match value {
            "suggested" => Ok(Self::Suggested),
            "confirmed" => Ok(Self::Confirmed),
            "removed" => Ok(Self::Removed),
            other => Err(ValidationError::UnknownTopicState(other.chars().take(40).collect())),
        }
    }
}

/// A topic of one article, with what the analysis measured.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleTopic {
    /// The topic.
    pub topic: Topic,
    /// How central it is to the article, 0 to 1.
    pub salience: f64,
    /// How many times the article names it.
    pub mentions: u32,
    /// A person's title as the article gives it.
    pub role: Option<String>,
    /// The editor's decision.
    pub state: TopicState,
}

/// A quotation in an article, with its speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleQuote {
    /// The words quoted.
    pub text: String,
    /// The speaker's name, when the article says.
    pub speaker: Option<String>,
    /// The speaker's topic, when the speaker is a named entity.
    pub speaker_topic: Option<Slug>,
}

/// A quotation shown on a topic page, with the article it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicQuote {
    /// The quotation.
    pub quote: ArticleQuote,
    /// The article.
    pub article: ArticleId,
    /// Its headline.
    pub headline: String,
    /// Its URL path.
    pub url: String,
}
