"""The initiatives register (sáng kiến, đề tài): its import, and what uses each initiative.

An initiative is one row per title and year of recognition, with its authors and decision.
What uses it: the results resting on it (`results.initiative_id`, set by the results import)
and the registrations whose answers name it (matched on the folded title, among the
registrations of its authors).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from datetime import date

from domain.org import OrgTree
from domain.plans import PlanChanged, plan_digest
from domain.results import Decision
from domain.results_import import (
    InitiativesFile,
    InitiativesPlan,
    InitiativeUses,
    Roster,
    StoredAnswer,
    StoredInitiative,
    initiatives_plan_fingerprint,
    plan_initiatives,
)
from domain.rules import InitiativeLevel
from domain.text import fold_key
from storage import audit
from storage.audit import AuditContext
from storage.db import Database, to_db_time, utcnow
from storage.orgs import OrgRepository
from storage.people import PeopleRepository
from storage.results import decision_id, json_ids

INITIATIVE_SQL = (
    "SELECT i.id, i.kind, i.title, i.level, i.year, d.number, d.signed_on, d.decided_by,"
    " (SELECT group_concat(person_id) FROM initiative_authors WHERE initiative_id = i.id)"
    " AS authors FROM initiatives i LEFT JOIN decisions d ON d.id = i.decision_id"
)


def _stored(row: sqlite3.Row) -> StoredInitiative:
    decision = None
    if row["number"] is not None:
        decision = Decision(row["number"], date.fromisoformat(row["signed_on"]),
                            row["decided_by"])
    return StoredInitiative(
        id=row["id"], year=row["year"], title=row["title"], kind=row["kind"],
        level=InitiativeLevel(row["level"]),
        authors=frozenset(int(p) for p in (row["authors"] or "").split(",") if p),
        decision=decision)


class InitiativeRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def of_people(self, person_ids: Collection[int]) -> InitiativeUses:
        """The people's initiatives and what may rest on them (`_views`)."""
        rows = await self.db.fetchall(
            INITIATIVE_SQL + " WHERE i.id IN (SELECT initiative_id FROM initiative_authors"
            " WHERE person_id IN (SELECT value FROM json_each(?))) ORDER BY i.year DESC, i.id",
            (json_ids(person_ids),))
        return await self._views([_stored(r) for r in rows])

    async def search(self, text: str, tree: OrgTree, roots: Sequence[int | None],
                     limit: int = 20) -> InitiativeUses:
        """Initiatives whose title contains `text` (folded), one of whose authors is within
        the roots."""
        key = fold_key(text).replace("%", "").replace("_", "")
        if not key.strip() or not roots:
            return InitiativeUses()
        sql = INITIATIVE_SQL + " WHERE i.title_key LIKE ?"
        params: list[object] = [f"%{key}%"]
        if None not in roots:
            orgs = set().union(*(tree.subtree_ids(r) for r in roots if r in tree))
            sql += (" AND i.id IN (SELECT a.initiative_id FROM initiative_authors a JOIN people p"
                    " ON p.id = a.person_id WHERE p.org_id IN (SELECT value FROM json_each(?)))")
            params.append(json_ids(orgs))
        rows = await self.db.fetchall(sql + " ORDER BY i.year DESC, i.id LIMIT ?",
                                      (*params, limit))
        return await self._views([_stored(r) for r in rows])

    async def of_year(self, year: int, years_back: int, person_id: int
                      ) -> list[StoredInitiative]:
        """A person's initiatives recognised from `year - years_back` to `year`."""
        rows = await self.db.fetchall(
            INITIATIVE_SQL + " WHERE i.year BETWEEN ? AND ? AND i.id IN (SELECT initiative_id"
            " FROM initiative_authors WHERE person_id = ?) ORDER BY i.year DESC, i.id",
            (year - years_back, year, person_id))
        return [_stored(r) for r in rows]

    async def get_many(self, ids: Collection[int]) -> list[StoredInitiative]:
        rows = await self.db.fetchall(
            INITIATIVE_SQL + " WHERE i.id IN (SELECT value FROM json_each(?))", (json_ids(ids),))
        return [_stored(r) for r in rows]

    async def _views(self, initiatives: list[StoredInitiative]) -> InitiativeUses:
        """The initiatives with the results resting on them and the answers of their
        authors' confirmed registrations (`domain.results_import.initiative_views` tells
        which answers use which initiative)."""
        if not initiatives:
            return InitiativeUses()
        ids = json_ids(i.id for i in initiatives)
        results = await self.db.fetchall(
            "SELECT initiative_id, year, title, person_id FROM results"
            " WHERE initiative_id IN (SELECT value FROM json_each(?)) ORDER BY year", (ids,))
        authors = json_ids({a for i in initiatives for a in i.authors})
        answers = await self.db.fetchall(
            "SELECT r.id, r.year, r.person_id, a.question, a.value,"
            " (SELECT group_concat(title) FROM registration_titles"
            " WHERE registration_id = r.id) AS titles FROM registrations r"
            " JOIN registration_answers a ON a.registration_id = r.id"
            " WHERE r.status = 'confirmed' AND r.subject_kind = 'person'"
            " AND r.person_id IN (SELECT value FROM json_each(?))", (authors,))
        return InitiativeUses(
            tuple(initiatives),
            tuple((r["initiative_id"], r["year"], r["title"], r["person_id"])
                  for r in results),
            tuple(StoredAnswer(r["id"], r["year"], r["person_id"], r["question"], r["value"],
                               frozenset((r["titles"] or "").split(",")) - {""})
                  for r in answers))


# --- The import -----------------------------------------------------------------------------


async def _plan(db: Database, file: InitiativesFile, scope_org_id: int | None
                ) -> InitiativesPlan:
    tree = await OrgRepository(db).tree()
    people = await PeopleRepository(db).all()
    years = {row.year for row in file.rows}
    rows = await db.fetchall_large(
        INITIATIVE_SQL + " WHERE i.year IN (SELECT value FROM json_each(?))", (json_ids(years),))
    return plan_initiatives(file, Roster(tree, people, scope_org_id),
                            [_stored(r) for r in rows])


async def preview_initiatives(db: Database, file: InitiativesFile, *,
                              scope_org_id: int | None = None) -> InitiativesPlan:
    return await _plan(db, file, scope_org_id)


def initiatives_digest(plan: InitiativesPlan) -> str:
    """The digest of what a preview showed (domain.plans)."""
    return plan_digest(initiatives_plan_fingerprint(plan))


async def apply_initiatives(db: Database, file: InitiativesFile, who: AuditContext, *,
                            scope_org_id: int | None = None,
                            expected_digest: str | None = None) -> InitiativesPlan:
    """Apply a valid file, its plan recomputed inside the transaction; PlanChanged when
    `expected_digest` (the preview's) is not the plan's now."""
    if not file.ok:
        raise ValueError("refusing to apply an initiatives file with problems")
    now = to_db_time(utcnow())
    async with db.transaction() as conn:
        plan = await _plan(db, file, scope_org_id)
        if expected_digest is not None and initiatives_digest(plan) != expected_digest:
            raise PlanChanged(plan)
        if not plan.ok:
            raise ValueError("refusing to apply an initiatives file with problems")
        ids = {d.key: await decision_id(conn, d) for d in plan.decisions}
        for item, old in [*((p, None) for p in plan.new), *plan.changed]:
            rows = await conn.execute_fetchall(
                "INSERT INTO initiatives (kind, title, title_key, level, year, decision_id,"
                " source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'import', ?, ?)"
                " ON CONFLICT (title_key, year) DO UPDATE SET kind = excluded.kind,"
                " title = excluded.title, level = excluded.level,"
                " decision_id = excluded.decision_id, updated_at = excluded.updated_at"
                " RETURNING id",
                (item.kind, item.title, fold_key(item.title), item.level.value, item.year,
                 ids[item.decision.key], now, now))
            initiative_id = int(next(iter(rows))[0])
            await conn.execute("DELETE FROM initiative_authors WHERE initiative_id = ?",
                               (initiative_id,))
            await conn.executemany(
                "INSERT INTO initiative_authors (initiative_id, person_id) VALUES (?, ?)",
                [(initiative_id, person_id) for person_id in item.authors])
            await audit.record(conn, who, "reimport_initiative" if old else "import_initiative",
                               "initiative", initiative_id, {
                                   "title": item.title, "year": item.year, "kind": item.kind,
                                   "level": item.level.value, "authors": list(item.authors),
                                   "decision": item.decision.number, "line": item.line})
    return plan


async def authored(db: Database, person_ids: Collection[int], since: int, until: int
                   ) -> dict[int, list[StoredInitiative]]:
    """Per person, the initiatives they author recognised from `since` to `until`."""
    rows = await db.fetchall_large(
        "SELECT a.person_id, i.id, i.kind, i.title, i.level, i.year, d.number, d.signed_on,"
        " d.decided_by, NULL AS authors FROM initiative_authors a"
        " JOIN initiatives i ON i.id = a.initiative_id"
        " LEFT JOIN decisions d ON d.id = i.decision_id"
        " WHERE a.person_id IN (SELECT value FROM json_each(?)) AND i.year BETWEEN ? AND ?"
        " ORDER BY i.year DESC, i.id", (json_ids(person_ids), since, until))
    found: dict[int, list[StoredInitiative]] = {}
    for row in rows:
        found.setdefault(row["person_id"], []).append(_stored(row))
    return found
