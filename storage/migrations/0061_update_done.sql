-- Finishing an update in one statement: `INSERT INTO update_done (update_id, states, at)`
-- stores the conversation states the update produced and marks it processed in the update
-- inbox (0050). A statement and its trigger are atomic in SQLite, so this is the transaction
-- the inbox needs, at the cost of one call to the database instead of five (BEGIN, the
-- states, the acknowledgement, COMMIT). `states` is a json array of [name, key, state],
-- state being the json text of the new state or null when the conversation ended.
CREATE VIEW update_done (update_id, states, at) AS SELECT NULL, NULL, NULL WHERE 0;

CREATE TRIGGER update_done_insert INSTEAD OF INSERT ON update_done BEGIN
    DELETE FROM conversations WHERE rowid IN (
        SELECT c.rowid FROM json_each(NEW.states) AS s JOIN conversations AS c
            ON c.name = json_extract(s.value, '$[0]') AND c.key = json_extract(s.value, '$[1]')
        WHERE json_extract(s.value, '$[2]') IS NULL);
    INSERT INTO conversations (name, key, state, updated_at)
        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
               json_extract(value, '$[2]'), NEW.at
        FROM json_each(NEW.states) WHERE json_extract(value, '$[2]') IS NOT NULL
        ON CONFLICT (name, key) DO UPDATE SET
            state = excluded.state, updated_at = excluded.updated_at;
    UPDATE update_inbox SET processed_at = NEW.at, payload = ''
        WHERE update_id = NEW.update_id AND processed_at IS NULL;
END;
