use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use masthead_content::{
    Article, ArticleId, ArticleSummary, Author, Comment, CommentId, Correction, Media, MediaId, NewArticle, NewComment,
    NewMedia, Section, Slug, Status, Tag,
};
use masthead_storage::{
    ArticleLocation, ArticleLookup, ClaimedJob, Listing, PageRequest, Paged, PublicationMonth, PublishedLink,
    StorageError, StorageResult, Store,
};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};
use time::OffsetDateTime;

use crate::{rows, time_text};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

const ARTICLE_SUMMARIES_SQL: &str = include_str!("sql/article_summaries.sql");
const PUBLISHED_ARTICLE_SQL: &str = include_str!("sql/published_article.sql");

/// A [`Store`] on an embedded SQLite database file.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `path`, in WAL mode, and
    /// brings its schema up to date.
    ///
    /// Fails with [`StorageError::Corrupt`] when the file is not a SQLite
    /// database and [`StorageError::SchemaTooNew`] when a newer Masthead wrote it.
    pub async fn open(path: &Path) -> StorageResult<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL is durable in WAL mode except on power loss mid-checkpoint; the usual choice for WAL.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool =
            SqlitePoolOptions::new().max_connections(8).connect_with(options).await.map_err(|e| open_error(path, e))?;
        let store = Self { pool };
        store.refuse_newer_schema().await?;
        MIGRATOR.run(&store.pool).await.map_err(|e| StorageError::Unavailable(Box::new(e)))?;
        Ok(store)
    }

    /// An in-memory database for tests; gone when the store is dropped.
    pub async fn in_memory() -> StorageResult<Self> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:").map_err(database_error)?.foreign_keys(true);
        // One connection: every connection to `:memory:` is a separate database.
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.map_err(database_error)?;
        MIGRATOR.run(&pool).await.map_err(|e| StorageError::Unavailable(Box::new(e)))?;
        Ok(Self { pool })
    }

    /// Closes every connection, checkpointing the write-ahead log.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn refuse_newer_schema(&self) -> StorageResult<()> {
        let has_history: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(database_error)?;
        if !has_history {
            return Ok(());
        }
        let found: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
            .fetch_one(&self.pool)
            .await
            .map_err(database_error)?;
        let supported = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
        match found {
            Some(found) if found > supported => Err(StorageError::SchemaTooNew { found, supported }),
            _ => Ok(()),
        }
    }

    async fn authors_of(&self, ids: &[ArticleId]) -> StorageResult<HashMap<ArticleId, Vec<Author>>> {
        let mut by_article: HashMap<ArticleId, Vec<Author>> = HashMap::new();
        if ids.is_empty() {
            return Ok(by_article);
        }
        let mut query = QueryBuilder::<Sqlite>::new(
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
    async fn summaries(&self, found: &[SqliteRow]) -> StorageResult<Vec<ArticleSummary>> {
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
                })
            })
            .collect()
    }

    async fn full_article(&self, row: &SqliteRow) -> StorageResult<Article> {
        let id = rows::article_id(row, "id")?;
        let key = id.to_string();
        let tags = sqlx::query(
            "SELECT t.slug, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id \
             WHERE at.article_id = ? ORDER BY t.name",
        )
        .bind(&key)
        .fetch_all(&self.pool)
        .await
        .map_err(database_error)?
        .iter()
        .map(rows::tag)
        .collect::<StorageResult<Vec<Tag>>>()?;
        let corrections =
            sqlx::query("SELECT note, issued_at FROM corrections WHERE article_id = ? ORDER BY issued_at, id")
                .bind(&key)
                .fetch_all(&self.pool)
                .await
                .map_err(database_error)?
                .iter()
                .map(|r| Ok(Correction { note: rows::text(r, "note")?, issued_at: rows::time(r, "issued_at")? }))
                .collect::<StorageResult<Vec<Correction>>>()?;
        let authors = self.authors_of(&[id]).await?.remove(&id).unwrap_or_default();
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
            lead_image: rows::lead_media(row)?,
            corrections,
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
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn is_initialised(&self) -> StorageResult<bool> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM site_meta WHERE key = 'initialised_at')")
            .fetch_one(&self.pool)
            .await
            .map_err(database_error)
    }

    async fn mark_initialised(&self) -> StorageResult<()> {
        sqlx::query("INSERT OR IGNORE INTO site_meta (key, value) VALUES ('initialised_at', ?)")
            .bind(time_text::to_text(OffsetDateTime::now_utc()))
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
            "INSERT INTO sections (slug, name, description, position) VALUES (?, ?, ?, ?) \
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
            "INSERT INTO tags (slug, name) VALUES (?, ?) ON CONFLICT (slug) DO UPDATE SET name = excluded.name",
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
            "INSERT INTO authors (slug, name, bio) VALUES (?, ?, ?) \
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
             FROM sections WHERE slug = ?",
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
        sqlx::query("SELECT slug, name FROM tags WHERE slug = ?")
            .bind(slug.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(database_error)?
            .as_ref()
            .map(rows::tag)
            .transpose()
    }

    async fn author(&self, slug: &Slug) -> StorageResult<Option<Author>> {
        sqlx::query("SELECT slug, name, bio FROM authors WHERE slug = ?")
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
            "INSERT INTO media (id, file_name, content_type, width, height, caption, credit, alt_text, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(&media.file_name)
        .bind(&media.content_type)
        .bind(i64::from(media.width))
        .bind(i64::from(media.height))
        .bind(&media.caption)
        .bind(&media.credit)
        .bind(&media.alt_text)
        .bind(time_text::to_text(OffsetDateTime::now_utc()))
        .execute(&self.pool)
        .await
        .map_err(|e| conflict_or(e, || format!("a media file named `{}` already exists", media.file_name)))?;
        let row = sqlx::query("SELECT * FROM media WHERE id = ?")
            .bind(id.to_string())
            .fetch_one(&self.pool)
            .await
            .map_err(database_error)?;
        rows::media(&row)
    }

    async fn create_article(&self, article: NewArticle) -> StorageResult<ArticleId> {
        article.validate()?;
        let mut tx = self.pool.begin().await.map_err(database_error)?;
        let reserved: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM slug_redirects WHERE old_slug = ?)")
            .bind(article.slug.as_str())
            .fetch_one(&mut *tx)
            .await
            .map_err(database_error)?;
        if reserved {
            return Err(StorageError::Conflict(format!(
                "the slug `{}` is a former address of another article",
                article.slug
            )));
        }
        let section_id: i64 = sqlx::query_scalar("SELECT id FROM sections WHERE slug = ?")
            .bind(article.section.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(database_error)?
            .ok_or_else(|| StorageError::InvalidReference(format!("there is no section `{}`", article.section)))?;
        let id = ArticleId::generate();
        sqlx::query(
            "INSERT INTO articles (id, slug, headline, standfirst, body_source, section_id, status, published_at, \
             created_at, updated_at, lead_media_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(article.slug.as_str())
        .bind(article.headline.as_str())
        .bind(&article.standfirst)
        .bind(&article.body_source)
        .bind(section_id)
        .bind(article.status.as_str())
        .bind(article.published_at.map(time_text::to_text))
        .bind(time_text::to_text(OffsetDateTime::now_utc()))
        .bind(time_text::to_text(article.updated_at))
        .bind(article.lead_image.map(|m| m.to_string()))
        .execute(&mut *tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(ref db) if db.is_foreign_key_violation() => {
                StorageError::InvalidReference("the lead image does not exist".into())
            }
            other => conflict_or(other, || format!("the slug `{}` is already in use", article.slug)),
        })?;
        for (position, author) in article.authors.iter().enumerate() {
            let inserted = sqlx::query(
                "INSERT OR IGNORE INTO article_authors (article_id, author_id, position) \
                 SELECT ?, id, ? FROM authors WHERE slug = ?",
            )
            .bind(id.to_string())
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(author.as_str())
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
            if inserted.rows_affected() == 0 {
                return Err(StorageError::InvalidReference(format!("there is no author `{author}`")));
            }
        }
        for tag in &article.tags {
            let inserted = sqlx::query(
                "INSERT OR IGNORE INTO article_tags (article_id, tag_id) SELECT ?, id FROM tags WHERE slug = ?",
            )
            .bind(id.to_string())
            .bind(tag.as_str())
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
            if inserted.rows_affected() == 0
                && !sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM tags WHERE slug = ?)")
                    .bind(tag.as_str())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(database_error)?
            {
                return Err(StorageError::InvalidReference(format!("there is no tag `{tag}`")));
            }
        }
        tx.commit().await.map_err(database_error)?;
        Ok(id)
    }

    async fn change_slug(&self, id: ArticleId, new_slug: &Slug) -> StorageResult<()> {
        let key = id.to_string();
        let mut tx = self.pool.begin().await.map_err(database_error)?;
        let current: String = sqlx::query_scalar("SELECT slug FROM articles WHERE id = ?")
            .bind(&key)
            .fetch_optional(&mut *tx)
            .await
            .map_err(database_error)?
            .ok_or_else(|| StorageError::NotFound(format!("article {id}")))?;
        if current == new_slug.as_str() {
            return Ok(());
        }
        let owner: Option<String> = sqlx::query_scalar("SELECT article_id FROM slug_redirects WHERE old_slug = ?")
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
                sqlx::query("DELETE FROM slug_redirects WHERE old_slug = ?")
                    .bind(new_slug.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(database_error)?;
            }
            None => {}
        }
        sqlx::query("UPDATE articles SET slug = ? WHERE id = ?")
            .bind(new_slug.as_str())
            .bind(&key)
            .execute(&mut *tx)
            .await
            .map_err(|e| conflict_or(e, || format!("the slug `{new_slug}` is already in use")))?;
        sqlx::query("INSERT INTO slug_redirects (old_slug, article_id) VALUES (?, ?)")
            .bind(&current)
            .bind(&key)
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
        tx.commit().await.map_err(database_error)?;
        Ok(())
    }

    async fn add_correction(&self, id: ArticleId, correction: &Correction) -> StorageResult<()> {
        let issued_at = time_text::to_text(correction.issued_at);
        let mut tx = self.pool.begin().await.map_err(database_error)?;
        let updated = sqlx::query("UPDATE articles SET updated_at = MAX(updated_at, ?) WHERE id = ?")
            .bind(&issued_at)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
        if updated.rows_affected() == 0 {
            return Err(StorageError::NotFound(format!("article {id}")));
        }
        sqlx::query("INSERT INTO corrections (article_id, note, issued_at) VALUES (?, ?, ?)")
            .bind(id.to_string())
            .bind(&correction.note)
            .bind(&issued_at)
            .execute(&mut *tx)
            .await
            .map_err(database_error)?;
        tx.commit().await.map_err(database_error)
    }

    async fn published_article(&self, slug: &Slug) -> StorageResult<ArticleLookup> {
        let row = sqlx::query(PUBLISHED_ARTICLE_SQL)
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
             WHERE r.old_slug = ? AND a.status = 'published'",
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
        let count_sql = format!(
            "SELECT COUNT(*) FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.status = 'published' AND {filter}"
        );
        let total: i64 =
            sqlx::query_scalar(&count_sql).bind(parameter).fetch_one(&self.pool).await.map_err(database_error)?;
        let page_sql = ARTICLE_SUMMARIES_SQL.replace("/*filter*/", filter);
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
        let items = self.summaries(&found).await?;
        Ok(Paged { items, request: page, total: u64::try_from(total).unwrap_or(0) })
    }

    async fn recent_articles(&self, listing: &Listing, limit: u32) -> StorageResult<Vec<Article>> {
        let (filter, parameter) = listing_filter(listing);
        let sql = format!(
            "SELECT a.id, a.slug, a.headline, a.standfirst, a.body_source, a.status, a.published_at, a.updated_at, \
             s.slug AS section_slug, s.name AS section_name, s.description AS section_description, \
             m.id AS media_id, m.file_name, m.content_type, m.width, m.height, m.caption, m.credit, m.alt_text \
             FROM articles a JOIN sections s ON s.id = a.section_id LEFT JOIN media m ON m.id = a.lead_media_id \
             WHERE a.status = 'published' AND {filter} ORDER BY a.published_at DESC, a.id DESC LIMIT ?"
        );
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
            "SELECT substr(published_at, 1, 7) AS month, COUNT(*) AS articles, MAX(updated_at) AS last_modified \
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
             WHERE a.status = 'published' AND substr(a.published_at, 1, 7) = ? \
             ORDER BY a.published_at, a.id LIMIT ? OFFSET ?",
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
        let sql = ARTICLE_SUMMARIES_SQL.replace("/*filter*/", "a.published_at >= ?");
        let found = sqlx::query(&sql)
            .bind(time_text::to_text(since))
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
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT a.slug AS named, a.slug, a.headline, s.slug AS section_slug FROM articles a \
             JOIN sections s ON s.id = a.section_id WHERE a.status = 'published' AND a.slug IN (",
        );
        let mut list = query.separated(", ");
        for slug in slugs {
            list.push_bind(slug.as_str());
        }
        query.push(
            ") UNION ALL SELECT r.old_slug AS named, a.slug, a.headline, s.slug AS section_slug FROM slug_redirects r \
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
                    named: rows::slug(row, "named")?,
                    slug: rows::slug(row, "slug")?,
                    section: rows::slug(row, "section_slug")?,
                    headline: rows::headline(row, "headline")?,
                })
            })
            .collect()
    }

    async fn enqueue_job(&self, kind: &str, payload: &str, run_after: OffsetDateTime) -> StorageResult<i64> {
        sqlx::query_scalar("INSERT INTO jobs (kind, payload, run_after, created_at) VALUES (?, ?, ?, ?) RETURNING id")
            .bind(kind)
            .bind(payload)
            .bind(time_text::to_text(run_after))
            .bind(time_text::to_text(OffsetDateTime::now_utc()))
            .fetch_one(&self.pool)
            .await
            .map_err(database_error)
    }

    async fn claim_job(&self, now: OffsetDateTime, lease: time::Duration) -> StorageResult<Option<ClaimedJob>> {
        // One statement, so two runners can never claim the same job.
        let row = sqlx::query(
            "UPDATE jobs SET run_after = ?, attempts = attempts + 1 WHERE id = \
             (SELECT id FROM jobs WHERE failed_at IS NULL AND run_after <= ? ORDER BY run_after, id LIMIT 1) \
             RETURNING id, kind, payload, attempts",
        )
        .bind(time_text::to_text(now + lease))
        .bind(time_text::to_text(now))
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

    async fn finish_job(&self, id: i64) -> StorageResult<()> {
        sqlx::query("DELETE FROM jobs WHERE id = ?").bind(id).execute(&self.pool).await.map_err(database_error)?;
        Ok(())
    }

    async fn retry_job(&self, id: i64, run_after: OffsetDateTime, error: &str) -> StorageResult<()> {
        sqlx::query("UPDATE jobs SET run_after = ?, last_error = ? WHERE id = ?")
            .bind(time_text::to_text(run_after))
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(database_error)?;
        Ok(())
    }

    async fn give_up_job(&self, id: i64, error: &str) -> StorageResult<()> {
        sqlx::query("UPDATE jobs SET failed_at = ?, last_error = ? WHERE id = ?")
            .bind(time_text::to_text(OffsetDateTime::now_utc()))
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(database_error)?;
        Ok(())
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

    async fn add_comment(&self, comment: NewComment) -> StorageResult<Comment> {
        let article = comment.article_id.to_string();
        if let Some(parent) = comment.parent_id {
            let parent_is_top_level_on_same_article: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM comments WHERE id = ? AND article_id = ? AND parent_id IS NULL)",
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
            "INSERT INTO comments (id, article_id, parent_id, author_name, author_email, body, status, posted_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(&article)
        .bind(comment.parent_id.map(|p| p.to_string()))
        .bind(&comment.author_name)
        .bind(&comment.author_email)
        .bind(&comment.body)
        .bind(comment.status.as_str())
        .bind(time_text::to_text(comment.posted_at))
        .execute(&self.pool)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(ref db) if db.is_foreign_key_violation() => {
                StorageError::NotFound(format!("article {}", comment.article_id))
            }
            other => database_error(other),
        })?;
        let row = sqlx::query("SELECT * FROM comments WHERE id = ?")
            .bind(id.to_string())
            .fetch_one(&self.pool)
            .await
            .map_err(database_error)?;
        rows::comment(&row)
    }

    async fn approved_comments(&self, article: ArticleId) -> StorageResult<Vec<Comment>> {
        sqlx::query("SELECT * FROM comments WHERE article_id = ? AND status = 'approved' ORDER BY posted_at, id")
            .bind(article.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(database_error)?
            .iter()
            .map(rows::comment)
            .collect()
    }
}

/// SQLite's result code for "file is not a database".
const SQLITE_NOTADB: &str = "26";

/// Maps a database error to the caller's terms.
pub(crate) fn database_error(error: sqlx::Error) -> StorageError {
    match &error {
        sqlx::Error::Database(db) if db.code().as_deref() == Some(SQLITE_NOTADB) => {
            StorageError::Corrupt("the file is not a SQLite database".into())
        }
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::ColumnNotFound(_) => StorageError::Corrupt(error.to_string()),
        _ => StorageError::Unavailable(Box::new(error)),
    }
}

fn conflict_or(error: sqlx::Error, message: impl FnOnce() -> String) -> StorageError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => StorageError::Conflict(message()),
        _ => database_error(error),
    }
}

fn open_error(path: &Path, error: sqlx::Error) -> StorageError {
    match database_error(error) {
        StorageError::Corrupt(_) => StorageError::Corrupt(format!(
            "{} is not a SQLite database (damaged, or another kind of file)",
            path.display()
        )),
        other => other,
    }
}
