-- Every update from Telegram is stored here before Telegram is told it arrived, and marked
-- processed in the same transaction as the conversation states it produced: an update taken
-- by a process that dies is replayed at the next start, never lost and never half-applied.

CREATE TABLE update_inbox (
    update_id     INTEGER PRIMARY KEY,
    digest        TEXT    NOT NULL,            -- sha256 of the update: a redelivery has the same
    payload       TEXT    NOT NULL,            -- the update (json); emptied once processed
    received_at   TEXT    NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,  -- replays after restarts
    processed_at  TEXT
);
CREATE INDEX update_inbox_pending ON update_inbox (processed_at, received_at);
