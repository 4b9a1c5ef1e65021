"""People on the roster and the units they head."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from domain.models import Person, Role
from storage.db import Database


def person_from_row(row: sqlite3.Row) -> Person:
    return Person(
        id=row["id"],
        full_name=row["full_name"],
        phone=row["phone"],
        position=row["position"],
        is_leader=bool(row["is_leader"]),
        role=Role(row["role"]),
        org_id=row["org_id"],
        active=bool(row["active"]),
    )


class PeopleRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, person_id: int) -> Person | None:
        row = await self.db.fetchone("SELECT * FROM people WHERE id = ?", (person_id,))
        return person_from_row(row) if row else None

    async def by_phone(self, phone: str) -> Person | None:
        row = await self.db.fetchone("SELECT * FROM people WHERE phone = ?", (phone,))
        return person_from_row(row) if row else None

    async def all(self, *, active_only: bool = True) -> list[Person]:
        sql = "SELECT * FROM people"
        if active_only:
            sql += " WHERE active = 1"
        return [person_from_row(r) for r in await self.db.fetchall(sql + " ORDER BY id")]

    async def in_orgs(self, org_ids: Iterable[int], *, active_only: bool = True) -> list[Person]:
        ids = list(org_ids)
        if not ids:
            return []
        # json_each keeps one statement (and one plan) whatever the number of ids.
        sql = "SELECT * FROM people WHERE org_id IN (SELECT value FROM json_each(?))"
        if active_only:
            sql += " AND active = 1"
        rows = await self.db.fetchall(sql + " ORDER BY id", (_json_ids(ids),))
        return [person_from_row(r) for r in rows]

    async def headed_org_ids(self, person_id: int) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT h.org_id FROM headships h JOIN org_units o ON o.id = h.org_id"
            " WHERE h.person_id = ? AND o.active = 1 ORDER BY o.sort_order, o.id",
            (person_id,),
        )
        return [r["org_id"] for r in rows]

    async def heads_of(self, org_id: int) -> list[Person]:
        rows = await self.db.fetchall(
            "SELECT p.* FROM headships h JOIN people p ON p.id = h.person_id"
            " WHERE h.org_id = ? AND p.active = 1 ORDER BY p.id",
            (org_id,),
        )
        return [person_from_row(r) for r in rows]

    async def all_headships(self) -> dict[int, list[int]]:
        """person id → org ids they head (active people and units only)."""
        rows = await self.db.fetchall(
            "SELECT h.person_id, h.org_id FROM headships h"
            " JOIN people p ON p.id = h.person_id JOIN org_units o ON o.id = h.org_id"
            " WHERE p.active = 1 AND o.active = 1 ORDER BY o.sort_order, o.id"
        )
        result: dict[int, list[int]] = {}
        for r in rows:
            result.setdefault(r["person_id"], []).append(r["org_id"])
        return result


def _json_ids(ids: list[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"
