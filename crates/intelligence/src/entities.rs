//! Finding people, organisations and places, and joining the ways an
//! article names each of them into one entity.
//!
//! The tagger reads runs of capitalised words in prose, cuts each run into
//! pieces (titles, names the lists know, unknown names) and decides what an
//! unknown piece is from its shape and its neighbours: a given name first
//! means a person, "Ministry" or "Group" means an organisation, "in" before
//! it means a place. Headings are written in title case, so there only names
//! the lists know or the prose already introduced count.

use std::collections::{HashMap, HashSet};

use crate::gazetteer::{Gazetteer, gazetteer, key};
use crate::text::{BlockKind, Document, Token, TokenKind, tokenize};
use crate::{Entity, EntityKind};

/// Words that end an organisation's name.
const ORG_SUFFIXES: &[&str] = &[
    "gallery",
    "galleries",
    "register",
    "registry",
    "inc",
    "inc.",
    "corp",
    "corp.",
    "corporation",
    "ltd",
    "ltd.",
    "llc",
    "plc",
    "ag",
    "sa",
    "gmbh",
    "group",
    "bank",
    "company",
    "co",
    "co.",
    "holdings",
    "ministry",
    "department",
    "council",
    "committee",
    "commission",
    "party",
    "agency",
    "authority",
    "university",
    "college",
    "institute",
    "association",
    "union",
    "federation",
    "forum",
    "foundation",
    "fund",
    "trust",
    "organisation",
    "organization",
    "court",
    "tribunal",
    "parliament",
    "assembly",
    "senate",
    "congress",
    "police",
    "service",
    "services",
    "board",
    "office",
    "bureau",
    "club",
    "fc",
    "airlines",
    "airways",
    "motors",
    "technologies",
    "technology",
    "systems",
    "energy",
    "pharmaceuticals",
    "pharma",
    "labs",
    "laboratories",
    "partners",
    "capital",
    "hospital",
    "school",
    "network",
    "news",
    "times",
    "post",
    "press",
    "herald",
    "guardian",
    "journal",
    "gazette",
    "tribune",
    "coalition",
    "alliance",
    "front",
    "movement",
    "army",
    "navy",
    "forces",
    "guard",
    "brigade",
    "center",
    "centre",
    "museum",
    "society",
    "reserve",
    "exchange",
    "ventures",
    "media",
    "insurance",
    "mining",
    "shipping",
    "logistics",
    "railways",
    "railway",
    "industries",
    "international",
    "solutions",
    "consulting",
    "collective",
    "cooperative",
    "co-operative",
    "league",
    "academy",
    "church",
    "clinic",
    "studios",
    "records",
    "bancorp",
    "securities",
    "investments",
    "enterprises",
    "electric",
    "steel",
    "oil",
    "gas",
    "petroleum",
    "chemicals",
    "foods",
    "brewery",
    "dynamics",
    "aerospace",
    "robotics",
    "analytics",
    "mobility",
    "commission",
    "cabinet",
    "secretariat",
    "directorate",
    "inspectorate",
    "observatory",
    "watch",
    "monitor",
    "council",
    "regiment",
    "battalion",
    "division",
    "corps",
    "united",
    "rovers",
    "wanderers",
    "athletic",
    "rangers",
    "dockyards",
    "shipyard",
    "works",
    "mills",
    "farms",
    "wines",
];

/// Words that start an organisation's name when "of", "for" or "on" follows.
const ORG_HEADS: &[&str] = &[
    "gallery",
    "library",
    "archive",
    "ministry",
    "department",
    "university",
    "bank",
    "office",
    "court",
    "council",
    "institute",
    "commission",
    "committee",
    "board",
    "agency",
    "museum",
    "church",
    "academy",
    "federation",
    "union",
    "embassy",
    "house",
    "school",
    "college",
    "society",
    "association",
    "bureau",
    "chamber",
    "federal",
    "national",
    "royal",
    "supreme",
    "central",
    "state",
    "international",
    "european",
    "world",
    "united",
    "organisation",
    "organization",
    "centre",
    "center",
    "order",
    "league",
    "fund",
    "party",
    "guild",
    "conference",
];

/// Words that end the name of something that is not an entity: events,
/// competitions, laws, agreements.
const NON_ENTITY_SUFFIXES: &[&str] = &[
    "cup",
    "games",
    "olympics",
    "championship",
    "championships",
    "open",
    "festival",
    "awards",
    "award",
    "prize",
    "summit",
    "act",
    "bill",
    "treaty",
    "accord",
    "accords",
    "agreement",
    "war",
    "day",
    "week",
    "season",
    "final",
    "finals",
    "prix",
    "expo",
    "biennale",
    "marathon",
    "tournament",
    "trophy",
    "series",
    "plan",
    "index",
    "law",
    "doctrine",
    "declaration",
    "convention",
    "protocol",
    "strategy",
    "reform",
    "crisis",
    "storm",
    "hurricane",
    "syndrome",
    "disease",
    "virus",
    "award",
    "medal",
    "lecture",
    "show",
    "gala",
    "derby",
    "classic",
    "rally",
];

/// Words that end a place's name.
const PLACE_SUFFIXES: &[&str] = &[
    "dolna",
    "górna",
    "gorna",
    "wielka",
    "mała",
    "mala",
    "nowa",
    "stara",
    "wieś",
    "wies",
    "zdrój",
    "zdroj",
    "province",
    "region",
    "county",
    "district",
    "island",
    "islands",
    "river",
    "sea",
    "valley",
    "mountains",
    "mountain",
    "lake",
    "bay",
    "peninsula",
    "oblast",
    "krai",
    "state",
    "city",
    "town",
    "village",
    "coast",
    "desert",
    "gulf",
    "strait",
    "canal",
    "heights",
    "hills",
    "plains",
    "forest",
    "prefecture",
    "governorate",
    "municipality",
    "borough",
    "parish",
    "canyon",
    "delta",
    "basin",
    "reef",
    "archipelago",
    "highlands",
    "ocean",
    "harbour",
    "harbor",
    "springs",
    "falls",
    "creek",
    "estuary",
    "fjord",
    "glacier",
    "plateau",
    "steppe",
];

/// Endings of place names in many languages ("Grossenwalde", "Chornomorsk", "Changzhou").
const PLACE_ENDINGS: &[&str] = &[
    "owice", "ów", "ross", "more", "burg", "berg", "stadt", "dorf", "walde", "hausen", "heim", "ville", "ford", "pur",
    "abad", "istan", "ovo", "evo", "ivka", "ivtsi", "sk", "grad", "gorod", "opol", "polis", "zhou", "shan", "jing",
    "ham", "field", "wick", "mouth", "thorpe", "caster", "chester", "minster", "pool", "haven", "bury", "borough",
    "worth", "ingen", "hamn", "fjord", "vik", "kent", "ado", "inho", "polje", "ovac", "ovice",
];

/// First words of place names ("Santa Rita", "Port Harcourt").
const PLACE_PREFIXES: &[&str] = &[
    "county", "san", "santa", "santo", "são", "sao", "puerto", "porto", "port", "fort", "mount", "lake", "cape",
    "saint", "st", "ciudad", "villa", "vila", "nova", "novo", "nueva", "nuevo", "bad", "ras", "wadi", "kafr", "tel",
];

/// Words before a name that say the name is a place.
const LOCATIVES: &[&str] = &[
    "in",
    "at",
    "near",
    "from",
    "outside",
    "across",
    "into",
    "toward",
    "towards",
    "around",
    "via",
    "throughout",
    "inside",
    "to",
    "between",
    "through",
    "beyond",
    "within",
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "downtown",
    "suburban",
    "rural",
];

/// Verbs of speech that often follow a speaker's name.
pub(crate) const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "added",
    "stated",
    "explained",
    "wrote",
    "asked",
    "warned",
    "argued",
    "insisted",
    "noted",
    "continued",
    "replied",
    "announced",
    "declared",
    "recalled",
    "admitted",
    "acknowledged",
    "conceded",
    "claimed",
    "stressed",
    "emphasised",
    "emphasized",
    "remarked",
    "observed",
    "urged",
    "predicted",
    "promised",
    "vowed",
    "cautioned",
    "complained",
    "countered",
    "responded",
    "concluded",
    "believes",
    "thinks",
    "confirmed",
    "denied",
    "reported",
    "tweeted",
    "posted",
    "joked",
    "laughed",
    "sighed",
    "shouted",
    "whispered",
    "conceded",
    "suggested",
    "estimated",
    "recounted",
    "pleaded",
    "testified",
    "wrote",
    "writes",
    "adds",
    "explains",
    "notes",
    "warns",
];

/// Words that describe a person when they follow a name and a comma.
const ROLE_WORDS: &[&str] = &[
    "chief",
    "director",
    "head",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "minister",
    "president",
    "chair",
    "chairman",
    "chairwoman",
    "founder",
    "professor",
    "analyst",
    "economist",
    "lawyer",
    "mayor",
    "manager",
    "coach",
    "captain",
    "executive",
    "secretary",
    "senior",
    "deputy",
    "former",
    "local",
    "lead",
    "senator",
    "governor",
    "councillor",
    "resident",
    "farmer",
    "owner",
    "researcher",
    "scientist",
    "author",
    "editor",
    "reporter",
    "officer",
    "commander",
    "general",
    "ambassador",
    "envoy",
    "judge",
    "prosecutor",
    "partner",
    "vice",
    "co-founder",
    "ceo",
    "father",
    "mother",
    "son",
    "daughter",
    "widow",
    "husband",
    "wife",
    "brother",
    "sister",
    "teacher",
    "doctor",
    "nurse",
    "engineer",
    "worker",
    "driver",
    "pilot",
    "student",
    "activist",
    "campaigner",
    "organiser",
    "organizer",
];

/// Particles of family names, which may come two together ("von der Leyen").
const PARTICLES: &[&str] = &[
    "de", "da", "del", "della", "di", "dos", "das", "du", "van", "von", "der", "den", "ter", "bin", "ibn", "al", "el",
    "la", "le", "do",
];

/// Days and months, which end a name rather than continue it ("the Senate on Monday").
fn is_date_word(word: &str) -> bool {
    const DATE_WORDS: &[&str] = &[
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    DATE_WORDS.contains(&word.to_lowercase().as_str())
}

/// Small words a name may contain.
const CONNECTORS: &[&str] = &[
    "of", "for", "de", "da", "del", "della", "di", "dos", "das", "du", "van", "von", "der", "den", "ter", "bin", "ibn",
    "al", "el", "la", "le", "and", "&", "on", "upon", "y", "the", "do",
];

/// One place in the text where something is named.
#[derive(Debug, Clone)]
pub(crate) struct Mention {
    /// The words as written, without a possessive `'s`.
    pub surface: String,
    pub kind: EntityKind,
    /// The name lists' canonical spelling, when they know it.
    pub canonical: Option<&'static str>,
    /// A title written before a person's name ("Secretary of State").
    pub role: Option<String>,
    /// 0 for the headline, then 1 + the block's index.
    pub unit: usize,
    /// Byte range within the unit's text.
    pub start: usize,
    pub end: usize,
    /// How sure the kind is: 3 for the name lists, 2 for clear evidence, 1 for a default guess.
    pub confidence: u8,
}

impl Mention {
    fn words(&self) -> Vec<&str> {
        self.surface.split_whitespace().collect()
    }
}

/// A piece of a capitalised run, before it is decided what it names.
#[derive(Debug, Clone)]
struct Piece {
    /// Token indices within the unit.
    first: usize,
    last: usize,
    known: Option<(EntityKind, Option<&'static str>)>,
    role: Option<String>,
}

/// The text units of a document: headline first, then each block.
pub(crate) struct Unit<'d> {
    pub text: &'d str,
    pub heading: bool,
    pub tokens: Vec<Token>,
}

pub(crate) fn units(document: &Document) -> Vec<Unit<'_>> {
    let mut units = vec![Unit { text: &document.headline, heading: true, tokens: tokenize(&document.headline) }];
    for block in &document.blocks {
        units.push(Unit {
            text: &block.text,
            heading: block.kind == BlockKind::Heading,
            tokens: tokenize(&block.text),
        });
    }
    units
}

/// Everything named in `units`, in text order (headline last, as it only
/// repeats names).
pub(crate) fn find_mentions(units: &[Unit<'_>]) -> Vec<Mention> {
    let gazetteer = gazetteer();
    let lower_words: HashSet<String> = units
        .iter()
        .flat_map(|u| u.tokens.iter().filter(|t| t.kind == TokenKind::Word).map(|t| t.text(u.text)))
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .map(str::to_owned)
        .collect();
    let mut solo_words = HashSet::new();
    for unit in units.iter().filter(|u| !u.heading) {
        let capital = |i: usize| {
            unit.tokens.get(i).is_some_and(|t| t.kind == TokenKind::Word && is_capitalised(t.text(unit.text)))
        };
        let mut i = 0;
        while i < unit.tokens.len() {
            if !capital(i) {
                i += 1;
                continue;
            }
            // A run of capitalised words; a name used alone is a run of one,
            // or of hyphen-joined words ("Okonkwo-Bello").
            let start = i;
            let mut hyphens_only = true;
            while capital(i + 1) && !unit.tokens[i].possessive {
                let between = &unit.text[unit.tokens[i].end..unit.tokens[i + 1].start];
                hyphens_only &= between == "-";
                i += 1;
            }
            let word = unit.tokens[i].text(unit.text);
            let common = gazetteer.is_not_name(word) || lower_words.contains(&word.to_lowercase());
            if (start == i || hyphens_only) && !common {
                solo_words.insert(word.to_owned());
            }
            i += 1;
        }
    }
    let context =
        Context { gazetteer, lower_words, person_words: HashSet::new(), org_first_words: HashMap::new(), solo_words };
    // First pass: the people and organisations whose names are unambiguous, so
    // a later bare surname or short name can be recognised.
    let mut first = Vec::new();
    for (index, unit) in units.iter().enumerate().filter(|(_, u)| !u.heading) {
        prose_mentions(&context, unit, index, &mut first);
    }
    let mut context = context;
    for mention in &first {
        let words = mention.words();
        if mention.kind == EntityKind::Person && words.len() >= 2 {
            for word in &words {
                if word.chars().next().is_some_and(char::is_uppercase) {
                    context.person_words.insert((*word).to_owned());
                }
            }
        }
        if mention.kind == EntityKind::Organization && words.len() >= 2 && !context.gazetteer.is_not_name(words[0]) {
            context.org_first_words.entry(words[0].to_owned()).or_insert(mention.surface.clone());
        }
    }
    let mut mentions = Vec::new();
    for (index, unit) in units.iter().enumerate().filter(|(_, u)| !u.heading) {
        prose_mentions(&context, unit, index, &mut mentions);
    }
    let mut known: HashMap<String, (EntityKind, Option<&'static str>)> = HashMap::new();
    for mention in &mentions {
        known.entry(key(&mention.surface)).or_insert((mention.kind, mention.canonical));
    }
    for (index, unit) in units.iter().enumerate().filter(|(_, u)| u.heading) {
        heading_mentions(gazetteer, &known, &context.person_words, unit, index, &mut mentions);
    }
    mentions
}

struct Context {
    gazetteer: &'static Gazetteer,
    /// Words the document also uses in lower case: common words, not names.
    lower_words: HashSet<String>,
    /// Words of people's full names, so a bare surname can join its person.
    person_words: HashSet<String>,
    /// The first word of each multi-word organisation name, to its full name.
    org_first_words: HashMap<String, String>,
    /// Capitalised words the prose also uses on their own, as a surname is.
    solo_words: HashSet<String>,
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn is_acronym(word: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    (2..=6).contains(&letters.len())
        && letters.iter().all(|c| c.is_uppercase())
        && word.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '&')
}

/// The capitalised runs of a prose unit, each cut into pieces and classified.
fn prose_mentions(context: &Context, unit: &Unit<'_>, index: usize, out: &mut Vec<Mention>) {
    let tokens = &unit.tokens;
    let mut i = 0;
    while i < tokens.len() {
        if !starts_run(unit, i) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1; // exclusive
        while end < tokens.len() {
            let token = &tokens[end];
            if token.kind != TokenKind::Word || token.sentence != tokens[start].sentence {
                break;
            }
            let word = token.text(unit.text);
            if is_capitalised(word) {
                end += 1;
                continue;
            }
            // Connectors join only when a capitalised word follows them ("von der Leyen").
            // ("on Wednesday" ends a name rather than continuing it.)
            let capital_at = |k: usize| {
                tokens.get(k).is_some_and(|t| {
                    t.kind == TokenKind::Word
                        && t.sentence == token.sentence
                        && is_capitalised(t.text(unit.text))
                        && !is_date_word(t.text(unit.text))
                })
            };
            let connector_at = |k: usize| {
                tokens.get(k).is_some_and(|t| t.kind == TokenKind::Word && PARTICLES.contains(&t.text(unit.text)))
            };
            if CONNECTORS.contains(&word) && capital_at(end + 1) {
                end += 2;
                continue;
            }
            if PARTICLES.contains(&word) && connector_at(end + 1) && capital_at(end + 2) {
                end += 3;
                continue;
            }
            break;
        }
        if inside_short_quotation(unit, start, end) {
            i = end;
            continue;
        }
        for piece in segment(context, unit, start, end) {
            if let Some(mention) = classify(context, unit, index, &piece) {
                out.push(mention);
            }
        }
        i = end;
    }
}

/// A run that fills a short quotation is a title ("the song “Ya Bahr”"), not a name.
fn inside_short_quotation(unit: &Unit<'_>, start: usize, end: usize) -> bool {
    let is_mark = |i: usize| unit.tokens.get(i).is_some_and(|t| t.kind == TokenKind::Quote && t.text(unit.text) != "'");
    start > 0 && is_mark(start - 1) && is_mark(end) && end - start <= 5
}

fn starts_run(unit: &Unit<'_>, i: usize) -> bool {
    let token = &unit.tokens[i];
    token.kind == TokenKind::Word && is_capitalised(token.text(unit.text))
}

fn words_of<'u>(unit: &'u Unit<'_>, first: usize, last: usize) -> Vec<&'u str> {
    unit.tokens[first..=last].iter().map(|t| t.text(unit.text)).collect()
}

/// The longest phrase of the name lists starting at `i` and ending by `end`.
fn longest_known(
    gazetteer: &Gazetteer,
    unit: &Unit<'_>,
    i: usize,
    end: usize,
) -> Option<(usize, EntityKind, &'static str)> {
    let max = gazetteer.longest_name.min(end - i);
    for length in (1..=max).rev() {
        let words = words_of(unit, i, i + length - 1);
        if CONNECTORS.contains(words.last().unwrap_or(&"")) {
            continue;
        }
        // A possessive ends a name: "Russia's Foreign Ministry" is two names.
        if unit.tokens[i..i + length - 1].iter().any(|t| t.possessive) {
            continue;
        }
        if let Some(known) = gazetteer.lookup(&words.join(" ")) {
            return Some((length, known.kind, known.canonical));
        }
    }
    None
}

fn longest_title(gazetteer: &Gazetteer, unit: &Unit<'_>, i: usize, end: usize) -> Option<(usize, &'static str)> {
    let max = gazetteer.longest_title.min(end - i);
    for length in (1..=max).rev() {
        let words = words_of(unit, i, i + length - 1);
        if let Some(title) = gazetteer.titles.get(&key(&words.join(" "))) {
            return Some((length, title));
        }
    }
    None
}

/// An organisation name starting at `i`: a run that ends in an organisation
/// word ("Tarvik Mining Group") or starts with one followed by "of"
/// ("Ministry of Foreign Affairs"). Returns its length.
fn organisation_run(context: &Context, unit: &Unit<'_>, i: usize, end: usize) -> Option<usize> {
    let lower = |j: usize| unit.tokens[j].text(unit.text).to_lowercase();
    let first = lower(i);
    if ORG_HEADS.contains(&first.as_str())
        && i + 2 < end
        && matches!(lower(i + 1).as_str(), "of" | "for" | "on")
        && is_capitalised(unit.tokens[i + 2].text(unit.text))
    {
        let mut j = i + 3;
        while j < end {
            let word = unit.tokens[j].text(unit.text);
            if unit.tokens[j - 1].possessive || longest_title(context.gazetteer, unit, j, end).is_some() {
                break;
            }
            if is_capitalised(word) || (matches!(word, "of" | "and" | "for" | "the" | "&") && j + 1 < end) {
                j += 1;
            } else {
                break;
            }
        }
        return Some(j - i);
    }
    // The furthest organisation word, without crossing a title or a known
    // possessor ("Russia's Foreign Ministry" is two names, "Residents'
    // Association" one). "of" continues a name only after an organisation
    // word ("Chicago Board of Trade"), and then runs to the end of the name.
    let mut best = None;
    let mut j = i;
    while j < end {
        if j > i && longest_title(context.gazetteer, unit, j, end).is_some() {
            break;
        }
        let word = lower(j);
        if j > i && context.gazetteer.is_demonym(&word) {
            break;
        }
        if matches!(word.as_str(), "of" | "for" | "on") && !is_capitalised(unit.tokens[j].text(unit.text)) {
            let before = lower(j - 1);
            // "Transport for London", "Doctors for Peace": a name, then "for".
            let for_name = word == "for" && j == i + 1 && !context.gazetteer.is_given_name(&before);
            if j > i && (ORG_SUFFIXES.contains(&before.as_str()) || ORG_HEADS.contains(&before.as_str()) || for_name) {
                let mut k = j + 1;
                while k < end
                    && (is_capitalised(unit.tokens[k].text(unit.text))
                        || (CONNECTORS.contains(&lower(k).as_str()) && k + 1 < end))
                    && !unit.tokens[k - 1].possessive
                    && !is_date_word(unit.tokens[k].text(unit.text))
                {
                    k += 1;
                }
                if k > j + 1 {
                    best = Some(k - i);
                }
            }
            break;
        }
        if j > i && ORG_SUFFIXES.contains(&word.as_str()) {
            best = Some(j + 1 - i);
        }
        if unit.tokens[j].possessive && !plural_possessive(unit, j) {
            break;
        }
        j += 1;
    }
    best
}

/// "Residents' Association": an apostrophe after a plural, which can sit
/// inside a name, unlike "Russia's".
fn plural_possessive(unit: &Unit<'_>, j: usize) -> bool {
    let after = &unit.text[unit.tokens[j].end..];
    let mut chars = after.chars();
    matches!(chars.next(), Some('\'' | '\u{2019}')) && chars.next().is_some_and(char::is_whitespace)
}

/// Cuts the capitalised run `start..end` into titles, known names and unknown names.
fn segment(context: &Context, unit: &Unit<'_>, start: usize, end: usize) -> Vec<Piece> {
    let gazetteer = context.gazetteer;
    let mut pieces = Vec::new();
    let mut role: Option<String> = None;
    let mut unknown_start: Option<usize> = None;
    let mut i = start;
    let flush = |from: Option<usize>, to: usize, role: &mut Option<String>, pieces: &mut Vec<Piece>| {
        if let Some(from) = from
            && from < to
        {
            pieces.push(Piece { first: from, last: to - 1, known: None, role: role.take() });
        }
    };
    while i < end {
        let word = unit.tokens[i].text(unit.text);
        let lower = word.to_lowercase();
        if CONNECTORS.contains(&lower.as_str()) && !is_capitalised(word) {
            flush(unknown_start.take(), i, &mut role, &mut pieces);
            i += 1;
            continue;
        }
        let token = &unit.tokens[i];
        let common = gazetteer.is_not_name(word) || context.lower_words.contains(&lower) || lower == "the";
        if unknown_start.is_none()
            && common
            && (token.sentence_start || lower == "the")
            && !gazetteer.is_given_name(word)
        {
            i += 1;
            continue;
        }
        let known = longest_known(gazetteer, unit, i, end);
        let organisation = organisation_run(context, unit, i, end);
        // A name the lists know wins, unless an organisation's name is longer
        // ("Kyiv School of Economics") or it is a given name before a surname.
        let known_length = known.map_or(0, |k| k.0);
        if let Some(length) = organisation
            && length > known_length
            && unknown_start.is_none()
        {
            pieces.push(Piece {
                first: i,
                last: i + length - 1,
                known: Some((EntityKind::Organization, None)),
                role: None,
            });
            role = None;
            i += length;
            continue;
        }
        if let Some((length, kind, canonical)) = known {
            let next_unknown = i + length < end
                && !unit.tokens[i + length - 1].possessive
                && is_capitalised(unit.tokens[i + length].text(unit.text))
                && longest_known(gazetteer, unit, i + length, end).is_none()
                && longest_title(gazetteer, unit, i + length, end).is_none();
            let given_name_first =
                length == 1 && kind != EntityKind::Person && gazetteer.is_given_name(word) && next_unknown;
            // "Tokyo Electron", "Moss Side Albion": a place's name, then a name that is not a person's.
            if kind == EntityKind::Place && next_unknown && !given_name_first && unknown_start.is_none() {
                let mut k = i + length;
                while k < end
                    && is_capitalised(unit.tokens[k].text(unit.text))
                    && !gazetteer.is_given_name(unit.tokens[k].text(unit.text))
                    && !gazetteer.is_demonym(unit.tokens[k].text(unit.text))
                    && longest_title(gazetteer, unit, k, end).is_none()
                    && longest_known(gazetteer, unit, k, end).is_none()
                    && !context.lower_words.contains(&unit.tokens[k].text(unit.text).to_lowercase())
                {
                    k += 1;
                    if unit.tokens[k - 1].possessive {
                        break;
                    }
                }
                if k > i + length {
                    let known = Some((EntityKind::Organization, None));
                    pieces.push(Piece { first: i, last: k - 1, known, role: None });
                    i = k;
                    continue;
                }
            }
            if !given_name_first {
                flush(unknown_start.take(), i, &mut role, &mut pieces);
                let taken_role = if kind == EntityKind::Person { role.take() } else { None };
                pieces.push(Piece {
                    first: i,
                    last: i + length - 1,
                    known: Some((kind, Some(canonical))),
                    role: taken_role,
                });
                i += length;
                continue;
            }
        }
        if let Some((length, title)) = longest_title(gazetteer, unit, i, end) {
            // "General Motors" is a name, not a general: only take the title
            // when a name follows it.
            if i + length < end && !unit.tokens[i + length - 1].possessive {
                flush(unknown_start.take(), i, &mut role, &mut pieces);
                role = Some(title.to_owned());
                i += length;
                continue;
            }
        }
        if gazetteer.is_demonym(word) && organisation.is_none() {
            flush(unknown_start.take(), i, &mut role, &mut pieces);
            // "Brazilian Red Cross": a demonym opens the name of a national organisation.
            let next_organisation = (i + 1 < end)
                .then(|| {
                    let known = longest_known(gazetteer, unit, i + 1, end)
                        .filter(|k| k.1 == EntityKind::Organization)
                        .map(|k| k.0);
                    known.or_else(|| organisation_run(context, unit, i + 1, end))
                })
                .flatten();
            if let Some(length) = next_organisation {
                pieces.push(Piece {
                    first: i,
                    last: i + length,
                    known: Some((EntityKind::Organization, None)),
                    role: None,
                });
                i += length + 1;
                continue;
            }
            i += 1;
            continue;
        }

        if unknown_start.is_none() {
            unknown_start = Some(i);
        }
        if unit.tokens[i].possessive {
            flush(unknown_start.take(), i + 1, &mut role, &mut pieces);
        }
        i += 1;
    }
    flush(unknown_start.take(), end, &mut role, &mut pieces);
    pieces
}

fn lower_word_at(unit: &Unit<'_>, index: Option<usize>) -> Option<String> {
    let token = unit.tokens.get(index?)?;
    (token.kind == TokenKind::Word).then(|| token.text(unit.text).to_lowercase())
}

/// Decides what a piece names, if anything, and makes the mention.
fn classify(context: &Context, unit: &Unit<'_>, index: usize, piece: &Piece) -> Option<Mention> {
    let gazetteer = context.gazetteer;
    let mut first = piece.first;
    let last = piece.last;
    let make = |first: usize, kind: EntityKind, canonical: Option<&'static str>, role: Option<String>| {
        let start = unit.tokens[first].start;
        let end = unit.tokens[last].end;
        let surface = unit.text[start..end].split_whitespace().collect::<Vec<_>>().join(" ");
        Some(Mention { surface, kind, canonical, role, unit: index, start, end, confidence: 2 })
    };
    if let Some((kind, canonical)) = piece.known {
        let mut mention = make(first, kind, canonical, piece.role.clone())?;
        mention.confidence = if canonical.is_some() { 3 } else { 2 };
        return Some(mention);
    }
    // Drop a capitalised common word that only starts the sentence, and "The".
    while first <= last {
        let token = &unit.tokens[first];
        let word = token.text(unit.text);
        let lower = word.to_lowercase();
        let common = gazetteer.is_not_name(word) || context.lower_words.contains(&lower);
        let sentence_opening = token.sentence_start && common && !context.person_words.contains(word);
        if sentence_opening || lower == "the" || (common && first < last && !gazetteer.is_given_name(word)) {
            first += 1;
        } else {
            break;
        }
    }
    if first > last {
        return None;
    }
    let words = words_of(unit, first, last);
    if words.iter().all(|w| gazetteer.is_not_name(w) || context.lower_words.contains(&w.to_lowercase())) {
        return None;
    }
    // Numbers and codes ("HX-217", "DB-SC1") name products and models, not entities.
    if words.iter().any(|w| w.chars().any(|c| c.is_ascii_digit())) {
        return None;
    }
    let lower_words: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let previous = lower_word_at(unit, first.checked_sub(1));
    let next = lower_word_at(unit, Some(last + 1));
    let sentence_start = unit.tokens[first].sentence_start;
    let followed_by_speech = next.as_deref().is_some_and(|n| SPEECH_VERBS.contains(&n));
    let locative = previous.as_deref().is_some_and(|p| LOCATIVES.contains(&p));
    let first_lower = lower_words[0].as_str();
    let last_lower = lower_words[lower_words.len() - 1].as_str();

    if NON_ENTITY_SUFFIXES.contains(&last_lower) && piece.role.is_none() {
        return None;
    }
    let previous_said = previous.as_deref().is_some_and(|p| SPEECH_VERBS.contains(&p));
    let mut guessed = false;
    let apposition = unit.tokens.get(last + 1).is_some_and(|t| t.text(unit.text) == ",")
        && lower_word_at(unit, Some(last + 2)).is_some_and(|w| {
            matches!(w.as_str(), "a" | "an" | "who" | "aged" | "whose")
                || w.chars().all(|c| c.is_ascii_digit())
                || ROLE_WORDS.contains(&w.as_str())
        });
    let organisation_shape = words.len() >= 2
        && (ORG_SUFFIXES.contains(&last_lower)
            || (ORG_HEADS.contains(&first_lower) && lower_words.iter().any(|w| w == "of")));
    let place_shape = words.len() >= 2 && PLACE_SUFFIXES.contains(&last_lower);
    let person_shape = piece.role.is_some()
        || (words.len() >= 2
            && (gazetteer.is_given_name(words[0])
                || is_initial(words[0])
                || (gazetteer.is_surname_first(words[0]) && words.len() <= 3)
                || context.person_words.contains(words[words.len() - 1])));
    let kind = if organisation_shape {
        EntityKind::Organization
    } else if place_shape {
        EntityKind::Place
    } else if person_shape {
        EntityKind::Person
    } else if words.len() == 1 {
        let word = words[0];
        // "Tarvik" after "Tarvik Mining Group" is the same organisation; so is an acronym or a brand.
        let organisation_word = context.org_first_words.contains_key(word) || is_acronym(word) || is_camel_case(word);
        // "NAIROBI, Kenya —": a dateline in capitals opens the story.
        let dateline = first == 0
            && word.chars().filter(|c| c.is_alphabetic()).count() >= 4
            && word.chars().all(|c| !c.is_lowercase())
            && unit
                .tokens
                .get(1)
                .is_some_and(|t| matches!(t.text(unit.text), "," | "\u{2014}" | "-" | "\u{2013}" | "("));
        if dateline {
            EntityKind::Place
        } else if context.person_words.contains(word) {
            EntityKind::Person
        } else if organisation_word {
            EntityKind::Organization
        } else if sentence_start && !followed_by_speech {
            return None;
        } else if previous.as_deref() == Some("said") {
            EntityKind::Person
        } else if locative {
            EntityKind::Place
        } else if looks_like_place(word) {
            guessed = true;
            EntityKind::Place
        } else {
            // A capitalised word that is not a common word, a known name or a
            // surname: in news, most often a company or body ("Northvolt said").
            guessed = true;
            EntityKind::Organization
        }
    } else if (locative && !followed_by_speech && !apposition) || PLACE_PREFIXES.contains(&first_lower) {
        EntityKind::Place
    } else {
        let organisation_words = lower_words.iter().any(|w| matches!(w.as_str(), "of" | "for" | "and" | "&" | "on"))
            || words.iter().any(|w| is_acronym(w))
            || words.len() > 3;
        // Named in full once, then by surname; or introduced as a person is.
        let person_evidence = previous_said || apposition || context.solo_words.contains(words[words.len() - 1]);
        if !organisation_words && person_evidence {
            EntityKind::Person
        } else {
            guessed = !organisation_words;
            EntityKind::Organization
        }
    };
    let mut mention = make(first, kind, None, piece.role.clone())?;
    mention.confidence = if guessed { 1 } else { 2 };
    Some(mention)
}

fn looks_like_place(word: &str) -> bool {
    let lower = word.to_lowercase();
    lower.chars().count() >= 5 && PLACE_ENDINGS.iter().any(|ending| lower.ends_with(ending))
}

/// "PayKobo", "AgroSul": a capital inside a word, as brand names have (not "McDonald").
fn is_camel_case(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    chars.len() >= 4
        && !word.starts_with("Mc")
        && !word.starts_with("Mac")
        && chars.windows(2).skip(1).any(|w| w[0].is_lowercase() && w[1].is_uppercase())
}

/// "J", "J.", "W.B.": initials before a surname.
fn is_initial(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    let single = chars.len() <= 2 && chars[0].is_uppercase() && chars.get(1).is_none_or(|c| *c == '.');
    let dotted = chars.len() >= 4 && chars.chunks(2).all(|pair| pair[0].is_uppercase() && pair.get(1) == Some(&'.'));
    single || dotted
}

/// Names in a heading: only those the lists know or the prose introduced.
fn heading_mentions(
    gazetteer: &Gazetteer,
    known: &HashMap<String, (EntityKind, Option<&'static str>)>,
    person_words: &HashSet<String>,
    unit: &Unit<'_>,
    index: usize,
    out: &mut Vec<Mention>,
) {
    let tokens = &unit.tokens;
    let mut i = 0;
    while i < tokens.len() {
        if !starts_run(unit, i) {
            i += 1;
            continue;
        }
        let mut found = None;
        for length in (1..=6.min(tokens.len() - i)).rev() {
            let run = &tokens[i..i + length];
            if run.iter().any(|t| t.kind != TokenKind::Word) || run[..length - 1].iter().any(|t| t.possessive) {
                continue;
            }
            let phrase = words_of(unit, i, i + length - 1).join(" ");
            if let Some(&(kind, canonical)) = known.get(&key(&phrase)) {
                found = Some((length, kind, canonical));
                break;
            }
            if let Some(entry) = gazetteer.lookup(&phrase) {
                found = Some((length, entry.kind, Some(entry.canonical)));
                break;
            }
            if length == 1 && person_words.contains(phrase.as_str()) {
                found = Some((1, EntityKind::Person, None));
                break;
            }
        }
        match found {
            Some((length, kind, canonical)) => {
                let start = tokens[i].start;
                let end = tokens[i + length - 1].end;
                let surface = unit.text[start..end].split_whitespace().collect::<Vec<_>>().join(" ");
                out.push(Mention { surface, kind, canonical, role: None, unit: index, start, end, confidence: 2 });
                i += length;
            }
            None => i += 1,
        }
    }
}

/// Mentions grouped into entities: aliases, surnames and acronyms joined.
pub(crate) struct Clusters {
    /// For each entity, the indices of its mentions.
    pub members: Vec<Vec<usize>>,
    /// For each mention, its entity.
    pub entity_of: Vec<usize>,
}

pub(crate) fn cluster(mentions: &[Mention]) -> Clusters {
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut entity_of = vec![usize::MAX; mentions.len()];
    let mut by_canonical: HashMap<(EntityKind, &str), usize> = HashMap::new();
    let mut by_surface: HashMap<String, usize> = HashMap::new();
    // Prose before headings, so a heading's "Blinken" joins the full name.
    let mut order: Vec<usize> = (0..mentions.len()).collect();
    order.sort_by_key(|&m| (mentions[m].unit == 0, mentions[m].words().len() == 1));
    let mut assign = |m: usize, entity: usize, members: &mut Vec<Vec<usize>>| {
        members[entity].push(m);
        entity_of[m] = entity;
    };
    for &m in &order {
        let mention = &mentions[m];
        let surface_key = key(&mention.surface);
        if let Some(canonical) = mention.canonical
            && let Some(&entity) = by_canonical.get(&(mention.kind, canonical))
        {
            assign(m, entity, &mut members);
            continue;
        }
        if let Some(&entity) = by_surface.get(&surface_key) {
            assign(m, entity, &mut members);
            if let Some(canonical) = mention.canonical {
                by_canonical.insert((mention.kind, canonical), entity);
            }
            continue;
        }
        let joined = match mention.kind {
            EntityKind::Person => person_match(mentions, &members, mention),
            EntityKind::Organization => {
                acronym_match(mentions, &members, mention).or_else(|| short_name_match(mentions, &members, mention))
            }
            EntityKind::Place => None,
        };
        let entity = joined.unwrap_or_else(|| {
            members.push(Vec::new());
            members.len() - 1
        });
        assign(m, entity, &mut members);
        by_surface.insert(surface_key, entity);
        if let Some(canonical) = mention.canonical {
            by_canonical.insert((mention.kind, canonical), entity);
        }
    }
    // An acronym met before its expansion, or a type decided differently in
    // two places: join what is plainly the same name.
    let mut merged = true;
    while merged {
        merged = false;
        'outer: for a in 0..members.len() {
            for b in 0..members.len() {
                if a == b || members[a].is_empty() || members[b].is_empty() {
                    continue;
                }
                let name_a = display_name(mentions, &members[a]);
                let name_b = display_name(mentions, &members[b]);
                let kind_a = mentions[members[a][0]].kind;
                let kind_b = mentions[members[b][0]].kind;
                let same = (kind_a == EntityKind::Organization
                    && kind_b == EntityKind::Organization
                    && is_acronym(&name_a)
                    && initials(&name_b) == name_a.replace('.', ""))
                    || (kind_a == EntityKind::Person
                        && kind_b == EntityKind::Person
                        && name_a.split_whitespace().count() == 1
                        && name_b.split_whitespace().last() == Some(name_a.as_str()));
                if same {
                    let moved = std::mem::take(&mut members[a]);
                    for &m in &moved {
                        entity_of[m] = b;
                    }
                    members[b].extend(moved);
                    merged = true;
                    break 'outer;
                }
            }
        }
    }
    Clusters { members, entity_of }
}

fn person_match(mentions: &[Mention], members: &[Vec<usize>], mention: &Mention) -> Option<usize> {
    let words = mention.words();
    let last = *words.last()?;
    // The most recent person whose name ends the same way (or contains this one word).
    members.iter().enumerate().rev().find_map(|(entity, list)| {
        let first = mentions.get(*list.first()?)?;
        if first.kind != EntityKind::Person {
            return None;
        }
        let compatible = list.iter().any(|&m| {
            let other = mentions[m].words();
            if words.len() == 1 {
                other.len() > 1 && other.contains(&last)
            } else {
                other.last() == Some(&last) && (other.len() == 1 || other.first() == words.first())
            }
        });
        compatible.then_some(entity)
    })
}

fn acronym_match(mentions: &[Mention], members: &[Vec<usize>], mention: &Mention) -> Option<usize> {
    let compact = mention.surface.replace('.', "");
    members.iter().enumerate().find_map(|(entity, list)| {
        let first = mentions.get(*list.first()?)?;
        if first.kind != EntityKind::Organization {
            return None;
        }
        let matches = list.iter().any(|&m| {
            let other = &mentions[m].surface;
            (is_acronym(&mention.surface) && initials(other) == compact)
                || (is_acronym(other) && initials(&mention.surface) == other.replace('.', ""))
        });
        matches.then_some(entity)
    })
}

/// "Hanrui" after "Hanrui Energy", "Sudecka Miedź" after "Sudecka Miedź SA":
/// the first words of an organisation's name alone name it.
fn short_name_match(mentions: &[Mention], members: &[Vec<usize>], mention: &Mention) -> Option<usize> {
    let short = mention.words();
    members.iter().enumerate().find_map(|(entity, list)| {
        let first = mentions.get(*list.first()?)?;
        let longer = list.iter().any(|&m| {
            let words = mentions[m].words();
            words.len() > short.len() && words.starts_with(&short)
        });
        (first.kind == EntityKind::Organization && longer).then_some(entity)
    })
}

/// "World Economic Forum" -> "WEF": the capitals of its significant words.
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter(|w| !matches!(w.to_lowercase().as_str(), "of" | "the" | "and" | "for" | "on" | "&"))
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .collect()
}

/// The fullest way the article writes the entity's name.
pub(crate) fn display_name(mentions: &[Mention], list: &[usize]) -> String {
    list.iter()
        .map(|&m| &mentions[m].surface)
        .max_by_key(|s| (s.split_whitespace().count(), !is_acronym(s), s.len()))
        .cloned()
        .unwrap_or_default()
}

/// Builds the entities with their salience: how often and how early and
/// prominently (headline, first paragraph) the article names them.
pub(crate) fn entities(mentions: &[Mention], clusters: &Clusters, quotes: &[crate::Quote]) -> Vec<Entity> {
    let mut scored: Vec<(Entity, f64)> = Vec::new();
    for list in clusters.members.iter().filter(|l| !l.is_empty()) {
        let mut ordered = list.clone();
        ordered.sort_by_key(|&m| (mentions[m].unit == 0, mentions[m].unit, mentions[m].start));
        let kind = majority_kind(mentions, &ordered);
        let in_headline = ordered.iter().any(|&m| mentions[m].unit == 0);
        let body_mentions = ordered.iter().filter(|&&m| mentions[m].unit != 0).count();
        let earliest = ordered.iter().map(|&m| mentions[m].unit).filter(|&u| u != 0).min().unwrap_or(0);
        let name = display_name(mentions, &ordered);
        let quoted = quotes.iter().filter(|q| q.speaker.as_deref() == Some(name.as_str())).count();
        // People and organisations act in a story; places are mostly its setting.
        let weight = match kind {
            EntityKind::Person => 1.5,
            EntityKind::Organization => 1.2,
            EntityKind::Place => 0.8,
        };
        let score = weight
            * (body_mentions as f64
                + 2.0 * quoted as f64
                + if in_headline { 3.0 } else { 0.0 }
                + match earliest {
                    1 => 2.0,
                    2 => 1.0,
                    _ => 0.0,
                });
        let role = ordered.iter().find_map(|&m| mentions[m].role.clone());
        let canonical = ordered.iter().find_map(|&m| mentions[m].canonical).map(str::to_owned);
        let entity = Entity {
            name,
            kind,
            mentions: ordered.iter().map(|&m| mentions[m].surface.clone()).collect(),
            salience: 0.0,
            role: if kind == EntityKind::Person { role } else { None },
            canonical,
        };
        scored.push((entity, score));
    }
    let total: f64 = scored.iter().map(|(_, s)| s).sum();
    let mut entities: Vec<Entity> = scored
        .into_iter()
        .map(|(mut e, s)| {
            e.salience = if total > 0.0 { (s / total * 1000.0).round() / 1000.0 } else { 0.0 };
            e
        })
        .collect();
    entities.sort_by(|a, b| b.salience.total_cmp(&a.salience).then_with(|| a.name.cmp(&b.name)));
    entities
}

fn majority_kind(mentions: &[Mention], list: &[usize]) -> EntityKind {
    // What the lists know outweighs evidence, which outweighs any number of guesses.
    let mut counts: HashMap<EntityKind, (u8, usize)> = HashMap::new();
    for &m in list {
        let entry = counts.entry(mentions[m].kind).or_default();
        entry.0 = entry.0.max(mentions[m].confidence);
        entry.1 += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(kind, (confidence, n))| (confidence, n, kind == EntityKind::Person))
        .map_or(EntityKind::Person, |(k, _)| k)
}
