//! Articles in the newsroom: drafts, saves, revisions, the workflow and corrections.

use masthead_content::{
    Action, Article, ArticleDraft, ArticleId, ArticleSummary, Correction, Headline, MediaId, NewArticle, Revision,
    Slug, Status, Tag, Transition, User,
};
use masthead_storage::{NewsroomFilter, PageRequest, Paged, RevisionSummary};
use time::OffsetDateTime;

use crate::jobs::{PublishScheduled, ScheduledPublication};
use crate::{Newsroom, NewsroomError, NewsroomResult};

/// The fields of an article as a writer typed them, before they are checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftInput {
    /// Headline.
    pub headline: String,
    /// Summary under the headline.
    pub standfirst: String,
    /// Markdown body with news blocks.
    pub body_source: String,
    /// Section slug.
    pub section: String,
    /// Tag names (or slugs); new ones are created.
    pub tags: Vec<String>,
    /// Author slugs in byline order; empty means the writer's own byline.
    pub authors: Vec<String>,
    /// Lead image id, if any.
    pub lead_image: Option<String>,
    /// URL name; empty means one made from the headline.
    pub slug: String,
    /// No publication before this time.
    pub embargo_until: Option<OffsetDateTime>,
}

impl DraftInput {
    /// The input that reproduces an article's current fields.
    pub fn from_article(article: &Article) -> Self {
        Self::from_draft(&article.draft())
    }

    /// The input that reproduces a saved draft.
    pub fn from_draft(draft: &ArticleDraft) -> Self {
        Self {
            headline: draft.headline.as_str().to_owned(),
            standfirst: draft.standfirst.clone(),
            body_source: draft.body_source.clone(),
            section: draft.section.to_string(),
            tags: draft.tags.iter().map(ToString::to_string).collect(),
            authors: draft.authors.iter().map(ToString::to_string).collect(),
            lead_image: draft.lead_image.map(|m| m.to_string()),
            slug: draft.slug.to_string(),
            embargo_until: draft.embargo_until,
        }
    }
}

const MAX_STANDFIRST_CHARS: usize = 600;
const MAX_BODY_BYTES: usize = 500_000;
const MAX_CORRECTION_CHARS: usize = 2_000;
/// The longest headline search taken: no headline is longer.
const MAX_HEADLINE_SEARCH_CHARS: usize = Headline::MAX_CHARS;

impl Newsroom {
    /// The newsroom's article list.
    pub async fn articles(
        &self,
        actor: &User,
        filter: &NewsroomFilter,
        page: PageRequest,
    ) -> NewsroomResult<Paged<ArticleSummary>> {
        self.authorise(actor, Action::ViewNewsroom, None)?;
        // Headlines are short; a longer search is cut, as the reader search is, so no
        // pasted page of text turns into a pattern the database refuses.
        let bounded;
        let filter = match &filter.headline_contains {
            Some(text) if text.chars().count() > MAX_HEADLINE_SEARCH_CHARS => {
                bounded = NewsroomFilter {
                    headline_contains: Some(text.chars().take(MAX_HEADLINE_SEARCH_CHARS).collect()),
                    ..filter.clone()
                };
                &bounded
            }
            _ => filter,
        };
        Ok(self.store.newsroom_articles(filter, page).await?)
    }

    /// One article, whatever its status.
    pub async fn article(&self, actor: &User, id: ArticleId) -> NewsroomResult<Article> {
        self.authorise(actor, Action::ViewNewsroom, None)?;
        self.load(id).await
    }

    pub(crate) async fn load(&self, id: ArticleId) -> NewsroomResult<Article> {
        self.store.article(id).await?.ok_or_else(|| NewsroomError::NotFound(format!("Article {id}")))
    }

    /// Starts a draft owned by `actor`.
    pub async fn create_article(&self, actor: &User, input: DraftInput) -> NewsroomResult<Article> {
        self.authorise(actor, Action::CreateArticle, None)?;
        let mut draft = self.check_draft(actor, input).await?;
        draft.slug = self.free_slug(&draft.slug).await?;
        let now = OffsetDateTime::now_utc();
        let id = self
            .store
            .create_article(NewArticle {
                draft,
                status: Status::Draft,
                published_at: None,
                updated_at: now,
                owner: Some(actor.id),
            })
            .await?;
        let created = self.load(id).await?;
        self.analyse(&created).await?;
        Ok(created)
    }

    /// Saves new fields over `expected_revision`, the revision the writer
    /// started from; refused with [`NewsroomError::Stale`] when someone saved since.
    pub async fn save_article(
        &self,
        actor: &User,
        id: ArticleId,
        expected_revision: u32,
        input: DraftInput,
    ) -> NewsroomResult<Article> {
        let article = self.load(id).await?;
        self.authorise(actor, Action::EditArticle, Some(&article))?;
        let draft = self.check_draft(actor, input).await?;
        self.store.save_article(id, expected_revision, &draft, &actor.name, OffsetDateTime::now_utc()).await?;
        let saved = self.load(id).await?;
        self.analyse(&saved).await?;
        if saved.status == Status::Published {
            self.report_article(&saved, Some(&article)).await?;
            self.announce(&saved).await?;
        }
        Ok(saved)
    }

    /// Takes a workflow step. `publish_at` is the time for [`Transition::Schedule`].
    pub async fn step(
        &self,
        actor: &User,
        id: ArticleId,
        step: Transition,
        publish_at: Option<OffsetDateTime>,
    ) -> NewsroomResult<Article> {
        let article = self.load(id).await?;
        self.authorise(actor, Action::Step(step), Some(&article))?;
        let to = step.apply(article.status)?;
        let now = OffsetDateTime::now_utc();
        let published_at = match step {
            Transition::Publish => {
                self.check_publishable(&article, now).await?;
                // Republishing keeps the original date; the correction log tells readers what changed.
                Some(article.published_at.filter(|_| article.status == Status::Unpublished).unwrap_or(now))
            }
            Transition::Schedule => {
                let at = publish_at.ok_or_else(|| {
                    NewsroomError::Invalid("Give the date and time the article is to be published.".into())
                })?;
                let at = at.replace_millisecond(0).unwrap_or(at).replace_nanosecond(0).unwrap_or(at);
                if at <= now {
                    return Err(NewsroomError::Invalid(
                        "The publish time has passed; choose a later time or publish now.".into(),
                    ));
                }
                self.check_publishable(&article, at).await?;
                Some(at)
            }
            Transition::ReturnToDraft if article.status == Status::Scheduled => None,
            _ => article.published_at,
        };
        // The job that will publish a scheduled article commits with the step itself.
        let publication = match (step, published_at) {
            (Transition::Schedule, Some(at)) => {
                Some(masthead_jobs::job::<PublishScheduled>(&ScheduledPublication { article: id, at }.to_payload(), at))
            }
            _ => None,
        };
        self.store.change_status(id, article.status, to, published_at, now, publication.as_ref()).await?;
        if publication.is_some() {
            self.wake.notify_one();
        }
        let changed = self.load(id).await?;
        if to == Status::Published || article.status == Status::Published {
            self.report_article(&changed, Some(&article)).await?;
            self.announce(&changed).await?;
        }
        tracing::info!(article = %id, step = step.as_str(), by = %actor.email, "workflow step");
        Ok(changed)
    }

    /// Publishes a scheduled article whose time has come, keeping the
    /// scheduled time as its publication time even when the site was down
    /// then. Does nothing when the article was rescheduled or withdrawn.
    pub async fn publish_when_due(&self, due: &ScheduledPublication) -> NewsroomResult<bool> {
        let article = match self.store.article(due.article).await? {
            Some(article) => article,
            None => return Ok(false),
        };
        if article.status != Status::Scheduled || article.published_at != Some(due.at) {
            return Ok(false);
        }
        let now = OffsetDateTime::now_utc();
        if due.at > now {
            return Err(NewsroomError::Conflict("not due yet".into()));
        }
        self.store.change_status(due.article, Status::Scheduled, Status::Published, Some(due.at), now, None).await?;
        let published = self.load(due.article).await?;
        self.report_article(&published, None).await?;
        self.announce(&published).await?;
        tracing::info!(article = %due.article, at = %due.at, "scheduled article published");
        Ok(true)
    }

    /// Appends a dated correction to a published article.
    pub async fn add_correction(&self, actor: &User, id: ArticleId, note: &str) -> NewsroomResult<Article> {
        let article = self.load(id).await?;
        self.authorise(actor, Action::AddCorrection, Some(&article))?;
        if article.status != Status::Published {
            return Err(NewsroomError::Invalid(
                "Corrections are for published articles; edit a draft directly.".into(),
            ));
        }
        let note = note.trim();
        let length = note.chars().count();
        if length == 0 || length > MAX_CORRECTION_CHARS {
            return Err(NewsroomError::Invalid(format!(
                "A correction needs 1 to {MAX_CORRECTION_CHARS} characters saying what was wrong."
            )));
        }
        let correction = Correction { note: note.to_owned(), issued_at: OffsetDateTime::now_utc() };
        self.store.add_correction(id, &correction).await?;
        let corrected = self.load(id).await?;
        self.report_article(&corrected, None).await?;
        self.announce(&corrected).await?;
        Ok(corrected)
    }

    /// An article's revisions, newest first.
    pub async fn revisions(&self, actor: &User, id: ArticleId) -> NewsroomResult<Vec<RevisionSummary>> {
        self.authorise(actor, Action::ViewNewsroom, None)?;
        self.load(id).await?;
        Ok(self.store.revisions(id).await?)
    }

    /// One revision.
    pub async fn revision(&self, actor: &User, id: ArticleId, number: u32) -> NewsroomResult<Revision> {
        self.authorise(actor, Action::ViewNewsroom, None)?;
        self.store
            .revision(id, number)
            .await?
            .ok_or_else(|| NewsroomError::NotFound(format!("Revision {number} of article {id}")))
    }

    /// Saves an old revision's fields as the newest revision.
    pub async fn restore(
        &self,
        actor: &User,
        id: ArticleId,
        number: u32,
        expected_revision: u32,
    ) -> NewsroomResult<Article> {
        let old = self.revision(actor, id, number).await?;
        self.save_article(actor, id, expected_revision, DraftInput::from_draft(&old.draft)).await
    }

    /// What stands between an article and publication, as sentences; empty when it may go out.
    pub async fn publication_problems(&self, article: &Article) -> NewsroomResult<Vec<String>> {
        let mut problems = Vec::new();
        if let Some(image) = &article.lead_image {
            let missing = image.missing_for_publication();
            if !missing.is_empty() {
                problems.push(format!("The lead image needs its {} before publication.", join_words(&missing)));
            }
        }
        let links = self.read_also_targets(&article.body_source).await?;
        for problem in masthead_markup::check(&article.body_source, &links) {
            problems.push(crate::error::sentence(&problem.to_string()));
        }
        Ok(problems)
    }

    /// Everything the editor should point out about an article: publication
    /// problems, plus warnings that do not block it (a credit naming a search engine).
    pub async fn editor_warnings(&self, article: &Article) -> NewsroomResult<Vec<String>> {
        let mut warnings = self.publication_problems(article).await?;
        if let Some(warning) = article.lead_image.as_ref().and_then(|m| m.credit_warning()) {
            warnings.push(warning);
        }
        Ok(warnings)
    }

    async fn check_publishable(&self, article: &Article, at: OffsetDateTime) -> NewsroomResult<()> {
        if let Some(embargo) = article.embargo_until.filter(|embargo| at < *embargo) {
            return Err(NewsroomError::Invalid(format!(
                "The article is embargoed until {}; schedule it for then or later.",
                crate::human_time(embargo)
            )));
        }
        let problems = self.publication_problems(article).await?;
        if problems.is_empty() { Ok(()) } else { Err(NewsroomError::Invalid(problems.join(" "))) }
    }

    /// A resolver that knows which "read also" targets are published.
    async fn read_also_targets(&self, body: &str) -> NewsroomResult<impl masthead_markup::LinkResolver + use<>> {
        let named = masthead_markup::referenced_articles(body);
        let links = self.store.published_links(&named).await?;
        Ok(move |slug: &Slug| {
            links.iter().find(|l| &l.named == slug).map(|l| masthead_markup::ArticleLink {
                headline: l.headline.as_str().to_owned(),
                url: format!("/{}/{}", l.section, l.slug),
            })
        })
    }

    /// Checks typed fields and turns them into a draft, creating new tags.
    async fn check_draft(&self, actor: &User, input: DraftInput) -> NewsroomResult<ArticleDraft> {
        let headline = Headline::parse(&input.headline)?;
        let standfirst = input.standfirst.trim().to_owned();
        if standfirst.chars().count() > MAX_STANDFIRST_CHARS {
            return Err(NewsroomError::Invalid(format!(
                "The standfirst can have at most {MAX_STANDFIRST_CHARS} characters."
            )));
        }
        if input.body_source.len() > MAX_BODY_BYTES {
            return Err(NewsroomError::Invalid("The body is longer than 500,000 bytes.".into()));
        }
        let section =
            Slug::parse(input.section.trim()).map_err(|_| NewsroomError::Invalid("Choose a section.".into()))?;
        if self.store.section(&section).await?.is_none() {
            return Err(NewsroomError::Invalid(format!("There is no section `{section}`.")));
        }
        let mut tags: Vec<Slug> = Vec::new();
        for name in input.tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
            let slug = Slug::from_title(name)
                .ok_or_else(|| NewsroomError::Invalid(format!("The tag `{name}` needs a letter or digit.")))?;
            if self.store.tag(&slug).await?.is_none() {
                self.store.save_tag(&Tag { slug: slug.clone(), name: name.to_owned() }).await?;
            }
            if !tags.contains(&slug) {
                tags.push(slug);
            }
        }
        let mut authors: Vec<Slug> = Vec::new();
        for author in input.authors.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
            let slug = Slug::parse(author)?;
            if self.store.author(&slug).await?.is_none() {
                return Err(NewsroomError::Invalid(format!("There is no author `{slug}`.")));
            }
            if !authors.contains(&slug) {
                authors.push(slug);
            }
        }
        if authors.is_empty() {
            authors.push(actor.author.clone());
        }
        let lead_image = match input.lead_image.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            Some(id) => {
                let id = MediaId::parse(id)?;
                if self.store.media(id).await?.is_none() {
                    return Err(NewsroomError::Invalid("The lead image does not exist.".into()));
                }
                Some(id)
            }
            None => None,
        };
        let slug = match input.slug.trim() {
            "" => Slug::from_title(headline.as_str())
                .ok_or_else(|| NewsroomError::Invalid("The headline needs a letter or digit.".into()))?,
            typed => Slug::parse(typed)?,
        };
        Ok(ArticleDraft {
            slug,
            headline,
            standfirst,
            body_source: input.body_source,
            section,
            tags,
            authors,
            lead_image,
            embargo_until: input.embargo_until,
        })
    }

    /// `wanted`, or `wanted-2`, `wanted-3`… whichever no article uses or used.
    async fn free_slug(&self, wanted: &Slug) -> NewsroomResult<Slug> {
        for n in 1..1000 {
            let candidate = if n == 1 { wanted.clone() } else { Slug::parse(&format!("{wanted}-{n}"))? };
            if self.store.slug_is_free(&candidate).await? {
                return Ok(candidate);
            }
        }
        Err(NewsroomError::Conflict(format!("The slug `{wanted}` is taken; type another.")))
    }
}

fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
