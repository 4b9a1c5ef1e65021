-- A registration draft changed in one statement: `INSERT INTO draft_change (…)` writes the
-- change if the draft is still at the version the user saw, its audit entry and the user's
-- registration session (storage.registrations.update_draft computes every value). A statement
-- and its triggers are atomic in SQLite, so this is the transaction the change needs, in one
-- call to the database instead of five (BEGIN, three statements, COMMIT): ticking a title or
-- answering a question is what people do most on a deadline day. A draft changed meanwhile
-- aborts the statement ('stale draft') and nothing is written.
CREATE VIEW draft_change (draft_id, expected_version, titles, answers, step, actor_person_id, at,
                          audit_person_id, audit_telegram_id, audit_channel, audit_chat_id,
                          audit_details, session_user_id)
    AS SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE 0;

CREATE TRIGGER draft_change_insert INSTEAD OF INSERT ON draft_change BEGIN
    SELECT RAISE(ABORT, 'stale draft') WHERE NOT EXISTS (
        SELECT 1 FROM registration_drafts
        WHERE id = NEW.draft_id AND version = NEW.expected_version);
    UPDATE registration_drafts SET titles = NEW.titles, answers = NEW.answers, step = NEW.step,
        version = NEW.expected_version + 1, actor_person_id = NEW.actor_person_id,
        updated_at = NEW.at
        WHERE id = NEW.draft_id;
    INSERT INTO audit_log (at, actor_person_id, actor_telegram_id, channel, chat_id, action,
                           entity, entity_id, details)
        VALUES (NEW.at, NEW.audit_person_id, NEW.audit_telegram_id, NEW.audit_channel,
                NEW.audit_chat_id, 'update', 'registration_draft', NEW.draft_id,
                NEW.audit_details);
    INSERT INTO registration_sessions (telegram_user_id, draft_id, version, updated_at)
        SELECT NEW.session_user_id, NEW.draft_id, NEW.expected_version + 1, NEW.at
        WHERE NEW.session_user_id IS NOT NULL
        ON CONFLICT (telegram_user_id) DO UPDATE SET draft_id = excluded.draft_id,
            version = excluded.version, updated_at = excluded.updated_at;
END;
