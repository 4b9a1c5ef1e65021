"""Organisation units (bloc, agency, unit)."""

from __future__ import annotations

import sqlite3

from domain.models import OrgKind, OrgUnit
from domain.org import OrgTree
from storage.db import Database


def org_from_row(row: sqlite3.Row) -> OrgUnit:
    return OrgUnit(
        id=row["id"],
        parent_id=row["parent_id"],
        kind=OrgKind(row["kind"]),
        name=row["name"],
        sort_order=row["sort_order"],
        active=bool(row["active"]),
    )


class OrgRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def all(self, *, active_only: bool = True) -> list[OrgUnit]:
        sql = "SELECT * FROM org_units"
        if active_only:
            sql += " WHERE active = 1"
        rows = await self.db.fetchall(sql + " ORDER BY sort_order, id")
        return [org_from_row(r) for r in rows]

    async def tree(self, *, active_only: bool = True) -> OrgTree:
        """The tree, built once per change of the org units (OrgTree is immutable: shared)."""

        async def build() -> OrgTree:
            return OrgTree(await self.all(active_only=active_only))

        return await self.db.cached("org_units", ("tree", active_only), build)

    async def get(self, org_id: int) -> OrgUnit | None:
        row = await self.db.fetchone("SELECT * FROM org_units WHERE id = ?", (org_id,))
        return org_from_row(row) if row else None
