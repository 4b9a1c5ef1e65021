-- Messages the bot sends on its own (launches, digests, reminders), and scheduled job runs.

CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    batch         TEXT    NOT NULL,               -- e.g. launch:3, digest:2024-W10
    kind          TEXT    NOT NULL,               -- launch, digest, reminder, summary, …
    person_id     INTEGER REFERENCES people(id),
    chat_id       INTEGER NOT NULL,
    payload       TEXT    NOT NULL,               -- json: text (HTML), buttons
    dedupe_key    TEXT    UNIQUE,                 -- the same message is never queued twice
    status        TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sent', 'failed', 'unreachable')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    not_before    TEXT,                           -- after a 429 or a 5xx
    claimed_until TEXT,                           -- a sender's lease: no two senders send it
    last_error    TEXT,
    message_id    INTEGER,
    created_at    TEXT    NOT NULL,
    sent_at       TEXT
);
CREATE INDEX outbox_pending ON outbox (status, id);
CREATE INDEX outbox_batch ON outbox (batch, status);

-- One row per run of a periodic job and period (e.g. weekly-digest / 2024-W10): a run that
-- was due while the bot was down happens at the next start, and never twice.
CREATE TABLE job_runs (
    job           TEXT    NOT NULL,
    period        TEXT    NOT NULL,
    started_at    TEXT    NOT NULL,
    finished_at   TEXT,
    PRIMARY KEY (job, period)
);
