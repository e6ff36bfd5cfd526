-- The newsroom: accounts, sessions, API tokens, sign-in throttling, article
-- revisions (optimistic locking), embargoes and resized media copies.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('contributor', 'author', 'editor', 'admin')),
    author_id     INTEGER NOT NULL REFERENCES authors (id),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- Only hashes of cookie and API tokens are stored: a copy of the database
-- does not let anyone sign in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label      TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY,
    key       TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, failed_at);

ALTER TABLE articles ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE articles ADD COLUMN embargo_until TEXT;
ALTER TABLE articles ADD COLUMN owner_id TEXT REFERENCES users (id);
CREATE INDEX articles_by_update ON articles (updated_at DESC, id DESC);

-- Every save of an article's fields, as JSON (see revision_fields in store.rs).
CREATE TABLE revisions (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    number     INTEGER NOT NULL,
    saved_at   TEXT NOT NULL,
    saved_by   TEXT NOT NULL,
    fields     TEXT NOT NULL,
    PRIMARY KEY (article_id, number)
);

-- Articles stored before revisions existed get their current state as revision 1.
INSERT INTO revisions (article_id, number, saved_at, saved_by, fields)
SELECT a.id, 1, a.updated_at, 'Masthead',
       json_object(
           'slug', a.slug, 'headline', a.headline, 'standfirst', a.standfirst, 'body_source', a.body_source,
           'section', (SELECT slug FROM sections WHERE id = a.section_id),
           'tags', (SELECT json_group_array(t.slug) FROM article_tags at JOIN tags t ON t.id = at.tag_id
                    WHERE at.article_id = a.id),
           'authors', (SELECT json_group_array(slug) FROM (SELECT au.slug FROM article_authors aa
                       JOIN authors au ON au.id = aa.author_id WHERE aa.article_id = a.id ORDER BY aa.position)),
           'lead_image', a.lead_media_id, 'embargo_until', NULL)
FROM articles a;

CREATE TABLE media_variants (
    media_id     TEXT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    file_name    TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL CHECK (width > 0),
    height       INTEGER NOT NULL CHECK (height > 0),
    PRIMARY KEY (media_id, file_name)
);
