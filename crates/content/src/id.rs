//! Identifiers: UUIDv7 newtypes, one per kind of thing, so an article id can
//! never be passed where a comment id is wanted.

/// Defines a UUIDv7 identifier type with `generate`, `parse` and `Display`.
macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(uuid::Uuid);

        impl $name {
            /// A new, unique identifier; later ones sort after earlier ones.
            pub fn generate() -> Self {
                Self(uuid::Uuid::now_v7())
            }

            /// Reads an identifier written by its `Display` form.
            pub fn parse(value: &str) -> Result<Self, crate::ValidationError> {
                uuid::Uuid::parse_str(value)
                    .map(Self)
                    .map_err(|_| crate::ValidationError::InvalidId(value.chars().take(40).collect()))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

uuid_id!(
    /// Identifies an article for its whole life, whatever its slug becomes.
    ArticleId
);
uuid_id!(
    /// Identifies a comment.
    CommentId
);
uuid_id!(
    /// Identifies a media item.
    MediaId
);

uuid_id!(
    /// Identifies a newsroom account.
    UserId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_sort_by_creation() {
        let first = ArticleId::generate();
        let second = ArticleId::generate();
        assert_eq!(ArticleId::parse(&first.to_string()).unwrap(), first);
        assert!(first < second);
        assert!(MediaId::parse("nope").is_err());
    }
}
