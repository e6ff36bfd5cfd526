-- Every article carries a version that moves with each change to what it
-- shows (its fields, status, address, topics or pins), in the same
-- statement or transaction as the change. Caches of the database, such as
-- the search index, keep the version they hold and catch up at start with
-- whatever a crash kept them from hearing about.
ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX articles_published_versions ON articles (status, id, version);

-- Who uploaded a picture: describing it follows the ownership rules of
-- articles. Pictures uploaded before this was kept belong to nobody, so
-- only editors may describe them.
ALTER TABLE media ADD COLUMN uploaded_by TEXT REFERENCES users (id) ON DELETE SET NULL;
