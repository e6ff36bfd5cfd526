//! A spam score with its reasons, from the comment alone. The score decides
//! nothing by itself: the moderation policy uses it, and moderators see the
//! reasons next to every held comment.

/// Phrases that are almost only ever in spam, lower case.
const SPAM_PHRASES: &[&str] = &[
    "viagra",
    "cialis",
    "casino",
    "payday loan",
    "buy now",
    "click here",
    "free money",
    "work from home",
    "crypto giveaway",
    "bitcoin doubler",
    "earn $",
    "make money fast",
    "seo services",
    "backlinks",
    "escort",
    "100% free",
    "limited offer",
    "visit my site",
    "cheap pills",
    "weight loss",
];

/// How spam-like a comment looks and why; 0 means not at all.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpamScore {
    /// The sum of the reasons' weights.
    pub score: u32,
    /// What raised it, in words a moderator reads.
    pub reasons: Vec<String>,
}

impl SpamScore {
    fn add(&mut self, weight: u32, reason: String) {
        self.score += weight;
        self.reasons.push(reason);
    }
}

/// Scores a comment's name and body.
pub fn score(name: &str, body: &str) -> SpamScore {
    let mut found = SpamScore::default();
    let links = masthead_markup::count_links(body);
    if links > 0 {
        found.add(links.min(3) as u32, format!("{links} link{}", if links == 1 { "" } else { "s" }));
    }
    if masthead_markup::count_links(name) > 0 || name.contains("www.") {
        found.add(3, "a web address in the name".into());
    }
    let lower = format!("{} {}", name.to_lowercase(), body.to_lowercase());
    for phrase in SPAM_PHRASES.iter().filter(|p| lower.contains(**p)) {
        found.add(3, format!("spam phrase “{phrase}”"));
    }
    let letters: Vec<char> = body.chars().filter(|c| c.is_alphabetic()).collect();
    let capitals = letters.iter().filter(|c| c.is_uppercase()).count();
    if letters.len() >= 20 && capitals * 10 > letters.len() * 7 {
        found.add(2, "mostly capital letters".into());
    }
    if has_long_run(body, 10) {
        found.add(1, "a character repeated 10 times or more".into());
    }
    if links > 0 && body.split_whitespace().count() <= links + 2 {
        found.add(2, "little but links".into());
    }
    found
}

fn has_long_run(text: &str, length: usize) -> bool {
    let mut run = 0;
    let mut previous = None;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        run = if Some(c) == previous { run + 1 } else { 1 };
        previous = Some(c);
        if run >= length {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ordinary_comment_scores_nothing() {
        let found = score("Maria", "I was in Kyiv last week and people there see it very differently.");
        assert_eq!(found, SpamScore::default());
    }

    #[test]
    fn typical_spam_scores_high_with_its_reasons() {
        let found = score("Cheap Pills www.pills.example", "BUY NOW https://pills.example https://more.example");
        assert!(found.score >= 5, "{found:?}");
        for reason in ["2 links", "a web address in the name", "spam phrase “buy now”", "little but links"] {
            assert!(found.reasons.iter().any(|r| r == reason), "{reason} missing from {:?}", found.reasons);
        }
    }

    #[test]
    fn shouting_and_repeats_are_noted() {
        let found = score("A", "THIS IS AN OUTRAGE AND EVERYONE SHOULD KNOW!!!!!!!!!!!!");
        assert!(found.reasons.contains(&"mostly capital letters".to_owned()));
        assert!(found.reasons.contains(&"a character repeated 10 times or more".to_owned()));
    }
}
