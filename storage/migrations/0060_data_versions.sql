-- A token per table whose rows the bot keeps in memory (the org tree), changed by triggers on
-- every write, by any process (the bot, a CLI import, plain SQL): a cache compares its token
-- with this one before each use and reloads when they differ. Random, not a counter, so a
-- rolled-back change can never leave two different contents with the same token.
CREATE TABLE data_versions (
    name     TEXT PRIMARY KEY,
    token    BLOB NOT NULL
);
INSERT INTO data_versions (name, token) VALUES ('org_units', randomblob(8));

CREATE TRIGGER org_units_changed_insert AFTER INSERT ON org_units BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'org_units';
END;
CREATE TRIGGER org_units_changed_update AFTER UPDATE ON org_units BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'org_units';
END;
CREATE TRIGGER org_units_changed_delete AFTER DELETE ON org_units BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'org_units';
END;
