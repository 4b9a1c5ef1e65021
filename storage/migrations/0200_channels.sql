-- Accounts on every chat channel the bot serves. A person may be linked on Telegram, on Zalo,
-- or both (one account per channel); ids are the channel's own, as text (Zalo's are hex).
CREATE TABLE links (
    channel        TEXT    NOT NULL CHECK (channel IN ('telegram', 'zalo')),
    person_id      INTEGER NOT NULL REFERENCES people(id),
    user_id        TEXT    NOT NULL,
    chat_id        TEXT    NOT NULL,            -- the private chat with the person
    method         TEXT    NOT NULL CHECK (method IN ('contact', 'invite')),
    linked_at      TEXT    NOT NULL,
    unreachable_at TEXT,
    PRIMARY KEY (channel, person_id),
    UNIQUE (channel, user_id)
);
CREATE INDEX links_person ON links (person_id);
INSERT INTO links (channel, person_id, user_id, chat_id, method, linked_at, unreachable_at)
    SELECT 'telegram', person_id, CAST(telegram_user_id AS TEXT), CAST(chat_id AS TEXT), method,
           linked_at, unreachable_at
    FROM telegram_links;
DROP TABLE telegram_links;

-- The channel a person used last, when they are linked on several: messages the bot sends
-- on its own go there (written only when it changes).
CREATE TABLE person_channel (
    person_id  INTEGER PRIMARY KEY REFERENCES people(id),
    channel    TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);

-- Preferences of an account, linked or not (the language chosen with /ngonngu).
CREATE TABLE account_settings (
    account TEXT PRIMARY KEY,                   -- "telegram:123", "zalo:6ede9a…"
    locale  TEXT NOT NULL
);
INSERT INTO account_settings (account, locale)
    SELECT 'telegram:' || telegram_user_id, locale FROM user_settings;
DROP TABLE user_settings;

-- What typed text answers, per account: the flow waiting for it and what it acts on
-- ("rg", "<draft id>:<version>" for a registration question). Replaces
-- registration_sessions; a typed answer goes to the draft the person last saw, only while
-- nobody else has changed it since.
CREATE TABLE chat_sessions (
    account    TEXT PRIMARY KEY,
    flow       TEXT NOT NULL,
    ref        TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO chat_sessions (account, flow, ref, updated_at)
    SELECT 'telegram:' || telegram_user_id, 'rg', draft_id || ':' || version, updated_at
    FROM registration_sessions;
DROP TABLE registration_sessions;
CREATE INDEX chat_sessions_ref ON chat_sessions (flow, ref);

-- Invites record the account that redeemed them.
ALTER TABLE invite_codes ADD COLUMN used_by_account TEXT;

-- Audit entries name the acting account's channel id as text too.
ALTER TABLE audit_log ADD COLUMN actor_account TEXT;

-- Who an account is, kept in memory (storage.links.identity): changed by these tables too.
CREATE TRIGGER identity_after_insert_on_links AFTER INSERT ON links BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_update_on_links AFTER UPDATE ON links BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_delete_on_links AFTER DELETE ON links BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_insert_on_account_settings AFTER INSERT ON account_settings BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_update_on_account_settings AFTER UPDATE ON account_settings BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_delete_on_account_settings AFTER DELETE ON account_settings BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_insert_on_person_channel AFTER INSERT ON person_channel BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_update_on_person_channel AFTER UPDATE ON person_channel BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;

-- A draft changed in one statement (0063), now with the generic session.
DROP TRIGGER draft_change_insert;
DROP VIEW draft_change;
CREATE VIEW draft_change (draft_id, expected_version, titles, answers, step, actor_person_id, at,
                          audit_person_id, audit_account, audit_channel, audit_chat_id,
                          audit_details, session_account)
    AS SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE 0;

CREATE TRIGGER draft_change_insert INSTEAD OF INSERT ON draft_change BEGIN
    SELECT RAISE(ABORT, 'stale draft') WHERE NOT EXISTS (
        SELECT 1 FROM registration_drafts
        WHERE id = NEW.draft_id AND version = NEW.expected_version);
    UPDATE registration_drafts SET titles = NEW.titles, answers = NEW.answers, step = NEW.step,
        version = NEW.expected_version + 1, actor_person_id = NEW.actor_person_id,
        updated_at = NEW.at
        WHERE id = NEW.draft_id;
    INSERT INTO audit_log (at, actor_person_id, actor_account, channel, chat_id, action,
                           entity, entity_id, details)
        VALUES (NEW.at, NEW.audit_person_id, NEW.audit_account, NEW.audit_channel,
                NEW.audit_chat_id, 'update', 'registration_draft', NEW.draft_id,
                NEW.audit_details);
    INSERT INTO chat_sessions (account, flow, ref, updated_at)
        SELECT NEW.session_account, 'rg', NEW.draft_id || ':' || (NEW.expected_version + 1),
               NEW.at
        WHERE NEW.session_account IS NOT NULL
        ON CONFLICT (account) DO UPDATE SET flow = excluded.flow, ref = excluded.ref,
            updated_at = excluded.updated_at;
END;
