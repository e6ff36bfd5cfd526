//! Direct quotations and who said them.
//!
//! A quotation is the text between double quotation marks, straight or
//! curly. Its speaker is read from the words around it, in the patterns news
//! writing uses: `"…," Blinken said`, `said Blinken`, `Blinken said: "…"`,
//! `…, stating, "…"`, `told reporters`, `according to …`. A pronoun resolves
//! to the last person named before the quotation, "the ministry" to the last
//! organisation of that kind, and an unattributed quotation that continues a
//! speaker's quotation belongs to the same speaker.

use crate::entities::{Clusters, Mention, SPEECH_VERBS, Unit};
use crate::text::{Token, TokenKind};
use crate::{EntityKind, Quote};

/// Words that may sit between a speaker and the verb ("Smith later said").
const ADVERBS: &[&str] = &[
    "later",
    "also",
    "then",
    "has",
    "had",
    "was",
    "is",
    "once",
    "previously",
    "earlier",
    "recently",
    "simply",
    "flatly",
    "quietly",
    "bluntly",
    "repeatedly",
    "again",
    "publicly",
    "privately",
    "separately",
    "herself",
    "himself",
    "told",
    "reporters",
    "journalists",
    "would",
    "will",
    "have",
];

/// Nouns that stand for an organisation when a speaker is "the <noun>".
const ORGANISATION_NOUNS: &[&str] = &[
    "ministry",
    "company",
    "firm",
    "group",
    "government",
    "agency",
    "department",
    "council",
    "club",
    "bank",
    "court",
    "police",
    "party",
    "office",
    "commission",
    "committee",
    "union",
    "federation",
    "board",
    "authority",
    "embassy",
    "organisation",
    "organization",
    "foundation",
    "university",
    "hospital",
    "army",
    "military",
    "kremlin",
    "statement",
    "operator",
    "regulator",
    "insurer",
    "airline",
    "carrier",
    "manufacturer",
    "retailer",
    "developer",
];

/// Nouns that stand for a person named earlier when a speaker is "the <noun>".
const PERSON_NOUNS: &[&str] = &[
    "judge",
    "minister",
    "mayor",
    "coach",
    "manager",
    "president",
    "chairman",
    "chairwoman",
    "founder",
    "director",
    "governor",
    "senator",
    "prosecutor",
    "lawyer",
    "economist",
    "analyst",
    "farmer",
    "captain",
    "professor",
    "doctor",
    "scientist",
    "researcher",
    "singer",
    "author",
    "officer",
    "commander",
    "general",
    "ambassador",
    "envoy",
    "chair",
];

/// Words after "said" that start a noun phrase naming the speaker.
const DETERMINERS: &[&str] = &["the", "a", "an", "its", "his", "her", "their", "one"];

struct Speaker {
    /// The entity, as an index into the clusters, or none when the text names no one.
    entity: Option<usize>,
}

/// Finds the quotations in the prose units and attributes each.
pub(crate) fn find_quotes(
    units: &[Unit<'_>],
    mentions: &[Mention],
    clusters: &Clusters,
    names: &[String],
) -> Vec<Quote> {
    let mut quotes = Vec::new();
    let mut last_speaker: Option<usize> = None;
    for (index, unit) in units.iter().enumerate() {
        if unit.heading {
            continue;
        }
        let spans = quotation_spans(unit);
        let mut previous_in_unit: Option<Option<usize>> = None;
        for (open, close) in spans {
            let start = unit.tokens[open].end;
            let end = close.map_or(unit.text.len(), |c| unit.tokens[c].start);
            let text = unit.text[start..end].trim().to_owned();
            let words = text.split_whitespace().count();
            let attributed = close
                .and_then(|c| after(unit, index, c, mentions, clusters))
                .or_else(|| before(unit, index, open, mentions, clusters, previous_in_unit.is_some()));
            // One or two words in quotation marks are usually scare quotes, not speech.
            if words < 3 && attributed.is_none() {
                continue;
            }
            let speaker = match attributed {
                Some(speaker) => speaker.entity,
                None => match previous_in_unit {
                    Some(previous) => previous,
                    None if open == 0 => last_speaker,
                    None => None,
                },
            };
            previous_in_unit = Some(speaker);
            if speaker.is_some() {
                last_speaker = speaker;
            }
            quotes.push(Quote { text, speaker: speaker.map(|e| names[e].clone()) });
        }
        if !unit.tokens.iter().any(|t| t.kind == TokenKind::Quote) {
            // A paragraph without a quotation ends a run of continued quotes.
            last_speaker = None;
        }
    }
    quotes
}

fn is_double_quote(unit: &Unit<'_>, token: &Token) -> bool {
    token.kind == TokenKind::Quote
        && matches!(token.text(unit.text), "\"" | "\u{201c}" | "\u{201d}" | "\u{201e}" | "\u{00ab}" | "\u{00bb}")
}

/// Pairs of opening and closing marks (a quotation still open at the end of
/// its paragraph runs to the end, as when it continues in the next one).
fn quotation_spans(unit: &Unit<'_>) -> Vec<(usize, Option<usize>)> {
    let marks: Vec<usize> = (0..unit.tokens.len()).filter(|&i| is_double_quote(unit, &unit.tokens[i])).collect();
    let mut spans = Vec::new();
    let mut open: Option<usize> = None;
    for i in marks {
        let mark = unit.tokens[i].text(unit.text);
        match open {
            None if mark != "\u{201d}" && mark != "\u{00bb}" => open = Some(i),
            None => {}
            Some(o) if mark == "\u{201c}" || mark == "\u{00ab}" => {
                // A new opening mark: the previous quotation was never closed.
                spans.push((o, None));
                open = Some(i);
            }
            Some(o) => {
                spans.push((o, Some(i)));
                open = None;
            }
        }
    }
    if let Some(o) = open {
        spans.push((o, None));
    }
    spans
}

fn word(unit: &Unit<'_>, i: usize) -> Option<String> {
    let token = unit.tokens.get(i)?;
    (token.kind == TokenKind::Word).then(|| token.text(unit.text).to_lowercase())
}

/// The mention covering token `i` of `unit`, as (mention, entity).
fn mention_at(unit: &Unit<'_>, index: usize, i: usize, mentions: &[Mention], clusters: &Clusters) -> Option<usize> {
    let token = unit.tokens.get(i)?;
    mentions
        .iter()
        .enumerate()
        .find(|(_, m)| m.unit == index && m.start <= token.start && token.end <= m.end)
        .map(|(m, _)| clusters.entity_of[m])
}

/// The last token index of the mention that covers token `i`.
fn mention_end(unit: &Unit<'_>, index: usize, i: usize, mentions: &[Mention]) -> usize {
    let Some(token) = unit.tokens.get(i) else { return i };
    let Some(mention) = mentions.iter().find(|m| m.unit == index && m.start <= token.start && token.end <= m.end)
    else {
        return i;
    };
    let mut j = i;
    while unit.tokens.get(j + 1).is_some_and(|t| t.end <= mention.end) {
        j += 1;
    }
    j
}

/// Attribution after the closing mark: `, Smith said`, `, said Smith`, `, he said`, `, according to …`.
fn after(unit: &Unit<'_>, index: usize, close: usize, mentions: &[Mention], clusters: &Clusters) -> Option<Speaker> {
    let mut i = close + 1;
    while unit.tokens.get(i).is_some_and(|t| t.kind == TokenKind::Punct && t.text(unit.text) == ",") {
        i += 1;
    }
    let first = word(unit, i)?;
    if first == "according" && word(unit, i + 1).as_deref() == Some("to") {
        return speaker_phrase(unit, index, i + 2, mentions, clusters, unit.tokens[close].start);
    }
    if SPEECH_VERBS.contains(&first.as_str()) {
        return speaker_phrase(unit, index, i + 1, mentions, clusters, unit.tokens[close].start);
    }
    // A subject (perhaps after a lower-case title: "chief executive Wei
    // Jianguo"), perhaps an apposition (", the UN coordinator,"), a few
    // adverbs, then the verb.
    let mut subject = i;
    while subject < i + 4
        && word(unit, subject).is_some_and(|w| {
            unit.tokens[subject].text(unit.text).chars().next().is_some_and(char::is_lowercase)
                && !DETERMINERS.contains(&w.as_str())
                && !SPEECH_VERBS.contains(&w.as_str())
                && !matches!(w.as_str(), "he" | "she" | "they" | "i" | "we" | "it")
        })
    {
        subject += 1;
    }
    if word(unit, subject).is_none() {
        subject = i;
    }
    let subject_end = subject_end(unit, index, subject, mentions)?;
    let mut v = subject_end + 1;
    if unit.tokens.get(v).is_some_and(|t| t.text(unit.text) == ",") {
        let closing = (v + 1..(v + 14).min(unit.tokens.len())).find(|&k| unit.tokens[k].text(unit.text) == ",")?;
        v = closing + 1;
    }
    while word(unit, v).is_some_and(|w| ADVERBS.contains(&w.as_str()) && !SPEECH_VERBS.contains(&w.as_str())) {
        v += 1;
    }
    let verb = word(unit, v)?;
    if SPEECH_VERBS.contains(&verb.as_str()) || verb == "according" {
        return speaker_phrase(unit, index, subject, mentions, clusters, unit.tokens[close].start);
    }
    None
}

/// Where a subject starting at `i` ends: a mention, a pronoun, or "the <noun>".
fn subject_end(unit: &Unit<'_>, index: usize, i: usize, mentions: &[Mention]) -> Option<usize> {
    let first = word(unit, i)?;
    if matches!(first.as_str(), "he" | "she" | "they" | "i" | "we" | "it") {
        return Some(i);
    }
    if DETERMINERS.contains(&first.as_str()) {
        let mut j = i + 1;
        while j < i + 5 && word(unit, j).is_some_and(|w| !SPEECH_VERBS.contains(&w.as_str())) {
            j += 1;
        }
        return Some(j - 1);
    }
    let token = unit.tokens.get(i)?;
    if token.text(unit.text).chars().next().is_some_and(char::is_uppercase) {
        return Some(mention_end(unit, index, i, mentions));
    }
    None
}

/// The speaker a phrase starting at token `i` names, resolving pronouns
/// and "the ministry" against what came before `position`.
fn speaker_phrase(
    unit: &Unit<'_>,
    index: usize,
    i: usize,
    mentions: &[Mention],
    clusters: &Clusters,
    position: usize,
) -> Option<Speaker> {
    let first = word(unit, i)?;
    if let Some(entity) = mention_at(unit, index, i, mentions, clusters) {
        return Some(Speaker { entity: Some(entity) });
    }
    match first.as_str() {
        "he" | "she" | "i" => {
            return Some(Speaker {
                entity: last_before(mentions, clusters, index, position, |k| k == EntityKind::Person),
            });
        }
        "they" | "it" | "we" => {
            return Some(Speaker {
                entity: last_before(mentions, clusters, index, position, |k| k == EntityKind::Organization),
            });
        }
        _ => {}
    }
    if DETERMINERS.contains(&first.as_str()) {
        // "a spokesperson for the ministry", "the company": a name inside wins,
        // then the last organisation the noun describes.
        let mut j = i + 1;
        let mut noun = None;
        while j < i + 8 {
            let Some(w) = word(unit, j) else { break };
            if let Some(entity) = mention_at(unit, index, j, mentions, clusters) {
                return Some(Speaker { entity: Some(entity) });
            }
            if SPEECH_VERBS.contains(&w.as_str()) {
                break;
            }
            if ORGANISATION_NOUNS.contains(&w.as_str()) && noun.is_none() {
                noun = Some(w);
            }
            j += 1;
        }
        if noun.is_none() {
            // "the judge said", "the minister added": a person named before.
            let person_noun = (i + 1..j).filter_map(|k| word(unit, k)).any(|w| PERSON_NOUNS.contains(&w.as_str()));
            if person_noun {
                return Some(Speaker {
                    entity: last_before(mentions, clusters, index, position, |k| k == EntityKind::Person),
                });
            }
        }
        let entity = noun.and_then(|noun| {
            let described = last_before_matching(mentions, clusters, index, position, |m| {
                m.kind == EntityKind::Organization && m.surface.to_lowercase().contains(noun.as_str())
            });
            described.or_else(|| last_before(mentions, clusters, index, position, |k| k == EntityKind::Organization))
        });
        return Some(Speaker { entity });
    }
    None
}

/// Attribution before the opening mark, in the same sentence:
/// `Blinken said: "…"`, `…, stating, "…"`, `According to Smith, "…"`.
fn before(
    unit: &Unit<'_>,
    index: usize,
    open: usize,
    mentions: &[Mention],
    clusters: &Clusters,
    after_another_quote: bool,
) -> Option<Speaker> {
    // The clause: back to the previous quotation mark or sentence end.
    let mut start = open;
    while start > 0 {
        let token = &unit.tokens[start - 1];
        let text = token.text(unit.text);
        if is_double_quote(unit, token) || matches!(text, "." | "!" | "?") {
            break;
        }
        start -= 1;
    }
    if after_another_quote && start > 0 && is_double_quote(unit, &unit.tokens[start - 1]) {
        // `"First part," he said, "second part."`: the words between the two
        // quotations attribute both, and `after` saw them already for the first.
        let between: Vec<String> = (start..open).filter_map(|i| word(unit, i)).collect();
        if between.is_empty() {
            return None;
        }
    }
    let verb = (start..open).rev().find(|&i| {
        word(unit, i).is_some_and(|w| {
            SPEECH_VERBS.contains(&w.as_str())
                || matches!(w.as_str(), "stating" | "saying" | "adding" | "writing" | "telling" | "according")
        })
    })?;
    if word(unit, verb).as_deref() == Some("according") {
        return speaker_phrase(unit, index, verb + 2, mentions, clusters, unit.tokens[open].start);
    }
    // The words just before the verb, past adverbs.
    let mut s = verb;
    while s > start && word(unit, s - 1).is_some_and(|w| ADVERBS.contains(&w.as_str())) {
        s -= 1;
    }
    if s > start {
        let j = s - 1;
        if let Some(entity) = mention_at(unit, index, j, mentions, clusters) {
            return Some(Speaker { entity: Some(entity) });
        }
        // Find the start of a "the ministry" phrase ending right before the verb.
        let phrase_start = (start..=j).rev().take(4).take_while(|&k| word(unit, k).is_some()).find(|&k| {
            word(unit, k).is_some_and(|w| {
                DETERMINERS.contains(&w.as_str()) || matches!(w.as_str(), "he" | "she" | "they" | "it" | "i" | "we")
            })
        });
        if let Some(k) = phrase_start {
            return speaker_phrase(unit, index, k, mentions, clusters, unit.tokens[open].start);
        }
    }
    // Otherwise the clause's subject: its first named person or organisation.
    for i in start..verb {
        if let Some(entity) = mention_at(unit, index, i, mentions, clusters) {
            return Some(Speaker { entity: Some(entity) });
        }
        if let Some(w) = word(unit, i)
            && matches!(w.as_str(), "he" | "she" | "they")
        {
            return speaker_phrase(unit, index, i, mentions, clusters, unit.tokens[open].start);
        }
    }
    None
}

fn last_before(
    mentions: &[Mention],
    clusters: &Clusters,
    unit: usize,
    position: usize,
    kind: impl Fn(EntityKind) -> bool,
) -> Option<usize> {
    last_before_matching(mentions, clusters, unit, position, |m| kind(m.kind))
}

fn last_before_matching(
    mentions: &[Mention],
    clusters: &Clusters,
    unit: usize,
    position: usize,
    wanted: impl Fn(&Mention) -> bool,
) -> Option<usize> {
    mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| m.unit != 0 && (m.unit < unit || (m.unit == unit && m.end <= position)))
        .filter(|(_, m)| wanted(m))
        .max_by_key(|(_, m)| (m.unit, m.start))
        .map(|(i, _)| clusters.entity_of[i])
}
