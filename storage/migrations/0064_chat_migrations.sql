-- A basic group upgraded to a supergroup gets a new chat id (Telegram's migrate_to_chat_id).
-- The configured chat ids (THIDUA_SECRETARIAT_CHAT_ID, THIDUA_OPERATORS_CHAT_ID) are followed
-- through this table at start-up, so the secretariat keeps its chat until the setting is fixed.
CREATE TABLE chat_migrations (
    old_chat_id INTEGER PRIMARY KEY,
    new_chat_id INTEGER NOT NULL,
    migrated_at TEXT NOT NULL
);
