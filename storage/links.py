"""Links between roster people and Telegram accounts."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from domain.models import Person, TelegramLink
from storage import audit
from storage.audit import AuditContext
from storage.db import Database, from_db_time, to_db_time, utcnow
from storage.people import person_from_row


def link_from_row(row: sqlite3.Row) -> TelegramLink:
    return TelegramLink(
        person_id=row["person_id"],
        telegram_user_id=row["telegram_user_id"],
        chat_id=row["chat_id"],
        linked_at=from_db_time(row["linked_at"]),
        method=row["method"],
        unreachable_at=from_db_time(row["unreachable_at"]),
    )


IDENTITIES_KEPT = 1000  # accounts whose identity stays in memory (~2.6 KB each)


@dataclass(frozen=True)
class TelegramIdentity:
    """Who a Telegram account is, as every update needs it."""

    locale: str | None  # the account's chosen language, if any
    person: Person | None  # the active person it is linked to
    link: TelegramLink | None
    headed_org_ids: tuple[int, ...]  # active units the person heads, in roster order


class LinkRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def by_telegram_user(self, telegram_user_id: int) -> tuple[Person, TelegramLink] | None:
        """The active person behind a Telegram account, if linked."""
        row = await self.db.fetchone(
            "SELECT p.*, l.person_id, l.telegram_user_id, l.chat_id, l.linked_at, l.method,"
            " l.unreachable_at"
            " FROM telegram_links l JOIN people p ON p.id = l.person_id"
            " WHERE l.telegram_user_id = ? AND p.active = 1",
            (telegram_user_id,),
        )
        if row is None:
            return None
        return person_from_row(row), link_from_row(row)

    async def identity(self, telegram_user_id: int) -> TelegramIdentity:
        """Language, person, link and headships of an account. Every update asks: kept in
        memory for the accounts seen lately, until one of the tables it comes from changes
        (migration 0062), and read in one query."""
        return await self.db.cached("identity", telegram_user_id,
                                    lambda: self._identity(telegram_user_id),
                                    limit=IDENTITIES_KEPT)

    async def _identity(self, telegram_user_id: int) -> TelegramIdentity:
        row = await self.db.fetchone(
            "SELECT s.locale AS chosen_locale, p.*, l.person_id, l.telegram_user_id,"
            " l.chat_id, l.linked_at, l.method, l.unreachable_at,"
            " (SELECT json_group_array(org_id) FROM (SELECT h.org_id FROM headships h"
            "   JOIN org_units o ON o.id = h.org_id WHERE h.person_id = p.id AND o.active = 1"
            "   ORDER BY o.sort_order, o.id)) AS headed"
            " FROM (SELECT ? AS uid) AS u"
            " LEFT JOIN user_settings s ON s.telegram_user_id = u.uid"
            " LEFT JOIN telegram_links l ON l.telegram_user_id = u.uid"
            " LEFT JOIN people p ON p.id = l.person_id AND p.active = 1",
            (telegram_user_id,),
        )
        if row is None or row["id"] is None:
            return TelegramIdentity(row["chosen_locale"] if row else None, None, None, ())
        return TelegramIdentity(row["chosen_locale"], person_from_row(row), link_from_row(row),
                                tuple(json.loads(row["headed"])))

    async def for_person(self, person_id: int) -> TelegramLink | None:
        row = await self.db.fetchone(
            "SELECT * FROM telegram_links WHERE person_id = ?", (person_id,)
        )
        return link_from_row(row) if row else None

    async def for_people(self, person_ids: Iterable[int]) -> dict[int, TelegramLink]:
        ids = "[" + ",".join(str(int(i)) for i in person_ids) + "]"
        rows = await self.db.fetchall(
            "SELECT * FROM telegram_links WHERE person_id IN (SELECT value FROM json_each(?))",
            (ids,),
        )
        return {r["person_id"]: link_from_row(r) for r in rows}

    async def link(
        self,
        person: Person,
        telegram_user_id: int,
        chat_id: int,
        method: str,
        who: AuditContext,
    ) -> None:
        """Link (or re-link) a person; a Telegram account serves one person at a time."""
        now = to_db_time(utcnow())
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM telegram_links WHERE telegram_user_id = ? AND person_id != ?",
                (telegram_user_id, person.id),
            )
            await conn.execute(
                "INSERT INTO telegram_links"
                " (person_id, telegram_user_id, chat_id, method, linked_at)"
                " VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (person_id) DO UPDATE SET"
                " telegram_user_id = excluded.telegram_user_id, chat_id = excluded.chat_id,"
                " method = excluded.method, linked_at = excluded.linked_at, unreachable_at = NULL",
                (person.id, telegram_user_id, chat_id, method, now),
            )
            await audit.record(
                conn, who, "link", "person", person.id,
                {"telegram_user_id": telegram_user_id, "method": method},
            )

    async def mark_unreachable(self, person_id: int, reachable: bool = False, *,
                               chat_id: int | None = None) -> bool:
        """Record that messages to the person fail (or work again); returns whether it changed.

        With `chat_id`, only a link still pointing at that chat is marked: a person who has
        since linked another account is not marked by a failure of the old one.
        """
        sql = "UPDATE telegram_links SET unreachable_at = ? WHERE person_id = ?"
        params: list[object] = [None if reachable else to_db_time(utcnow()), person_id]
        sql += " AND unreachable_at IS NULL" if not reachable else " AND unreachable_at IS NOT NULL"
        if chat_id is not None:
            sql += " AND chat_id = ?"
            params.append(chat_id)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(sql, params)
            changed = cursor.rowcount == 1
            if changed:
                await audit.record(conn, AuditContext.system(),
                                   "reachable" if reachable else "unreachable", "person",
                                   person_id, {"chat_id": chat_id} if chat_id else {})
            return changed


class UserSettingsRepository:
    """Per-account preferences, kept whether or not the account is linked to a person."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def locale(self, telegram_user_id: int) -> str | None:
        row = await self.db.fetchone(
            "SELECT locale FROM user_settings WHERE telegram_user_id = ?", (telegram_user_id,)
        )
        return row["locale"] if row else None

    async def locales(self, telegram_user_ids: Iterable[int]) -> dict[int, str]:
        ids = "[" + ",".join(str(int(i)) for i in telegram_user_ids) + "]"
        rows = await self.db.fetchall(
            "SELECT telegram_user_id, locale FROM user_settings"
            " WHERE telegram_user_id IN (SELECT value FROM json_each(?))",
            (ids,),
        )
        return {r["telegram_user_id"]: r["locale"] for r in rows}

    async def set_locale(self, telegram_user_id: int, locale: str, who: AuditContext) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO user_settings (telegram_user_id, locale) VALUES (?, ?)"
                " ON CONFLICT (telegram_user_id) DO UPDATE SET locale = excluded.locale",
                (telegram_user_id, locale),
            )
            await audit.record(conn, who, "set_locale", "telegram_user", telegram_user_id,
                               {"locale": locale})
