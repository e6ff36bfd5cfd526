//! An article revision's fields as stored: one JSON object, the same on every engine.

use masthead_content::{ArticleDraft, Headline, MediaId, Slug};
use masthead_storage::StorageError;
use serde_json::{Value, json};

use crate::time_text;

/// The stored form of a revision's fields.
pub fn write(draft: &ArticleDraft) -> String {
    json!({
        "slug": draft.slug.as_str(),
        "headline": draft.headline.as_str(),
        "standfirst": draft.standfirst,
        "body_source": draft.body_source,
        "section": draft.section.as_str(),
        "tags": draft.tags.iter().map(Slug::as_str).collect::<Vec<_>>(),
        "authors": draft.authors.iter().map(Slug::as_str).collect::<Vec<_>>(),
        "lead_image": draft.lead_image.map(|m| m.to_string()),
        "embargo_until": draft.embargo_until.map(time_text::to_text),
    })
    .to_string()
}

/// Reads a revision's fields back; damaged JSON is [`StorageError::Corrupt`].
pub fn read(text: &str) -> Result<ArticleDraft, StorageError> {
    let corrupt = |what: &str| StorageError::Corrupt(format!("a stored revision has no valid {what}"));
    let value: Value = serde_json::from_str(text).map_err(|_| corrupt("JSON"))?;
    let string = |key: &str| value.get(key).and_then(Value::as_str).ok_or_else(|| corrupt(key));
    let slugs = |key: &str| -> Result<Vec<Slug>, StorageError> {
        value
            .get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| corrupt(key))?
            .iter()
            .map(|v| Ok(Slug::parse(v.as_str().ok_or_else(|| corrupt(key))?)?))
            .collect()
    };
    let optional = |key: &str| value.get(key).and_then(Value::as_str);
    Ok(ArticleDraft {
        slug: Slug::parse(string("slug")?)?,
        headline: Headline::parse(string("headline")?)?,
        standfirst: string("standfirst")?.to_owned(),
        body_source: string("body_source")?.to_owned(),
        section: Slug::parse(string("section")?)?,
        tags: slugs("tags")?,
        authors: slugs("authors")?,
        lead_image: optional("lead_image").map(MediaId::parse).transpose()?,
        embargo_until: optional("embargo_until").map(time_text::from_text).transpose()?,
    })
}
