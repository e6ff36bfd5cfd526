//! Readable differences between two revisions, field by field and line by line.

use masthead_content::ArticleDraft;
use similar::{ChangeTag, TextDiff};

/// One field that differs between two revisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// The field's name as the editor labels it.
    pub field: &'static str,
    /// The lines of the field, each marked kept, removed or added.
    pub lines: Vec<DiffLine>,
}

/// A line of a field's diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// `' '` kept, `'-'` only in the older revision, `'+'` only in the newer.
    pub mark: char,
    /// The line's text, without its line break.
    pub text: String,
}

/// The fields that changed from `old` to `new`, in editor order.
pub fn compare(old: &ArticleDraft, new: &ArticleDraft) -> Vec<FieldChange> {
    let fields = |d: &ArticleDraft| -> Vec<(&'static str, String)> {
        vec![
            ("Headline", d.headline.as_str().to_owned()),
            ("Standfirst", d.standfirst.clone()),
            ("Body", d.body_source.clone()),
            ("Section", d.section.to_string()),
            ("Tags", d.tags.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
            ("Bylines", d.authors.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
            ("Lead image", d.lead_image.map(|m| m.to_string()).unwrap_or_default()),
            ("Slug", d.slug.to_string()),
            ("Embargo", d.embargo_until.map(crate::human_time).unwrap_or_default()),
        ]
    };
    fields(old)
        .into_iter()
        .zip(fields(new))
        .filter(|((_, before), (_, after))| before != after)
        .map(|((field, before), (_, after))| FieldChange { field, lines: line_diff(&before, &after) })
        .collect()
}

/// The lines of `before` and `after`, each marked kept, removed or added.
pub fn line_diff(before: &str, after: &str) -> Vec<DiffLine> {
    TextDiff::from_lines(before, after)
        .iter_all_changes()
        .map(|change| DiffLine {
            mark: match change.tag() {
                ChangeTag::Equal => ' ',
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
            },
            text: change.value().trim_end_matches(['\n', '\r']).to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use masthead_content::{Headline, Slug};

    use super::*;

    fn draft(headline: &str, body: &str) -> ArticleDraft {
        ArticleDraft {
            slug: Slug::parse("a").unwrap_or_else(|_| unreachable!()),
            headline: Headline::parse(headline).unwrap_or_else(|_| unreachable!()),
            standfirst: String::new(),
            body_source: body.to_owned(),
            section: Slug::parse("world").unwrap_or_else(|_| unreachable!()),
            tags: vec![],
            authors: vec![],
            lead_image: None,
            embargo_until: None,
        }
    }

    #[test]
    fn only_changed_fields_appear_with_their_changed_lines_marked() {
        let changes = compare(&draft("Old", "one\ntwo\nthree"), &draft("New", "one\n2\nthree"));
        assert_eq!(changes.iter().map(|c| c.field).collect::<Vec<_>>(), ["Headline", "Body"]);
        let body: Vec<String> = changes[1].lines.iter().map(|l| format!("{}{}", l.mark, l.text)).collect();
        assert_eq!(body, [" one", "-two", "+2", " three"]);
        assert!(compare(&draft("Same", "x"), &draft("Same", "x")).is_empty());
    }
}
