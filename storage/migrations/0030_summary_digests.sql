-- What each digest of a registration window posted to the secretariat chat covered: the next
-- daily digest reports the changes since the last row of its window, and the final summary
-- (kind 'final') is written in the same transaction that closes the window.

CREATE TABLE summary_digests (
    id            INTEGER PRIMARY KEY,
    window_id     INTEGER NOT NULL REFERENCES registration_windows(id),
    kind          TEXT    NOT NULL CHECK (kind IN ('daily', 'final')),
    period        TEXT    NOT NULL,               -- the scheduler's period, e.g. 2024-03-11
    covered_until TEXT    NOT NULL,               -- UTC: data up to this moment is in it
    snapshot      TEXT    NOT NULL,               -- json: domain.summary_digest.Snapshot
    messages      INTEGER NOT NULL DEFAULT 0,     -- messages posted (0: nothing had changed)
    created_at    TEXT    NOT NULL,
    UNIQUE (window_id, kind, period)
);
CREATE INDEX summary_digests_window ON summary_digests (window_id, id);
