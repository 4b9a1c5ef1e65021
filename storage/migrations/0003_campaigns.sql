-- Period campaigns (phong trào thi đua đợt) and every person's acknowledgement.

CREATE TABLE campaigns (
    id            INTEGER PRIMARY KEY,
    code          TEXT    NOT NULL UNIQUE,        -- from the campaign file, e.g. vpubnd-2024-q1
    name          TEXT    NOT NULL,
    issuer        TEXT    NOT NULL,
    scope_org_id  INTEGER REFERENCES org_units(id),   -- NULL: the whole database
    period_start  TEXT    NOT NULL,               -- local dates, ISO
    period_end    TEXT    NOT NULL,
    ack_deadline  TEXT    NOT NULL,
    document      TEXT    NOT NULL,               -- json of the parsed campaign
    source        TEXT    NOT NULL,               -- the file as loaded
    status        TEXT    NOT NULL DEFAULT 'loaded' CHECK (status IN ('loaded', 'launched', 'ended')),
    launched_at   TEXT,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);

CREATE TABLE acknowledgements (
    campaign_id   INTEGER NOT NULL REFERENCES campaigns(id),
    person_id     INTEGER NOT NULL REFERENCES people(id),
    at            TEXT    NOT NULL,
    channel       TEXT    NOT NULL,               -- telegram, import
    PRIMARY KEY (campaign_id, person_id)
);
CREATE INDEX acknowledgements_person ON acknowledgements (person_id);
