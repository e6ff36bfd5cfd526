use std::fmt;

use crate::ValidationError;

/// The URL name of an article, section, tag or author: `us-doubtful-on-ukraine-ceasefire`.
///
/// Lowercase ASCII letters, digits and single hyphens, 1 to 120 characters,
/// starting and ending with a letter or digit. URLs are built from slugs, so
/// a `Slug` never needs escaping.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    /// The longest slug accepted, in bytes (all characters are ASCII).
    pub const MAX_LEN: usize = 120;

    /// Checks `value` against the slug rules.
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let invalid = |reason| ValidationError::InvalidSlug { value: value.chars().take(40).collect(), reason };
        if value.is_empty() {
            return Err(invalid("it is empty"));
        }
        if value.len() > Self::MAX_LEN {
            return Err(invalid("it is longer than 120 characters"));
        }
        if !value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(invalid("use only lowercase letters a-z, digits and hyphens"));
        }
        if value.starts_with('-') || value.ends_with('-') || value.contains("--") {
            return Err(invalid("hyphens go only between words, one at a time"));
        }
        Ok(Self(value.to_owned()))
    }

    /// Makes a slug from a headline or name: `"Putin’s Race, 2024"` becomes `putins-race-2024`.
    ///
    /// Letters with accents lose them where a plain ASCII letter is obvious;
    /// other characters separate words. Returns `None` when nothing usable is
    /// left (a headline of only punctuation, say).
    pub fn from_title(title: &str) -> Option<Self> {
        let mut slug = String::new();
        let mut pending_hyphen = false;
        for c in title.chars() {
            // Apostrophes join a word rather than split it: "Russia’s" → "russias".
            if matches!(c, '\'' | '’' | '‘') {
                continue;
            }
            match fold_to_ascii(c) {
                Some(a) if a.is_ascii_alphanumeric() => {
                    if pending_hyphen && !slug.is_empty() {
                        slug.push('-');
                    }
                    pending_hyphen = false;
                    if slug.len() >= Self::MAX_LEN {
                        break;
                    }
                    slug.push(a.to_ascii_lowercase());
                }
                _ => pending_hyphen = true,
            }
        }
        let trimmed = slug.trim_end_matches('-');
        Self::parse(trimmed).ok()
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Maps common Latin letters with diacritics to their ASCII base letter.
fn fold_to_ascii(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c);
    }
    let base = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
        'ç' | 'ć' | 'č' | 'Ç' | 'Ć' | 'Č' => 'c',
        'ď' | 'Ď' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ę' | 'Ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ł' | 'Ł' => 'l',
        'ñ' | 'ń' | 'ň' | 'Ñ' | 'Ń' | 'Ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ő' => 'o',
        'ř' | 'Ř' => 'r',
        'ś' | 'š' | 'ş' | 'Ś' | 'Š' | 'Ş' => 's',
        'ť' | 'ţ' | 'Ť' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ů' | 'ű' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ů' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => 'z',
        _ => return None,
    };
    Some(base)
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_well_formed_slug_is_accepted() {
        assert_eq!(
            Slug::parse("us-doubtful-on-ukraine-ceasefire").unwrap().as_str(),
            "us-doubtful-on-ukraine-ceasefire"
        );
    }

    #[test]
    fn slugs_that_break_a_rule_are_refused_with_the_reason() {
        for bad in ["", "Upper", "two--hyphens", "-lead", "trail-", "sp ace", "ünï", "a/b", "../etc"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(Slug::parse(&"a".repeat(121)).is_err());
        let err = Slug::parse("Bad Slug").unwrap_err().to_string();
        assert!(err.contains("lowercase"), "{err}");
    }

    #[test]
    fn a_headline_becomes_a_readable_slug() {
        let slug = Slug::from_title("US Doubtful on Ukraine Ceasefire Amid Lack of Russian Good Faith");
        assert_eq!(slug.unwrap().as_str(), "us-doubtful-on-ukraine-ceasefire-amid-lack-of-russian-good-faith");
        assert_eq!(Slug::from_title("Russia’s “bold” Zürich move!").unwrap().as_str(), "russias-bold-zurich-move");
        assert_eq!(Slug::from_title("North Korea-Russia").unwrap().as_str(), "north-korea-russia");
        assert!(Slug::from_title("!!! ***").is_none());
    }

    #[test]
    fn a_slug_made_from_any_text_is_valid() {
        for title in ["", "a", "----", "Ω≈ç√", &"long words ".repeat(40), "x\u{0}y\n\tz"] {
            if let Some(slug) = Slug::from_title(title) {
                assert!(Slug::parse(slug.as_str()).is_ok(), "{title:?} gave {slug}");
            }
        }
    }
}
