-- The background job queue. A job is claimed by pushing run_after forward by a
-- lease, so a job whose runner died is picked up again when the lease ends
-- (at-least-once delivery; handlers are idempotent). Finished jobs are deleted;
-- jobs that ran out of attempts keep failed_at and their last error.
CREATE TABLE jobs (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    run_after  TEXT NOT NULL,
    last_error TEXT,
    failed_at  TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX jobs_due ON jobs (failed_at, run_after, id);
