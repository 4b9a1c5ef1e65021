-- The numbered menu a Zalo chat was shown last: a typed "2" picks its second choice, and only
-- if it was typed after that menu was shown (a late number never acts on a newer screen).
CREATE TABLE zalo_menus (
    chat_id      TEXT    PRIMARY KEY,
    choices      TEXT    NOT NULL,            -- json: [[data, label, role], …] in numbering order
    multi        INTEGER NOT NULL DEFAULT 0,  -- several numbers at once ("1 3": ticks)
    expects_text INTEGER NOT NULL DEFAULT 0,  -- a typed answer is expected: numbers are text
    shown_at     INTEGER NOT NULL             -- the platform's time of the send, milliseconds
);
