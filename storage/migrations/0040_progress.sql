-- Weekly progress: the figures each digest showed, so the next one can say what changed;
-- and what the outbox sender needs to stay correct at scale.

-- One row per digest period, scope and item: "2024-W10", "org:12" (or "all"), "reg:1" / "ack:3".
CREATE TABLE progress_snapshots (
    period      TEXT    NOT NULL,
    scope       TEXT    NOT NULL,
    item        TEXT    NOT NULL,
    done        INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    taken_at    TEXT    NOT NULL,
    PRIMARY KEY (scope, item, period)
);

-- The sender holding a lease: a row is only sent by the sender that still owns it.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;

-- Messages to one chat go out in order: the sender claims a chat's oldest pending row only.
CREATE INDEX outbox_chat_pending ON outbox (chat_id, status, id);
