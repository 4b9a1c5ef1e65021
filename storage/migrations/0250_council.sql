-- The council meeting (issue 18): the Hội đồng Thi đua – Khen thưởng of each agency, its
-- sessions (a secret ballot in the chat, or the totals of a paper count), and the dossiers of
-- the proposals it passed. docs/council.md explains why nothing here links a vote to a voter:
--
-- * council_voters holds who may vote and whether they have: no time, no channel, no order
--   (WITHOUT ROWID, all rows written when the session opens);
-- * council_tally holds counters per candidate, written when the session opens and only ever
--   incremented: there is no row per ballot, so no ballot's pattern, position or time;
-- * council_drafts holds a member's marks while they fill in their ballot, with the key of
--   their choices' codes; the draft is deleted in the transaction that casts it (and any left
--   when the session closes), with PRAGMA secure_delete on and the WAL truncated afterwards.

CREATE TABLE council_members (
    agency_id   INTEGER NOT NULL REFERENCES org_units(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    position    TEXT    NOT NULL DEFAULT 'member'
                CHECK (position IN ('chair', 'vice_chair', 'member', 'secretary')),
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (agency_id, person_id)
);

CREATE TABLE council_sessions (
    id            INTEGER PRIMARY KEY,
    agency_id     INTEGER NOT NULL REFERENCES org_units(id),
    year          INTEGER NOT NULL,
    mode          TEXT    NOT NULL CHECK (mode IN ('chat', 'paper')),
    rules         TEXT    NOT NULL,          -- JSON: domain.council.SessionRules at opening
    deadline      TEXT    NOT NULL,          -- UTC: no ballot is accepted from then on
    members       INTEGER NOT NULL,          -- all the council's members at opening
    present       INTEGER,                   -- paper: members present at the count
    written       INTEGER NOT NULL DEFAULT 0,  -- absent members' written votes entered
    counted       INTEGER NOT NULL DEFAULT 0,  -- paper: the totals were entered
    status        TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    close_reason  TEXT,                      -- deadline, all_voted, secretariat
    version       INTEGER NOT NULL DEFAULT 0,  -- bumped by the secretary's entries
    opened_at     TEXT    NOT NULL,
    closed_at     TEXT,
    posted_at     TEXT,                      -- results and minutes sent to the secretariat
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX council_sessions_open ON council_sessions (agency_id) WHERE status = 'open';
CREATE INDEX council_sessions_agency ON council_sessions (agency_id, year);

-- The ballot's lines: included entries of the submitted proposal lists, in ballot order.
CREATE TABLE council_candidates (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES council_sessions(id),
    position      INTEGER NOT NULL,
    entry_id      INTEGER REFERENCES proposal_entries(id),
    subject_kind  TEXT    NOT NULL CHECK (subject_kind IN ('person', 'unit', 'agency')),
    person_id     INTEGER REFERENCES people(id),
    org_id        INTEGER NOT NULL REFERENCES org_units(id),
    title         TEXT    NOT NULL,
    UNIQUE (session_id, position)
);

-- Who may vote in a session and whether they have; nothing else.
CREATE TABLE council_voters (
    session_id    INTEGER NOT NULL REFERENCES council_sessions(id),
    person_id     INTEGER NOT NULL REFERENCES people(id),
    position      TEXT    NOT NULL,          -- in the council, at opening (for the minutes)
    state         TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'voted', 'written')),
    PRIMARY KEY (session_id, person_id)
) WITHOUT ROWID;

-- Counters per candidate: the chat's ballots (or a paper count's totals), and the written
-- votes of absent members entered by the secretary (marked as such in the results).
CREATE TABLE council_tally (
    session_id       INTEGER NOT NULL REFERENCES council_sessions(id),
    candidate_id     INTEGER NOT NULL REFERENCES council_candidates(id),
    yes              INTEGER NOT NULL DEFAULT 0,
    no               INTEGER NOT NULL DEFAULT 0,
    abstain          INTEGER NOT NULL DEFAULT 0,
    written_yes      INTEGER NOT NULL DEFAULT 0,
    written_no       INTEGER NOT NULL DEFAULT 0,
    written_abstain  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, candidate_id)
) WITHOUT ROWID;

-- A member's ballot while they fill it in: marks (one character per candidate: y, n, a, -)
-- and the key of their choices' codes. Deleted when cast, and when the session closes.
CREATE TABLE council_drafts (
    session_id    INTEGER NOT NULL REFERENCES council_sessions(id),
    person_id     INTEGER NOT NULL REFERENCES people(id),
    marks         TEXT    NOT NULL,
    salt          TEXT    NOT NULL,
    version       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, person_id)
) WITHOUT ROWID;

-- The achievement report (báo cáo thành tích) of a passed candidate: what the record cannot
-- say, completed by the candidate (a collective's: its head) in a short conversation.
CREATE TABLE council_reports (
    candidate_id   INTEGER PRIMARY KEY REFERENCES council_candidates(id),
    qualification  TEXT,
    duties         TEXT,
    achievements   TEXT,
    step           TEXT    NOT NULL DEFAULT 'qualification',
    status         TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'done')),
    version        INTEGER NOT NULL DEFAULT 0,
    updated_by     INTEGER REFERENCES people(id),
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
