-- The change feed: every change readers could see, in order, so that every
-- process serving the site (and every cache it keeps) hears of it.
-- AUTOINCREMENT: a sequence number is never used twice, even after pruning.
CREATE TABLE changes (
    sequence    INTEGER PRIMARY KEY AUTOINCREMENT,
    origin      TEXT NOT NULL,
    change      TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
