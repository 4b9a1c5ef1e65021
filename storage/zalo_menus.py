"""The numbered menu each Zalo chat was shown last (migration 0141)."""

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


class MenuRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, chat_id: str) -> Menu | None:
        row = await self.db.fetchone("SELECT * FROM zalo_menus WHERE chat_id = ?", (chat_id,))
        if row is None:
            return None
        choices = tuple(MenuChoice(*item) for item in json.loads(row["choices"]))
        return Menu(chat_id, choices, bool(row["multi"]), bool(row["expects_text"]),
                    int(row["shown_at"]))

    async def show(self, menu: Menu) -> None:
        """Remember `menu` as the chat's current one (an empty menu forgets the last one: a
        message without choices makes earlier numbers stale too)."""
        await self.db.execute(
            "INSERT INTO zalo_menus (chat_id, choices, multi, expects_text, shown_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET"
            " choices = excluded.choices, multi = excluded.multi,"
            " expects_text = excluded.expects_text, shown_at = excluded.shown_at",
            (menu.chat_id, json.dumps([[c.data, c.label, c.role] for c in menu.choices],
                                      ensure_ascii=False),
             int(menu.multi), int(menu.expects_text), menu.shown_at),
        )
