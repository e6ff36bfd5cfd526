//! Masthead's newsroom intelligence: who and what an article names, whom it
//! quotes, and what makes two stories related.
//!
//! [`analyse`] reads a [`Document`] (a headline and blocks of plain text) and
//! returns its [`Analysis`]: the people, organisations and places it names,
//! each joined across the ways the article writes it ("Secretary of State
//! Antony Blinken", "Blinken") and ranked by salience, and the direct
//! quotations with their speakers. Everything runs offline from name lists
//! compiled into the binary (`data/`), with no model to download, and it
//! does no I/O: the newsroom, the search index and `masthead analyze` all
//! call this same function.
//!
//! [`relatedness`] blends the signals that make a story worth a "READ ALSO"
//! link; the search index supplies the text similarity.
//!
//! [`evaluation`] scores an analysis against hand-labelled articles.

mod entities;
pub mod evaluation;
mod gazetteer;
mod quotes;
mod text;

use serde::Serialize;

pub use text::{Block, BlockKind, Document, content_words};

/// What kind of thing an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A named person.
    Person,
    /// A company, government body, party, agency, club…
    Organization,
    /// A country, region, city, town or geographic feature.
    Place,
}

impl EntityKind {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Organization => "organization",
            Self::Place => "place",
        }
    }

    /// Reads a stored name.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "person" => Some(Self::Person),
            "organization" | "organisation" => Some(Self::Organization),
            "place" => Some(Self::Place),
            _ => None,
        }
    }
}

/// A person, organisation or place an article names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entity {
    /// The fullest way the article writes the name, without titles or possessives.
    pub name: String,
    /// What it is.
    #[serde(rename = "type")]
    pub kind: EntityKind,
    /// Each place the article names it, as written there.
    pub mentions: Vec<String>,
    /// How central it is to the article, 0 to 1; an article's saliences add up to 1.
    pub salience: f64,
    /// A person's title as the article gives it ("Secretary of State").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The name lists' spelling, which joins "US" in one article to
    /// "United States" in another.
    #[serde(skip)]
    pub canonical: Option<String>,
}

impl Entity {
    /// The name that identifies the entity across articles.
    pub fn identity(&self) -> &str {
        self.canonical.as_deref().unwrap_or(&self.name)
    }
}

/// A direct quotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// The words between the quotation marks.
    pub text: String,
    /// The entity's name, when the article says who said it.
    pub speaker: Option<String>,
}

/// What [`analyse`] finds in an article.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Analysis {
    /// Entities, most salient first.
    pub entities: Vec<Entity>,
    /// Quotations, in the order the article gives them.
    pub quotes: Vec<Quote>,
}

/// Finds the entities and quotations of `document`.
pub fn analyse(document: &Document) -> Analysis {
    let units = entities::units(document);
    let mentions = entities::find_mentions(&units);
    let clusters = entities::cluster(&mentions);
    let names: Vec<String> = clusters.members.iter().map(|list| entities::display_name(&mentions, list)).collect();
    let quotes = quotes::find_quotes(&units, &mentions, &clusters, &names);
    Analysis { entities: entities::entities(&mentions, &clusters, &quotes), quotes }
}

/// How strongly a candidate story relates to an article, from the signals
/// a newsroom would weigh. `text` is the text similarity normalised to 0..1
/// (1 for the best candidate), `shared_entities` the salience-weighted
/// overlap of the two articles' entities (0..1), `age_days` how far apart
/// the two were published. `link` says whether the article already links to
/// the candidate ("READ ALSO" in its text: an editor's judgement, the
/// strongest sign) or the candidate links to it.
pub fn relatedness(text: f64, shared_entities: f64, same_section: bool, age_days: Option<f64>, link: Link) -> f64 {
    let recency = age_days.map_or(0.5, |days| 1.0 / (1.0 + days.abs() / 30.0));
    0.55 * text
        + 0.3 * shared_entities
        + if same_section { 0.05 } else { 0.0 }
        + 0.1 * recency
        + match link {
            Link::ToCandidate => 0.5,
            Link::FromCandidate => 0.25,
            Link::None => 0.0,
        }
}

/// Whether two stories already link to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// The article links to the candidate.
    ToCandidate,
    /// The candidate links to the article.
    FromCandidate,
    /// Neither links to the other.
    None,
}

/// The salience-weighted overlap of two entity lists: the salience both
/// articles give to the entities they share (by identity), 0 to 1.
pub fn shared_entities(a: &[(String, f64)], b: &[(String, f64)]) -> f64 {
    let mut shared = 0.0;
    for (name, weight) in a {
        if let Some((_, other)) = b.iter().find(|(n, _)| n == name) {
            shared += weight.min(*other);
        }
    }
    shared.clamp(0.0, 1.0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
