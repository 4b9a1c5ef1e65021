-- In a Zalo group, each member has their own current menu: a number one member types never
-- answers the list another member asked for (in a group, numbers are also conversation).
-- shown_to: the member a group's menu was shown to; '' for a private chat's menu and for one
-- the bot posted to the whole group on its own.
CREATE TABLE zalo_menus_new (
    chat_id      TEXT    NOT NULL,
    shown_to     TEXT    NOT NULL DEFAULT '',
    choices      TEXT    NOT NULL,            -- json: [[data, label, role], …] in numbering order
    multi        INTEGER NOT NULL DEFAULT 0,  -- several numbers at once ("1 3": ticks)
    expects_text INTEGER NOT NULL DEFAULT 0,  -- a typed answer is expected: numbers are text
    shown_at     INTEGER NOT NULL,            -- the platform's time of the send, milliseconds
    PRIMARY KEY (chat_id, shown_to)
);
INSERT INTO zalo_menus_new (chat_id, shown_to, choices, multi, expects_text, shown_at)
    SELECT chat_id, '', choices, multi, expects_text, shown_at FROM zalo_menus;
DROP TABLE zalo_menus;
ALTER TABLE zalo_menus_new RENAME TO zalo_menus;
