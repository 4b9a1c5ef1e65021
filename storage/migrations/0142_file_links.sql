-- Files the bot hands out as links (channels without attachments: Zalo): unguessable tokens
-- (only their hash is stored), bound to the account that asked, expiring.
CREATE TABLE file_links (
    token_hash   TEXT    PRIMARY KEY,
    account      TEXT    NOT NULL,
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    content      BLOB    NOT NULL,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL,
    downloads    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX file_links_expiry ON file_links (expires_at);
