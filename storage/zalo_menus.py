"""The numbered menu each Zalo chat was shown last (migrations 0141, 0143): in a group, each
member's own, and the one the bot posted to the whole group on its own."""

from __future__ import annotations

import json
from dataclasses import dataclass

from storage.db import Database


@dataclass(frozen=True)
class MenuChoice:
    data: str
    label: str
    role: str | None = None


@dataclass(frozen=True)
class Menu:
    chat_id: str
    choices: tuple[MenuChoice, ...]
    multi: bool
    expects_text: bool
    shown_at: int  # milliseconds
    shown_to: str = ""  # in a group, the member it answers ("": anyone, and private chats)


class MenuRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, chat_id: str, member: str | None = None) -> Menu | None:
        """The chat's current menu. In a group (`member` given): the member's own or the one
        posted to the whole group, whichever was shown last; never another member's."""
        row = await self.db.fetchone(
            "SELECT * FROM zalo_menus WHERE chat_id = ? AND shown_to IN ('', ?)"
            " ORDER BY shown_at DESC LIMIT 1", (chat_id, member or ""))
        if row is None:
            return None
        choices = tuple(MenuChoice(*item) for item in json.loads(row["choices"]))
        return Menu(chat_id, choices, bool(row["multi"]), bool(row["expects_text"]),
                    int(row["shown_at"]), row["shown_to"])

    async def show(self, menu: Menu) -> None:
        """Remember `menu` as the current one of its chat (of its member, in a group); an
        empty menu forgets the last one: earlier numbers are stale then too."""
        await self.db.execute(
            "INSERT INTO zalo_menus (chat_id, shown_to, choices, multi, expects_text, shown_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, shown_to) DO UPDATE SET"
            " choices = excluded.choices, multi = excluded.multi,"
            " expects_text = excluded.expects_text, shown_at = excluded.shown_at",
            (menu.chat_id, menu.shown_to,
             json.dumps([[c.data, c.label, c.role] for c in menu.choices], ensure_ascii=False),
             int(menu.multi), int(menu.expects_text), menu.shown_at),
        )
