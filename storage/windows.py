"""Registration windows: the year and scope a registration is open for, its opening day,
deadline and rule set, and whether its final summary was posted.

Every write is one transaction with its audit entry; the list of windows is kept in memory
(`db.cached`) until one changes.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from domain.rules import ruleset_for_year
from domain.windows import MAX_YEAR, MIN_YEAR, RegistrationWindow
from storage import audit
from storage.audit import AuditContext
from storage.db import Database, from_db_time, to_db_time, utcnow
from storage.registration_rows import fetch_one


class WindowError(ValueError):
    """A window that cannot be opened or changed; `code` names why.

    Codes: exists, not_found, bad_year, deadline_before_opening, no_ruleset, unknown_scope.
    """

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code, params)


def _window(row: sqlite3.Row) -> RegistrationWindow:
    return RegistrationWindow(
        id=row["id"],
        year=row["year"],
        scope_org_id=row["scope_org_id"],
        opens_on=date.fromisoformat(row["opens_on"]),
        deadline=date.fromisoformat(row["deadline"]),
        ruleset_id=row["ruleset_id"],
        closed_at=from_db_time(row["closed_at"]),
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
    )


class WindowRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def windows(self, year: int | None = None) -> list[RegistrationWindow]:
        """Every window (of `year`), newest year first; kept in memory until one changes."""

        async def load() -> tuple[RegistrationWindow, ...]:
            rows = await self.db.fetchall("SELECT * FROM registration_windows"
                                          " ORDER BY year DESC, id")
            return tuple(_window(r) for r in rows)

        every = await self.db.cached("registration_windows", "all", load)
        return [w for w in every if year is None or w.year == year]

    async def window(self, window_id: int) -> RegistrationWindow | None:
        row = await self.db.fetchone("SELECT * FROM registration_windows WHERE id = ?",
                                     (window_id,))
        return _window(row) if row else None

    async def window_by_scope(self, year: int, scope_org_id: int | None
                              ) -> RegistrationWindow | None:
        row = await self.db.fetchone(
            "SELECT * FROM registration_windows WHERE year = ? AND"
            " coalesce(scope_org_id, 0) = coalesce(?, 0)",
            (year, scope_org_id),
        )
        return _window(row) if row else None

    async def open_window(
        self,
        year: int,
        scope_org_id: int | None,
        opens_on: date,
        deadline: date,
        who: AuditContext,
        *,
        ruleset_id: str | None = None,
    ) -> RegistrationWindow:
        """Open the registration of `year` for a scope; the rule set the year is judged by
        (`domain.rules.ruleset_for_year`: in force at the year's end) is kept with it unless
        `ruleset_id` pins another."""
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise WindowError("bad_year", year=year)
        if deadline < opens_on:
            raise WindowError("deadline_before_opening", opens_on=opens_on, deadline=deadline)
        if ruleset_id is None:
            try:
                ruleset_id = ruleset_for_year(year).id
            except LookupError:
                raise WindowError("no_ruleset", day=opens_on) from None
        now = to_db_time(utcnow())
        async with self.db.transaction() as conn:
            if scope_org_id is not None and await fetch_one(
                conn, "SELECT id FROM org_units WHERE id = ?", (scope_org_id,)
            ) is None:
                raise WindowError("unknown_scope", scope_org_id=scope_org_id)
            existing = await fetch_one(
                conn,
                "SELECT * FROM registration_windows WHERE year = ? AND"
                " coalesce(scope_org_id, 0) = coalesce(?, 0)",
                (year, scope_org_id),
            )
            if existing is not None:
                raise WindowError("exists", window=_window(existing))
            cursor = await conn.execute(
                "INSERT INTO registration_windows (year, scope_org_id, opens_on, deadline,"
                " ruleset_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (year, scope_org_id, opens_on.isoformat(), deadline.isoformat(), ruleset_id,
                 now, now),
            )
            window_id = int(cursor.lastrowid or 0)
            await audit.record(
                conn, who, "open", "registration_window", window_id,
                {"year": year, "scope_org_id": scope_org_id, "opens_on": opens_on.isoformat(),
                 "deadline": deadline.isoformat(), "ruleset_id": ruleset_id},
            )
            row = await fetch_one(conn, "SELECT * FROM registration_windows WHERE id = ?",
                                  (window_id,))
        return _window(row)

    async def set_deadline(
        self, window_id: int, deadline: date, who: AuditContext
    ) -> RegistrationWindow:
        """Extend (or move) a window's deadline; reopens a window whose summary was closed."""
        async with self.db.transaction() as conn:
            row = await fetch_one(conn, "SELECT * FROM registration_windows WHERE id = ?",
                                  (window_id,))
            if row is None:
                raise WindowError("not_found", window_id=window_id)
            window = _window(row)
            if deadline < window.opens_on:
                raise WindowError("deadline_before_opening", opens_on=window.opens_on,
                                  deadline=deadline)
            await conn.execute(
                "UPDATE registration_windows SET deadline = ?, closed_at = NULL, updated_at = ?"
                " WHERE id = ?",
                (deadline.isoformat(), to_db_time(utcnow()), window_id),
            )
            await audit.record(
                conn, who, "set_deadline", "registration_window", window_id,
                {"from": window.deadline.isoformat(), "to": deadline.isoformat()},
            )
            row = await fetch_one(conn, "SELECT * FROM registration_windows WHERE id = ?",
                                  (window_id,))
        return _window(row)

    async def close_window(self, window_id: int, who: AuditContext) -> bool:
        """Record that the final summary was posted; False if already closed or unknown."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE registration_windows SET closed_at = ?, updated_at = ?"
                " WHERE id = ? AND closed_at IS NULL",
                (to_db_time(utcnow()), to_db_time(utcnow()), window_id),
            )
            if cursor.rowcount != 1:
                return False
            await audit.record(conn, who, "close", "registration_window", window_id, {})
        return True
