//! Words, sentences and the document shape the analysis reads.

/// An article as the analysis reads it: a headline and blocks of text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// The headline.
    pub headline: String,
    /// Paragraphs and subheadings, in order.
    pub blocks: Vec<Block>,
}

/// One block of an article's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// What the block is.
    pub kind: BlockKind,
    /// Its plain text.
    pub text: String,
}

/// Paragraphs are prose; headings and title-case lines are written in
/// headline style, where a capital letter says nothing about names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// Running prose.
    Paragraph,
    /// A subheading, a "READ ALSO" line, a photo credit: capitalised by style.
    Heading,
}

impl Document {
    /// Reads the plain-text article format: the first line is the headline,
    /// `## ` starts a subheading, blank lines separate paragraphs. Short lines
    /// in title case without a full stop (an unmarked subheading, a "READ
    /// ALSO" line) are read as headings too.
    pub fn from_plain_text(text: &str) -> Self {
        let text = text.trim_start_matches('\u{feff}');
        let mut lines = text.lines();
        let headline = lines.by_ref().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default().to_owned();
        let mut blocks = Vec::new();
        let mut current = String::new();
        let flush = |current: &mut String, blocks: &mut Vec<Block>| {
            let text = current.trim().to_owned();
            current.clear();
            if !text.is_empty() {
                let kind = if looks_like_heading(&text) { BlockKind::Heading } else { BlockKind::Paragraph };
                blocks.push(Block { kind, text });
            }
        };
        for line in lines {
            let line = line.trim();
            if line.is_empty() {
                flush(&mut current, &mut blocks);
            } else if let Some(heading) = line.strip_prefix("## ").or_else(|| line.strip_prefix("# ")) {
                flush(&mut current, &mut blocks);
                blocks.push(Block { kind: BlockKind::Heading, text: heading.trim().to_owned() });
            } else {
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(line);
            }
        }
        flush(&mut current, &mut blocks);
        Self { headline, blocks }
    }

    /// All the text, headline first, for similarity measures.
    pub fn full_text(&self) -> String {
        let mut text = self.headline.clone();
        for block in &self.blocks {
            text.push('\n');
            text.push_str(&block.text);
        }
        text
    }
}

/// A short line in title case that does not end like a sentence.
fn looks_like_heading(text: &str) -> bool {
    if text.len() > 160 || text.ends_with(['.', '!', '?', '"', '\u{201d}', ':']) {
        return false;
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let capitalised = words.iter().filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase())).count();
    words.len() <= 16 && capitalised * 2 > words.len()
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// Letters and digits, with inner apostrophes, hyphens and acronym dots.
    Word,
    /// A quotation mark.
    Quote,
    /// Any other punctuation.
    Punct,
}

/// A word or mark, with its place in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
    /// The word had a possessive `'s` (not part of `start..end`).
    pub possessive: bool,
    /// The first word of a sentence (or of a quotation).
    pub sentence_start: bool,
    /// The index of the sentence it belongs to, within its block.
    pub sentence: usize,
}

impl Token {
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.start..self.end]
    }
}

pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02bc}')
}

pub(crate) fn is_quote_mark(c: char) -> bool {
    matches!(c, '"' | '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{00ab}' | '\u{00bb}')
}

/// Words joined to a name by a hyphen that make it an adjective ("London-based").
const NAME_SUFFIXES: &[&str] = &[
    "based",
    "born",
    "led",
    "backed",
    "owned",
    "run",
    "made",
    "bound",
    "style",
    "era",
    "linked",
    "funded",
    "registered",
    "listed",
    "headquartered",
    "affiliated",
    "controlled",
    "supported",
    "brokered",
    "bred",
    "raised",
    "trained",
    "educated",
    "occupied",
    "held",
    "annexed",
    "allied",
    "aligned",
    "friendly",
    "bashing",
    "sponsored",
    "centred",
    "centered",
    "focused",
    "wide",
    "area",
    "specific",
];

/// Words that end with a dot without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "St", "Gen", "Lt", "Col", "Sen", "Rep", "Gov", "Prof", "Jr", "Sr", "Inc", "Co", "Corp",
    "Ltd", "No", "vs", "Capt", "Sgt", "Adm", "Maj", "Rev", "Mt", "Ft", "Jan", "Feb", "Aug", "Sept", "Sep", "Oct",
    "Nov", "Dec", "approx", "etc", "Cmdr", "Supt", "Insp", "Det",
];

/// Splits `text` into tokens and marks sentence starts.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let offset = |i: usize| chars.get(i).map_or(text.len(), |&(o, _)| o);
    let mut tokens: Vec<Token> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        // Dotted acronyms: "U.S.", "U.N.", "U.K."
        if c.is_uppercase()
            && at(i + 1) == Some('.')
            && at(i + 2).is_some_and(char::is_uppercase)
            && at(i + 3) == Some('.')
        {
            let start = i;
            while at(i).is_some_and(char::is_uppercase) && at(i + 1) == Some('.') {
                i += 2;
            }
            tokens.push(Token {
                kind: TokenKind::Word,
                start: offset(start),
                end: offset(i),
                possessive: false,
                sentence_start: false,
                sentence: 0,
            });
            continue;
        }
        if c.is_alphanumeric() {
            let start = i;
            let mut possessive = false;
            let mut skip = 0;
            i += 1;
            loop {
                match at(i) {
                    Some(c) if c.is_alphanumeric() => i += 1,
                    Some(c) if is_apostrophe(c) => {
                        let next = at(i + 1);
                        let after = at(i + 2);
                        if matches!(next, Some('s' | 'S')) && !after.is_some_and(char::is_alphanumeric) {
                            possessive = true;
                            skip = 2;
                            break;
                        }
                        // A plural possessive before a name: "Residents' Association".
                        if matches!(chars[i - 1].1, 's' | 'S')
                            && next.is_some_and(char::is_whitespace)
                            && after.is_some_and(char::is_uppercase)
                        {
                            possessive = true;
                            skip = 1;
                            break;
                        }
                        if next.is_some_and(char::is_alphabetic) && chars[i - 1].1.is_alphabetic() {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    // Inner hyphens join lower-case words ("re-establishing"); before a
                    // capital they separate names ("North Korea-Russia", "Jean-Pierre").
                    Some('-' | '\u{2011}') if at(i + 1).is_some_and(char::is_alphanumeric) => {
                        if at(i + 1).is_some_and(char::is_uppercase) {
                            break;
                        }
                        // "London-based", "Kremlin-backed": the name stands alone.
                        let suffix: String =
                            chars[i + 1..].iter().map(|&(_, c)| c).take_while(|c| c.is_alphabetic()).collect();
                        if chars[start].1.is_uppercase() && NAME_SUFFIXES.contains(&suffix.as_str()) {
                            break;
                        }
                        i += 1;
                    }
                    _ => break,
                }
            }
            let mut end = offset(i);
            // An initial or a title's abbreviation keeps its dot before a name:
            // "Jack B. Yeats", "Col. Tanaka". No sentence ends there.
            let word = &text[offset(start)..end];
            let abbreviation =
                (word.chars().count() == 1 && word.chars().all(char::is_uppercase)) || ABBREVIATIONS.contains(&word);
            if !possessive
                && abbreviation
                && at(i) == Some('.')
                && at(i + 1).is_some_and(char::is_whitespace)
                && at(i + 2).is_some_and(char::is_uppercase)
            {
                i += 1;
                end = offset(i);
            }
            tokens.push(Token {
                kind: TokenKind::Word,
                start: offset(start),
                end,
                possessive,
                sentence_start: false,
                sentence: 0,
            });
            i += skip;
            continue;
        }
        // A hyphen between a word and a capital joins two names: no mark between them.
        if matches!(c, '-' | '\u{2011}')
            && i > 0
            && chars[i - 1].1.is_alphanumeric()
            && at(i + 1).is_some_and(char::is_uppercase)
        {
            i += 1;
            continue;
        }
        let kind = if is_quote_mark(c) || is_apostrophe(c) { TokenKind::Quote } else { TokenKind::Punct };
        tokens.push(Token {
            kind,
            start: offset(i),
            end: offset(i + 1),
            possessive: false,
            sentence_start: false,
            sentence: 0,
        });
        i += 1;
    }
    mark_sentences(text, &mut tokens);
    tokens
}

fn mark_sentences(text: &str, tokens: &mut [Token]) {
    let mut sentence = 0;
    let mut starts_next = true;
    for i in 0..tokens.len() {
        let token = tokens[i];
        tokens[i].sentence = sentence;
        match token.kind {
            TokenKind::Word => {
                if starts_next {
                    tokens[i].sentence_start = true;
                    starts_next = false;
                }
            }
            TokenKind::Quote => {
                // The first word inside an opening quotation is capitalised by style.
                let opening = tokens.get(i + 1).is_some_and(|t| t.kind == TokenKind::Word && t.start == token.end);
                if opening && !token_text_is_apostrophe(text, &token) {
                    starts_next = true;
                }
            }
            TokenKind::Punct => {
                let mark = token.text(text);
                if matches!(mark, "." | "!" | "?") {
                    let previous = i.checked_sub(1).map(|p| tokens[p]);
                    let abbreviation = previous.is_some_and(|p| {
                        let word = p.text(text);
                        p.kind == TokenKind::Word
                            && p.end == token.start
                            && (ABBREVIATIONS.contains(&word)
                                || (word.chars().count() == 1 && word.chars().all(char::is_uppercase)))
                    });
                    if !abbreviation {
                        sentence += 1;
                        starts_next = true;
                    }
                } else if mark == ":" {
                    starts_next = true;
                }
            }
        }
    }
}

fn token_text_is_apostrophe(text: &str, token: &Token) -> bool {
    token.text(text).chars().all(is_apostrophe) && !token.text(text).contains('\u{2018}')
}

/// Lower-case words for similarity, without stop words, lightly stemmed.
pub fn content_words(text: &str) -> Vec<String> {
    tokenize(text)
        .into_iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| t.text(text).to_lowercase())
        .filter(|w| w.chars().count() > 2 && !STOP_WORDS.contains(&w.as_str()) && !w.chars().all(|c| c.is_numeric()))
        .map(|w| stem(&w))
        .collect()
}

/// A light plural and verb-ending stemmer: enough to match "ceasefires" and "ceasefire".
fn stem(word: &str) -> String {
    if let Some(root) = word.strip_suffix("ies")
        && root.chars().count() >= 3
    {
        return format!("{root}y");
    }
    for suffix in ["ing", "ed"] {
        if let Some(root) = word.strip_suffix(suffix)
            && root.chars().count() >= 4
        {
            return root.to_owned();
        }
    }
    match word.strip_suffix('s') {
        Some(root) if root.chars().count() >= 3 && !root.ends_with(['s', 'u', 'i']) => root.to_owned(),
        _ => word.to_owned(),
    }
}

/// Common English words that say nothing about a story's subject.
pub(crate) const STOP_WORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "that",
    "with",
    "was",
    "were",
    "are",
    "has",
    "have",
    "had",
    "not",
    "but",
    "from",
    "this",
    "his",
    "her",
    "its",
    "their",
    "they",
    "them",
    "she",
    "him",
    "who",
    "which",
    "what",
    "when",
    "where",
    "will",
    "would",
    "could",
    "should",
    "said",
    "says",
    "say",
    "also",
    "been",
    "being",
    "than",
    "then",
    "there",
    "these",
    "those",
    "into",
    "over",
    "after",
    "before",
    "about",
    "more",
    "most",
    "some",
    "such",
    "only",
    "other",
    "any",
    "all",
    "can",
    "may",
    "might",
    "must",
    "one",
    "two",
    "three",
    "new",
    "out",
    "our",
    "your",
    "you",
    "just",
    "very",
    "while",
    "since",
    "because",
    "however",
    "told",
    "added",
    "including",
    "year",
    "years",
    "last",
    "week",
    "month",
    "mr",
    "mrs",
    "ms",
    "did",
    "does",
    "like",
    "many",
    "much",
    "made",
    "make",
    "still",
    "even",
    "well",
    "per",
    "under",
    "between",
    "against",
    "during",
    "without",
    "within",
    "through",
    "where",
    "how",
    "why",
    "now",
    "first",
    "time",
    "people",
    "according",
    "get",
    "got",
    "own",
    "off",
    "each",
    "both",
    "way",
    "day",
    "days",
    "take",
    "taken",
    "back",
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).into_iter().filter(|t| t.kind == TokenKind::Word).map(|t| t.text(text)).collect()
    }

    #[test]
    fn possessives_are_split_off_and_remembered() {
        let text = "Russia’s lack and Zelensky‘s appeal and Putin's motives";
        let tokens = tokenize(text);
        let possessive: Vec<&str> = tokens.iter().filter(|t| t.possessive).map(|t| t.text(text)).collect();
        assert_eq!(possessive, ["Russia", "Zelensky", "Putin"]);
    }

    #[test]
    fn inner_apostrophes_hyphens_and_acronym_dots_stay_in_the_word() {
        assert_eq!(
            words("don't O'Brien Secretary-General the U.S. said"),
            ["don't", "O'Brien", "Secretary", "General", "the", "U.S.", "said"]
        );
    }

    #[test]
    fn sentences_do_not_end_after_titles_or_initials() {
        let text = "Mr. Smith met John F. Kennedy. Then he left.";
        let tokens: Vec<Token> = tokenize(text).into_iter().filter(|t| t.kind == TokenKind::Word).collect();
        let starts: Vec<&str> = tokens.iter().filter(|t| t.sentence_start).map(|t| t.text(text)).collect();
        assert_eq!(starts, ["Mr.", "Then"]);
    }

    #[test]
    fn the_plain_text_format_reads_headline_subheadings_and_paragraphs() {
        let doc = Document::from_plain_text("Headline Here\n\nFirst para\ncontinues.\n\n## A Subheading\n\nSecond.\n");
        assert_eq!(doc.headline, "Headline Here");
        assert_eq!(doc.blocks.len(), 3);
        assert_eq!(doc.blocks[0].text, "First para continues.");
        assert_eq!(doc.blocks[1].kind, BlockKind::Heading);
    }

    #[test]
    fn content_words_drop_stop_words_and_fold_plurals() {
        assert_eq!(content_words("The ceasefires and the ceasefire talks"), ["ceasefire", "ceasefire", "talk"]);
    }
}
