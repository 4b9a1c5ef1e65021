-- The outbox serves every channel: each row names its channel, and its chat id is stored as
-- given (Telegram's are integers, Zalo's hex text: a column without a type converts neither).
CREATE TABLE outbox_new (
    id            INTEGER PRIMARY KEY,
    batch         TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    person_id     INTEGER REFERENCES people(id),
    channel       TEXT    NOT NULL DEFAULT 'telegram',
    chat_id               NOT NULL,
    payload       TEXT    NOT NULL,               -- json: text (HTML subset), buttons
    dedupe_key    TEXT    UNIQUE,
    status        TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sent', 'failed', 'unreachable')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    not_before    TEXT,
    claimed_until TEXT,
    last_error    TEXT,
    message_id,
    created_at    TEXT    NOT NULL,
    sent_at       TEXT,
    claimed_by    TEXT
);
INSERT INTO outbox_new (id, batch, kind, person_id, channel, chat_id, payload, dedupe_key, status,
                        attempts, not_before, claimed_until, last_error, message_id, created_at,
                        sent_at, claimed_by)
    SELECT id, batch, kind, person_id, 'telegram', chat_id, payload, dedupe_key, status, attempts,
           not_before, claimed_until, last_error, message_id, created_at, sent_at, claimed_by
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (status, id);
CREATE INDEX outbox_batch ON outbox (batch, status);
CREATE INDEX outbox_chat_pending ON outbox (channel, chat_id, status, id);
