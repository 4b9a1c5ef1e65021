"""What registered vs achieved reads: the results of a year per org and subject, in the same
shapes as the registration summary's reads (storage/summary.py), on the reader connection."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from domain.achievement import Subjects
from domain.org import OrgTree
from domain.records import RegistrationRecord, RegistrationStatus
from domain.rules import SubjectKind
from domain.tally import PeopleRows
from storage.db import Database
from storage.results import json_ids


def _scope(org_ids: Collection[int] | None, column: str) -> tuple[str, tuple[Any, ...]]:
    if org_ids is None:
        return "", ()
    return f" AND {column} IN (SELECT value FROM json_each(?))", (json_ids(org_ids),)


class AchievementStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def latest_year(self) -> int | None:
        row = await self.db.fetchone("SELECT max(year) FROM results")
        return int(row[0]) if row and row[0] is not None else None

    async def people_rows(self, year: int, org_ids: Collection[int] | None) -> PeopleRows:
        """The people figures of the results as SQLite groups them
        (`domain.tally.count_people` reads them), as the registration summary counts
        registrations: active people where the roster puts them now."""
        where, params = _scope(org_ids, "p.org_id")
        active = [(r[0], r[1]) for r in await self.db.fetchall_large(
                f"SELECT p.org_id, count(*) FROM people p WHERE p.active = 1{where} GROUP BY 1",
                params)]
        achieved = [(r[0], bool(r[1]), tuple(r[2].split(",")), r[3])
                    for r in await self.db.fetchall_large(
                "SELECT p.org_id, p.is_leader, x.titles, count(*) FROM ("
                " SELECT person_id, group_concat(title) AS titles FROM results"
                " WHERE year = ? AND subject_kind = 'person' GROUP BY person_id) x"
                f" JOIN people p ON p.id = x.person_id AND p.active = 1{where}"
                " GROUP BY 1, 2, 3", (year, *params))]
        return PeopleRows(active, achieved)

    async def collectives(self, year: int, org_ids: Collection[int] | None
                          ) -> list[RegistrationRecord]:
        """The collectives' results of `year`, one record per collective."""
        where, params = _scope(org_ids, "org_id")
        rows = await self.db.fetchall_large(
            "SELECT subject_kind, org_id, group_concat(title) AS titles FROM results"
            f" WHERE year = ? AND subject_kind != 'person'{where} GROUP BY subject_kind, org_id",
            (year, *params))
        return [RegistrationRecord(year=year, subject_kind=SubjectKind(r["subject_kind"]),
                                   org_id=r["org_id"], titles=frozenset(r["titles"].split(",")),
                                   status=RegistrationStatus.CONFIRMED)
                for r in rows]

    async def registered(self, tree: OrgTree, year: int, org_ids: Collection[int] | None
                         ) -> Subjects:
        """Every confirmed registration of `year` in scope, with its ticked titles."""
        where, params = _scope(org_ids, "coalesce(p.org_id, r.org_id)")
        rows = await self.db.fetchall_large(
            "SELECT r.subject_kind, r.person_id, coalesce(p.org_id, r.org_id) AS org_id,"
            " p.full_name, group_concat(t.title) AS titles FROM registrations r"
            " JOIN registration_titles t ON t.registration_id = r.id AND t.implied = 0"
            " LEFT JOIN people p ON p.id = r.person_id"
            " WHERE r.year = ? AND r.status = 'confirmed'"
            " AND (r.subject_kind != 'person' OR p.active = 1)"
            f"{where} GROUP BY r.id", (year, *params))
        return _subjects(tree, rows)

    async def achieved(self, tree: OrgTree, year: int, org_ids: Collection[int] | None
                       ) -> Subjects:
        where, params = _scope(org_ids, "coalesce(p.org_id, r.org_id)")
        rows = await self.db.fetchall_large(
            "SELECT r.subject_kind, r.person_id, coalesce(p.org_id, r.org_id) AS org_id,"
            " p.full_name, group_concat(r.title) AS titles FROM results r"
            " LEFT JOIN people p ON p.id = r.person_id"
            f" WHERE r.year = ?{where}"
            " GROUP BY r.subject_kind, coalesce(r.person_id, 0), r.org_id", (year, *params))
        return _subjects(tree, rows)


KINDS = {kind.value: kind for kind in SubjectKind}  # a dict lookup per row, not an Enum call


def _subjects(tree: OrgTree, rows: list[Any]) -> Subjects:
    entries: dict[tuple[str, int], tuple[SubjectKind, int, int | None, str, frozenset[str]]] = {}
    for r in rows:
        kind = KINDS[r["subject_kind"]]
        if kind == SubjectKind.PERSON:
            key = ("person", r["person_id"])
            name = r["full_name"] or "?"
        else:
            key = (kind.value, r["org_id"])
            name = tree.label(r["org_id"]) if r["org_id"] in tree else "?"
        titles = frozenset(r["titles"].split(","))
        old = entries.get(key)
        if old is not None:
            titles |= old[4]
        entries[key] = (kind, r["org_id"], r["person_id"], name, titles)
    return Subjects(entries)
