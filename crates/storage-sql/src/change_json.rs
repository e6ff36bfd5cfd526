//! A [`Change`] as the change feed stores it: one JSON object, the same on
//! every engine, read back strictly (anything else is damaged data).

use masthead_content::{ArticleId, Change, Slug};
use masthead_storage::StorageError;
use serde_json::{Value, json};

/// The stored form of a change.
pub fn write(change: &Change) -> String {
    let slugs = |list: &[Slug]| list.iter().map(|s| s.as_str().to_owned()).collect::<Vec<String>>();
    match change {
        Change::Article { id, sections, tags, authors, topics } => json!({
            "kind": "article",
            "id": id.to_string(),
            "sections": slugs(sections),
            "tags": slugs(tags),
            "authors": slugs(authors),
            "topics": slugs(topics),
        }),
        Change::Comments { id, section, tags, authors } => json!({
            "kind": "comments",
            "id": id.to_string(),
            "section": section.as_str(),
            "tags": slugs(tags),
            "authors": slugs(authors),
        }),
        Change::Related { ids } => json!({
            "kind": "related",
            "ids": ids.iter().map(ToString::to_string).collect::<Vec<_>>(),
        }),
        Change::Everything => json!({ "kind": "everything" }),
    }
    .to_string()
}

/// Reads a stored change back.
pub fn read(text: &str) -> Result<Change, StorageError> {
    parse(text).map_err(|error| match error {
        StorageError::Invalid(invalid) => StorageError::Corrupt(format!("a recorded change: {invalid}")),
        other => other,
    })
}

fn parse(text: &str) -> Result<Change, StorageError> {
    let corrupt = |what: &str| StorageError::Corrupt(format!("a recorded change has no valid {what}"));
    let value: Value = serde_json::from_str(text).map_err(|_| corrupt("JSON"))?;
    let string = |key: &str| value.get(key).and_then(Value::as_str).ok_or_else(|| corrupt(key));
    let list = |key: &str| -> Result<Vec<&str>, StorageError> {
        value
            .get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| corrupt(key))?
            .iter()
            .map(|v| v.as_str().ok_or_else(|| corrupt(key)))
            .collect()
    };
    let slugs = |key: &str| -> Result<Vec<Slug>, StorageError> {
        list(key)?.into_iter().map(|s| Ok(Slug::parse(s)?)).collect()
    };
    Ok(match string("kind")? {
        "article" => Change::Article {
            id: ArticleId::parse(string("id")?)?,
            sections: slugs("sections")?,
            tags: slugs("tags")?,
            authors: slugs("authors")?,
            topics: slugs("topics")?,
        },
        "comments" => Change::Comments {
            id: ArticleId::parse(string("id")?)?,
            section: Slug::parse(string("section")?)?,
            tags: slugs("tags")?,
            authors: slugs("authors")?,
        },
        "related" => Change::Related {
            ids: list("ids")?.into_iter().map(|id| Ok(ArticleId::parse(id)?)).collect::<Result<_, StorageError>>()?,
        },
        "everything" => Change::Everything,
        _ => return Err(corrupt("kind")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(text: &str) -> Slug {
        Slug::parse(text).unwrap()
    }

    #[test]
    fn every_kind_of_change_reads_back_as_written() {
        let id = ArticleId::generate();
        for change in [
            Change::Article {
                id,
                sections: vec![slug("world"), slug("europe")],
                tags: vec![slug("ukraine")],
                authors: vec![],
                topics: vec![slug("kyiv")],
            },
            Change::Comments { id, section: slug("world"), tags: vec![], authors: vec![slug("ann-lee")] },
            Change::Related { ids: vec![id, ArticleId::generate()] },
            Change::Everything,
        ] {
            assert_eq!(read(&write(&change)).unwrap(), change);
        }
    }

    #[test]
    fn damaged_changes_are_reported_as_corrupt() {
        for text in ["", "{}", r#"{"kind":"article","id":"x"}"#, r#"{"kind":"nothing"}"#, "[1]"] {
            assert!(matches!(read(text), Err(StorageError::Corrupt(_))), "{text}");
        }
    }
}
