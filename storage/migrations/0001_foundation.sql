-- Foundation: organisation tree, people, Telegram links, invite codes, audit log,
-- conversation persistence and files waiting for a confirmation button.

CREATE TABLE org_units (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES org_units(id),
    kind        TEXT    NOT NULL CHECK (kind IN ('bloc', 'agency', 'unit')),
    name        TEXT    NOT NULL,
    name_key    TEXT    NOT NULL,          -- domain.text.identity_key(name)
    search_key  TEXT    NOT NULL,          -- domain.text.fold_key(name)
    sort_order  INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX org_units_sibling_name ON org_units (coalesce(parent_id, 0), name_key);
CREATE INDEX org_units_parent ON org_units (parent_id);

CREATE TABLE people (
    id          INTEGER PRIMARY KEY,
    phone       TEXT    NOT NULL UNIQUE,    -- domain.phone.normalize_phone
    full_name   TEXT    NOT NULL,
    search_key  TEXT    NOT NULL,
    position    TEXT    NOT NULL DEFAULT '',
    is_leader   INTEGER NOT NULL DEFAULT 0,
    role        TEXT    NOT NULL CHECK (role IN ('staff', 'unit_head', 'agency_head', 'secretariat')),
    org_id      INTEGER NOT NULL REFERENCES org_units(id),
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX people_org ON people (org_id, active);

-- Units (or agencies) a person heads; a unit head may head several units.
CREATE TABLE headships (
    person_id   INTEGER NOT NULL REFERENCES people(id),
    org_id      INTEGER NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (person_id, org_id)
);
CREATE INDEX headships_org ON headships (org_id);

CREATE TABLE telegram_links (
    person_id        INTEGER PRIMARY KEY REFERENCES people(id),
    telegram_user_id INTEGER NOT NULL UNIQUE,
    chat_id          INTEGER NOT NULL,
    method           TEXT    NOT NULL CHECK (method IN ('contact', 'invite')),
    linked_at        TEXT    NOT NULL,
    unreachable_at   TEXT
);

-- Preferences of a Telegram account, linked or not (the language chosen with /language).
CREATE TABLE user_settings (
    telegram_user_id INTEGER PRIMARY KEY,
    locale           TEXT    NOT NULL
);

CREATE TABLE invite_codes (
    code_hash   TEXT    PRIMARY KEY,        -- sha256 of the code: the code itself is never stored
    person_id   INTEGER NOT NULL REFERENCES people(id),
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    used_at     TEXT,
    used_by     INTEGER
);
CREATE INDEX invite_codes_person ON invite_codes (person_id);

CREATE TABLE audit_log (
    id                INTEGER PRIMARY KEY,
    at                TEXT    NOT NULL,
    actor_person_id   INTEGER,
    actor_telegram_id INTEGER,
    channel           TEXT    NOT NULL,     -- telegram, cli, system
    chat_id           INTEGER,
    action            TEXT    NOT NULL,
    entity            TEXT    NOT NULL,
    entity_id         TEXT,
    details           TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- python-telegram-bot ConversationHandler states (storage.persistence).
CREATE TABLE conversations (
    name        TEXT NOT NULL,
    key         TEXT NOT NULL,              -- json.dumps of PTB's key tuple
    state       TEXT NOT NULL,              -- json
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (name, key)
);

-- A file sent to the bot that waits for the sender's confirmation (roster import preview, …).
CREATE TABLE pending_uploads (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    chat_id      INTEGER NOT NULL,
    telegram_user_id INTEGER NOT NULL,
    filename     TEXT    NOT NULL,
    content      BLOB    NOT NULL,
    options      TEXT    NOT NULL DEFAULT '{}',
    created_at   TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'cancelled'))
);
