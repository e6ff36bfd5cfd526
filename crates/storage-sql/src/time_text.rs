//! Times as stored: UTC RFC 3339 text with whole seconds, which sorts correctly as text.

use masthead_storage::StorageError;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// The stored form of `at`.
pub fn to_text(at: OffsetDateTime) -> String {
    let whole = at.to_offset(UtcOffset::UTC).replace_nanosecond(0).unwrap_or(at);
    // Formatting a UTC time with a four-digit year cannot fail; the fallback keeps this total.
    whole.format(&Rfc3339).unwrap_or_else(|_| whole.unix_timestamp().to_string())
}

/// Reads a stored time.
pub fn from_text(text: &str) -> Result<OffsetDateTime, StorageError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| StorageError::Corrupt(format!("`{text}` is not a stored time")))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn times_are_stored_in_utc_with_whole_seconds() {
        let at = datetime!(2024-01-17 11:30:15.75 +01:00);
        assert_eq!(to_text(at), "2024-01-17T10:30:15Z");
        assert_eq!(from_text("2024-01-17T10:30:15Z").unwrap(), datetime!(2024-01-17 10:30:15 UTC));
        assert!(from_text("yesterday").is_err());
    }
}
