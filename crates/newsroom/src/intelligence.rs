//! The newsroom's use of the analysis: topic suggestions an editor
//! confirms, removes or adds, quotations offered as pull quotes, and
//! related stories an editor pins.

use masthead_content::{
    Action, Article, ArticleId, ArticleQuote, ArticleTopic, Change, Slug, Status, Topic, TopicKind, TopicState, User,
};
use masthead_intelligence::{Analysis, Block, BlockKind, Document, EntityKind};

use crate::{Newsroom, NewsroomError, NewsroomResult};

/// The most related stories an editor can pin to one article.
pub const MAX_PINNED: usize = 6;

/// An article as the analysis reads it: headline, standfirst, then the body's prose.
pub fn document_of(article: &Article) -> Document {
    let mut blocks = Vec::new();
    if !article.standfirst.trim().is_empty() {
        blocks.push(Block { kind: BlockKind::Paragraph, text: article.standfirst.trim().to_owned() });
    }
    for (heading, text) in masthead_markup::plain_blocks(&article.body_source) {
        blocks.push(Block { kind: if heading { BlockKind::Heading } else { BlockKind::Paragraph }, text });
    }
    Document { headline: article.headline.as_str().to_owned(), blocks }
}

fn topic_kind(kind: EntityKind) -> TopicKind {
    match kind {
        EntityKind::Person => TopicKind::Person,
        EntityKind::Organization => TopicKind::Organization,
        EntityKind::Place => TopicKind::Place,
    }
}

/// The topics and quotations an analysis suggests, all in `state`.
pub fn suggestions(analysis: &Analysis, state: TopicState) -> (Vec<ArticleTopic>, Vec<ArticleQuote>) {
    let mut topics: Vec<ArticleTopic> = Vec::new();
    for entity in &analysis.entities {
        let name = entity.canonical.clone().unwrap_or_else(|| entity.name.clone());
        let Some(slug) = Slug::from_title(&name) else { continue };
        if let Some(existing) = topics.iter_mut().find(|t| t.topic.slug == slug) {
            existing.salience += entity.salience;
            existing.mentions += entity.mentions.len() as u32;
            continue;
        }
        topics.push(ArticleTopic {
            topic: Topic { slug, name, kind: topic_kind(entity.kind) },
            salience: entity.salience,
            mentions: entity.mentions.len() as u32,
            role: entity.role.clone(),
            state,
        });
    }
    let quotes = analysis
        .quotes
        .iter()
        .map(|quote| {
            let speaker_topic = quote.speaker.as_ref().and_then(|speaker| {
                let entity = analysis.entities.iter().find(|e| &e.name == speaker)?;
                Slug::from_title(entity.canonical.as_deref().unwrap_or(&entity.name))
            });
            ArticleQuote { text: quote.text.clone(), speaker: quote.speaker.clone(), speaker_topic }
        })
        .collect();
    (topics, quotes)
}

impl Newsroom {
    /// Analyses the article's current text and stores the suggestions.
    pub async fn analyse(&self, article: &Article) -> NewsroomResult<()> {
        self.analyse_as(article, TopicState::Suggested).await
    }

    async fn analyse_as(&self, article: &Article, state: TopicState) -> NewsroomResult<()> {
        let document = document_of(article);
        let analysis = tokio::task::spawn_blocking(move || masthead_intelligence::analyse(&document))
            .await
            .map_err(|e| NewsroomError::Invalid(format!("the analysis failed: {e}")))?;
        let (topics, quotes) = suggestions(&analysis, state);
        self.store.save_analysis(article.id, article.revision, &topics, &quotes).await?;
        Ok(())
    }

    /// Analyses every article whose current revision has not been analysed
    /// (imported content, or content from before analysis existed). With
    /// `confirm`, the suggestions are confirmed at once: for a publication
    /// loaded whole, such as the demo. Returns how many were analysed.
    pub async fn analyse_pending(&self, confirm: bool) -> NewsroomResult<usize> {
        self.analyse_pending_with_progress(confirm, |_| {}).await
    }

    /// [`Self::analyse_pending`], reporting the number analysed after each batch.
    pub async fn analyse_pending_with_progress(
        &self,
        confirm: bool,
        mut progress: impl FnMut(usize),
    ) -> NewsroomResult<usize> {
        let state = if confirm { TopicState::Confirmed } else { TopicState::Suggested };
        let mut done = 0;
        loop {
            let batch = self.store.articles_needing_analysis(200).await?;
            if batch.is_empty() {
                return Ok(done);
            }
            for id in batch {
                let article = self.load(id).await?;
                self.analyse_as(&article, state).await?;
                // Whoever listens (the search index, the page cache) hears of the new topics.
                if article.status == Status::Published && !self.listeners.is_empty() {
                    self.report_article(&article, None).await?;
                }
                done += 1;
            }
            progress(done);
        }
    }

    /// The topics of the article's pages, for telling the page cache.
    pub(crate) async fn confirmed_topics(&self, id: ArticleId) -> NewsroomResult<Vec<Slug>> {
        Ok(self
            .store
            .article_topics(id)
            .await?
            .into_iter()
            .filter(|t| t.state == TopicState::Confirmed)
            .map(|t| t.topic.slug)
            .collect())
    }

    /// Reports a change to a published article, with the topic pages that list it.
    pub(crate) async fn report_article(&self, now: &Article, before: Option<&Article>) -> NewsroomResult<()> {
        let topics = self.confirmed_topics(now.id).await?;
        self.report(&Change::article(now, before).with_topics(topics));
        Ok(())
    }

    /// The article's suggested, confirmed and removed topics.
    pub async fn topics(&self, actor: &User, id: ArticleId) -> NewsroomResult<Vec<ArticleTopic>> {
        self.authorise(actor, Action::ViewNewsroom, None)?;
        self.load(id).await?;
        Ok(self.store.article_topics(id).await?)
    }

    /// The article's quotations, offered as pull quotes.
    pub async fn quotes(&self, actor: &User, id: ArticleId) -> NewsroomResult<Vec<ArticleQuote>> {
        self.authorise(actor, Action::ViewNewsroom, None)?;
        self.load(id).await?;
        Ok(self.store.article_quotes(id).await?)
    }

    /// Confirms or removes one of the article's topics.
    pub async fn decide_topic(
        &self,
        actor: &User,
        id: ArticleId,
        topic: &Slug,
        state: TopicState,
    ) -> NewsroomResult<Vec<ArticleTopic>> {
        let article = self.load(id).await?;
        self.authorise(actor, Action::EditArticle, Some(&article))?;
        self.store.set_topic_state(id, topic, state).await.map_err(|e| match e {
            masthead_storage::StorageError::NotFound(_) => {
                NewsroomError::NotFound(format!("Topic {topic} on this article"))
            }
            other => other.into(),
        })?;
        self.topic_changed(&article, topic).await?;
        Ok(self.store.article_topics(id).await?)
    }

    /// Adds a topic the analysis did not find, confirmed.
    pub async fn add_topic(
        &self,
        actor: &User,
        id: ArticleId,
        name: &str,
        kind: TopicKind,
    ) -> NewsroomResult<Vec<ArticleTopic>> {
        let article = self.load(id).await?;
        self.authorise(actor, Action::EditArticle, Some(&article))?;
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > 120 {
            return Err(NewsroomError::Invalid("A topic needs a name of 1 to 120 characters.".into()));
        }
        let slug = Slug::from_title(&name)
            .ok_or_else(|| NewsroomError::Invalid(format!("\"{name}\" has no letters or digits to name a page by.")))?;
        self.store.add_topic(id, &Topic { slug: slug.clone(), name, kind }).await?;
        self.topic_changed(&article, &slug).await?;
        Ok(self.store.article_topics(id).await?)
    }

    async fn topic_changed(&self, article: &Article, topic: &Slug) -> NewsroomResult<()> {
        if article.status == Status::Published {
            let topics = self.confirmed_topics(article.id).await?;
            self.report(&Change::article(article, None).with_topics(topics.into_iter().chain([topic.clone()])));
        }
        Ok(())
    }

    /// The related stories an editor pinned, in order.
    pub async fn related_pins(&self, actor: &User, id: ArticleId) -> NewsroomResult<Vec<ArticleId>> {
        self.authorise(actor, Action::ViewNewsroom, None)?;
        Ok(self.store.related_pins(id).await?)
    }

    /// Pins these stories (in this order) as the article's related stories,
    /// replacing the ranked suggestions; an empty list goes back to them.
    pub async fn pin_related(&self, actor: &User, id: ArticleId, targets: &[ArticleId]) -> NewsroomResult<()> {
        let article = self.load(id).await?;
        self.authorise(actor, Action::EditArticle, Some(&article))?;
        let mut unique: Vec<ArticleId> = Vec::new();
        for target in targets {
            if *target == id {
                return Err(NewsroomError::Invalid("An article cannot be related to itself.".into()));
            }
            if !unique.contains(target) {
                unique.push(*target);
            }
        }
        if unique.len() > MAX_PINNED {
            return Err(NewsroomError::Invalid(format!("Pin at most {MAX_PINNED} related stories.")));
        }
        for target in &unique {
            let other = self.load(*target).await?;
            if other.status != Status::Published {
                return Err(NewsroomError::Invalid(format!(
                    "\"{}\" is not published; only published stories can be related.",
                    other.headline.as_str()
                )));
            }
        }
        self.store.set_related_pins(id, &unique).await?;
        if article.status == Status::Published {
            self.report_article(&article, None).await?;
        }
        Ok(())
    }
}
