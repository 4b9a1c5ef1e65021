-- Upload previews expire, remember the plan they showed, and keep the parsed file instead of
-- the raw one; whatever they hold is wiped once they are applied, cancelled or expired.
-- (Rebuilt: SQLite cannot change a CHECK constraint, and `expired` is a new status.)
CREATE TABLE pending_uploads_new (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    chat_id      INTEGER NOT NULL,
    telegram_user_id INTEGER NOT NULL,
    filename     TEXT    NOT NULL,
    content      BLOB    NOT NULL DEFAULT x'',  -- no longer written: the parsed file is kept
    options      TEXT    NOT NULL DEFAULT '{}',
    created_at   TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'applied', 'cancelled', 'expired')),
    parsed       TEXT,              -- the file as parsed once (JSON); NULL once decided
    plan_digest  TEXT,              -- domain.plans: the digest of the plan the preview showed
    expires_at   TEXT    NOT NULL   -- after it Apply refuses and the cleanup wipes the row
);
-- Previews made before this version cannot be applied (their plan was not recorded): expired.
INSERT INTO pending_uploads_new (id, kind, chat_id, telegram_user_id, filename, content, options,
                                 created_at, status, parsed, plan_digest, expires_at)
SELECT id, kind, chat_id, telegram_user_id, filename, x'', options, created_at,
       CASE status WHEN 'pending' THEN 'expired' ELSE status END, NULL, NULL, created_at
FROM pending_uploads;
DROP TABLE pending_uploads;
ALTER TABLE pending_uploads_new RENAME TO pending_uploads;
CREATE INDEX pending_uploads_expiry ON pending_uploads (expires_at) WHERE status = 'pending';
