use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use masthead_content::{
    Article, ArticleDraft, ArticleId, ArticleQuote, ArticleSummary, ArticleTopic, Author, Change, Comment, CommentId,
    CommentStatus, Correction, Email, Media, MediaId, MediaVariant, NewArticle, NewComment, NewMedia, Revision, Role,
    Section, Slug, Status, Tag, Topic, TopicQuote, TopicState, User, UserId,
};
use masthead_storage::{
    ArticleLocation, ArticleLookup, ChangeBatch, ClaimedJob, HeldComment, ImportedArticle, Listing, NewJob, NewUser,
    NewsroomFilter, PageRequest, Paged, PublicationMonth, PublishedLink, RevisionSummary, Session, StorageError,
    StorageResult, Store,
};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions, PgRow};
use sqlx::{PgPool, Postgres, QueryBuilder, Row};
use time::OffsetDateTime;

use masthead_storage_sql::{ARTICLE_SUMMARIES_SQL, FULL_ARTICLE_SQL, change_json, revision_fields, rows};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The channel on which recording a change notifies the nodes following the feed.
const CHANGE_CHANNEL: &str = "masthead_changes";

/// A [`Store`] on a PostgreSQL database, shared by every node of a site.
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
    /// The connection that listens for change notices, made when first needed.
    listener: Arc<tokio::sync::Mutex<Option<PgListener>>>,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user@host:port/database`,
    /// with any of PostgreSQL's connection parameters) and brings its schema
    /// up to date. Several nodes may start at once: migrations take a lock.
    ///
    /// Fails with [`StorageError::SchemaTooNew`] when a newer Masthead wrote
    /// the schema, and [`StorageError::Unavailable`] when the server cannot
    /// be reached.
    pub async fn connect(url: &str) -> StorageResult<Self> {
        let options = PgConnectOptions::from_str(url).map_err(|e| StorageError::Unavailable(Box::new(e)))?;
        Self::connect_with(options).await
    }

    /// Connects with options already parsed, such as a test's own schema on
    /// its `search_path`.
    pub async fn connect_with(options: PgConnectOptions) -> StorageResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| StorageError::Unavailable(Box::new(e)))?;
        let store = Self { pool, listener: Arc::default() };
        store.refuse_newer_schema().await?;
        MIGRATOR.run(&store.pool).await.map_err(|e| StorageError::Unavailable(Box::new(e)))?;
        Ok(store)
    }

    /// Starts a transaction that writes. Rows it reads in order to change
    /// them are locked with `SELECT … FOR UPDATE`, so concurrent writers of
    /// the same article take turns instead of overwriting each other.
    async fn begin_write(&self) -> StorageResult<sqlx::Transaction<'static, Postgres>> {
        self.pool.begin().await.map_err(database_error)
    }

    /// The connection pool, for the change feed and readiness checks.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn refuse_newer_schema(&self) -> StorageResult<()> {
        let has_history: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
            .fetch_one(&self.pool)
            .await
            .map_err(database_error)?;
        if !has_history {
            return Ok(());
        }
        match masthead_storage_sql::schema_is_current(self.applied_migration().await?, &MIGRATOR) {
            Err(too_new @ StorageError::SchemaTooNew { .. }) => Err(too_new),
            _ => Ok(()),
        }
    }

    /// The newest migration applied to the database.
    async fn applied_migration(&self) -> StorageResult<Option<i64>> {
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
            .fetch_one(&self.pool)
            .await
            .map_err(database_error)
    }

    async fn authors_of(&self, ids: &[ArticleId]) -> StorageResult<HashMap<ArticleId, Vec<Author>>> {
        let mut by_article: HashMap<ArticleId, Vec<Author>> = HashMap::new();
        if ids.is_empty() {
            return Ok(by_article);
        }
        let mut query = QueryBuilder::<Postgres>::new(
            "SELECT aa.article_id, au.slug, au.name, au.bio FROM article_authors aa \
             JOIN authors au ON au.id = aa.author_id WHERE aa.article_id IN (",
        );
        let mut list = query.separated(", ");
        for id in ids {
            list.push_bind(id.to_string());
        }
        query.push(") ORDER BY aa.article_id, aa.position");
        for row in query.build().fetch_all(&self.pool).await.map_err(database_error)? {
            by_article.entry(rows::article_id(&row, "article_id")?).or_default().push(rows::author(&row)?);
        }
        Ok(by_article)
    }

    /// Listing rows (selected by `sql/article_summaries.sql`) with their bylines.
    async fn summaries(&self, found: &[PgRow]) -> StorageResult<Vec<ArticleSummary>> {
        let ids = found.iter().map(|r| rows::article_id(r, "id")).collect::<StorageResult<Vec<_>>>()?;
        let mut authors = self.authors_of(&ids).await?;
        found
            .iter()
            .zip(ids)
            .map(|(row, id)| {
                let comment_count: i64 = row.try_get("comment_count").map_err(database_error)?;
                Ok(ArticleSummary {
                    id,
                    slug: rows::slug(row, "slug")?,
                    headline: rows::headline(row, "headline")?,
                    standfirst: rows::text(row, "standfirst")?,
                    section: rows::section(row)?,
                    authors: authors.remove(&id).unwrap_or_default(),
                    published_at: rows::optional_time(row, "published_at")?,
                    updated_at: rows::time(row, "updated_at")?,
                    lead_image: rows::lead_media(row)?,
                    comment_count: u32::try_from(comment_count).unwrap_or(u32::MAX),
                    status: Status::parse(&rows::text(row, "status")?)?,
                })
            })
            .collect()
    }

    /// Adds each media item's resized copies.
    async fn fill_variants<'m>(&self, media: impl Iterator<Item = &'m mut Media>) -> StorageResult<()> {
        let mut media: Vec<&mut Media> = media.collect();
        if media.is_empty() {
            return Ok(());
        }
        let mut query = QueryBuilder::<Postgres>::new(
            "SELECT media_id, file_name, content_type, width, height FROM media_variants WHERE media_id IN (",
        );
        let mut list = query.separated(", ");
        for item in &media {
            list.push_bind(item.id.to_string());
        }
        query.push(") ORDER BY width, content_type");
        for row in query.build().fetch_all(&self.pool).await.map_err(database_error)? {
            let owner = MediaId::parse(&rows::text(&row, "media_id")?)?;
            let variant = rows::media_variant(&row)?;
            for item in media.iter_mut().filter(|m| m.id == owner) {
                item.variants.push(variant.clone());
            }
        }
        Ok(())
    }

    /// Replaces an article's bylines and tags inside a transaction.
    async fn set_bylines_and_tags(
        tx: &mut sqlx::PgConnection,
        id: ArticleId,
        draft: &ArticleDraft,
    ) -> StorageResult<()> {
        let key = id.to_string();
        sqlx::query("DELETE FROM article_authors WHERE article_id = $1")
            .bind(&key)
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
        sqlx::query("DELETE FROM article_tags WHERE article_id = $1")
            .bind(&key)
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
        for (position, author) in draft.authors.iter().enumerate() {
            let inserted = sqlx::query(
                "INSERT INTO article_authors (article_id, author_id, position) \
                 SELECT $1, id, $2 FROM authors WHERE slug = $3 ON CONFLICT DO NOTHING",
            )
            .bind(&key)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(author.as_str())
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
            if inserted.rows_affected() == 0 && !exists(&mut *tx, "authors", author).await? {
                return Err(StorageError::InvalidReference(format!("there is no author `{author}`")));
            }
        }
        for tag in &draft.tags {
            let inserted = sqlx::query(
                "INSERT INTO article_tags (article_id, tag_id) SELECT $1, id FROM tags WHERE slug = $2 ON CONFLICT DO NOTHING",
            )
            .bind(&key)
            .bind(tag.as_str())
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
            if inserted.rows_affected() == 0 && !exists(&mut *tx, "tags", tag).await? {
                return Err(StorageError::InvalidReference(format!("there is no tag `{tag}`")));
            }
        }
        Ok(())
    }

    async fn full_article(&self, row: &PgRow) -> StorageResult<Article> {
        let id = rows::article_id(row, "id")?;
        let key = id.to_string();
        let tags = sqlx::query(
            "SELECT t.slug, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id \
             WHERE at.article_id = $1 ORDER BY t.name",
        )
        .bind(&key)
        .fetch_all(&self.pool)
        .await
        .map_err(database_error)?
        .iter()
        .map(rows::tag)
        .collect::<StorageResult<Vec<Tag>>>()?;
        let corrections =
            sqlx::query("SELECT note, issued_at FROM corrections WHERE article_id = $1 ORDER BY issued_at, id")
                .bind(&key)
                .fetch_all(&self.pool)
                .await
                .map_err(database_error)?
                .iter()
                .map(|r| Ok(Correction { note: rows::text(r, "note")?, issued_at: rows::time(r, "issued_at")? }))
                .collect::<StorageResult<Vec<Correction>>>()?;
        let authors = self.authors_of(&[id]).await?.remove(&id).unwrap_or_default();
        let mut lead_image = rows::lead_media(row)?;
        self.fill_variants(lead_image.iter_mut()).await?;
        let revision: i64 = row.try_get("revision").map_err(database_error)?;
        let version: i64 = row.try_get("version").map_err(database_error)?;
        Ok(Article {
            id,
            slug: rows::slug(row, "slug")?,
            headline: rows::headline(row, "headline")?,
            standfirst: rows::text(row, "standfirst")?,
            body_source: rows::text(row, "body_source")?,
            section: rows::section(row)?,
            tags,
            authors,
            status: Status::parse(&rows::text(row, "status")?)?,
            published_at: rows::optional_time(row, "published_at")?,
            updated_at: rows::time(row, "updated_at")?,
            lead_image,
            corrections,
            revision: u32::try_from(revision).map_err(|_| StorageError::Corrupt(format!("revision {revision}")))?,
            embargo_until: rows::optional_time(row, "embargo_until")?,
            owner: rows::optional_text(row, "owner_id")?.map(|o| UserId::parse(&o)).transpose()?,
            comments_open: row.try_get::<Option<bool>, _>("comments_open").map_err(database_error)?,
            version: u64::try_from(version).map_err(|_| StorageError::Corrupt(format!("version {version}")))?,
        })
    }
}

/// The SQL condition selecting a listing's articles, and its one parameter.
fn listing_filter(listing: &Listing) -> (&'static str, Option<&str>) {
    match listing {
        Listing::All => ("1 = 1", None),
        Listing::Section(slug) => ("s.slug = ?", Some(slug.as_str())),
        Listing::Tag(slug) => (
            "a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE t.slug = ?)",
            Some(slug.as_str()),
        ),
        Listing::Author(slug) => (
            "a.id IN (SELECT aa.article_id FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE au.slug = ?)",
            Some(slug.as_str()),
        ),
        Listing::Topic(slug) => (
            "a.id IN (SELECT t.article_id FROM article_topics t WHERE t.topic = ? AND t.state = 'confirmed')",
            Some(slug.as_str()),
        ),
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn check_ready(&self) -> StorageResult<()> {
        masthead_storage_sql::schema_is_current(self.applied_migration().await?, &MIGRATOR)
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    async fn is_initialised(&self) -> StorageResult<bool> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM site_meta WHERE key = 'initialised_at')")
            .fetch_one(&self.pool)
            .await
            .map_err(database_error)
    }

    async fn mark_initialised(&self) -> StorageResult<()> {
        sqlx::query("INSERT INTO site_meta (key, value) VALUES ('initialised_at', $1) ON CONFLICT DO NOTHING")
            .bind(stamp(OffsetDateTime::now_utc()))
            .execute(&self.pool)
            .await
            .map_err(database_error)?;
        Ok(())
    }

    async fn save_section(&self, section: &Section, position: u32) -> StorageResult<()> {
        if !Section::slug_is_available(&section.slug) {
            return Err(StorageError::Conflict(format!(
                "`{}` cannot name a section: the site uses /{} for its own pages",
                section.slug, section.slug
            )));
        }
        sqlx::query(
            "INSERT INTO sections (slug, name, description, position) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (slug) DO UPDATE SET name = excluded.name, description = excluded.description, \
             position = excluded.position",
        )
        .bind(section.slug.as_str())
        .bind(&section.name)
        .bind(&section.description)
        .bind(i64::from(position))
        .execute(&self.pool)
        .await
        .map_err(database_error)?;
        Ok(())
    }

    async fn save_tag(&self, tag: &Tag) -> StorageResult<()> {
        sqlx::query(
            "INSERT INTO tags (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO UPDATE SET name = excluded.name",
        )
        .bind(tag.slug.as_str())
        .bind(&tag.name)
        .execute(&self.pool)
        .await
        .map_err(database_error)?;
        Ok(())
    }

    async fn save_author(&self, author: &Author) -> StorageResult<()> {
        sqlx::query(
            "INSERT INTO authors (slug, name, bio) VALUES ($1, $2, $3) \
             ON CONFLICT (slug) DO UPDATE SET name = excluded.name, bio = excluded.bio",
        )
        .bind(author.slug.as_str())
        .bind(&author.name)
        .bind(&author.bio)
        .execute(&self.pool)
        .await
        .map_err(database_error)?;
        Ok(())
    }

    async fn sections(&self) -> StorageResult<Vec<Section>> {
        sqlx::query(
            "SELECT slug AS section_slug, name AS section_name, description AS section_description \
             FROM sections ORDER BY position, name",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(database_error)?
        .iter()
        .map(rows::section)
        .collect()
    }

    async fn section(&self, slug: &Slug) -> StorageResult<Option<Section>> {
        sqlx::query(
            "SELECT slug AS section_slug, name AS section_name, description AS section_description \
             FROM sections WHERE slug = $1",
        )
        .bind(slug.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(database_error)?
        .as_ref()
        .map(rows::section)
        .transpose()
    }

    async fn tag(&self, slug: &Slug) -> StorageResult<Option<Tag>> {
        sqlx::query("SELECT slug, name FROM tags WHERE slug = $1")
            .bind(slug.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(database_error)?
            .as_ref()
            .map(rows::tag)
            .transpose()
    }

    async fn author(&self, slug: &Slug) -> StorageResult<Option<Author>> {
        sqlx::query("SELECT slug, name, bio FROM authors WHERE slug = $1")
            .bind(slug.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(database_error)?
            .as_ref()
            .map(rows::author)
            .transpose()
    }

    async fn add_media(&self, media: NewMedia) -> StorageResult<Media> {
        if !NewMedia::file_name_is_safe(&media.file_name) {
            return Err(StorageError::InvalidReference(format!(
                "`{}` is not a safe media file name",
                media.file_name.chars().take(60).collect::<String>()
            )));
        }
        let id = MediaId::generate();
        sqlx::query(
            "INSERT INTO media (id, file_name, content_type, width, height, caption, credit, alt_text, created_at, \
             uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id.to_string())
        .bind(&media.file_name)
        .bind(&media.content_type)
        .bind(i64::from(media.width))
        .bind(i64::from(media.height))
        .bind(&media.caption)
        .bind(&media.credit)
        .bind(&media.alt_text)
        .bind(stamp(OffsetDateTime::now_utc()))
        .bind(media.uploaded_by.map(|u| u.to_string()))
        .execute(&self.pool)
        .await
        .map_err(|e| conflict_or(e, || format!("a media file named `{}` already exists", media.file_name)))?;
        let row = sqlx::query("SELECT * FROM media WHERE id = $1")
            .bind(id.to_string())
            .fetch_one(&self.pool)
            .await
            .map_err(database_error)?;
        rows::media(&row)
    }

    async fn create_article(&self, article: NewArticle) -> StorageResult<ArticleId> {
        let draft = &article.draft;
        draft.validate()?;
        let mut tx = self.begin_write().await?;
        refuse_former_slug(&mut tx, &draft.slug, None).await?;
        let section_id = section_id(&mut tx, &draft.section).await?;
        let id = ArticleId::generate();
        sqlx::query(
            "INSERT INTO articles (id, slug, headline, standfirst, body_source, section_id, status, published_at, \
             created_at, updated_at, lead_media_id, embargo_until, owner_id, revision) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1)",
        )
        .bind(id.to_string())
        .bind(draft.slug.as_str())
        .bind(draft.headline.as_str())
        .bind(&draft.standfirst)
        .bind(&draft.body_source)
        .bind(section_id)
        .bind(article.status.as_str())
        .bind(article.published_at.map(stamp))
        .bind(stamp(OffsetDateTime::now_utc()))
        .bind(stamp(article.updated_at))
        .bind(draft.lead_image.map(|m| m.to_string()))
        .bind(draft.embargo_until.map(stamp))
        .bind(article.owner.map(|o| o.to_string()))
        .execute(&mut *tx)
        .await
        .map_err(|e| article_write_error(e, &draft.slug))?;
        Self::set_bylines_and_tags(&mut tx, id, draft).await?;
        let saved_by = match article.owner {
            Some(owner) => sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
                .bind(owner.to_string())
                .fetch_optional(&mut *tx)
                .await
                .map_err(database_error)?
                .unwrap_or_else(|| "Masthead".to_owned()),
            None => "Masthead".to_owned(),
        };
        keep_revision(&mut tx, id, 1, draft, &saved_by, article.updated_at).await?;
        tx.commit().await.map_err(database_error)?;
        Ok(id)
    }

    async fn import_articles(&self, batch: &[ImportedArticle]) -> StorageResult<u64> {
        let mut tx = self.begin_write().await?;
        let mut sections: HashMap<String, i64> = HashMap::new();
        let mut authors: HashMap<String, i64> = HashMap::new();
        let mut tags: HashMap<String, i64> = HashMap::new();
        for (table, ids) in [("sections", &mut sections), ("authors", &mut authors), ("tags", &mut tags)] {
            for row in sqlx::query(&format!("SELECT id, slug FROM {table}"))
                .fetch_all(&mut *tx)
                .await
                .map_err(database_error)?
            {
                ids.insert(rows::text(&row, "slug")?, row.try_get("id").map_err(database_error)?);
            }
        }
        let missing = |kind: &str, slug: &Slug| StorageError::InvalidReference(format!("there is no {kind} `{slug}`"));
        let now = stamp(OffsetDateTime::now_utc());
        // Rows are collected first and written with multi-row INSERTs: a few
        // hundred statements per batch instead of one per row.
        let mut articles = Vec::with_capacity(batch.len());
        let mut bylines = Vec::new();
        let mut labels = Vec::new();
        let mut comments = Vec::new();
        for item in batch {
            let article = &item.article;
            let draft = &article.draft;
            draft.validate()?;
            let section_id = *sections.get(draft.section.as_str()).ok_or_else(|| missing("section", &draft.section))?;
            let id = ArticleId::generate();
            for (position, author) in draft.authors.iter().enumerate() {
                let author_id = *authors.get(author.as_str()).ok_or_else(|| missing("author", author))?;
                bylines.push((id, author_id, i64::try_from(position).unwrap_or(i64::MAX)));
            }
            for tag in &draft.tags {
                labels.push((id, *tags.get(tag.as_str()).ok_or_else(|| missing("tag", tag))?));
            }
            for (name, body, posted_at) in &item.comments {
                comments.push((id, name, body, stamp(*posted_at)));
            }
            articles.push((id, section_id, article, revision_fields::write(draft)));
        }
        for chunk in articles.chunks(400) {
            let mut insert = QueryBuilder::<Postgres>::new(
                "INSERT INTO articles (id, slug, headline, standfirst, body_source, section_id, status, published_at, \
                 created_at, updated_at, lead_media_id, embargo_until, owner_id, revision) ",
            );
            insert.push_values(chunk, |mut row, (id, section_id, article, _)| {
                let draft = &article.draft;
                row.push_bind(id.to_string())
                    .push_bind(draft.slug.as_str().to_owned())
                    .push_bind(draft.headline.as_str().to_owned())
                    .push_bind(draft.standfirst.clone())
                    .push_bind(draft.body_source.clone())
                    .push_bind(*section_id)
                    .push_bind(article.status.as_str())
                    .push_bind(article.published_at.map(stamp))
                    .push_bind(now)
                    .push_bind(stamp(article.updated_at))
                    .push_bind(draft.lead_image.map(|m| m.to_string()))
                    .push_bind(draft.embargo_until.map(stamp))
                    .push_bind(article.owner.map(|o| o.to_string()))
                    .push_bind(1_i64);
            });
            insert.build().execute(&mut *tx).await.map_err(|e| conflict_or(e, || "a slug is already in use".into()))?;
            let mut revisions = QueryBuilder::<Postgres>::new(
                "INSERT INTO revisions (article_id, number, saved_at, saved_by, fields) ",
            );
            revisions.push_values(chunk, |mut row, (id, _, article, fields)| {
                row.push_bind(id.to_string())
                    .push_bind(1_i64)
                    .push_bind(stamp(article.updated_at))
                    .push_bind("Import")
                    .push_bind(fields.clone());
            });
            revisions.build().execute(&mut *tx).await.map_err(database_error)?;
        }
        for chunk in bylines.chunks(2000) {
            let mut insert =
                QueryBuilder::<Postgres>::new("INSERT INTO article_authors (article_id, author_id, position) ");
            insert.push_values(chunk, |mut row, (id, author, position)| {
                row.push_bind(id.to_string()).push_bind(*author).push_bind(*position);
            });
            insert.build().execute(&mut *tx).await.map_err(database_error)?;
        }
        for chunk in labels.chunks(3000) {
            let mut insert = QueryBuilder::<Postgres>::new("INSERT INTO article_tags (article_id, tag_id) ");
            insert.push_values(chunk, |mut row, (id, tag)| {
                row.push_bind(id.to_string()).push_bind(*tag);
            });
            insert.push(" ON CONFLICT DO NOTHING");
            insert.build().execute(&mut *tx).await.map_err(database_error)?;
        }
        for chunk in comments.chunks(1200) {
            let mut insert = QueryBuilder::<Postgres>::new(
                "INSERT INTO comments (id, article_id, author_name, body, status, posted_at) ",
            );
            insert.push_values(chunk, |mut row, (id, name, body, posted_at)| {
                row.push_bind(CommentId::generate().to_string())
                    .push_bind(id.to_string())
                    .push_bind((*name).clone())
                    .push_bind((*body).clone())
                    .push_bind("approved")
                    .push_bind(*posted_at);
            });
            insert.build().execute(&mut *tx).await.map_err(database_error)?;
        }
        tx.commit().await.map_err(database_error)?;
        Ok(u64::try_from(batch.len()).unwrap_or(u64::MAX))
    }

    async fn change_slug(&self, id: ArticleId, new_slug: &Slug) -> StorageResult<()> {
        let key = id.to_string();
        let mut tx = self.begin_write().await?;
        let current: String = sqlx::query_scalar("SELECT slug FROM articles WHERE id = $1 FOR UPDATE")
            .bind(&key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(database_error)?
            .ok_or_else(|| StorageError::NotFound(format!("article {id}")))?;
        if current == new_slug.as_str() {
            return Ok(());
        }
        let owner: Option<String> = sqlx::query_scalar("SELECT article_id FROM slug_redirects WHERE old_slug = $1")
            .bind(new_slug.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(database_error)?;
        match owner {
            Some(owner) if owner != key => {
                return Err(StorageError::Conflict(format!(
                    "the slug `{new_slug}` is a former address of another article"
                )));
            }
            // Going back to one of its own former slugs: that address is live again.
            Some(_) => {
                sqlx::query("DELETE FROM slug_redirects WHERE old_slug = $1")
                    .bind(new_slug.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(database_error)?;
            }
            None => {}
        }
        sqlx::query("UPDATE articles SET slug = $1, version = version + 1 WHERE id = $2")
            .bind(new_slug.as_str())
            .bind(&key)
            .execute(&mut *tx)
            .await
            .map_err(|e| conflict_or(e, || format!("the slug `{new_slug}` is already in use")))?;
        sqlx::query("INSERT INTO slug_redirects (old_slug, article_id) VALUES ($1, $2)")
            .bind(&current)
            .bind(&key)
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
        tx.commit().await.map_err(database_error)?;
        Ok(())
    }

    async fn add_correction(&self, id: ArticleId, correction: &Correction) -> StorageResult<()> {
        let issued_at = stamp(correction.issued_at);
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE articles SET updated_at = GREATEST(updated_at, $1), version = version + 1 WHERE id = $2",
        )
        .bind(issued_at)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(database_error)?;
        if updated.rows_affected() == 0 {
            return Err(StorageError::NotFound(format!("article {id}")));
        }
        sqlx::query("INSERT INTO corrections (article_id, note, issued_at) VALUES ($1, $2, $3)")
            .bind(id.to_string())
            .bind(&correction.note)
            .bind(issued_at)
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
        tx.commit().await.map_err(database_error)
    }

    async fn published_article(&self, slug: &Slug) -> StorageResult<ArticleLookup> {
        let row = sqlx::query(&format!("{FULL_ARTICLE_SQL} WHERE a.slug = $1 AND a.status = 'published'"))
            .bind(slug.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(database_error)?;
        if let Some(row) = row {
            return Ok(ArticleLookup::Found(Box::new(self.full_article(&row).await?)));
        }
        let moved = sqlx::query(
            "SELECT a.slug, s.slug AS section_slug FROM slug_redirects r \
             JOIN articles a ON a.id = r.article_id JOIN sections s ON s.id = a.section_id \
             WHERE r.old_slug = $1 AND a.status = 'published'",
        )
        .bind(slug.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(database_error)?;
        match moved {
            Some(row) => {
                Ok(ArticleLookup::Moved { slug: rows::slug(&row, "slug")?, section: rows::slug(&row, "section_slug")? })
            }
            None => Ok(ArticleLookup::Missing),
        }
    }

    async fn published_articles(&self, listing: &Listing, page: PageRequest) -> StorageResult<Paged<ArticleSummary>> {
        let (filter, parameter) = listing_filter(listing);
        let count_sql = numbered(&format!(
            "SELECT COUNT(*) FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.status = 'published' AND {filter}"
        ));
        let total: i64 =
            sqlx::query_scalar(&count_sql).bind(parameter).fetch_one(&self.pool).await.map_err(database_error)?;
        let page_sql = numbered(&ARTICLE_SUMMARIES_SQL.replace("/*filter*/", filter));
        let mut query = sqlx::query(&page_sql);
        if let Some(parameter) = parameter {
            query = query.bind(parameter);
        }
        let found = query
            .bind(i64::from(page.size()))
            .bind(i64::try_from(page.offset()).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await
            .map_err(database_error)?;
        let mut items = self.summaries(&found).await?;
        self.fill_variants(items.iter_mut().filter_map(|s| s.lead_image.as_mut())).await?;
        Ok(Paged { items, request: page, total: u64::try_from(total).unwrap_or(0) })
    }

    async fn recent_articles(&self, listing: &Listing, limit: u32) -> StorageResult<Vec<Article>> {
        let (filter, parameter) = listing_filter(listing);
        let sql = numbered(&format!(
            "{FULL_ARTICLE_SQL} WHERE a.status = 'published' AND {filter} ORDER BY a.published_at DESC, a.id DESC LIMIT ?"
        ));
        let mut query = sqlx::query(&sql);
        if let Some(parameter) = parameter {
            query = query.bind(parameter);
        }
        let found = query.bind(i64::from(limit)).fetch_all(&self.pool).await.map_err(database_error)?;
        let mut articles = Vec::with_capacity(found.len());
        for row in &found {
            articles.push(self.full_article(row).await?);
        }
        Ok(articles)
    }

    async fn publication_months(&self) -> StorageResult<Vec<PublicationMonth>> {
        sqlx::query(
            "SELECT to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, COUNT(*) AS articles, MAX(updated_at) AS last_modified \
             FROM articles WHERE status = 'published' AND published_at IS NOT NULL GROUP BY month ORDER BY month DESC",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(database_error)?
        .iter()
        .map(|row| {
            let month = rows::text(row, "month")?;
            let corrupt = || StorageError::Corrupt(format!("`{month}` is not a stored month"));
            let (year, number) = month.split_once('-').ok_or_else(corrupt)?;
            let articles: i64 = row.try_get("articles").map_err(database_error)?;
            Ok(PublicationMonth {
                year: year.parse().map_err(|_| corrupt())?,
                month: number.parse().ok().filter(|m| (1..=12).contains(m)).ok_or_else(corrupt)?,
                articles: u64::try_from(articles).unwrap_or(0),
                last_modified: rows::time(row, "last_modified")?,
            })
        })
        .collect()
    }

    async fn published_in_month(
        &self,
        month: &PublicationMonth,
        offset: u64,
        limit: u32,
    ) -> StorageResult<Vec<ArticleLocation>> {
        sqlx::query(
            "SELECT a.slug, s.slug AS section_slug, a.updated_at FROM articles a JOIN sections s ON s.id = a.section_id \
             WHERE a.status = 'published' AND to_char(a.published_at AT TIME ZONE 'UTC', 'YYYY-MM') = $1 \
             ORDER BY a.published_at, a.id LIMIT $2 OFFSET $3",
        )
        .bind(format!("{:04}-{:02}", month.year, month.month))
        .bind(i64::from(limit))
        .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(database_error)?
        .iter()
        .map(|row| {
            Ok(ArticleLocation {
                slug: rows::slug(row, "slug")?,
                section: rows::slug(row, "section_slug")?,
                updated_at: rows::time(row, "updated_at")?,
            })
        })
        .collect()
    }

    async fn published_since(&self, since: OffsetDateTime, limit: u32) -> StorageResult<Vec<ArticleSummary>> {
        let sql = numbered(&ARTICLE_SUMMARIES_SQL.replace("/*filter*/", "a.published_at >= ?"));
        let found = sqlx::query(&sql)
            .bind(stamp(since))
            .bind(i64::from(limit))
            .bind(0_i64)
            .fetch_all(&self.pool)
            .await
            .map_err(database_error)?;
        self.summaries(&found).await
    }

    async fn published_links(&self, slugs: &[Slug]) -> StorageResult<Vec<PublishedLink>> {
        if slugs.is_empty() {
            return Ok(Vec::new());
        }
        // A body may still name an article by a former slug; the link follows it to the current one.
        let mut query = QueryBuilder::<Postgres>::new(
            "SELECT a.id, a.slug AS named, a.slug, a.headline, s.slug AS section_slug FROM articles a \
             JOIN sections s ON s.id = a.section_id WHERE a.status = 'published' AND a.slug IN (",
        );
        let mut list = query.separated(", ");
        for slug in slugs {
            list.push_bind(slug.as_str());
        }
        query.push(
            ") UNION ALL SELECT a.id, r.old_slug AS named, a.slug, a.headline, s.slug AS section_slug FROM slug_redirects r \
             JOIN articles a ON a.id = r.article_id JOIN sections s ON s.id = a.section_id \
             WHERE a.status = 'published' AND r.old_slug IN (",
        );
        let mut list = query.separated(", ");
        for slug in slugs {
            list.push_bind(slug.as_str());
        }
        query.push(")");
        query
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(database_error)?
            .iter()
            .map(|row| {
                Ok(PublishedLink {
                    id: rows::article_id(row, "id")?,
                    named: rows::slug(row, "named")?,
                    slug: rows::slug(row, "slug")?,
                    section: rows::slug(row, "section_slug")?,
                    headline: rows::headline(row, "headline")?,
                })
            })
            .collect()
    }

    async fn enqueue_job(&self, job: &NewJob) -> StorageResult<i64> {
        let mut connection = self.pool.acquire().await.map_err(database_error)?;
        insert_job(&mut connection, job).await
    }

    async fn claim_job(&self, now: OffsetDateTime, lease: time::Duration) -> StorageResult<Option<ClaimedJob>> {
        // One statement; a job another runner is claiming at this moment is skipped,
        // not waited for and then claimed a second time.
        let row = sqlx::query(
            "UPDATE jobs SET run_after = $1, attempts = attempts + 1 WHERE id = \
             (SELECT id FROM jobs WHERE failed_at IS NULL AND run_after <= $2 ORDER BY run_after, id LIMIT 1 \
             FOR UPDATE SKIP LOCKED) \
             RETURNING id, kind, payload, attempts",
        )
        .bind(stamp(now + lease))
        .bind(stamp(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(database_error)?;
        row.map(|row| {
            let attempts: i64 = row.try_get("attempts").map_err(database_error)?;
            Ok(ClaimedJob {
                id: row.try_get("id").map_err(database_error)?,
                kind: rows::text(&row, "kind")?,
                payload: rows::text(&row, "payload")?,
                attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
            })
        })
        .transpose()
    }

    async fn finish_job(&self, job: &ClaimedJob) -> StorageResult<()> {
        let done = sqlx::query("DELETE FROM jobs WHERE id = $1 AND attempts = $2")
            .bind(job.id)
            .bind(i64::from(job.attempts))
            .execute(&self.pool)
            .await
            .map_err(database_error)?;
        held(job, done.rows_affected())
    }

    async fn retry_job(&self, job: &ClaimedJob, run_after: OffsetDateTime, error: &str) -> StorageResult<()> {
        let done = sqlx::query("UPDATE jobs SET run_after = $1, last_error = $2 WHERE id = $3 AND attempts = $4")
            .bind(stamp(run_after))
            .bind(error)
            .bind(job.id)
            .bind(i64::from(job.attempts))
            .execute(&self.pool)
            .await
            .map_err(database_error)?;
        held(job, done.rows_affected())
    }

    async fn give_up_job(&self, job: &ClaimedJob, error: &str) -> StorageResult<()> {
        let done = sqlx::query("UPDATE jobs SET failed_at = $1, last_error = $2 WHERE id = $3 AND attempts = $4")
            .bind(stamp(OffsetDateTime::now_utc()))
            .bind(error)
            .bind(job.id)
            .bind(i64::from(job.attempts))
            .execute(&self.pool)
            .await
            .map_err(database_error)?;
        held(job, done.rows_affected())
    }

    async fn failed_jobs(&self) -> StorageResult<Vec<(String, String, String)>> {
        sqlx::query("SELECT kind, payload, COALESCE(last_error, '') AS last_error FROM jobs WHERE failed_at IS NOT NULL ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .map_err(database_error)?
            .iter()
            .map(|row| Ok((rows::text(row, "kind")?, rows::text(row, "payload")?, rows::text(row, "last_error")?)))
            .collect()
    }

    async fn authors(&self) -> StorageResult<Vec<Author>> {
        sqlx::query("SELECT slug, name, bio FROM authors ORDER BY name")
            .fetch_all(&self.pool)
            .await
            .map_err(database_error)?
            .iter()
            .map(rows::author)
            .collect()
    }

    async fn tags(&self) -> StorageResult<Vec<Tag>> {
        sqlx::query("SELECT slug, name FROM tags ORDER BY name")
            .fetch_all(&self.pool)
            .await
            .map_err(database_error)?
            .iter()
            .map(rows::tag)
            .collect()
    }

    async fn slug_is_free(&self, slug: &Slug) -> StorageResult<bool> {
        sqlx::query_scalar(
            "SELECT NOT EXISTS (SELECT 1 FROM articles WHERE slug = $1) \
             AND NOT EXISTS (SELECT 1 FROM slug_redirects WHERE old_slug = $1)",
        )
        .bind(slug.as_str())
        .fetch_one(&self.pool)
        .await
        .map_err(database_error)
    }

    async fn article(&self, id: ArticleId) -> StorageResult<Option<Article>> {
        let row = sqlx::query(&format!("{FULL_ARTICLE_SQL} WHERE a.id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(database_error)?;
        match row {
            Some(row) => Ok(Some(self.full_article(&row).await?)),
            None => Ok(None),
        }
    }

    async fn newsroom_articles(
        &self,
        filter: &NewsroomFilter,
        page: PageRequest,
    ) -> StorageResult<Paged<ArticleSummary>> {
        let mut count =
            QueryBuilder::<Postgres>::new("SELECT COUNT(*) FROM articles a JOIN sections s ON s.id = a.section_id");
        push_filter(&mut count, filter);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await.map_err(database_error)?;
        let mut query = QueryBuilder::<Postgres>::new(
            "SELECT a.id, a.slug, a.headline, a.standfirst, a.published_at, a.updated_at, a.status, \
             s.slug AS section_slug, s.name AS section_name, s.description AS section_description, \
             m.id AS media_id, m.file_name, m.content_type, m.width, m.height, m.caption, m.credit, m.alt_text, m.uploaded_by, \
             (SELECT COUNT(*) FROM comments c WHERE c.article_id = a.id AND c.status = 'approved') AS comment_count \
             FROM articles a JOIN sections s ON s.id = a.section_id LEFT JOIN media m ON m.id = a.lead_media_id",
        );
        push_filter(&mut query, filter);
        query
            .push(" ORDER BY a.updated_at DESC, a.id DESC LIMIT ")
            .push_bind(i64::from(page.size()))
            .push(" OFFSET ")
            .push_bind(i64::try_from(page.offset()).unwrap_or(i64::MAX));
        let found = query.build().fetch_all(&self.pool).await.map_err(database_error)?;
        let items = self.summaries(&found).await?;
        Ok(Paged { items, request: page, total: u64::try_from(total).unwrap_or(0) })
    }

    async fn save_article(
        &self,
        id: ArticleId,
        expected_revision: u32,
        draft: &ArticleDraft,
        saved_by: &str,
        at: OffsetDateTime,
    ) -> StorageResult<u32> {
        draft.validate()?;
        let key = id.to_string();
        let mut tx = self.begin_write().await?;
        let current = sqlx::query("SELECT slug, revision, status, published_at FROM articles WHERE id = $1 FOR UPDATE")
            .bind(&key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(database_error)?
            .ok_or_else(|| StorageError::NotFound(format!("article {id}")))?;
        let revision: i64 = current.try_get("revision").map_err(database_error)?;
        let revision = u32::try_from(revision).unwrap_or(u32::MAX);
        if revision != expected_revision {
            return Err(StorageError::Stale { yours: expected_revision, current: revision });
        }
        let old_slug = rows::text(&current, "slug")?;
        let status = Status::parse(&rows::text(&current, "status")?)?;
        if old_slug != draft.slug.as_str() {
            refuse_former_slug(&mut tx, &draft.slug, Some(&key)).await?;
            // Readers may have the old address only if it was ever public.
            let was_public = matches!(status, Status::Published | Status::Unpublished);
            if was_public {
                sqlx::query(
                    "INSERT INTO slug_redirects (old_slug, article_id) VALUES ($1, $2) \
                     ON CONFLICT (old_slug) DO UPDATE SET article_id = excluded.article_id",
                )
                .bind(&old_slug)
                .bind(&key)
                .execute(&mut *tx)
                .await
                .map_err(database_error)?;
            }
            sqlx::query("DELETE FROM slug_redirects WHERE old_slug = $1 AND article_id = $2")
                .bind(draft.slug.as_str())
                .bind(&key)
                .execute(&mut *tx)
                .await
                .map_err(database_error)?;
        }
        let section_id = section_id(&mut tx, &draft.section).await?;
        let next = revision + 1;
        // Compare-and-set: the write holds only over the revision checked above.
        let written = sqlx::query(
            "UPDATE articles SET slug = $1, headline = $2, standfirst = $3, body_source = $4, section_id = $5, \
             lead_media_id = $6, embargo_until = $7, revision = $8, updated_at = $9, version = version + 1 \
             WHERE id = $10 AND revision = $11",
        )
        .bind(draft.slug.as_str())
        .bind(draft.headline.as_str())
        .bind(&draft.standfirst)
        .bind(&draft.body_source)
        .bind(section_id)
        .bind(draft.lead_image.map(|m| m.to_string()))
        .bind(draft.embargo_until.map(stamp))
        .bind(i64::from(next))
        .bind(stamp(at))
        .bind(&key)
        .bind(i64::from(revision))
        .execute(&mut *tx)
        .await
        .map_err(|e| article_write_error(e, &draft.slug))?;
        if written.rows_affected() != 1 {
            return Err(StorageError::Stale { yours: expected_revision, current: revision + 1 });
        }
        Self::set_bylines_and_tags(&mut tx, id, draft).await?;
        keep_revision(&mut tx, id, next, draft, saved_by, at).await?;
        tx.commit().await.map_err(database_error)?;
        Ok(next)
    }

    async fn change_status(
        &self,
        id: ArticleId,
        from: Status,
        to: Status,
        published_at: Option<OffsetDateTime>,
        at: OffsetDateTime,
        then: Option<&NewJob>,
    ) -> StorageResult<()> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE articles SET status = $1, published_at = $2, updated_at = GREATEST(updated_at, $3), \
             version = version + 1 WHERE id = $4 AND status = $5",
        )
        .bind(to.as_str())
        .bind(published_at.map(stamp))
        .bind(stamp(at))
        .bind(id.to_string())
        .bind(from.as_str())
        .execute(&mut *tx)
        .await
        .map_err(database_error)?;
        if changed.rows_affected() == 1 {
            if let Some(job) = then {
                insert_job(&mut tx, job).await?;
            }
            return tx.commit().await.map_err(database_error);
        }
        drop(tx);
        match self.article(id).await? {
            None => Err(StorageError::NotFound(format!("article {id}"))),
            Some(article) => Err(StorageError::Conflict(format!(
                "the article is now {}, no longer {}",
                article.status.label(),
                from.label()
            ))),
        }
    }

    async fn revisions(&self, id: ArticleId) -> StorageResult<Vec<RevisionSummary>> {
        sqlx::query("SELECT number, saved_at, saved_by FROM revisions WHERE article_id = $1 ORDER BY number DESC")
            .bind(id.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(database_error)?
            .iter()
            .map(|row| {
                let number: i64 = row.try_get("number").map_err(database_error)?;
                Ok(RevisionSummary {
                    number: u32::try_from(number).unwrap_or(u32::MAX),
                    saved_at: rows::time(row, "saved_at")?,
                    saved_by: rows::text(row, "saved_by")?,
                })
            })
            .collect()
    }

    async fn revision(&self, id: ArticleId, number: u32) -> StorageResult<Option<Revision>> {
        let row = sqlx::query("SELECT saved_at, saved_by, fields FROM revisions WHERE article_id = $1 AND number = $2")
            .bind(id.to_string())
            .bind(i64::from(number))
            .fetch_optional(&self.pool)
            .await
            .map_err(database_error)?;
        row.map(|row| {
            Ok(Revision {
                number,
                saved_at: rows::time(&row, "saved_at")?,
                saved_by: rows::text(&row, "saved_by")?,
                draft: revision_fields::read(&rows::text(&row, "fields")?)?,
            })
        })
        .transpose()
    }

    async fn media(&self, id: MediaId) -> StorageResult<Option<Media>> {
        let row = sqlx::query("SELECT * FROM media WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(database_error)?;
        let mut media = row.as_ref().map(rows::media).transpose()?;
        self.fill_variants(media.iter_mut()).await?;
        Ok(media)
    }

    async fn recent_media(&self, limit: u32) -> StorageResult<Vec<Media>> {
        let mut media = sqlx::query("SELECT * FROM media ORDER BY created_at DESC, id DESC LIMIT $1")
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(database_error)?
            .iter()
            .map(rows::media)
            .collect::<StorageResult<Vec<Media>>>()?;
        self.fill_variants(media.iter_mut()).await?;
        Ok(media)
    }

    async fn describe_media(&self, id: MediaId, caption: &str, credit: &str, alt_text: &str) -> StorageResult<()> {
        let changed = sqlx::query("UPDATE media SET caption = $1, credit = $2, alt_text = $3 WHERE id = $4")
            .bind(caption)
            .bind(credit)
            .bind(alt_text)
            .bind(id.to_string())
            .execute(&self.pool)
            .await
            .map_err(database_error)?;
        if changed.rows_affected() == 0 {
            return Err(StorageError::NotFound(format!("media {id}")));
        }
        Ok(())
    }

    async fn add_media_variants(&self, id: MediaId, variants: &[MediaVariant]) -> StorageResult<()> {
        let mut tx = self.begin_write().await?;
        for variant in variants {
            if !NewMedia::file_name_is_safe(&variant.file_name) {
                return Err(StorageError::InvalidReference(format!(
                    "`{}` is not a safe media file name",
                    variant.file_name.chars().take(60).collect::<String>()
                )));
            }
            sqlx::query(
                "INSERT INTO media_variants (media_id, file_name, content_type, width, height) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (file_name) DO UPDATE SET media_id = excluded.media_id, \
                 content_type = excluded.content_type, width = excluded.width, height = excluded.height",
            )
            .bind(id.to_string())
            .bind(&variant.file_name)
            .bind(&variant.content_type)
            .bind(i64::from(variant.width))
            .bind(i64::from(variant.height))
            .execute(&mut *tx)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(ref db) if db.is_foreign_key_violation() => {
                    StorageError::NotFound(format!("media {id}"))
                }
                other => database_error(other),
            })?;
        }
        tx.commit().await.map_err(database_error)
    }

    async fn add_user(&self, user: NewUser) -> StorageResult<User> {
        let id = UserId::generate();
        let author_id: i64 = sqlx::query_scalar("SELECT id FROM authors WHERE slug = $1")
            .bind(user.author.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(database_error)?
            .ok_or_else(|| StorageError::InvalidReference(format!("there is no author `{}`", user.author)))?;
        sqlx::query(
            "INSERT INTO users (id, email, name, role, author_id, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.to_string())
        .bind(user.email.as_str())
        .bind(&user.name)
        .bind(user.role.as_str())
        .bind(author_id)
        .bind(&user.password_hash)
        .bind(stamp(OffsetDateTime::now_utc()))
        .execute(&self.pool)
        .await
        .map_err(|e| conflict_or(e, || format!("there is already an account for {}", user.email)))?;
        Ok(User { id, email: user.email, name: user.name, role: user.role, author: user.author })
    }

    async fn users(&self) -> StorageResult<Vec<User>> {
        sqlx::query(&format!("{USER_SQL} ORDER BY u.name, u.email"))
            .fetch_all(&self.pool)
            .await
            .map_err(database_error)?
            .iter()
            .map(rows::user)
            .collect()
    }

    async fn user(&self, id: UserId) -> StorageResult<Option<User>> {
        sqlx::query(&format!("{USER_SQL} WHERE u.id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(database_error)?
            .as_ref()
            .map(rows::user)
            .transpose()
    }

    async fn credentials(&self, email: &Email) -> StorageResult<Option<(User, String)>> {
        sqlx::query(&format!("{USER_SQL} WHERE u.email = $1"))
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(database_error)?
            .as_ref()
            .map(|row| Ok((rows::user(row)?, rows::text(row, "password_hash")?)))
            .transpose()
    }

    async fn set_password_hash(&self, id: UserId, password_hash: &str) -> StorageResult<()> {
        let changed = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id.to_string())
            .execute(&self.pool)
            .await
            .map_err(database_error)?;
        if changed.rows_affected() == 0 {
            return Err(StorageError::NotFound(format!("user {id}")));
        }
        Ok(())
    }

    async fn set_role(&self, id: UserId, role: Role) -> StorageResult<()> {
        let changed = sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(id.to_string())
            .execute(&self.pool)
            .await
            .map_err(database_error)?;
        if changed.rows_affected() == 0 {
            return Err(StorageError::NotFound(format!("user {id}")));
        }
        Ok(())
    }

    async fn start_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf_token: &str,
        expires_at: OffsetDateTime,
    ) -> StorageResult<()> {
        // Expired sessions are of no use to anyone; each sign-in sweeps them away.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(stamp(OffsetDateTime::now_utc()))
            .execute(&self.pool)
            .await
            .map_err(database_error)?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user.to_string())
        .bind(csrf_token)
        .bind(stamp(OffsetDateTime::now_utc()))
        .bind(stamp(expires_at))
        .execute(&self.pool)
        .await
        .map_err(database_error)?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: OffsetDateTime) -> StorageResult<Option<Session>> {
        sqlx::query(
            "SELECT x.csrf_token, x.expires_at, u.*, au.slug AS author_slug FROM sessions x \
             JOIN users u ON u.id = x.user_id JOIN authors au ON au.id = u.author_id \
             WHERE x.token_hash = $1 AND x.expires_at > $2",
        )
        .bind(token_hash)
        .bind(stamp(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(database_error)?
        .as_ref()
        .map(|row| {
            Ok(Session {
                user: rows::user(row)?,
                csrf_token: rows::text(row, "csrf_token")?,
                expires_at: rows::time(row, "expires_at")?,
            })
        })
        .transpose()
    }

    async fn end_session(&self, token_hash: &str) -> StorageResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(database_error)?;
        Ok(())
    }

    async fn end_all_sessions(&self, user: UserId) -> StorageResult<u64> {
        let mut tx = self.begin_write().await?;
        let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.to_string())
            .execute(&mut *tx)
            .await
            .map_err(database_error)?
            .rows_affected();
        sqlx::query("DELETE FROM api_tokens WHERE user_id = $1")
            .bind(user.to_string())
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
        tx.commit().await.map_err(database_error)?;
        Ok(ended)
    }

    async fn add_api_token(&self, token_hash: &str, user: UserId, label: &str) -> StorageResult<()> {
        sqlx::query("INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user.to_string())
            .bind(label)
            .bind(stamp(OffsetDateTime::now_utc()))
            .execute(&self.pool)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(ref db) if db.is_foreign_key_violation() => {
                    StorageError::NotFound(format!("user {user}"))
                }
                other => database_error(other),
            })?;
        Ok(())
    }

    async fn api_token_user(&self, token_hash: &str) -> StorageResult<Option<User>> {
        sqlx::query(
            "SELECT u.*, au.slug AS author_slug FROM api_tokens t JOIN users u ON u.id = t.user_id \
             JOIN authors au ON au.id = u.author_id WHERE t.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(database_error)?
        .as_ref()
        .map(rows::user)
        .transpose()
    }

    async fn record_login_failure(&self, key: &str, at: OffsetDateTime) -> StorageResult<()> {
        // Failures older than a day no longer count towards any window.
        sqlx::query("DELETE FROM login_failures WHERE failed_at < $1")
            .bind(stamp(at - time::Duration::days(1)))
            .execute(&self.pool)
            .await
            .map_err(database_error)?;
        sqlx::query("INSERT INTO login_failures (key, failed_at) VALUES ($1, $2)")
            .bind(key)
            .bind(stamp(at))
            .execute(&self.pool)
            .await
            .map_err(database_error)?;
        Ok(())
    }

    async fn login_failures(&self, key: &str, since: OffsetDateTime) -> StorageResult<(u32, Option<OffsetDateTime>)> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS failures, MIN(failed_at) AS oldest FROM login_failures WHERE key = $1 AND failed_at >= $2",
        )
        .bind(key)
        .bind(stamp(since))
        .fetch_one(&self.pool)
        .await
        .map_err(database_error)?;
        let failures: i64 = row.try_get("failures").map_err(database_error)?;
        Ok((u32::try_from(failures).unwrap_or(u32::MAX), rows::optional_time(&row, "oldest")?))
    }

    async fn clear_login_failures(&self, key: &str) -> StorageResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(database_error)?;
        Ok(())
    }

    async fn add_comment(&self, comment: NewComment) -> StorageResult<Comment> {
        let article = comment.article_id.to_string();
        if let Some(parent) = comment.parent_id {
            let parent_is_top_level_on_same_article: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM comments WHERE id = $1 AND article_id = $2 AND parent_id IS NULL)",
            )
            .bind(parent.to_string())
            .bind(&article)
            .fetch_one(&self.pool)
            .await
            .map_err(database_error)?;
            if !parent_is_top_level_on_same_article {
                return Err(StorageError::InvalidReference(
                    "a reply must answer a top-level comment on the same article".into(),
                ));
            }
        }
        let id = CommentId::generate();
        sqlx::query(
            "INSERT INTO comments (id, article_id, parent_id, author_name, author_email, body, status, posted_at, \
             client_hash, spam_score, reasons) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(id.to_string())
        .bind(&article)
        .bind(comment.parent_id.map(|p| p.to_string()))
        .bind(&comment.author_name)
        .bind(&comment.author_email)
        .bind(&comment.body)
        .bind(comment.status.as_str())
        .bind(stamp(comment.posted_at))
        .bind(&comment.client_hash)
        .bind(i64::from(comment.spam_score))
        .bind(comment.reasons.join("\n"))
        .execute(&self.pool)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(ref db) if db.is_foreign_key_violation() => {
                StorageError::NotFound(format!("article {}", comment.article_id))
            }
            other => database_error(other),
        })?;
        let row = sqlx::query("SELECT * FROM comments WHERE id = $1")
            .bind(id.to_string())
            .fetch_one(&self.pool)
            .await
            .map_err(database_error)?;
        rows::comment(&row)
    }

    async fn approved_comments(&self, article: ArticleId) -> StorageResult<Vec<Comment>> {
        sqlx::query("SELECT * FROM comments WHERE article_id = $1 AND status = 'approved' ORDER BY posted_at, id")
            .bind(article.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(database_error)?
            .iter()
            .map(rows::comment)
            .collect()
    }
    async fn comment(&self, id: CommentId) -> StorageResult<Option<Comment>> {
        sqlx::query("SELECT * FROM comments WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(database_error)?
            .as_ref()
            .map(rows::comment)
            .transpose()
    }

    async fn comments_in(&self, status: CommentStatus, page: PageRequest) -> StorageResult<Paged<HeldComment>> {
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE status = $1")
            .bind(status.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(database_error)?;
        let items = sqlx::query(
            "SELECT c.*, a.headline AS article_headline, s.slug || '/' || a.slug AS article_path \
             FROM comments c JOIN articles a ON a.id = c.article_id JOIN sections s ON s.id = a.section_id \
             WHERE c.status = $1 ORDER BY c.posted_at DESC, c.id DESC LIMIT $2 OFFSET $3",
        )
        .bind(status.as_str())
        .bind(i64::from(page.size()))
        .bind(i64::try_from(page.offset()).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(database_error)?
        .iter()
        .map(|row| {
            let score: i64 = row.try_get("spam_score").map_err(database_error)?;
            let reasons = rows::text(row, "reasons")?;
            Ok(HeldComment {
                comment: rows::comment(row)?,
                email: rows::optional_text(row, "author_email")?,
                article_headline: rows::headline(row, "article_headline")?,
                article_path: rows::text(row, "article_path")?,
                spam_score: u32::try_from(score).unwrap_or(0),
                reasons: reasons.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect(),
            })
        })
        .collect::<StorageResult<Vec<_>>>()?;
        Ok(Paged { items, request: page, total: u64::try_from(total).unwrap_or(0) })
    }

    async fn set_comment_status(&self, ids: &[CommentId], status: CommentStatus) -> StorageResult<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut query = QueryBuilder::<Postgres>::new("UPDATE comments SET status = ");
        query.push_bind(status.as_str()).push(" WHERE id IN (");
        let mut list = query.separated(", ");
        for id in ids {
            list.push_bind(id.to_string());
        }
        query.push(")");
        Ok(query.build().execute(&self.pool).await.map_err(database_error)?.rows_affected())
    }

    async fn delete_comments(&self, ids: &[CommentId]) -> StorageResult<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut query = QueryBuilder::<Postgres>::new("DELETE FROM comments WHERE id IN (");
        let mut list = query.separated(", ");
        for id in ids {
            list.push_bind(id.to_string());
        }
        query.push(")");
        Ok(query.build().execute(&self.pool).await.map_err(database_error)?.rows_affected())
    }

    async fn delete_comments_by_email(&self, email: &str) -> StorageResult<u64> {
        Ok(sqlx::query("DELETE FROM comments WHERE lower(author_email) = lower($1)")
            .bind(email.trim())
            .execute(&self.pool)
            .await
            .map_err(database_error)?
            .rows_affected())
    }

    async fn client_comments_since(
        &self,
        client_hash: &str,
        since: OffsetDateTime,
    ) -> StorageResult<(u32, Option<OffsetDateTime>)> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(posted_at) AS oldest FROM comments WHERE client_hash = $1 AND posted_at >= $2",
        )
        .bind(client_hash)
        .bind(stamp(since))
        .fetch_one(&self.pool)
        .await
        .map_err(database_error)?;
        count_and_oldest(&row)
    }

    async fn article_comments_since(
        &self,
        article: ArticleId,
        since: OffsetDateTime,
    ) -> StorageResult<(u32, Option<OffsetDateTime>)> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(posted_at) AS oldest FROM comments WHERE article_id = $1 AND posted_at >= $2",
        )
        .bind(article.to_string())
        .bind(stamp(since))
        .fetch_one(&self.pool)
        .await
        .map_err(database_error)?;
        count_and_oldest(&row)
    }

    async fn is_duplicate_comment(
        &self,
        article: ArticleId,
        client_hash: Option<&str>,
        body: &str,
        since: OffsetDateTime,
    ) -> StorageResult<bool> {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM comments WHERE body = $1 AND posted_at >= $2 \
             AND (article_id = $3 OR ($4::text IS NOT NULL AND client_hash = $4)))",
        )
        .bind(body)
        .bind(stamp(since))
        .bind(article.to_string())
        .bind(client_hash)
        .fetch_one(&self.pool)
        .await
        .map_err(database_error)
    }

    async fn has_approved_comment(&self, email: Option<&str>, client_hash: Option<&str>) -> StorageResult<bool> {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM comments WHERE status = 'approved' AND \
             (($1::text IS NOT NULL AND lower(author_email) = lower($1)) OR ($1 IS NULL AND $2::text IS NOT NULL AND client_hash = $2)))",
        )
        .bind(email)
        .bind(client_hash)
        .fetch_one(&self.pool)
        .await
        .map_err(database_error)
    }

    async fn set_comments_open(&self, article: ArticleId, open: Option<bool>) -> StorageResult<()> {
        let changed = sqlx::query("UPDATE articles SET comments_open = $1 WHERE id = $2")
            .bind(open)
            .bind(article.to_string())
            .execute(&self.pool)
            .await
            .map_err(database_error)?;
        if changed.rows_affected() == 0 {
            return Err(StorageError::NotFound(format!("article {article}")));
        }
        Ok(())
    }

    async fn site_setting(&self, key: &str) -> StorageResult<Option<String>> {
        sqlx::query_scalar("SELECT value FROM site_meta WHERE key = $1")
            .bind(format!("setting:{key}"))
            .fetch_optional(&self.pool)
            .await
            .map_err(database_error)
    }

    async fn set_site_setting(&self, key: &str, value: &str) -> StorageResult<()> {
        sqlx::query(
            "INSERT INTO site_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(format!("setting:{key}"))
        .bind(value)
        .execute(&self.pool)
        .await
        .map_err(database_error)?;
        Ok(())
    }

    async fn save_analysis(
        &self,
        article: ArticleId,
        revision: u32,
        topics: &[ArticleTopic],
        quotes: &[ArticleQuote],
    ) -> StorageResult<()> {
        let id = article.to_string();
        let mut tx = self.begin_write().await?;
        // Suggestions are replaced; an editor's decisions stay, with fresh measurements.
        sqlx::query("DELETE FROM article_topics WHERE article_id = $1 AND state = 'suggested'")
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
        for topic in topics {
            sqlx::query(
                "INSERT INTO article_topics (article_id, topic, name, kind, salience, mentions, role, state) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (article_id, topic) DO UPDATE SET \
                 salience = excluded.salience, mentions = excluded.mentions, role = excluded.role",
            )
            .bind(&id)
            .bind(topic.topic.slug.as_str())
            .bind(&topic.topic.name)
            .bind(topic.topic.kind.as_str())
            .bind(topic.salience)
            .bind(i64::from(topic.mentions))
            .bind(topic.role.as_deref())
            .bind(topic.state.as_str())
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
        }
        sqlx::query("DELETE FROM article_quotes WHERE article_id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
        for (position, quote) in quotes.iter().enumerate() {
            sqlx::query(
                "INSERT INTO article_quotes (article_id, position, text, speaker, speaker_topic) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&id)
            .bind(position as i64)
            .bind(&quote.text)
            .bind(quote.speaker.as_deref())
            .bind(quote.speaker_topic.as_ref().map(Slug::as_str))
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
        }
        bump_version(&mut tx, article).await?;
        sqlx::query(
            "INSERT INTO article_analyses (article_id, revision) VALUES ($1, $2) \
             ON CONFLICT (article_id) DO UPDATE SET revision = excluded.revision",
        )
        .bind(&id)
        .bind(i64::from(revision))
        .execute(&mut *tx)
        .await
        .map_err(database_error)?;
        tx.commit().await.map_err(database_error)
    }

    async fn article_topics(&self, article: ArticleId) -> StorageResult<Vec<ArticleTopic>> {
        sqlx::query(
            "SELECT topic, name, kind, salience, mentions, role, state FROM article_topics \
             WHERE article_id = $1 ORDER BY salience DESC, name",
        )
        .bind(article.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(database_error)?
        .iter()
        .map(|row| {
            Ok(ArticleTopic {
                topic: rows::topic(row)?,
                salience: row.try_get::<f64, _>("salience").map_err(database_error)?,
                mentions: u32::try_from(row.try_get::<i64, _>("mentions").map_err(database_error)?).unwrap_or(0),
                role: rows::optional_text(row, "role")?,
                state: TopicState::parse(&rows::text(row, "state")?)?,
            })
        })
        .collect()
    }

    async fn set_topic_state(&self, article: ArticleId, topic: &Slug, state: TopicState) -> StorageResult<()> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query("UPDATE article_topics SET state = $1 WHERE article_id = $2 AND topic = $3")
            .bind(state.as_str())
            .bind(article.to_string())
            .bind(topic.as_str())
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
        if changed.rows_affected() == 0 {
            return Err(StorageError::NotFound(format!("topic {topic} of article {article}")));
        }
        bump_version(&mut tx, article).await?;
        tx.commit().await.map_err(database_error)
    }

    async fn add_topic(&self, article: ArticleId, topic: &Topic) -> StorageResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO article_topics (article_id, topic, name, kind, salience, mentions, role, state) \
             VALUES ($1, $2, $3, $4, 0, 0, NULL, 'confirmed') \
             ON CONFLICT (article_id, topic) DO UPDATE SET state = 'confirmed'",
        )
        .bind(article.to_string())
        .bind(topic.slug.as_str())
        .bind(&topic.name)
        .bind(topic.kind.as_str())
        .execute(&mut *tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(ref db) if db.is_foreign_key_violation() => {
                StorageError::NotFound(format!("article {article}"))
            }
            other => database_error(other),
        })?;
        bump_version(&mut tx, article).await?;
        tx.commit().await.map_err(database_error)
    }

    async fn article_quotes(&self, article: ArticleId) -> StorageResult<Vec<ArticleQuote>> {
        sqlx::query("SELECT text, speaker, speaker_topic FROM article_quotes WHERE article_id = $1 ORDER BY position")
            .bind(article.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(database_error)?
            .iter()
            .map(rows::quote)
            .collect()
    }

    async fn topic(&self, slug: &Slug) -> StorageResult<Option<Topic>> {
        sqlx::query(
            "SELECT t.topic, t.name, t.kind FROM article_topics t JOIN articles a ON a.id = t.article_id \
             WHERE t.topic = $1 AND t.state = 'confirmed' AND a.status = 'published' \
             ORDER BY length(t.name) DESC, t.name LIMIT 1",
        )
        .bind(slug.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(database_error)?
        .as_ref()
        .map(rows::topic)
        .transpose()
    }

    async fn topic_quotes(&self, topic: &Slug, limit: u32) -> StorageResult<Vec<TopicQuote>> {
        sqlx::query(
            "SELECT q.text, q.speaker, q.speaker_topic, a.id, a.headline, a.slug, s.slug AS section_slug \
             FROM article_quotes q JOIN articles a ON a.id = q.article_id JOIN sections s ON s.id = a.section_id \
             WHERE q.speaker_topic = $1 AND a.status = 'published' \
             ORDER BY a.published_at DESC, q.position LIMIT $2",
        )
        .bind(topic.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(database_error)?
        .iter()
        .map(|row| {
            Ok(TopicQuote {
                quote: rows::quote(row)?,
                article: rows::article_id(row, "id")?,
                headline: rows::text(row, "headline")?,
                url: format!("/{}/{}", rows::text(row, "section_slug")?, rows::text(row, "slug")?),
            })
        })
        .collect()
    }

    async fn articles_needing_analysis(&self, limit: u32) -> StorageResult<Vec<ArticleId>> {
        sqlx::query(
            "SELECT a.id FROM articles a LEFT JOIN article_analyses n ON n.article_id = a.id \
             WHERE n.revision IS NULL OR n.revision <> a.revision ORDER BY a.id LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(database_error)?
        .iter()
        .map(|row| rows::article_id(row, "id"))
        .collect()
    }

    async fn published_article_ids(&self) -> StorageResult<Vec<ArticleId>> {
        sqlx::query("SELECT id FROM articles WHERE status = 'published' ORDER BY published_at, id")
            .fetch_all(&self.pool)
            .await
            .map_err(database_error)?
            .iter()
            .map(|row| rows::article_id(row, "id"))
            .collect()
    }

    async fn related_pins(&self, article: ArticleId) -> StorageResult<Vec<ArticleId>> {
        sqlx::query("SELECT target_id FROM related_pins WHERE article_id = $1 ORDER BY position")
            .bind(article.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(database_error)?
            .iter()
            .map(|row| rows::article_id(row, "target_id"))
            .collect()
    }

    async fn set_related_pins(&self, article: ArticleId, targets: &[ArticleId]) -> StorageResult<()> {
        let id = article.to_string();
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM related_pins WHERE article_id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
        for (position, target) in targets.iter().enumerate() {
            sqlx::query("INSERT INTO related_pins (article_id, position, target_id) VALUES ($1, $2, $3)")
                .bind(&id)
                .bind(position as i64)
                .bind(target.to_string())
                .execute(&mut *tx)
                .await
                .map_err(|e| match &e {
                    sqlx::Error::Database(d) if d.message().contains("FOREIGN KEY") => {
                        StorageError::NotFound(format!("article {target}"))
                    }
                    _ => database_error(e),
                })?;
        }
        bump_version(&mut tx, article).await?;
        tx.commit().await.map_err(database_error)
    }

    async fn published_versions(&self) -> StorageResult<Vec<(ArticleId, u64)>> {
        sqlx::query("SELECT id, version FROM articles WHERE status = 'published'")
            .fetch_all(&self.pool)
            .await
            .map_err(database_error)?
            .iter()
            .map(|row| {
                let version: i64 = row.try_get("version").map_err(database_error)?;
                Ok((rows::article_id(row, "id")?, u64::try_from(version).unwrap_or(0)))
            })
            .collect()
    }

    async fn articles_showing_media(&self, id: MediaId) -> StorageResult<Vec<(ArticleId, Status)>> {
        sqlx::query("SELECT id, status FROM articles WHERE lead_media_id = $1 ORDER BY id")
            .bind(id.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(database_error)?
            .iter()
            .map(|row| Ok((rows::article_id(row, "id")?, Status::parse(&rows::text(row, "status")?)?)))
            .collect()
    }

    async fn record_change(&self, origin: &str, change: &Change) -> StorageResult<u64> {
        let mut tx = self.begin_write().await?;
        let sequence: i64 = sqlx::query_scalar(
            "INSERT INTO changes (origin, change, recorded_at) VALUES ($1, $2, $3) RETURNING sequence",
        )
        .bind(origin)
        .bind(change_json::write(change))
        .bind(stamp(OffsetDateTime::now_utc()))
        .fetch_one(&mut *tx)
        .await
        .map_err(database_error)?;
        // Delivered when the transaction commits, to every node listening.
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANGE_CHANNEL)
            .bind(sequence.to_string())
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
        tx.commit().await.map_err(database_error)?;
        Ok(u64::try_from(sequence).unwrap_or(0))
    }

    async fn last_change(&self) -> StorageResult<u64> {
        let last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(sequence), 0) FROM changes")
            .fetch_one(&self.pool)
            .await
            .map_err(database_error)?;
        Ok(u64::try_from(last).unwrap_or(0))
    }

    async fn changes_after(&self, after: u64, limit: u32, wait: Duration) -> StorageResult<ChangeBatch> {
        let read = || async {
            let found = sqlx::query(
                "SELECT sequence, origin, change FROM changes WHERE sequence > $1 ORDER BY sequence LIMIT $2",
            )
            .bind(i64::try_from(after).unwrap_or(i64::MAX))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(database_error)?;
            found.iter().map(rows::recorded_change).collect::<StorageResult<Vec<_>>>()
        };
        let found = read().await?;
        if !found.is_empty() || wait.is_zero() {
            return Ok(ChangeBatch { changes: found, reconnected: false });
        }
        let mut listener = self.listener.lock().await;
        let mut reconnected = false;
        if listener.is_none() {
            let mut fresh = PgListener::connect_with(&self.pool).await.map_err(database_error)?;
            fresh.listen(CHANGE_CHANNEL).await.map_err(database_error)?;
            *listener = Some(fresh);
            // A change recorded before the listener was ready sent its notice to nobody: look again.
            let found = read().await?;
            if !found.is_empty() {
                return Ok(ChangeBatch { changes: found, reconnected });
            }
        }
        if let Some(active) = listener.as_mut() {
            match tokio::time::timeout(wait, active.try_recv()).await {
                // A notice, or the wait is over: either way, read what is there.
                Ok(Ok(Some(_))) | Err(_) => {}
                // The connection was lost: notices in between are lost too.
                Ok(Ok(None)) => reconnected = true,
                Ok(Err(error)) => {
                    *listener = None;
                    return Err(database_error(error));
                }
            }
        }
        Ok(ChangeBatch { changes: read().await?, reconnected })
    }

    async fn prune_changes(&self, before: OffsetDateTime) -> StorageResult<u64> {
        let pruned = sqlx::query("DELETE FROM changes WHERE recorded_at < $1")
            .bind(stamp(before))
            .execute(&self.pool)
            .await
            .map_err(database_error)?;
        Ok(pruned.rows_affected())
    }
}

/// Moves an article's version on, inside the transaction that changes it.
async fn bump_version(tx: &mut sqlx::PgConnection, article: ArticleId) -> StorageResult<()> {
    sqlx::query("UPDATE articles SET version = version + 1 WHERE id = $1")
        .bind(article.to_string())
        .execute(&mut *tx)
        .await
        .map_err(database_error)?;
    Ok(())
}

fn count_and_oldest(row: &PgRow) -> StorageResult<(u32, Option<OffsetDateTime>)> {
    let count: i64 = row.try_get("n").map_err(database_error)?;
    Ok((u32::try_from(count).unwrap_or(u32::MAX), rows::optional_time(row, "oldest")?))
}

/// Accounts with their byline's slug; callers append a WHERE clause.
const USER_SQL: &str = "SELECT u.*, au.slug AS author_slug FROM users u JOIN authors au ON au.id = u.author_id";

/// Applies the newsroom list's filter to a query over `articles a JOIN sections s`.
fn push_filter(query: &mut QueryBuilder<'_, Postgres>, filter: &NewsroomFilter) {
    query.push(" WHERE 1 = 1");
    if let Some(status) = filter.status {
        query.push(" AND a.status = ").push_bind(status.as_str());
    }
    if let Some(section) = &filter.section {
        query.push(" AND s.slug = ").push_bind(section.as_str().to_owned());
    }
    if let Some(author) = &filter.author {
        query
            .push(
                " AND a.id IN (SELECT aa.article_id FROM article_authors aa \
                 JOIN authors au ON au.id = aa.author_id WHERE au.slug = ",
            )
            .push_bind(author.as_str().to_owned())
            .push(")");
    }
    if let Some(text) = filter.headline_contains.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // LIKE wildcards typed by the user are matched literally.
        let pattern = format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        query.push(" AND a.headline ILIKE ").push_bind(pattern).push(" ESCAPE '\\'");
    }
}

async fn exists(tx: &mut sqlx::PgConnection, table: &'static str, slug: &Slug) -> StorageResult<bool> {
    sqlx::query_scalar(&format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE slug = $1)"))
        .bind(slug.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(database_error)
}

/// Refuses a slug that is a former address of another article than `own`.
async fn refuse_former_slug(tx: &mut sqlx::PgConnection, slug: &Slug, own: Option<&str>) -> StorageResult<()> {
    let owner: Option<String> = sqlx::query_scalar("SELECT article_id FROM slug_redirects WHERE old_slug = $1")
        .bind(slug.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(database_error)?;
    match owner {
        Some(owner) if Some(owner.as_str()) != own => {
            Err(StorageError::Conflict(format!("the slug `{slug}` is a former address of another article")))
        }
        _ => Ok(()),
    }
}

async fn section_id(tx: &mut sqlx::PgConnection, section: &Slug) -> StorageResult<i64> {
    sqlx::query_scalar("SELECT id FROM sections WHERE slug = $1")
        .bind(section.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(database_error)?
        .ok_or_else(|| StorageError::InvalidReference(format!("there is no section `{section}`")))
}

async fn insert_job(connection: &mut sqlx::PgConnection, job: &NewJob) -> StorageResult<i64> {
    sqlx::query_scalar("INSERT INTO jobs (kind, payload, run_after, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(&job.kind)
        .bind(&job.payload)
        .bind(stamp(job.run_after))
        .bind(stamp(OffsetDateTime::now_utc()))
        .fetch_one(&mut *connection)
        .await
        .map_err(database_error)
}

/// Whether settling `job` touched its row: none means another runner claimed it since.
fn held(job: &ClaimedJob, rows: u64) -> StorageResult<()> {
    if rows == 1 { Ok(()) } else { Err(StorageError::LeaseLost { job: job.id }) }
}

fn article_write_error(error: sqlx::Error, slug: &Slug) -> StorageError {
    match error {
        sqlx::Error::Database(ref db) if db.is_foreign_key_violation() => {
            StorageError::InvalidReference("the lead image does not exist".into())
        }
        other => conflict_or(other, || format!("the slug `{slug}` is already in use")),
    }
}

async fn keep_revision(
    tx: &mut sqlx::PgConnection,
    id: ArticleId,
    number: u32,
    draft: &ArticleDraft,
    saved_by: &str,
    at: OffsetDateTime,
) -> StorageResult<()> {
    sqlx::query("INSERT INTO revisions (article_id, number, saved_at, saved_by, fields) VALUES ($1, $2, $3, $4, $5)")
        .bind(id.to_string())
        .bind(i64::from(number))
        .bind(stamp(at))
        .bind(saved_by)
        .bind(revision_fields::write(draft))
        .execute(&mut *tx)
        .await
        .map_err(database_error)?;
    Ok(())
}

/// Maps a database error to the caller's terms.
fn database_error(error: sqlx::Error) -> StorageError {
    rows::decode_error(error)
}

fn conflict_or(error: sqlx::Error, message: impl FnOnce() -> String) -> StorageError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => StorageError::Conflict(message()),
        _ => database_error(error),
    }
}

/// A time as stored: whole seconds, as on SQLite, so both engines give back the same values.
fn stamp(at: OffsetDateTime) -> OffsetDateTime {
    at.replace_nanosecond(0).unwrap_or(at)
}

/// Numbers the `?` placeholders of SQL assembled from parts as PostgreSQL's `$1`, `$2` …
/// The parts never hold a `?` of their own (no string literal or operator uses one).
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}
