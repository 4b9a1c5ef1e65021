-- The year-end review (issue 17): the secretariat opens it for a year and a scope, each person
-- and each head's collective confirms the year's rating (mức xếp loại) and achievements, and
-- each collective gets its draft proposal list (danh sách đề nghị).
--
-- The proposal lists are what the council's secret ballot (issue 18) works on: a list per
-- collective (unit or agency) and year, its entries one subject and one title each; an entry
-- `included` in a `submitted` list is a candidate. Entries computed from the rules carry the
-- reasons (JSON) they were computed with; entries added by hand have origin 'added'.

CREATE TABLE reviews (
    id            INTEGER PRIMARY KEY,
    year          INTEGER NOT NULL,
    scope_org_id  INTEGER REFERENCES org_units(id),   -- NULL: the whole database
    ruleset_id    TEXT    NOT NULL,
    opened_at     TEXT    NOT NULL,
    closed_at     TEXT,                               -- no more changes once closed
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX reviews_scope ON reviews (year, coalesce(scope_org_id, 0));

-- A subject's own account of its year: a person (by themself) or a collective (by its head).
CREATE TABLE assessments (
    id              INTEGER PRIMARY KEY,
    review_id       INTEGER NOT NULL REFERENCES reviews(id),
    year            INTEGER NOT NULL,
    subject_kind    TEXT    NOT NULL CHECK (subject_kind IN ('person', 'unit', 'agency')),
    person_id       INTEGER REFERENCES people(id),
    org_id          INTEGER NOT NULL REFERENCES org_units(id),
    rating          TEXT,                  -- a rating code of the rule set (excellent, good, …)
    disciplined     INTEGER,               -- a collective: a member disciplined (cảnh cáo or above)
    initiatives     TEXT    NOT NULL DEFAULT '[]',  -- ids on the register confirmed as the year's
    claimed         TEXT,                  -- an initiative or achievement not on record (typed)
    step            TEXT    NOT NULL DEFAULT 'rating',
    status          TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'confirmed')),
    version         INTEGER NOT NULL DEFAULT 0,     -- bumped at every change; choices carry it
    actor_person_id INTEGER REFERENCES people(id),
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    confirmed_at    TEXT,
    CHECK ((subject_kind = 'person') = (person_id IS NOT NULL))
);
CREATE UNIQUE INDEX assessments_person ON assessments (year, person_id)
    WHERE subject_kind = 'person';
CREATE UNIQUE INDEX assessments_collective ON assessments (year, org_id)
    WHERE subject_kind != 'person';
CREATE INDEX assessments_org ON assessments (year, org_id);

CREATE TABLE proposal_lists (
    id            INTEGER PRIMARY KEY,
    review_id     INTEGER NOT NULL REFERENCES reviews(id),
    year          INTEGER NOT NULL,
    org_id        INTEGER NOT NULL REFERENCES org_units(id),  -- the unit or agency proposing
    status        TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
    version       INTEGER NOT NULL DEFAULT 0,
    computed_at   TEXT    NOT NULL,
    submitted_at  TEXT,
    submitted_by  INTEGER REFERENCES people(id),
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX proposal_lists_org ON proposal_lists (year, org_id);

CREATE TABLE proposal_entries (
    id            INTEGER PRIMARY KEY,
    list_id       INTEGER NOT NULL REFERENCES proposal_lists(id) ON DELETE CASCADE,
    subject_kind  TEXT    NOT NULL CHECK (subject_kind IN ('person', 'unit', 'agency')),
    person_id     INTEGER REFERENCES people(id),
    org_id        INTEGER NOT NULL REFERENCES org_units(id),
    title         TEXT    NOT NULL,
    origin        TEXT    NOT NULL CHECK (origin IN ('computed', 'added')),
    included      INTEGER NOT NULL DEFAULT 1,
    reasons       TEXT    NOT NULL DEFAULT '[]',   -- the criteria met, as computed (JSON)
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    CHECK ((subject_kind = 'person') = (person_id IS NOT NULL))
);
CREATE UNIQUE INDEX proposal_entries_subject ON proposal_entries
    (list_id, subject_kind, coalesce(person_id, 0), org_id, title);
