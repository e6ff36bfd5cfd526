use std::fmt;

use crate::ValidationError;

/// An article's headline: one line of 1 to 200 characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Headline(String);

impl Headline {
    /// The longest headline accepted, in characters.
    pub const MAX_CHARS: usize = 200;

    /// Trims `value` and checks it is a usable headline.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        PlainText::parse("headline", value, Self::MAX_CHARS).map(|text| Self(text.0))
    }

    /// The headline as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Headline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A short single-line text such as a name: trimmed, not empty, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlainText(String);

impl PlainText {
    /// Trims `value` and checks it is 1 to `max_chars` characters of one line.
    /// `field` names the value in the error message.
    pub fn parse(field: &'static str, value: &str, max_chars: usize) -> Result<Self, ValidationError> {
        let value = value.trim();
        let invalid = |reason: String| ValidationError::InvalidText { field, reason };
        if value.is_empty() {
            return Err(invalid("is empty".into()));
        }
        if value.chars().count() > max_chars {
            return Err(invalid(format!("is longer than {max_chars} characters")));
        }
        if value.chars().any(char::is_control) {
            return Err(invalid("must be a single line without control characters".into()));
        }
        Ok(Self(value.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for PlainText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_headline_is_trimmed() {
        assert_eq!(Headline::parse("  Markets rally \n").unwrap().as_str(), "Markets rally");
    }

    #[test]
    fn empty_multiline_and_overlong_headlines_are_refused() {
        assert!(Headline::parse("   ").is_err());
        assert!(Headline::parse("two\nlines").is_err());
        assert!(Headline::parse(&"x".repeat(201)).is_err());
        assert!(Headline::parse(&"é".repeat(200)).is_ok());
    }
}
