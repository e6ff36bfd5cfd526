//! The name lists the tagger knows: places, organisations, well-known
//! people, given names, titles and capitalised words that are never names.
//! They ship in `data/` and are compiled into the binary, so analysis never
//! needs the network or a model download.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use crate::EntityKind;

/// A name the lists know, under one of its spellings.
#[derive(Debug, Clone)]
pub(crate) struct Known {
    pub kind: EntityKind,
    /// The list's canonical spelling; the key that joins aliases.
    pub canonical: &'static str,
    /// Acronyms in capitals ("WHO", "US") match only as written.
    pub exact: Option<&'static str>,
}

/// Every list, parsed once.
pub(crate) struct Gazetteer {
    /// Lower-case phrase (words joined by one space) to what it names.
    pub names: HashMap<String, Vec<Known>>,
    /// The longest phrase, in words.
    pub longest_name: usize,
    pub given_names: HashSet<String>,
    pub ambiguous_given_names: HashSet<String>,
    /// Lower-case title phrase to its written form.
    pub titles: HashMap<String, &'static str>,
    pub longest_title: usize,
    pub qualifiers: HashSet<String>,
    pub not_names: HashSet<String>,
    pub demonyms: HashSet<String>,
}

static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(Gazetteer::build);

/// The lists, parsed on first use.
pub(crate) fn gazetteer() -> &'static Gazetteer {
    &GAZETTEER
}

fn records(file: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    file.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).map(|l| l.split('\t').map(str::trim).collect())
}

fn list(value: Option<&&'static str>) -> impl Iterator<Item = &'static str> {
    value.copied().unwrap_or_default().split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// The lookup key of a phrase: lower case, single spaces, straight apostrophes.
pub(crate) fn key(phrase: &str) -> String {
    // Hyphens before a capital separate words in the text ("Secretary-General"
    // is read as two), so they do in the lists too.
    let mut spaced = String::with_capacity(phrase.len());
    let mut chars = phrase.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '-' && chars.peek().is_some_and(|n| n.is_uppercase()) {
            spaced.push(' ');
        } else {
            spaced.push(c);
        }
    }
    spaced.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase().replace(['\u{2019}', '\u{2018}'], "'")
}

impl Gazetteer {
    fn build() -> Self {
        let mut gazetteer = Gazetteer {
            names: HashMap::new(),
            longest_name: 1,
            given_names: HashSet::new(),
            ambiguous_given_names: HashSet::new(),
            titles: HashMap::new(),
            longest_title: 1,
            qualifiers: HashSet::new(),
            not_names: HashSet::new(),
            demonyms: HashSet::new(),
        };
        for record in records(include_str!("../data/places.tsv")) {
            let canonical = record[0];
            gazetteer.add(canonical, EntityKind::Place, canonical);
            for alias in list(record.get(2)) {
                gazetteer.add(alias, EntityKind::Place, canonical);
            }
            for demonym in list(record.get(3)) {
                gazetteer.demonyms.insert(key(demonym));
            }
        }
        for record in records(include_str!("../data/organizations.tsv")) {
            let canonical = record[0];
            gazetteer.add(canonical, EntityKind::Organization, canonical);
            for alias in list(record.get(1)) {
                gazetteer.add(alias, EntityKind::Organization, canonical);
            }
        }
        for record in records(include_str!("../data/people.tsv")) {
            let canonical = record[0];
            gazetteer.add(canonical, EntityKind::Person, canonical);
            for alias in list(record.get(1)) {
                gazetteer.add(alias, EntityKind::Person, canonical);
            }
        }
        for line in records(include_str!("../data/given_names.txt")) {
            gazetteer.given_names.insert(key(line[0]));
        }
        for line in records(include_str!("../data/ambiguous_given_names.txt")) {
            gazetteer.ambiguous_given_names.insert(key(line[0]));
        }
        for line in records(include_str!("../data/titles.txt")) {
            let title = line[0];
            gazetteer.longest_title = gazetteer.longest_title.max(title.split_whitespace().count());
            gazetteer.titles.insert(key(title), title);
            if let Some(bare) = title.strip_suffix('.') {
                gazetteer.titles.entry(key(bare)).or_insert(title);
            }
        }
        for line in records(include_str!("../data/title_qualifiers.txt")) {
            gazetteer.qualifiers.insert(key(line[0]));
        }
        for line in records(include_str!("../data/not_names.txt")) {
            gazetteer.not_names.insert(key(line[0]));
        }
        // A demonym is never itself a name, whatever the other lists say.
        for demonym in &gazetteer.demonyms {
            gazetteer.given_names.remove(demonym);
        }
        gazetteer
    }

    fn add(&mut self, phrase: &'static str, kind: EntityKind, canonical: &'static str) {
        let words = phrase.split_whitespace().count();
        if words == 0 {
            return;
        }
        self.longest_name = self.longest_name.max(words);
        let letters: Vec<char> = phrase.chars().filter(|c| c.is_alphabetic()).collect();
        let acronym = letters.len() <= 6 && letters.iter().all(|c| c.is_uppercase());
        let known = Known { kind, canonical, exact: acronym.then_some(phrase) };
        let entries = self.names.entry(key(phrase)).or_default();
        if !entries.iter().any(|k| k.kind == kind && k.canonical == canonical && k.exact == known.exact) {
            entries.push(known);
        }
    }

    /// What the phrase names, given as written (case matters for acronyms).
    pub fn lookup(&self, phrase: &str) -> Option<&Known> {
        let entries = self.names.get(&key(phrase))?;
        let compact: String = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
        // Prefer an exact acronym, then any entry that is not acronym-only.
        entries
            .iter()
            .find(|k| k.exact.is_some_and(|e| e == compact))
            .or_else(|| entries.iter().find(|k| k.exact.is_none()))
    }

    pub fn is_given_name(&self, word: &str) -> bool {
        let word = key(word);
        self.given_names.contains(&word) || self.ambiguous_given_names.contains(&word)
    }

    pub fn is_demonym(&self, word: &str) -> bool {
        self.demonyms.contains(&key(word))
    }

    pub fn is_not_name(&self, word: &str) -> bool {
        let word = key(word);
        self.not_names.contains(&word)
            || LANGUAGES_AND_UNITS.contains(&word.as_str())
            || word.strip_suffix('s').is_some_and(|singular| self.not_names.contains(singular))
    }

    /// Whether a word is a family name written first ("Zhou Pei", "Kim Min-jun").
    pub fn is_surname_first(&self, word: &str) -> bool {
        SURNAMES_FIRST.contains(&key(word).as_str())
    }
}

/// Languages and units, capitalised but never names.
const LANGUAGES_AND_UNITS: &[&str] = &[
    "arabic",
    "english",
    "french",
    "spanish",
    "mandarin",
    "cantonese",
    "portuguese",
    "hindi",
    "urdu",
    "swahili",
    "persian",
    "farsi",
    "hebrew",
    "yiddish",
    "latin",
    "greek",
    "bengali",
    "punjabi",
    "tamil",
    "telugu",
    "yoruba",
    "igbo",
    "hausa",
    "amharic",
    "tagalog",
    "malay",
    "celsius",
    "fahrenheit",
    "kelvin",
    "richter",
    "braille",
];

/// Chinese, Korean and Vietnamese family names, which come before the given name.
const SURNAMES_FIRST: &[&str] = &[
    "wang", "li", "zhang", "liu", "chen", "yang", "zhao", "huang", "zhou", "wu", "xu", "sun", "hu", "zhu", "gao",
    "lin", "he", "guo", "ma", "luo", "liang", "song", "zheng", "xie", "han", "tang", "feng", "yu", "dong", "xiao",
    "cheng", "cao", "yuan", "deng", "fu", "shen", "zeng", "peng", "lu", "su", "jiang", "cai", "jia", "ding", "wei",
    "xue", "ye", "yan", "pan", "du", "dai", "xia", "zhong", "tian", "ren", "fan", "fang", "shi", "yao", "tan", "liao",
    "zou", "xiong", "jin", "hao", "kong", "bai", "cui", "kang", "mao", "qiu", "qin", "gu", "hou", "shao", "meng",
    "long", "wan", "duan", "qian", "yin", "yi", "qiao", "lai", "gong", "wen", "kim", "lee", "park", "choi", "jung",
    "cho", "yoon", "jang", "lim", "oh", "seo", "shin", "kwon", "hwang", "ahn", "yoo", "hong", "jeon", "ko", "moon",
    "son", "bae", "baek", "heo", "nam", "shim", "noh", "kwak", "sung", "cha", "joo", "woo", "min", "ryu", "nguyen",
    "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "ngo", "duong", "ly", "xi",
];
