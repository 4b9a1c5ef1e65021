-- Invite codes people type on a phone (domain.invite_codes): a new code for a person revokes
-- their earlier unused ones, and wrong codes slow their sender down.

ALTER TABLE invite_codes ADD COLUMN revoked_at TEXT;

-- Failed attempts per account (a code unknown, used, expired or revoked), for the rate limit
-- against guessing; rows older than the limit's window are deleted as new ones come.
CREATE TABLE invite_failures (
    account TEXT NOT NULL,                      -- "telegram:123", "zalo:6ede9a…"
    at      TEXT NOT NULL
);
CREATE INDEX invite_failures_account ON invite_failures (account, at);
CREATE INDEX invite_failures_at ON invite_failures (at);
