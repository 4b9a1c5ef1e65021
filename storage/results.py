"""Results on record: decisions, the titles achieved, history reads, and the import.

Every change is one transaction with its audit entry (entity "result"). A result is one row
per subject, year and title; a correction replaces its decision (revision + 1), a removal
deletes it with the removed content in the audit entry.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.models import Person
from domain.on_record import Claim, ClaimsOnRecord
from domain.org import OrgTree
from domain.results import (
    Decision,
    RecordFacts,
    Result,
    UsedInitiative,
    number_key,
)
from domain.results_import import (
    RegisterEntry,
    ResultsPlan,
)
from domain.rules import SubjectKind
from domain.subjects import Subject
from domain.text import fold_key
from storage import audit
from storage.audit import AuditContext
from storage.db import Connection, Database, to_db_time, utcnow
from storage.people import person_from_row

RESULT_SQL = (
    "SELECT r.id, r.year, r.subject_kind, r.person_id, r.org_id, r.title, r.revision,"
    " r.source, r.initiative_id, d.number, d.signed_on, d.decided_by,"
    " i.title AS initiative_title"
    " FROM results r JOIN decisions d ON d.id = r.decision_id"
    " LEFT JOIN initiatives i ON i.id = r.initiative_id"
)
SEARCH_LIMIT = 50


def json_ids(ids: Iterable[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


def result_from_row(row: sqlite3.Row) -> Result:
    return Result(
        id=row["id"],
        year=row["year"],
        subject=Subject(SubjectKind(row["subject_kind"]), row["org_id"], row["person_id"]),
        title=row["title"],
        decision=Decision(row["number"], date.fromisoformat(row["signed_on"]),
                          row["decided_by"]),
        revision=row["revision"],
        source=row["source"],
        initiative_id=row["initiative_id"],
        initiative_title=row["initiative_title"],
    )


def _subject_where(subject: Subject, alias: str = "r") -> tuple[str, tuple[Any, ...]]:
    if subject.person_id is not None:
        return f"{alias}.subject_kind = 'person' AND {alias}.person_id = ?", (subject.person_id,)
    return f"{alias}.subject_kind != 'person' AND {alias}.org_id = ?", (subject.org_id,)


def _described(result: Result) -> dict[str, Any]:
    """A result as its audit entries keep it."""
    return {"year": result.year, "subject": result.subject.kind.value,
            "person_id": result.subject.person_id, "org_id": result.subject.org_id,
            "title": result.title, "decision": _decision_details(result.decision),
            "initiative_id": result.initiative_id}


def _decision_details(decision: Decision) -> dict[str, str]:
    return {"number": decision.number, "signed_on": decision.signed_on.isoformat(),
            "decided_by": decision.decided_by}


async def decision_id(conn: Connection, decision: Decision) -> int:
    """The stored decision with this number and date (who decided updated), inside the
    caller's transaction."""
    now = to_db_time(utcnow())
    rows = await conn.execute_fetchall(
        "INSERT INTO decisions (number, number_key, signed_on, decided_by, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (number_key, signed_on) DO UPDATE SET decided_by = excluded.decided_by,"
        " number = excluded.number, updated_at = excluded.updated_at"
        " WHERE decisions.decided_by != excluded.decided_by"
        " OR decisions.number != excluded.number RETURNING id",
        (decision.number, number_key(decision.number), decision.signed_on.isoformat(),
         decision.decided_by, now, now),
    )
    found = next(iter(rows), None)
    if found is not None:
        return int(found[0])
    row = next(iter(await conn.execute_fetchall(
        "SELECT id FROM decisions WHERE number_key = ? AND signed_on = ?",
        (number_key(decision.number), decision.signed_on.isoformat()))))
    return int(row[0])


@dataclass(frozen=True)
class SearchHits:
    people: list[Person]
    more: bool  # more matched than were returned


class ResultsRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- Reading --------------------------------------------------------------------------

    async def get(self, result_id: int) -> Result | None:
        row = await self.db.fetchone(RESULT_SQL + " WHERE r.id = ?", (result_id,))
        return result_from_row(row) if row else None

    async def of_subject(self, subject: Subject) -> list[Result]:
        """A person's or a collective's results, newest year first."""
        where, params = _subject_where(subject)
        rows = await self.db.fetchall(
            RESULT_SQL + f" WHERE {where} ORDER BY r.year DESC, r.id", params)
        return [result_from_row(r) for r in rows]

    async def of_people(self, person_ids: Collection[int]) -> list[Result]:
        rows = await self.db.fetchall(
            RESULT_SQL + " WHERE r.subject_kind = 'person' AND r.person_id IN"
            " (SELECT value FROM json_each(?)) ORDER BY r.year DESC, r.id",
            (json_ids(person_ids),))
        return [result_from_row(r) for r in rows]

    async def in_orgs(self, org_ids: Collection[int], *, since: int | None = None
                      ) -> list[Result]:
        """The results of the people now in these orgs and of these collectives."""
        ids = json_ids(org_ids)
        year = " AND r.year >= ?" if since is not None else ""
        extra = (since,) if since is not None else ()
        rows = await self.db.fetchall_large(
            RESULT_SQL + " WHERE ((r.subject_kind = 'person' AND r.person_id IN"
            " (SELECT id FROM people WHERE org_id IN (SELECT value FROM json_each(?))))"
            " OR (r.subject_kind != 'person' AND r.org_id IN (SELECT value FROM json_each(?))))"
            f"{year} ORDER BY r.year DESC, r.id", (ids, ids, *extra))
        return [result_from_row(r) for r in rows]

    async def of_years(self, years: Collection[int]) -> list[Result]:
        rows = await self.db.fetchall_large(
            RESULT_SQL + " WHERE r.year IN (SELECT value FROM json_each(?)) ORDER BY r.id",
            (json_ids(years),))
        return [result_from_row(r) for r in rows]

    async def search_people(self, text: str, roots: Sequence[int | None], tree: OrgTree,
                            *, limit: int = SEARCH_LIMIT) -> SearchHits:
        """Active people within the roots whose name contains `text`, diacritics, case and
        tone placement aside ("nguyen van a" finds "Nguyễn Văn Á")."""
        key = fold_key(text).replace("\\", "").replace("%", "").replace("_", "")
        if not key.strip() or not roots:
            return SearchHits([], False)
        sql = ("SELECT * FROM people WHERE active = 1 AND search_key LIKE ?")
        params: list[Any] = [f"%{key}%"]
        if None not in roots:
            orgs = set().union(*(tree.subtree_ids(r) for r in roots if r in tree))
            sql += " AND org_id IN (SELECT value FROM json_each(?))"
            params.append(json_ids(orgs))
        rows = await self.db.fetchall(sql + " LIMIT ?", (*params, limit + 1))
        people = [person_from_row(r) for r in rows]
        return SearchHits(people[:limit], len(people) > limit)

    async def record_facts(self, subject: Subject,
                           scopes: Mapping[str, Collection[int] | None]) -> RecordFacts:
        """What registration needs of the record about `subject` (domain.on_record): the
        years it holds each title in, the years each title of `scopes` is on record in its
        scope (the orgs given, None: anywhere; `domain.on_record.record_scopes`), and for
        a person the initiatives used."""
        where, params = _subject_where(subject)
        rows = await self.db.fetchall(
            f"SELECT r.title, r.year FROM results r WHERE {where}", params)
        years: dict[str, set[int]] = {}
        for row in rows:
            years.setdefault(row["title"], set()).add(row["year"])
        covered: dict[str, frozenset[int]] = {}
        for title, org_ids in scopes.items():
            if org_ids is not None:
                found = await self.db.fetchall(
                    "SELECT DISTINCT year FROM results WHERE title = ?"
                    " AND org_id IN (SELECT value FROM json_each(?))",
                    (title, json_ids(org_ids)))
            else:
                found = await self.db.fetchall(
                    "SELECT DISTINCT year FROM results WHERE title = ?", (title,))
            covered[title] = frozenset(r[0] for r in found)
        initiatives: tuple[UsedInitiative, ...] = ()
        if subject.person_id is not None:
            initiatives = await self.used_initiatives(subject.person_id)
        return RecordFacts({t: tuple(sorted(y)) for t, y in years.items()}, covered,
                           initiatives)

    async def used_initiatives(self, person_id: int) -> tuple[UsedInitiative, ...]:
        """The person's initiatives on the register, with the results resting on each."""
        rows = await self.db.fetchall(
            "SELECT i.id, i.title, r.year, r.title AS code FROM initiative_authors a"
            " JOIN initiatives i ON i.id = a.initiative_id"
            " LEFT JOIN results r ON r.initiative_id = i.id"
            " WHERE a.person_id = ? ORDER BY i.id, r.year", (person_id,))
        found: dict[int, tuple[str, list[tuple[int, str]]]] = {}
        for row in rows:
            _title, uses = found.setdefault(row["id"], (row["title"], []))
            if row["year"] is not None:
                uses.append((row["year"], row["code"]))
        return tuple(UsedInitiative(i, title, tuple(uses)) for i, (title, uses) in found.items())

    # --- Writing --------------------------------------------------------------------------

    async def add(self, year: int, subject: Subject, title: str, decision: Decision,
                  who: AuditContext, *, initiative_id: int | None = None) -> Result | None:
        """Record a result; None if the subject already has this title for the year."""
        now = to_db_time(utcnow())
        async with self.db.transaction() as conn:
            where, params = _subject_where(subject)
            exists = await conn.execute_fetchall(
                f"SELECT 1 FROM results r WHERE {where} AND r.year = ? AND r.title = ?",
                (*params, year, title))
            if list(exists):
                return None
            decision_row = await decision_id(conn, decision)
            cursor = await conn.execute(
                "INSERT INTO results (year, subject_kind, person_id, org_id, title, decision_id,"
                " initiative_id, source, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (year, subject.kind.value, subject.person_id, subject.org_id, title,
                 decision_row, initiative_id, who.channel, now, now))
            result_id = int(cursor.lastrowid or 0)
            added = await self._get_in(conn, result_id)
            assert added is not None
            await audit.record(conn, who, "add_result", "result", result_id, _described(added))
        return added

    async def correct(self, result_id: int, revision: int, decision: Decision,
                      who: AuditContext) -> Result | None:
        """Replace a result's decision; None if it changed or went meanwhile."""
        async with self.db.transaction() as conn:
            before = await self._get_in(conn, result_id)
            if before is None or before.revision != revision:
                return None
            decision_row = await decision_id(conn, decision)
            await conn.execute(
                "UPDATE results SET decision_id = ?, revision = revision + 1, updated_at = ?"
                " WHERE id = ?", (decision_row, to_db_time(utcnow()), result_id))
            after = await self._get_in(conn, result_id)
            await audit.record(conn, who, "correct_result", "result", result_id,
                               {"before": _decision_details(before.decision),
                                "after": _decision_details(decision)})
        return after

    async def remove(self, result_id: int, revision: int, who: AuditContext) -> Result | None:
        """Delete a result (its content kept in the audit entry); None if it changed."""
        async with self.db.transaction() as conn:
            before = await self._get_in(conn, result_id)
            if before is None or before.revision != revision:
                return None
            await conn.execute("DELETE FROM results WHERE id = ?", (result_id,))
            await audit.record(conn, who, "remove_result", "result", result_id,
                               _described(before))
        return before

    async def _get_in(self, conn: Connection, result_id: int) -> Result | None:
        rows = await conn.execute_fetchall(RESULT_SQL + " WHERE r.id = ?", (result_id,))
        row = next(iter(rows), None)
        return result_from_row(row) if row else None


# --- The import -----------------------------------------------------------------------------


async def register_entries(db: Database) -> list[RegisterEntry]:
    """Every initiative of the register with its authors and the results resting on it."""
    rows = await db.fetchall_large(
        "SELECT i.id, i.title, i.year, (SELECT group_concat(person_id) FROM initiative_authors"
        " WHERE initiative_id = i.id) AS authors FROM initiatives i")
    uses = await db.fetchall_large(
        "SELECT initiative_id, year, title, subject_kind, org_id, person_id FROM results"
        " WHERE initiative_id IS NOT NULL")
    by_id: dict[int, list[tuple[int, str, Subject]]] = {}
    for u in uses:
        by_id.setdefault(u["initiative_id"], []).append(
            (u["year"], u["title"],
             Subject(SubjectKind(u["subject_kind"]), u["org_id"], u["person_id"])))
    return [RegisterEntry(r["id"], r["title"], r["year"],
                          frozenset(int(p) for p in (r["authors"] or "").split(",") if p),
                          tuple(by_id.get(r["id"], ())))
            for r in rows]


async def store_results(db: Database, plan: ResultsPlan, who: AuditContext) -> None:
    """Store the plan's new and changed results (source "import"), each with its audit
    entry, all or nothing. What to store is the plan the core computed
    (`app.results.imports`, `domain.results_import.plan_results`); call it inside the
    transaction in which the plan was computed, so that it writes what is current."""
    now = to_db_time(utcnow())
    async with db.transaction() as conn:
        ids = {d.key: await decision_id(conn, d) for d in plan.decisions}
        entries = []
        for planned in plan.new:
            subject = planned.subject
            cursor = await conn.execute(
                "INSERT INTO results (year, subject_kind, person_id, org_id, title, decision_id,"
                " initiative_id, source, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'import', ?, ?)",
                (planned.year, subject.kind.value, subject.person_id, subject.org_id,
                 planned.title, ids[planned.decision.key], planned.initiative_id, now, now))
            entries.append(("import_result", cursor.lastrowid, planned))
        for planned, old in plan.changed:
            await conn.execute(
                "UPDATE results SET decision_id = ?, initiative_id = ?, revision = revision + 1,"
                " updated_at = ? WHERE id = ?",
                (ids[planned.decision.key], planned.initiative_id, now, old.id))
            entries.append(("reimport_result", old.id, planned))
        for action, result_id, planned in entries:
            await audit.record(conn, who, action, "result", result_id, {
                "year": planned.year, "title": planned.title,
                "person_id": planned.subject.person_id, "org_id": planned.subject.org_id,
                "decision": _decision_details(planned.decision),
                "initiative_id": planned.initiative_id, "line": planned.line})


async def claims_on_record(db: Database, year: int, questions: Collection[str],
                           titles: Collection[str], org_ids: Collection[int] | None
                           ) -> ClaimsOnRecord:
    """What is on record for the contradictions of `year` (`domain.on_record`): the
    confirmed registrations of people in these orgs (None: everybody) answering any of
    `questions`, with their titles as stored; the claimants' results of `titles`; and the
    years each of `titles` is on record in each org."""
    if not questions:
        return ClaimsOnRecord()
    scope = ""
    params: tuple[Any, ...] = (year, json.dumps(list(questions)))
    if org_ids is not None:
        scope = " AND p.org_id IN (SELECT value FROM json_each(?))"
        params = (*params, json_ids(org_ids))
    rows = await db.fetchall_large(
        "SELECT r.id, r.person_id, p.org_id, p.full_name, a.question, a.value,"
        " (SELECT group_concat(title) FROM registration_titles WHERE registration_id = r.id)"
        " AS titles FROM registrations r"
        " JOIN registration_answers a ON a.registration_id = r.id"
        " AND a.question IN (SELECT value FROM json_each(?2))"
        " JOIN people p ON p.id = r.person_id AND p.active = 1"
        f" WHERE r.year = ?1 AND r.status = 'confirmed' AND r.subject_kind = 'person'{scope}",
        params)
    if not rows:
        return ClaimsOnRecord()
    claims: dict[int, tuple[int, int, str, frozenset[str], dict[str, Any]]] = {}
    for row in rows:
        _id, _org, _name, _titles, answers = claims.setdefault(
            row["id"], (row["person_id"], row["org_id"], row["full_name"],
                        frozenset((row["titles"] or "").split(",")), {}))
        answers[row["question"]] = json.loads(row["value"])
    people = {c[0] for c in claims.values()}
    codes = json.dumps(sorted(set(titles)))
    held: dict[int, dict[str, set[int]]] = {}
    for row in await db.fetchall_large(
            "SELECT person_id, title, year FROM results WHERE subject_kind = 'person'"
            " AND person_id IN (SELECT value FROM json_each(?))"
            " AND title IN (SELECT value FROM json_each(?))", (json_ids(people), codes)):
        held.setdefault(row[0], {}).setdefault(row[1], set()).add(row[2])
    on_record: dict[str, dict[int | None, set[int]]] = {}  # title → org → years
    for row in await db.fetchall_large(
            "SELECT DISTINCT title, year, org_id FROM results"
            " WHERE title IN (SELECT value FROM json_each(?))", (codes,)):
        on_record.setdefault(row[0], {}).setdefault(row[2], set()).add(row[1])
    return ClaimsOnRecord(
        tuple(Claim(person_id, org_id, name, titles_, answers)
              for person_id, org_id, name, titles_, answers in claims.values()),
        held, on_record)
