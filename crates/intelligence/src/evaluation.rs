//! Scoring analyses against hand-labelled articles.
//!
//! A labelled article has a gold file (`NAME.gold.json`) beside its text:
//!
//! ```json
//! {"story": "ceasefire-talks",
//!  "entities": [{"name": "Antony Blinken", "type": "person", "mentions": ["Antony Blinken", "Blinken"]}],
//!  "quotes": [{"text": "I don't see it.", "speaker": "Antony Blinken"}]}
//! ```
//!
//! An entity found counts as right when its type matches and its name is the
//! gold name or one of the gold surface forms (or the other way round); each
//! gold entity can be matched once, so naming "Antony Blinken" and "Blinken"
//! as two people scores one right and one wrong. A quotation counts when its
//! words match; its speaker is then right when it names the gold speaker.
//! Related stories are scored by precision at 3: how many of the three best
//! suggestions belong to the article's own story.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use crate::{Analysis, EntityKind};

/// The hand-made labels of one article.
#[derive(Debug, Clone, Deserialize)]
pub struct Gold {
    /// The story the article belongs to; articles of one story are related.
    pub story: String,
    /// Every person, organisation and place the article names.
    pub entities: Vec<GoldEntity>,
    /// Every direct quotation.
    #[serde(default)]
    pub quotes: Vec<GoldQuote>,
}

/// A labelled entity.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldEntity {
    /// Canonical name.
    pub name: String,
    /// Person, organisation or place.
    #[serde(rename = "type")]
    pub kind: EntityKind,
    /// The distinct ways the article writes it.
    #[serde(default)]
    pub mentions: Vec<String>,
}

/// A labelled quotation.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldQuote {
    /// The words between the marks.
    pub text: String,
    /// The speaker's canonical name, if the article says.
    pub speaker: Option<String>,
}

/// One article's labels beside what the analysis found.
pub struct Case<'a> {
    /// The article's id (its file stem).
    pub id: &'a str,
    /// Its labels.
    pub gold: &'a Gold,
    /// What was found.
    pub analysis: &'a Analysis,
    /// The ids of related articles, best first.
    pub related: &'a [String],
}

/// Counts of right, wrong and missed answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Right.
    pub true_positives: usize,
    /// Found but wrong.
    pub false_positives: usize,
    /// Missed.
    pub false_negatives: usize,
}

impl Tally {
    /// Of what was found, the share that is right.
    pub fn precision(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_positives)
    }

    /// Of what is there, the share that was found.
    pub fn recall(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_negatives)
    }

    /// The harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }

    fn add(&mut self, other: Tally) {
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.false_negatives += other.false_negatives;
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

/// The scores of a set of labelled articles.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    /// Articles scored.
    pub articles: usize,
    /// Entities by type.
    pub by_kind: BTreeMap<EntityKind, Tally>,
    /// Quotations.
    pub quotes: Tally,
    /// Matched quotations whose speaker is right.
    pub speakers_right: usize,
    /// Matched quotations.
    pub speakers_total: usize,
    /// Mean precision at 3 of related stories.
    pub related_precision_at_3: f64,
    /// Entities that were missed or wrong, per article, for looking into.
    pub errors: Vec<String>,
}

impl Scores {
    /// All entity types together.
    pub fn entities(&self) -> Tally {
        let mut total = Tally::default();
        for tally in self.by_kind.values() {
            total.add(*tally);
        }
        total
    }

    /// The share of matched quotations with the right speaker.
    pub fn speaker_accuracy(&self) -> f64 {
        ratio(self.speakers_right, self.speakers_total)
    }
}

impl fmt::Display for Scores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "articles: {}", self.articles)?;
        writeln!(f, "{:<14} {:>9} {:>9} {:>9} {:>6} {:>6} {:>6}", "", "precision", "recall", "F1", "tp", "fp", "fn")?;
        let mut rows: Vec<(String, Tally)> =
            self.by_kind.iter().map(|(kind, tally)| (kind.as_str().to_owned(), *tally)).collect();
        rows.push(("entities (micro)".to_owned(), self.entities()));
        rows.push(("quotes".to_owned(), self.quotes));
        for (label, t) in rows {
            writeln!(
                f,
                "{label:<14} {:>9.3} {:>9.3} {:>9.3} {:>6} {:>6} {:>6}",
                t.precision(),
                t.recall(),
                t.f1(),
                t.true_positives,
                t.false_positives,
                t.false_negatives
            )?;
        }
        writeln!(
            f,
            "speaker accuracy: {:.3} ({} of {})",
            self.speaker_accuracy(),
            self.speakers_right,
            self.speakers_total
        )?;
        write!(f, "related precision@3: {:.3}", self.related_precision_at_3)
    }
}

/// Names compared without case, dots, possessives, curly apostrophes or a leading "The".
fn normalise(name: &str) -> String {
    let name = name.replace(['\u{2019}', '\u{2018}'], "'");
    let name = name.trim_end_matches("'s").replace('.', "").to_lowercase();
    let words: Vec<&str> = name.split_whitespace().collect();
    // "The Irish Times" and "Irish Times" are one name.
    let words = if words.len() > 1 && words[0] == "the" { &words[1..] } else { &words[..] };
    words.join(" ")
}

/// Quotation words compared without marks, case or closing punctuation.
fn normalise_quote(text: &str) -> String {
    text.replace(['\u{2019}', '\u{2018}'], "'")
        .trim()
        .trim_end_matches([',', '.', '!', '?', ';', ':', ' ', '\u{2026}'])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Scores every case.
pub fn evaluate(cases: &[Case<'_>]) -> Scores {
    let mut scores = Scores { articles: cases.len(), ..Scores::default() };
    for kind in [EntityKind::Person, EntityKind::Organization, EntityKind::Place] {
        scores.by_kind.insert(kind, Tally::default());
    }
    let mut precision_sum = 0.0;
    for case in cases {
        score_entities(case, &mut scores);
        score_quotes(case, &mut scores);
        let top: Vec<&String> = case.related.iter().take(3).collect();
        let right = top
            .iter()
            .filter(|id| cases.iter().any(|other| other.id == id.as_str() && other.gold.story == case.gold.story))
            .count();
        precision_sum += right as f64 / 3.0;
    }
    scores.related_precision_at_3 = if cases.is_empty() { 0.0 } else { precision_sum / cases.len() as f64 };
    scores
}

fn entity_matches(found: &crate::Entity, gold: &GoldEntity) -> bool {
    if found.kind != gold.kind {
        return false;
    }
    let name = normalise(&found.name);
    let gold_name = normalise(&gold.name);
    name == gold_name
        || gold.mentions.iter().any(|m| normalise(m) == name)
        || found.mentions.iter().any(|m| normalise(m) == gold_name)
}

fn score_entities(case: &Case<'_>, scores: &mut Scores) {
    let mut matched = vec![false; case.gold.entities.len()];
    for found in &case.analysis.entities {
        let hit = case.gold.entities.iter().enumerate().find(|(i, gold)| !matched[*i] && entity_matches(found, gold));
        let tally = scores.by_kind.entry(found.kind).or_default();
        match hit {
            Some((i, _)) => {
                matched[i] = true;
                tally.true_positives += 1;
            }
            None => {
                tally.false_positives += 1;
                scores.errors.push(format!("{}: wrong {} {:?}", case.id, found.kind.as_str(), found.name));
            }
        }
    }
    for (gold, _) in case.gold.entities.iter().zip(&matched).filter(|(_, m)| !**m) {
        scores.by_kind.entry(gold.kind).or_default().false_negatives += 1;
        scores.errors.push(format!("{}: missed {} {:?}", case.id, gold.kind.as_str(), gold.name));
    }
}

fn score_quotes(case: &Case<'_>, scores: &mut Scores) {
    let mut matched = vec![false; case.gold.quotes.len()];
    for found in &case.analysis.quotes {
        let text = normalise_quote(&found.text);
        let hit = case.gold.quotes.iter().enumerate().find(|(i, g)| !matched[*i] && normalise_quote(&g.text) == text);
        match hit {
            Some((i, gold)) => {
                matched[i] = true;
                scores.quotes.true_positives += 1;
                scores.speakers_total += 1;
                if speaker_matches(case, found.speaker.as_deref(), gold.speaker.as_deref()) {
                    scores.speakers_right += 1;
                } else {
                    scores.errors.push(format!(
                        "{}: speaker of {:?}: {:?}, not {:?}",
                        case.id,
                        found.text.chars().take(40).collect::<String>(),
                        found.speaker,
                        gold.speaker
                    ));
                }
            }
            None => {
                scores.quotes.false_positives += 1;
                scores.errors.push(format!("{}: wrong quote {:?}", case.id, found.text));
            }
        }
    }
    for (gold, _) in case.gold.quotes.iter().zip(&matched).filter(|(_, m)| !**m) {
        scores.quotes.false_negatives += 1;
        scores.errors.push(format!("{}: missed quote {:?}", case.id, gold.text));
    }
}

fn speaker_matches(case: &Case<'_>, found: Option<&str>, gold: Option<&str>) -> bool {
    match (found, gold) {
        (None, None) => true,
        (Some(found), Some(gold)) => {
            let found = normalise(found);
            normalise(gold) == found
                || case
                    .gold
                    .entities
                    .iter()
                    .filter(|e| normalise(&e.name) == normalise(gold))
                    .any(|e| e.mentions.iter().any(|m| normalise(m) == found))
        }
        _ => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{Entity, Quote};

    fn entity(name: &str, kind: EntityKind, mentions: &[&str]) -> Entity {
        Entity {
            name: name.into(),
            kind,
            mentions: mentions.iter().map(|m| (*m).to_owned()).collect(),
            salience: 0.5,
            role: None,
            canonical: None,
        }
    }

    #[test]
    fn a_split_entity_scores_one_right_and_one_wrong() {
        let gold: Gold = serde_json::from_str(
            r#"{"story": "s", "entities": [{"name": "Antony Blinken", "type": "person", "mentions": ["Antony Blinken", "Blinken"]},
                {"name": "Kyiv", "type": "place", "mentions": ["Kyiv"]}],
               "quotes": [{"text": "I don't see it.", "speaker": "Antony Blinken"}]}"#,
        )
        .unwrap();
        let analysis = Analysis {
            entities: vec![
                entity("Antony Blinken", EntityKind::Person, &["Antony Blinken"]),
                entity("Blinken", EntityKind::Person, &["Blinken"]),
                entity("Kyiv", EntityKind::Organization, &["Kyiv"]),
            ],
            quotes: vec![Quote { text: "I don’t see it".into(), speaker: Some("Blinken".into()) }],
        };
        let scores = evaluate(&[Case { id: "a", gold: &gold, analysis: &analysis, related: &[] }]);
        let person = scores.by_kind[&EntityKind::Person];
        assert_eq!((person.true_positives, person.false_positives, person.false_negatives), (1, 1, 0));
        assert_eq!(scores.by_kind[&EntityKind::Place].false_negatives, 1);
        assert_eq!(scores.by_kind[&EntityKind::Organization].false_positives, 1);
        assert_eq!(scores.quotes.true_positives, 1);
        assert_eq!(scores.speaker_accuracy(), 1.0);
    }

    #[test]
    fn related_precision_counts_same_story_suggestions_in_the_top_three() {
        let gold = |story: &str| Gold { story: story.into(), entities: vec![], quotes: vec![] };
        let (a, b, c) = (gold("x"), gold("x"), gold("y"));
        let empty = Analysis::default();
        let related_a = vec!["b".to_owned(), "c".to_owned()];
        let cases = [
            Case { id: "a", gold: &a, analysis: &empty, related: &related_a },
            Case { id: "b", gold: &b, analysis: &empty, related: &[] },
            Case { id: "c", gold: &c, analysis: &empty, related: &[] },
        ];
        let scores = evaluate(&cases);
        assert!((scores.related_precision_at_3 - (1.0 / 3.0) / 3.0).abs() < 1e-9);
    }
}
