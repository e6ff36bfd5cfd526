-- Newsroom intelligence: the entities the analysis found in each article
-- (suggested, then confirmed or removed by an editor), the quotations with
-- their speakers, and the related stories an editor pinned.

CREATE TABLE article_topics (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    topic      TEXT NOT NULL,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('person', 'organization', 'place')),
    salience   REAL NOT NULL DEFAULT 0,
    mentions   INTEGER NOT NULL DEFAULT 0,
    role       TEXT,
    state      TEXT NOT NULL CHECK (state IN ('suggested', 'confirmed', 'removed')),
    PRIMARY KEY (article_id, topic)
);
CREATE INDEX article_topics_by_topic ON article_topics (topic, state);

CREATE TABLE article_quotes (
    article_id    TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    text          TEXT NOT NULL,
    speaker       TEXT,
    speaker_topic TEXT,
    PRIMARY KEY (article_id, position)
);
CREATE INDEX article_quotes_by_speaker ON article_quotes (speaker_topic);

-- The revision each analysis was made from, so a start-up can analyse
-- what was stored without it (imports, older versions).
CREATE TABLE article_analyses (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    revision   INTEGER NOT NULL
);

CREATE TABLE related_pins (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    target_id  TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, position)
);
