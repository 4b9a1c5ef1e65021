-- The year's results (issue 17): decisions, the titles and forms of commendation achieved,
-- and the initiatives register (sáng kiến, đề tài).

-- A decision (quyết định) awarding titles or recognising initiatives: identified by its number
-- and the day it was signed, with who decided (the issuing body or the signatory's office).
CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY,
    number      TEXT    NOT NULL,          -- số quyết định, as written: "125/QĐ-UBND"
    number_key  TEXT    NOT NULL,          -- domain.text.fold_key(number), no spaces
    signed_on   TEXT    NOT NULL,          -- local date, ISO
    decided_by  TEXT    NOT NULL,          -- "Chủ tịch UBND tỉnh", "Giám đốc Sở Nội vụ"
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX decisions_identity ON decisions (number_key, signed_on);

-- An initiative or research topic recognised in a year at a level, by a decision.
CREATE TABLE initiatives (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('initiative', 'research')),
    title       TEXT    NOT NULL,
    title_key   TEXT    NOT NULL,          -- domain.text.fold_key(title): answers match on it
    level       TEXT    NOT NULL CHECK (level IN ('grassroots', 'province', 'national')),
    year        INTEGER NOT NULL,
    decision_id INTEGER REFERENCES decisions(id),
    source      TEXT    NOT NULL DEFAULT 'import',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX initiatives_identity ON initiatives (title_key, year);

CREATE TABLE initiative_authors (
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id) ON DELETE CASCADE,
    person_id     INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (initiative_id, person_id)
);
CREATE INDEX initiative_authors_person ON initiative_authors (person_id);

-- A title or form of commendation achieved by a person or a collective in a year: one row per
-- subject, year and title. `org_id` is the collective itself, or the person's unit when the
-- result was recorded (a person is found by `person_id` wherever the roster puts them now).
CREATE TABLE results (
    id            INTEGER PRIMARY KEY,
    year          INTEGER NOT NULL,
    subject_kind  TEXT    NOT NULL CHECK (subject_kind IN ('person', 'unit', 'agency')),
    person_id     INTEGER REFERENCES people(id),
    org_id        INTEGER NOT NULL REFERENCES org_units(id),
    title         TEXT    NOT NULL,        -- catalog code (LDTT, CSTDCS, …)
    decision_id   INTEGER NOT NULL REFERENCES decisions(id),
    initiative_id INTEGER REFERENCES initiatives(id),  -- the initiative it rests on, if any
    source        TEXT    NOT NULL,        -- import, telegram, zalo, cli
    revision      INTEGER NOT NULL DEFAULT 1,  -- bumped at each correction; choices carry it
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    CHECK ((subject_kind = 'person') = (person_id IS NOT NULL))
);
CREATE UNIQUE INDEX results_person ON results (person_id, year, title)
    WHERE subject_kind = 'person';
CREATE UNIQUE INDEX results_collective ON results (org_id, year, title)
    WHERE subject_kind != 'person';
-- A year's results (the achieved summary), and the years a title's decisions are on record.
CREATE INDEX results_year ON results (year, subject_kind, org_id);
CREATE INDEX results_title ON results (title, year, org_id);
CREATE INDEX results_initiative ON results (initiative_id) WHERE initiative_id IS NOT NULL;
CREATE INDEX results_decision ON results (decision_id);

-- History search by name is a scan of people's search keys: a covering index keeps it to the
-- key column (30,000 short strings), not the whole rows.
CREATE INDEX people_search ON people (search_key, active, org_id);
