-- Registration conversations: which draft each Telegram user is working on, and a revision
-- number on confirmed registrations so a stale "withdraw" or "edit" button is detected.

-- The draft (and its version) a user last saw in the registration conversation: a typed
-- answer goes to that draft, and only while nobody else has changed it since.
CREATE TABLE registration_sessions (
    telegram_user_id INTEGER PRIMARY KEY,
    draft_id         INTEGER NOT NULL REFERENCES registration_drafts(id) ON DELETE CASCADE,
    version          INTEGER NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE INDEX registration_sessions_draft ON registration_sessions (draft_id);

-- Bumped at every confirmation and withdrawal; buttons on /status carry it.
ALTER TABLE registrations ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;

CREATE INDEX registration_drafts_year_org ON registration_drafts (year, org_id);
