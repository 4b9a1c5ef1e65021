"""Links between roster people and their accounts on the chat channels (Telegram, Zalo).

An account is named by its channel and the channel's user id; `account` strings join them
("telegram:123", "zalo:6ede9a…"). A person has at most one account per channel, and an
account serves one person at a time.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from domain.models import Link, Person
from storage import audit
from storage.audit import AuditContext
from storage.db import Database, from_db_time, to_db_time, utcnow
from storage.people import person_from_row

LINK_COLUMNS = ("l.channel, l.person_id, l.user_id, l.chat_id, l.linked_at, l.method,"
                " l.unreachable_at")


def link_from_row(row: sqlite3.Row) -> Link:
    return Link(
        channel=row["channel"],
        person_id=row["person_id"],
        user_id=str(row["user_id"]),
        chat_id=str(row["chat_id"]),
        linked_at=from_db_time(row["linked_at"]) or utcnow(),
        method=row["method"],
        unreachable_at=from_db_time(row["unreachable_at"]),
    )


def split_account(account: str) -> tuple[str, str]:
    channel, _, user_id = account.partition(":")
    return channel, user_id


def native_chat_id(channel: str, chat_id: str) -> int | str:
    """A chat id as its channel's API takes it: Telegram's are integers."""
    return int(chat_id) if channel == "telegram" else chat_id


IDENTITIES_KEPT = 1000  # accounts whose identity stays in memory (~2.6 KB each)


@dataclass(frozen=True)
class Identity:
    """Who an account is, as every event needs it."""

    locale: str | None  # the account's chosen language, if any
    person: Person | None  # the active person it is linked to
    link: Link | None
    headed_org_ids: tuple[int, ...]  # active units the person heads, in roster order
    last_channel: str | None  # the channel the person used last (when linked on several)


def preferred(links: Iterable[Link], last_channel: str | None) -> Link | None:
    """The link to write to: the channel used last if reachable, else any reachable one,
    else the channel used last (to record the failure there)."""
    ordered = sorted(links, key=lambda k: (k.channel != last_channel, k.channel))
    reachable = [k for k in ordered if k.unreachable_at is None]
    if reachable:
        return reachable[0]
    return ordered[0] if ordered else None


class LinkRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def by_account(self, channel: str, user_id: str | int
                         ) -> tuple[Person, Link] | None:
        """The active person behind an account, if linked."""
        row = await self.db.fetchone(
            f"SELECT p.*, {LINK_COLUMNS} FROM links l JOIN people p ON p.id = l.person_id"
            " WHERE l.channel = ? AND l.user_id = ? AND p.active = 1",
            (channel, str(user_id)),
        )
        if row is None:
            return None
        return person_from_row(row), link_from_row(row)

    async def identity(self, account: str) -> Identity:
        """Language, person, link and headships of an account. Every event asks: kept in
        memory for the accounts seen lately, until one of the tables it comes from changes
        (migrations 0062, 0200), and read in one query."""
        return await self.db.cached("identity", account, lambda: self._identity(account),
                                    limit=IDENTITIES_KEPT)

    async def _identity(self, account: str) -> Identity:
        channel, user_id = split_account(account)
        row = await self.db.fetchone(
            f"SELECT s.locale AS chosen_locale, p.*, {LINK_COLUMNS},"
            " (SELECT channel FROM person_channel c WHERE c.person_id = p.id) AS last_channel,"
            " (SELECT json_group_array(org_id) FROM (SELECT h.org_id FROM headships h"
            "   JOIN org_units o ON o.id = h.org_id WHERE h.person_id = p.id AND o.active = 1"
            "   ORDER BY o.sort_order, o.id)) AS headed"
            " FROM (SELECT ? AS account, ? AS channel, ? AS uid) AS u"
            " LEFT JOIN account_settings s ON s.account = u.account"
            " LEFT JOIN links l ON l.channel = u.channel AND l.user_id = u.uid"
            " LEFT JOIN people p ON p.id = l.person_id AND p.active = 1",
            (account, channel, user_id),
        )
        if row is None or row["id"] is None:
            return Identity(row["chosen_locale"] if row else None, None, None, (), None)
        return Identity(row["chosen_locale"], person_from_row(row), link_from_row(row),
                        tuple(json.loads(row["headed"])), row["last_channel"])

    async def for_person(self, person_id: int, channel: str = "telegram") -> Link | None:
        row = await self.db.fetchone(
            f"SELECT {LINK_COLUMNS} FROM links l WHERE l.person_id = ? AND l.channel = ?",
            (person_id, channel),
        )
        return link_from_row(row) if row else None

    async def all_of(self, person_id: int) -> list[Link]:
        rows = await self.db.fetchall(
            f"SELECT {LINK_COLUMNS} FROM links l WHERE l.person_id = ? ORDER BY l.channel",
            (person_id,),
        )
        return [link_from_row(r) for r in rows]

    async def for_people(self, person_ids: Iterable[int]) -> dict[int, Link]:
        """The link to write to, per linked person (see `preferred`)."""
        ids = "[" + ",".join(str(int(i)) for i in person_ids) + "]"
        rows = await self.db.fetchall(
            f"SELECT {LINK_COLUMNS}, c.channel AS last_channel FROM links l"
            " LEFT JOIN person_channel c ON c.person_id = l.person_id"
            " WHERE l.person_id IN (SELECT value FROM json_each(?))",
            (ids,),
        )
        grouped: dict[int, list[Link]] = {}
        last: dict[int, str | None] = {}
        for r in rows:
            grouped.setdefault(r["person_id"], []).append(link_from_row(r))
            last[r["person_id"]] = r["last_channel"]
        found = {pid: preferred(links, last[pid]) for pid, links in grouped.items()}
        return {pid: link for pid, link in found.items() if link is not None}

    async def link(
        self,
        person: Person,
        channel: str,
        user_id: str | int,
        chat_id: str | int,
        method: str,
        who: AuditContext,
    ) -> None:
        """Link (or re-link) a person on a channel; an account serves one person at a time."""
        now = to_db_time(utcnow())
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM links WHERE channel = ? AND user_id = ? AND person_id != ?",
                (channel, str(user_id), person.id),
            )
            await conn.execute(
                "INSERT INTO links (channel, person_id, user_id, chat_id, method, linked_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (channel, person_id) DO UPDATE SET"
                " user_id = excluded.user_id, chat_id = excluded.chat_id,"
                " method = excluded.method, linked_at = excluded.linked_at, unreachable_at = NULL",
                (channel, person.id, str(user_id), str(chat_id), method, now),
            )
            await conn.execute(
                "INSERT INTO person_channel (person_id, channel, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (person_id) DO UPDATE SET channel = excluded.channel,"
                " updated_at = excluded.updated_at",
                (person.id, channel, now),
            )
            await audit.record(
                conn, who, "link", "person", person.id,
                {"channel": channel, "user_id": str(user_id), "method": method},
            )

    async def note_channel(self, person_id: int, channel: str) -> None:
        """The person used this channel: messages the bot sends on its own go there."""
        await self.db.execute(
            "INSERT INTO person_channel (person_id, channel, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (person_id) DO UPDATE SET channel = excluded.channel,"
            " updated_at = excluded.updated_at WHERE channel != excluded.channel",
            (person_id, channel, to_db_time(utcnow())),
        )

    async def mark_unreachable(self, person_id: int, reachable: bool = False, *,
                               channel: str = "telegram",
                               chat_id: str | int | None = None) -> bool:
        """Record that messages to the person on a channel fail (or work again); returns
        whether it changed.

        With `chat_id`, only a link still pointing at that chat is marked: a person who has
        since linked another account is not marked by a failure of the old one.
        """
        sql = "UPDATE links SET unreachable_at = ? WHERE person_id = ? AND channel = ?"
        params: list[object] = [None if reachable else to_db_time(utcnow()), person_id, channel]
        sql += " AND unreachable_at IS NULL" if not reachable else " AND unreachable_at IS NOT NULL"
        if chat_id is not None:
            sql += " AND chat_id = ?"
            params.append(str(chat_id))
        async with self.db.transaction() as conn:
            cursor = await conn.execute(sql, params)
            changed = cursor.rowcount == 1
            if changed:
                details: dict[str, object] = {"channel": channel}
                if chat_id is not None:
                    details["chat_id"] = str(chat_id)
                await audit.record(conn, AuditContext.system(),
                                   "reachable" if reachable else "unreachable", "person",
                                   person_id, details)
            return changed


class AccountSettingsRepository:
    """Per-account preferences, kept whether or not the account is linked to a person."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def locale(self, account: str) -> str | None:
        row = await self.db.fetchone(
            "SELECT locale FROM account_settings WHERE account = ?", (account,)
        )
        return row["locale"] if row else None

    async def locales(self, accounts: Iterable[str]) -> dict[str, str]:
        keys = json.dumps(list(accounts))
        rows = await self.db.fetchall(
            "SELECT account, locale FROM account_settings"
            " WHERE account IN (SELECT value FROM json_each(?))",
            (keys,),
        )
        return {r["account"]: r["locale"] for r in rows}

    async def set_locale(self, account: str, locale: str, who: AuditContext) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO account_settings (account, locale) VALUES (?, ?)"
                " ON CONFLICT (account) DO UPDATE SET locale = excluded.locale",
                (account, locale),
            )
            await audit.record(conn, who, "set_locale", "account", account,
                               {"locale": locale})
