-- The Zalo inbox: every update from Zalo is stored here, keyed by its message id, before
-- anything is done with it, and marked processed once it was. getUpdates has no offset (an
-- update handed out is gone from the platform) and the webhook may deliver twice: a stored
-- update is never lost by a crash (replayed at start-up) and never processed twice.

CREATE TABLE zalo_inbox (
    message_id    TEXT    PRIMARY KEY,
    payload       TEXT    NOT NULL,            -- the update as received (json); emptied once processed
    received_at   TEXT    NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,  -- replays after restarts
    processed_at  TEXT
);
CREATE INDEX zalo_inbox_pending ON zalo_inbox (processed_at, received_at);
