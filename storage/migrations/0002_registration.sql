-- Annual title registration: windows, confirmed registrations and in-progress drafts.

CREATE TABLE registration_windows (
    id            INTEGER PRIMARY KEY,
    year          INTEGER NOT NULL,
    scope_org_id  INTEGER REFERENCES org_units(id),   -- NULL: the whole database
    opens_on      TEXT    NOT NULL,                   -- local date, ISO (YYYY-MM-DD)
    deadline      TEXT    NOT NULL,                   -- local date, inclusive
    ruleset_id    TEXT    NOT NULL,
    closed_at     TEXT,                               -- when the final summary was posted
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX registration_windows_scope ON registration_windows (year, coalesce(scope_org_id, 0));

-- A confirmed (or withdrawn) registration: what the secretariat counts.
CREATE TABLE registrations (
    id            INTEGER PRIMARY KEY,
    year          INTEGER NOT NULL,
    subject_kind  TEXT    NOT NULL CHECK (subject_kind IN ('person', 'unit', 'agency')),
    person_id     INTEGER REFERENCES people(id),
    org_id        INTEGER NOT NULL REFERENCES org_units(id),  -- the collective, or the person's unit
    status        TEXT    NOT NULL CHECK (status IN ('confirmed', 'withdrawn')),
    reference     TEXT    NOT NULL UNIQUE,                    -- shown to the user, e.g. 2024-000123
    source        TEXT    NOT NULL DEFAULT 'telegram',        -- telegram, import
    actor_person_id INTEGER REFERENCES people(id),            -- who confirmed it
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    confirmed_at  TEXT    NOT NULL,
    withdrawn_at  TEXT,
    CHECK ((subject_kind = 'person') = (person_id IS NOT NULL))
);
CREATE UNIQUE INDEX registrations_person_year ON registrations (year, person_id)
    WHERE subject_kind = 'person';
CREATE UNIQUE INDEX registrations_org_year ON registrations (year, org_id)
    WHERE subject_kind != 'person';
CREATE INDEX registrations_year_org ON registrations (year, org_id, status);

CREATE TABLE registration_titles (
    registration_id INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
    title           TEXT    NOT NULL,      -- catalog code (LDTT, CSTDCS, …)
    implied         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (registration_id, title)
);
CREATE INDEX registration_titles_title ON registration_titles (title);

CREATE TABLE registration_answers (
    registration_id INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
    question        TEXT    NOT NULL,
    value           TEXT    NOT NULL,      -- json
    PRIMARY KEY (registration_id, question)
);

-- Work in progress: written at every tap and answer, copied into registrations on confirm.
-- Editing a confirmed registration works on a draft too, so the confirmed one stays intact
-- until the new version is confirmed.
CREATE TABLE registration_drafts (
    id            INTEGER PRIMARY KEY,
    year          INTEGER NOT NULL,
    subject_kind  TEXT    NOT NULL CHECK (subject_kind IN ('person', 'unit', 'agency')),
    person_id     INTEGER REFERENCES people(id),
    org_id        INTEGER NOT NULL REFERENCES org_units(id),
    titles        TEXT    NOT NULL DEFAULT '[]',   -- json list of ticked codes
    answers       TEXT    NOT NULL DEFAULT '{}',   -- json object question -> value
    step          TEXT    NOT NULL DEFAULT 'titles',
    version       INTEGER NOT NULL DEFAULT 0,      -- bumped at every change; buttons carry it
    actor_person_id INTEGER NOT NULL REFERENCES people(id),
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX registration_drafts_subject ON registration_drafts
    (year, subject_kind, coalesce(person_id, 0), org_id);
