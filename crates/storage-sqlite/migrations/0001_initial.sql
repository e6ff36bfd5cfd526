-- The foundation schema: content, taxonomy, media, comments and slug history.
-- Times are UTC RFC 3339 text with whole seconds ("2024-01-17T10:00:00Z"),
-- so they sort correctly as text and read well in the sqlite3 shell.

CREATE TABLE site_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sections (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE authors (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    bio  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE media (
    id           TEXT PRIMARY KEY,
    file_name    TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL CHECK (width > 0),
    height       INTEGER NOT NULL CHECK (height > 0),
    caption      TEXT NOT NULL DEFAULT '',
    credit       TEXT NOT NULL DEFAULT '',
    alt_text     TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);

CREATE TABLE articles (
    id            TEXT PRIMARY KEY,
    slug          TEXT NOT NULL UNIQUE,
    headline      TEXT NOT NULL,
    standfirst    TEXT NOT NULL DEFAULT '',
    body_source   TEXT NOT NULL,
    section_id    INTEGER NOT NULL REFERENCES sections (id),
    status        TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'scheduled', 'published', 'unpublished')),
    published_at  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    lead_media_id TEXT REFERENCES media (id)
);
CREATE INDEX articles_by_status_and_time ON articles (status, published_at DESC, id DESC);
CREATE INDEX articles_by_section ON articles (section_id, status, published_at DESC);

CREATE TABLE article_authors (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL REFERENCES authors (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, author_id)
);
CREATE INDEX article_authors_by_author ON article_authors (author_id);

CREATE TABLE article_tags (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags (id),
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_by_tag ON article_tags (tag_id);

CREATE TABLE corrections (
    id         INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    note       TEXT NOT NULL,
    issued_at  TEXT NOT NULL
);
CREATE INDEX corrections_by_article ON corrections (article_id, issued_at);

-- Former slugs keep answering (with a redirect) for as long as the article exists.
CREATE TABLE slug_redirects (
    old_slug   TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE
);

CREATE TABLE comments (
    id           TEXT PRIMARY KEY,
    article_id   TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    parent_id    TEXT REFERENCES comments (id) ON DELETE CASCADE,
    author_name  TEXT NOT NULL,
    author_email TEXT,
    body         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'spam')),
    posted_at    TEXT NOT NULL
);
CREATE INDEX comments_by_article ON comments (article_id, status, posted_at);
