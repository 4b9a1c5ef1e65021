-- Two more things every update reads are kept in memory and checked against a token, as the
-- org tree is (0060): the registration windows, and who a Telegram account is (language,
-- person, link, headships: storage.links.identity), changed by any write to the tables it
-- is read from.
INSERT INTO data_versions (name, token) VALUES ('registration_windows', randomblob(8));
INSERT INTO data_versions (name, token) VALUES ('identity', randomblob(8));

CREATE TRIGGER registration_windows_after_insert_on_registration_windows AFTER INSERT ON registration_windows BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'registration_windows';
END;
CREATE TRIGGER registration_windows_after_update_on_registration_windows AFTER UPDATE ON registration_windows BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'registration_windows';
END;
CREATE TRIGGER registration_windows_after_delete_on_registration_windows AFTER DELETE ON registration_windows BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'registration_windows';
END;
CREATE TRIGGER identity_after_insert_on_people AFTER INSERT ON people BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_update_on_people AFTER UPDATE ON people BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_delete_on_people AFTER DELETE ON people BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_insert_on_telegram_links AFTER INSERT ON telegram_links BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_update_on_telegram_links AFTER UPDATE ON telegram_links BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_delete_on_telegram_links AFTER DELETE ON telegram_links BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_insert_on_headships AFTER INSERT ON headships BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_update_on_headships AFTER UPDATE ON headships BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_delete_on_headships AFTER DELETE ON headships BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_insert_on_user_settings AFTER INSERT ON user_settings BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_update_on_user_settings AFTER UPDATE ON user_settings BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_delete_on_user_settings AFTER DELETE ON user_settings BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_insert_on_org_units AFTER INSERT ON org_units BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_update_on_org_units AFTER UPDATE ON org_units BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
CREATE TRIGGER identity_after_delete_on_org_units AFTER DELETE ON org_units BEGIN
    UPDATE data_versions SET token = randomblob(8) WHERE name = 'identity';
END;
