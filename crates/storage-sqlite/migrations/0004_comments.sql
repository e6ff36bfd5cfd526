-- Reader comments: what moderators need to judge a comment (a salted hash of
-- the poster's address, a spam score and its reasons), and an editor's choice
-- to open or close comments on an article (NULL follows the site's settings).

ALTER TABLE comments ADD COLUMN client_hash TEXT;
ALTER TABLE comments ADD COLUMN spam_score INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN reasons TEXT NOT NULL DEFAULT '';
CREATE INDEX comments_by_client ON comments (client_hash, posted_at);
CREATE INDEX comments_by_email ON comments (author_email);
CREATE INDEX comments_by_status ON comments (status, posted_at);

ALTER TABLE articles ADD COLUMN comments_open INTEGER;
