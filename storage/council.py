"""The council (migration 0250): members per agency, sessions, ballots, the tally, dossiers.

Secrecy by construction (docs/council.md): a cast ballot increments counters and marks its
voter "voted" in one transaction, deletes the voter's draft there too, and leaves no row of
its own; with `PRAGMA secure_delete` (storage.db) and the write-ahead log truncated after the
cast (`Database.forget_history`), the files hold no trace of what the draft said. The cast is
audited like every change, without details: that the member voted, never how.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.council import Counts, SessionRules, Tally
from domain.rules import SubjectKind
from domain.subjects import Subject
from storage import audit
from storage.audit import AuditContext
from storage.db import Connection, Database, from_db_time, to_db_time, utcnow
from storage.outbox import NewMessage, enqueue_in
from storage.results import json_ids

POSITIONS = ("chair", "vice_chair", "member", "secretary")


class CouncilError(ValueError):
    """Codes: open (a session of the agency is open already), not_found."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


@dataclass(frozen=True)
class Member:
    agency_id: int
    person_id: int
    position: str


@dataclass(frozen=True)
class Session:
    id: int
    agency_id: int
    year: int
    mode: str  # chat, paper
    rules: SessionRules
    deadline: datetime  # UTC
    members: int
    present: int | None
    written: int
    counted: bool
    status: str  # open, closed
    close_reason: str | None
    version: int
    opened_at: datetime
    closed_at: datetime | None
    posted_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def paper(self) -> bool:
        return self.mode == "paper"


@dataclass(frozen=True)
class Candidate:
    id: int
    session_id: int
    position: int
    subject: Subject
    title: str
    entry_id: int | None


@dataclass(frozen=True)
class NewCandidate:
    subject: Subject
    title: str
    entry_id: int | None


@dataclass(frozen=True)
class Voter:
    person_id: int
    position: str
    state: str  # pending, voted, written


@dataclass(frozen=True)
class Draft:
    session_id: int
    person_id: int
    marks: str
    salt: str
    version: int


@dataclass(frozen=True)
class Report:
    candidate_id: int
    qualification: str | None
    duties: str | None
    achievements: str | None
    step: str
    status: str
    version: int
    updated_at: datetime

    @property
    def done(self) -> bool:
        return self.status == "done"


class CastOutcome:
    CAST = "cast"
    STALE = "stale"  # the draft changed since the screen was shown, or is incomplete
    VOTED = "voted"  # the member has voted already (in the chat or in writing)
    CLOSED = "closed"  # the session is closed, or its deadline has passed
    NOT_VOTER = "not_voter"


def _session(row: sqlite3.Row) -> Session:
    deadline, opened = from_db_time(row["deadline"]), from_db_time(row["opened_at"])
    assert deadline is not None and opened is not None
    return Session(
        id=row["id"], agency_id=row["agency_id"], year=row["year"], mode=row["mode"],
        rules=SessionRules.from_json(row["rules"]), deadline=deadline, members=row["members"],
        present=row["present"], written=row["written"], counted=bool(row["counted"]),
        status=row["status"], close_reason=row["close_reason"], version=row["version"],
        opened_at=opened, closed_at=from_db_time(row["closed_at"]),
        posted_at=from_db_time(row["posted_at"]))


def _candidate(row: sqlite3.Row) -> Candidate:
    return Candidate(row["id"], row["session_id"], row["position"],
                     Subject(SubjectKind(row["subject_kind"]), row["org_id"], row["person_id"]),
                     row["title"], row["entry_id"])


def _report(row: sqlite3.Row) -> Report:
    updated = from_db_time(row["updated_at"])
    assert updated is not None
    return Report(row["candidate_id"], row["qualification"], row["duties"],
                  row["achievements"], row["step"], row["status"], row["version"], updated)


class CouncilRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- Members ----------------------------------------------------------------------------

    async def members(self, agency_id: int) -> list[Member]:
        """The council of an agency: its active people, chair first."""
        rows = await self.db.fetchall(
            "SELECT m.* FROM council_members m JOIN people p ON p.id = m.person_id"
            " WHERE m.agency_id = ? AND p.active = 1 ORDER BY CASE m.position"
            " WHEN 'chair' THEN 0 WHEN 'vice_chair' THEN 1 WHEN 'member' THEN 2 ELSE 3 END,"
            " p.id", (agency_id,))
        return [Member(r["agency_id"], r["person_id"], r["position"]) for r in rows]

    async def councils(self) -> dict[int, int]:
        """agency id → how many active members its council has."""
        rows = await self.db.fetchall(
            "SELECT m.agency_id, count(*) AS n FROM council_members m JOIN people p"
            " ON p.id = m.person_id WHERE p.active = 1 GROUP BY m.agency_id")
        return {r["agency_id"]: r["n"] for r in rows}

    async def set_members(self, agency_id: int, person_ids: Iterable[int], position: str,
                          who: AuditContext) -> int:
        """Add people to an agency's council (or change their position); how many changed."""
        if position not in POSITIONS:
            raise ValueError(position)
        ids = sorted(set(person_ids))
        now = to_db_time(utcnow())
        async with self.db.transaction() as conn:
            before = conn.total_changes
            await conn.executemany(
                "INSERT INTO council_members (agency_id, person_id, position, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (agency_id, person_id) DO UPDATE SET"
                " position = excluded.position WHERE position <> excluded.position",
                [(agency_id, p, position, now) for p in ids])
            changed = conn.total_changes - before
            await audit.record(conn, who, "set_council_members", "council", agency_id,
                               {"people": ids, "position": position})
        return changed

    async def remove_members(self, agency_id: int, person_ids: Iterable[int],
                             who: AuditContext) -> int:
        ids = sorted(set(person_ids))
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM council_members WHERE agency_id = ?"
                " AND person_id IN (SELECT value FROM json_each(?))", (agency_id, json_ids(ids)))
            await audit.record(conn, who, "remove_council_members", "council", agency_id,
                               {"people": ids})
            return cursor.rowcount

    # --- Sessions ---------------------------------------------------------------------------

    async def open(self, agency_id: int, year: int, mode: str, rules: SessionRules,
                   deadline: datetime, candidates: Sequence[NewCandidate],
                   voters: Sequence[Member], who: AuditContext,
                   invitations: Callable[[int], Sequence[NewMessage]] | None = None
                   ) -> Session:
        """Open a session with its ballot, its voters and zeroed counters, and queue the
        invitations, at once. CouncilError("open") if the agency has one open already."""
        now = to_db_time(utcnow())
        try:
            async with self.db.transaction() as conn:
                cursor = await conn.execute(
                    "INSERT INTO council_sessions (agency_id, year, mode, rules, deadline,"
                    " members, opened_at, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (agency_id, year, mode, rules.to_json(), to_db_time(deadline),
                     len(voters), now, now, now))
                session_id = int(cursor.lastrowid or 0)
                await conn.executemany(
                    "INSERT INTO council_candidates (session_id, position, entry_id,"
                    " subject_kind, person_id, org_id, title) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(session_id, i, c.entry_id, c.subject.kind.value, c.subject.person_id,
                      c.subject.org_id, c.title) for i, c in enumerate(candidates)])
                await conn.executemany(
                    "INSERT INTO council_voters (session_id, person_id, position)"
                    " VALUES (?, ?, ?)", [(session_id, v.person_id, v.position) for v in voters])
                await conn.execute(
                    "INSERT INTO council_tally (session_id, candidate_id)"
                    " SELECT session_id, id FROM council_candidates WHERE session_id = ?",
                    (session_id,))
                queued = await enqueue_in(conn, invitations(session_id) if invitations else ())
                await audit.record(conn, who, "open_council_session", "council_session",
                                   session_id, {"agency_id": agency_id, "year": year,
                                                "mode": mode, "candidates": len(candidates),
                                                "members": len(voters), "invitations": queued,
                                                "deadline": to_db_time(deadline)})
        except sqlite3.IntegrityError as exc:
            if "council_sessions" in str(exc):
                raise CouncilError("open") from None
            raise
        session = await self.get(session_id)
        assert session is not None
        return session

    async def get(self, session_id: int) -> Session | None:
        row = await self.db.fetchone("SELECT * FROM council_sessions WHERE id = ?",
                                     (session_id,))
        return _session(row) if row else None

    async def sessions(self, agency_ids: Iterable[int] | None = None) -> list[Session]:
        sql, params = "SELECT * FROM council_sessions", ()
        if agency_ids is not None:
            sql += " WHERE agency_id IN (SELECT value FROM json_each(?))"
            params = (json_ids(agency_ids),)  # type: ignore[assignment]
        rows = await self.db.fetchall(sql + " ORDER BY id", params)
        return [_session(r) for r in rows]

    async def due(self, now: datetime) -> list[Session]:
        """Open sessions whose deadline has passed."""
        rows = await self.db.fetchall(
            "SELECT * FROM council_sessions WHERE status = 'open' AND deadline <= ?"
            " ORDER BY id", (to_db_time(now),))
        return [_session(r) for r in rows]

    async def unposted(self) -> list[Session]:
        rows = await self.db.fetchall(
            "SELECT * FROM council_sessions WHERE status = 'closed' AND posted_at IS NULL"
            " ORDER BY id")
        return [_session(r) for r in rows]

    async def of_voter(self, person_id: int) -> list[tuple[Session, str]]:
        """The sessions a person may vote in (newest first), with their state."""
        rows = await self.db.fetchall(
            "SELECT s.*, v.state AS voter_state FROM council_voters v JOIN council_sessions s"
            " ON s.id = v.session_id WHERE v.person_id = ? ORDER BY s.id DESC", (person_id,))
        return [(_session(r), r["voter_state"]) for r in rows]

    async def candidates(self, session_id: int) -> list[Candidate]:
        rows = await self.db.fetchall(
            "SELECT * FROM council_candidates WHERE session_id = ? ORDER BY position",
            (session_id,))
        return [_candidate(r) for r in rows]

    async def candidate(self, candidate_id: int) -> Candidate | None:
        row = await self.db.fetchone("SELECT * FROM council_candidates WHERE id = ?",
                                     (candidate_id,))
        return _candidate(row) if row else None

    async def candidates_of(self, person_id: int, org_ids: Iterable[int]) -> list[Candidate]:
        """The candidates a person answers for: themselves, and the collectives they head."""
        rows = await self.db.fetchall(
            "SELECT * FROM council_candidates WHERE person_id = ? OR (person_id IS NULL"
            " AND org_id IN (SELECT value FROM json_each(?))) ORDER BY id DESC",
            (person_id, json_ids(org_ids)))
        return [_candidate(r) for r in rows]

    async def voters(self, session_id: int) -> list[Voter]:
        rows = await self.db.fetchall(
            "SELECT person_id, position, state FROM council_voters WHERE session_id = ?",
            (session_id,))
        return [Voter(r["person_id"], r["position"], r["state"]) for r in rows]

    async def voter(self, session_id: int, person_id: int) -> Voter | None:
        row = await self.db.fetchone(
            "SELECT person_id, position, state FROM council_voters WHERE session_id = ?"
            " AND person_id = ?", (session_id, person_id))
        return Voter(row["person_id"], row["position"], row["state"]) if row else None

    async def tallies(self, session_id: int) -> dict[int, Tally]:
        rows = await self.db.fetchall("SELECT * FROM council_tally WHERE session_id = ?",
                                      (session_id,))
        return {r["candidate_id"]: Tally(
            r["candidate_id"], Counts(r["yes"], r["no"], r["abstain"]),
            Counts(r["written_yes"], r["written_no"], r["written_abstain"])) for r in rows}

    # --- A member's ballot ------------------------------------------------------------------

    async def draft(self, session_id: int, person_id: int) -> Draft | None:
        row = await self.db.fetchone(
            "SELECT * FROM council_drafts WHERE session_id = ? AND person_id = ?",
            (session_id, person_id))
        return Draft(row["session_id"], row["person_id"], row["marks"], row["salt"],
                     row["version"]) if row else None

    async def start_draft(self, session_id: int, person_id: int, marks: str, salt: str
                          ) -> Draft | None:
        """The member's draft, created blank if they have none (None once they voted or the
        session closed)."""
        await self.db.execute(
            "INSERT INTO council_drafts (session_id, person_id, marks, salt)"
            " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM council_voters v"
            "  JOIN council_sessions s ON s.id = v.session_id WHERE v.session_id = ?"
            "  AND v.person_id = ? AND v.state = 'pending' AND s.status = 'open')"
            " ON CONFLICT (session_id, person_id) DO NOTHING",
            (session_id, person_id, marks, salt, session_id, person_id))
        return await self.draft(session_id, person_id)

    async def mark(self, draft: Draft, marks: str, salt: str | None = None) -> Draft | None:
        """Change a draft still at its version (None otherwise). Not audited: an entry would
        say how the member is voting."""
        changed = await self.db.execute(
            "UPDATE council_drafts SET marks = ?, salt = ?, version = version + 1"
            " WHERE session_id = ? AND person_id = ? AND version = ?",
            (marks, salt or draft.salt, draft.session_id, draft.person_id, draft.version))
        if changed != 1:
            return None
        return await self.draft(draft.session_id, draft.person_id)

    async def cast(self, session_id: int, person_id: int, version: int, now: datetime,
                   who: AuditContext) -> tuple[str, int]:
        """Cast the member's draft at `version`: the counters go up, the member is marked
        voted and the draft is deleted, in one transaction; then the log is truncated.
        (outcome, members still to vote)."""
        outcome = await self._cast(session_id, person_id, version, now, who)
        pending = 0
        if outcome == CastOutcome.CAST:
            await self.db.forget_history()
            pending = await self.pending(session_id)
        return outcome, pending

    async def _cast(self, session_id: int, person_id: int, version: int, now: datetime,
                    who: AuditContext) -> str:
        async with self.db.transaction() as conn:
            rows = list(await conn.execute_fetchall(
                "SELECT v.state, s.status, s.deadline, s.mode FROM council_voters v"
                " JOIN council_sessions s ON s.id = v.session_id"
                " WHERE v.session_id = ? AND v.person_id = ?", (session_id, person_id)))
            if not rows:
                return CastOutcome.NOT_VOTER
            state, status, deadline, mode = rows[0]
            if status != "open" or deadline <= to_db_time(now) or mode != "chat":
                return CastOutcome.CLOSED
            if state != "pending":
                return CastOutcome.VOTED
            drafts = list(await conn.execute_fetchall(
                "SELECT d.version, instr(d.marks, '-') = 0 AND length(d.marks) = count(c.id)"
                " AS complete FROM council_drafts d JOIN council_candidates c"
                " ON c.session_id = d.session_id WHERE d.session_id = ? AND d.person_id = ?"
                " GROUP BY d.session_id, d.person_id", (session_id, person_id)))
            if not drafts or drafts[0]["version"] != version or not drafts[0]["complete"]:
                return CastOutcome.STALE
            # The counters are read from the draft inside SQLite: the marks never pass through
            # a statement's parameters (or anything that could log them).
            await conn.execute(
                "UPDATE council_tally SET"
                " yes = yes + (substr(d.marks, c.position + 1, 1) = 'y'),"
                " no = no + (substr(d.marks, c.position + 1, 1) = 'n'),"
                " abstain = abstain + (substr(d.marks, c.position + 1, 1) = 'a')"
                " FROM council_drafts d, council_candidates c"
                " WHERE d.session_id = ? AND d.person_id = ? AND c.id = council_tally.candidate_id"
                " AND council_tally.session_id = d.session_id", (session_id, person_id))
            await conn.execute(
                "UPDATE council_voters SET state = 'voted' WHERE session_id = ?"
                " AND person_id = ?", (session_id, person_id))
            await conn.execute("DELETE FROM council_drafts WHERE session_id = ?"
                               " AND person_id = ?", (session_id, person_id))
            await audit.record(conn, who, "cast_ballot", "council_session", session_id)
        return CastOutcome.CAST

    async def pending(self, session_id: int) -> int:
        row = await self.db.fetchone(
            "SELECT count(*) FROM council_voters WHERE session_id = ? AND state = 'pending'",
            (session_id,))
        return int(row[0]) if row else 0

    # --- The secretary's entries ------------------------------------------------------------

    async def enter_written(self, session_id: int, version: int, person_ids: Sequence[int],
                            yes: Sequence[int], who: AuditContext) -> Session | None:
        """Written votes of absent members: those members are marked as having voted in
        writing, and each candidate's written counters get `yes[i]` agreeing votes (the rest
        disagreeing). None if the session changed, closed, or a member is not pending."""
        count = len(person_ids)
        try:
            async with self.db.transaction() as conn:
                if not await _bump(conn, session_id, version, "written = written + ?",
                                   (count,)):
                    return None
                cursor = await conn.execute(
                    "UPDATE council_voters SET state = 'written' WHERE session_id = ?"
                    " AND state = 'pending' AND person_id IN (SELECT value FROM json_each(?))",
                    (session_id, json_ids(person_ids)))
                if cursor.rowcount != count:
                    raise _Stale()
                candidates = await _candidate_ids(conn, session_id)
                if len(candidates) != len(yes) or any(not 0 <= y <= count for y in yes):
                    raise _Stale()
                await conn.executemany(
                    "UPDATE council_tally SET written_yes = written_yes + ?,"
                    " written_no = written_no + ? WHERE session_id = ? AND candidate_id = ?",
                    [(y, count - y, session_id, c) for c, y in zip(candidates, yes,
                                                                   strict=True)])
                await audit.record(conn, who, "enter_written_votes", "council_session",
                                   session_id, {"members": sorted(person_ids), "count": count})
        except _Stale:
            return None
        return await self.get(session_id)

    async def enter_paper(self, session_id: int, version: int, present: int,
                          yes: Sequence[int], who: AuditContext) -> Session | None:
        """A paper count's totals: members present, and each candidate's agreeing votes (the
        rest disagreeing). Replaces totals entered before."""
        try:
            async with self.db.transaction() as conn:
                if not await _bump(conn, session_id, version, "present = ?, counted = 1",
                                   (present,), mode="paper"):
                    return None
                candidates = await _candidate_ids(conn, session_id)
                if len(candidates) != len(yes) or any(not 0 <= y <= present for y in yes):
                    raise _Stale()
                await conn.executemany(
                    "UPDATE council_tally SET yes = ?, no = ? WHERE session_id = ?"
                    " AND candidate_id = ?",
                    [(y, present - y, session_id, c) for c, y in zip(candidates, yes,
                                                                     strict=True)])
                await audit.record(conn, who, "enter_paper_count", "council_session",
                                   session_id, {"present": present, "yes": list(yes)})
        except _Stale:
            return None
        return await self.get(session_id)

    async def close(self, session_id: int, reason: str, who: AuditContext) -> Session | None:
        """Close an open session (None if it was not open): no ballot is accepted any more,
        drafts never cast are deleted, and the log is truncated."""
        now = to_db_time(utcnow())
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE council_sessions SET status = 'closed', close_reason = ?,"
                " closed_at = ?, updated_at = ? WHERE id = ? AND status = 'open'",
                (reason, now, now, session_id))
            if cursor.rowcount != 1:
                return None
            await conn.execute("DELETE FROM council_drafts WHERE session_id = ?", (session_id,))
            await audit.record(conn, who, "close_council_session", "council_session",
                               session_id, {"reason": reason})
        await self.db.forget_history()
        return await self.get(session_id)

    async def claim_post(self, session_id: int, messages: Sequence[NewMessage]) -> bool:
        """Mark a closed session's results as posted and queue their texts, once: False if
        someone posted them already."""
        now = to_db_time(utcnow())
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE council_sessions SET posted_at = ?, updated_at = ? WHERE id = ?"
                " AND status = 'closed' AND posted_at IS NULL", (now, now, session_id))
            if cursor.rowcount != 1:
                return False
            await enqueue_in(conn, messages)
            await audit.record(conn, AuditContext.system(), "post_council_results",
                               "council_session", session_id, {"messages": len(messages)})
        return True

    # --- Dossiers ---------------------------------------------------------------------------

    async def report(self, candidate_id: int) -> Report | None:
        row = await self.db.fetchone("SELECT * FROM council_reports WHERE candidate_id = ?",
                                     (candidate_id,))
        return _report(row) if row else None

    async def reports(self, candidate_ids: Iterable[int]) -> dict[int, Report]:
        rows = await self.db.fetchall(
            "SELECT * FROM council_reports WHERE candidate_id IN (SELECT value FROM json_each(?))",
            (json_ids(candidate_ids),))
        return {r["candidate_id"]: _report(r) for r in rows}

    async def start_report(self, candidate_id: int) -> Report:
        now = to_db_time(utcnow())
        await self.db.execute(
            "INSERT INTO council_reports (candidate_id, created_at, updated_at)"
            " VALUES (?, ?, ?) ON CONFLICT (candidate_id) DO NOTHING",
            (candidate_id, now, now))
        found = await self.report(candidate_id)
        assert found is not None
        return found

    async def update_report(self, candidate_id: int, version: int, who: AuditContext,
                            person_id: int | None, **changes: Any) -> Report | None:
        """Change a report still at `version` (None otherwise). `changes`: qualification,
        duties, achievements, step, status."""
        allowed = {"qualification", "duties", "achievements", "step", "status"}
        if not set(changes) <= allowed:
            raise ValueError(f"unknown fields: {set(changes) - allowed}")
        sets = ", ".join(f"{k} = ?" for k in changes)
        now = to_db_time(utcnow())
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                f"UPDATE council_reports SET {sets}, version = version + 1, updated_by = ?,"
                " updated_at = ? WHERE candidate_id = ? AND version = ?",
                (*changes.values(), person_id, now, candidate_id, version))
            if cursor.rowcount != 1:
                return None
            await audit.record(conn, who, "change_council_report", "council_report",
                               candidate_id, {k: v for k, v in changes.items()
                                              if k in ("step", "status")})
        return await self.report(candidate_id)


class _Stale(Exception):
    """Rolls a secretary's entry back: something changed since it was shown."""


async def _bump(conn: Connection, session_id: int, version: int, sets: str,
                params: tuple[Any, ...], *, mode: str | None = None) -> bool:
    sql = (f"UPDATE council_sessions SET {sets}, version = version + 1, updated_at = ?"
           " WHERE id = ? AND version = ? AND status = 'open'")
    args: tuple[Any, ...] = (*params, to_db_time(utcnow()), session_id, version)
    if mode is not None:
        sql += " AND mode = ?"
        args = (*args, mode)
    cursor = await conn.execute(sql, args)
    return cursor.rowcount == 1


async def _candidate_ids(conn: Connection, session_id: int) -> list[int]:
    rows = await conn.execute_fetchall(
        "SELECT id FROM council_candidates WHERE session_id = ? ORDER BY position",
        (session_id,))
    return [r[0] for r in rows]
