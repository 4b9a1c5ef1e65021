"""The year-end review: reviews, assessments and proposal lists (migration 0231).

Every change is one transaction with its audit entry. An assessment and a proposal list
carry a version bumped at every change: a choice naming another version changes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from domain.review import Assessment, Review
from domain.rules import SubjectKind
from domain.subjects import Subject
from storage import audit
from storage.audit import AuditContext
from storage.db import Connection, Database, from_db_time, to_db_time, utcnow
from storage.outbox import NewMessage, enqueue_in
from storage.results import json_ids


class ReviewError(ValueError):
    """Codes: exists, not_found, closed."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def _review(row: sqlite3.Row) -> Review:
    opened = from_db_time(row["opened_at"])
    assert opened is not None
    return Review(row["id"], row["year"], row["scope_org_id"], row["ruleset_id"], opened,
                  from_db_time(row["closed_at"]))


def _assessment(row: sqlite3.Row) -> Assessment:
    disciplined = row["disciplined"]
    return Assessment(
        id=row["id"], review_id=row["review_id"], year=row["year"],
        subject=Subject(SubjectKind(row["subject_kind"]), row["org_id"], row["person_id"]),
        rating=row["rating"], disciplined=None if disciplined is None else bool(disciplined),
        initiatives=tuple(json.loads(row["initiatives"])), claimed=row["claimed"],
        step=row["step"], status=row["status"], version=row["version"],
        confirmed_at=from_db_time(row["confirmed_at"]))


def _where(subject: Subject) -> tuple[str, tuple[Any, ...]]:
    if subject.person_id is not None:
        return "subject_kind = 'person' AND person_id = ?", (subject.person_id,)
    return "subject_kind != 'person' AND org_id = ?", (subject.org_id,)


@dataclass(frozen=True)
class ProposalEntry:
    id: int
    subject: Subject
    title: str
    origin: str  # computed, added
    included: bool
    reasons: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class ProposalList:
    id: int
    review_id: int
    year: int
    org_id: int
    status: str  # draft, submitted
    version: int
    entries: tuple[ProposalEntry, ...]

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"


@dataclass(frozen=True)
class Computed:
    """An entry as the rules compute it (a subject qualifying for a title, and why)."""

    subject: Subject
    title: str
    reasons: tuple[dict[str, Any], ...]


class ReviewRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- Reviews --------------------------------------------------------------------------

    async def reviews(self, year: int | None = None) -> list[Review]:
        sql = "SELECT * FROM reviews"
        params: tuple[Any, ...] = ()
        if year is not None:
            sql += " WHERE year = ?"
            params = (year,)
        return [_review(r) for r in await self.db.fetchall(sql + " ORDER BY year, id", params)]

    async def get(self, review_id: int) -> Review | None:
        row = await self.db.fetchone("SELECT * FROM reviews WHERE id = ?", (review_id,))
        return _review(row) if row else None

    async def open(self, year: int, scope_org_id: int | None, ruleset_id: str,
                   who: AuditContext, invitations: Sequence[NewMessage] = ()) -> Review:
        """Open the review of a year for a scope, and queue its invitations, at once."""
        now = to_db_time(utcnow())
        async with self.db.transaction() as conn:
            exists = await conn.execute_fetchall(
                "SELECT id FROM reviews WHERE year = ? AND coalesce(scope_org_id, 0) = ?",
                (year, scope_org_id or 0))
            if list(exists):
                raise ReviewError("exists")
            cursor = await conn.execute(
                "INSERT INTO reviews (year, scope_org_id, ruleset_id, opened_at, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (year, scope_org_id, ruleset_id, now, now, now))
            review_id = int(cursor.lastrowid or 0)
            queued = await enqueue_in(conn, invitations)
            await audit.record(conn, who, "open_review", "review", review_id,
                               {"year": year, "scope_org_id": scope_org_id,
                                "ruleset_id": ruleset_id, "invitations": queued})
        review = await self.get(review_id)
        assert review is not None
        return review

    async def close(self, review_id: int, who: AuditContext) -> Review:
        now = to_db_time(utcnow())
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE reviews SET closed_at = ?, updated_at = ? WHERE id = ?"
                " AND closed_at IS NULL", (now, now, review_id))
            if cursor.rowcount != 1:
                raise ReviewError("closed")
            await audit.record(conn, who, "close_review", "review", review_id)
        review = await self.get(review_id)
        assert review is not None
        return review

    # --- Assessments ----------------------------------------------------------------------

    async def assessment(self, year: int, subject: Subject) -> Assessment | None:
        where, params = _where(subject)
        row = await self.db.fetchone(
            f"SELECT * FROM assessments WHERE year = ? AND {where}", (year, *params))
        return _assessment(row) if row else None

    async def assessment_by_id(self, assessment_id: int) -> Assessment | None:
        row = await self.db.fetchone("SELECT * FROM assessments WHERE id = ?",
                                     (assessment_id,))
        return _assessment(row) if row else None

    async def start(self, review: Review, subject: Subject, actor_person_id: int,
                    who: AuditContext) -> Assessment:
        """The subject's assessment of the review's year, created if it has none."""
        now = to_db_time(utcnow())
        async with self.db.transaction() as conn:
            where, params = _where(subject)
            found = await conn.execute_fetchall(
                f"SELECT * FROM assessments WHERE year = ? AND {where}",
                (review.year, *params))
            row = next(iter(found), None)
            if row is not None:
                return _assessment(row)
            cursor = await conn.execute(
                "INSERT INTO assessments (review_id, year, subject_kind, person_id, org_id,"
                " actor_person_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (review.id, review.year, subject.kind.value, subject.person_id,
                 subject.org_id, actor_person_id, now, now))
            assessment_id = int(cursor.lastrowid or 0)
            await audit.record(conn, who, "start_assessment", "assessment", assessment_id,
                               {"year": review.year, "subject": subject.kind.value,
                                "person_id": subject.person_id, "org_id": subject.org_id})
            rows = await conn.execute_fetchall("SELECT * FROM assessments WHERE id = ?",
                                               (assessment_id,))
            return _assessment(next(iter(rows)))

    async def update(self, assessment_id: int, version: int, who: AuditContext,
                     actor_person_id: int, **changes: Any) -> Assessment | None:
        """Change an assessment still at `version` (None otherwise: nothing written).
        `changes`: rating, disciplined, initiatives (ids), claimed, step, status."""
        allowed = {"rating", "disciplined", "initiatives", "claimed", "step", "status"}
        if not set(changes) <= allowed:
            raise ValueError(f"unknown fields: {set(changes) - allowed}")
        values = dict(changes)
        if "initiatives" in values:
            values["initiatives"] = json.dumps(sorted(values["initiatives"]))
        if "disciplined" in values and values["disciplined"] is not None:
            values["disciplined"] = int(values["disciplined"])
        now = to_db_time(utcnow())
        if values.get("status") == "confirmed":
            values["confirmed_at"] = now
        sets = ", ".join(f"{k} = ?" for k in values)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                f"UPDATE assessments SET {sets}, version = version + 1, actor_person_id = ?,"
                " updated_at = ? WHERE id = ? AND version = ?",
                (*values.values(), actor_person_id, now, assessment_id, version))
            if cursor.rowcount != 1:
                return None
            details = {k: v for k, v in changes.items() if k != "initiatives"}
            if "initiatives" in changes:
                details["initiatives"] = sorted(changes["initiatives"])
            action = "confirm_assessment" if changes.get("status") == "confirmed" \
                else "change_assessment"
            await audit.record(conn, who, action, "assessment", assessment_id, details)
            rows = await conn.execute_fetchall("SELECT * FROM assessments WHERE id = ?",
                                               (assessment_id,))
            return _assessment(next(iter(rows)))

    async def assessments_in(self, year: int, org_ids: Collection[int] | None
                             ) -> list[Assessment]:
        """Assessments of `year` of people now in these orgs and of these collectives."""
        sql = "SELECT a.* FROM assessments a LEFT JOIN people p ON p.id = a.person_id" \
              " WHERE a.year = ?"
        params: tuple[Any, ...] = (year,)
        if org_ids is not None:
            sql += " AND coalesce(p.org_id, a.org_id) IN (SELECT value FROM json_each(?))"
            params = (year, json_ids(org_ids))
        return [_assessment(r) for r in await self.db.fetchall_large(sql, params)]

    # --- Proposal lists -------------------------------------------------------------------

    async def proposal_list(self, year: int, org_id: int) -> ProposalList | None:
        row = await self.db.fetchone(
            "SELECT * FROM proposal_lists WHERE year = ? AND org_id = ?", (year, org_id))
        return await self._list(row) if row else None

    async def proposal_list_by_id(self, list_id: int) -> ProposalList | None:
        row = await self.db.fetchone("SELECT * FROM proposal_lists WHERE id = ?", (list_id,))
        return await self._list(row) if row else None

    async def lists_in(self, year: int, org_ids: Collection[int] | None) -> list[ProposalList]:
        sql = "SELECT * FROM proposal_lists WHERE year = ?"
        params: tuple[Any, ...] = (year,)
        if org_ids is not None:
            sql += " AND org_id IN (SELECT value FROM json_each(?))"
            params = (year, json_ids(org_ids))
        return [await self._list(r) for r in await self.db.fetchall(sql, params)]

    async def _list(self, row: sqlite3.Row) -> ProposalList:
        entries = await self.db.fetchall(
            "SELECT * FROM proposal_entries WHERE list_id = ? ORDER BY id", (row["id"],))
        return ProposalList(row["id"], row["review_id"], row["year"], row["org_id"],
                            row["status"], row["version"], tuple(_entry(e) for e in entries))

    async def save_computed(self, review: Review, org_id: int, computed: Sequence[Computed],
                            who: AuditContext, *, expected_version: int | None = None
                            ) -> ProposalList | None:
        """Create the collective's list from what the rules compute, or recompute a draft:
        computed entries are replaced (one left out by hand stays out), entries added by
        hand are kept. None if the list changed meanwhile or was submitted."""
        now = to_db_time(utcnow())
        async with self.db.transaction() as conn:
            found = await conn.execute_fetchall(
                "SELECT * FROM proposal_lists WHERE year = ? AND org_id = ?",
                (review.year, org_id))
            row = next(iter(found), None)
            if row is None:
                if expected_version not in (None, 0):
                    return None
                cursor = await conn.execute(
                    "INSERT INTO proposal_lists (review_id, year, org_id, computed_at,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (review.id, review.year, org_id, now, now, now))
                list_id = int(cursor.lastrowid or 0)
                excluded: set[tuple[str, int, int, str]] = set()
                action = "create_proposal_list"
            else:
                if row["status"] != "draft" or (
                        expected_version is not None and row["version"] != expected_version):
                    return None
                list_id = row["id"]
                old = await conn.execute_fetchall(
                    "SELECT * FROM proposal_entries WHERE list_id = ? AND origin = 'computed'",
                    (list_id,))
                excluded = {_key(_entry(e)) for e in old if not e["included"]}
                await conn.execute("DELETE FROM proposal_entries WHERE list_id = ?"
                                   " AND origin = 'computed'", (list_id,))
                await conn.execute(
                    "UPDATE proposal_lists SET version = version + 1, computed_at = ?,"
                    " updated_at = ? WHERE id = ?", (now, now, list_id))
                action = "recompute_proposal_list"
            added = {_key(_entry(e)) for e in await conn.execute_fetchall(
                "SELECT * FROM proposal_entries WHERE list_id = ?", (list_id,))}
            rows = []
            for item in computed:
                key = _subject_key(item.subject, item.title)
                if key in added:
                    continue
                rows.append((list_id, item.subject.kind.value, item.subject.person_id,
                             item.subject.org_id, item.title, int(key not in excluded),
                             json.dumps(list(item.reasons), ensure_ascii=False), now, now))
            await conn.executemany(
                "INSERT INTO proposal_entries (list_id, subject_kind, person_id, org_id, title,"
                " origin, included, reasons, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, 'computed', ?, ?, ?, ?)", rows)
            await audit.record(conn, who, action, "proposal_list", list_id,
                               {"org_id": org_id, "year": review.year, "entries": len(rows)})
        return await self.proposal_list_by_id(list_id)

    async def toggle(self, list_id: int, version: int, entry_id: int, who: AuditContext
                     ) -> ProposalList | None:
        """Include or leave out an entry; None if the list changed or the entry is not its."""
        now = to_db_time(utcnow())
        try:
            async with self.db.transaction() as conn:
                if not await _bump(conn, list_id, version, now):
                    return None
                cursor = await conn.execute(
                    "UPDATE proposal_entries SET included = 1 - included, updated_at = ?"
                    " WHERE id = ? AND list_id = ?", (now, entry_id, list_id))
                if cursor.rowcount != 1:
                    raise _Stale()
                await audit.record(conn, who, "toggle_proposal_entry", "proposal_list",
                                   list_id, {"entry": entry_id})
        except _Stale:
            return None
        return await self.proposal_list_by_id(list_id)

    async def add(self, list_id: int, version: int, subject: Subject, title: str,
                  who: AuditContext) -> ProposalList | None:
        now = to_db_time(utcnow())
        async with self.db.transaction() as conn:
            if not await _bump(conn, list_id, version, now):
                return None
            await conn.execute(
                "INSERT INTO proposal_entries (list_id, subject_kind, person_id, org_id, title,"
                " origin, included, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, 'added', 1, ?, ?)"
                " ON CONFLICT DO UPDATE SET included = 1, updated_at = excluded.updated_at",
                (list_id, subject.kind.value, subject.person_id, subject.org_id, title, now,
                 now))
            await audit.record(conn, who, "add_proposal_entry", "proposal_list", list_id,
                               {"title": title, "person_id": subject.person_id,
                                "org_id": subject.org_id})
        return await self.proposal_list_by_id(list_id)

    async def submit(self, list_id: int, version: int, person_id: int | None,
                     who: AuditContext) -> ProposalList | None:
        now = to_db_time(utcnow())
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE proposal_lists SET status = 'submitted', submitted_at = ?,"
                " submitted_by = ?, version = version + 1, updated_at = ?"
                " WHERE id = ? AND version = ? AND status = 'draft'",
                (now, person_id, now, list_id, version))
            if cursor.rowcount != 1:
                return None
            await audit.record(conn, who, "submit_proposal_list", "proposal_list", list_id)
        return await self.proposal_list_by_id(list_id)


class _Stale(Exception):
    """An entry of another list: the transaction is rolled back."""


async def _bump(conn: Connection, list_id: int, version: int, now: str) -> bool:
    cursor = await conn.execute(
        "UPDATE proposal_lists SET version = version + 1, updated_at = ?"
        " WHERE id = ? AND version = ? AND status = 'draft'", (now, list_id, version))
    return cursor.rowcount == 1


def _entry(row: sqlite3.Row) -> ProposalEntry:
    return ProposalEntry(
        row["id"], Subject(SubjectKind(row["subject_kind"]), row["org_id"], row["person_id"]),
        row["title"], row["origin"], bool(row["included"]),
        tuple(json.loads(row["reasons"])))


def _subject_key(subject: Subject, title: str) -> tuple[str, int, int, str]:
    return (subject.kind.value, subject.person_id or 0, subject.org_id, title)


def _key(entry: ProposalEntry) -> tuple[str, int, int, str]:
    return _subject_key(entry.subject, entry.title)


def reasons_json(reasons: Iterable[Any]) -> tuple[dict[str, Any], ...]:
    return tuple({"kind": r.kind, "met": r.met, "detail": r.detail} for r in reasons)
