-- The change feed: every change readers could see, in order, so that every
-- node serving the site (and every cache it keeps) hears of it. Recording a
-- change also sends a notice on the channel `masthead_changes`, which
-- following nodes LISTEN to.
CREATE TABLE changes (
    sequence    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    origin      TEXT NOT NULL,
    change      TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX changes_by_time ON changes (recorded_at);
