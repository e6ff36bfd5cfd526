//! A realistic site of any size, for benchmarks and load tests: sections,
//! authors, tags, articles of varied length spread over years, lead images
//! and approved comments. Deterministic for a given seed, and fast: articles
//! go to the store in batches of one transaction each.

use std::path::Path;
use std::time::Instant;

use masthead_content::{ArticleDraft, Author, Headline, MediaId, NewArticle, NewMedia, Section, Slug, Status, Tag};
use masthead_storage::{ImportedArticle, Store};
use time::{Duration, OffsetDateTime};

use crate::DemoError;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct GenerateOptions {
    /// How many articles.
    pub articles: usize,
    /// Seed of the pseudo-random choices; the same seed gives the same site.
    pub seed: u64,
}

/// What was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateReport {
    /// Articles stored.
    pub articles: usize,
    /// Comments stored.
    pub comments: usize,
}

const BATCH: usize = 2_000;
const YEARS: i64 = 6;

const SECTIONS: &[(&str, &str)] = &[
    ("world", "World"),
    ("politics", "Politics"),
    ("business", "Business"),
    ("science", "Science"),
    ("culture", "Culture"),
    ("sport", "Sport"),
];
const FIRST_NAMES: &[&str] = &[
    "Anna", "Marco", "Sofia", "David", "Leila", "Tomas", "Yuki", "Grace", "Omar", "Ingrid", "Pavel", "Amara", "Lucas",
    "Nadia", "Kenji", "Clara", "Diego", "Hana", "Felix", "Zara",
];
const LAST_NAMES: &[&str] = &[
    "Novak",
    "Rossi",
    "Okafor",
    "Lindqvist",
    "Haddad",
    "Kowalski",
    "Tanaka",
    "Moreau",
    "Silva",
    "Brennan",
    "Petrov",
    "Mensah",
    "Schmidt",
    "Duarte",
    "Ivanova",
];
const SUBJECTS: &[&str] = &[
    "Ceasefire",
    "Parliament",
    "Central bank",
    "Inflation",
    "Elections",
    "Trade talks",
    "Energy prices",
    "Climate summit",
    "Grain exports",
    "Border crossing",
    "Health ministry",
    "Tech giants",
    "Rail strike",
    "Housing market",
    "Space agency",
    "Film festival",
    "Champions league",
    "Water supply",
    "Pension reform",
    "Port workers",
    "Wildfires",
    "Budget vote",
    "Chip makers",
    "Fishing quotas",
    "Vaccine rollout",
    "Opposition leader",
    "Coalition",
    "Refinery",
    "Stock markets",
    "University fees",
];
const VERBS: &[&str] = &[
    "faces new pressure over",
    "signals shift on",
    "rejects calls for",
    "backs plan for",
    "warns of delays in",
    "opens talks on",
    "cuts forecast for",
    "rules out",
    "pledges more money for",
    "questions the cost of",
];
const OBJECTS: &[&str] = &[
    "aid package",
    "interest rates",
    "reform bill",
    "security guarantees",
    "export ban",
    "new tariffs",
    "wage deal",
    "recount",
    "emergency powers",
    "spending cuts",
    "peace plan",
    "green subsidies",
    "safety rules",
    "merger",
];
const PLACES: &[&str] = &[
    "Kyiv", "Brussels", "Geneva", "Warsaw", "Berlin", "Paris", "Nairobi", "Tokyo", "Ottawa", "Lisbon", "Ankara",
    "Helsinki", "Madrid", "Vienna", "Accra",
];
const SENTENCE_PARTS: &[&str] = &[
    "officials said on Tuesday that the talks would continue",
    "the ministry declined to comment on the figures",
    "analysts expect the decision to be reviewed within weeks",
    "opposition members called the plan premature",
    "the proposal still needs the approval of parliament",
    "diplomats described the meeting as constructive",
    "prices have risen for the third month in a row",
    "local residents said they had not been consulted",
    "the agreement covers the next two years",
    "a spokesperson promised more details by Friday",
    "experts warned that the data was incomplete",
    "the figures were revised after an audit",
];

/// A small, fast pseudo-random generator (xorshift64*), so the generated
/// site depends only on the seed.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn slug(text: &str) -> Result<Slug, DemoError> {
    Slug::from_title(text)
        .ok_or_else(|| DemoError::Invalid { file: "generator".into(), message: format!("no slug in {text}") })
}

/// Generates `options.articles` articles into `store`, copying the demo's
/// pictures into `media_dir` for their lead images. `progress` hears the
/// number stored so far after every batch.
pub async fn generate(
    store: &dyn Store,
    media_dir: &Path,
    media_files: &[(String, &[u8])],
    options: GenerateOptions,
    now: OffsetDateTime,
    mut progress: impl FnMut(usize, std::time::Duration),
) -> Result<GenerateReport, DemoError> {
    let started = Instant::now();
    let mut dice = Dice(options.seed | 1);
    let existing = store.sections().await?.len();
    for (position, (s, name)) in SECTIONS.iter().enumerate() {
        let section = Section { slug: slug(s)?, name: (*name).into(), description: format!("{name} news.") };
        store.save_section(&section, u32::try_from(existing + position).unwrap_or(u32::MAX)).await.ok();
    }
    let sections: Vec<Slug> = store.sections().await?.into_iter().map(|s| s.slug).collect();
    let mut authors = Vec::new();
    for first in FIRST_NAMES {
        for last in LAST_NAMES.iter().take(2) {
            let name = format!("{first} {last}");
            let author = Author { slug: slug(&name)?, name, bio: "Correspondent.".into() };
            store.save_author(&author).await?;
            authors.push(author.slug);
        }
    }
    let mut tags = Vec::new();
    for subject in SUBJECTS {
        for place in PLACES.iter().take(10) {
            let name = format!("{subject} {place}");
            let tag = Tag { slug: slug(&name)?, name };
            store.save_tag(&tag).await?;
            tags.push(tag.slug);
        }
    }
    std::fs::create_dir_all(media_dir).map_err(|source| DemoError::Io { path: media_dir.to_owned(), source })?;
    let mut images: Vec<MediaId> = Vec::new();
    for (index, (name, bytes)) in media_files.iter().enumerate().filter(|(_, (n, _))| !n.contains("logo")) {
        let file_name = format!("generated-{index}-{name}");
        let path = media_dir.join(&file_name);
        std::fs::write(&path, bytes).map_err(|source| DemoError::Io { path, source })?;
        let media = store
            .add_media(NewMedia {
                file_name,
                content_type: "image/svg+xml".into(),
                width: 1200,
                height: 800,
                caption: format!("An illustration for the story ({name})."),
                credit: "Illustration: Masthead Graphics".into(),
                alt_text: "An abstract illustration in muted blue and sand tones".into(),
                uploaded_by: None,
            })
            .await?;
        images.push(media.id);
    }
    let span = Duration::days(365 * YEARS).whole_seconds().max(1) as u64;
    let mut report = GenerateReport { articles: 0, comments: 0 };
    let mut batch = Vec::with_capacity(BATCH);
    for n in 0..options.articles {
        let subject = dice.pick(SUBJECTS);
        let headline = format!("{subject} {} {} in {}", dice.pick(VERBS), dice.pick(OBJECTS), dice.pick(PLACES));
        let published = now - Duration::seconds((dice.next() % span) as i64 + 60);
        let paragraphs = 3 + dice.below(12);
        let mut body = String::new();
        for p in 0..paragraphs {
            if p > 0 && p % 4 == 0 {
                body.push_str(&format!("## {} {}\n\n", dice.pick(SUBJECTS), dice.pick(OBJECTS)));
            }
            let sentences = 2 + dice.below(5);
            for s in 0..sentences {
                let part = dice.pick(SENTENCE_PARTS);
                let mut sentence = format!("In {}, {part}", dice.pick(PLACES));
                if s % 2 == 1 {
                    sentence = format!("{}{}", &part[..1].to_uppercase(), &part[1..]);
                }
                body.push_str(&sentence);
                body.push_str(". ");
            }
            body.push_str("\n\n");
        }
        let mut article_tags = Vec::new();
        for _ in 0..1 + dice.below(4) {
            let tag = tags[dice.below(tags.len())].clone();
            if !article_tags.contains(&tag) {
                article_tags.push(tag);
            }
        }
        let mut bylines = vec![authors[dice.below(authors.len())].clone()];
        if dice.below(10) == 0 {
            let second = authors[dice.below(authors.len())].clone();
            if second != bylines[0] {
                bylines.push(second);
            }
        }
        let comment_count = if dice.below(3) == 0 { 0 } else { dice.below(13) };
        let comments = (0..comment_count)
            .map(|c| {
                let name = format!("{} {}.", dice.pick(FIRST_NAMES), &dice.pick(LAST_NAMES)[..1]);
                let body = format!("{} Reader comment {c}.", dice.pick(SENTENCE_PARTS));
                (name, body, published + Duration::minutes(5 + 7 * c as i64))
            })
            .collect::<Vec<_>>();
        report.comments += comments.len();
        let headline_slug = slug(&headline)?;
        batch.push(ImportedArticle {
            article: NewArticle {
                draft: ArticleDraft {
                    slug: Slug::parse(&format!("{headline_slug}-{n}")).map_err(masthead_storage::StorageError::from)?,
                    headline: Headline::parse(&headline).map_err(masthead_storage::StorageError::from)?,
                    standfirst: format!("{} {}.", dice.pick(SENTENCE_PARTS), dice.pick(PLACES)),
                    body_source: body,
                    section: sections[dice.below(sections.len())].clone(),
                    tags: article_tags,
                    authors: bylines,
                    lead_image: (dice.below(10) < 7)
                        .then(|| images.get(dice.below(images.len().max(1))).copied())
                        .flatten(),
                    embargo_until: None,
                },
                status: Status::Published,
                published_at: Some(published),
                updated_at: published,
                owner: None,
            },
            comments,
        });
        if batch.len() == BATCH || n + 1 == options.articles {
            report.articles += usize::try_from(store.import_articles(&batch).await?).unwrap_or(0);
            batch.clear();
            progress(report.articles, started.elapsed());
        }
    }
    Ok(report)
}
